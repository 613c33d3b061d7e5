"""Running scenarios from Python."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Union

from . import _core
from .results import Results

PathLike = Union[str, "os.PathLike[str]"]


def _override_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _normalise_overrides(overrides: dict[str, Any]) -> dict[str, str]:
    """Keyword overrides: ``behaviour__departure__base_rate=0.1`` or ``**{"behaviour.departure.base_rate": 0.1}``."""
    return {key.replace("__", "."): _override_text(value) for key, value in overrides.items()}


def load_scenario(scenario: PathLike = "kyrgyzstan", **overrides: Any) -> _core.Scenario:
    """Load and validate a scenario (folder, ``scenario.yaml`` path or built-in name).

    Raises :class:`migsim.ScenarioError` (or its subclass :class:`migsim.TableError`) with a
    message naming the file, key path or CSV line.
    """
    return _core.load_scenario(os.fspath(scenario), _normalise_overrides(overrides))


def run(
    scenario: PathLike = "kyrgyzstan",
    seed: int | None = 1,
    threads: int | None = None,
    scale: int | None = 10,
    output: PathLike | None = None,
    until: str | None = None,
    **overrides: Any,
) -> Results:
    """Run a scenario and return its :class:`Results`.

    Args:
        scenario: a scenario folder, a ``scenario.yaml`` path or a built-in name.
        seed: random seed (``None``: the scenario's ``run.seed``).
        threads: worker threads (``None`` or 0: all cores). Results do not depend on it.
        scale: people per agent (default 10; ``None``: the scenario's ``run.scale``). Outputs are in people.
        output: if given, the results are also written there as HDF5/netCDF-4.
        until: last date to simulate, ``YYYY-MM-DD``.
        **overrides: parameter overrides by key path, with ``__`` for dots
            (``behaviour__departure__base_rate=0.02``).

    The GIL is released while the engine runs.
    """
    loaded = load_scenario(scenario, **overrides)
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        raise ArgumentErrorProxy(f"seed: expected a whole number >= 0, found {seed!r}")
    if threads is not None and (not isinstance(threads, int) or threads < 0):
        raise ArgumentErrorProxy(f"threads: expected a whole number >= 0, found {threads!r}")
    if scale is not None and (not isinstance(scale, int) or scale < 1):
        raise ArgumentErrorProxy(f"scale: expected a whole number >= 1, found {scale!r}")
    sim = _core.Simulation(
        loaded,
        seed=loaded.seed if seed is None else seed,
        threads=threads or 0,
        scale=loaded.scale if scale is None else scale,
        until=until,
    )
    sim.run()
    if output is not None:
        path = Path(output)
        if not path.parent.is_dir():
            raise ArgumentErrorProxy(f"output: the folder {path.parent} does not exist")
        sim.write(path)
    return Results(sim.results())


ArgumentErrorProxy = _core.ArgumentError
