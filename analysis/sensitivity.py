#!/usr/bin/env python3
"""Morris (or Sobol) sensitivity of the quota-cut scenario's main outputs, and of the quota cut's effect, to the
behavioural parameters over their calibration ranges (docs/validation.md, "Sensitivity").

    .venv/bin/python analysis/sensitivity.py                         # Morris, 10 trajectories, scale 100
    .venv/bin/python analysis/sensitivity.py --method sobol --samples 64 --scale 200 -o out/sensitivity-sobol

Writes sensitivity.png (one panel per output), sensitivity.csv/.md and samples.csv. Exit code 2 on bad input.
"""

import argparse
import sys

import migsim


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="quota-cut")
    parser.add_argument("--method", choices=["morris", "sobol"], default="morris")
    parser.add_argument("--trajectories", type=int, default=10, help="Morris trajectories (default 10)")
    parser.add_argument("--samples", type=int, default=64, help="Sobol base samples (default 64)")
    parser.add_argument("--contrast", default="quota_halved",
                        help="event whose effect is analysed too (default quota_halved; '' for none)")
    parser.add_argument("--parameters", help="comma-separated key paths (default: every parameter with a "
                                             "calibration range in the schema)")
    parser.add_argument("--scale", type=int, default=100)
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
        result = migsim.sensitivity(args.scenario, parameters, method=args.method, trajectories=args.trajectories,
                                    samples=args.samples, contrast=args.contrast or None, scale=args.scale,
                                    replicates=args.replicates, until=args.until, processes=args.processes,
                                    seed=args.seed, quiet=args.quiet)
    except (migsim.ArgumentError, migsim.ScenarioError) as error:
        print(f"sensitivity: error: {error}", file=sys.stderr)
        return 2
    folder = result.save(args.output)
    print(result)
    print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
