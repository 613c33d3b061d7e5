"""Built-in scenarios hold still without their events (issue 13): with every dated event removed, the stock
abroad after one year is within 5 % of the start, or follows the trend that the scenario's NOTES.md states with
its source ("Trend without events: +N % in the first year"). A scenario whose behaviour is not in balance with
its initial tables drifts by itself, and then a policy's effect is confounded with the drift."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import migsim

TOLERANCE = 0.05
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
TREND = re.compile(r"Trend without events:\*{0,2} ([+−-]\d+(?:\.\d+)?) % in the first year")
ABROAD = ["resident", "eaeu_worker", "permit_holder", "irregular", "detained", "convicted", "stranded", "scheme_worker"]


def stated_trend(name: str) -> float:
    """The first-year trend that the scenario's NOTES.md states (0 if it states none)."""
    match = TREND.search((SCENARIOS / name / "NOTES.md").read_text(encoding="utf-8"))
    return float(match.group(1).replace("−", "-")) / 100 if match else 0.0


def first_year_change(name: str) -> float:
    sc = migsim.Scenario.load(name)
    for event in list(sc.events):
        sc.remove_event(event.label)
    start = dt.date.fromisoformat(str(sc.start))
    sc.calendar.end = (start + dt.timedelta(days=371)).isoformat()
    scale = 400 if name == "central-asia" else 40
    ds = migsim.run(sc, seed=3, scale=scale, quiet=True).to_xarray()
    abroad = ds["stock"].sel(status=ABROAD).sum(["origin", "location", "status"])
    return float(abroad[-1] / abroad[0] - 1)


@pytest.mark.parametrize("name", migsim.builtin_scenarios())
def test_a_builtin_scenario_without_events_holds_its_stock_abroad_for_a_year(name: str) -> None:
    change, trend = first_year_change(name), stated_trend(name)
    assert abs(change - trend) <= TOLERANCE, (
        f"{name}: the stock abroad changes by {change:+.1%} in the first year without events; "
        f"NOTES.md states {trend:+.1%} (tolerance {TOLERANCE:.0%})"
    )


def test_the_stated_trend_is_read_from_the_notes() -> None:
    assert stated_trend("kyrgyzstan") > TOLERANCE  # the 2010-2013 growth, with its source
    assert stated_trend("quota-cut") == 0.0
