"""Calibration: fit chosen parameters of a scenario to its observed series."""

import datetime
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy
import pandas
from typing_extensions import TypeAlias

from .observed import Targets
from .scenario import Scenario

__all__ = ["CalibrationResult", "FitParameter", "calibrate", "fit_parameters"]

PathLike: TypeAlias = str | os.PathLike[str]
ScenarioLike: TypeAlias = str | os.PathLike[str] | Scenario
ParameterSpec: TypeAlias = Sequence[str] | Mapping[str, Any]

class FitParameter:
    """A parameter to fit: its key path, the range searched, the scale and the prior."""

    __match_args__ = ("key", "low", "high", "log", "prior", "prior_args")

    key: str
    low: float
    high: float
    log: bool
    prior: str
    prior_args: tuple[float, float]
    def __init__(self, key: str, low: float, high: float, log: bool = False, prior: str = "uniform",
                 prior_args: tuple[float, float] = (0.0, 0.0)) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    def from_unit(self, u: Any) -> numpy.ndarray[Any, Any]:
        """Values for points ``u`` in [0, 1] of the range (log-spaced where ``log``)."""
    def sample_prior(self, rng: numpy.random.Generator, n: int) -> numpy.ndarray[Any, Any]:
        """``n`` draws from the prior, truncated to the range."""
    def describe(self) -> str:
        """``[0.002, 0.05] log, loguniform``."""

def fit_parameters(parameters: ParameterSpec | None = None, scenario: ScenarioLike | None = None
                   ) -> list[FitParameter]: ...

class CalibrationResult:
    """What :func:`calibrate` found."""

    scenario: Any
    values: dict[str, float]
    loss: float
    baseline_loss: float | None
    uncertainty: pandas.DataFrame
    comparison: pandas.DataFrame
    report: pandas.DataFrame
    patterns: pandas.DataFrame
    trials: pandas.DataFrame
    parameters: list[FitParameter]
    targets: Targets
    method: str
    settings: dict[str, Any]
    created: str
    def __init__(self, *, scenario: Any, values: dict[str, float], loss: float, baseline_loss: float | None,
                 uncertainty: pandas.DataFrame, comparison: pandas.DataFrame, simulated: pandas.DataFrame,
                 trials: pandas.DataFrame, parameters: list[FitParameter], targets: Targets, method: str,
                 settings: dict[str, Any], created: str) -> None: ...
    def to_scenario(self) -> Scenario:
        """A copy of the scenario with the fitted values set (rounded to 4 significant digits)."""
    def record(self) -> dict[str, Any]:
        """The provenance of the fit (what ``calibration.yaml`` holds)."""
    def save(self, folder: PathLike) -> Path:
        """Writes a new scenario version with the fitted values, ``calibration.yaml`` and ``observed/``."""

def calibrate(
    scenario: ScenarioLike = "kyrgyzstan",
    targets: Sequence[str] | Mapping[str, float] | Targets | None = None,
    parameters: ParameterSpec | None = None,
    *,
    n_trials: int = 50,
    replicates: int = 3,
    scale: int = 100,
    processes: int | None = None,
    seed: int = 0,
    until: str | datetime.date | None = None,
    method: str = "optuna",
    observed: PathLike | None = None,
    top: float = 0.1,
    quiet: bool = False,
) -> CalibrationResult: ...
