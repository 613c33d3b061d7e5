#!/usr/bin/env python3
"""Throughput and memory benchmark of the engine (not a test: run by `make benchmark`).

Runs `migsim run` on a scenario for each thread count, reads the engine's own counters from
the output file (agent-steps, engine wall time) and the peak resident memory of the process
(`getrusage` of the child), checks the run's conservation invariant, and prints a Markdown
table for docs/performance.md.

`--python` also runs the same scenario through the Python API (`migsim.run(..., output=...)` in a
fresh interpreter) and reports how much longer it takes than the CLI, start-up and writing included.

`--reference PATH` also runs another `migsim` program (e.g. a build of an earlier commit, on its
own built-in scenario of the same name), interleaved with this one so both see the same machine
load, and reports its rate and the ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xarray as xr

BIN = Path(sys.executable).parent / "migsim"
PYTHON = Path("python")  # marker: run through the Python API instead of a CLI program
PYTHON_RUN = (
    "import sys, migsim\n"
    "scenario, out, scale, threads, until = sys.argv[1:6]\n"
    "migsim.run(scenario, seed=None, scale=int(scale), threads=int(threads), until=until or None, output=out, "
    "quiet=True)\n"
)


def command(binary: Path, scenario: str, scale: int, threads: int, until: str | None, out: Path) -> list[str]:
    if binary == PYTHON:
        return [sys.executable, "-c", PYTHON_RUN, scenario, str(out), str(scale), str(threads), until or ""]
    args = [str(binary), "run", scenario, "-q", "-o", str(out), "--scale", str(scale), "--threads", str(threads)]
    if until:
        args += ["--until", until]
    return args


def run_once(binary: Path, scenario: str, scale: int, threads: int, until: str | None, out: Path) -> dict[str, float]:
    args = command(binary, scenario, scale, threads, until, out)
    start = time.perf_counter()
    child = subprocess.Popen(args)
    # wait4 gives this child's own peak memory (RUSAGE_CHILDREN would be the maximum over all
    # children so far, so a small run after a large one would report the large one's peak).
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    total = time.perf_counter() - start
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, args)
    peak_kib = usage.ru_maxrss
    with xr.open_dataset(out) as ds:
        np.testing.assert_array_equal(ds.stock.sum(["location", "status"]).values, ds.population.values)
        agents = int(ds.population.isel(time=-1).sum()) // scale
        agent_steps = int(ds.attrs["agent_steps"])
        engine = float(ds.attrs["wall_time_seconds"])
    return {
        "threads": threads,
        "agents": agents,
        "agent_steps": agent_steps,
        "engine_seconds": engine,
        "total_seconds": total,
        "rate": agent_steps / engine,
        "peak_mib": peak_kib / 1024,
        "bytes_per_agent": peak_kib * 1024 / agents,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="kyrgyzstan")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--until", default=None)
    parser.add_argument("--repeat", type=int, default=1, help="runs per thread count; the best is reported")
    parser.add_argument("--reference", type=Path, default=None, help="another migsim program to compare with")
    parser.add_argument("--python", action="store_true", help="also run through the Python API and compare")
    args = parser.parse_args()

    print(f"# {args.scenario} at scale {args.scale} on {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| threads | agents (end) | agent-steps | engine s | total s | agent-steps/s | peak RSS MiB | peak bytes/agent |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for threads in args.threads:
            binaries = {"this build": BIN} | ({"reference": args.reference} if args.reference else {})
            if args.python:
                binaries["python"] = PYTHON
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in binaries}
            for k in range(args.repeat):
                for name, binary in binaries.items():
                    # Each run in a fresh child so peak memory is its own.
                    out = Path(tmp) / f"bench-{threads}-{k}.h5"
                    runs[name].append(run_once(binary, args.scenario, args.scale, threads, args.until, out))
                    out.unlink()
            best = {name: max(r, key=lambda x: x["rate"]) for name, r in runs.items()}
            for name, b in best.items():
                label = f"{threads}" if len(best) == 1 else f"{threads} ({name})"
                print(f"| {label} | {b['agents']:,} | {b['agent_steps']:,} | {b['engine_seconds']:.2f} | "
                      f"{b['total_seconds']:.2f} | {b['rate'] / 1e6:.1f} M | {b['peak_mib']:.0f} | "
                      f"{b['bytes_per_agent']:.1f} |", flush=True)
            if args.reference:
                ratio = best["this build"]["rate"] / best["reference"]["rate"]
                print(f"|  | this build / reference = {ratio:.2f} |  |  |  |  |  |  |", flush=True)
            if args.python:
                extra = best["python"]["total_seconds"] / best["this build"]["total_seconds"] - 1
                print(f"|  | Python API / CLI, total time: {extra:+.1%} |  |  |  |  |  |  |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
