"""Shared fixtures: the installed CLI, small run settings, and editable scenario copies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

REPO = Path(__file__).resolve().parents[2]
TEST_DATA = REPO / "tests" / "data"

# Small, fast settings for the default scenario: one agent per 500 people, two years.
SMALL = ["--scale", "500", "--until", "2011-12-31"]


def _find_cli() -> str:
    candidate = Path(sys.executable).parent / "migsim"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("migsim")
    if not found:
        pytest.exit("the migsim program is not installed; run `make test`", returncode=2)
    return found


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs the migsim program and returns the completed process (never raises on exit code)."""
    exe = _find_cli()

    def run(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout, env={**os.environ}
        )

    return run


@pytest.fixture
def scenario_copy(tmp_path: Path, cli: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[[str], Path]:
    """Exports a built-in scenario into a temporary folder that a test may break."""

    def export(name: str = "kyrgyzstan") -> Path:
        folder = tmp_path / name
        result = cli("export", name, folder)
        assert result.returncode == 0, result.stderr
        return folder

    return export
