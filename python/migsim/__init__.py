"""migsim: agent-based simulator of labour migration from Central Asia.

Quick start::

    import migsim
    results = migsim.run("kyrgyzstan", seed=1, scale=100)
    results.plot("stock", by="location")

    sc = migsim.Scenario.load("quota-cut")
    sc.set("events.quota_halved.limit", 700_000)
    sim = migsim.Simulation(sc, seed=1, scale=100)
    sim.run(until="2028-01-01")

    fast = migsim.RunSettings(scale=1000, until="2016-01-01", quiet=True)   # taken by every entry point
    runs = migsim.Ensemble("kyrgyzstan", seeds=10, settings=fast).run()

Without a scale, a run uses the scenario's own ``run.scale`` (kyrgyzstan: 1, one agent per person).

See docs/python.md for the whole API.
"""

from __future__ import annotations

from ._core import (
    ArgumentError,
    MigsimError,
    OutputError,
    ScenarioError,
    TableError,
)
from . import _core
from . import schema
from ._core import builtin_scenarios as _builtin_scenarios
from ._core import version as _version
from .events import *  # noqa: F401,F403 - Event, EVENT_TYPES, event_from_dict and one class per event type
from .ensemble import Comparison, Ensemble, compare, save_histories
from .results import Results, open_results
from .run import load_scenario, run
from .scenario import Scenario, ScenarioWarning
from .simulation import Policy, PolicyError, Simulation, StepState
from .observed import Pattern, Target, Targets, ard, fit_table, load_observed, load_targets, mape, observed_folder
from .observed import pattern_table
from .calibration import CalibrationResult, FitParameter, calibrate, fit_parameters, parameter_draws
from .sensitivity import Measure, SensitivityResult, sensitivity, sensitivity_outputs
from .settings import RunSettings
from .states import StateInfo, state_info
from .validate import ValidationReport, validate_fit
from . import periods
from .tables import table, write_table
from .report import report

__version__: str = _version()

# The event names (Event, EVENT_TYPES, event_from_dict and the event classes) first, imported so that type
# checkers see them too; then a copy (so that events.__all__ stays as it is) extended with the rest.
from .events import __all__ as __all__  # noqa: E402

__all__ = list(__all__)
__all__ += [
    "ArgumentError",
    "CalibrationResult",
    "Comparison",
    "Ensemble",
    "FitParameter",
    "Measure",
    "MigsimError",
    "OutputError",
    "Pattern",
    "Policy",
    "PolicyError",
    "Results",
    "RunSettings",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "SensitivityResult",
    "Simulation",
    "StateInfo",
    "StepState",
    "TableError",
    "Target",
    "Targets",
    "ValidationReport",
    "__version__",
    "ard",
    "builtin_scenarios",
    "calibrate",
    "compare",
    "event_reference",
    "fit_parameters",
    "fit_table",
    "parameter_draws",
    "parameter_reference",
    "load_observed",
    "load_scenario",
    "load_targets",
    "mape",
    "mpi_available",
    "observed_folder",
    "open_results",
    "pattern_table",
    "periods",
    "report",
    "run",
    "save_histories",
    "sensitivity",
    "sensitivity_outputs",
    "state_info",
    "table",
    "validate_fit",
    "write_table",
]


def builtin_scenarios() -> list[str]:
    """Names of the scenarios compiled into migsim (``kyrgyzstan`` is the default)."""
    return list(_builtin_scenarios())


def mpi_available() -> bool:
    """Whether this build of migsim can split a run over MPI processes (``run(..., mpi=True)``)."""
    return bool(_core.mpi_available())


def parameter_reference() -> str:
    """Every scenario parameter with its unit, default, range and source (Markdown)."""
    return str(_core.parameter_reference_markdown())


def event_reference() -> str:
    """Every event type with its fields and an example (Markdown)."""
    return str(_core.event_reference_markdown())


for _error, _doc in (
    (MigsimError, "Base class of every migsim error (a RuntimeError): the message names the file, key or argument."),
    (ScenarioError, "An invalid scenario: unknown key, value out of range, bad event; names the file, key or label."),
    (TableError, "An invalid CSV table of a scenario (a ScenarioError): names the file, line and column."),
    (ArgumentError, "An invalid argument: seed, scale, threads, a date, an ensemble option."),
    (OutputError, "An output file that cannot be written."),
):
    _error.__module__ = "migsim"
    _error.__doc__ = _doc
