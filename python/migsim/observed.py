"""Observed statistics of a scenario and how they map to the model's outputs.

A scenario folder may hold an ``observed/`` folder: one tidy CSV per observed series
(``date,value,unit,concept,source,quote``) and ``targets.yaml``, which says for each series which model quantity it
is compared with, its weight in a calibration, which rows were used to build the inputs (``circular``) and which
are left out. Quick start::

    import migsim

    targets = migsim.load_targets("kyrgyzstan")          # the built-in scenario's observed/targets.yaml
    targets.names                                        # ['stock_russia', ..., 'evacuated_russia_2020']
    targets.observed()                                   # every observation, one row each (pandas)
    results = migsim.run("kyrgyzstan", scale=100, until="2019-12-31", quiet=True)
    table = targets.compare(results)                     # observed and simulated side by side, with errors
    migsim.fit_table(table)                              # MAPE and ARD by series and period

``compare`` also takes an ensemble's Dataset (a ``run`` dimension): the simulated median and a 10-90 % band.

Where the files come from: the engine embeds only the top level of a built-in scenario, so ``observed/`` is not in
the binary. It is installed with the Python package (``migsim/observed/<name>/``, copied from
``scenarios/<name>/observed/`` when the package is built), so built-in names work from any folder; a scenario folder
is read from disk (``<folder>/observed/``), and any folder can be given with ``observed=``.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import hashlib
import importlib
import math
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence, Union

from . import periods
from ._core import ArgumentError, ScenarioError
from ._lazy import LazyModule
from .schema import OUTPUTS, STATUS_NAMES

if TYPE_CHECKING:
    import pandas
    import xarray

    from .results import Results
    from .scenario import Scenario

np: Any = LazyModule("numpy")
pd: Any = LazyModule("pandas")
xr: Any = LazyModule("xarray")

__all__ = ["Pattern", "Target", "Targets", "ard", "fit_table", "load_observed", "load_targets", "mape",
           "observed_folder", "pattern_table"]

PathLike = Union[str, "os.PathLike[str]"]
_TIME_KINDS = ("at_date", "year_to_date", "since", "year_mean")
_COLUMNS = ["date", "value", "unit", "concept", "source", "quote"]
_PACKAGE_DATA = Path(__file__).resolve().parent / "observed"
_SOURCE_TREE = Path(__file__).resolve().parents[2] / "scenarios"
_VARIABLES = [*OUTPUTS, "policy_state"]  # what a series may be compared with: the engine's outputs
# What a series may compare instead of the level (targets.yaml `change`); None: the level itself.
CHANGES = (None, "year_on_year", "difference_on_year")
_TARGET_KEYS = {"file", "variable", "where", "time", "since", "denominator", "change", "by", "factor", "error",
                "weight", "circular", "exclude", "compare", "reason", "note"}


# ------------------------------------------------------------------------------------------------ folders


def observed_folder(scenario: Scenario | PathLike = "kyrgyzstan") -> Path:
    """The ``observed/`` folder of a scenario.

    Args:
        scenario: a built-in name (the copy installed with the package, or ``scenarios/<name>/observed`` of a source
            checkout), a scenario folder or ``scenario.yaml`` path (``<folder>/observed``), a :class:`migsim.Scenario`
            (that of its source), or an ``observed`` folder itself (one holding ``targets.yaml``).

    Raises:
        migsim.ArgumentError: if there is no such folder.
    """
    source: str
    if hasattr(scenario, "_source"):
        source = str(getattr(scenario, "_source"))
    elif isinstance(scenario, (str, os.PathLike)):
        source = os.fspath(scenario)
    else:
        raise ArgumentError(f"scenario: expected a built-in name, a folder or a migsim.Scenario, found "
                            f"{type(scenario).__name__}")
    path = Path(source)
    candidates: list[Path] = []
    if path.exists():
        folder = path.parent if path.is_file() else path
        candidates = [folder] if (folder / "targets.yaml").is_file() else [folder / "observed"]
    else:
        candidates = [_PACKAGE_DATA / source, _SOURCE_TREE / source / "observed"]
    for candidate in candidates:
        if (candidate / "targets.yaml").is_file():
            return candidate
    where = " or ".join(str(c) for c in candidates)
    raise ArgumentError(f"scenario {source!r} has no observed series: no targets.yaml in {where}; pass observed= "
                        f"a folder with targets.yaml and the CSV series (see scenarios/kyrgyzstan/observed)")


# ------------------------------------------------------------------------------------------------ targets


def _iso(value: Any, where: str) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ScenarioError(f"{where}: expected a date YYYY-MM-DD, found {value!r}") from None


@dataclasses.dataclass(frozen=True)
class Target:
    """How one observed series is compared with the model (one entry of ``targets.yaml``).

    Attributes:
        name: the series name (its CSV file name without ``.csv``).
        file: the CSV file.
        variable: the model output compared, or ``None`` when ``compare`` is false.
        where: selection of the output: dimension or coordinate name -> tuple of values.
        negate: dimension or coordinate names whose values are excluded rather than selected (``{not: ...}``).
        time: ``at_date``, ``year_to_date``, ``since`` or ``year_mean``.
        since: row date -> period start (``time: since``).
        denominator: selection of the denominator of a share (same form as ``where``), or ``None``.
        denominator_negate: as ``negate``, for the denominator.
        change: ``year_on_year`` (the value over the same period a year earlier, minus 1), ``difference_on_year``
            (the value less that of the same period a year earlier, in the series' unit) or ``None``.
        by: (dimension, CSV column): one value per row, selected by that column, or ``None``.
        factor: multiplier of the simulated value.
        error: ``relative`` or ``absolute``.
        weight: weight in the calibration loss.
        circular: dates of rows used to build the scenario's inputs (all rows: ``("*",)``).
        exclude: row date -> reason for leaving it out of the errors and the fit.
        compare: whether the series is compared with the model.
        reason: why not, when ``compare`` is false.
        note: a remark shown in the report.
    """

    name: str
    file: str
    variable: str | None = None
    where: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    negate: tuple[str, ...] = ()
    time: str = "at_date"
    since: Mapping[str, str] = dataclasses.field(default_factory=dict)
    denominator: Mapping[str, tuple[str, ...]] | None = None
    denominator_negate: tuple[str, ...] = ()
    change: str | None = None
    by: tuple[str, str] | None = None
    factor: float = 1.0
    error: str = "relative"
    weight: float = 0.0
    circular: tuple[str, ...] = ()
    exclude: Mapping[str, str] = dataclasses.field(default_factory=dict)
    compare: bool = True
    reason: str = ""
    note: str = ""

    def is_circular(self, date: str) -> bool:
        """Whether the row dated ``date`` was used to build the scenario's inputs."""
        return "*" in self.circular or date in self.circular

    def describe(self) -> str:
        """The model quantity in words: ``stock[location_country=RU, status=ABROAD] at the date``."""
        if not self.compare or self.variable is None:
            return f"not compared: {self.reason}"

        def selection(where: Mapping[str, tuple[str, ...]], negate: Sequence[str]) -> str:
            parts = [f"{k}{'!=' if k in negate else '='}{'|'.join(v)}" for k, v in where.items()]
            return f"{self.variable}[{', '.join(parts)}]" if parts else str(self.variable)

        text = selection(self.where, self.negate)
        if self.denominator is not None:
            text += " / " + selection(self.denominator, self.denominator_negate)
        if self.by is not None:
            text += f" by {self.by[0]} (column {self.by[1]})"
        text += {"at_date": " at the date", "year_to_date": " summed from 1 January to the date",
                 "since": " summed over the stated period", "year_mean": " averaged over the year"}[self.time]
        if self.change == "year_on_year":
            text += ", change on a year earlier"
        if self.factor != 1:
            text += f", times {self.factor:g}"
        return text


@dataclasses.dataclass(frozen=True)
class Pattern:
    """A stylised fact: the observed value of a series at a date, or its change between two dates.

    It holds when the simulated median has the observed sign and lies within ``tolerance`` (relative) of the
    observed size.
    """

    name: str
    series: str
    at: str | None = None
    start: str | None = None
    end: str | None = None
    tolerance: float = 0.5
    description: str = ""


def _selection(raw: Any, sets: Mapping[str, list[str]], where: str) -> tuple[dict[str, tuple[str, ...]],
                                                                               tuple[str, ...]]:
    if raw is None:
        return {}, ()
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{where}: expected a mapping of dimension to values, found {raw!r}")
    out: dict[str, tuple[str, ...]] = {}
    negate: list[str] = []
    for key, value in raw.items():
        if isinstance(value, Mapping):
            if set(value) != {"not"}:
                raise ScenarioError(f"{where}.{key}: expected a value, a list or {{not: values}}, found {value!r}")
            negate.append(str(key))
            value = value["not"]
        values = value if isinstance(value, (list, tuple)) else [value]
        expanded: list[str] = []
        for item in values:
            expanded += list(sets[str(item)]) if str(item) in sets else [str(item)]
        if key == "status":  # the engine's statuses are known without a run
            for status in expanded:
                if status not in STATUS_NAMES:
                    hint = difflib.get_close_matches(status, [*STATUS_NAMES, *sets], n=1)
                    raise ScenarioError(f"{where}.status: no status {status!r}"
                                        + (f"; did you mean {hint[0]!r}?" if hint else "")
                                        + f" (statuses: {', '.join(STATUS_NAMES)}; sets: {', '.join(sets)})")
        out[str(key)] = tuple(expanded)
    return out, tuple(negate)


def _target(name: str, raw: Any, sets: Mapping[str, list[str]], where: str) -> Target:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{where}: expected a mapping with file, variable, where, time..., found {raw!r}")
    unknown = sorted(set(raw) - _TARGET_KEYS)
    if unknown:
        hint = difflib.get_close_matches(unknown[0], sorted(_TARGET_KEYS), n=1)
        raise ScenarioError(f"{where}: unknown field {unknown[0]!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""))
    if "file" not in raw:
        raise ScenarioError(f"{where}: missing field 'file'")
    compare = bool(raw.get("compare", True))
    if compare and not raw.get("variable"):
        raise ScenarioError(f"{where}: missing field 'variable' (or compare: false with a reason)")
    if compare and str(raw["variable"]) not in _VARIABLES:
        hint = difflib.get_close_matches(str(raw["variable"]), _VARIABLES, n=1, cutoff=0.5)
        raise ScenarioError(f"{where}.variable: no output {raw['variable']!r}"
                            + (f"; did you mean {hint[0]!r}?" if hint else "")
                            + f" (outputs: {', '.join(_VARIABLES)})")
    time = str(raw.get("time", "at_date"))
    if time not in _TIME_KINDS:
        raise ScenarioError(f"{where}.time: expected one of {', '.join(_TIME_KINDS)}, found {time!r}")
    since_raw = raw.get("since")
    since: dict[str, str] = {}
    if time == "since":
        if since_raw is None:
            raise ScenarioError(f"{where}: time: since needs a `since` date or a mapping of row date -> start")
        if isinstance(since_raw, Mapping):
            since = {_iso(k, f"{where}.since"): _iso(v, f"{where}.since") for k, v in since_raw.items()}
        else:
            since = {"*": _iso(since_raw, f"{where}.since")}
    change = raw.get("change")
    if change not in CHANGES:
        raise ScenarioError(f"{where}.change: expected one of {', '.join(c for c in CHANGES if c)}, found {change!r}")
    error = str(raw.get("error", "relative"))
    if error not in ("relative", "absolute"):
        raise ScenarioError(f"{where}.error: expected relative or absolute, found {error!r}")
    by = raw.get("by")
    by_pair: tuple[str, str] | None = None
    if by is not None:
        if not isinstance(by, Mapping) or len(by) != 1:
            raise ScenarioError(f"{where}.by: expected {{dimension: column}}, found {by!r}")
        (dim, column), = by.items()
        by_pair = (str(dim), str(column))
    circular_raw = raw.get("circular", False)
    if circular_raw is True:
        circular: tuple[str, ...] = ("*",)
    elif circular_raw in (False, None):
        circular = ()
    elif isinstance(circular_raw, (list, tuple)):
        circular = tuple(_iso(d, f"{where}.circular") for d in circular_raw)
    else:
        raise ScenarioError(f"{where}.circular: expected true, false or a list of dates, found {circular_raw!r}")
    exclude_raw = raw.get("exclude") or {}
    if not isinstance(exclude_raw, Mapping):
        raise ScenarioError(f"{where}.exclude: expected a mapping of row date -> reason, found {exclude_raw!r}")
    where_sel, negate = _selection(raw.get("where"), sets, f"{where}.where")
    den_sel: dict[str, tuple[str, ...]] | None = None
    den_negate: tuple[str, ...] = ()
    if raw.get("denominator") is not None:
        den_sel, den_negate = _selection(raw.get("denominator"), sets, f"{where}.denominator")
    try:
        factor, weight = float(raw.get("factor", 1)), float(raw.get("weight", 0))
    except (TypeError, ValueError):
        raise ScenarioError(f"{where}: factor and weight must be numbers") from None
    if weight < 0 or not math.isfinite(weight):
        raise ScenarioError(f"{where}.weight: expected a number >= 0, found {weight}")
    return Target(name=name, file=str(raw["file"]), variable=raw.get("variable") if compare else None,
                  where=where_sel, negate=negate, time=time, since=since, denominator=den_sel,
                  denominator_negate=den_negate, change=change, by=by_pair, factor=factor, error=error,
                  weight=weight, circular=circular,
                  exclude={_iso(k, f"{where}.exclude"): str(v) for k, v in exclude_raw.items()},
                  compare=compare, reason=str(raw.get("reason", "")), note=str(raw.get("note", "")))


def _yaml() -> Any:
    """The yaml module (PyYAML; imported by name, as it has no type information of its own)."""
    try:
        return importlib.import_module("yaml")
    except ImportError as error:  # pragma: no cover - pyyaml is a dependency of migsim
        raise ImportError("PyYAML is missing, a dependency of migsim: pip install pyyaml") from error


class Targets:
    """The observed series of a scenario and their mapping to model quantities (``targets.yaml``).

    Use :func:`load_targets` to read one. ``targets["stock_russia"]`` is a :class:`Target`; ``targets.select(names)``
    a subset (or re-weighted copy); ``observed()`` the observations; ``simulate(ds)`` and ``compare(ds)`` the
    model's values at the observed dates; ``sets`` the named sets of ``targets.yaml`` (``sets["ABROAD"]``: the
    statuses it counts as abroad).
    """

    def __init__(self, folder: Path, targets: Mapping[str, Target], calibration_end: str,
                 patterns: Mapping[str, Pattern] | None = None, sets: Mapping[str, Sequence[str]] | None = None
                 ) -> None:
        self.folder = Path(folder)
        self.targets: dict[str, Target] = dict(targets)
        self.calibration_end = calibration_end
        self.patterns: dict[str, Pattern] = dict(patterns or {})
        self.sets: dict[str, tuple[str, ...]] = {name: tuple(values) for name, values in (sets or {}).items()}
        self._frames: dict[str, Any] = {}

    # ---- access ---------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """Every series name, in file order."""
        return list(self.targets)

    @property
    def weights(self) -> dict[str, float]:
        """Series with a positive weight (the default calibration targets) and their weights."""
        return {name: t.weight for name, t in self.targets.items() if t.weight > 0 and t.compare}

    def __getitem__(self, name: str) -> Target:
        return self.targets[self._check_name(name)]

    def __iter__(self) -> Iterator[Target]:
        return iter(self.targets.values())

    def __len__(self) -> int:
        return len(self.targets)

    def __repr__(self) -> str:
        return f"<migsim.Targets {self.folder}: {len(self)} series, {len(self.weights)} weighted>"

    def _check_name(self, name: str) -> str:
        if name not in self.targets:
            hint = difflib.get_close_matches(str(name), self.names, n=1)
            raise ArgumentError(f"unknown observed series {name!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
                                + f" (series of {self.folder}: {', '.join(self.names)})")
        return name

    def select(self, names: Iterable[str] | Mapping[str, float] | None = None) -> Targets:
        """A copy with only some series; a mapping also sets their weights.

        ``None`` keeps the weighted series; a list keeps those series with their weights from ``targets.yaml`` (1
        where that is 0); a mapping gives the weights. Raises :class:`migsim.ArgumentError` for an unknown or
        non-comparable series, or a negative weight.
        """
        if names is None:
            chosen = dict(self.weights)
            if not chosen:
                raise ArgumentError(f"{self.folder / 'targets.yaml'}: no series has a positive weight; name the targets")
        elif isinstance(names, str):
            raise ArgumentError(f"targets: expected a list or mapping of series names, found {names!r}; "
                                f"write [{names!r}]")
        elif isinstance(names, Mapping):
            chosen = {}
            for name, weight in names.items():
                try:
                    weight = float(weight)
                except (TypeError, ValueError):
                    raise ArgumentError(f"targets[{name!r}]: expected a weight (a number), found {weight!r}") from None
                if not weight >= 0 or not math.isfinite(weight):
                    raise ArgumentError(f"targets[{name!r}]: expected a weight >= 0, found {weight}")
                chosen[self._check_name(name)] = weight
        else:
            chosen = {self._check_name(n): (self.targets[n].weight or 1.0) for n in names}
        if not chosen:
            raise ArgumentError("targets: empty; name at least one observed series")
        for name in chosen:
            if not self.targets[name].compare:
                raise ArgumentError(f"observed series {name!r} is not compared with the model: "
                                    f"{self.targets[name].reason}")
        picked = {n: dataclasses.replace(self.targets[n], weight=w) for n, w in chosen.items()}
        patterns = {k: p for k, p in self.patterns.items() if p.series in picked}
        out = Targets(self.folder, picked, self.calibration_end, patterns, self.sets)
        out._frames = {n: f for n, f in self._frames.items() if n in picked}
        return out

    # ---- observations ---------------------------------------------------------------------

    def frame(self, name: str) -> pandas.DataFrame:
        """The observations of one series (its CSV file), dates as ``YYYY-MM-DD`` text."""
        target = self[name]
        if name not in self._frames:
            path = self.folder / target.file
            if not path.is_file():
                raise ScenarioError(f"{self.folder / 'targets.yaml'}: series {name!r}: file {path} not found")
            frame = pd.read_csv(path, dtype={"date": str, "region": str}, keep_default_na=False)
            wanted = _COLUMNS[:1] + ([target.by[1]] if target.by else []) + _COLUMNS[1:]
            if list(frame.columns) != wanted:
                raise ScenarioError(f"{path}: expected the columns {','.join(wanted)}, found {','.join(frame.columns)}")
            for line, (date, value) in enumerate(zip(frame["date"], frame["value"]), start=2):
                _iso(date, f"{path}:{line}: date")
                try:
                    float(value)
                except (TypeError, ValueError):
                    raise ScenarioError(f"{path}:{line}: value: expected a number, found {value!r}") from None
            frame["value"] = frame["value"].astype(float)
            self._frames[name] = frame
        return self._frames[name].copy()

    def observed(self) -> pandas.DataFrame:
        """Every observation of every series, one row each (tidy).

        Columns: ``series, date, region`` (empty unless the series is by region), ``value, unit, concept, source,
        quote``, ``period`` (``calibration`` up to ``calibration_end``, else ``validation``), ``circular``,
        ``excluded`` (the reason, or empty), ``weight``, ``compared``.
        """
        frames = []
        for name, target in self.targets.items():
            frame = self.frame(name)
            region = frame[target.by[1]] if target.by else ""
            frames.append(pd.DataFrame({
                "series": name, "date": frame["date"], "region": region, "value": frame["value"],
                "unit": frame["unit"], "concept": frame["concept"], "source": frame["source"], "quote": frame["quote"],
                "period": [self.period(d) for d in frame["date"]],
                "circular": [target.is_circular(d) for d in frame["date"]],
                "excluded": [target.exclude.get(d, "") for d in frame["date"]],
                "weight": target.weight, "compared": target.compare,
            }))
        return pd.concat(frames, ignore_index=True)

    def period(self, date: str) -> str:
        """``calibration`` if ``date`` is on or before ``calibration_end``, else ``validation``."""
        return "calibration" if date <= self.calibration_end else "validation"

    def file_hashes(self) -> dict[str, str]:
        """SHA-256 of ``targets.yaml`` and of each series' file: what a fit was made against."""
        files = ["targets.yaml"] + sorted({t.file for t in self.targets.values()})
        return {f: hashlib.sha256((self.folder / f).read_bytes()).hexdigest() for f in files}

    # ---- model values ---------------------------------------------------------------------

    def simulate(self, data: Results | xarray.Dataset) -> pandas.DataFrame:
        """The model's value of every compared observation.

        Args:
            data: a :class:`migsim.Results`, a run's ``xarray.Dataset``, or an ensemble's (with a ``run``
                dimension).

        Returns:
            One row per observation (``series, date, region, observed``) and one column per run (``0, 1, ...``) of
            simulated values; NaN where the date lies outside the simulated period.
        """
        ds = _dataset(data)
        runs = ds.sizes.get("run", 0)
        rows = []
        for name, target in self.targets.items():
            if not target.compare:
                continue
            frame = self.frame(name)
            values = _simulate_target(target, frame, ds)
            for i in range(len(frame)):
                row: dict[str | int, Any] = {
                    "series": name, "date": frame["date"].iloc[i],
                    "region": frame[target.by[1]].iloc[i] if target.by else "", "observed": frame["value"].iloc[i]}
                row.update({r: values[i, r] for r in range(max(runs, 1))})
                rows.append(row)
        return pd.DataFrame(rows)

    def compare(self, data: Results | xarray.Dataset | pandas.DataFrame,
                quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pandas.DataFrame:
        """Observed and simulated values side by side, with the error of each row.

        Args:
            data: what :meth:`simulate` takes, or its output.
            quantiles: the quantiles over runs; the lowest and highest give ``low`` and ``high`` (``simulated`` is
                the median).

        Returns:
            One row per compared observation: ``series, date, region, period, observed, simulated`` (the median over
            runs), ``low, high`` (the outer quantiles), ``error`` (relative or absolute, per the series),
            ``error_kind``, ``circular``, ``excluded``, ``weight``.
        """
        sim = data if isinstance(data, pd.DataFrame) else self.simulate(data)
        run_columns = [c for c in sim.columns if isinstance(c, (int, np.integer))]
        values = sim[run_columns].to_numpy(dtype=float)
        qs = sorted(quantiles)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: dates outside the run
            bands = np.nanquantile(values, qs, axis=1) if len(sim) else np.zeros((len(qs), 0))
            median = np.nanmedian(values, axis=1) if len(sim) else np.zeros(0)
        out = sim[["series", "date", "region", "observed"]].copy()
        out.insert(3, "period", [self.period(d) for d in out["date"]])
        out["simulated"] = median
        out["low"], out["high"] = bands[0], bands[-1]
        kinds = [self.targets[s].error for s in out["series"]]
        out["error"] = [_row_error(o, s, k) for o, s, k in zip(out["observed"], out["simulated"], kinds)]
        out["error_kind"] = kinds
        out["circular"] = [self.targets[s].is_circular(d) for s, d in zip(out["series"], out["date"])]
        out["excluded"] = [self.targets[s].exclude.get(d, "") for s, d in zip(out["series"], out["date"])]
        out["weight"] = [self.targets[s].weight for s in out["series"]]
        return out

    def loss(self, comparison: pandas.DataFrame, period: str | None = "calibration") -> float:
        """Weighted mean over series of each series' mean error (rows of ``period``, not excluded, simulated).

        A series with no such row does not count; with none at all the loss is ``inf``.
        """
        per = series_errors(comparison, period)
        total = weight = 0.0
        for name, err in per.items():
            w = self.targets[name].weight if name in self.targets else 0.0
            if w > 0 and math.isfinite(err):
                total += w * err
                weight += w
        return total / weight if weight > 0 else math.inf


def series_errors(comparison: pandas.DataFrame, period: str | None = "calibration") -> dict[str, float]:
    """Mean error (``error`` column) of each series over the usable rows of ``period`` (``None``: every period)."""
    rows = comparison[(comparison["excluded"] == "") & comparison["error"].notna()]
    if period is not None:
        rows = rows[rows["period"] == period]
    return {str(name): float(group["error"].mean()) for name, group in rows.groupby("series", sort=False)}


def _row_error(observed: float, simulated: float, kind: str) -> float:
    if not math.isfinite(simulated):
        return math.nan
    if kind == "absolute":
        return abs(simulated - observed)
    return abs(simulated - observed) / abs(observed) if observed != 0 else math.nan


def load_targets(scenario: Scenario | PathLike = "kyrgyzstan", observed: PathLike | None = None) -> Targets:
    """Reads ``targets.yaml`` of a scenario's ``observed/`` folder (or of ``observed``).

    Raises:
        migsim.ArgumentError: no observed folder for the scenario.
        migsim.ScenarioError: a bad ``targets.yaml`` (the message names the series and field) or CSV file.
    """
    folder = Path(observed) if observed is not None else observed_folder(scenario)
    path = folder / "targets.yaml"
    if not path.is_file():
        raise ArgumentError(f"observed: no targets.yaml in {folder}")
    try:
        raw = _yaml().safe_load(path.read_text(encoding="utf-8"))
    except Exception as error:
        raise ScenarioError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, Mapping) or not isinstance(raw.get("series"), Mapping):
        raise ScenarioError(f"{path}: expected a mapping with `series:`")
    sets = {str(k): [str(x) for x in v] for k, v in (raw.get("sets") or {}).items()}
    calibration_end = _iso(raw.get("calibration_end", "2019-12-31"), f"{path}: calibration_end")
    targets = {str(name): _target(str(name), spec, sets, f"{path}: series.{name}")
               for name, spec in raw["series"].items()}
    patterns: dict[str, Pattern] = {}
    for name, spec in (raw.get("patterns") or {}).items():
        where = f"{path}: patterns.{name}"
        if not isinstance(spec, Mapping) or spec.get("series") not in targets:
            raise ScenarioError(f"{where}: expected `series:` naming a series of this file")
        at = spec.get("at")
        start, end = spec.get("from"), spec.get("to")
        if (at is None) == (start is None or end is None):
            raise ScenarioError(f"{where}: give either `at` or both `from` and `to`")
        patterns[str(name)] = Pattern(
            name=str(name), series=str(spec["series"]), at=_iso(at, where) if at is not None else None,
            start=_iso(start, where) if start is not None else None, end=_iso(end, where) if end is not None else None,
            tolerance=float(spec.get("tolerance", 0.5)), description=str(spec.get("description", "")))
    out = Targets(folder, targets, calibration_end, patterns, sets)
    for name in out.names:
        out.frame(name)  # every file exists and has the right columns
    return out


def load_observed(scenario: Scenario | PathLike = "kyrgyzstan", observed: PathLike | None = None) -> pandas.DataFrame:
    """Every observation of a scenario's observed series as one tidy table (see :meth:`Targets.observed`)."""
    return load_targets(scenario, observed).observed()


# ------------------------------------------------------------------------------------------- computation


def _dataset(data: Any) -> Any:
    if hasattr(data, "to_xarray") and not isinstance(data, xr.Dataset):
        return data.to_xarray()
    if isinstance(data, xr.Dataset):
        return data
    raise ArgumentError(f"expected a migsim.Results or an xarray.Dataset of outputs, found {type(data).__name__}")


def _mask(ds: Any, da: Any, key: str, values: Sequence[str], negate: bool, name: str) -> tuple[str, Any]:
    if key in da.dims:
        coord = ds[key] if key in ds.coords else da[key]
    elif key in ds.coords and len(ds[key].dims) == 1 and ds[key].dims[0] in da.dims:
        coord = ds[key]
    else:
        options = sorted(set(da.dims) | {c for c in ds.coords if len(ds[c].dims) == 1 and ds[c].dims[0] in da.dims}
                         - {"time", "run"})
        raise ScenarioError(f"series {name!r}: {da.name} has no dimension or coordinate {key!r} "
                            f"(it has {', '.join(options)})")
    known = [str(v) for v in np.asarray(coord.values)]
    for value in values:
        if value not in known:
            hint = difflib.get_close_matches(value, sorted(set(known)), n=1)
            raise ScenarioError(f"series {name!r}: {key} has no value {value!r}"
                                + (f"; did you mean {hint[0]!r}?" if hint else ""))
    mask = np.isin(known, list(values))
    return str(coord.dims[0]), ~mask if negate else mask


def _reduced(ds: Any, target: Target, where: Mapping[str, tuple[str, ...]], negate: Sequence[str]) -> Any:
    """The selected output summed over every dimension but time, run and the `by` dimension."""
    if target.variable not in ds.data_vars:
        hint = difflib.get_close_matches(str(target.variable), [str(v) for v in ds.data_vars], n=1, cutoff=0.5)
        raise ScenarioError(f"series {target.name!r}: no output {target.variable!r}"
                            + (f"; did you mean {hint[0]!r}?" if hint else ""))
    da = ds[target.variable]
    for key, values in where.items():
        dim, mask = _mask(ds, da, key, values, key in negate, target.name)
        da = da.isel({dim: np.flatnonzero(mask)})
    keep = {"time", "run"} | ({target.by[0]} if target.by else set())
    return da.sum([d for d in da.dims if d not in keep]).astype(float)


def _period(edges: tuple[Any, Any], start: str | None, end: str, kind: str) -> periods.Period | None:
    """The calendar period of a row by the rule of :mod:`migsim.periods`, or None if the run does not cover it.

    ``at_date`` and the flows (``year_to_date``, ``since``) end with the row's day (``end`` + 1 exclusive);
    ``year_mean`` is the whole calendar year of the row. The run must reach past the row's day; a flow's period may
    start up to one step before the run (the first days are then not counted).
    """
    starts, ends = edges
    end_day = np.datetime64(end, "D")
    if end_day < starts[0] or end_day >= ends[-1]:
        return None
    if kind == "at_date":
        return periods.Period(end, starts[0], end_day + 1)
    if kind == "year_mean":
        year = int(end[:4])
        return periods.Period(str(year), np.datetime64(f"{year:04d}-01-01", "D"), np.datetime64(f"{year + 1:04d}-01-01", "D"))
    start_day = np.datetime64(start, "D")
    if start_day < starts[0] - (ends[0] - starts[0]):
        return None  # the period starts before the run
    return periods.Period(f"{start}/{end}", start_day, end_day + 1)


def _period_start(target: Target, date: str) -> str | None:
    if target.time == "at_date":
        return None
    if target.time in ("year_to_date", "year_mean"):
        return f"{date[:4]}-01-01"
    return target.since.get(date, target.since.get("*"))


def _year_earlier(date: str) -> str:
    d = datetime.date.fromisoformat(date)
    try:
        return d.replace(year=d.year - 1).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28).isoformat()


def _simulate_target(target: Target, frame: Any, ds: Any) -> Any:
    """Rows x runs of simulated values (NaN where not simulated)."""
    runs = max(ds.sizes.get("run", 0), 1)
    out = np.full((len(frame), runs), np.nan)
    numerator = _reduced(ds, target, target.where, target.negate)
    denominator = (_reduced(ds, target, target.denominator, target.denominator_negate)
                   if target.denominator is not None else None)
    times = ds["time"].values.astype("datetime64[D]")
    bounds = ds["time_bnds"].values if "time_bnds" in ds.variables else None
    edges = periods.step_edges(times, bounds)

    def series(da: Any, row: int) -> Any:
        if target.by:
            value = str(frame[target.by[1]].iloc[row])
            known = [str(v) for v in np.asarray(da[target.by[0]].values)]
            if value not in known:
                hint = difflib.get_close_matches(value, known, n=1)
                raise ScenarioError(f"series {target.name!r}: {target.by[0]} has no value {value!r}"
                                    + (f"; did you mean {hint[0]!r}?" if hint else ""))
            da = da.isel({target.by[0]: known.index(value)})
        values = da.transpose("time", ...).values
        return values.reshape(len(times), -1)  # time x runs

    def value(row: int, end: str, start: str | None = None) -> Any:
        if start is None:
            start = (_period_start(target, end) if target.time != "since" else
                     _period_start(target, str(frame["date"].iloc[row])))
        period = _period(edges, start, end, target.time)
        if period is None:
            return None
        kind = "stock" if target.time in ("at_date", "year_mean") else "flow"
        rule = "mean" if target.time == "year_mean" else "end"
        agg = periods.aggregate(series(numerator, row), times, [period], kind, rule, bounds)[0]
        den = (periods.aggregate(series(denominator, row), times, [period], kind, rule, bounds)[0]
               if denominator is not None else None)
        if np.isnan(agg).all():
            return None
        if den is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                agg = np.where(den > 0, agg / np.where(den > 0, den, 1), np.nan)
        return agg

    for row in range(len(frame)):
        date = str(frame["date"].iloc[row])
        if target.time == "since" and _period_start(target, date) is None:
            if date in target.exclude:
                continue
            raise ScenarioError(f"series {target.name!r}: no `since` start for the row dated {date}")
        current = value(row, date)
        if current is None:
            continue
        if target.change is not None:
            # The same period a year earlier: a `since` period moves its start too.
            start = _period_start(target, date)
            before = value(row, _year_earlier(date),
                           _year_earlier(start) if target.time == "since" and start is not None else None)
            if before is None:
                continue
            if target.change == "difference_on_year":
                current = (current - before) * target.factor
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    current = np.where(before > 0, current / np.where(before > 0, before, 1) - 1, np.nan)
        elif target.factor != 1:
            current = current * target.factor
        out[row, :] = current
    return out


# ----------------------------------------------------------------------------------------------- metrics


def mape(observed: Sequence[float], simulated: Sequence[float]) -> float:
    """Mean absolute percentage error, as a fraction: mean of ``|sim - obs| / |obs|`` (0.1 = 10 %).

    Pairs with a missing simulated value or a zero observation are skipped; NaN if none is left.
    """
    obs, sim = np.asarray(observed, float), np.asarray(simulated, float)
    ok = np.isfinite(obs) & np.isfinite(sim) & (obs != 0)
    return float(np.mean(np.abs(sim[ok] - obs[ok]) / np.abs(obs[ok]))) if ok.any() else math.nan


def ard(observed: Sequence[float], simulated: Sequence[float], dates: Sequence[str] | None = None) -> float:
    """Averaged relative difference, as in the Flee validation (Suleimenova, Bell and Groen 2017).

    At each date, the sum over the components observed on that date (regions, camps) of ``|sim - obs|`` divided
    by the sum of the observations; then the mean over dates. For a series with one value per date it equals the
    MAPE; for a series by region it weighs regions by size, where the MAPE weighs them equally.
    """
    obs, sim = np.asarray(observed, float), np.asarray(simulated, float)
    keys = np.asarray(dates if dates is not None else np.arange(len(obs)), dtype=object)
    ok = np.isfinite(obs) & np.isfinite(sim)
    errors = []
    for key in dict.fromkeys(keys[ok].tolist()):
        at = ok & (keys == key)
        total = np.abs(obs[at]).sum()
        if total > 0:
            errors.append(np.abs(sim[at] - obs[at]).sum() / total)
    return float(np.mean(errors)) if errors else math.nan


def fit_table(comparison: pandas.DataFrame, independent_only: bool = False) -> pandas.DataFrame:
    """Errors by series and period from :meth:`Targets.compare` (excluded rows and unsimulated dates left out).

    Columns: ``series, period, n`` (rows used), ``n_circular``, ``mape`` and ``ard`` (relative series; fractions),
    ``mae`` (absolute series: shares and changes, in their unit), ``bias`` (mean of ``sim / obs - 1`` for relative
    series, of ``sim - obs`` for absolute ones), ``in_band`` (share of observations inside the simulated band).
    Each period has an ``all series`` row: the mean of the series' errors (each series counts once).
    ``independent_only`` drops the rows used to build the inputs (``circular``).
    """
    rows = comparison[(comparison["excluded"] == "") & comparison["simulated"].notna()]
    if independent_only:
        rows = rows[~rows["circular"]]
    out = []
    for (series, period), group in rows.groupby(["series", "period"], sort=False):
        relative = group["error_kind"].iloc[0] == "relative"
        obs, sim = group["observed"].to_numpy(float), group["simulated"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            bias = np.nanmean(sim / obs - 1) if relative else np.nanmean(sim - obs)
        inside = ((group["observed"] >= group["low"]) & (group["observed"] <= group["high"])).mean()
        out.append({"series": series, "period": period, "n": len(group), "n_circular": int(group["circular"].sum()),
                    "mape": mape(obs, sim) if relative else math.nan,
                    "ard": ard(obs, sim, group["date"].tolist()) if relative else math.nan,
                    "mae": math.nan if relative else float(np.mean(np.abs(sim - obs))),
                    "bias": float(bias), "in_band": float(inside)})
    table = pd.DataFrame(out, columns=["series", "period", "n", "n_circular", "mape", "ard", "mae", "bias", "in_band"])
    summary = []
    for period, group in table.groupby("period", sort=False):
        summary.append({"series": "all series", "period": period, "n": int(group["n"].sum()),
                        "n_circular": int(group["n_circular"].sum()), "mape": group["mape"].mean(),
                        "ard": group["ard"].mean(), "mae": group["mae"].mean(), "bias": math.nan,
                        "in_band": float((group["in_band"] * group["n"]).sum() / max(group["n"].sum(), 1))})
    if summary:
        table = pd.concat([table, pd.DataFrame(summary)], ignore_index=True)
    order = {"calibration": 0, "validation": 1}
    table["_order"] = table["period"].map(order).fillna(2)
    return table.sort_values(["_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def pattern_table(targets: Targets, simulated: pandas.DataFrame) -> pandas.DataFrame:
    """Whether each pattern of ``targets.yaml`` is reproduced in direction and size.

    Args:
        targets: the targets holding the patterns.
        simulated: the per-run values from :meth:`Targets.simulate` (the band is then that of the change itself), or
            a table from :meth:`Targets.compare` (changes of the medians, no band).

    Returns:
        Columns ``pattern, series, observed, simulated`` (the median over runs of the value or change), ``low, high``
        (its 10 and 90 % quantiles), ``direction_ok``, ``size_ratio`` (simulated / observed), ``holds`` (direction
        right and size within ``tolerance``), ``tolerance``, ``description``.
    """
    run_columns = [c for c in simulated.columns if isinstance(c, (int, np.integer))]
    out = []
    for pattern in targets.patterns.values():
        rows = simulated[(simulated["series"] == pattern.series) & (simulated["region"] == "")]
        rows = rows.drop_duplicates("date").set_index("date")

        def pick(date: str | None) -> tuple[float, Any]:
            if date not in rows.index:
                return math.nan, np.array([math.nan])
            row = rows.loc[date]
            runs = row[run_columns].to_numpy(float) if run_columns else np.array([float(row["simulated"])])
            return float(row["observed"]), runs

        if pattern.at is not None:
            obs, runs = pick(pattern.at)
        else:
            (obs_end, runs_end), (obs_start, runs_start) = pick(pattern.end), pick(pattern.start)
            obs, runs = obs_end - obs_start, runs_end - runs_start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sim = float(np.nanmedian(runs))
            low, high = (float(q) for q in np.nanquantile(runs, [0.1, 0.9]))
        direction = bool(math.isfinite(sim) and np.sign(sim) == np.sign(obs))
        ratio = sim / obs if obs and math.isfinite(sim) else math.nan
        out.append({"pattern": pattern.name, "series": pattern.series, "observed": obs, "simulated": sim,
                    "low": low, "high": high, "direction_ok": direction, "size_ratio": ratio,
                    "holds": bool(direction and abs(ratio - 1) <= pattern.tolerance),
                    "tolerance": pattern.tolerance, "description": pattern.description})
    return pd.DataFrame(out, columns=["pattern", "series", "observed", "simulated", "low", "high", "direction_ok",
                                      "size_ratio", "holds", "tolerance", "description"])
