"""migsim: agent-based simulator of labour migration from Central Asia.

Type stubs of the public API (see docs/python.md). The event classes are listed by
tools/generate_stubs.py from the engine's event schema (``make docs``); the rest is hand-written.
"""

from ._core import (
    ArgumentError as ArgumentError,
    MigsimError as MigsimError,
    OutputError as OutputError,
    ScenarioError as ScenarioError,
    TableError as TableError,
)
from .ensemble import Comparison as Comparison, Ensemble as Ensemble, compare as compare
from .events import EVENT_TYPES as EVENT_TYPES, Event as Event, event_from_dict as event_from_dict

# BEGIN GENERATED EVENT IMPORTS: tools/generate_stubs.py
from .events import (
    Amnesty as Amnesty,
    BanRule as BanRule,
    BilateralScheme as BilateralScheme,
    BorderClosure as BorderClosure,
    Displacement as Displacement,
    EaeuAccession as EaeuAccession,
    Enforcement as Enforcement,
    ExchangeRate as ExchangeRate,
    HomeInvestment as HomeInvestment,
    LabourDemandShock as LabourDemandShock,
    NaturalisationRule as NaturalisationRule,
    PermitFee as PermitFee,
    Quota as Quota,
    RegistrationDeadline as RegistrationDeadline,
    ReintegrationProgramme as ReintegrationProgramme,
    ReturnShock as ReturnShock,
    WageShock as WageShock,
)
# END GENERATED EVENT IMPORTS
from .results import Results as Results, open_results as open_results
from .run import load_scenario as load_scenario, run as run
from .scenario import Scenario as Scenario
from .simulation import Policy as Policy, PolicyError as PolicyError, Simulation as Simulation, StepState as StepState

__version__: str

__all__ = [
    "ArgumentError",
    "Comparison",
    "Ensemble",
    "EVENT_TYPES",
    "Event",
    "MigsimError",
    "OutputError",
    "Policy",
    "PolicyError",
    "Results",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "StepState",
    "TableError",
    "__version__",
    "builtin_scenarios",
    "compare",
    "event_from_dict",
    "event_reference",
    "parameter_reference",
    "load_scenario",
    "mpi_available",
    "open_results",
    "run",
    # BEGIN GENERATED EVENT NAMES: tools/generate_stubs.py
    "Quota",
    "PermitFee",
    "RegistrationDeadline",
    "EaeuAccession",
    "Enforcement",
    "BanRule",
    "Amnesty",
    "BorderClosure",
    "ExchangeRate",
    "WageShock",
    "LabourDemandShock",
    "BilateralScheme",
    "NaturalisationRule",
    "ReintegrationProgramme",
    "HomeInvestment",
    "ReturnShock",
    "Displacement",
    # END GENERATED EVENT NAMES
]

def builtin_scenarios() -> list[str]: ...
def mpi_available() -> bool: ...
def parameter_reference() -> str: ...
def event_reference() -> str: ...
