"""migsim: agent-based simulator of labour migration from Central Asia.

Quick start::

    import migsim
    results = migsim.run("kyrgyzstan", seed=1, scale=100)
    ds = results.to_xarray()
    ds.stock.sum(["origin", "status"]).sel(location="moscow").plot()
"""

from __future__ import annotations

from ._core import (
    ArgumentError,
    MigsimError,
    OutputError,
    ScenarioError,
    TableError,
)
from ._core import builtin_scenarios as _builtin_scenarios
from ._core import version as _version
from .results import Results, open_results
from .run import load_scenario, run

__version__: str = _version()

__all__ = [
    "ArgumentError",
    "MigsimError",
    "OutputError",
    "Results",
    "ScenarioError",
    "TableError",
    "__version__",
    "builtin_scenarios",
    "load_scenario",
    "open_results",
    "run",
]


def builtin_scenarios() -> list[str]:
    """Names of the scenarios compiled into migsim (``kyrgyzstan`` is the default)."""
    return list(_builtin_scenarios())


for _error in (ArgumentError, MigsimError, OutputError, ScenarioError, TableError):
    _error.__module__ = "migsim"
