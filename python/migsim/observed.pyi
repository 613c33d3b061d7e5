"""Observed statistics of a scenario and how they map to the model's outputs."""

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas
import xarray
from typing_extensions import TypeAlias

from .results import Results
from .scenario import Scenario

__all__ = ["Pattern", "Target", "Targets", "ard", "fit_table", "load_observed", "load_targets", "mape",
           "observed_folder", "pattern_table"]

PathLike: TypeAlias = str | os.PathLike[str]

def observed_folder(scenario: Scenario | PathLike = "kyrgyzstan") -> Path: ...

class Target:
    """How one observed series is compared with the model (one entry of ``targets.yaml``)."""

    __match_args__ = ("name", "file", "variable", "where", "negate", "time", "since", "denominator", "denominator_negate", "change", "by", "factor", "error", "weight", "circular", "exclude", "compare", "reason", "note")

    name: str
    file: str
    variable: str | None
    where: Mapping[str, tuple[str, ...]]
    negate: tuple[str, ...]
    time: str
    since: Mapping[str, str]
    denominator: Mapping[str, tuple[str, ...]] | None
    denominator_negate: tuple[str, ...]
    change: str | None
    by: tuple[str, str] | None
    factor: float
    error: str
    weight: float
    circular: tuple[str, ...]
    exclude: Mapping[str, str]
    compare: bool
    reason: str
    note: str
    def __init__(
        self,
        name: str,
        file: str,
        variable: str | None = None,
        where: Mapping[str, tuple[str, ...]] = ...,
        negate: tuple[str, ...] = (),
        time: str = "at_date",
        since: Mapping[str, str] = ...,
        denominator: Mapping[str, tuple[str, ...]] | None = None,
        denominator_negate: tuple[str, ...] = (),
        change: str | None = None,
        by: tuple[str, str] | None = None,
        factor: float = 1.0,
        error: str = "relative",
        weight: float = 0.0,
        circular: tuple[str, ...] = (),
        exclude: Mapping[str, str] = ...,
        compare: bool = True,
        reason: str = "",
        note: str = "",
    ) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    def is_circular(self, date: str) -> bool:
        """Whether the row dated ``date`` was used to build the scenario's inputs."""
    def describe(self) -> str:
        """The model quantity in words: ``stock[location_country=RU, status=ABROAD] at the date``."""

class Pattern:
    """A stylised fact: the observed value of a series at a date, or its change between two dates."""

    __match_args__ = ("name", "series", "at", "start", "end", "tolerance", "description")

    name: str
    series: str
    at: str | None
    start: str | None
    end: str | None
    tolerance: float
    description: str
    def __init__(
        self,
        name: str,
        series: str,
        at: str | None = None,
        start: str | None = None,
        end: str | None = None,
        tolerance: float = 0.5,
        description: str = "",
    ) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Targets:
    """The observed series of a scenario and their mapping to model quantities (``targets.yaml``)."""

    folder: Path
    targets: dict[str, Target]
    calibration_end: str
    patterns: dict[str, Pattern]
    def __init__(self, folder: Path, targets: Mapping[str, Target], calibration_end: str,
                 patterns: Mapping[str, Pattern] | None = None) -> None: ...
    @property
    def names(self) -> list[str]:
        """Every series name, in file order."""
    @property
    def weights(self) -> dict[str, float]:
        """Series with a positive weight (the default calibration targets) and their weights."""
    def __getitem__(self, name: str) -> Target: ...
    def __iter__(self) -> Iterator[Target]: ...
    def __len__(self) -> int: ...
    def select(self, names: Iterable[str] | Mapping[str, float] | None = None) -> Targets:
        """A copy with only some series; a mapping also sets their weights."""
    def frame(self, name: str) -> pandas.DataFrame:
        """The observations of one series (its CSV file), dates as ``YYYY-MM-DD`` text."""
    def observed(self) -> pandas.DataFrame:
        """Every observation of every series, one row each (tidy)."""
    def period(self, date: str) -> str:
        """``calibration`` if ``date`` is on or before ``calibration_end``, else ``validation``."""
    def file_hashes(self) -> dict[str, str]:
        """SHA-256 of ``targets.yaml`` and of each series' file: what a fit was made against."""
    def simulate(self, data: Results | xarray.Dataset) -> pandas.DataFrame:
        """The model's value of every compared observation (one column per run)."""
    def compare(self, data: Results | xarray.Dataset | pandas.DataFrame,
                quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pandas.DataFrame:
        """Observed and simulated values side by side, with the error of each row."""
    def loss(self, comparison: pandas.DataFrame, period: str | None = "calibration") -> float:
        """Weighted mean over series of each series' mean error (rows of ``period``, not excluded, simulated)."""

def series_errors(comparison: pandas.DataFrame, period: str | None = "calibration") -> dict[str, float]: ...
def load_targets(scenario: Scenario | PathLike = "kyrgyzstan", observed: PathLike | None = None) -> Targets: ...
def load_observed(scenario: Scenario | PathLike = "kyrgyzstan", observed: PathLike | None = None) -> pandas.DataFrame: ...
def mape(observed: Sequence[float], simulated: Sequence[float]) -> float: ...
def ard(observed: Sequence[float], simulated: Sequence[float], dates: Sequence[str] | None = None) -> float: ...
def fit_table(comparison: pandas.DataFrame, independent_only: bool = False) -> pandas.DataFrame: ...
def pattern_table(targets: Targets, simulated: pandas.DataFrame) -> pandas.DataFrame: ...
