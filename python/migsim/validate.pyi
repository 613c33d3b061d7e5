"""The validation report: an ensemble of a scenario against its observed series, as figures and tables."""

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas
import xarray
from typing_extensions import TypeAlias

from .observed import Targets
from .scenario import Scenario

__all__ = ["ValidationReport", "main", "markdown_table", "validate_fit"]

ScenarioLike: TypeAlias = str | os.PathLike[str] | Scenario

class ValidationReport:
    """What :func:`validate_fit` wrote."""

    folder: Path
    table: pandas.DataFrame
    independent: pandas.DataFrame
    patterns: pandas.DataFrame
    comparison: pandas.DataFrame
    figures: dict[str, Path]
    settings: dict[str, Any]
    def __init__(self, folder: Path, table: pandas.DataFrame, independent: pandas.DataFrame,
                 patterns: pandas.DataFrame, comparison: pandas.DataFrame, figures: dict[str, Path],
                 settings: dict[str, Any]) -> None: ...

def markdown_table(frame: pandas.DataFrame, digits: int = 3) -> str: ...
def plot_series(targets: Targets, name: str, ds: xarray.Dataset, comparison: pandas.DataFrame,
                path: Path) -> Path: ...
def validate_fit(
    scenario: ScenarioLike = "kyrgyzstan",
    seeds: int = 10,
    scale: int = 100,
    output: str | os.PathLike[str] | None = None,
    *,
    until: str | None = None,
    series: Sequence[str] | None = None,
    observed: str | os.PathLike[str] | None = None,
    processes: int | None = None,
    master_seed: int = 0,
    quiet: bool = False,
) -> ValidationReport: ...
def main(argv: Sequence[str] | None = None) -> int: ...
