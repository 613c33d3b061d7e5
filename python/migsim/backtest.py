"""Rolling-origin backtests: fit with the data up to a year Y, forecast Y+1 to Y+3 without refitting, for several Y.

Two steps, because fitting is slow and forecasting is not:

1. **Refit** (a documented command, not part of the test suite)::

       python -m migsim.backtest refit scenarios/kyrgyzstan            # writes observed/backtests.yaml

   For each origin Y it refits the parameters of the scenario's fit of record (``calibration.yaml``: the same keys,
   ranges and priors) to the weighted series of ``targets.yaml`` with ``calibration_end`` moved to 31 December Y,
   running only to 1 January Y+1, so no observation after the origin enters the fit. The fitted values of every
   origin are recorded in ``observed/backtests.yaml`` with the settings and the hashes of the data.

2. **Forecast and score** (part of ``migsim-validate-fit``, or :func:`backtest`): for each recorded origin, an
   ensemble of the scenario with that origin's values runs to the end of Y+3 (or ``through``) and every observation
   dated in Y+1..Y+3 of every compared series (weighted or not; not the rows used to build the inputs, nor excluded
   rows) is compared with the simulated median. The errors are grouped by horizon
   h = year of the observation - Y and set against a persistence forecast (the series' last observation on or
   before the origin), the usual yardstick of forecast skill: skill = 1 - model error / persistence error.

The forecasts are conditional on the scenario's inputs (wages, exchange rates, the dated policy events), which are
taken as known: the backtest measures the model's behaviour, not the forecasting of its drivers.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence, Union

import migsim

from ._core import ArgumentError, MigsimError, ScenarioError
from ._files import write_atomically
from ._lazy import LazyModule
from .observed import Targets, _yaml, load_targets, observed_folder

if TYPE_CHECKING:
    import pandas

    from .scenario import Scenario

np: Any = LazyModule("numpy")
pd: Any = LazyModule("pandas")

__all__ = ["DEFAULT_ORIGINS", "HORIZONS", "backtest", "fit_of_record", "main", "refit", "skill_table"]

ScenarioLike = Union[str, "os.PathLike[str]", "Scenario"]

DEFAULT_ORIGINS = (2013, 2014, 2015, 2016)
"""Origins whose three forecast years end by 2019 (the 2020 crisis parameters were set from 2020 figures, so a
window reaching 2020 would not be out of sample) and that have a stock in Russia to fit (the first is 2013-10-18;
before it only the remittances of 2010 are weighted)."""
HORIZONS = (1, 2, 3)
BACKTESTS_FILE = "backtests.yaml"

_RANGE = re.compile(r"^\[(?P<low>[^,\]]+),\s*(?P<high>[^\]]+)\](?P<log>\s+log)?(?:,\s*(?P<prior>[a-z]+)"
                    r"(?:\((?P<args>[^)]*)\))?)?$")


def _scenario_folder(scenario: ScenarioLike) -> Path:
    """The folder beside ``observed/``: where ``calibration.yaml`` lives."""
    return observed_folder(scenario).parent


def fit_of_record(scenario: ScenarioLike = "scenarios/kyrgyzstan") -> dict[str, dict[str, Any]]:
    """The parameters of a scenario's fit of record (``calibration.yaml``) as :func:`migsim.calibrate` takes them:
    key path -> ``{"low", "high", "log", "prior"[, "prior_args"]}``, parsed from each parameter's ``range`` text
    (``'[0.2, 1] log, loguniform'``, ``'[0.45, 0.85], normal(0.6, 0.15)'``)."""
    path = _scenario_folder(scenario) / "calibration.yaml"
    if not path.is_file():
        raise ArgumentError(f"scenario: no calibration.yaml beside {observed_folder(scenario)}; a backtest refits "
                            f"the parameters of a fit of record (write one with CalibrationResult.save)")
    record = _yaml().safe_load(path.read_text(encoding="utf-8"))
    try:
        parameters = record["calibration"]["parameters"]
    except (KeyError, TypeError):
        raise ScenarioError(f"{path}: expected calibration.parameters (written by migsim.calibrate)") from None
    spec: dict[str, dict[str, Any]] = {}
    for key, entry in parameters.items():
        text = str(entry.get("range", "")) if isinstance(entry, Mapping) else ""
        match = _RANGE.match(text.strip())
        if match is None:
            raise ScenarioError(f"{path}: calibration.parameters.{key}.range: expected '[low, high][ log][, prior]', "
                                f"found {text!r}")
        item: dict[str, Any] = {"low": float(match["low"]), "high": float(match["high"]), "log": bool(match["log"])}
        if match["prior"]:
            item["prior"] = match["prior"]
        if match["args"]:
            item["prior_args"] = tuple(float(a) for a in match["args"].split(","))
        spec[str(key)] = item
    return spec


def _targets_to(targets: Targets, origin: int) -> Targets:
    """The weighted series with at least one usable observation on or before 31 December ``origin``, with the
    calibration period ending there."""
    end = f"{origin}-12-31"
    usable = {}
    for name, weight in targets.weights.items():
        frame = targets.frame(name)
        target = targets[name]
        if any(d <= end and not target.exclude.get(d) for d in frame["date"]):
            usable[name] = weight
    chosen = targets.select(usable)
    chosen.calibration_end = end
    return chosen


def refit(
    scenario: ScenarioLike = "scenarios/kyrgyzstan",
    origins: Sequence[int] = DEFAULT_ORIGINS,
    *,
    n_trials: int = 120,
    replicates: int = 2,
    scale: int = 150,
    processes: int | None = None,
    seed: int = 0,
    output: str | os.PathLike[str] | None = None,
    quiet: bool = False,
) -> Path:
    """Refits the fit of record's parameters once per origin with the data up to that origin (see the module's
    text) and writes ``backtests.yaml`` (default: into the scenario's ``observed/``). Returns its path."""
    origins = _check_origins(origins)
    parameters = fit_of_record(scenario)
    targets = load_targets(scenario)
    fits: dict[str, Any] = {}
    for origin in origins:
        chosen = _targets_to(targets, origin)
        fit = migsim.calibrate(scenario, targets=chosen, parameters=parameters, n_trials=n_trials,
                               replicates=replicates, scale=scale, processes=processes, seed=seed,
                               until=f"{origin + 1}-01-01", quiet=quiet)
        near_best = fit.draws()
        fits[str(origin)] = {"calibration_end": chosen.calibration_end,
                             "targets": {n: t.weight for n, t in chosen.targets.items()},
                             "loss": _round(fit.loss),
                             "values": {k: _round(v) for k, v in fit.values.items()},
                             # The best trials (top 10 %): the forecast bands run over them, so that they show
                             # what the data up to the origin leave unknown, not chance alone.
                             "draws": [{k: _round(float(row[k])) for k in fit.values} for _, row in
                                       near_best.iterrows()]}
        if not quiet:
            print(f"origin {origin}: loss {fit.loss:.4f}", file=sys.stderr)
    record = {"backtests": {
        "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "migsim_version": migsim.__version__,
        "git_commit": str(migsim._core.git_commit()),
        "scenario": str(getattr(scenario, "_source", scenario)),
        "command": f"python -m migsim.backtest refit {getattr(scenario, '_source', scenario)} --origins "
                   f"{','.join(map(str, origins))} --trials {n_trials} --replicates {replicates} --scale {scale} "
                   f"--seed {seed}",
        "settings": {"n_trials": n_trials, "replicates": replicates, "scale": scale, "seed": seed, "method": "optuna"},
        "parameters": {k: {kk: (list(vv) if isinstance(vv, tuple) else vv) for kk, vv in v.items()}
                       for k, v in parameters.items()},
        "data_sha256": targets.select(None).file_hashes(),
        "origins": fits,
    }}
    path = Path(output) if output is not None else observed_folder(scenario) / BACKTESTS_FILE
    text = ("# Written by `python -m migsim.backtest refit` (docs/validation.md, \"Rolling-origin backtests\"): the\n"
            "# fit of record's parameters refitted with the data up to each origin; migsim-validate-fit forecasts\n"
            "# from these values and scores the forecasts by horizon.\n"
            + _yaml().safe_dump(record, sort_keys=False, allow_unicode=True, width=110))
    write_atomically(lambda temporary: temporary.write_text(text, encoding="utf-8"), path)
    return path


def _round(value: float, digits: int = 4) -> float:
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(f"{value:.{digits}g}")


def _check_origins(origins: Sequence[int]) -> list[int]:
    try:
        checked = sorted({int(o) for o in origins})
    except (TypeError, ValueError):
        raise ArgumentError(f"origins: expected years, found {origins!r}") from None
    if not checked or any(o < 1900 or o > 2200 for o in checked):
        raise ArgumentError(f"origins: expected one or more years, found {origins!r}")
    return checked


def load_backtests(scenario: ScenarioLike, path: str | os.PathLike[str] | None = None) -> dict[int, dict[str, Any]]:
    """The recorded refits: origin -> ``{"values": {...}, "calibration_end": ..., "targets": {...}, "loss": ...,
    "draws": [{...}, ...]}`` (``draws``: the refit's best trials, empty in records without them); empty if the
    scenario has no ``backtests.yaml``."""
    file = Path(path) if path is not None else observed_folder(scenario) / BACKTESTS_FILE
    if not file.is_file():
        if path is not None:
            raise ArgumentError(f"backtests: no file {file}")
        return {}
    raw = _yaml().safe_load(file.read_text(encoding="utf-8"))
    try:
        origins = raw["backtests"]["origins"]
        return {int(y): {"values": {str(k): float(v) for k, v in o["values"].items()},
                         "calibration_end": str(o["calibration_end"]), "targets": dict(o["targets"]),
                         "loss": float(o["loss"]),
                         "draws": [{str(k): float(v) for k, v in d.items()} for d in o.get("draws") or []]}
                for y, o in origins.items()}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ScenarioError(f"{file}: expected backtests.origins.<year>.values/calibration_end/targets as written "
                            f"by `python -m migsim.backtest refit` ({error})") from None


def _persistence(targets: Targets, series: str, region: str, origin_end: str) -> float:
    """The series' last observation on or before the origin (in the same region), NaN if none."""
    frame = targets.frame(series)
    target = targets[series]
    if target.by:
        frame = frame[frame[target.by[1]] == region]
    before = frame[(frame["date"] <= origin_end) & ~frame["date"].map(lambda d: bool(target.exclude.get(d)))]
    return float(before.sort_values("date")["value"].iloc[-1]) if len(before) else math.nan


def _error(observed: float, forecast: float, kind: str) -> float:
    if not (math.isfinite(forecast) and math.isfinite(observed)):
        return math.nan
    if kind == "absolute":
        return abs(forecast - observed)
    return abs(forecast - observed) / abs(observed) if observed != 0 else math.nan


def backtest(
    scenario: ScenarioLike = "kyrgyzstan",
    *,
    seeds: int = 10,
    scale: int = 100,
    through: str | None = None,
    backtests: str | os.PathLike[str] | None = None,
    processes: int | None = None,
    master_seed: int = 0,
    quiet: bool = False,
    with_draws: bool = True,
) -> pandas.DataFrame:
    """Forecasts from every recorded origin and returns one row per scored observation: ``origin, horizon, series,
    date, region, observed, forecast`` (median over the seeds), ``low, high`` (10-90 %), ``persistence``,
    ``error, persistence_error`` and ``error_kind``. Every compared series is scored, the rows used to build the
    inputs (``circular``) and excluded rows aside; observations after ``through`` (default: the targets'
    ``calibration_end``) are not. With ``with_draws`` (the default) and recorded draws, each seed runs one of the
    refit's best trials, so ``low`` and ``high`` include parameter uncertainty; without, every seed runs the
    best values. Empty if the scenario has no recorded refits."""
    fits = load_backtests(scenario, backtests)
    targets = load_targets(scenario)
    through = through or targets.calibration_end
    scored = targets.select([n for n, t in targets.targets.items() if t.compare])
    base = migsim.Scenario.load(scenario) if isinstance(scenario, (str, os.PathLike)) else scenario.copy()
    rows: list[dict[str, Any]] = []
    for origin, fit in sorted(fits.items()):
        last = min(f"{origin + max(HORIZONS)}-12-31", through)
        sc = base.copy()
        for key, value in fit["values"].items():
            sc.set(key, value)
        until = (datetime.date.fromisoformat(last) + datetime.timedelta(days=1)).isoformat()
        # With the refit's best trials recorded, every seed runs one of them (migsim.Ensemble draws=), so the
        # band holds what the data up to the origin leave unknown as well as chance; the median is then over
        # them too.
        draws = fit["draws"] if with_draws and fit["draws"] else None
        ds = migsim.Ensemble(sc, seeds=seeds, scale=scale, until=until, processes=processes, master_seed=master_seed,
                             quiet=quiet, draws=draws,
                             variables=sorted({t.variable for t in scored.targets.values() if t.variable})).run()
        comparison = scored.compare(ds)
        origin_end = f"{origin}-12-31"
        ahead = comparison[(comparison["date"] > origin_end) & (comparison["date"] <= last)
                           & (comparison["excluded"] == "") & ~comparison["circular"].astype(bool)]
        for row in ahead.itertuples():
            naive = _persistence(scored, str(row.series), str(row.region), origin_end)
            rows.append({"origin": origin, "horizon": int(str(row.date)[:4]) - origin, "series": row.series,
                         "date": row.date, "region": row.region, "observed": row.observed, "forecast": row.simulated,
                         "low": row.low, "high": row.high, "persistence": naive,
                         "error": _error(row.observed, row.simulated, row.error_kind),
                         "persistence_error": _error(row.observed, naive, row.error_kind),
                         "error_kind": row.error_kind})
    return pd.DataFrame(rows, columns=["origin", "horizon", "series", "date", "region", "observed", "forecast", "low",
                                       "high", "persistence", "error", "persistence_error", "error_kind"])


def skill_table(scores: pandas.DataFrame) -> pandas.DataFrame:
    """Errors by series and horizon, and over all series by horizon: ``n``, the model's mean error (MAPE for
    levels, MAE for shares and changes), the persistence forecast's, ``skill`` = 1 - model / persistence (above 0:
    better than persistence), and ``in_band`` (share of observations inside the 10-90 % band). Rows whose
    persistence forecast is missing (no observation before the origin) are left out of both."""
    columns = ["series", "horizon", "metric", "n", "model", "persistence", "skill", "in_band"]
    usable = scores[scores["error"].notna() & scores["persistence_error"].notna()]
    if usable.empty:
        return pd.DataFrame(columns=columns)
    out = []
    for (series, horizon), group in usable.groupby(["series", "horizon"], sort=True):
        out.append(_skill_row(str(series), int(horizon), group))
    for horizon, group in usable.groupby("horizon", sort=True):
        # Each series counts once, as in the fit table's "all series" rows.
        per_series = [_skill_row("", int(horizon), g) for _, g in group.groupby("series")]
        model = float(np.mean([r["model"] for r in per_series]))
        naive = float(np.mean([r["persistence"] for r in per_series]))
        out.append({"series": "all series", "horizon": int(horizon), "metric": "mean of the series' errors",
                    "n": int(len(group)), "model": model, "persistence": naive,
                    "skill": 1 - model / naive if naive > 0 else math.nan,
                    "in_band": float(np.mean([r["in_band"] for r in per_series]))})
    return pd.DataFrame(out, columns=columns)


def _skill_row(series: str, horizon: int, group: pandas.DataFrame) -> dict[str, Any]:
    model = float(group["error"].mean())
    naive = float(group["persistence_error"].mean())
    inside = ((group["observed"] >= group["low"]) & (group["observed"] <= group["high"])).mean()
    return {"series": series, "horizon": horizon,
            "metric": "MAE" if (group["error_kind"] == "absolute").all() else "MAPE", "n": int(len(group)),
            "model": model, "persistence": naive, "skill": 1 - model / naive if naive > 0 else math.nan,
            "in_band": float(inside)}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m migsim.backtest refit|score``; returns the exit code (2 for bad input)."""
    parser = argparse.ArgumentParser(prog="python -m migsim.backtest", description="Rolling-origin backtests: "
                                     "refit with the data up to each origin, forecast three years, score by horizon.")
    sub = parser.add_subparsers(dest="command", required=True)
    fit = sub.add_parser("refit", help="refit the fit of record once per origin; writes observed/backtests.yaml")
    fit.add_argument("scenario", nargs="?", default="scenarios/kyrgyzstan", help="a scenario folder (default "
                     "scenarios/kyrgyzstan): the record is written into its observed/")
    fit.add_argument("--origins", default=",".join(map(str, DEFAULT_ORIGINS)), help="comma-separated years")
    fit.add_argument("--trials", type=int, default=120, help="Optuna trials per origin (default 120)")
    fit.add_argument("--replicates", type=int, default=2, help="seeds per trial (default 2)")
    fit.add_argument("--scale", type=int, default=150, help="people per agent (default 150, as the fit of record)")
    fit.add_argument("--processes", type=int, help="worker processes (default: every core)")
    fit.add_argument("--seed", type=int, default=0, help="seed of the sampler and the replicates (default 0)")
    fit.add_argument("-o", "--output", help="the file written (default: <scenario>/observed/backtests.yaml)")
    fit.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    score = sub.add_parser("score", help="forecast from the recorded refits and print the skill by horizon")
    score.add_argument("scenario", nargs="?", default="kyrgyzstan")
    score.add_argument("--seeds", type=int, default=10)
    score.add_argument("--scale", type=int, default=100)
    score.add_argument("--processes", type=int)
    score.add_argument("--no-draws", action="store_true", help="every seed runs the refit's best values, not one "
                       "of its best trials (bands of chance only)")
    score.add_argument("-o", "--output", help="write the scored rows to this CSV file")
    score.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "refit":
            origins = [o for o in args.origins.split(",") if o.strip()]
            path = refit(args.scenario, origins=[int(o) if o.strip().isdigit() else o for o in origins],
                         n_trials=args.trials, replicates=args.replicates, scale=args.scale,
                         processes=args.processes, seed=args.seed, output=args.output, quiet=args.quiet)
            print(f"wrote {path}")
        else:
            scores = backtest(args.scenario, seeds=args.seeds, scale=args.scale, processes=args.processes,
                              quiet=args.quiet, with_draws=not args.no_draws)
            if scores.empty:
                raise ArgumentError(f"scenario: no {BACKTESTS_FILE} in {observed_folder(args.scenario)}; run "
                                    f"`python -m migsim.backtest refit` first")
            if args.output:
                scores.to_csv(args.output, index=False)
            print(skill_table(scores).to_string(index=False))
    except (ArgumentError, ScenarioError) as error:
        print(f"migsim.backtest: error: {error}", file=sys.stderr)
        return 2
    except MigsimError as error:
        print(f"migsim.backtest: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
