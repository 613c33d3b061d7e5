#!/usr/bin/env python3
"""Derives a scenario's starting tables from where another scenario stands on a date (issue 13).

    .venv/bin/python tools/derive_start.py kyrgyzstan 2019-07-01 scenarios/covid-returns [--scale 1] [--seed 1]

Runs SCENARIO until DATE (the state at the end of the step that contains DATE, as `--until` runs it) and
rewrites, in FOLDER:

- initial_stock.csv: people of each origin abroad at each destination, in the statuses counted as migrants
  abroad (naturalised people are no longer migrants and are left out);
- regions.csv: the working_age_population of each origin, people at home plus those abroad (the engine
  reads it as everyone of working age from the origin on the start date), and its returned_population, the
  people at home who have been abroad before (status `returned`: they leave again more readily, model.md 7.4;
  the column is added if missing); other columns and rows are kept.

So a scenario that starts later (covid-returns) starts where the base stands, with the same fitted model,
until saved states (issue 14) let it start from the base's exact state.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

import migsim

ABROAD = ["resident", "eaeu_worker", "permit_holder", "irregular", "detained", "convicted", "stranded", "scheme_worker"]
AT_HOME = ["at_home", "returned", "displaced"]


def write_atomically(path: Path, rows: list[list[str]]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def derive(scenario: str, date: str, folder: Path, scale: int, seed: int) -> None:
    sc = migsim.Scenario.load(scenario)
    ds = migsim.run(sc, seed=seed, scale=scale, until=date, quiet=True).to_xarray()
    last = ds["stock"].isel(time=-1)
    abroad = last.sel(status=ABROAD).sum("status")
    home = last.sel(status=AT_HOME).sum(["status", "location"])
    returned = last.sel(status="returned").sum("location")
    origins = [str(o) for o in ds["origin"].values]
    destinations = [str(d) for d in ds["location"].values if str(d) not in origins]
    stock = [["origin", "destination", "migrants"]]
    for o in origins:
        for d in destinations:
            people = round(float(abroad.sel(origin=o, location=d)))
            if people > 0:
                stock.append([o, d, str(people)])
    total = {o: round(float(home.sel(origin=o) + abroad.sel(origin=o).sum())) for o in origins}
    with open(folder / "regions.csv", newline="", encoding="utf-8") as f:
        regions = list(csv.reader(f))
    if "returned_population" not in regions[0]:
        for row in regions:
            row.append("returned_population" if row is regions[0] else "")
    column = regions[0].index("working_age_population")
    returned_column = regions[0].index("returned_population")
    for row in regions[1:]:
        if row[0] in total:
            row[column] = str(total[row[0]])
            row[returned_column] = str(round(float(returned.sel(origin=row[0]))))
    write_atomically(folder / "initial_stock.csv", stock)
    write_atomically(folder / "regions.csv", regions)
    print(f"{folder}: {sum(int(r[2]) for r in stock[1:]):,} migrants abroad, "
          f"{sum(total.values()):,} working-age people of the origins, "
          f"{round(float(returned.sum())):,} of them returned, from {scenario} on {date} "
          f"(the step starting {str(ds['time'].values[-1])[:10]}, scale {scale}, seed {seed})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("date")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not (args.folder / "regions.csv").is_file():
        print(f"{args.folder}: no regions.csv to update", file=sys.stderr)
        return 2
    derive(args.scenario, args.date, args.folder, args.scale, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
