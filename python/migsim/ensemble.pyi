"""Ensembles: many seeds and parameter values run in parallel, stacked in one xarray Dataset."""

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import xarray as xr
from distributed import Client
from matplotlib.axes import Axes
from typing_extensions import TypeAlias

from .scenario import Scenario

__all__ = ["Comparison", "Ensemble", "compare", "derive_seeds"]

ScenarioLike: TypeAlias = str | os.PathLike[str] | Scenario
"""A built-in scenario name, a scenario folder or ``scenario.yaml`` path, or a :class:`migsim.Scenario`."""

def derive_seeds(master_seed: int, n: int) -> list[int]: ...

class Ensemble:
    """Runs of one scenario for many seeds and parameter values, stacked along a ``run`` dimension."""

    def __init__(
        self,
        scenario: ScenarioLike = "kyrgyzstan",
        seeds: int | Iterable[int] = 10,
        *,
        sweep: Mapping[str, Sequence[Any]] | None = None,
        scale: int | None = 10,
        until: str | datetime.date | None = None,
        threads_per_run: int = 1,
        processes: int | None = None,
        client: Client | None = None,
        master_seed: int | None = None,
        quiet: bool = False,
        variables: Sequence[str] | None = None,
    ) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def seeds(self) -> list[int]: ...
    @property
    def master_seed(self) -> int | None: ...
    @property
    def sweep(self) -> dict[str, list[Any]]: ...
    def __len__(self) -> int: ...
    def run(self) -> xr.Dataset: ...
    def save(self, path: str | os.PathLike[str]) -> None: ...

class Comparison:
    """Ensembles of several scenarios side by side, with quantile bands over runs."""

    runs: xr.Dataset
    """Every run, dims ``(scenario, run, time, ...)``."""
    quantiles: tuple[float, ...]
    """The quantiles of :attr:`bands`."""

    def __init__(self, runs: xr.Dataset, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> None: ...
    @property
    def scenarios(self) -> list[str]: ...
    @property
    def variables(self) -> list[str]: ...
    @property
    def bands(self) -> xr.Dataset: ...
    def band(
        self,
        variable: str | None = None,
        by: Mapping[str, Any] | None = None,
        quantiles: Sequence[float] | None = None,
    ) -> xr.DataArray: ...
    def plot(self, variable: str | None = None, by: Mapping[str, Any] | None = None, ax: Axes | None = None) -> Axes: ...

def compare(
    scenarios: Mapping[str, ScenarioLike],
    seeds: int | Iterable[int] = 10,
    *,
    variable: str | Sequence[str] | None = "stock",
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    scale: int | None = 10,
    until: str | datetime.date | None = None,
    threads_per_run: int = 1,
    processes: int | None = None,
    client: Client | None = None,
    master_seed: int | None = None,
    quiet: bool = False,
) -> Comparison: ...
