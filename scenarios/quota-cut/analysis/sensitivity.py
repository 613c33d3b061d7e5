#!/usr/bin/env python3
"""Morris (or Sobol) sensitivity of the quota-cut scenario's main outputs, and of the quota cut's effect, to the
behavioural parameters over their calibration ranges (docs/validation.md, "Sensitivity").

    .venv/bin/python scenarios/quota-cut/analysis/sensitivity.py          # Morris, 10 trajectories, scale 100
    .venv/bin/python scenarios/quota-cut/analysis/sensitivity.py --method sobol --samples 64 --scale 200 \\
        -o out/sensitivity-sobol

What is particular to this scenario is here, beside it: Russia halves its work-permit quota in 2027 (the event
`quota_halved`), so the outputs are measured in Russia from 2027 and the effect analysed is that of the cut. The
analysis itself is migsim.sensitivity. Writes sensitivity.png (one panel per output), sensitivity.csv/.md and
samples.csv. Exit code 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import migsim
from migsim.sensitivity import Output

SCENARIO = Path(__file__).resolve().parents[1]  # scenarios/quota-cut
CONTRAST = "quota_halved"  # the event whose effect is analysed: the quota cut
COUNTRY, SINCE, PLACE = "RU", "2027-01-01", "russia"  # where and from when the outputs are measured
SCALE = 100  # people per agent of the script's runs (the scenario's own run.scale, 20, is slow for hundreds)


def outputs() -> dict[str, Output]:
    """The stock in Russia at the end, the permits Russia issues, the irregular share in Russia and the remittances,
    from 2027 (``stock_russia_end``, ``permits_issued_russia``, ``irregular_share_russia``, ``remittances_usd``)."""
    return migsim.sensitivity_outputs(COUNTRY, since=SINCE, name=PLACE)


def sensitivity(scenario: Any = SCENARIO, **options: Any) -> migsim.SensitivityResult:
    """migsim.sensitivity of the quota cut: these outputs and contrast unless given; ``options`` as for
    migsim.sensitivity (parameters, method, trajectories, scale, settings...)."""
    options.setdefault("outputs", outputs())
    options.setdefault("contrast", CONTRAST)
    return migsim.sensitivity(scenario, **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(SCENARIO),
                        help="the quota-cut scenario or a variant of it (default: the folder above this script)")
    parser.add_argument("--method", choices=["morris", "sobol"], default="morris")
    parser.add_argument("--trajectories", type=int, default=10, help="Morris trajectories (default 10)")
    parser.add_argument("--samples", type=int, default=64, help="Sobol base samples (default 64)")
    parser.add_argument("--contrast", default=CONTRAST,
                        help=f"event whose effect is analysed too (default {CONTRAST}; '' for none)")
    parser.add_argument("--parameters", help="comma-separated key paths (default: every parameter with a "
                                             "calibration range in the schema)")
    parser.add_argument("--scale", type=int, default=SCALE, help=f"people per agent (default {SCALE})")
    parser.add_argument("--replicates", type=int, default=1)
    parser.add_argument("--until")
    parser.add_argument("--processes", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", default="out/sensitivity")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    parameters = [p.strip() for p in args.parameters.split(",")] if args.parameters else None
    try:
        settings = migsim.RunSettings(scale=args.scale, until=args.until, processes=args.processes, quiet=args.quiet)
        result = sensitivity(args.scenario, parameters=parameters, method=args.method,
                             trajectories=args.trajectories, samples=args.samples, contrast=args.contrast or None,
                             replicates=args.replicates, seed=args.seed, settings=settings)
    except (migsim.ArgumentError, migsim.ScenarioError) as error:
        print(f"sensitivity: error: {error}", file=sys.stderr)
        return 2
    folder = result.save(args.output)
    print(result)
    print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
