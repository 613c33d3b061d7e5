"""Running scenarios from Python in one call."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Sequence

from . import _core
from .results import Results
from .scenario import PathLike, Scenario, as_scenario
from .settings import RunSettings, takes_settings
from .simulation import PolicyLike, Simulation


def load_scenario(scenario: PathLike = "kyrgyzstan", **overrides: Any) -> Scenario:
    """Loads and validates a scenario: the same as :meth:`Scenario.load`.

    Raises :class:`migsim.ScenarioError` (or its subclass :class:`migsim.TableError`) with a
    message naming the file, key path or CSV line.
    """
    return Scenario.load(scenario, **overrides)


@takes_settings("seed", "threads", "scale", "until", "quiet", "mpi")
def run(
    scenario: Scenario | PathLike = "kyrgyzstan",
    seed: int | None = 1,
    threads: int | None = None,
    scale: int | None = None,
    output: PathLike | None = None,
    until: str | datetime.date | None = None,
    quiet: bool = False,
    policies: Sequence[PolicyLike] = (),
    mpi: bool = False,
    *,
    settings: RunSettings | None = None,
    **overrides: Any,
) -> Results:
    """Runs a scenario and returns its :class:`Results`.

    Args:
        scenario: a :class:`Scenario`, a scenario folder, a ``scenario.yaml`` path or a built-in name.
        seed: random seed (``None``: the scenario's ``run.seed``).
        threads: worker threads (``None`` or 0: all cores). Results do not depend on it.
        scale: people per agent (default: the scenario's ``run.scale``, as for ``migsim run``). Outputs are in
            people.
        output: if given, the results are also written there as HDF5/netCDF-4.
        until: last date to simulate, ``YYYY-MM-DD`` (default: the scenario's end).
        quiet: no progress bar.
        policies: adaptive policies called before every step (see :class:`migsim.Policy`).
        mpi: run as one simulation split over the processes of an MPI job
            (``mpirun -np 4 python script.py``). Every process returns the same results, identical to
            a one-process run; only rank 0 writes `output` and shows progress. See docs/distributed.md.
        settings: the run settings as one :class:`migsim.RunSettings` (seed, scale, threads, until, quiet, mpi);
            the keyword arguments given override its fields.
        **overrides: parameter overrides by key path, with ``__`` for dots
            (``behaviour__departure__base_rate=0.02``), applied to a copy of `scenario`.

    The GIL is released while the engine runs.
    """
    options = settings if settings is not None else RunSettings()
    sc = as_scenario(scenario)
    for key, value in overrides.items():
        sc.set(key.replace("__", "."), value)
    if output is not None and not Path(output).parent.is_dir():
        raise _core.ArgumentError(f"output: the folder {Path(output).parent} does not exist")
    sim = Simulation(sc, policies=policies, settings=options)
    lead = _core.world_rank() == 0
    results = sim.run(quiet=options.quiet or not lead)
    if output is not None and lead:
        sim._core.write(Path(output))
    return results
