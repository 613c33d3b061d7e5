"""The commit stamped on output and state files is the one built (cmake/git_commit.cmake, run at every build).

Before, it was read once when CMake configured the build tree, so a build after a new commit kept naming the old
one; a state file written by one build would then resume in another with different rules. The script is run here
on a throwaway repository, as the build runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import migsim

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "cmake" / "git_commit.cmake"

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None or shutil.which("git") is None,
                                reason="needs cmake and git, as the build does")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout.strip()


def _stamp(source: Path, output: Path) -> str:
    subprocess.run(["cmake", f"-DSOURCE_DIR={source}", f"-DOUTPUT={output}", "-P", str(SCRIPT)], check=True,
                   capture_output=True, text=True, timeout=60,
                   env={**os.environ, "GIT_CEILING_DIRECTORIES": str(source.parent)})  # no repository above
    match = re.search(r'build_git_commit\(\) \{ return "([^"]*)"; \}', output.read_text())
    assert match, output.read_text()
    return match.group(1)


def test_the_stamp_follows_each_commit_and_marks_changed_files(tmp_path: Path) -> None:
    repo, output = tmp_path / "repo", tmp_path / "build" / "git_commit.cpp"
    repo.mkdir()
    output.parent.mkdir()
    _git(repo, "init", "-q")
    (repo / "rules.txt").write_text("first\n")
    _git(repo, "add", "rules.txt")
    _git(repo, "commit", "-q", "-m", "first")
    first = _git(repo, "rev-parse", "--short=12", "HEAD")
    assert _stamp(repo, output) == first

    written = output.stat().st_mtime_ns
    assert _stamp(repo, output) == first
    assert output.stat().st_mtime_ns == written  # unchanged text is not rewritten: nothing recompiles

    (repo / "rules.txt").write_text("second\n")
    assert _stamp(repo, output) == first + "-dirty"  # a build of uncommitted changes says so
    (repo / "notes.txt").write_text("untracked files do not count\n")
    _git(repo, "commit", "-q", "-am", "second")
    second = _git(repo, "rev-parse", "--short=12", "HEAD")
    assert second != first and _stamp(repo, output) == second  # the next build names the new commit


def test_outside_a_checkout_the_stamp_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    assert _stamp(tmp_path / "source", tmp_path / "git_commit.cpp") == "unknown"


def test_the_built_package_carries_a_stamp_of_that_form() -> None:
    assert re.fullmatch(r"[0-9a-f]{12}(-dirty)?|unknown", migsim._core.git_commit())
