"""Whether a scenario holds still without its dated events: the drift check of the built-in scenarios.

With every dated event removed, a scenario's stock abroad after one year must lie within :data:`TOLERANCE` of its
start, or of the first-year trend its NOTES.md states with a source ("Trend without events: +N % in the first
year"). A scenario whose behaviour is out of balance with its initial tables drifts by itself, and a policy's
effect is then confounded with the drift. ``tests/python/test_builtin_drift.py`` holds every built-in scenario to
it; ``make validation`` writes the numbers into the validation report's folder for docs/validation.md::

    python -m migsim.drift -o out/validate-fit/kyrgyzstan/drift.json      # every built-in scenario, about 1 min
    python -m migsim.drift quota-cut my-scenario/                          # some, printed

From Python: ``migsim.drift.check("quota-cut")`` returns a :class:`Drift`. Exit codes: 0 done (whether or not a
scenario drifts), 2 bad input (an unknown scenario, a bad option), 1 any other failure.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Sequence

import migsim

from ._core import ArgumentError, OutputError, ScenarioError, export_builtin
from ._files import write_atomically
from .schema import ABROAD_STATUSES_EXCLUDING_NATURALISED

__all__ = ["Drift", "TOLERANCE", "check", "first_year_change", "main", "stated_trend"]

TOLERANCE = 0.05  # issue 13: within 5 % of the start after one year, or of the trend the NOTES state
SEED = 3
SCALE = 40
SCALES = {"central-asia": 400}  # its three origins hold about ten times kyrgyzstan's people
TREND = re.compile(r"Trend without events:\*{0,2} ([+−-]\d+(?:\.\d+)?) % in the first year")


@dataclasses.dataclass(frozen=True)
class Drift:
    """One scenario's first year without events against the trend its NOTES.md states."""

    scenario: str
    change: float  # the stock abroad after one year / at the start - 1
    trend: float  # the stated first-year trend (0 when the NOTES state none)
    tolerance: float = TOLERANCE

    @property
    def holds(self) -> bool:
        """Whether the change lies within the tolerance of the stated trend."""
        return abs(self.change - self.trend) <= self.tolerance


def stated_trend(notes: str) -> float:
    """The first-year trend that a scenario's NOTES.md text states (0 if it states none)."""
    match = TREND.search(notes)
    return float(match.group(1).replace("−", "-")) / 100 if match else 0.0


def _notes(scenario: str) -> str:
    """The NOTES.md of a built-in scenario (from the copy embedded in the engine) or of a scenario folder."""
    if scenario in migsim.builtin_scenarios():
        with tempfile.TemporaryDirectory() as folder:
            export_builtin(scenario, folder)
            notes = Path(folder) / "NOTES.md"
            return notes.read_text(encoding="utf-8") if notes.is_file() else ""
    path = Path(scenario)
    notes = (path if path.is_dir() else path.parent) / "NOTES.md"
    return notes.read_text(encoding="utf-8") if notes.is_file() else ""


def first_year_change(scenario: str, seed: int = SEED, scale: int | None = None) -> float:
    """The relative change of the stock abroad (every status abroad but the naturalised) over the first 53 weeks
    of ``scenario`` with every dated event removed."""
    sc = migsim.Scenario.load(scenario)
    for event in sc.events:  # a resolved event always has a label (default `<type>_<position>`)
        sc.remove_event(str(event.label))
    start = dt.date.fromisoformat(str(sc.start))
    with warnings.catch_warnings():  # the events the shorter calendar leaves out are removed anyway
        warnings.simplefilter("ignore", migsim.ScenarioWarning)
        sc.calendar.end = (start + dt.timedelta(days=371)).isoformat()
    scale = scale or SCALES.get(scenario, SCALE)
    ds = migsim.run(sc, seed=seed, scale=scale, quiet=True).to_xarray()
    abroad = ds["stock"].sel(status=list(ABROAD_STATUSES_EXCLUDING_NATURALISED)).sum(["origin", "location", "status"])
    return float(abroad[-1] / abroad[0] - 1)


def check(scenario: str, seed: int = SEED, scale: int | None = None) -> Drift:
    """The drift of one scenario (a built-in name or a folder) against its stated trend."""
    return Drift(scenario, first_year_change(scenario, seed, scale), stated_trend(_notes(scenario)))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m migsim.drift [SCENARIO ...] [-o drift.json]``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m migsim.drift", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="built-in names or folders (default: every built-in scenario)")
    parser.add_argument("-o", "--output", help="write the results as JSON (replaced whole, never half-written)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    names = args.scenarios or migsim.builtin_scenarios()
    try:
        results = [check(name, seed=args.seed) for name in names]
        for drift in results:
            print(f"{drift.scenario}: {drift.change:+.1%} in the first year without events, stated {drift.trend:+.1%}"
                  f" ({'within' if drift.holds else 'outside'} {drift.tolerance:.0%})")
        if args.output:
            record = {"settings": {"seed": args.seed, "scale": SCALE, "scales": SCALES, "tolerance": TOLERANCE,
                                   "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                                   "migsim": migsim.__version__},
                      "scenarios": [{**dataclasses.asdict(d), "holds": d.holds} for d in results]}
            text = json.dumps(record, indent=1, ensure_ascii=False) + "\n"
            write_atomically(lambda temporary: temporary.write_text(text, encoding="utf-8"), Path(args.output))
    except (ArgumentError, OutputError, ScenarioError) as error:  # bad input: a scenario, an option, a path
        print(f"migsim.drift: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
