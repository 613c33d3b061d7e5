"""Tidy tables of outputs over calendar periods, and the ``migsim table`` command (``migsim-table``).

One row per period and group, the value in people (or USD), by the period rule of :mod:`migsim.periods` (flows split
by days over the periods, stocks at the end of the last step ending in the period, or their mean). ::

    import migsim

    results = migsim.run("kyrgyzstan", scale=200, until="2016-12-31", quiet=True)
    migsim.table(results, "returns", by=["origin"], freq="month")              # returns by oblast per month
    migsim.table("out/k.h5", "stock", by="location_country", freq="year", where={"status": "irregular"})
    migsim.write_table(frame, "returns.xlsx")                                  # .csv, .xlsx, .parquet

From the shell: ``migsim table out/k.h5 returns --by origin --freq month -o returns.csv``.

A Dataset with a ``run`` dimension (an :class:`migsim.Ensemble`'s) or a ``scenario`` dimension (a
:class:`migsim.Comparison`'s runs) keeps them as columns (``scenario``, ``run``, ``seed``), one row per run.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence, Union


from . import periods
from ._cli import exit_code
from ._core import ArgumentError, MigsimError
from ._files import write_atomically
from ._lazy import LazyModule
from .schema import display_units
from .states import refuse_state_file

if TYPE_CHECKING:  # numpy, pandas and xarray are imported on first use
    import numpy as np
    import pandas
    import xarray

if not TYPE_CHECKING:
    np = LazyModule("numpy")
pd: Any = LazyModule("pandas")
xr: Any = LazyModule("xarray")

__all__ = ["FORMATS", "table", "write_table", "main"]

PathLike = Union[str, "os.PathLike[str]"]
FORMATS = {".csv": None, ".xlsx": "openpyxl", ".parquet": "pyarrow"}
_KEEP = ("scenario", "run")  # ensemble and comparison dimensions, kept as columns


def dataset(data: Any) -> xarray.Dataset:
    """An :class:`xarray.Dataset` of outputs from a Results, a Dataset, a Comparison or a file path."""
    found: xarray.Dataset = _dataset(data)
    return found


def _dataset(data: Any) -> Any:
    if isinstance(data, (str, os.PathLike)):
        path = Path(os.fspath(data))
        if not path.is_file():
            raise ArgumentError(f"{path}: no such file (expected an output file written by migsim run)")
        refuse_state_file(path)
        try:
            return xr.open_dataset(path, engine="h5netcdf", decode_coords="all")
        except Exception as exc:  # noqa: BLE001 - any reader failure is bad input here
            raise ArgumentError(f"{path}: not a migsim output file (expected HDF5/netCDF-4): {exc}") from None
    if hasattr(data, "runs") and isinstance(getattr(data, "runs"), xr.Dataset):  # a Comparison
        return data.runs
    if hasattr(data, "to_xarray") and not isinstance(data, xr.Dataset):
        return data.to_xarray()
    if isinstance(data, xr.Dataset):
        return data
    raise ArgumentError(f"expected a migsim.Results, Comparison, xarray.Dataset or file path, found {type(data).__name__}")


def _names(value: str | Sequence[str] | None, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if not all(isinstance(v, str) for v in value):
        raise ArgumentError(f"{what}: expected names, found {value!r}")
    return list(value)


def _hint(value: str, options: Sequence[str]) -> str:
    match = difflib.get_close_matches(value, list(options), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


def _groupable(ds: Any, da: Any) -> list[str]:
    """Dimensions of ``da`` and 1-D coordinates along one of them (``location_country``, ``origin_label``)."""
    dims = [str(d) for d in da.dims if d not in ("time", *_KEEP)]
    coords = [str(c) for c in ds.coords if str(c) not in dims and ds[c].ndim == 1 and ds[c].dims[0] in dims]
    return dims + coords


def _kind(ds: Any, variable: str) -> str:
    """``flow`` for a variable summed over the step (``cell_methods`` or the output schema), else ``stock``."""
    from .schema import OUTPUTS

    method = str(ds[variable].attrs.get("cell_methods", ""))
    if not method and variable in OUTPUTS:
        method = OUTPUTS[variable].cell_method
    return "flow" if "sum" in method else "stock"


def _select(ds: Any, da: Any, where: Mapping[str, Any]) -> Any:
    options = _groupable(ds, da)
    for key, wanted in where.items():
        if key not in options:
            raise ArgumentError(f"where: {da.name} has no dimension or coordinate {key!r}{_hint(key, options)} "
                                f"(expected one of {', '.join(options)})")
        coord = da[key] if key in da.dims else ds[key]
        known = [str(v) for v in np.asarray(coord.values)]
        values = [str(v) for v in (wanted if isinstance(wanted, (list, tuple, set)) else [wanted])]
        for value in values:
            if value not in known:
                raise ArgumentError(f"where: {key} has no value {value!r}{_hint(value, sorted(set(known)))} "
                                    f"(values: {', '.join(dict.fromkeys(known))})")
        dim = str(coord.dims[0])
        da = da.isel({dim: [i for i, v in enumerate(known) if v in values]})
    return da


def _reduce(ds: Any, variable: str, by: Sequence[str], where: Mapping[str, Any]) -> Any:
    """The variable after ``where``, summed over every dimension but time, run, scenario and ``by``."""
    variables = [str(v) for v in ds.data_vars]
    if variable not in variables:
        raise ArgumentError(f"variable: no output {variable!r}{_hint(variable, variables)} "
                            f"(expected one of {', '.join(variables)})")
    da = ds[variable]
    options = _groupable(ds, da)
    for name in by:
        if name not in options:
            raise ArgumentError(f"by: {variable} has no dimension or coordinate {name!r}{_hint(name, options)} "
                                f"(expected one of {', '.join(options) or '(none: only time)'})")
    along = [str(ds[n].dims[0]) if n not in da.dims else n for n in by]
    if len(set(along)) < len(along):
        raise ArgumentError(f"by: {', '.join(by)} lie along the same dimension; keep one of them")
    da = _select(ds, da, where)
    # min_count keeps NaN (quota_remaining where no quota is in force) instead of turning it into 0.
    kwargs: dict[str, Any] = {"min_count": 1} if da.dtype.kind == "f" else {}
    da = da.astype(float)
    for name in by:
        if name not in da.dims:
            dim = str(ds[name].dims[0])
            da = da.groupby(name).sum(dim, **kwargs)
    drop = [d for d in da.dims if d not in ("time", *_KEEP, *by)]
    da = da.drop_vars("time_bnds", errors="ignore")
    if drop:
        da = da.sum(drop, **kwargs)
    keep = [d for d in _KEEP if d in da.dims]
    return da.transpose("time", *keep, *by)


def table(data: Any, variable: str, by: str | Sequence[str] | None = None, freq: str = "week",
          where: Mapping[str, Any] | None = None, stock: str = "end", since: Any = None,
          until: Any = None) -> pandas.DataFrame:
    """One output over calendar periods as a tidy table.

    Args:
        data: a :class:`migsim.Results`, an :class:`xarray.Dataset` of outputs (a run's, an ensemble's with ``run``,
            a comparison's with ``scenario`` and ``run``), a :class:`migsim.Comparison` or an output file.
        variable: the output, e.g. ``returns`` (``migsim outputs`` lists them).
        by: dimensions or coordinates to group by (``origin``, ``location``, ``status``, ``country``,
            ``location_country``...), a list or a comma-separated string; the others are summed over.
        freq: ``week`` (the model's steps), ``month``, ``quarter`` or ``year``.
        where: selection, dimension or coordinate -> value or list of values, e.g. ``{"location_country": "RU"}``.
        stock: for a stock, ``end`` (value at the end of the last step ending in the period) or ``mean``.
        since, until: keep only the periods overlapping these dates (``YYYY-MM-DD`` or :class:`datetime.date`, both
            included; None: no limit); a period straddling an edge is kept whole.

    Returns:
        Columns ``period, start, end`` (``end`` the last day), ``complete`` (the run covers every day of the period),
        then ``scenario``, ``run``, ``seed`` when present, the ``by`` columns and ``value``; ``attrs`` hold the
        variable, its units, kind (flow or stock), the rule and the frequency.

    Raises:
        migsim.ArgumentError: an unknown variable, dimension, value, frequency or stock rule, a date that is not one,
            ``since`` after ``until`` or a window outside the run; the message names what was expected and what was
            found.
    """
    window = periods.Window.of(since, until)
    ds = dataset(data)
    by_names = _names(by, "by")
    if where is not None and not isinstance(where, Mapping):
        raise ArgumentError(f"where: expected a mapping such as {{'location_country': 'RU'}}, found {where!r}")
    if freq not in periods.FREQUENCIES:
        raise ArgumentError(f"freq: expected one of {', '.join(periods.FREQUENCIES)}, found {freq!r}")
    if stock not in periods.STOCK_RULES:
        raise ArgumentError(f"stock: expected one of {', '.join(periods.STOCK_RULES)}, found {stock!r}")
    da = _reduce(ds, variable, by_names, dict(where or {}))
    times = ds["time"].values
    bounds = ds["time_bnds"].values if "time_bnds" in ds.variables else None
    starts, ends = periods.step_edges(times, bounds)
    spans = periods.calendar_periods(starts[0], ends[-1], freq, steps=(starts, ends))
    kind = _kind(ds, variable)
    values = periods.aggregate(da.values, times, spans, kind, stock, bounds)
    keep = [str(d) for d in da.dims[1:]]
    grid = np.meshgrid(*[np.arange(len(spans))] + [np.arange(da.sizes[d]) for d in keep], indexing="ij")
    columns: dict[str, Any] = {
        "period": [spans[i].label for i in grid[0].ravel()],
        "start": [str(spans[i].start) for i in grid[0].ravel()],
        "end": [str(spans[i].end - 1) for i in grid[0].ravel()],
        "complete": [bool(spans[i].start >= starts[0] and spans[i].end <= ends[-1]) for i in grid[0].ravel()],
    }
    for axis, dim in enumerate(keep, start=1):
        labels = np.asarray(da[dim].values)
        columns[dim] = labels[grid[axis].ravel()]
        if dim == "run":  # each run's seed and, for draws from a fit, which parameter set it ran with
            for coordinate in ("seed", "draw"):
                if coordinate in da.coords:
                    columns[coordinate] = np.asarray(da[coordinate].values)[grid[axis].ravel()]
    columns["value"] = values.ravel()
    frame = pd.DataFrame(columns)
    if window.text:
        frame = window.keep(frame).reset_index(drop=True)
        if frame.empty:
            raise ArgumentError(f"since/until: expected a window overlapping the run (simulated {starts[0]} to "
                                f"{ends[-1] - 1}), found {window.text}")
    frame.attrs.update(variable=variable, units=display_units(str(ds[variable].attrs.get("units", ""))), kind=kind, freq=freq,
                       stock=stock if kind == "stock" else "", rule=_rule(kind, stock))
    return frame


def _rule(kind: str, stock: str) -> str:
    if kind == "flow":
        return "flow summed over the period; a step straddling a boundary is split by days"
    if stock == "mean":
        return "mean of the end-of-step values of the steps ending in the period"
    return "value at the end of the last step ending on or before the period's end"


def write_table(frame: pandas.DataFrame, path: PathLike) -> Path:
    """Writes a table as CSV, Excel (``.xlsx``, needs ``openpyxl``) or Parquet (``.parquet``, needs ``pyarrow``).

    The file is written under a temporary name in the same folder and renamed when complete, so ``path`` is
    either the whole table or untouched.

    Raises:
        migsim.ArgumentError: an unknown extension, a missing folder, or the optional package missing
            (``pip install 'migsim[tables]'``).
        migsim.OutputError: writing failed.
    """
    target = Path(os.fspath(path))
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ArgumentError(f"-o {target}: expected a file ending in {', '.join(FORMATS)}, found {suffix or 'no extension'!r}")
    package = FORMATS[suffix]
    if package is not None:
        try:
            __import__(package)
        except ImportError:
            raise ArgumentError(f"-o {target}: writing {suffix} needs the Python package {package}, which is not "
                                f"installed; install it with: pip install 'migsim[tables]' (or pip install {package})"
                                ) from None
    if not target.parent.is_dir():
        raise ArgumentError(f"-o {target}: the folder {target.parent} does not exist")

    def write(temporary: Path) -> None:
        if suffix == ".csv":
            frame.to_csv(temporary, index=False)
        elif suffix == ".xlsx":
            sheet = str(frame.attrs.get("variable", "table"))[:31] or "table"
            frame.to_excel(temporary, index=False, sheet_name=sheet, engine="openpyxl")
        else:
            plain = frame.copy()
            plain.attrs = {}
            plain.to_parquet(temporary, index=False, engine="pyarrow")

    write_atomically(write, target)
    return target


def _where(items: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ArgumentError(f"--where: expected NAME=VALUE[,VALUE...] such as location_country=RU, found {item!r}")
        out.setdefault(key.strip(), []).extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="migsim table",
        description="One output variable of a run as a table over calendar periods (CSV, Excel or Parquet). "
                    "Flows are summed over each period (a weekly step straddling a boundary is split by days); "
                    "stocks are the value at the end of the last step ending in the period (--stock mean: their "
                    "mean).")
    parser.add_argument("file", help="output file written by migsim run (or saved from Python)")
    parser.add_argument("variable", help="output variable, e.g. stock, returns (see migsim outputs)")
    parser.add_argument("--by", default="", help="comma-separated dimensions or coordinates to group by, e.g. "
                                                 "origin,location,status or location_country (default: total)")
    parser.add_argument("--freq", default="week", help="week (the model's steps), month, quarter or year")
    parser.add_argument("--where", action="append", default=[], metavar="NAME=VALUE",
                        help="keep only these values, e.g. location_country=RU or status=irregular,detained "
                             "(repeatable)")
    parser.add_argument("--stock", default="end", help="for a stock: end (default) or mean over the period")
    parser.add_argument("--since", help="first day to show, YYYY-MM-DD: the periods overlapping --since to --until "
                                        "(a period straddling an edge is kept whole)")
    parser.add_argument("--until", help="last day to show, YYYY-MM-DD")
    parser.add_argument("-o", "--output", required=True,
                        help="output table: .csv, .xlsx or .parquet, or - for CSV on standard output (to pipe "
                             "into other tools; the summary line then goes to standard error)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``migsim table``: exit 0 on success, 2 on bad input (the message says what was expected and found), 1 on
    any other failure."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad arguments, 0 on --help
        return int(exc.code or 0)

    to_stdout = args.output == "-"

    def write() -> str:
        frame = table(args.file, args.variable, by=args.by or None, freq=args.freq, where=_where(args.where),
                      stock=args.stock, since=args.since, until=args.until)
        if to_stdout:  # the whole table is built before the first byte, so an error leaves stdout empty
            try:
                frame.to_csv(sys.stdout, index=False)
                sys.stdout.flush()
            except BrokenPipeError:  # a reader such as `head` stopped early: not an error of ours
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return f"standard output was closed by its reader before all {len(frame)} rows were read"
        written = "standard output" if to_stdout else write_table(frame, args.output)
        return f"wrote {len(frame)} rows of {args.variable} ({frame.attrs['units']}, {args.freq}) to {written}"

    return exit_code("migsim table", write, summary=sys.stderr if to_stdout else sys.stdout)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
