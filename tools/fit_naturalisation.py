#!/usr/bin/env python3
"""Fit of ``kyrgyzstan``'s naturalisation hazard in Russia after EAEU accession (the ``rate`` of the
``naturalisation_russia_eaeu`` event) to the Russian MVD's counts of Kyrgyz citizens who took Russian citizenship
in the calibration period (``observed/naturalisations.csv``: 8,700 in 2017 and about 9,000 in 2019;
``observed/naturalisations_multiyear.csv``: 22,069 over the period its README gives, to mid-2019).

The number naturalised is close to proportional to the hazard (a few thousand a year out of several hundred
thousand eligible), so the fit is a fixed point: each round multiplies the rate by the geometric mean of
observed ÷ simulated over the fitted rows (medians over paired seeds) until the rate moves by less than
``--tolerance``. Shown, not fitted: the counts after 2019 (``observed/naturalisations_ytd.csv``), which are the
validation period's. The rule's ``min_years`` stays the scenario's (NOTES.md: an assumption); only the hazard is
fitted. Every row is compared by the report's own rule (:meth:`migsim.observed.Targets.simulate`). A documented
command, not part of the test suite; the printed rate is written into ``scenarios/kyrgyzstan/scenario.yaml`` by hand
and the table kept in docs/validation.md.

    nice .venv/bin/python tools/fit_naturalisation.py                   # 5 seeds, scale 10
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd

import migsim
import migsim.observed

SCENARIO = "kyrgyzstan"
EVENT = "naturalisation_russia_eaeu"
FITTED = ("naturalisations", "naturalisations_multiyear")
SHOWN = ("naturalisations_ytd",)
UNTIL = "2023-04-07"  # the last shown row (31 March 2023) ends inside the step ending here


def simulated(rate: float, seeds: int, scale: int, threads: int | None) -> pd.DataFrame:
    """Observed and the median simulated value of every fitted and shown row, at ``rate``."""
    targets = migsim.observed.load_targets(SCENARIO).select(FITTED + SHOWN)
    scenario = migsim.Scenario.load(SCENARIO)
    scenario.set(f"events.{EVENT}.rate", rate)
    runs = [targets.simulate(migsim.run(scenario, seed=seed, scale=scale, until=UNTIL, threads=threads, quiet=True))
            for seed in range(1, seeds + 1)]
    frame = runs[0][["series", "date", "observed"]].copy()
    frame["simulated"] = np.median(np.column_stack([run[0].to_numpy() for run in runs]), axis=1)
    return frame.dropna(subset=["observed", "simulated"]).reset_index(drop=True)


def correction(frame: pd.DataFrame) -> float:
    """The geometric mean of observed ÷ simulated over the fitted rows."""
    fitted = frame[frame["series"].isin(FITTED)]
    if fitted.empty or (fitted["simulated"] <= 0).any():
        raise SystemExit(f"no positive simulated value for {', '.join(FITTED)}: is {EVENT} in the scenario?")
    return math.exp(float(np.mean(np.log(fitted["observed"] / fitted["simulated"]))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--tolerance", type=float, default=0.01, help="stop when the rate moves by less (relative)")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    if args.seeds < 1 or args.scale < 1 or args.rounds < 1 or args.tolerance <= 0:
        parser.error("--seeds, --scale and --rounds must be at least 1 and --tolerance positive")

    rate = float(migsim.Scenario.load(SCENARIO).get(f"events.{EVENT}.rate"))
    started = time.monotonic()
    history = []
    for round_ in range(args.rounds):
        frame = simulated(rate, args.seeds, args.scale, args.threads)
        factor = correction(frame)
        history.append((rate, frame))
        print(f"round {round_}: rate {rate:.4f}, observed ÷ simulated {factor:.3f} "
              f"({time.monotonic() - started:.0f} s)", flush=True)
        if abs(factor - 1) < args.tolerance:
            break
        rate *= factor

    first_rate, first = history[0]
    last_rate, last = history[-1]
    print(f"\n| series | date | observed | rate {first_rate:.4g} | rate {last_rate:.4g} | fitted |")
    print("|---|---|---|---|---|---|")
    for before, after in zip(first.itertuples(index=False), last.itertuples(index=False)):
        print(f"| `{after.series}` | {after.date} | {after.observed:,.0f} | {before.simulated:,.0f} | "
              f"{after.simulated:,.0f} | {'yes' if after.series in FITTED else 'no (validation)'} |")


if __name__ == "__main__":
    main()
