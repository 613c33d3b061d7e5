"""Global sensitivity analysis: which behavioural assumptions drive a scenario's outputs and a policy's effect."""

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas
import xarray
from matplotlib.figure import Figure
from typing_extensions import TypeAlias

from .calibration import FitParameter, ParameterSpec
from .scenario import Scenario

__all__ = ["SensitivityResult", "quota_cut_outputs", "sensitivity"]

ScenarioLike: TypeAlias = str | os.PathLike[str] | Scenario
Output: TypeAlias = Callable[[xarray.Dataset], float]

def stock_russia_end(ds: xarray.Dataset) -> float: ...
def permits_issued_russia(ds: xarray.Dataset) -> float: ...
def irregular_share_russia(ds: xarray.Dataset) -> float: ...
def remittances_total(ds: xarray.Dataset) -> float: ...
def quota_cut_outputs() -> dict[str, Output]: ...

class SensitivityResult:
    """What :func:`sensitivity` found."""

    table: pandas.DataFrame
    samples: pandas.DataFrame
    parameters: list[FitParameter]
    outputs: list[str]
    method: str
    settings: dict[str, Any]
    def __init__(self, table: pandas.DataFrame, samples: pandas.DataFrame, parameters: list[FitParameter],
                 outputs: list[str], method: str, settings: dict[str, Any]) -> None: ...
    def ranking(self, output: str) -> list[str]:
        """The parameters by decreasing influence on ``output`` (mu*, or ST for Sobol)."""
    def plot(self, outputs: Sequence[str] | None = None) -> Figure:
        """One panel per output: parameters ranked by mu* and sigma, or by ST and S1 for Sobol."""
    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Writes ``sensitivity.csv``, ``sensitivity.md``, ``sensitivity.png`` and ``samples.csv``."""

def sensitivity(
    scenario: ScenarioLike = "quota-cut",
    parameters: ParameterSpec | None = None,
    outputs: Mapping[str, Output] | None = None,
    *,
    method: str = "morris",
    trajectories: int = 10,
    levels: int = 4,
    samples: int = 64,
    contrast: str | None = None,
    replicates: int = 1,
    scale: int = 100,
    until: str | None = None,
    processes: int | None = None,
    seed: int = 0,
    quiet: bool = False,
) -> SensitivityResult: ...
