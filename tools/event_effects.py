#!/usr/bin/env python3
"""What each dated event of a scenario does: the scenario with all its events against the same scenario without one
of them, for each event that starts in a window, paired by seed (issue 13: the 2022-2025 measures).

For every event the effect is ``with - without`` per seed, then the median and the 10-90 % range over seeds, by
calendar year: the stock of migrants in the country at the end of the year (present, not naturalised) and the
remittances of the year. Printed as Markdown tables; with ``-o FILE.json`` also written, with the settings, for the
``event-effects`` block of docs/validation.md (``python -m migsim.validation_doc`` reads ``event_effects.json`` from
the report folder). A documented command, not part of the test suite.

    nice .venv/bin/python tools/event_effects.py kyrgyzstan --from 2022-01-01 --seeds 10 --scale 20   # ~4 min
    nice .venv/bin/python tools/event_effects.py kyrgyzstan --labels mobilisation_2022 --seeds 4 --scale 50
    nice .venv/bin/python tools/event_effects.py kyrgyzstan --seeds 10 --scale 20 \
        -o out/validate-fit/kyrgyzstan/event_effects.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pandas as pd

import migsim
from migsim._files import write_atomically
from migsim.schema import ABROAD_STATUSES_EXCLUDING_NATURALISED


def _events_in_window(scenario: migsim.Scenario, start: dt.date, end: dt.date | None) -> list[str]:
    labels = []
    for event in scenario.events:
        begins = dt.date.fromisoformat(str(event.start))
        if begins >= start and (end is None or begins <= end):
            labels.append(event.label)
    return labels


def _effects(cmp: migsim.Comparison, country: str, first_year: int) -> pd.DataFrame:
    stock = cmp.differences("stock", baseline="without", freq="year", stock="end",
                            where={"location_country": country, "status": list(ABROAD_STATUSES_EXCLUDING_NATURALISED)})
    money = cmp.differences("remittances_usd", baseline="without", freq="year")
    rows = []
    for name, frame, unit in (("stock", stock, 1.0), ("remittances (million USD)", money, 1e6)):
        frame = frame[(frame["scenario"] == "with") & frame["complete"]]
        for _, row in frame.iterrows():
            year = int(str(row["period"])[:4])
            if year >= first_year:
                rows.append({"variable": name, "year": year, "q10": row["q10"] / unit, "q50": row["q50"] / unit,
                             "q90": row["q90"] / unit})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", help="a built-in scenario's name or a scenario folder")
    parser.add_argument("--from", dest="start", default="2022-01-01", help="first start date of the events taken")
    parser.add_argument("--to", dest="end", default=None, help="last start date of the events taken")
    parser.add_argument("--labels", nargs="+", default=None, help="these events instead of a window")
    parser.add_argument("--country", default="RU", help="the country whose stock is shown")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--master-seed", type=int, default=0,
                        help="seed of the runs' seeds (default 0), so that the command gives the same numbers again")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="also write the effects and the settings to this JSON file")
    args = parser.parse_args()
    if args.output is not None and args.output.suffix != ".json":
        parser.error(f"--output: expected a file ending in .json, found {str(args.output)!r}")

    scenario = migsim.Scenario.load(args.scenario)
    start = dt.date.fromisoformat(args.start)
    end = dt.date.fromisoformat(args.end) if args.end else None
    labels = args.labels or _events_in_window(scenario, start, end)
    if not labels:
        raise SystemExit(f"{args.scenario}: no event starts from {args.start}" + (f" to {args.end}" if end else ""))
    print(f"{args.scenario}: {len(labels)} events, {args.seeds} seeds (master seed {args.master_seed}), scale "
          f"{args.scale}; effect = with - without, "
          f"median (10-90 % over seeds)")
    effects: list[dict[str, Any]] = []
    for label in labels:
        started = time.monotonic()
        without = scenario.copy()
        without.remove_event(label)
        cmp = migsim.compare({"with": scenario, "without": without}, seeds=args.seeds, scale=args.scale,
                             variables=["stock", "remittances_usd"], processes=args.processes, quiet=True,
                             master_seed=args.master_seed)
        table = _effects(cmp, args.country, start.year)
        print(f"\n### `{label}` ({time.monotonic() - started:.0f} s)\n")
        years = sorted(table["year"].unique())
        print("| | " + " | ".join(str(y) for y in years) + " |")
        print("|---|" + "---|" * len(years))
        for name, rows in table.groupby("variable", sort=False):
            digits = 0 if name == "stock" else 1
            cells = [f"{r.q50:+,.{digits}f} ({r.q10:+,.{digits}f} to {r.q90:+,.{digits}f})"
                     for r in rows.sort_values("year").itertuples()]
            label_cell = f"{name} in {args.country}, end of year" if name == "stock" else name
            print(f"| {label_cell} | " + " | ".join(cells) + " |")
        event = scenario.event(label)
        effects += [{"label": label, "type": event.type, "start": str(event.start),
                     "end": None if getattr(event, "end", None) is None else str(event.end), **row}
                    for row in table.to_dict("records")]
    if args.output is not None:
        _write(args.output, {"scenario": args.scenario, "country": args.country, "seeds": args.seeds,
                             "scale": args.scale, "master_seed": args.master_seed, "from": args.start, "labels": labels,
                             "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                             "git_commit": str(migsim._core.git_commit())}, effects)


def _write(path: Path, settings: dict[str, Any], effects: list[dict[str, Any]]) -> None:
    """The JSON file whole or not at all (migsim's own atomic writer)."""
    text = json.dumps({"settings": settings, "effects": effects}, indent=1) + "\n"
    write_atomically(lambda temporary: temporary.write_text(text, encoding="utf-8"), path)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
