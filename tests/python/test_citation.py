"""The project can be used and cited (issue 15, item 5): a licence matching pyproject.toml, a citation file
whose version is the package's, and `migsim --version` with the version and the commit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

import migsim

ROOT = Path(__file__).resolve().parents[2]
MIGSIM = Path(sys.executable).parent / "migsim"


def project_version() -> str:
    match = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert match, "pyproject.toml has no version"
    return match.group(1)


def test_the_licence_is_the_one_pyproject_declares() -> None:
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_citation_file_is_in_step_with_the_version() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert str(citation["version"]) == project_version() == migsim.__version__
    assert citation["license"] == "MIT" and citation["title"].startswith("migsim")


def test_version_prints_the_version_and_the_commit() -> None:
    out = subprocess.run([str(MIGSIM), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    # The commit the build was made from (a hash; "unknown" outside a git checkout).
    assert re.fullmatch(rf"migsim {re.escape(project_version())} \(commit [^\s()]+\)", out), out
