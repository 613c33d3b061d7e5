#!/usr/bin/env python3
"""How much branching from one history per seed narrows the band of a scenario difference (issue 14).

The future: the built-in ``kyrgyzstan`` history to 2025-12-31, then 2026-2027 with and without a border closure
between Kyrgyzstan and Russia from 2026-03-01 for 10 weeks (to 2026-05-09).

- **paired**: one history per seed (seeds 1..N), saved at its end (``migsim.save_histories``), each branched into
  the baseline and the closure future (``migsim.compare(..., from_state=...)``); the quantiles of the per-seed
  differences closure - baseline.
- **independent**: the baseline of seeds 1..N against the closure of seeds N+1..2N, paired i with N+i (a random
  pairing, since seeds are independent); the quantiles of those differences. The closure runs of seeds N+1..2N are
  branches of their own histories, which equal straight runs of the closure scenario bit for bit
  (tests/python/test_branching.py), so they are the straight runs an analyst without saved states would make.

Printed: the 10-90 % width of the differences (and the standard error of their mean) for the returns from Russia
over 2026-2027 and the stock in Russia at the end of the closure, of 2026 and of 2027; the width week by week after the fork
of the per-seed difference of the stock in Kazakhstan (which the closure changes only indirectly); and the first
week in which the branches of a seed create different numbers of new agents (from then on new agents' ids, and so
their random draws, differ between the branches).

    .venv/bin/python tools/measure_pairing.py                      # 20 seeds, scale 100, 2 processes: ~5 minutes
    .venv/bin/python tools/measure_pairing.py --seeds 20 --scale 200 --json out/pairing.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import migsim

FORK = "2025-12-31"
END = "2027-12-31"
CLOSURE = migsim.BorderClosure("2026-03-01", "2026-05-09", countries=["KG", "RU"], label="closure_2026",
                               source="tools/measure_pairing.py: a 10-week closure between Kyrgyzstan and Russia")
MIGRANT_STATUSES = list(migsim.schema.ABROAD_STATUSES_EXCLUDING_NATURALISED)


def _scenarios() -> dict[str, migsim.Scenario]:
    baseline = migsim.Scenario.load("kyrgyzstan").set("calendar.end", END)
    closure = baseline.copy()
    closure.add_event(CLOSURE)
    return {"baseline": baseline, "closure": closure}


def _by_seed(runs: Any, label: str) -> Any:
    part = runs.sel(scenario=label)
    return part.assign_coords(run=part.seed.values).rename(run="seed_")


def _measures(runs: Any, label: str) -> dict[str, Any]:
    """Per-seed series (dims seed_, time) of the quantities measured."""
    part = _by_seed(runs, label)
    in_ru = part.location_country == "RU"
    in_kz = part.location_country == "KZ"
    stock = part.stock.sel(status=MIGRANT_STATUSES)
    return {
        "returns_ru": part.returns.where(in_ru, 0).sum(["location", "origin"]),
        "stock_ru": stock.where(in_ru, 0).sum(["location", "origin", "status"]),
        "stock_kz": stock.where(in_kz, 0).sum(["location", "origin", "status"]),
        "entries": part.entries,
    }


def _width(values: np.ndarray) -> float:
    return float(np.quantile(values, 0.9) - np.quantile(values, 0.1))


def _summary(values: np.ndarray) -> dict[str, float]:
    return {"q10": float(np.quantile(values, 0.1)), "q50": float(np.quantile(values, 0.5)),
            "q90": float(np.quantile(values, 0.9)), "width_10_90": _width(values),
            "mean": float(values.mean()), "se_of_mean": float(values.std(ddof=1) / np.sqrt(len(values)))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    n = args.seeds
    started = time.monotonic()
    options = dict(scale=args.scale, processes=args.processes, quiet=True)
    scenarios = _scenarios()
    variables = ["returns", "stock", "entries"]
    with tempfile.TemporaryDirectory(prefix="migsim-pairing-") as folder:
        states = migsim.save_histories("kyrgyzstan", seeds=range(1, 2 * n + 1), until=FORK, folder=folder,
                                       **options)
        history_seconds = time.monotonic() - started
        first = {seed: states[seed] for seed in range(1, n + 1)}
        second = {seed: states[seed] for seed in range(n + 1, 2 * n + 1)}
        paired = migsim.compare(scenarios, from_state=first, variables=variables, **options)
        other = migsim.compare({"closure": scenarios["closure"]}, from_state=second, variables=variables, **options)
    base, closed, closed_other = (_measures(paired.runs, "baseline"), _measures(paired.runs, "closure"),
                                  _measures(other.runs, "closure"))
    times = paired.runs.time.values
    future = times >= np.datetime64("2026-01-02")
    end_of_closure = int(np.flatnonzero(times <= np.datetime64("2026-05-09"))[-1])
    end_of_2026 = int(np.flatnonzero(times <= np.datetime64("2026-12-31"))[-1])
    last = len(times) - 1

    def differences(name: str, reduce: Any) -> tuple[np.ndarray, np.ndarray]:
        mine = reduce(closed[name]) - reduce(base[name])
        theirs = reduce(closed_other[name]) - reduce(base[name]).values  # closure seed N+i minus baseline seed i
        return np.asarray(mine), np.asarray(theirs)

    rows: dict[str, dict[str, Any]] = {}
    for label, name, reduce in (
        ("returns from Russia, 2026-2027 (people)", "returns_ru", lambda d: d.isel(time=future).sum("time")),
        ("stock in Russia at the end of the closure (people)", "stock_ru", lambda d: d.isel(time=end_of_closure)),
        ("stock in Russia at the end of 2026 (people)", "stock_ru", lambda d: d.isel(time=end_of_2026)),
        ("stock in Russia at the end of 2027 (people)", "stock_ru", lambda d: d.isel(time=last)),
    ):
        mine, theirs = differences(name, reduce)
        rows[label] = {"paired": _summary(mine), "independent": _summary(theirs)}

    first_step = int(np.flatnonzero(future)[0])
    weekly = []
    for week in (1, 4, 8, 9, 12, 19, 26, 39, 52, 78, 104):
        step = first_step + week - 1
        if step > last:
            break
        mine, theirs = differences("stock_kz", lambda d: d.isel(time=step))
        weekly.append({"week": week, "date": str(times[step])[:10], "paired": _width(mine),
                       "independent": _width(theirs)})

    entries_base = base["entries"].sum("origin").values
    entries_closed = closed["entries"].sum("origin").values
    per_origin = (base["entries"].values != closed["entries"].values).any(axis=2)  # (seed, time)
    first_shift = [int(np.flatnonzero(row)[0]) - first_step + 1 if row.any() else None for row in per_origin]
    shift = {"first_week_entrants_differ": first_shift,
             "total_entrants_differ_by": [int(v) for v in (entries_closed - entries_base)[:, future].sum(axis=1)]}

    result = {"seeds": n, "scale": args.scale, "fork": FORK, "end": END, "closure": CLOSURE.to_dict(),
              "measures": rows, "stock_kz_width_by_week_after_fork": weekly, "entrants": shift,
              "seconds": {"histories": round(history_seconds, 1), "total": round(time.monotonic() - started, 1)}}
    print(f"kyrgyzstan, scale {args.scale}, {n} seeds; fork at {FORK}, closure KG-RU 2026-03-01 to 2026-05-09\n")
    print("| difference closure - baseline | paired q10 / q50 / q90 | paired 10-90 % width | independent q10 / q50 / "
          "q90 | independent width | paired / independent | s.e. of mean, paired / independent |")
    print("|---|---|---|---|---|---|---|")
    for label, row in rows.items():
        p, i = row["paired"], row["independent"]
        print(f"| {label} | {p['q10']:,.0f} / {p['q50']:,.0f} / {p['q90']:,.0f} | {p['width_10_90']:,.0f} | "
              f"{i['q10']:,.0f} / {i['q50']:,.0f} / {i['q90']:,.0f} | {i['width_10_90']:,.0f} | "
              f"{p['width_10_90'] / i['width_10_90']:.2f} | {p['se_of_mean']:,.0f} / {i['se_of_mean']:,.0f} |")
    print("\nStock in Kazakhstan, 10-90 % width of the per-seed difference, weeks after the fork:\n")
    print("| week | step starts | paired | independent | paired / independent |\n|---|---|---|---|---|")
    for row in weekly:
        ratio = row["paired"] / row["independent"] if row["independent"] else float("nan")
        print(f"| {row['week']} | {row['date']} | {row['paired']:,.0f} | {row['independent']:,.0f} | {ratio:.2f} |")
    print(f"\nFirst week after the fork in which the branches of a seed create different numbers of new agents: "
          f"{shift['first_week_entrants_differ']}; difference in entrants over 2026 (closure - baseline): "
          f"{shift['total_entrants_differ_by']}")
    print(f"\n{result['seconds']['histories']} s for {2 * n} histories, {result['seconds']['total']} s in all")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
