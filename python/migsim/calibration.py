"""Calibration: fit chosen parameters of a scenario to its observed series.

Quick start::

    import migsim

    fit = migsim.calibrate("kyrgyzstan", targets=["stock_russia", "remittances"],
                           parameters=["behaviour.departure.base_rate", "behaviour.remittances.share"],
                           n_trials=60, replicates=3, scale=100)
    fit.values            # {'behaviour.departure.base_rate': 0.0131, 'behaviour.remittances.share': 0.71}
    fit.uncertainty       # per parameter: best, low, median, high over the near-best trials
    fit.report            # MAPE / ARD by series and period at the best values
    fit.trials            # every trial: values, loss, per-series errors
    fit.draws()           # the parameter sets behind the uncertainty, for Ensemble/compare(draws=fit)
    fit.save("my-scenario-calibrated/")   # a scenario folder with the values and calibration.yaml

Each candidate is run for ``replicates`` seeds (the same seeds for every candidate, so that candidates differ by
their values, not by their random draws), in worker processes on every core; its loss is the weighted mean over the
target series of each series' mean error of the replicates' median (relative error for levels, absolute for
shares and changes; only rows of the calibration period, up to ``calibration_end`` of ``targets.yaml``).

Two methods:

- ``"optuna"``: Optuna's TPE sampler (seeded, multivariate), searching each parameter's range (on a log scale where
  the schema says so). The uncertainty is the spread of the parameter values among the best trials (the ``top``
  fraction): an indication of how tightly the targets pin a parameter down, not a posterior.
- ``"abc"``: rejection approximate Bayesian computation. ``n_trials`` draws from the priors of the schema (uniform,
  log-uniform or truncated normal), of which the ``top`` fraction with the smallest loss (the distance) is kept as
  a sample of the approximate posterior; the values are its medians and the uncertainty its quantiles.

Parameters given by key path alone take their range, scale and prior from the parameter schema
(``migsim.parameter_reference()``, "Calibration ranges and priors"). A numeric event field
(``events.<label>.<field>``, e.g. ``events.ban_russia_overstay_30.share``) can be fitted too, with an explicit range
inside the field's bounds in the event schema (events have no calibration ranges of their own).
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import math
import numbers
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence, Union

import migsim

from . import _core
from ._core import ArgumentError, MigsimError
from ._lazy import LazyModule
from ._progress import progress_bar
from ._workers import RunSpec, WorkerPool, check_replicates
from .ensemble import _check_int, derive_seeds
from .observed import Targets, _yaml, fit_table, load_targets, pattern_table, series_errors
from .settings import RunSettings, for_parallel_runs, takes_settings

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas

    from .scenario import Scenario
else:
    np = LazyModule("numpy")
pd: Any = LazyModule("pandas")  # no type information of its own (pandas-stubs is optional)

__all__ = ["CalibrationResult", "FitParameter", "calibrate", "fit_parameters", "parameter_draws"]

PathLike = Union[str, "os.PathLike[str]"]
ScenarioLike = Union[str, "os.PathLike[str]", "Scenario"]
ParameterSpec = Union[Sequence[str], Mapping[str, Any]]
DrawsLike = Union["CalibrationResult", str, "os.PathLike[str]", "pandas.DataFrame", Sequence[Mapping[str, Any]]]
"""Parameter sets to draw runs' values from: a fit, a saved fit folder, a table (one row per set) or a list of dicts."""
_PRIORS = ("uniform", "loguniform", "normal", "lognormal")
_METHODS = ("optuna", "abc")


# -------------------------------------------------------------------------------------------- parameters


@dataclasses.dataclass(frozen=True)
class FitParameter:
    """A parameter to fit: its key path, the range searched, the scale and the prior.

    Attributes:
        key: the parameter's key path (``behaviour.departure.base_rate``).
        low, high: the range searched, inside the schema's bounds.
        log: search on a log scale.
        prior: ``uniform``, ``loguniform``, ``normal`` or ``lognormal`` (truncated to ``[low, high]``).
        prior_args: mean and standard deviation for the normal priors (of the logarithm for ``lognormal``).
    """

    key: str
    low: float
    high: float
    log: bool = False
    prior: str = "uniform"
    prior_args: tuple[float, float] = (0.0, 0.0)

    def from_unit(self, u: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Values for points ``u`` in [0, 1] of the range (log-spaced where ``log``)."""
        points = np.asarray(u, dtype=np.float64)
        if self.log:
            logs: npt.NDArray[np.float64] = np.exp(np.log(self.low) + points * (np.log(self.high) - np.log(self.low)))
            return logs
        return self.low + points * (self.high - self.low)

    def sample_prior(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
        """``n`` draws from the prior, truncated to the range."""
        if self.prior in ("uniform", "loguniform"):
            if self.prior == "loguniform":
                return np.exp(rng.uniform(np.log(self.low), np.log(self.high), n))
            return rng.uniform(self.low, self.high, n)
        mean, sd = self.prior_args
        low, high = (np.log(self.low), np.log(self.high)) if self.prior == "lognormal" else (self.low, self.high)
        out = np.empty(0)
        while out.size < n:  # rejection from the normal; the ranges hold most of the mass
            draw = rng.normal(mean, sd, 4 * n)
            out = np.concatenate([out, draw[(draw >= low) & (draw <= high)]])
        out = out[:n]
        return np.exp(out) if self.prior == "lognormal" else out

    def describe(self) -> str:
        """``[0.002, 0.05] log, loguniform``."""
        prior = self.prior + (f"({self.prior_args[0]:g}, {self.prior_args[1]:g})"
                              if self.prior in ("normal", "lognormal") else "")
        return f"[{self.low:g}, {self.high:g}]{' log' if self.log else ''}, {prior}"


def _schema() -> dict[str, dict[str, Any]]:
    return {p["key"]: p for p in _core.parameter_schema()}


def _event_field_spec(key: str, scenario: Any) -> dict[str, Any]:
    """A parameter-schema-like entry (``key``, ``unit``, ``default``, ``min``, ``max``, ``fit``) for the event field
    ``events.<label>.<field>``, from the event schema of the labelled event's type (any type having the field when
    no scenario is given)."""
    parts = key.split(".")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise ArgumentError(f"parameters: expected an event field as 'events.<label>.<field>', found '{key}'")
    label, field = parts[1], parts[2]
    types = {t["name"]: t for t in _core.event_schema()}
    if scenario is not None:
        sc = migsim.Scenario.load(scenario) if isinstance(scenario, (str, os.PathLike)) else scenario
        try:
            event_type = sc.event(label).to_dict()["type"]
        except _core.ScenarioError as error:
            raise ArgumentError(f"parameters: '{key}': {error}") from None
        candidates = [types[event_type]]
    else:
        candidates = list(types.values())
    fields = [f for t in candidates for f in t["fields"] if f["name"] == field]
    if not fields:
        names = sorted({f["name"] for t in candidates for f in t["fields"]})
        hint = difflib.get_close_matches(field, names, n=1)
        raise ArgumentError(f"parameters: '{key}': unknown event field '{field}'"
                            + (f"; did you mean '{hint[0]}'?" if hint else ""))
    spec = fields[0]
    if spec["kind"] != "number" or not spec["max"] > spec["min"]:
        raise ArgumentError(f"parameters: '{key}' is not a real-valued event field and cannot be fitted")
    return {"key": key, "unit": spec["unit"], "default": spec["default"], "min": float(spec["min"]),
            "max": float(spec["max"]), "fit": None}


def fit_parameters(parameters: ParameterSpec | None = None, scenario: ScenarioLike | None = None
                   ) -> list[FitParameter]:
    """The parameters to fit, checked against the parameter schema (and the event schema for event fields).

    Args:
        parameters: ``None`` (every parameter with a calibration range in the schema); key paths (their schema
            range, scale and prior); or a mapping of key path to ``None`` (the schema's), ``(low, high)``, or a dict
            with any of ``low``, ``high``, ``log``, ``prior``, ``prior_args`` (the rest from the schema). An event
            field ``events.<label>.<field>`` needs its range given, inside the field's bounds in the event schema.
        scenario: the scenario whose events the event fields name (checks the label and the field of its type).

    Raises:
        migsim.ArgumentError: an unknown key (with a "did you mean"), a parameter that is not a real number, a key
            without a calibration range in the schema and none given, or a range outside the schema's bounds.
    """
    schema = _schema()
    if parameters is None:
        items: list[tuple[str, Any]] = [(k, None) for k, p in schema.items() if p.get("fit")]
    elif isinstance(parameters, str):
        raise ArgumentError(f"parameters: expected a list of key paths or a mapping, found {parameters!r}; "
                            f"write [{parameters!r}]")
    elif isinstance(parameters, Mapping):
        items = list(parameters.items())
    else:
        items = [(k, None) for k in parameters]
    if not items:
        raise ArgumentError("parameters: empty; name at least one parameter to fit")
    out: list[FitParameter] = []
    for key, given in items:
        if not isinstance(key, str):
            raise ArgumentError(f"parameters: expected key paths such as 'behaviour.departure.base_rate', found {key!r}")
        key = key.replace("__", ".")
        if key.startswith("events."):
            spec = _event_field_spec(key, scenario)
        elif key not in schema:
            hint = difflib.get_close_matches(key, list(schema), n=1)
            raise ArgumentError(f"parameters: unknown key '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
                                + " (see migsim.parameter_reference())")
        else:
            spec = schema[key]
        if spec["unit"] == "date" or not isinstance(spec["min"], float) or spec["max"] <= spec["min"]:
            raise ArgumentError(f"parameters: '{key}' is not a real-valued parameter and cannot be fitted")
        fit = dict(spec.get("fit") or {})
        if isinstance(given, Mapping):
            unknown = sorted(set(given) - {"low", "high", "log", "prior", "prior_args"})
            if unknown:
                raise ArgumentError(f"parameters['{key}']: unknown field {unknown[0]!r}; expected low, high, log, "
                                    f"prior, prior_args")
            fit.update({("min" if k == "low" else "max" if k == "high" else k): v for k, v in given.items()})
        elif given is not None:
            try:
                low, high = given
                fit.update(min=float(low), max=float(high))
            except (TypeError, ValueError):
                raise ArgumentError(f"parameters['{key}']: expected (low, high) or a dict, found {given!r}") from None
            if not spec.get("fit"):
                fit.setdefault("log", False)
                fit.setdefault("prior", "uniform")
        if "min" not in fit or "max" not in fit:
            raise ArgumentError(f"parameters: '{key}' has no calibration range in the schema; give one: "
                                f"{{'{key}': (low, high)}} within [{spec['min']:g}, {spec['max']:g}]")
        low, high = float(fit["min"]), float(fit["max"])
        if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
            raise ArgumentError(f"parameters['{key}']: expected low < high, found ({low:g}, {high:g})")
        if low < spec["min"] or high > spec["max"]:
            raise ArgumentError(f"parameters['{key}']: range ({low:g}, {high:g}) is outside the schema bounds "
                                f"[{spec['min']:g}, {spec['max']:g}]")
        log = bool(fit.get("log", False))
        prior = str(fit.get("prior", "loguniform" if log else "uniform"))
        if prior not in _PRIORS:
            raise ArgumentError(f"parameters['{key}']: prior {prior!r}: expected one of {', '.join(_PRIORS)}")
        if (log or prior in ("loguniform", "lognormal")) and low <= 0:
            raise ArgumentError(f"parameters['{key}']: a log scale needs low > 0, found {low:g}")
        args = tuple(float(a) for a in fit.get("prior_args", (0.0, 0.0)))
        if prior in ("normal", "lognormal") and (len(args) != 2 or not args[1] > 0):
            raise ArgumentError(f"parameters['{key}']: prior {prior} needs prior_args (mean, sd) with sd > 0")
        out.append(FitParameter(key, low, high, log, prior, (args[0], args[1]) if len(args) == 2 else (0.0, 0.0)))
    keys = [p.key for p in out]
    if len(set(keys)) != len(keys):
        raise ArgumentError(f"parameters: {next(k for k in keys if keys.count(k) > 1)!r} appears twice")
    return out


# ---------------------------------------------------------------------------------------------- results


class CalibrationResult:
    """What :func:`calibrate` found.

    Attributes:
        values: the fitted values by key path (Optuna: the best trial; ABC: the posterior medians).
        loss: the loss at those values (ABC: of the best accepted draw).
        baseline_loss: the loss of the scenario's own values (Optuna, when they lie in the ranges), else ``None``.
        uncertainty: one row per parameter: ``best``, ``low``, ``median``, ``high`` (10, 50, 90 % quantiles),
            ``std`` and ``n`` over the near-best trials (Optuna) or the accepted draws (ABC); ``basis`` says which.
        report: errors by series and period at the fitted values (:func:`migsim.fit_table`).
        comparison: observed and simulated values, row by row, at the fitted values.
        patterns: the stylised facts of ``targets.yaml`` at the fitted values (:func:`migsim.pattern_table`).
        trials: every trial: its values, ``loss``, ``state`` and the error of each target series.
        parameters: the :class:`FitParameter` searched.
        targets: the :class:`migsim.Targets` fitted (with their weights).
        method: ``optuna`` or ``abc``.
        settings: trials, replicates, seeds, scale, until, period, processes, seed.
    """

    def __init__(self, *, scenario: Any, values: dict[str, float], loss: float, baseline_loss: float | None,
                 uncertainty: pandas.DataFrame, comparison: pandas.DataFrame, simulated: pandas.DataFrame,
                 trials: pandas.DataFrame, parameters: list[FitParameter], targets: Targets, method: str,
                 settings: dict[str, Any], created: str) -> None:
        self.scenario = scenario
        self.values = values
        self.loss = loss
        self.baseline_loss = baseline_loss
        self.uncertainty = uncertainty
        self.comparison = comparison
        self.report = fit_table(comparison)
        self.patterns = pattern_table(targets, simulated)
        self.trials = trials
        self.parameters = parameters
        self.targets = targets
        self.method = method
        self.settings = settings
        self.created = created

    def to_scenario(self) -> Scenario:
        """A copy of the scenario with the fitted values set (rounded to 4 significant digits)."""
        sc = migsim.Scenario.load(self.scenario) if isinstance(self.scenario, (str, os.PathLike)) else \
            self.scenario.copy()
        for key, value in self.values.items():
            sc.set(key, _round(value))
        return sc

    def record(self) -> dict[str, Any]:
        """The provenance of the fit (what ``calibration.yaml`` holds): date, method, data and their hashes, loss,
        values with their uncertainty, and the errors by series."""
        uncertainty = self.uncertainty.set_index("parameter")
        previous = _current_values(self.scenario, [p.key for p in self.parameters])
        errors: dict[str, dict[str, dict[str, float]]] = {}
        for row in self.report.itertuples():
            metric = row.mae if math.isnan(row.mape) else row.mape
            errors.setdefault(str(row.series), {})[str(row.period)] = {
                ("mae" if math.isnan(row.mape) else "mape"): _round(float(metric)), "n": int(row.n)}
        return {"calibration": {
            "date": self.created,
            "migsim_version": migsim.__version__,
            "git_commit": str(_core.git_commit()),
            "scenario": str(getattr(self.scenario, "_source", self.scenario)),
            "method": self.method,
            "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.settings.items()},
            "loss": {"definition": "weighted mean over the target series of each series' mean error of the "
                                   "replicates' median (relative |sim-obs|/|obs|, or absolute for shares and "
                                   f"changes), rows of the {self.settings['period']} period",
                     "value": _round(self.loss),
                     "baseline": None if self.baseline_loss is None else _round(self.baseline_loss)},
            "parameters": {p.key: {"value": _round(self.values[p.key]),
                                   "previous": previous.get(p.key),
                                   "low": _round(float(uncertainty.loc[p.key, "low"])),
                                   "high": _round(float(uncertainty.loc[p.key, "high"])),
                                   "range": p.describe()} for p in self.parameters},
            "uncertainty": str(self.uncertainty["basis"].iloc[0]),
            "targets": {name: t.weight for name, t in self.targets.targets.items()},
            "data": {"folder": str(self.targets.folder), "calibration_end": self.targets.calibration_end,
                     "sha256": self.targets.file_hashes()},
            "errors": errors,
            "patterns": {str(r.pattern): bool(r.holds) for r in self.patterns.itertuples()},
        }}

    def save(self, folder: PathLike) -> Path:
        """Writes a new scenario version: a scenario folder (as :meth:`migsim.Scenario.save`) with the fitted values,
        ``calibration.yaml`` (the provenance, :meth:`record`), ``observed/`` (a copy of the data fitted to, so
        ``migsim-validate-fit <folder>`` works), ``fit_report.csv`` and ``trials.csv``. ``folder`` must not exist
        or be empty."""
        yaml = _yaml()
        folder = Path(folder)
        sc = self.to_scenario()
        sc.save(folder)
        (folder / "calibration.yaml").write_text(
            "# Written by migsim.calibrate: how the values in scenario.yaml were fitted (docs/validation.md).\n"
            + yaml.safe_dump(self.record(), sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
        shutil.copytree(self.targets.folder, folder / "observed",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self.report.to_csv(folder / "fit_report.csv", index=False)
        self.trials.to_csv(folder / "trials.csv", index=False)
        scenario_yaml = folder / "scenario.yaml"
        header = (f"# Calibrated by migsim.calibrate ({self.method}) on {self.created[:10]} against observed/; "
                  f"fitted: {', '.join(self.values)}. See calibration.yaml.\n")
        scenario_yaml.write_text(header + scenario_yaml.read_text(encoding="utf-8"), encoding="utf-8")
        migsim.Scenario.load(folder)  # still loads
        return folder

    def draws(self) -> pandas.DataFrame:
        """The parameter sets behind :attr:`uncertainty`, to run ensembles over: ``Ensemble(..., draws=fit)``.

        ABC: the accepted draws, a sample of the approximate posterior (the ``n`` of :attr:`uncertainty`: the
        finite-loss draws with the smallest loss). Optuna: the ``n`` best trials, a spread of near-best values that
        shows how loosely the targets pin the parameters down, **not** a posterior (TPE samples where the loss is
        low, not in proportion to a likelihood).

        Returns:
            One row per set, best first, indexed by ``trial``: a column per fitted key path and ``loss``;
            ``attrs`` says where the sets came from (``source``, ``method``, ``basis``, ``posterior``).
        """
        return _draws_from_trials(self.trials, [p.key for p in self.parameters], self.method,
                                  float(self.settings["top"]), f"{self.method} fit of {_scenario_name(self.scenario)} "
                                  f"({self.created[:10]})")

    def __repr__(self) -> str:
        lines = [f"<migsim.CalibrationResult {self.method}: loss {self.loss:.4g}"
                 + (f" (scenario's own values: {self.baseline_loss:.4g})" if self.baseline_loss is not None else "")
                 + f", {len(self.trials)} trials x {self.settings['replicates']} replicates>"]
        for row in self.uncertainty.itertuples():
            lines.append(f"  {row.parameter} = {_round(self.values[row.parameter])}  "
                         f"[{row.low:.4g}, {row.high:.4g}]")
        return "\n".join(lines)


def _round(value: float, digits: int = 4) -> float:
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(f"{value:.{digits}g}")


def _current_values(scenario: Any, keys: Iterable[str]) -> dict[str, Any]:
    sc = migsim.Scenario.load(scenario) if isinstance(scenario, (str, os.PathLike)) else scenario
    values = {key: sc.get(key) for key in keys}
    for key, value in values.items():
        if value is None and key.startswith("events."):  # an event field left at its default
            default = _event_field_spec(key, sc)["default"]
            try:
                values[key] = float(default)
            except ValueError:
                pass
    return values


# ------------------------------------------------------------------------------------------ parameter draws

# Columns of a fit's trials that are not parameters.
_TRIAL_COLUMNS = ("trial", "loss", "state")


def _scenario_name(scenario: Any) -> str:
    return str(getattr(scenario, "name", None) or scenario)


def _draws_from_trials(trials: pandas.DataFrame, keys: Sequence[str], method: str, top: float,
                       source: str) -> pandas.DataFrame:
    """The sets a fit's uncertainty rests on: the finite-loss trials, best first (ties in trial order, as
    :func:`calibrate` sorts them), as many as :func:`_accepted_count` keeps."""
    loss = pd.to_numeric(trials["loss"], errors="coerce")
    finite = trials[np.isfinite(loss.to_numpy(dtype=float))].sort_values("loss", kind="stable")
    if finite.empty:
        raise ArgumentError(f"draws: {source} has no trial with a finite loss; nothing to draw from")
    kept = finite.head(_accepted_count(method, top, len(finite)))
    table = kept[[*keys, "loss"]].set_index(pd.Index(kept["trial"].astype(int).to_list(), name="trial"))
    if method == "abc":
        basis = (f"approximate posterior (ABC): the {len(table)} of {len(finite)} prior draws with the smallest "
                 f"loss")
    else:
        basis = (f"the {len(table)} best of {len(finite)} Optuna trials: a spread of near-best values, not a "
                 f"posterior")
    table.attrs.update(source=source, method=method, basis=basis, posterior=method == "abc")
    return _checked_draws(table, "draws", source)


def _draws_from_folder(folder: Path) -> pandas.DataFrame:
    """The draws of a fit saved by :meth:`CalibrationResult.save` (``calibration.yaml`` and ``trials.csv``)."""
    if not folder.is_dir():
        raise ArgumentError(f"draws: expected a saved fit folder (calibration.yaml, trials.csv) or a fit, a table "
                            f"or a list of dicts; found {folder}, " + ("a file" if folder.exists() else "which does "
                                                                       "not exist"))
    missing = [name for name in ("calibration.yaml", "trials.csv") if not (folder / name).is_file()]
    if missing:
        raise ArgumentError(f"draws: {folder} has no {' or '.join(missing)}; expected a fit saved by "
                            f"CalibrationResult.save")
    record = _yaml().safe_load((folder / "calibration.yaml").read_text(encoding="utf-8"))
    fit: dict[str, Any] = record.get("calibration") or {} if isinstance(record, dict) else {}
    settings = fit.get("settings") if isinstance(fit, dict) else None
    if not isinstance(settings, dict) or "top" not in settings or fit.get("method") not in _METHODS \
            or not isinstance(fit.get("parameters"), dict):
        raise ArgumentError(f"draws: {folder / 'calibration.yaml'} lacks the method, settings.top or parameters "
                            f"of a fit written by CalibrationResult.save")
    # As text, parsed by float(): the values read back are the very floats the fit ran (to_csv writes their repr),
    # whatever pandas' own float parser does.
    trials = pd.read_csv(folder / "trials.csv", dtype=str, keep_default_na=False)
    keys = list(fit["parameters"])
    absent = [key for key in [*keys, "trial", "loss"] if key not in trials.columns]
    if absent:
        raise ArgumentError(f"draws: {folder / 'trials.csv'} has no column {absent[0]!r}; found "
                            f"{', '.join(map(str, trials.columns))}")
    for column in [*keys, "trial", "loss"]:
        trials[column] = [_csv_number(text, folder / "trials.csv", column) for text in trials[column]]
    return _draws_from_trials(trials, keys, str(fit["method"]), float(settings["top"]),
                              f"{fit['method']} fit saved in {folder} ({str(fit.get('date', ''))[:10]})")


def _csv_number(text: str, path: Path, column: str) -> float:
    if text == "":
        return math.nan  # to_csv writes NaN as nothing
    try:
        return float(text)
    except ValueError:
        raise ArgumentError(f"draws: {path}, column {column!r}: expected numbers, found {text!r}") from None


def _draw_key(key: Any, schema: Mapping[str, Any], what: str) -> str:
    """A parameter's key path (``__`` for dots allowed), checked against the parameter schema; event fields
    (``events.<label>.<field>``) are checked against the scenario when the runs are set up."""
    if not isinstance(key, str) or not key:
        raise ArgumentError(f"{what}: expected key paths such as 'behaviour.departure.base_rate' as columns, found "
                            f"{key!r}")
    path = key.replace("__", ".")
    if path.startswith("events."):
        if len(path.split(".")) != 3 or not all(path.split(".")):
            raise ArgumentError(f"{what}: expected an event field as 'events.<label>.<field>', found {key!r}")
        return path
    if path not in schema:
        hint = difflib.get_close_matches(path, list(schema), n=1)
        raise ArgumentError(f"{what}: unknown key {key!r}" + (f"; did you mean '{hint[0]}'?" if hint else "")
                            + " (expected parameter key paths, 'loss' or 'trial'; see migsim.parameter_reference())")
    return path


def _checked_draws(table: pandas.DataFrame, what: str, source: str) -> pandas.DataFrame:
    """``table`` with its parameter columns checked (known key paths, finite numbers) and renamed to dotted key
    paths, ``loss`` kept; the other columns of a fit's trials (``state``, ``error:*``) dropped."""
    if len(table) == 0:
        raise ArgumentError(f"{what}: no parameter sets in {source}; expected at least one row")
    schema = _schema()
    columns = [c for c in table.columns if c not in _TRIAL_COLUMNS and not str(c).startswith("error:")]
    if not columns:
        raise ArgumentError(f"{what}: {source} has no parameter columns; found {', '.join(map(str, table.columns))}")
    keys = [_draw_key(c, schema, what) for c in columns]
    if len(set(keys)) != len(keys):
        raise ArgumentError(f"{what}: {next(k for k in keys if keys.count(k) > 1)!r} appears twice")
    out = table[columns].copy()
    out.columns = keys
    for key in keys:
        column = out[key]
        if column.dtype == bool or not pd.api.types.is_numeric_dtype(column):
            bad = next((v for v in column if isinstance(v, bool) or not isinstance(v, numbers.Real)), column.iloc[0])
            raise ArgumentError(f"{what}[{key!r}]: expected numbers, found {bad!r} ({type(bad).__name__})")
        values = column.to_numpy(dtype=float)
        if not np.isfinite(values).all():
            row = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ArgumentError(f"{what}[{key!r}]: expected finite numbers, found {float(values[row])!r} in set {row}")
    if "loss" in table.columns:
        out["loss"] = pd.to_numeric(table["loss"], errors="coerce")
    out.attrs = dict(table.attrs)
    out.attrs.setdefault("source", source)
    return out


def parameter_draws(source: DrawsLike) -> pandas.DataFrame:
    """Parameter sets to run an ensemble over, one row per set: what ``Ensemble(..., draws=source)`` and
    ``compare(..., draws=source)`` draw the runs' values from.

    Args:
        source: a :class:`CalibrationResult` (its :meth:`~CalibrationResult.draws`: the accepted ABC draws, the
            approximate posterior, or Optuna's best trials, a spread of near-best values and not a posterior);
            the folder of a fit saved by :meth:`CalibrationResult.save` (its ``calibration.yaml`` and
            ``trials.csv``; the same sets as the fit's own); a ``pandas.DataFrame`` with one column per key path
            (``loss``, ``trial``, ``state`` and ``error:*`` columns are not parameters); or a list of dicts of key
            path to value. Event fields are written ``events.<label>.<field>``.

    Returns:
        A DataFrame with one column per key path (dotted) and ``loss`` when known; ``attrs["source"]`` says where
        the sets came from (with ``method``, ``basis`` and ``posterior`` for a fit).

    Raises:
        migsim.ArgumentError: no sets, an unknown key path (with a "did you mean"), a value that is not a finite
            number, sets with different keys, a folder without ``calibration.yaml`` or ``trials.csv``, or a source
            of another type.
    """
    if isinstance(source, CalibrationResult):
        return source.draws()
    if isinstance(source, (str, os.PathLike)):
        return _draws_from_folder(Path(os.fspath(source)))
    if isinstance(source, pd.DataFrame):
        return _checked_draws(source, "draws", f"a table of {len(source)} rows")
    if isinstance(source, Mapping) or not isinstance(source, Sequence):
        raise ArgumentError(f"draws: expected a fit, a saved fit folder, a DataFrame or a list of dicts of key path "
                            f"to value, found {type(source).__name__}"
                            + ("; for one set write [{...}]" if isinstance(source, Mapping) else ""))
    sets = list(source)
    for index, item in enumerate(sets):
        if not isinstance(item, Mapping):
            raise ArgumentError(f"draws[{index}]: expected a dict of key path to value, found {item!r}")
        if set(item) != set(sets[0]):
            raise ArgumentError(f"draws[{index}]: keys {sorted(map(str, item))} differ from those of draws[0] "
                                f"({sorted(map(str, sets[0]))}); every set must give the same parameters")
        for key, value in item.items():
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ArgumentError(f"draws[{index}][{key!r}]: expected a number, found {value!r}")
    return _checked_draws(pd.DataFrame(sets), "draws", f"a list of {len(sets)} parameter sets")


# ---------------------------------------------------------------------------------------------- calibrate


def _check_targets(scenario: ScenarioLike, targets: Any, observed: PathLike | None) -> Targets:
    if isinstance(targets, Targets):
        return targets.select(None)
    all_targets = load_targets(scenario, observed)
    return all_targets.select(targets)


@takes_settings("scale", "processes", "until", "quiet")
def calibrate(
    scenario: ScenarioLike = "kyrgyzstan",
    targets: Sequence[str] | Mapping[str, float] | Targets | None = None,
    parameters: ParameterSpec | None = None,
    *,
    n_trials: int = 50,
    replicates: int = 3,
    scale: int | None = None,
    processes: int | None = None,
    seed: int = 0,
    until: str | datetime.date | None = None,
    method: str = "optuna",
    observed: PathLike | None = None,
    top: float = 0.1,
    quiet: bool = False,
    settings: RunSettings | None = None,
) -> CalibrationResult:
    """Fits parameters of a scenario to its observed series.

    Args:
        scenario: a built-in name, a scenario folder or a :class:`migsim.Scenario` (the values not fitted are its
            own).
        targets: the observed series to fit: names (weights from ``targets.yaml``, 1 where that gives 0), a mapping
            of name to weight, a :class:`migsim.Targets`, or ``None`` for the series weighted in ``targets.yaml``.
        parameters: the parameters to fit (see :func:`fit_parameters`): key paths take the schema's range, scale
            and prior; event fields (``{"events.<label>.<field>": (low, high)}``) need a range. Required.
        n_trials: candidates evaluated (Optuna trials, or ABC draws from the prior).
        replicates: seeds run per candidate (the same seeds for every candidate; the median is compared).
        scale: people per agent of every run (default: the scenario's ``run.scale``, as for :func:`migsim.run`;
            larger is faster and noisier).
        processes: worker processes (default: every available core; 1 runs in this process).
        seed: seeds the sampler and the replicates' seeds.
        until: last simulated date (default: ``calibration_end`` of ``targets.yaml``, or the scenario's end if
            earlier): later observations cannot enter the loss anyway.
        method: ``"optuna"`` (TPE) or ``"abc"`` (rejection ABC from the priors).
        observed: a folder with ``targets.yaml`` and the series (default: the scenario's ``observed/``).
        top: the fraction of trials that gives the uncertainty (Optuna) or the ABC acceptance rate.
        quiet: no progress bar.
        settings: the run settings as one :class:`migsim.RunSettings` (scale, until, processes, quiet, and
            threads per run, default 1; its ``seed`` is not used: the replicates' seeds derive from ``seed``); the
            keyword arguments given override its fields.

    Returns:
        A :class:`CalibrationResult`.

    Raises:
        migsim.ArgumentError: unknown series or parameter key, a range outside the schema's bounds, bad options;
            ``ImportError`` if Optuna is missing (``pip install 'migsim[calibration]'``).
        migsim.MigsimError: when every candidate run failed.
    """
    if method not in _METHODS:
        hint = difflib.get_close_matches(str(method), _METHODS, n=1)
        raise ArgumentError(f"method: expected one of {', '.join(_METHODS)}, found {method!r}"
                            + (f"; did you mean {hint[0]!r}?" if hint else ""))
    if parameters is None:
        raise ArgumentError("parameters: name the parameters to fit, e.g. ['behaviour.departure.base_rate'] "
                            "(the schema gives their ranges; see migsim.parameter_reference())")
    options = for_parallel_runs(settings if settings is not None else RunSettings(), "calibrate")
    base = migsim.Scenario.load(scenario) if isinstance(scenario, (str, os.PathLike)) else scenario.copy()
    space = fit_parameters(parameters, base)
    n_trials = _check_int("n_trials", n_trials, 2, None)
    replicates = check_replicates(replicates)
    seed = _check_int("seed", seed, 0, 2**63 - 1)
    if not (isinstance(top, (int, float)) and 0 < top <= 1):
        raise ArgumentError(f"top: expected a fraction in (0, 1], found {top!r}")
    fitted_targets = _check_targets(base, targets, observed)
    # Every run at the same scale (the scenario's own unless given) and to the same date.
    runs = options.replace(scale=options.scale if options.scale is not None else int(base.get("run.scale")),
                           until=_until(options.until, fitted_targets.calibration_end, base.end))
    seeds = derive_seeds(seed, replicates)
    created = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    fit_settings: dict[str, Any] = {"n_trials": n_trials, "replicates": replicates, "seeds": seeds,
                                    "scale": runs.scale, "until": runs.until, "period": "calibration", "seed": seed,
                                    "top": top}
    evaluator = _Evaluator(base, fitted_targets, seeds, runs)
    with WorkerPool(runs.processes, runs.threads or 1) as pool:
        fit_settings["processes"] = pool.processes
        evaluator.pool = pool
        with progress_bar(total=n_trials, desc=f"calibrate {base.name}", unit="trial", disable=runs.quiet) as bar:
            if method == "optuna":
                records, baseline = _run_optuna(evaluator, space, n_trials, seed, pool.processes, bar.update)
            else:
                records, baseline = _run_abc(evaluator, space, n_trials, seed, bar.update), None
    done = [r for r in records if math.isfinite(r["loss"])]
    if not done:
        errors = [r.get("error", "") for r in records]
        raise MigsimError(f"calibrate: every candidate failed; the first error: {errors[0] if errors else '?'}")
    done.sort(key=lambda r: r["loss"])
    keep = done[:_accepted_count(method, top, len(done))]
    table = np.array([[r["values"][p.key] for p in space] for r in keep])
    best = done[0]
    if method == "optuna":
        values = dict(best["values"])
        basis = (f"spread of the values over the best {len(keep)} of {len(done)} trials (top {top:.0%}); "
                 f"not a posterior")
        chosen = best
    else:
        values = {p.key: float(np.median(table[:, i])) for i, p in enumerate(space)}
        basis = f"approximate posterior: the {len(keep)} of {len(done)} prior draws with the smallest loss (ABC)"
        chosen = best
    uncertainty = pd.DataFrame([{
        "parameter": p.key, "best": best["values"][p.key], "low": float(np.quantile(table[:, i], 0.1)),
        "median": float(np.median(table[:, i])), "high": float(np.quantile(table[:, i], 0.9)),
        "std": float(np.std(table[:, i], ddof=1)) if len(keep) > 1 else math.nan, "n": len(keep), "basis": basis,
    } for i, p in enumerate(space)])
    if method == "abc":
        # The report is for the posterior medians: run them once more with the same seeds.
        with WorkerPool(runs.processes, runs.threads or 1) as pool:
            evaluator.pool = pool
            chosen = evaluator.evaluate([values])[0]
    loss = chosen["loss"] if method == "abc" else best["loss"]
    trials = pd.DataFrame([{"trial": r["trial"], **{p.key: r["values"][p.key] for p in space}, "loss": r["loss"],
                            "state": r["state"], **{f"error:{k}": v for k, v in r.get("errors", {}).items()}}
                           for r in records])
    return CalibrationResult(scenario=base, values=values, loss=loss, baseline_loss=baseline,
                             uncertainty=uncertainty, comparison=chosen["comparison"], simulated=chosen["simulated"],
                             trials=trials, parameters=space, targets=fitted_targets, method=method,
                             settings=fit_settings, created=created)


def _accepted_count(method: str, top: float, finite: int) -> int:
    """How many of the ``finite`` completed trials, best first, give the uncertainty (ABC: the accepted draws):
    the ``top`` fraction, at least 3 (Optuna) or 2 (ABC) for a spread."""
    if finite <= 1:
        return finite
    return min(finite, max(2 if method == "abc" else 3, math.ceil(top * finite)))


def _until(until: str | None, calibration_end: str, scenario_end: str) -> str:
    """The last date simulated: ``until`` if given (checked by RunSettings), else the end of the calibration period
    or the scenario's end if that is earlier (later observations cannot enter the loss)."""
    return until if until is not None else min(calibration_end, scenario_end)


class _Evaluator:
    """Runs candidates (replicates each) and scores them against the targets."""

    def __init__(self, scenario: Any, targets: Targets, seeds: list[int], settings: RunSettings) -> None:
        self.scenario, self.targets, self.seeds, self.settings = scenario, targets, seeds, settings
        self.pool: WorkerPool | None = None
        self.count = 0
        self._rows: pandas.DataFrame | None = None

    def rows(self) -> pandas.DataFrame:
        """The observation rows (series, date, region, observed), in the order of the simulated values."""
        if self._rows is None:
            rows = []
            for name, target in self.targets.targets.items():
                frame = self.targets.frame(name)
                for i in range(len(frame)):
                    rows.append({"series": name, "date": frame["date"].iloc[i],
                                 "region": frame[target.by[1]].iloc[i] if target.by else "",
                                 "observed": frame["value"].iloc[i]})
            self._rows = pd.DataFrame(rows)
        return self._rows

    def evaluate(self, candidates: Sequence[Mapping[str, float]]) -> list[dict[str, Any]]:
        assert self.pool is not None
        specs = [RunSpec(self.scenario, dict(values), seed, self.settings, targets=self.targets)
                 for values in candidates for seed in self.seeds]
        outputs = self.pool.map(specs, on_error="keep")
        records = []
        k = len(self.seeds)
        for index, values in enumerate(candidates):
            self.count += 1
            chunk = outputs[index * k:(index + 1) * k]
            failure = next((o for o in chunk if isinstance(o, BaseException)), None)
            record: dict[str, Any] = {"trial": self.count - 1, "values": dict(values)}
            if failure is not None:
                record.update(loss=math.inf, state="failed", error=str(failure))
                records.append(record)
                continue
            simulated = self.rows().copy()
            for r, column in enumerate(chunk):
                simulated[r] = column
            comparison = self.targets.compare(simulated)
            errors = series_errors(comparison)
            loss = self.targets.loss(comparison)
            record.update(loss=loss, state="complete" if math.isfinite(loss) else "no data", errors=errors,
                          comparison=comparison, simulated=simulated)
            records.append(record)
        return records


def _run_optuna(evaluator: _Evaluator, space: list[FitParameter], n_trials: int, seed: int, processes: int,
                advance: Any) -> tuple[list[dict[str, Any]], float | None]:
    try:
        import optuna
    except ImportError as error:
        raise ImportError("migsim.calibrate(method='optuna') needs Optuna: pip install 'migsim[calibration]'") \
            from error
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed % 2**32, multivariate=True, constant_liar=True,
                                         n_startup_trials=min(10, max(2, n_trials // 3)))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    distributions: dict[str, optuna.distributions.BaseDistribution] = {
        p.key: optuna.distributions.FloatDistribution(p.low, p.high, log=p.log) for p in space}
    current = _current_values(evaluator.scenario, [p.key for p in space])
    baseline_in_range = all(isinstance(current[p.key], (int, float)) and p.low <= current[p.key] <= p.high
                            for p in space)
    if baseline_in_range:
        study.enqueue_trial({p.key: float(current[p.key]) for p in space})
    batch = max(1, processes // len(evaluator.seeds))
    records: list[dict[str, Any]] = []
    baseline: float | None = None
    while len(records) < n_trials:
        trials = [study.ask(distributions) for _ in range(min(batch, n_trials - len(records)))]
        results = evaluator.evaluate([trial.params for trial in trials])
        for trial, record in zip(trials, results):
            if math.isfinite(record["loss"]):
                study.tell(trial, record["loss"])
            else:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            if baseline_in_range and record["trial"] == 0:
                baseline = record["loss"]
            records.append(record)
            advance(1)
    return records, baseline


def _run_abc(evaluator: _Evaluator, space: list[FitParameter], n_trials: int, seed: int,
             advance: Any) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    draws = {p.key: p.sample_prior(rng, n_trials) for p in space}
    candidates = [{p.key: float(draws[p.key][i]) for p in space} for i in range(n_trials)]
    records: list[dict[str, Any]] = []
    assert evaluator.pool is not None
    batch = max(1, evaluator.pool.processes * 4 // len(evaluator.seeds))
    for start in range(0, n_trials, batch):
        chunk = evaluator.evaluate(candidates[start:start + batch])
        records += chunk
        advance(len(chunk))
    return records
