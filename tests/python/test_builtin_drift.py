"""Built-in scenarios hold still without their events (issue 13): with every dated event removed, the stock
abroad after one year is within 5 % of the start, or follows the trend that the scenario's NOTES.md states with
its source ("Trend without events: +N % in the first year"). A scenario whose behaviour is not in balance with
its initial tables drifts by itself, and then a policy's effect is confounded with the drift. The measure is
:mod:`migsim.drift`, which also writes the numbers into the validation report for docs/validation.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import migsim
from migsim import drift


@pytest.mark.parametrize("name", migsim.builtin_scenarios())
def test_a_builtin_scenario_without_events_holds_its_stock_abroad_for_a_year(name: str) -> None:
    result = drift.check(name)
    assert result.holds, (
        f"{name}: the stock abroad changes by {result.change:+.1%} in the first year without events; "
        f"NOTES.md states {result.trend:+.1%} (tolerance {result.tolerance:.0%})"
    )


def test_the_stated_trend_is_read_from_the_notes() -> None:
    assert drift.stated_trend("**Trend without events:** +17 % in the first year (source)") == pytest.approx(0.17)
    assert drift.stated_trend("Trend without events: −2.5 % in the first year") == pytest.approx(-0.025)
    assert drift.stated_trend("no statement") == 0.0
    assert drift.check.__module__ == "migsim.drift"
    assert drift.stated_trend(drift._notes("kyrgyzstan")) > drift.TOLERANCE  # the 2010-2013 growth, with its source
    assert drift.stated_trend(drift._notes("quota-cut")) == 0.0


def test_a_drift_outside_the_stated_trend_does_not_hold() -> None:
    assert drift.Drift("x", change=0.051, trend=0.0).holds is False
    assert drift.Drift("x", change=0.21, trend=0.17).holds is True
    assert drift.Drift("x", change=-0.049, trend=0.0).holds is True


def test_the_command_writes_the_report_file_and_refuses_bad_input(tmp_path: Path, capsys) -> None:
    out = tmp_path / "drift.json"
    assert drift.main(["quota-cut", "-o", str(out)]) == 0
    record = json.loads(out.read_text())
    assert [s["scenario"] for s in record["scenarios"]] == ["quota-cut"]
    assert record["scenarios"][0]["holds"] is True and record["settings"]["tolerance"] == drift.TOLERANCE
    assert "quota-cut: " in capsys.readouterr().out
    assert drift.main(["no-such-scenario", "-o", str(tmp_path / "other.json")]) == 2
    assert "no-such-scenario" in capsys.readouterr().err
    assert not (tmp_path / "other.json").exists()
