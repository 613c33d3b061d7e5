#!/usr/bin/env python3
"""Refreshes the stored regression baseline (tests/data/baseline/kyrgyzstan-small.json).

Run it only when a change is meant to alter results, and say why in the commit message:
    .venv/bin/python tools/update_baseline.py
The regression test (tests/python/test_baseline.py) compares a fresh run with this file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import migsim

BASELINE = Path(__file__).resolve().parents[1] / "tests" / "data" / "baseline" / "kyrgyzstan-small.json"
SETTINGS: dict[str, Any] = {"scenario": "kyrgyzstan", "seed": 1, "scale": 1000, "until": "2016-12-31"}


def summarise(results: migsim.Results) -> dict[str, Any]:
    """Yearly aggregates small enough to review in a diff."""
    ds = results.to_xarray()
    year = ds.time.dt.year
    abroad = ds.stock.sum(["origin", "status"]).groupby(ds.location_country).sum()
    return {
        "settings": SETTINGS,
        "population_end_of_year": {str(y): int(v) for y, v in ds.population.sum("origin").groupby(year).last().to_series().items()},
        "stock_by_country_end_of_year": {
            str(y): {c: int(abroad.sel(location_country=c).isel(time=i).item()) for c in abroad.location_country.values}
            for y, i in ((int(y), int(idx[-1])) for y, idx in ds.time.groupby(year).groups.items())
        },
        "departures_per_year": {str(y): int(v) for y, v in ds.departures.sum(["origin", "location"]).groupby(year).sum().to_series().items()},
        "returns_per_year": {str(y): int(v) for y, v in ds.returns.sum(["origin", "location"]).groupby(year).sum().to_series().items()},
        "remittances_usd_per_year": {str(y): float(v) for y, v in ds.remittances_usd.sum("origin").groupby(year).sum().to_series().items()},
        "stock_by_status_end_of_year": {
            str(y): {str(s): int(v) for s, v in ds.stock.sum(["origin", "location"]).isel(time=int(idx[-1])).to_series().items()}
            for y, idx in ds.time.groupby(year).groups.items()
        },
        "permits_issued_per_year": {str(y): int(v) for y, v in ds.permits_issued.sum("country").groupby(year).sum().to_series().items()},
        "deportations_per_year": {str(y): int(v) for y, v in ds.deportations.sum(["location", "origin"]).groupby(year).sum().to_series().items()},
        "bans_active_end_of_year": {str(y): int(v) for y, v in ds.bans_active.sum(["country", "origin"]).groupby(year).last().to_series().items()},
    }


def run_summary() -> dict[str, Any]:
    settings = dict(SETTINGS)
    return summarise(migsim.run(settings.pop("scenario"), **settings))


def main() -> int:
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(json.dumps(run_summary(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
