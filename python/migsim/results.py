"""Results of a run: labelled arrays with provenance, tidy tables, a yearly summary and plots."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Hashable, Mapping, Sequence, cast, overload


from ._files import write_atomically
from ._lazy import LazyModule
from .schema import ABROAD_STATUSES_INCLUDING_NATURALISED, HOME_STATUSES, display_units
from .states import refuse_state_file

if TYPE_CHECKING:  # numpy and xarray are imported on first use, matplotlib when a plot is drawn
    import numpy as np
    import numpy.typing as npt
    import pandas
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
else:
    np = LazyModule("numpy")
    xr = LazyModule("xarray")
pd: Any = LazyModule("pandas")  # no type information of its own (pandas-stubs is optional)

__all__ = ["HOME_STATUSES", "Results", "Summary", "open_results"]

_PROVENANCE_KEYS: tuple[tuple[str, str], ...] = (
    ("scenario", "scenario_name"),
    ("scenario_source", "scenario_source"),
    ("seed", "seed"),
    ("scale", "scale"),
    ("threads", "threads"),
    ("migsim_version", "migsim_version"),
    ("git_commit", "git_commit"),
    ("created_utc", "created_utc"),
    ("wall_time_seconds", "wall_time_seconds"),
    ("agent_steps", "agent_steps"),
)


_SUMMARY_DOC = """Main outcomes of a run per calendar year: a :class:`pandas.DataFrame` that shows its units.

    Index ``year``; one column per outcome. The units of each column are in ``summary.units`` (also
    ``summary.attrs["units"]``) and its meaning in ``summary.descriptions``; the text and HTML
    representations show the units under the column names. Anything derived from it (a column, a slice,
    arithmetic) is a plain pandas object.
    """


class _SummaryMethods:
    """What :class:`Summary` adds to a :class:`pandas.DataFrame`; the two are combined on first use, so that
    importing migsim does not import pandas."""

    @property
    def _constructor(self) -> Any:
        return pd.DataFrame

    @property
    def units(self: Any) -> dict[str, str]:
        """Unit of each column, e.g. ``{"departures": "people", "remittances_usd": "USD", ...}``."""
        return dict(self.attrs.get("units", {}))

    @property
    def descriptions(self: Any) -> dict[str, str]:
        """What each column counts, in words."""
        return dict(self.attrs.get("descriptions", {}))

    def _display_frame(self: Any) -> Any:
        units = self.units
        shown = pd.DataFrame(self.to_numpy(dtype=object), index=self.index, columns=self.columns)
        for column in self.columns:
            if pd.api.types.is_float_dtype(self[column].dtype):
                shown[column] = [("" if np.isnan(v) else f"{v:,.0f}") for v in self[column]]
            else:
                shown[column] = [f"{v:,}" for v in self[column]]
        shown.columns = pd.MultiIndex.from_tuples([(c, units.get(c, "")) for c in self.columns])
        return shown

    def __repr__(self) -> str:
        return str(self._display_frame().to_string())

    def _repr_html_(self) -> str:
        table = self._display_frame().to_html(classes="migsim-summary", justify="right")
        notes = "".join(
            f"<li><code>{html.escape(str(c))}</code>: {html.escape(d)}</li>" for c, d in self.descriptions.items()
        )
        return f"<div>{table}<details><summary>columns</summary><ul>{notes}</ul></details></div>"


if TYPE_CHECKING:

    class Summary(_SummaryMethods, pandas.DataFrame):
        __doc__ = _SUMMARY_DOC


_SUMMARY_CLASS: list[type[Summary]] = []


def _summary_class() -> type[Summary]:
    """The Summary class, made on first use (it subclasses pandas.DataFrame)."""
    if not _SUMMARY_CLASS:
        made = type("Summary", (_SummaryMethods, pd.DataFrame), {"__doc__": _SUMMARY_DOC, "__module__": __name__})
        _SUMMARY_CLASS.append(cast("type[Summary]", made))
    return _SUMMARY_CLASS[0]


# Compression of the data variables, as the engine's writer does (sim/src/output/netcdf_writer.cpp: shuffle and
# deflate level 4 for every variable with more than one dimension and more than 4096 values).
DEFLATE_LEVEL = 4
_CHUNKING_MIN_ELEMENTS = 4096


def _compression(dataset: Any) -> dict[str, dict[str, Any]]:
    """Per-variable encoding: shuffle and deflate for every multi-dimensional data variable."""
    return {str(name): {"zlib": True, "complevel": DEFLATE_LEVEL, "shuffle": True}
            for name, variable in dataset.data_vars.items() if variable.ndim > 1 and variable.size > _CHUNKING_MIN_ELEMENTS}


def _with_history(dataset: Any, what: str) -> Any:
    """A shallow copy of ``dataset`` whose CF ``history`` attribute has one more line: when, and ``what``."""
    import datetime

    from ._core import version

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = f"{stamp} migsim {version()}: {what}"
    copy = dataset.copy(deep=False)
    earlier = str(dataset.attrs.get("history", ""))
    copy.attrs = {**dataset.attrs, "history": f"{earlier}\n{line}" if earlier else line}
    return copy


def _check_netcdf_name(path: str | os.PathLike[str]) -> None:
    """Refuses a name that does not end in .h5, .nc, .hdf5 or .nc4 (the engine's rule for its own files), so that
    ``save("results.csv")`` does not write netCDF-4 under a CSV name.

    Raises:
        migsim.OutputError: naming the path, what was expected and what was found.
    """
    from . import _core

    if problem := _core.output_suffix_problem(os.fspath(path)):
        raise _core.OutputError(f"cannot write {os.fspath(path)}: {problem}")


def _write_atomically(dataset: Any, path: str | os.PathLike[str]) -> None:
    """Writes an :class:`xarray.Dataset` as netCDF-4 to `path` through an exclusive temporary file in the
    same folder (see :mod:`migsim._files`), so ``path`` is either complete or untouched.

    Raises:
        migsim.OutputError: the folder does not exist, ``path`` is not a regular file (a folder, device,
            FIFO or symbolic link), or writing failed (the original error is chained).
    """
    _check_netcdf_name(path)
    write_atomically(lambda temporary: dataset.to_netcdf(temporary, engine="h5netcdf",
                                                         encoding=_compression(dataset)), path)


def __getattr__(name: str) -> Any:
    if name == "Summary":
        return _summary_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Results:
    """Named arrays of one run, in people (or USD where noted), with the run's provenance in ``attrs``.

    Built by :func:`migsim.run` from the engine's output: ``Results(raw)`` with ``raw`` the dict of
    ``migsim._core.Simulation.results()`` (``dims``; ``variables``: name -> ``(dims, array, attrs)``;
    ``attrs``). :meth:`to_xarray` gives an :class:`xarray.Dataset` with the same layout as the HDF5
    file, :meth:`to_dataframe` a tidy table, :meth:`summary` yearly outcomes and :meth:`plot` a chart.

    Args:
        raw: the engine's results dict.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._dataset: xr.Dataset | None = None

    # ----------------------------------------------------------------------------------- access

    @property
    def attrs(self) -> dict[str, Any]:
        """Global attributes: resolved scenario, table texts, seed, scale, threads, version, git commit, wall time."""
        return dict(self._raw["attrs"])

    @property
    def variables(self) -> list[str]:
        """Names of every variable of the engine's output, coordinates included."""
        return list(self._raw["variables"])

    @property
    def data_variables(self) -> list[str]:
        """Names of the data variables (the outcomes: ``stock``, ``departures``, ...), in file order."""
        return [str(name) for name in self.to_xarray().data_vars]

    @property
    def provenance(self) -> dict[str, Any]:
        """Where the results come from.

        Returns:
            A dict with ``scenario`` (name), ``scenario_source``, ``seed``, ``scale``, ``threads``,
            ``migsim_version``, ``git_commit``, ``created_utc``, ``wall_time_seconds`` and
            ``agent_steps`` (``None`` for any the engine did not record).
        """
        attrs = self._raw["attrs"]
        return {key: _plain(attrs.get(attr)) for key, attr in _PROVENANCE_KEYS}

    @property
    def scenario_yaml(self) -> str:
        """The resolved scenario as YAML: every parameter and every event, with defaults filled in."""
        return str(self._raw["attrs"].get("scenario_yaml", ""))

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        """The raw array of a variable (numpy), e.g. ``results["population"]``.

        Raises:
            KeyError: no such variable; the message lists the available names.
        """
        try:
            return np.asarray(self._raw["variables"][name][1])
        except KeyError:
            raise KeyError(f"no variable {name!r}; available: {', '.join(self.variables)}") from None

    def to_xarray(self) -> xr.Dataset:
        """The results as an :class:`xarray.Dataset` with decoded time and labelled coordinates.

        The dataset is built once and shared by later calls; copy it before changing it in place.
        """
        if self._dataset is None:
            variables = {
                name: xr.Variable(dims, np.asarray(data), attrs) for name, (dims, data, attrs) in self._raw["variables"].items()
            }
            ds = xr.Dataset(variables, attrs=dict(self._raw["attrs"]))
            # decode_coords="all": time_bnds (CF bounds of the steps) is a coordinate, not an output variable.
            self._dataset = xr.decode_cf(ds, decode_coords="all")
        return self._dataset

    # ------------------------------------------------------------------------------ reductions

    def _variable(self, var: str) -> xr.DataArray:
        ds = self.to_xarray()
        if not isinstance(var, str) or var not in ds.data_vars:
            raise KeyError(f"no data variable {var!r}; available: {', '.join(map(str, ds.data_vars))}")
        return ds[var]

    @staticmethod
    def _groupable(da: xr.DataArray) -> list[str]:
        """1-D coordinates that are not dimensions but lie along one (``location_country``, ``origin_label``)."""
        return [str(c) for c, coord in da.coords.items() if c not in da.dims and coord.ndim == 1 and coord.dims[0] != "time"]

    def _select(self, da: xr.DataArray, sel: Mapping[str, Any] | None) -> xr.DataArray:
        """``da.sel(**sel)``, with checked names; labels accepted for names; coordinates select along their dim."""
        if not sel:
            return da
        if not isinstance(sel, Mapping):
            raise TypeError(f"sel: expected a dict such as {{'location': 'moscow'}}, found {type(sel).__name__}")
        indexers: dict[Hashable, Any] = {}
        for key, wanted in sel.items():
            many = isinstance(wanted, (list, tuple, np.ndarray, pd.Index))
            if key not in da.dims and key in self._groupable(da):
                # e.g. {"location_country": "RU"}: every location in Russia (the dimension stays).
                values = [str(v) for v in da[key].values]
                for value in wanted if many else [wanted]:
                    if str(value) not in values:
                        raise KeyError(f"sel: {value!r} is not a value of {key}; valid: {', '.join(dict.fromkeys(values))}")
                chosen = {str(v) for v in (wanted if many else [wanted])}
                dim = da[key].dims[0]
                da = da.isel({dim: [i for i, v in enumerate(values) if v in chosen]})
                continue
            if key not in da.dims:
                raise ValueError(
                    f"sel: {key!r} is not a dimension of {da.name!r}; valid dimensions: {', '.join(map(str, da.dims))}"
                    f"; coordinates: {', '.join(self._groupable(da))}"
                )
            if key == "time" or isinstance(wanted, slice):
                indexers[key] = wanted
            elif many:
                indexers[key] = [_resolve_name(da, str(key), v) for v in wanted]
            else:
                indexers[key] = _resolve_name(da, str(key), wanted)
        try:
            selected: xr.DataArray = da.sel(indexers)
        except KeyError as exc:  # a date outside the run
            raise KeyError(f"sel: {exc}") from None
        return selected

    def _legend_labels(self, da: xr.DataArray, by: str) -> list[str]:
        """Readable names for the values of ``by``: its label coordinate, or that of the dimension its values
        name (``location_country`` codes -> ``country_name``), else the values themselves."""
        names = [str(v) for v in da[by].values]
        own = _label_coord(da, by)
        if own is not None:
            return [str(v) for v in da[own].values]
        ds = self.to_xarray()
        for dim in ds.dims:
            label = _label_coord(ds, str(dim))
            if dim != by and label is not None and dim in ds.coords:
                lookup = {str(k): str(v) for k, v in zip(ds[dim].values, ds[label].values)}
                if set(names) <= lookup.keys():
                    return [lookup[n] for n in names]
        return names

    def _check_by(self, da: xr.DataArray, by: str | Sequence[str] | None, before_sel: Sequence[str] = ()) -> list[str]:
        """The dimensions or coordinates to keep (``by`` without ``time`` and repeats), checked; ``None``: all dims."""
        dims = [str(d) for d in da.dims if d != "time"]
        if by is None:
            return dims
        names = [by] if isinstance(by, str) else list(by)
        coords = self._groupable(da)
        keep: list[str] = []
        for name in names:
            if name == "time" or name in keep:
                continue
            if name not in dims and name not in coords:
                why = " (sel picked a single value of it)" if name in before_sel else ""
                raise ValueError(
                    f"by: {name!r} is not a dimension of {da.name!r}{why}; "
                    f"valid: {', '.join(dims) if dims else '(none: only time is left)'}"
                    + (f"; or a coordinate: {', '.join(coords)}" if coords else "")
                )
            keep.append(name)
        along = [str(da[name].dims[0]) if name in coords else name for name in keep]
        if len(set(along)) < len(along):
            raise ValueError(f"by: {', '.join(keep)} lie along the same dimension; keep one of them")
        return keep

    def _reduce(self, var: str, by: str | Sequence[str] | None, sel: Mapping[str, Any] | None) -> xr.DataArray:
        """The variable after ``sel``, summed over every dimension but time and ``by`` (kept in ``by`` order).

        A coordinate in ``by`` (``location_country``) groups its dimension: the sum per value of it.
        """
        da = self._variable(var)
        before_sel = [str(d) for d in da.dims]
        da = self._select(da, sel)
        keep = self._check_by(da, by, before_sel)
        # min_count keeps NaN (e.g. quota_remaining with no quota in force) instead of turning it into 0.
        kwargs: dict[str, Any] = {"min_count": 1} if da.dtype.kind == "f" else {}
        for name in keep:
            if name not in da.dims:
                dim = da[name].dims[0]
                da = da.groupby(name).sum(dim, keep_attrs=True, **kwargs)
        drop = [d for d in da.dims if d != "time" and d not in keep]
        if drop:
            da = da.sum(drop, keep_attrs=True, **kwargs)
        reduced: xr.DataArray = da.transpose(*(["time"] if "time" in da.dims else []), *keep)
        reduced.name = var
        return reduced

    def to_dataframe(
        self,
        var: str,
        by: str | Sequence[str] | None = None,
        *,
        sel: Mapping[str, Any] | None = None,
        labels: bool = True,
    ) -> pandas.DataFrame:
        """One variable as a tidy (long) table: one row per coordinate combination, the number in ``value``.

        Examples::

            results.to_dataframe("departures")                   # time, origin, location, value
            results.to_dataframe("stock", by=["location"])       # summed over origin and status
            results.to_dataframe("stock", by="status", sel={"location": "moscow"})
            results.to_dataframe("departures", by=[], sel={"location_country": "RU"})   # to Russia

        Args:
            var: a data variable (see :attr:`data_variables`).
            by: dimensions to keep; the others (except ``time``) are summed over first. ``None`` keeps
                every dimension; ``[]`` sums over all of them (one row per step). A coordinate along a
                dimension may stand for it: ``by="location_country"`` sums the locations of each country.
            sel: selection applied before summing, ``{dimension: name or list of names}``; region
                labels (``"Moscow city"``) are accepted as well as names, ``time`` takes dates or slices,
                and a coordinate selects along its dimension (``{"location_country": "RU"}``: every
                location in Russia).
            labels: add the label coordinates of the kept dimensions (``origin_label``,
                ``location_label``, ``location_country``, ``country_name``, ``event_type``) as columns.

        Returns:
            A :class:`pandas.DataFrame` with a column per kept dimension (``time`` as ``datetime64``,
            the start of each step; names as categoricals in the dataset's order), then the label
            columns (categoricals), then ``value`` (in the variable's units,
            which are in ``df.attrs["units"]``).

        Raises:
            KeyError: unknown variable (the message lists the available ones), or an unknown name in ``sel``.
            ValueError: a ``by`` or ``sel`` name that is not a dimension (or coordinate) of the variable.
        """
        da = self._reduce(var, by, sel)
        columns: dict[str, Any] = {}
        codes = [c.ravel() for c in np.indices(da.shape, sparse=False)] if da.ndim else []
        for axis, dim in enumerate(da.dims):
            values = da[dim].values
            if np.issubdtype(values.dtype, np.datetime64) or values.dtype.kind in "iuf":
                columns[str(dim)] = values[codes[axis]]
            else:  # names: categorical in coordinate order (small, and sorts like the dataset)
                columns[str(dim)] = pd.Categorical.from_codes(codes[axis], categories=[str(v) for v in values])
        if labels:
            for name, coord in da.coords.items():
                if name in da.dims or coord.ndim != 1:
                    continue
                axis = da.dims.index(coord.dims[0])
                unique, inverse = np.unique(coord.values.astype(str), return_inverse=True)
                columns[str(name)] = pd.Categorical.from_codes(inverse[codes[axis]], categories=list(unique))
        columns["value"] = np.asarray(da.values).ravel()
        frame = pd.DataFrame(columns)
        frame.attrs = {"variable": var, "units": display_units(str(da.attrs.get("units", ""))), "long_name": da.attrs.get("long_name", "")}
        return frame

    def summary(self) -> Summary:
        """Main outcomes per calendar year (the year in which a step starts).

        Columns (units in ``summary.units``):

        - ``migrants_abroad`` (people): ``stock`` in every status abroad (those of
          :data:`migsim.schema.ABROAD_STATUSES_INCLUDING_NATURALISED`: every status but ``at_home``, ``returned``
          and ``displaced``), at the end of the last step of the year;
        - ``departures``, ``returns``, ``deportations``, ``evacuated`` (people) and ``remittances_usd``
          (USD): totals over the year;
        - ``stranded_peak`` (people): the largest number stranded at the end of any step of the year;
        - ``steps``: steps of the year in the run (fewer in a year the run starts or stops in).

        Returns:
            A :class:`Summary` (a :class:`pandas.DataFrame` indexed by ``year``).
        """
        ds = self.to_xarray()
        statuses = [str(s) for s in ds["status"].values]
        abroad = [s for s in statuses if s in ABROAD_STATUSES_INCLUDING_NATURALISED]

        def total(name: str) -> np.ndarray:
            da = ds[name]
            values: np.ndarray = da.sum([d for d in da.dims if d != "time"]).values
            return values

        per_step: dict[str, np.ndarray] = {
            "migrants_abroad": ds["stock"].sel(status=abroad).sum(["origin", "location", "status"]).values
        }
        how = {"migrants_abroad": "last"}
        units = {"migrants_abroad": "people"}
        descriptions = {
            "migrants_abroad": "people abroad (every status except " + ", ".join(HOME_STATUSES) + ") at the end of the year"
        }
        for name, rule, what in (
            ("departures", "sum", "departures during the year"),
            ("returns", "sum", "returns home during the year (deportations and evacuations included)"),
            ("remittances_usd", "sum", "remittances sent home during the year"),
            ("deportations", "sum", "people deported home during the year"),
            ("stranded", "max", "largest number of people stranded abroad at the end of a step of the year"),
            ("evacuated", "sum", "stranded people brought home by evacuation during the year"),
        ):
            if name not in ds.data_vars:
                continue
            column = "stranded_peak" if name == "stranded" else name
            per_step[column] = total(name)
            how[column] = rule
            units[column] = display_units(str(ds[name].attrs.get("units", "")))
            descriptions[column] = what
        frame = pd.DataFrame(per_step, index=pd.DatetimeIndex(ds["time"].values, name="time"))
        frame["steps"] = 1
        how["steps"] = "sum"
        units["steps"] = "steps"
        descriptions["steps"] = "steps of the year in the run"
        table = frame.groupby(frame.index.year).agg(how)
        table.index.name = "year"
        result = _summary_class()(table)
        result.attrs = {"units": units, "descriptions": descriptions}
        return result

    # ------------------------------------------------------------------------------------ plot

    @overload
    def plot(self, var: None = None) -> Figure: ...

    @overload
    def plot(self, var: str, by: str | None = None, sel: Mapping[str, Any] | None = None, ax: Axes | None = None,
             **kwargs: Any) -> Axes: ...

    def plot(
        self,
        var: str | None = None,
        by: str | None = None,
        sel: Mapping[str, Any] | None = None,
        ax: Axes | None = None,
        **kwargs: Any,
    ) -> Axes | Figure:
        """Draws a variable over time, summed over every dimension except ``by``; with no variable, an overview.

        ``results.plot()`` draws the standard overview (:meth:`overview`): migrants abroad by destination country,
        departures and returns, remittances, and the mix of legal statuses abroad, and returns the Figure.

        Examples::

            results.plot("stock", by="location", sel={"status": ["irregular", "detained"]})
            results.plot("departures", sel={"location": "moscow"})
            results.plot("stock", by="location_country", sel={"status": "irregular"})

        Works with any matplotlib backend (headless ``Agg``, Jupyter inline); never calls ``plt.show()``.

        Args:
            var: a data variable (see :attr:`data_variables`).
            by: one dimension (``"location"``, ``"status"``, ``"origin"``, ...) or coordinate
                (``"location_country"``) to draw one line per value of; the legend uses readable labels
                (``location_label``, ``country_name``) when there are some. ``None``: a single line, the
                sum over everything.
            sel: selection applied first, ``{dimension: name or list of names}`` (see :meth:`to_dataframe`);
                ``time`` takes a slice of dates to zoom.
            ax: axes to draw on; ``None`` creates a new figure.
            **kwargs: passed to :meth:`matplotlib.axes.Axes.plot` for every line.

        Returns:
            The :class:`matplotlib.axes.Axes` drawn on, with title, units on the y axis and a legend.

        Raises:
            KeyError: unknown variable or unknown name in ``sel``.
            ValueError: ``by`` or a ``sel`` key that is not a dimension of the variable, or a selection
                that leaves no time axis.
        """
        if var is None:
            if by is not None or sel is not None or ax is not None or kwargs:
                raise TypeError("plot(): by, sel, ax and styles need a variable, e.g. plot('stock', by='location')")
            return self.overview()
        if by is not None and not isinstance(by, str):
            raise TypeError(f"by: expected one dimension name (a str) or None, found {by!r}")
        da = self._reduce(var, [] if by is None else [by], sel)
        if "time" not in da.dims:
            raise ValueError("sel: the selection leaves no time axis to plot; select a range of dates with a slice")
        import matplotlib.dates
        import matplotlib.pyplot as plt
        import matplotlib.ticker as mticker

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4.5))
        times = da["time"].values
        if by is None:
            ax.plot(times, da.values, **{"label": var, **kwargs})
        else:
            shown = self._legend_labels(da, by)
            styles: list[dict[str, Any]] = [{} for _ in shown]
            if len(shown) > 10 and not {"color", "c"} & kwargs.keys():  # the default cycle has 10 colours
                palette = plt.get_cmap("tab20").colors  # type: ignore[attr-defined]
                styles = [
                    {"color": palette[i % 20], "linestyle": ("-", "--", ":")[(i // 20) % 3]} for i in range(len(shown))
                ]
            for i, label in enumerate(shown):
                ax.plot(times, da.isel({by: i}).values, **{"label": label, **styles[i], **kwargs})
            if len(shown) > 10:
                ax.legend(title=by, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=1 + len(shown) // 25)
            else:
                ax.legend(title=by, fontsize="small")
        units = display_units(str(da.attrs.get("units", "")))
        ax.set_ylabel(f"{var} ({units})" if units else var)
        if np.nanmax(np.abs(da.values), initial=0) >= 10_000:  # 1.2M rather than 1200000 or 1.2e6
            ax.yaxis.set_major_formatter(mticker.EngFormatter(sep=""))
        long_name = str(da.attrs.get("long_name", var))
        title = long_name[:1].upper() + long_name[1:]
        if sel:
            title += "\n" + ", ".join(f"{k}={_describe(v)}" for k, v in sel.items())
        ax.set_title(title, fontsize="medium")
        dates: Any = matplotlib.dates  # its locators and formatters have no annotations
        locator = dates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
        ax.margins(x=0)
        return ax

    def overview(self) -> Figure:
        """The standard overview, one figure of four panels: migrants abroad by destination country (end of step),
        departures and returns (per step), remittances (per step) and the mix of legal statuses abroad.

        Returns:
            The :class:`matplotlib.figure.Figure` (never shown; ``fig.savefig(...)`` or Jupyter displays it).
        """
        import matplotlib.pyplot as plt

        ds = self.to_xarray()
        abroad = [str(s) for s in ds["status"].values if str(s) in ABROAD_STATUSES_INCLUDING_NATURALISED]
        fig, axes = plt.subplots(2, 2, figsize=(12, 7.5), constrained_layout=True)
        self.plot("stock", by="location_country", sel={"status": abroad}, ax=axes[0, 0])
        axes[0, 0].set_title("People abroad by destination country (end of step)", fontsize="medium")
        self.plot("departures", ax=axes[0, 1], label="departures")
        self.plot("returns", ax=axes[0, 1], label="returns")
        axes[0, 1].set_title("Departures and returns (per weekly step)", fontsize="medium")
        axes[0, 1].set_ylabel("people per step")
        axes[0, 1].legend(fontsize="small")
        self.plot("remittances_usd", ax=axes[1, 0])
        axes[1, 0].set_title("Remittances sent home (per weekly step)", fontsize="medium")
        mix = self._reduce("stock", ["status"], {"status": abroad})
        axes[1, 1].stackplot(mix["time"].values, mix.transpose("status", "time").values,
                             labels=[str(s) for s in mix["status"].values])
        axes[1, 1].set_title("Legal status of people abroad (end of step)", fontsize="medium")
        axes[1, 1].set_ylabel("people")
        axes[1, 1].legend(fontsize="x-small", loc="upper left", ncol=2)
        axes[1, 1].margins(x=0)
        provenance = self.provenance
        fig.suptitle(f"{provenance['scenario']}: seed {provenance['seed']}, scale {provenance['scale']}")
        return fig

    # ------------------------------------------------------------------------------------ save

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the results as netCDF-4 (readable by ``xarray.open_dataset``), atomically.

        The file is written to a temporary file in the same folder and renamed into place, so ``path``
        is either complete (an earlier regular file there is replaced) or untouched; a device, FIFO,
        folder or symbolic link at ``path`` is refused.

        Args:
            path: the file to write, e.g. ``"run.h5"`` or ``"run.nc"``.

        Raises:
            migsim.OutputError: the folder does not exist, ``path`` is not a regular file or does not end in
                .h5, .nc, .hdf5 or .nc4, or writing failed (the original error is chained).
        """
        _write_atomically(_with_history(self.to_xarray(), "saved by migsim.Results.save"), path)

    # ------------------------------------------------------------------------------------ repr

    def _period(self) -> str:
        try:
            times = self.to_xarray()["time"].values
            return f"{np.datetime_as_string(times[0], unit='D')}..{np.datetime_as_string(times[-1], unit='D')}"
        except Exception:  # noqa: BLE001 - a repr must not fail
            return "?"

    def __repr__(self) -> str:
        a = self._raw["attrs"]
        dims = ", ".join(f"{k}={v}" for k, v in self._raw["dims"].items())
        return (
            f"<migsim.Results scenario={a.get('scenario_name')!r} seed={a.get('seed')} scale={a.get('scale')} "
            f"{self._period()} ({dims})>"
        )

    def _repr_html_(self) -> str:
        p = self.provenance
        dims = ", ".join(f"{html.escape(str(k))}: {v}" for k, v in self._raw["dims"].items())
        rows = [
            ("scenario", p["scenario"]),
            ("period", self._period()),
            ("seed / scale / threads", f"{p['seed']} / {p['scale']} / {p['threads']}"),
            ("dimensions", dims),
            ("variables", ", ".join(self.data_variables)),
            ("migsim", f"{p['migsim_version']} ({p['git_commit']}), {p['created_utc']}"),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
            f"{v if k == 'dimensions' else html.escape(str(v))}</td></tr>"
            for k, v in rows
        )
        return f"<div><strong>migsim.Results</strong><table>{body}</table></div>"


def _label_coord(da: xr.DataArray | xr.Dataset, dim: str) -> str | None:
    """The coordinate holding human-readable names for ``dim`` (``location_label``, ``country_name``)."""
    for name in (f"{dim}_label", f"{dim}_name"):
        if name in da.coords and da[name].dims == (dim,):
            return name
    return None


def _resolve_name(da: xr.DataArray, dim: str, value: Any) -> str:
    """``value`` as a name of ``dim``: a name as is, or a label (``"Moscow"``) turned into its name."""
    names = [str(v) for v in da[dim].values]
    if str(value) in names:
        return str(value)
    label_coord = _label_coord(da, dim)
    if label_coord is not None:
        for name, label in zip(names, da[label_coord].values):
            if str(label) == str(value):
                return name
    shown = ", ".join(names[:30]) + (", ..." if len(names) > 30 else "")
    raise KeyError(f"sel: {value!r} is not a {dim}; valid: {shown}")


def _describe(value: Any) -> str:
    if isinstance(value, slice):
        return f"{value.start or ''}..{value.stop or ''}"
    if isinstance(value, (list, tuple, np.ndarray, pd.Index)):
        return "+".join(map(str, value)) if len(value) <= 4 else f"{len(value)} values"
    return str(value)


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers, for a provenance dict that prints and serialises cleanly."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def open_results(path: str | os.PathLike[str]) -> xr.Dataset:
    """Opens an output file written by ``migsim run`` or :meth:`Results.save` as an :class:`xarray.Dataset`.

    Args:
        path: the file.

    Raises:
        FileNotFoundError: there is no such file.
        migsim.ArgumentError: the file is a state file (saved by :meth:`migsim.Simulation.save_state`), not an output
            file; the message says what it holds.
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"{os.fspath(path)}: no such file")
    refuse_state_file(path)
    # decode_coords="all": time_bnds (CF bounds of the steps) is a coordinate, not an output variable.
    opened: xr.Dataset = xr.open_dataset(path, decode_coords="all")
    return opened
