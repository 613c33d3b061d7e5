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
from .observed import Pattern as Pattern, Target as Target, Targets as Targets, ard as ard, fit_table as fit_table
from .observed import load_observed as load_observed, load_targets as load_targets, mape as mape
from .observed import observed_folder as observed_folder, pattern_table as pattern_table
from .calibration import CalibrationResult as CalibrationResult, FitParameter as FitParameter
from .calibration import calibrate as calibrate, fit_parameters as fit_parameters
from .sensitivity import SensitivityResult as SensitivityResult, sensitivity as sensitivity
from .validate import ValidationReport as ValidationReport, validate_fit as validate_fit

__version__: str

__all__ = [
    "ArgumentError",
    "CalibrationResult",
    "Comparison",
    "Ensemble",
    "EVENT_TYPES",
    "Event",
    "FitParameter",
    "MigsimError",
    "OutputError",
    "Pattern",
    "Policy",
    "PolicyError",
    "Results",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "Simulation",
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
    "event_from_dict",
    "event_reference",
    "fit_parameters",
    "fit_table",
    "parameter_reference",
    "load_observed",
    "load_scenario",
    "load_targets",
    "mape",
    "mpi_available",
    "observed_folder",
    "open_results",
    "pattern_table",
    "run",
    "sensitivity",
    "validate_fit",
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
