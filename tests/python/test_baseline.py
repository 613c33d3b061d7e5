"""Regression test against the stored baseline; refresh it only with tools/update_baseline.py."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load_tool():
    spec = importlib.util.spec_from_file_location("update_baseline", REPO / "tools" / "update_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_small_run_matches_the_stored_baseline() -> None:
    tool = _load_tool()
    stored = json.loads(tool.BASELINE.read_text())
    fresh = json.loads(json.dumps(tool.run_summary()))
    for key in ("population_end_of_year", "stock_by_country_end_of_year", "departures_per_year", "returns_per_year"):
        assert fresh[key] == stored[key], f"{key} changed: run tools/update_baseline.py if this is intended"
    for year, value in stored["remittances_usd_per_year"].items():
        assert fresh["remittances_usd_per_year"][year] == pytest.approx(value, rel=1e-9), year
