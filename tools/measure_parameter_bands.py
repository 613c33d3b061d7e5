#!/usr/bin/env python3
"""How much parameter uncertainty widens a scenario band (issue 13): seeds only against seeds with draws from a fit.

A small ABC fit of ``kyrgyzstan`` (default: the departure and return base rates, to its weighted targets up to
``--fit-until``), then two ensembles of the fitted scenario with the same seeds to ``--end``:

- **seeds only**: every run at the fitted values (the posterior medians);
- **with draws**: every seed's run with one of the accepted draws (``Ensemble(..., draws=fit)``).

Printed: the accepted draws, and the 10 %, 50 % and 90 % quantiles and the 10-90 % width over runs of the stock of
migrants in Russia (every status abroad but naturalised) at ``--end``, for both.

    nice .venv/bin/python tools/measure_parameter_bands.py                 # 20 trials, 10 seeds, scale 500: ~1 min
    nice .venv/bin/python tools/measure_parameter_bands.py --trials 40 --top 0.2 --json out/parameter-bands.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

import migsim

MIGRANT_STATUSES = list(migsim.schema.ABROAD_STATUSES_EXCLUDING_NATURALISED)


def _stock_in_russia(ds: Any) -> np.ndarray:
    """Per run: the migrants in Russia at the last step."""
    stock = ds.stock.isel(time=-1).sel(status=MIGRANT_STATUSES)
    return np.asarray(stock.where(ds.location_country == "RU", 0).sum(["origin", "location", "status"]).values)


def _summary(values: np.ndarray) -> dict[str, float]:
    q10, q50, q90 = (float(np.quantile(values, q)) for q in (0.1, 0.5, 0.9))
    return {"q10": q10, "q50": q50, "q90": q90, "width_10_90": q90 - q10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parameters", nargs="+",
                        default=["behaviour.departure.base_rate", "behaviour.return.base_rate"])
    parser.add_argument("--trials", type=int, default=20, help="ABC draws from the priors")
    parser.add_argument("--top", type=float, default=0.25, help="ABC acceptance rate")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--scale", type=int, default=500)
    parser.add_argument("--fit-until", default="2016-01-01")
    parser.add_argument("--end", default="2019-12-31")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--master-seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    started = time.perf_counter()
    fit = migsim.calibrate("kyrgyzstan", parameters=args.parameters, method="abc", n_trials=args.trials,
                           top=args.top, replicates=1, scale=args.scale, until=args.fit_until,
                           processes=args.processes, seed=0, quiet=True)
    fit_seconds = time.perf_counter() - started
    draws = fit.draws()
    print(f"ABC fit: {args.trials} trials, {len(draws)} accepted ({fit_seconds:.0f} s); {draws.attrs['basis']}")
    print(draws.to_string())

    common: dict[str, Any] = dict(seeds=args.seeds, master_seed=args.master_seed, scale=args.scale, until=args.end,
                                  processes=args.processes, variables=["stock"], quiet=True)
    scenario = fit.to_scenario()
    started = time.perf_counter()
    seeds_only = _stock_in_russia(migsim.Ensemble(scenario, **common).run())
    with_draws = _stock_in_russia(migsim.Ensemble(scenario, draws=fit, **common).run())
    runs_seconds = time.perf_counter() - started
    result = {"settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
              "draws": draws.reset_index().to_dict(orient="records"),
              "seeds_only": _summary(seeds_only), "with_draws": _summary(with_draws),
              "seconds": {"fit": round(fit_seconds, 1), "ensembles": round(runs_seconds, 1)}}
    print(f"\nstock of migrants in Russia at {args.end}, {args.seeds} runs at scale {args.scale} "
          f"({runs_seconds:.0f} s):")
    for name in ("seeds_only", "with_draws"):
        s = result[name]
        print(f"  {name:11s} q10 {s['q10']:>10,.0f}  q50 {s['q50']:>10,.0f}  q90 {s['q90']:>10,.0f}  "
              f"10-90% width {s['width_10_90']:>9,.0f}")
    ratio = result["with_draws"]["width_10_90"] / max(result["seeds_only"]["width_10_90"], 1e-9)
    print(f"  the draws widen the band {ratio:.1f} times")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
