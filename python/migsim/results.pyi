"""Results of a run: labelled arrays with provenance, tidy tables, a yearly summary and plots."""

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy.typing as npt
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes

__all__ = ["HOME_STATUSES", "Results", "Summary", "open_results"]

HOME_STATUSES: tuple[str, ...]
"""Statuses of people in their origin country; every other status counts as abroad."""

class Summary(pd.DataFrame):
    """Main outcomes of a run per calendar year: a :class:`pandas.DataFrame` that shows its units."""

    @property
    def units(self) -> dict[str, str]: ...
    @property
    def descriptions(self) -> dict[str, str]: ...

class Results:
    """Named arrays of one run, in people (or USD where noted), with the run's provenance in ``attrs``."""

    def __init__(self, raw: Mapping[str, Any]) -> None: ...
    @property
    def attrs(self) -> dict[str, Any]: ...
    @property
    def variables(self) -> list[str]: ...
    @property
    def data_variables(self) -> list[str]: ...
    @property
    def provenance(self) -> dict[str, Any]: ...
    @property
    def scenario_yaml(self) -> str: ...
    def __getitem__(self, name: str) -> npt.NDArray[Any]: ...
    def to_xarray(self) -> xr.Dataset: ...
    def to_dataframe(
        self,
        var: str,
        by: str | Sequence[str] | None = None,
        *,
        sel: Mapping[str, Any] | None = None,
        labels: bool = True,
    ) -> pd.DataFrame: ...
    def summary(self) -> Summary: ...
    def plot(
        self,
        var: str,
        by: str | None = None,
        sel: Mapping[str, Any] | None = None,
        ax: Axes | None = None,
        **kwargs: Any,
    ) -> Axes: ...
    def save(self, path: str | os.PathLike[str]) -> None: ...

def open_results(path: str | os.PathLike[str]) -> xr.Dataset: ...
