"""The parameter reference in docs/scenarios.md is generated from the schema and must match it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import migsim

REPO = Path(__file__).resolve().parents[2]


def test_parameter_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "generate_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_schema_key_is_documented() -> None:
    text = (REPO / "docs" / "scenarios.md").read_text()
    for spec in migsim._core.parameter_schema():
        assert f"`{spec['key']}`" in text, spec["key"]
