#!/usr/bin/env python3
"""Proves that a build of migsim gives bit-identical output to a reference build.

Runs every scenario with both programs (same `--seed`, `--scale` and `--threads`; for each
`--ranks N` under `mpirun -np N --oversubscribe` with `--threads 1`), each writing to a temporary
folder, and compares the two HDF5 files: every variable and coordinate (name, dimensions, dtype,
shape and the raw bytes of the values, so NaN equals NaN only at the same place and -0.0 differs
from 0.0), every variable attribute, and every global attribute except the run's provenance
(`PROVENANCE_ATTRIBUTES`). The candidate's own outputs for the different thread and rank counts are
also compared with each other (the engine promises the same bytes for any of them).

Usage:

    .venv/bin/python tools/compare_builds.py --reference /work/ref-build/sim/migsim
    .venv/bin/python tools/compare_builds.py --reference REF [--candidate .venv/bin/migsim]
        [--scenarios kyrgyzstan no-eaeu quota-cut covid-returns central-asia]
        [--threads 1 2] [--ranks 2] [--seed 7] [--scale K] [--until YYYY-MM-DD] [--quick] [--keep DIR]

Defaults: the four Kyrgyzstan scenarios at scale 20 and central-asia at scale 200, threads 1 and 2,
2 ranks, seed 7 (about 4 minutes on 2 cores). `--quick` runs kyrgyzstan and covid-returns at scale
50 (under a minute). `--scale` sets one scale for every scenario; `--ranks` with no number skips the
MPI runs (needed when a build has no MPI). `--keep DIR` keeps the output files in DIR.

Prints one line per comparison (identical, or the first differing item with the first differing
index and both values) and exits 0 if everything is identical, 1 on any difference or failed run,
2 on bad arguments. See docs/development.md for building a reference of an earlier commit.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py  # type: ignore[import-untyped]
import numpy as np

DEFAULT_CANDIDATE = Path(sys.executable).parent / "migsim"
DEFAULT_SCENARIOS = ["kyrgyzstan", "no-eaeu", "quota-cut", "covid-returns", "central-asia"]
QUICK_SCENARIOS = ["kyrgyzstan", "covid-returns"]
# People per agent. Measured with one thread (reference build, seed 7): kyrgyzstan and no-eaeu
# 6 s, quota-cut 11 s, covid-returns 0.7 s at scale 20; central-asia 6 s at scale 200. Each
# scenario runs six times by default (two builds x threads 1, 2 and 2 ranks).
DEFAULT_SCALES = {"central-asia": 200}
DEFAULT_SCALE = 20
QUICK_SCALE = 50

# Global attributes that describe the run or the build rather than the simulation, so they differ
# between builds (or between the thread and rank counts compared) by design. Everything else must
# be identical.
PROVENANCE_ATTRIBUTES = frozenset(
    {
        "created_utc",  # wall-clock time the file was written
        "wall_time_seconds",  # how long the run took
        "threads",  # worker threads: differs between the runs compared on purpose
        "mpi_ranks",  # MPI processes: likewise
        "git_commit",  # the commit each build was made from
        "history",  # names the version and commit too
        "migsim_version",  # the version compiled into each build
        "source",  # "migsim <version>": the version again
        "_NCProperties",  # netCDF-4 marker naming the HDF5 library version the build links
    }
)
DETAILS = 12  # differences listed per comparison below the table

# HDF5 dimension-scale bookkeeping: object references (file addresses), compared as dimension
# names instead (DIMENSION_LIST) or implied by them (REFERENCE_LIST is its inverse).
REFERENCE_ATTRIBUTES = frozenset({"DIMENSION_LIST", "REFERENCE_LIST"})


class ArgumentProblem(Exception):
    """Bad arguments: exit code 2."""


@dataclass(frozen=True)
class Config:
    """One way of running: `threads` threads in one process, or `ranks` MPI processes."""

    threads: int = 1
    ranks: int = 0

    @property
    def tag(self) -> str:
        return f"r{self.ranks}" if self.ranks else f"t{self.threads}"

    @property
    def label(self) -> str:
        if self.ranks:
            return f"{self.ranks} ranks"
        return f"{self.threads} thread" + ("s" if self.threads != 1 else "")


@dataclass
class Run:
    role: str
    path: Path
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Comparison:
    scenario: str
    scale: int
    what: str
    differences: list[str] = field(default_factory=list)

    @property
    def result(self) -> str:
        if not self.differences:
            return "identical"
        more = len(self.differences) - 1
        return self.differences[0] + (f"  (+{more} more)" if more else "")


# ---------------------------------------------------------------------------------------------
# Reading and comparing files


def dtype_text(dtype: np.dtype) -> str:
    """The stored type: byte order, kind and size, or the string type and its encoding."""
    string = h5py.check_string_dtype(dtype)
    if string is not None:
        length = "variable" if string.length is None else str(string.length)
        return f"string({string.encoding}, {length})"
    if dtype.fields:
        return str(dtype.descr)
    return dtype.str


def dimension_names(dataset: h5py.Dataset) -> tuple[str, ...]:
    """netCDF dimensions of a variable: its own name for a dimension scale, else DIMENSION_LIST."""
    if dataset.attrs.get("CLASS") == b"DIMENSION_SCALE":
        return (dataset.name.rsplit("/", 1)[-1],)
    if "DIMENSION_LIST" not in dataset.attrs:
        return tuple("?" for _ in dataset.shape)
    names = []
    for refs in dataset.attrs["DIMENSION_LIST"]:
        names.append(",".join(dataset.file[ref].name.rsplit("/", 1)[-1] for ref in refs))
    return tuple(names)


def variables(group: h5py.Group) -> dict[str, h5py.Dataset]:
    """Every dataset in the file, by path (groups are walked; migsim writes only the root)."""
    found: dict[str, h5py.Dataset] = {}

    def visit(name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset):
            found[name] = obj

    group.visititems(visit)
    return found


def groups(file: h5py.File) -> list[str]:
    found = ["/"]
    file.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Group) else None)
    return found


def as_array(value: Any) -> np.ndarray:
    return value if isinstance(value, np.ndarray) else np.asarray(value)


def first_difference(a: np.ndarray, b: np.ndarray) -> int | None:
    """Flat index of the first element whose stored bytes differ (a and b: same dtype and shape)."""
    flat_a, flat_b = a.reshape(-1), b.reshape(-1)
    if a.dtype.kind == "O":  # variable-length strings: compare the bytes of each element
        for i, (x, y) in enumerate(zip(flat_a, flat_b)):
            if type(x) is not type(y) or x != y:
                return i
        return None
    bytes_a = np.ascontiguousarray(flat_a).view(np.uint8).reshape(flat_a.size, -1)
    bytes_b = np.ascontiguousarray(flat_b).view(np.uint8).reshape(flat_b.size, -1)
    differing = np.flatnonzero(np.any(bytes_a != bytes_b, axis=1))
    return int(differing[0]) if differing.size else None


def show(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = repr(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def compare_values(what: str, a: np.ndarray, b: np.ndarray, dims: tuple[str, ...]) -> str | None:
    index = first_difference(a, b)
    if index is None:
        return None
    where = ""
    if a.ndim:
        position = np.unravel_index(index, a.shape)
        names = dims if len(dims) == a.ndim else tuple(f"dim{i}" for i in range(a.ndim))
        where = "[" + ", ".join(f"{n}={int(p)}" for n, p in zip(names, position)) + "]"
    x, y = a.reshape(-1)[index], b.reshape(-1)[index]
    shown_x, shown_y = show(x), show(y)
    if shown_x == shown_y and a.dtype.kind != "O":  # e.g. two NaNs with different payloads
        shown_x, shown_y = f"{shown_x} (0x{x.tobytes()[::-1].hex()})", f"{shown_y} (0x{y.tobytes()[::-1].hex()})"
    return f"{what}{where}: {shown_x} vs {shown_y}"


def compare_attributes(owner: str, a: h5py.AttributeManager, b: h5py.AttributeManager, skip: frozenset[str]) -> list[str]:
    out = []
    names_a = set(a.keys()) - skip - REFERENCE_ATTRIBUTES
    names_b = set(b.keys()) - skip - REFERENCE_ATTRIBUTES
    for name in sorted(names_a - names_b):
        out.append(f"{owner}attribute {name} only in the first file")
    for name in sorted(names_b - names_a):
        out.append(f"{owner}attribute {name} only in the second file")
    for name in sorted(names_a & names_b):
        id_a, id_b = a.get_id(name), b.get_id(name)
        type_a, type_b = dtype_text(id_a.dtype), dtype_text(id_b.dtype)
        if type_a != type_b:
            out.append(f"{owner}attribute {name}: type {type_a} vs {type_b}")
            continue
        value_a, value_b = as_array(a[name]), as_array(b[name])
        if value_a.shape != value_b.shape:
            out.append(f"{owner}attribute {name}: shape {value_a.shape} vs {value_b.shape}")
            continue
        if value_a.dtype.kind == "U":  # h5py gives str for UTF-8 strings: compare their bytes
            value_a, value_b = value_a.astype(object), value_b.astype(object)
        difference = compare_values(f"{owner}attribute {name}", value_a, value_b, ())
        if difference:
            out.append(difference)
    return out


def compare_variable(name: str, a: h5py.Dataset, b: h5py.Dataset) -> list[str]:
    dims_a, dims_b = dimension_names(a), dimension_names(b)
    if dims_a != dims_b:
        return [f"{name}: dimensions {dims_a} vs {dims_b}"]
    type_a, type_b = dtype_text(a.dtype), dtype_text(b.dtype)
    if type_a != type_b:
        return [f"{name}: dtype {type_a} vs {type_b}"]
    if a.shape != b.shape:
        return [f"{name}: shape {a.shape} vs {b.shape}"]
    out = []
    difference = compare_values(name, a[()], b[()], dims_a)
    if difference:
        out.append(difference)
    out += compare_attributes(f"{name}: ", a.attrs, b.attrs, frozenset())
    return out


def compare_files(first: Path, second: Path) -> list[str]:
    """Every difference between two output files, most important first."""
    with h5py.File(first, "r") as a, h5py.File(second, "r") as b:
        out = []
        groups_a, groups_b = groups(a), groups(b)
        if groups_a != groups_b:
            out.append(f"groups {groups_a} vs {groups_b}")
        vars_a, vars_b = variables(a), variables(b)
        for name in sorted(set(vars_a) - set(vars_b)):
            out.append(f"variable {name} only in the first file")
        for name in sorted(set(vars_b) - set(vars_a)):
            out.append(f"variable {name} only in the second file")
        for name in sorted(set(vars_a) & set(vars_b)):
            out += compare_variable(name, vars_a[name], vars_b[name])
        for group in sorted(set(groups_a) & set(groups_b)):
            prefix = "global " if group == "/" else f"group {group}: "
            out += compare_attributes(prefix, a[group].attrs, b[group].attrs, PROVENANCE_ATTRIBUTES)
        return out


def check_run_attributes(path: Path, config: Config) -> str | None:
    """The file must say it was made the way we asked (guards against MPI silently not splitting)."""
    with h5py.File(path, "r") as file:
        wanted = {"threads": config.threads if not config.ranks else 1, "mpi_ranks": config.ranks or 1}
        for name, value in wanted.items():
            if name in file.attrs and int(file.attrs[name]) != value:
                return f"the file says {name}={int(file.attrs[name])}, asked for {value}"
    return None


# ---------------------------------------------------------------------------------------------
# Running


def run_command(program: Path, scenario: str, scale: int, seed: int, until: str | None, config: Config, out: Path) -> list[str]:
    args = [str(program), "run", scenario, "-q", "-o", str(out), "--seed", str(seed), "--scale", str(scale)]
    args += ["--threads", "1" if config.ranks else str(config.threads)]
    if until:
        args += ["--until", until]
    if config.ranks:
        args = ["mpirun", "-np", str(config.ranks), "--oversubscribe", *args]
    return args


def mpi_environment() -> dict[str, str]:
    env = dict(os.environ)
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # Open MPI refuses root without these
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    return env


def execute(role: str, args: list[str], out: Path, config: Config) -> Run:
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, env=mpi_environment())
    run = Run(role, out, seconds=time.perf_counter() - start)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no message"]
        run.error = f"exit {result.returncode}: {lines[-1][:150]}"
    elif not out.exists():
        run.error = "no output file written"
    else:
        run.error = check_run_attributes(out, config)
    return run


# ---------------------------------------------------------------------------------------------
# Arguments


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def date(text: str) -> str:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None
    return text


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, required=True, help="the reference migsim program")
    parser.add_argument("--candidate", type=Path, default=DEFAULT_CANDIDATE, help="the migsim program to check")
    parser.add_argument("--scenarios", nargs="+", help="built-in names or scenario folders")
    parser.add_argument("--threads", nargs="*", type=positive, default=[1, 2], help="thread counts (default 1 2)")
    parser.add_argument("--ranks", nargs="*", type=positive, default=[2], help="MPI process counts (default 2)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=positive, help="one scale for every scenario")
    parser.add_argument("--until", type=date, help="last date to simulate")
    parser.add_argument("--quick", action="store_true", help=f"{' and '.join(QUICK_SCENARIOS)} at scale {QUICK_SCALE}")
    parser.add_argument("--keep", type=Path, help="write the output files here and keep them")
    args = parser.parse_args(argv)
    try:
        check_arguments(args)
    except ArgumentProblem as problem:
        parser.error(str(problem))  # exits 2
    return args


def check_arguments(args: argparse.Namespace) -> None:
    for role in ("reference", "candidate"):
        program = getattr(args, role)
        if not program.is_file() or not os.access(program, os.X_OK):
            raise ArgumentProblem(f"--{role} {program}: not an executable file")
        setattr(args, role, program.resolve())
    if args.seed < 0:
        raise ArgumentProblem("--seed must be 0 or more")
    if any(r < 2 for r in args.ranks):
        raise ArgumentProblem("--ranks: use 2 or more processes (one process is --threads)")
    if not args.threads and not args.ranks:
        raise ArgumentProblem("nothing to run: give --threads or --ranks")
    if args.ranks and shutil.which("mpirun") is None:
        raise ArgumentProblem("--ranks needs mpirun on PATH (or pass --ranks with no number)")
    if args.scenarios is None:
        args.scenarios = QUICK_SCENARIOS if args.quick else DEFAULT_SCENARIOS
    listing = subprocess.run([str(args.reference), "scenarios"], capture_output=True, text=True)
    builtin = {line.split()[0] for line in listing.stdout.splitlines() if line.strip()}
    for scenario in args.scenarios:
        if scenario not in builtin and not Path(scenario).exists():
            raise ArgumentProblem(f"scenario {scenario!r}: not a built-in ({', '.join(sorted(builtin))}) nor a path")


def scale_of(args: argparse.Namespace, scenario: str) -> int:
    if args.scale:
        return int(args.scale)
    if args.quick:
        return QUICK_SCALE
    return DEFAULT_SCALES.get(scenario, DEFAULT_SCALE)


# ---------------------------------------------------------------------------------------------


def compare_scenario(args: argparse.Namespace, scenario: str, folder: Path) -> list[Comparison]:
    scale = scale_of(args, scenario)
    configs = [Config(threads=t) for t in args.threads] + [Config(ranks=r) for r in args.ranks]
    runs: dict[tuple[str, Config], Run] = {}
    for config in configs:
        for role in ("reference", "candidate"):
            stem = Path(scenario).name if Path(scenario).exists() else scenario
            out = folder / f"{role}-{stem}-{scale}-{config.tag}.h5"
            command = run_command(getattr(args, role), scenario, scale, args.seed, args.until, config, out)
            run = runs[role, config] = execute(role, command, out, config)
            status = f"FAILED ({run.error})" if run.error else "ok"
            print(f"  {role:9} {scenario} scale {scale}, {config.label}: {run.seconds:.1f} s {status}", file=sys.stderr)

    def compare(what: str, first: Run, second: Run) -> Comparison:
        comparison = Comparison(scenario, scale, what)
        failed = [f"{run.role} run failed ({run.error})" for run in (first, second) if run.error]
        comparison.differences = failed or compare_files(first.path, second.path)
        return comparison

    results = [
        compare(f"reference vs candidate, {c.label}", runs["reference", c], runs["candidate", c]) for c in configs
    ]
    base = configs[0]
    results += [
        compare(f"candidate {base.label} vs {c.label}", runs["candidate", base], runs["candidate", c])
        for c in configs[1:]
    ]
    return results


def print_table(comparisons: list[Comparison]) -> None:
    headers = ("scenario", "scale", "comparison", "result")
    rows = [(c.scenario, str(c.scale), c.what, c.result) for c in comparisons]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:3])]
    line = "  ".join(f"{h:{w}}" for h, w in zip(headers[:3], widths)) + "  " + headers[3]
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(f"{v:{w}}" for v, w in zip(row[:3], widths)) + "  " + row[3])


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    print(f"reference: {args.reference}\ncandidate: {args.candidate}\nseed {args.seed}", file=sys.stderr)
    start = time.perf_counter()
    comparisons: list[Comparison] = []
    with tempfile.TemporaryDirectory(prefix="compare_builds-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for scenario in args.scenarios:
            comparisons += compare_scenario(args, scenario, folder)
    print_table(comparisons)
    differing = sum(1 for c in comparisons if c.differences)
    for c in comparisons:
        if len(c.differences) > 1:
            print(f"\n{c.scenario}, {c.what}:")
            for difference in c.differences[:DETAILS]:
                print(f"  {difference}")
            if len(c.differences) > DETAILS:
                print(f"  ... and {len(c.differences) - DETAILS} more")
    elapsed = time.perf_counter() - start
    if differing:
        print(f"\n{differing} of {len(comparisons)} comparisons differ ({elapsed:.0f} s)")
        return 1
    print(f"\nall {len(comparisons)} comparisons identical ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
