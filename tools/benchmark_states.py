#!/usr/bin/env python3
"""The cost of saved states and what branching saves (docs/performance.md).

Runs the history of a scenario to a date once, saves its state (size, seconds to write), reads it
back (seconds), runs one future from it, and compares N futures branched from the state with N
full runs from the start: N * full  versus  history + save + N * (read + future).

    .venv/bin/python tools/benchmark_states.py --scenario kyrgyzstan --scale 1 --date 2019-12-31 --futures 4
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import migsim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="kyrgyzstan")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--date", default="2019-12-31", help="the state is saved after the step containing it")
    parser.add_argument("--futures", type=int, default=4, help="futures to branch (N)")
    parser.add_argument("--folder", default=None, help="where to write the state (default: a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        path = Path(folder) / "history.state.h5"
        started = time.perf_counter()
        sim = migsim.Simulation(args.scenario, scale=args.scale, threads=args.threads)
        sim.run(until=args.date, quiet=True)
        history = time.perf_counter() - started
        agents = sim.stats()["agent_slots"]

        started = time.perf_counter()
        sim.save_state(path)
        write = time.perf_counter() - started
        size = os.path.getsize(path)

        started = time.perf_counter()
        resumed = migsim.Simulation.from_state(path, threads=args.threads)
        read = time.perf_counter() - started

        started = time.perf_counter()
        resumed.run(quiet=True)
        future = time.perf_counter() - started
        full = history + future  # a straight run: the same steps

    branched = history + write + args.futures * (read + future)
    print(f"scenario {args.scenario}, scale {args.scale}, {args.threads} threads, state after {args.date}: "
          f"{sim.steps_done} of {sim.total_steps} steps, {agents:,} agents")
    print(f"  history       {history:8.2f} s")
    print(f"  state file    {size / 1e6:8.1f} MB ({size / agents:.1f} bytes per agent), written in {write:.2f} s, "
          f"read in {read:.2f} s")
    print(f"  one future    {future:8.2f} s")
    print(f"  {args.futures} futures    {branched:8.2f} s from the state against {args.futures * full:.2f} s as "
          f"full runs ({args.futures * full / branched:.2f}x faster)")


if __name__ == "__main__":
    main()
