"""The validation report: an ensemble of a scenario against its observed series, as figures and tables.

From the shell (``migsim-validate-fit`` is installed with the package; ``python -m migsim.validate`` is the same)::

    migsim-validate-fit                                   # kyrgyzstan, 10 seeds, scale 100 -> out/validate-fit/kyrgyzstan
    migsim-validate-fit kyrgyzstan --seeds 20 --scale 10 -o out/validate-full
    migsim-validate-fit my-calibrated-scenario/ --series stock_russia,remittances

From Python::

    report = migsim.validate_fit("kyrgyzstan", seeds=10, scale=100, output="out/validate-fit")
    report.table        # MAPE / ARD by series and period
    report.patterns     # the stylised facts, reproduced or not

It writes, into the output folder: one PNG per compared series (the simulated median and 10-90 % band over the
seeds, the observed points, the calibration and validation periods), ``fit_table.csv`` and ``fit_table.md`` (errors
by series and period), ``patterns.csv``, ``comparison.csv`` (every observation with its simulated median and band)
``crisis_2020.csv`` and ``crisis_2020_observed.csv`` (2020 month by month), ``backtest.csv`` and
``backtest_skill.csv`` (rolling-origin backtests, when ``observed/backtests.yaml`` records refits: see
:mod:`migsim.backtest`), ``README.md`` (the command, the settings and the tables) and ``report.json`` (the
settings and the re-opening line, read by :mod:`migsim.validation_doc`). Exit codes: 0 done, 2 bad input (the message names
the argument, series or file), 1 any other failure.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence, Union

import migsim

from ._core import ArgumentError, MigsimError
from ._lazy import LazyModule
from . import periods
from .observed import Target, Targets, _period_start, _simulate_target, fit_table, load_targets, pattern_table

if TYPE_CHECKING:
    import pandas
    import xarray

    from .scenario import Scenario

np: Any = LazyModule("numpy")
pd: Any = LazyModule("pandas")

__all__ = ["ValidationReport", "crisis_table", "main", "markdown_table", "monthly_values", "observations_in_year", "plot_positions",
           "reopening_peak", "validate_fit"]

ScenarioLike = Union[str, "os.PathLike[str]", "Scenario"]


class ValidationReport:
    """What :func:`validate_fit` wrote.

    Attributes:
        folder: the output folder.
        table: errors by series and period (:func:`migsim.fit_table`).
        independent: the same without the rows used to build the inputs.
        patterns: the stylised facts (:func:`migsim.pattern_table`).
        comparison: every observation with the simulated median and band.
        figures: the PNG written for each series.
        settings: scenario, seeds, scale, until, master seed.
        backtests: the forecast skill by series and horizon (:func:`migsim.backtest.skill_table`), or ``None``
            without recorded refits.
        reopening: the largest step of returns after the crisis year's re-opening against the median step of the
            year before (:func:`reopening_peak`), or ``None``.
    """

    def __init__(self, folder: Path, table: pandas.DataFrame, independent: pandas.DataFrame,
                 patterns: pandas.DataFrame, comparison: pandas.DataFrame, figures: dict[str, Path],
                 settings: dict[str, Any], backtests: pandas.DataFrame | None = None) -> None:
        self.folder, self.table, self.independent, self.patterns = folder, table, independent, patterns
        self.comparison, self.figures, self.settings = comparison, figures, settings
        self.backtests = backtests
        self.reopening: dict[str, Any] | None = None  # reopening_peak of the ensemble

    def __repr__(self) -> str:
        return f"<migsim.ValidationReport {self.folder}: {len(self.figures)} figures>"


def markdown_table(frame: pandas.DataFrame, digits: int = 3) -> str:
    """A DataFrame as a GitHub Markdown table (numbers to ``digits`` significant digits, NaN as blank)."""

    def cell(value: Any) -> str:
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if isinstance(value, (float, np.floating)):
            if math.isnan(value):
                return ""
            return f"{value:.{digits}g}" if abs(value) < 1e6 else f"{value:,.0f}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def _variables(targets: Targets) -> list[str]:
    return sorted({t.variable for t in targets if t.compare and t.variable})


def _grid(target: Target, frame: pandas.DataFrame, times: Any) -> list[str]:
    """Dates at which to draw the simulated curve of a series."""
    first, last = str(times[0])[:10], str(times[-1])[:10]
    if target.time == "at_date":
        return [str(t)[:10] for t in times[:: max(1, len(times) // 400)]] + [last]
    if target.time == "since":
        return sorted(set(frame["date"]))
    month_days = sorted({d[5:] for d in frame["date"]})
    years = range(int(first[:4]), int(last[:4]) + 1)
    return sorted(f"{y}-{md}" for y in years for md in month_days if first <= f"{y}-{md}" <= last)


def plot_positions(target: Target, dates: Sequence[str]) -> pandas.DatetimeIndex:
    """Where a row is drawn on a time axis: a stock at its date; a flow or a yearly mean at the middle of its
    period (a year's total in mid-year, not at 31 December where it would read as the next year)."""
    if target.time == "at_date":
        return pd.to_datetime(list(dates))
    ends = pd.to_datetime(list(dates)) + pd.Timedelta(days=1)  # periods end with the row's day
    if target.time == "year_mean":
        starts = pd.to_datetime([f"{d[:4]}-01-01" for d in dates])
        ends = pd.to_datetime([f"{int(d[:4]) + 1}-01-01" for d in dates])
    else:
        starts = pd.to_datetime([_period_start(target, d) or f"{d[:4]}-01-01" for d in dates])
    return starts + (ends - starts) / 2


def _curve(target: Target, ds: Any, frame: pandas.DataFrame, dates: list[str]) -> Any:
    rows = pd.DataFrame({"date": dates, "value": 0.0})
    if target.by:
        return None
    return _simulate_target(target, rows, ds)


def plot_series(targets: Targets, name: str, ds: xarray.Dataset, comparison: pandas.DataFrame,
                path: Path) -> Path:
    """Draws one series: simulated median and 10-90 % band, observed points (hollow: used to build the inputs;
    crosses: excluded), the validation period shaded. Series by region are drawn as bars by region."""
    import matplotlib.pyplot as plt

    target = targets[name]
    frame = targets.frame(name)
    rows = comparison[comparison["series"] == name]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    unit = frame["unit"].iloc[0] if len(frame) else ""
    if target.by:
        x = np.arange(len(rows))
        ax.bar(x - 0.2, rows["observed"], 0.4, label="observed", color="#222222")
        ax.bar(x + 0.2, rows["simulated"], 0.4, yerr=[rows["simulated"] - rows["low"], rows["high"] - rows["simulated"]],
               label="simulated (median, 10-90 %)", color="#4477aa")
        ax.set_xticks(x, rows["region"])
        ax.set_title(f"{name} ({rows['date'].iloc[0] if len(rows) else ''})", fontsize=11)
    else:
        times = ds["time"].values
        dates = _grid(target, frame, times)
        curve = _curve(target, ds, frame, dates)
        x = plot_positions(target, dates)
        if curve is not None and len(dates):
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    low, mid, high = np.nanquantile(curve, [0.1, 0.5, 0.9], axis=1)
            style = "-" if target.time == "at_date" else "o-"
            ax.fill_between(x, low, high, color="#4477aa", alpha=0.25, lw=0, label="simulated 10-90 %")
            ax.plot(x, mid, style, color="#4477aa", ms=3, lw=1.3, label="simulated median")
        obs_x = pd.Series(plot_positions(target, [str(d) for d in rows["date"]]), index=rows.index)
        normal = (~rows["circular"]) & (rows["excluded"] == "")
        ax.plot(obs_x[normal], rows["observed"][normal], "o", color="#222222", label="observed")
        if rows["circular"].any():
            c = rows["circular"] & (rows["excluded"] == "")
            ax.plot(obs_x[c], rows["observed"][c], "o", mfc="white", color="#222222", label="observed (used for inputs)")
        if (rows["excluded"] != "").any():
            e = rows["excluded"] != ""
            ax.plot(obs_x[e], rows["observed"][e], "x", color="#cc3311", label="observed (excluded)")
        end = pd.Timestamp(targets.calibration_end)
        right = max(pd.Timestamp(times[-1]), obs_x.max() if len(obs_x) else end)
        if right > end:
            ax.axvspan(end, right, color="#eeeeee", zorder=0, label="validation period")
        ax.axvline(end, color="grey", lw=0.8, ls="--")
        ax.set_title(name, fontsize=11)
        if target.time != "at_date":
            ax.set_xlabel("each value drawn at the middle of its period", fontsize=8)
    ax.set_ylabel(unit)
    concept = str(frame["concept"].iloc[0]) if len(frame) else ""
    fig.text(0.01, 0.01, (concept[:140] + "...") if len(concept) > 140 else concept, fontsize=7, color="#555555")
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# The crisis year of the report: month by month, what a planner watches in a closure and lockdown.
CRISIS_YEAR = 2020
CRISIS_VARIABLES = {  # column: (output variable, flow or stock, selection)
    "remittances_usd": ("remittances_usd", "flow", {}),
    "returns_from_russia": ("returns", "flow", {"location_country": "RU"}),
    "evacuated_from_russia": ("evacuated", "flow", {"location_country": "RU"}),
    "stranded_in_russia": ("stranded", "stock", {"location_country": "RU"}),
}
# Columns also given for the same month a year earlier and as the change on it: a crisis is read against the
# months before it (the record of 2020 is quoted as each month's change on 2019).
CRISIS_ON_YEAR_BEFORE = ("remittances_usd",)


def monthly_values(da: xarray.DataArray, kind: str, year: int) -> pandas.DataFrame:
    """The months of ``year`` of a series over ``time`` (and ``run``), by the one rule of :mod:`migsim.periods`: a
    flow is split between months by days, a stock is the value at the end of the last step that ends on or before
    the month's end. Months the run does not cover entirely are left out. One column per run."""
    times = da["time"].values
    months = [p for p in periods.calendar_periods(f"{year}-01-01", f"{year + 1}-01-01", "month")
              if periods.complete(p, times)]
    if not months:
        return pd.DataFrame()
    values = periods.aggregate(da.transpose("time", ...).values, times, months, kind)
    return pd.DataFrame(values.reshape(len(months), -1), index=[p.label for p in months])


def _select(ds: xarray.Dataset, variable: str, where: dict[str, str]) -> xarray.DataArray:
    """``variable`` summed over everything but time and run, in the locations of ``where["location_country"]``."""
    da = ds[variable]
    if "location_country" in where:
        countries = [str(c) for c in ds["location_country"].values]
        da = da.isel(location=[i for i, c in enumerate(countries) if c == where["location_country"]])
    summed: xarray.DataArray = da.sum([d for d in da.dims if d not in ("time", "run")])
    return summed


def crisis_table(ds: xarray.Dataset, year: int = CRISIS_YEAR) -> pandas.DataFrame:
    """Month by month in ``year``: the median and 10-90 % band over the runs of each quantity of CRISIS_VARIABLES;
    for those of CRISIS_ON_YEAR_BEFORE also the median of the same month a year earlier (``<column>_year_before``)
    and of each run's change on it (``<column>_change``, a fraction), blank where the run does not cover it."""
    table = pd.DataFrame()
    for column, (variable, kind, where) in CRISIS_VARIABLES.items():
        if variable not in ds:
            continue
        selected = _select(ds, variable, where)
        months = monthly_values(selected, kind, year)
        if months.empty:  # the run does not cover a month of the year
            return pd.DataFrame(columns=["month"])
        table[column] = months.median(axis=1)
        table[column + "_p10"] = months.quantile(0.1, axis=1)
        table[column + "_p90"] = months.quantile(0.9, axis=1)
        if column in CRISIS_ON_YEAR_BEFORE:
            before = monthly_values(selected, kind, year - 1)
            before.index = [f"{year}{label[4:]}" for label in before.index]  # the same month, a year on
            before = before.reindex(months.index)
            table[column + "_year_before"] = before.median(axis=1, skipna=False)
            table[column + "_change"] = (months / before - 1).median(axis=1, skipna=False)
    table.index.name = "month"
    return table.reset_index()


def reopening_peak(ds: xarray.Dataset, country: str = "RU", year: int = CRISIS_YEAR,
                   weeks: int = 26) -> dict[str, Any] | None:
    """The largest step of returns from ``country`` in the ``weeks`` after the first border closure of ``year``
    ends, against the median step of returns in the year before (the re-opening criterion of issue 13: returns
    spread by behaviour and seats, not everyone in one week). ``None`` if no closure in force in ``year`` ends
    within the run. Medians over runs."""
    if "policy_state" not in ds or "event_type" not in ds.coords:
        return None
    state = ds["policy_state"]
    if "run" in state.dims:
        state = state.isel(run=0)  # every run of an ensemble has the same events
    times = ds["time"].values.astype("datetime64[D]")
    reopened = []
    for event, kind in zip(ds["event"].values, ds["event_type"].values):
        if str(kind) != "border_closure":
            continue
        in_force = np.flatnonzero(state.sel(event=event).values > 0)
        if len(in_force) and str(times[in_force[-1]])[:4] == str(year) and in_force[-1] + 1 < len(times):
            reopened.append(int(in_force[-1]) + 1)
    if not reopened:
        return None
    first = min(reopened)
    returns = _select(ds, "returns", {"location_country": country})
    if "run" in returns.dims:
        returns = returns.median("run")
    values = returns.values
    before = values[(times >= np.datetime64(f"{year - 1}-01-01")) & (times < np.datetime64(f"{year}-01-01"))]
    after = values[first:first + weeks]
    if not len(before) or not len(after):
        return None
    median = float(np.median(before))
    peak = int(np.argmax(after))
    return {"reopened": str(times[first]), "peak_step": str(times[first + peak]), "peak": float(after[peak]),
            "median_before": median, "ratio": float(after[peak]) / median if median > 0 else math.inf}


def observations_in_year(comparison: pandas.DataFrame, year: int = CRISIS_YEAR) -> pandas.DataFrame:
    """Every compared observation dated in ``year``, with the simulated median and band and the error."""
    dates = pd.to_datetime(comparison["date"])
    return comparison[dates.dt.year == year].reset_index(drop=True)


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
    backtests: bool = True,
) -> ValidationReport:
    """Runs an ensemble of ``scenario`` and writes the validation report (figures and tables) into ``output``.

    Args:
        scenario: a built-in name, a scenario folder (its ``observed/`` is used) or a :class:`migsim.Scenario`.
        seeds: runs in the ensemble.
        scale: people per agent.
        output: the folder written (default ``out/validate-fit/<scenario name>``).
        until: last simulated date (default: the scenario's end).
        series: only these observed series (default: every compared series).
        observed: a folder with ``targets.yaml`` and the series (default: the scenario's ``observed/``).
        processes, master_seed, quiet: as for :class:`migsim.Ensemble`.
        backtests: also forecast from the refits recorded in ``observed/backtests.yaml`` (if there is one) and
            score the forecasts by horizon (:mod:`migsim.backtest`), with the same seeds and scale.

    Raises:
        migsim.ArgumentError: an unknown series or bad option; migsim.ScenarioError: a scenario or
            ``targets.yaml`` that does not load.
    """
    if until is not None:
        try:
            until = datetime.date.fromisoformat(str(until)).isoformat()
        except ValueError:
            raise ArgumentError(f"until: expected a date YYYY-MM-DD, found {until!r}") from None
    targets = load_targets(scenario, observed)
    if series is not None:
        targets = targets.select({n: targets[n].weight for n in series})
    compared = Targets(targets.folder, {n: t for n, t in targets.targets.items() if t.compare},
                       targets.calibration_end, targets.patterns, targets.sets)
    compared._frames = targets._frames
    if not len(compared):
        raise ArgumentError("series: none of the chosen series is compared with the model")
    name = scenario.name if hasattr(scenario, "name") else Path(os.fspath(scenario)).name
    folder = Path(output) if output is not None else Path("out") / "validate-fit" / name
    folder.mkdir(parents=True, exist_ok=True)
    # policy_state: reopening_peak finds the crisis year's re-opening by the closures' flags.
    crisis_variables = [v for v, _, _ in CRISIS_VARIABLES.values()] + ["policy_state"]
    ens = migsim.Ensemble(scenario, seeds=seeds, scale=scale, until=until, processes=processes,
                          master_seed=master_seed, quiet=quiet,
                          variables=sorted(set(_variables(compared)) | set(crisis_variables)))
    ds = ens.run()
    simulated = compared.simulate(ds)
    comparison = compared.compare(simulated)
    table = fit_table(comparison)
    independent = fit_table(comparison, independent_only=True)
    patterns = pattern_table(compared, simulated)
    figures: dict[str, Path] = {}
    for series_name in compared.names:
        figures[series_name] = plot_series(compared, series_name, ds, comparison, folder / f"{series_name}.png")
    comparison.to_csv(folder / "comparison.csv", index=False)
    table.to_csv(folder / "fit_table.csv", index=False)
    independent.to_csv(folder / "fit_table_independent.csv", index=False)
    patterns.to_csv(folder / "patterns.csv", index=False)
    crisis = crisis_table(ds)
    crisis_observed = observations_in_year(comparison)
    reopening = reopening_peak(ds)
    crisis.to_csv(folder / f"crisis_{CRISIS_YEAR}.csv", index=False)
    crisis_observed.to_csv(folder / f"crisis_{CRISIS_YEAR}_observed.csv", index=False)
    (folder / "fit_table.md").write_text(markdown_table(table) + "\n", encoding="utf-8")
    skill = _backtests(scenario, folder, seeds, scale, processes, master_seed, quiet) if backtests else None
    settings = {"scenario": str(getattr(scenario, "_source", scenario)), "seeds": seeds, "scale": scale,
                "until": until or "scenario end", "master_seed": master_seed, "observed": str(compared.folder),
                "calibration_end": compared.calibration_end, "migsim": migsim.__version__,
                "created": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()}
    not_compared = {n: t.reason for n, t in targets.targets.items() if not t.compare}
    text = [f"# Validation report: {name}", "",
            "Written by `migsim-validate-fit` (docs/validation.md). Settings: "
            + ", ".join(f"{k} = {v}" for k, v in settings.items()) + ".", "",
            "MAPE and ARD are fractions (0.1 = 10 %), for level series; MAE is in the unit of the series, for shares "
            "and changes; bias is the mean of sim/obs - 1 (levels) or sim - obs; in_band is the share of observations "
            "inside the simulated 10-90 % band. `all series` averages the series (each counts once).", "",
            "## Errors by series and period (every row)", "", markdown_table(table), "",
            "## Errors without the rows used to build the inputs", "", markdown_table(independent), "",
            "## Patterns", "", markdown_table(patterns), "",
            f"## {CRISIS_YEAR} month by month", "",
            "Flows split between months by days, stocks at the end of the last step ending in the month "
            "(median and 10-90 % band over the runs).", "", markdown_table(crisis, digits=4), "",
            f"## Every observation of {CRISIS_YEAR}", "", markdown_table(crisis_observed), ""]
    if reopening is not None:
        text += [f"Returns from Russia after the re-opening of {reopening['reopened']}: the largest step (that of "
                 f"{reopening['peak_step']}) is {reopening['peak']:,.0f}, {reopening['ratio']:.2f} times the median "
                 f"step of {CRISIS_YEAR - 1} ({reopening['median_before']:,.0f}).", ""]
    if skill is not None:
        text += ["## Rolling-origin backtests", "",
                 "Refitted with the data up to each origin (observed/backtests.yaml), forecast without refitting; "
                 "the error by horizon (years after the origin) against a persistence forecast (the series' last "
                 "observation on or before the origin); skill = 1 - model / persistence. Every row: "
                 "`backtest.csv`.", "", markdown_table(skill), ""]
    text += ["## Figures", ""]
    text += [f"![{n}]({p.name})" for n, p in figures.items()]
    if not_compared:
        text += ["", "## Series not compared", ""] + [f"- `{n}`: {r}" for n, r in not_compared.items()]
    (folder / "README.md").write_text("\n".join(text) + "\n", encoding="utf-8")
    # The settings and the re-opening line for tools that copy the report's tables (migsim.validation_doc).
    units = {str(k): str(v) for k, v in compared.observed().groupby("series")["unit"].first().items()}
    record = {"settings": {**settings, "git_commit": str(migsim._core.git_commit())}, "reopening": reopening,
              "units": units}
    (folder / "report.json").write_text(json.dumps(record, indent=1, default=str) + "\n", encoding="utf-8")
    report = ValidationReport(folder, table, independent, patterns, comparison, figures, settings, skill)
    report.reopening = reopening
    return report


def _backtests(scenario: ScenarioLike, folder: Path, seeds: int, scale: int, processes: int | None,
               master_seed: int, quiet: bool) -> pandas.DataFrame | None:
    """Scores the recorded refits (if any) into ``backtest.csv`` and ``backtest_skill.csv``; returns the skill."""
    from .backtest import backtest, load_backtests, skill_table

    if not load_backtests(scenario):
        return None
    scores = backtest(scenario, seeds=seeds, scale=scale, processes=processes, master_seed=master_seed, quiet=quiet)
    skill = skill_table(scores)
    scores.to_csv(folder / "backtest.csv", index=False)
    skill.to_csv(folder / "backtest_skill.csv", index=False)
    return skill


def main(argv: Sequence[str] | None = None) -> int:
    """The ``migsim-validate-fit`` command (``python -m migsim.validate``); returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="migsim-validate-fit",
        description="Run an ensemble of a scenario and compare it with the scenario's observed series: one figure "
                    "per series and tables of errors (MAPE, ARD) by series and period.")
    parser.add_argument("scenario", nargs="?", default="kyrgyzstan",
                        help="built-in name or scenario folder with an observed/ folder (default: kyrgyzstan)")
    parser.add_argument("--seeds", type=int, default=10, help="runs in the ensemble (default 10)")
    parser.add_argument("--scale", type=int, default=100, help="people per agent (default 100)")
    parser.add_argument("--until", help="last simulated date YYYY-MM-DD (default: the scenario's end)")
    parser.add_argument("-o", "--output", help="output folder (default: out/validate-fit/<scenario>)")
    parser.add_argument("--series", help="comma-separated observed series (default: every compared series)")
    parser.add_argument("--observed", help="folder with targets.yaml and the series (default: <scenario>/observed)")
    parser.add_argument("--processes", type=int, help="worker processes (default: every core)")
    parser.add_argument("--master-seed", type=int, default=0, help="seed of the ensemble's seeds (default 0)")
    parser.add_argument("--no-backtests", action="store_true",
                        help="skip the rolling-origin backtests of observed/backtests.yaml")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.observed is not None and not Path(args.observed).is_dir():
        print(f"migsim-validate-fit: error: --observed: no folder {args.observed}", file=sys.stderr)
        return 2
    series = [s.strip() for s in args.series.split(",") if s.strip()] if args.series else None
    try:
        import matplotlib

        matplotlib.use("Agg")
        report = validate_fit(args.scenario, seeds=args.seeds, scale=args.scale, output=args.output,
                              until=args.until, series=series, observed=args.observed, processes=args.processes,
                              master_seed=args.master_seed, quiet=args.quiet, backtests=not args.no_backtests)
    except (migsim.ArgumentError, migsim.ScenarioError) as error:
        print(f"migsim-validate-fit: error: {error}", file=sys.stderr)
        return 2
    except MigsimError as error:
        print(f"migsim-validate-fit: error: {error}", file=sys.stderr)
        return 1
    calibration = report.table[(report.table["series"] == "all series") & (report.table["period"] == "calibration")]
    summary = f"; calibration-period MAPE (mean over series) {calibration['mape'].iloc[0]:.1%}" if len(calibration) \
        and not math.isnan(calibration["mape"].iloc[0]) else ""
    print(f"wrote {len(report.figures)} figures and the tables to {report.folder}{summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
