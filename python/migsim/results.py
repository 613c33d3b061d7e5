"""Results of a run: labelled arrays with provenance."""

from __future__ import annotations

import os
from typing import Any, Mapping

import numpy as np
import xarray as xr


class Results:
    """Named arrays of one run, in people, with the run's provenance in ``attrs``.

    Build an :class:`xarray.Dataset` with :meth:`to_xarray`; the same layout as the HDF5 file.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._dataset: xr.Dataset | None = None

    @property
    def attrs(self) -> dict[str, Any]:
        """Provenance: resolved scenario, seed, scale, threads, version, git commit, wall time."""
        return dict(self._raw["attrs"])

    @property
    def variables(self) -> list[str]:
        return list(self._raw["variables"])

    def __getitem__(self, name: str) -> np.ndarray:
        """The raw array of a variable (numpy), e.g. ``results["population"]``."""
        try:
            return np.asarray(self._raw["variables"][name][1])
        except KeyError:
            raise KeyError(f"no variable {name!r}; available: {', '.join(self.variables)}") from None

    def to_xarray(self) -> xr.Dataset:
        """The results as an :class:`xarray.Dataset` with decoded time and labelled coordinates."""
        if self._dataset is None:
            variables = {
                name: xr.Variable(dims, np.asarray(data), attrs) for name, (dims, data, attrs) in self._raw["variables"].items()
            }
            ds = xr.Dataset(variables, attrs=dict(self._raw["attrs"]))
            self._dataset = xr.decode_cf(ds)
        return self._dataset

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the results as netCDF-4 (readable by ``xarray.open_dataset``)."""
        self.to_xarray().to_netcdf(path, engine="h5netcdf")

    def __repr__(self) -> str:
        a = self._raw["attrs"]
        dims = ", ".join(f"{k}={v}" for k, v in self._raw["dims"].items())
        return f"<migsim.Results scenario={a.get('scenario_name')!r} seed={a.get('seed')} scale={a.get('scale')} ({dims})>"


def open_results(path: str | os.PathLike[str]) -> xr.Dataset:
    """Open an output file written by ``migsim run`` as an :class:`xarray.Dataset`."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"{os.fspath(path)}: no such file")
    return xr.open_dataset(path)
