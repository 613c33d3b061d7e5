"""Distributed runs under mpirun: the same bytes as one process, from the CLI and from Python.

The engine-level comparison (every step, several scenarios, 2 and 3 ranks) is the GoogleTest
`Distributed.*`; these tests check what users run: `mpirun -np N migsim run` writing one HDF5
file, and `migsim.run(..., mpi=True)` under `mpirun -np N python`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import h5py
import numpy as np
import pytest

import migsim

MPIRUN = shutil.which("mpirun") or shutil.which("mpiexec")
# Attributes that describe how a run was made rather than what it computed.
RUN_ATTRIBUTES = {"created_utc", "wall_time_seconds", "threads", "mpi_ranks"}

pytestmark = pytest.mark.skipif(
    MPIRUN is None or not migsim.mpi_available(), reason="needs an MPI build of migsim and mpirun"
)


def _mpirun(ranks: int, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    assert MPIRUN is not None
    # CI runs as root, which Open MPI refuses unless told; --oversubscribe lets 4 ranks share 2 cores.
    env = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
    return subprocess.run([MPIRUN, "-np", str(ranks), "--oversubscribe", *command], capture_output=True, text=True,
                          timeout=timeout, env=env)


def _contents(path: Path) -> dict[str, Any]:
    """Every dataset as raw bytes with dtype and shape, and every attribute but the run's own."""
    out: dict[str, Any] = {}

    def visit(name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset):
            data = np.asarray(obj[()])
            # Strings come back as objects: compare their values, not their addresses.
            raw = tuple(data.ravel().tolist()) if data.dtype.kind == "O" else data.tobytes()
            out[name] = (str(obj.dtype), obj.shape, raw)
        for key, value in obj.attrs.items():
            if key in RUN_ATTRIBUTES or key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                continue
            out[f"{name}@{key}"] = np.asarray(value).tobytes() if isinstance(value, np.ndarray) else value

    with h5py.File(path, "r") as f:
        visit("/", f)
        f.visititems(visit)
    return out


def test_the_build_has_mpi_where_mpirun_is_installed() -> None:
    # A machine with mpirun must get the MPI build (tools/install-system-deps.sh installs both).
    assert migsim.mpi_available()


@pytest.mark.parametrize("scenario, until", [("quota-cut", "2029-12-31"), ("covid-returns", "2021-06-30")])
def test_two_and_four_ranks_write_the_same_file_as_one_process(
    cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path, scenario: str, until: str
) -> None:
    args = [scenario, "--scale", "200", "--until", until, "--seed", "5", "-q"]
    single = cli("run", *args, "--threads", "2", "-o", tmp_path / "one.h5")
    assert single.returncode == 0, single.stderr
    expected = _contents(tmp_path / "one.h5")
    exe = str(Path(sys.executable).parent / "migsim")
    for ranks in (2, 4):
        out = tmp_path / f"ranks{ranks}.h5"
        done = _mpirun(ranks, exe, "run", *args, "--threads", "1", "-o", str(out))
        assert done.returncode == 0, done.stderr
        assert _contents(out) == expected, f"{ranks} ranks differ from one process"
        with h5py.File(out, "r") as f:
            assert int(f.attrs["mpi_ranks"]) == ranks


def test_invariants_hold_in_a_distributed_run(tmp_path: Path) -> None:
    exe = str(Path(sys.executable).parent / "migsim")
    out = tmp_path / "covid.h5"
    done = _mpirun(2, exe, "run", "covid-returns", "--scale", "200", "--until", "2021-06-30", "-o", str(out))
    assert done.returncode == 0, done.stderr
    ds = migsim.open_results(out)
    # Nobody crosses between Kyrgyzstan and Russia in the weeks the border is closed (18 Mar - 20 Sep
    # 2020) except on evacuation flights.
    russia = ds.location.values[ds.location_country.values == "RU"]
    closed = ds.sel(time=slice("2020-03-23", "2020-09-13"), location=russia)
    assert closed.time.size == 25
    assert int(closed.departures.sum()) == 0
    assert int(closed.evacuated.sum()) > 0
    assert int((closed.returns - closed.evacuated).sum()) == 0
    # Population is conserved: the change in stock is entries minus exits, every step.
    population = ds.population.sum("origin")
    change = population.diff("time")
    flows = (ds.entries - ds.exits).sum("origin").isel(time=slice(1, None))
    assert np.array_equal(change.values, flows.values)


_PYTHON_RUN = """
import hashlib, sys, migsim
r = migsim.run("quota-cut", scale=200, seed=3, threads=1, until="2029-12-31", quiet=True, mpi=True,
               output=sys.argv[1])
ds = r.to_xarray()
digest = hashlib.sha256(b"".join(ds[v].values.tobytes() for v in sorted(ds.data_vars))).hexdigest()
line = f"{migsim._core.world_rank()} {migsim._core.world_size()} {digest}"
with open(f"{sys.argv[1]}.rank{migsim._core.world_rank()}.txt", "w") as out:  # mpirun may interleave stdout
    print(line, file=out)
print(line)
"""


def test_python_under_mpirun_gives_every_rank_the_one_process_results(tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text(_PYTHON_RUN)
    done = _mpirun(2, sys.executable, str(script), str(tmp_path / "mpi.h5"))
    assert done.returncode == 0, done.stderr
    # Each rank's line from its own file: the ranks' stdout can reach mpirun interleaved within a line.
    lines = sorted(path.read_text().split() for path in tmp_path.glob("mpi.h5.rank*.txt"))
    assert [line[:2] for line in lines] == [["0", "2"], ["1", "2"]]
    alone = migsim.run("quota-cut", scale=200, seed=3, threads=2, until="2029-12-31", quiet=True)
    ds = alone.to_xarray()
    # The same digest as the script prints on each rank.
    expected = hashlib.sha256(b"".join(ds[v].values.tobytes() for v in sorted(ds.data_vars))).hexdigest()
    assert {line[2] for line in lines} == {expected}
    # Only rank 0 wrote the file, and it is complete.
    assert _contents(tmp_path / "mpi.h5").keys() >= {"stock", "quota_remaining"}


def test_mpi_true_without_mpirun_runs_as_one_rank(tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text(_PYTHON_RUN)
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "one.h5")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    rank, size, _ = done.stdout.split()
    assert (rank, size) == ("0", "1")
