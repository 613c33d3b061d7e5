"""Copies the tables of a validation report into the marked blocks of ``docs/validation.md``.

After any change to the model, the scenario or ``observed/``, ``make validation`` regenerates the numbers of the
page's tables (the prose around them says what they mean and is checked by a reader). It runs the report, the
effects of the 2022-2025 measures into the report's folder (``tools/event_effects.py -o``), the drift of the built-in
scenarios without their events (``python -m migsim.drift -o``), then this module::

    migsim-validate-fit scenarios/kyrgyzstan --seeds 20 --scale 10 -o out/validate-fit/kyrgyzstan
    python -m migsim.validation_doc out/validate-fit/kyrgyzstan          # rewrites docs/validation.md's blocks

A block is the text between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->`` on lines of their
own; NAME is one of :data:`BLOCKS`. Everything outside the blocks is left as it is, and a block is rewritten whole,
so running the command twice changes nothing. A figure the page shows as ``figures/validation/NAME.png`` is copied
from the report's ``NAME.png`` when the report has one (figures of other tools, such as the sensitivity plot, are
left alone). ``--check`` only says whether the page matches the report (exit 1
if not). Exit code 2 for bad input: a missing report file, an unknown or unclosed block (named with its line).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import math
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ._core import ArgumentError, OutputError
from ._files import write_atomically
from ._lazy import LazyModule
from .validate import CRISIS_YEAR, markdown_table

if TYPE_CHECKING:
    import pandas

pd: Any = LazyModule("pandas")

__all__ = ["BLOCKS", "LOCKDOWN_CHANGES", "MUST_SHOW", "MustShow", "lockdown_changes", "main",
           "monthly_lockdown_changes", "recorded_lockdown_changes", "render", "update"]

BEGIN = re.compile(r"^<!-- generated: (?P<name>[a-z0-9-]+) -->$")
FIGURE = re.compile(r"!\[[^\]]*\]\((?P<path>figures/validation/(?P<name>[A-Za-z0-9_.-]+\.png))\)")
END = re.compile(r"^<!-- end generated: (?P<name>[a-z0-9-]+) -->$")
DEFAULT_DOC = Path("docs") / "validation.md"
EVENT_EFFECTS = "event_effects.json"  # written into the report folder by tools/event_effects.py -o
DRIFT = "drift.json"  # written into the report folder by python -m migsim.drift -o
FIRST_YEAR_AFTER_CRISIS = 2021


class _Report:
    """The files of one validation report folder, read on demand; a missing file is an ArgumentError naming it."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise ArgumentError(f"report: no folder {folder} (write one with migsim-validate-fit)")
        self.folder = folder
        self._frames: dict[str, pandas.DataFrame] = {}
        self._records: dict[str, dict[str, Any]] = {}

    def path(self, name: str) -> Path:
        path = self.folder / name
        if path.is_file():
            return path
        if name == EVENT_EFFECTS:
            raise ArgumentError(f"report: {path} is missing; write it with tools/event_effects.py ... -o {path} "
                                "(docs/validation.md, 2021–2025)")
        if name == DRIFT:
            raise ArgumentError(f"report: {path} is missing; write it with python -m migsim.drift -o {path}")
        raise ArgumentError(f"report: {path} is missing; rerun migsim-validate-fit "
                            "(backtest files need observed/backtests.yaml and no --no-backtests)")

    def csv(self, name: str) -> pandas.DataFrame:
        if name not in self._frames:
            self._frames[name] = pd.read_csv(self.path(name), keep_default_na=True)
        return self._frames[name]

    def cell(self, name: str, column: str, **keys: str) -> float:
        """``column`` of the one row of the CSV ``name`` whose columns equal ``keys``; NaN when there is none."""
        frame = self.csv(name)
        match = pd.Series(True, index=frame.index)
        for key, value in keys.items():
            match &= frame[key] == value
        rows = frame[match]
        return float(rows[column].iloc[0]) if len(rows) == 1 else float("nan")

    def json(self, name: str) -> dict[str, Any]:
        if name not in self._records:  # read once: every block asks for report.json
            try:
                self._records[name] = json.loads(self.path(name).read_text(encoding="utf-8"))
            except json.JSONDecodeError as error:
                raise ArgumentError(f"report: {self.folder / name}: not JSON ({error})") from None
        return self._records[name]

    def record(self) -> dict[str, Any]:
        return self.json("report.json")

    def units(self) -> dict[str, str]:
        """The unit of each compared series (USD, people, share)."""
        return dict(self.record().get("units", {}))


# --- cells ---------------------------------------------------------------------------------------------------

def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _amount(value: Any, unit: str = "") -> str:
    """A value in the page's style: USD in million or billion, shares to 3 decimals, counts in full with thousands
    separators; a minus sign, not a hyphen."""
    if _missing(value):
        return "—"
    value = float(value)
    if unit == "USD" and abs(value) >= 1e9:
        text = f"{value / 1e9:.3f} bn"
    elif unit == "USD":
        text = f"{value / 1e6:,.1f} m"
    elif unit == "share" or (not unit and abs(value) < 100 and value != round(value)):
        text = f"{value:.3f}"
    else:
        text = f"{value:,.0f}"
    return _signed(text)


def _percent(value: Any, signed: bool = False) -> str:
    if _missing(value):
        return "—"
    text = f"{100 * float(value):+.1f} %" if signed else f"{100 * float(value):.1f} %"
    return text.replace("-", "−")


def _signed(text: str) -> str:
    return text.replace("-", "−") if text.startswith("-") else text


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Cells already in the page's style, as the report's own Markdown tables."""
    return markdown_table(pd.DataFrame(list(rows), columns=list(header))).split("\n")


def _band(low: Any, high: Any, unit: str = "") -> str:
    return "—" if _missing(low) or _missing(high) else f"{_amount(low, unit)} – {_amount(high, unit)}"


def _model_against_record(row: Any) -> str:
    """Model ÷ record − 1 for a level, model − record for a share or change, in the row's own error kind."""
    if _missing(row.simulated) or _missing(row.observed):
        return "—"
    if row.error_kind == "relative":
        return _percent(row.simulated / row.observed - 1, signed=True) if row.observed else "—"
    return _signed(f"{row.simulated - row.observed:+.3f}")


def _observation_rows(frame: pandas.DataFrame, units: dict[str, str]) -> list[list[str]]:
    rows = []
    for row in frame.itertuples(index=False):
        unit = units.get(row.series, "")
        name = f"`{row.series}`" + (f" ({row.region})" if isinstance(row.region, str) and row.region else "")
        notes = [note for flag, note in ((row.circular in (True, "True"), "circular"),
                                         (isinstance(row.excluded, str) and bool(row.excluded), "excluded")) if flag]
        rows.append([name + (f" ({', '.join(notes)})" if notes else ""), str(row.date), _amount(row.observed, unit),
                     _amount(row.simulated, unit), _band(row.low, row.high, unit), _model_against_record(row)])
    return rows


_OBSERVATION_HEADER = ("series", "date", "record", "model (median)", "model, 10–90 %", "model against the record")


# --- blocks --------------------------------------------------------------------------------------------------

def _report_line(report: _Report) -> list[str]:
    settings = report.record()["settings"]
    return [f"From the validation report of {settings.get('created', '?')[:10]} (`{settings.get('scenario')}`, "
            f"{settings.get('seeds')} seeds, scale {settings.get('scale')}, master seed "
            f"{settings.get('master_seed')}, migsim {settings.get('migsim')}, commit "
            f"`{settings.get('git_commit', '?')}`), copied by `python -m migsim.validation_doc`; "
            "the tables marked *generated* on this page come from it."]


def _bias(value: Any, relative: bool) -> str:
    if _missing(value):
        return "—"
    return _percent(value, signed=True) if relative else _signed(f"{value:+.3f}")


def _calibration_errors(report: _Report) -> list[str]:
    table = report.csv("fit_table.csv")
    rows = []
    for row in table[table["period"] == "calibration"].itertuples(index=False):
        level = not _missing(row.mape)
        rows.append([f"`{row.series}`" if row.series != "all series" else "all series",
                     f"{row.n}" + (f" ({row.n_circular} circular)" if row.n_circular else ""),
                     _percent(row.mape) if level else "—", _percent(row.ard) if level else "—",
                     "—" if _missing(row.mae) else f"{row.mae:.3f}",
                     _bias(row.bias, relative=level and row.series != "all series"),
                     _percent(row.in_band)])
    return _table(("series", "rows", "MAPE", "ARD", "MAE", "bias", "inside the 10–90 % band"), rows)


def _patterns(report: _Report) -> list[str]:
    rows = []
    for row in report.csv("patterns.csv").itertuples(index=False):
        unit = report.units().get(row.series, "")
        rows.append([f"{row.description} (`{row.pattern}`)", _amount(row.observed, unit),
                     f"{_amount(row.simulated, unit)} ({_band(row.low, row.high, unit)})", f"×{row.size_ratio:.2f}",
                     f"×{1 + row.tolerance:.2f}", "yes" if row.holds in (True, "True") else "no"])
    return _table(("pattern", "record", "model (median, 10–90 %)", "model ÷ record", "tolerance", "holds"), rows)


def _months(report: _Report) -> list[str]:
    year = CRISIS_YEAR
    table = report.csv(f"crisis_{year}.csv")
    rows = []
    for row in table.itertuples(index=False):
        rows.append([str(row.month), _amount(row.remittances_usd, "USD"),
                     _amount(getattr(row, "remittances_usd_year_before", float("nan")), "USD"),
                     _percent(getattr(row, "remittances_usd_change", float("nan")), signed=True),
                     _amount(row.returns_from_russia), _amount(row.evacuated_from_russia),
                     _amount(row.stranded_in_russia)])
    lines = _table(("month", "remittances (USD)", f"the same month of {year - 1}", f"change on {year - 1}",
                    "returns from Russia", "evacuated from Russia", "stranded in Russia (end)"), rows)
    reopening = report.record().get("reopening")
    if reopening:
        lines += ["", f"Returns from Russia after the re-opening of {reopening['reopened']}: the largest week in the "
                  f"26 weeks after it (the step of {reopening['peak_step']}) is {reopening['peak']:,.0f}, "
                  f"{reopening['ratio']:.2f} times the median week of {year - 1} ({reopening['median_before']:,.0f})."]
    return lines


LOCKDOWN_CHANGES = {"jan_feb": "January–February on 2019", "march": "March", "april": "April", "may": "May",
                    "june_on_may": "June on May", "jun_dec": "June–December on 2019",
                    "jan_may": "January–May on 2019"}
AGAINST_JAN_FEB = ("march", "april", "may")


def lockdown_changes(y2019: Sequence[float], y2020: Sequence[float], june_2020: float) -> dict[str, float]:
    """The lockdown's changes of 2020 (the keys of :data:`LOCKDOWN_CHANGES`) from January to May of 2019 and of 2020
    followed by each year's June–December sum, and June 2020.

    March, April and May are each month's change on 2019 divided by January–February's (``(1 + c_m) / (1 + c_JF)
    - 1``): the lockdown's own effect measured from the months before it, so that an error of the level before the
    crisis (the model's January–February run far above the record's) is not read as the lockdown's. June is on May
    (the catch-up; no year-earlier level is quoted); June–December and January–May are on the same months of 2019.
    ``tools/fit_transfer_disruption.py`` fits to these changes and the report's table shows them.
    """
    def total(values: Sequence[float], months: slice) -> float:
        return float(sum(values[months]))

    jan_feb = total(y2020, slice(0, 2)) / total(y2019, slice(0, 2)) - 1

    def against_jan_feb(month: int) -> float:
        return (y2020[month] / y2019[month]) / (1 + jan_feb) - 1

    return {"jan_feb": jan_feb, "march": against_jan_feb(2), "april": against_jan_feb(3), "may": against_jan_feb(4),
            "june_on_may": june_2020 / y2020[4] - 1, "jun_dec": y2020[5] / y2019[5] - 1,
            "jan_may": total(y2020, slice(0, 5)) / total(y2019, slice(0, 5)) - 1}


def monthly_lockdown_changes(months_2019: Sequence[float], months_2020: Sequence[float]) -> dict[str, float]:
    """:func:`lockdown_changes` from the twelve months of 2019 and of 2020 (a run's, or the report's medians)."""
    return lockdown_changes([*months_2019[:5], sum(months_2019[5:])], [*months_2020[:5], sum(months_2020[5:])],
                            months_2020[5])


def recorded_lockdown_changes(value: Callable[[str, str], float], year: int = CRISIS_YEAR) -> dict[str, float]:
    """:func:`lockdown_changes` of the record, from ``value(series, date)``, a row of ``observed/``: each month of
    January–May of ``year`` (``remittances_monthly``) less its quoted difference from a year earlier
    (``remittances_monthly_change``), June, and June–December as each year (``remittances``) less its January–May
    (``remittances_ytd`` for ``year``, the months for the year before)."""
    ends = [_month_end(year, month) for month in range(1, 6)]
    months = [value("remittances_monthly", end) for end in ends]
    before = [v - value("remittances_monthly_change", end) for v, end in zip(months, ends)]
    rest = value("remittances", f"{year}-12-31") - value("remittances_ytd", ends[-1])
    rest_before = value("remittances", f"{year - 1}-12-31") - sum(before)
    return lockdown_changes([*before, rest_before], [*months, rest], value("remittances_monthly", _month_end(year, 6)))


def _month_end(year: int, month: int) -> str:
    return (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(1)).strftime("%Y-%m-%d")


def _observed_lockdown(report: _Report) -> dict[str, float] | None:
    """The record's changes from the report's compared rows (``None`` when a row is missing)."""
    changes = recorded_lockdown_changes(
        lambda series, date: report.cell("comparison.csv", "observed", series=series, date=date))
    return None if any(math.isnan(v) for v in changes.values()) else changes


def _model_lockdown(report: _Report) -> dict[str, float] | None:
    """The same changes from the report's months (medians over its seeds) and the same months a year earlier."""
    table = report.csv(f"crisis_{CRISIS_YEAR}.csv")
    if "remittances_usd_year_before" not in table or len(table) != 12:
        return None
    return monthly_lockdown_changes(table["remittances_usd_year_before"].tolist(), table["remittances_usd"].tolist())


def _lockdown(report: _Report) -> list[str]:
    header = ["2020", *(LOCKDOWN_CHANGES[k] + (" on 2019 ÷ January–February's" if k in AGAINST_JAN_FEB else "")
                        for k in LOCKDOWN_CHANGES)]
    rows = []
    for name, changes in (("record", _observed_lockdown(report)), ("model", _model_lockdown(report))):
        rows.append([name, *(_percent(changes[k], signed=True) if changes else "—" for k in LOCKDOWN_CHANGES)])
    return _table(header, rows)


@dataclasses.dataclass(frozen=True)
class MustShow:
    """The acceptance criteria of the crisis work (issue 13's "must show"); the page's block ``must-show`` shows
    each with the report's number. The drift criterion's tolerance is :data:`migsim.drift.TOLERANCE`, which
    ``tests/python/test_builtin_drift.py`` also holds every built-in scenario to."""

    jan_may_points: float = 0.10  # January-May 2020 remittances on 2019: |model - record| in points of change
    jan_may_date: str = f"{CRISIS_YEAR}-05-31"  # the `remittances_yoy_change` row that holds that change
    reopening_ratio: float = 3.0  # largest week of returns after the re-opening / the median week of the year before
    # Calibration-period MAPE when the issue was filed; the model may not be worse by more than `calibration_slack`.
    calibration_mape: tuple[tuple[str, float], ...] = (("stock_russia", 0.071), ("remittances", 0.095))
    calibration_slack: float = 0.01

    def jan_may_within(self, gap: float) -> bool:
        """Whether January-May's change lies within the criterion's points of the record (``gap`` = |model - record|;
        the margin absorbs rounding, so a gap of exactly the limit counts as within)."""
        return gap <= self.jan_may_points + 1e-12


MUST_SHOW = MustShow()


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "**no**")


def _must_show_jan_may(report: _Report) -> list[str]:
    observed, simulated = (report.cell("comparison.csv", column, series="remittances_yoy_change",
                                       date=MUST_SHOW.jan_may_date) for column in ("observed", "simulated"))
    gap = abs(simulated - observed)
    ok = None if math.isnan(gap) else MUST_SHOW.jan_may_within(gap)
    model = _percent(simulated, signed=True) + ("" if math.isnan(gap) else f" ({100 * gap:.1f} points off)")
    return [f"remittances January–May {CRISIS_YEAR}, change on {CRISIS_YEAR - 1} (`remittances_yoy_change`)",
            _percent(observed, signed=True), model, f"within {100 * MUST_SHOW.jan_may_points:.0f} points of the record",
            _met(ok)]


def _must_show_reopening(report: _Report) -> list[str]:
    reopening = report.record().get("reopening")
    ratio = float(reopening["ratio"]) if reopening else float("nan")
    model = "—" if not reopening else (f"{ratio:.2f} × ({reopening['peak']:,.0f} in the step of "
                                       f"{reopening['peak_step']} against {reopening['median_before']:,.0f})")
    return [f"largest week of returns from Russia in the 26 weeks after the re-opening ÷ the median week of "
            f"{CRISIS_YEAR - 1}", "—", model, f"at most {MUST_SHOW.reopening_ratio:g} ×",
            _met(None if math.isnan(ratio) else ratio <= MUST_SHOW.reopening_ratio)]


def _must_show_calibration(report: _Report) -> list[list[str]]:
    rows = []
    for series, before in MUST_SHOW.calibration_mape:
        mape = report.cell("fit_table.csv", "mape", series=series, period="calibration")
        limit = before + MUST_SHOW.calibration_slack
        met = _met(None if math.isnan(mape) else mape <= limit)
        rows.append([f"`{series}`, MAPE of the calibration period", "—", _percent(mape),
                     f"at most {_percent(limit)} ({_percent(before)} when the issue was filed, plus "
                     f"{100 * MUST_SHOW.calibration_slack:.0f} point)", met])
    return rows


def _must_show_drift(report: _Report) -> list[str]:
    record = report.json(DRIFT)
    scenarios = record["scenarios"]
    model = "; ".join(f"`{d['scenario']}` {_percent(d['change'], signed=True)} (stated {_percent(d['trend'], True)})"
                      for d in scenarios)
    tolerance = float(record["settings"]["tolerance"])
    return ["stock abroad after a year with every dated event removed, each built-in scenario (`python -m "
            "migsim.drift`)", "—", model or "—", f"within {100 * tolerance:.0f} points of the trend its NOTES.md "
            "states with a source (0 if none)", _met(all(d["holds"] for d in scenarios) if scenarios else None)]


def _jan_may_split(report: _Report) -> list[str]:
    """January-May on the year before as the months before the crisis times the lockdown's own part, for the record
    and the model, and what the model's own part gives on the record's months before the crisis: it says whether a
    miss of the criterion lies in the lockdown or in the trend that led into it."""
    record, model = _observed_lockdown(report), _model_lockdown(report)
    criterion = report.cell("comparison.csv", "observed", series="remittances_yoy_change", date=MUST_SHOW.jan_may_date)
    if record is None or model is None or math.isnan(criterion):
        return []

    def own(changes: dict[str, float]) -> float:
        return (1 + changes["jan_may"]) / (1 + changes["jan_feb"]) - 1

    on_record = (1 + record["jan_feb"]) * (1 + own(model)) - 1
    gap = abs(on_record - criterion)
    where = ("the criterion's miss lies in the months before the crisis (the calibration period's trend)"
             if MUST_SHOW.jan_may_within(gap) else "the lockdown's own part would miss it too")
    depth = own(model) - own(record)
    where += (f"; the model's lockdown alone is {100 * abs(depth):.1f} points "
              f"{'deeper' if depth < 0 else 'shallower'} than the record's")
    year, before = CRISIS_YEAR, CRISIS_YEAR - 1
    return ["", f"January–May {year} on {before} is January–February on {before} times the lockdown's own part "
            f"(January–May ÷ January–February, both on {before}; the table "
            "[2020 month by month](#2020-month-by-month)): the record "
            f"{_percent(record['jan_feb'], signed=True)} and {_percent(own(record), signed=True)}, the model "
            f"{_percent(model['jan_feb'], signed=True)} and {_percent(own(model), signed=True)}. The model's own part "
            f"on the record's January–February gives {_percent(on_record, signed=True)}, {100 * gap:.1f} points from "
            f"the record's {_percent(criterion, signed=True)}: {where}."]


def _must_show(report: _Report) -> list[str]:
    rows = [_must_show_jan_may(report), _must_show_reopening(report), _must_show_drift(report),
            *_must_show_calibration(report)]
    met = sum(row[-1] == "yes" for row in rows)
    return _table(("criterion", "record", "model", "required", "met"), rows) + [
        "", f"{met} of {len(rows)} met."] + _jan_may_split(report)


def _observations_of_crisis_year(report: _Report) -> list[str]:
    frame = report.csv(f"crisis_{CRISIS_YEAR}_observed.csv").sort_values(["series", "date"], kind="stable")
    return _table(_OBSERVATION_HEADER, _observation_rows(frame, report.units()))


def _observations_after(report: _Report) -> list[str]:
    frame = report.csv("comparison.csv")
    frame = frame[pd.to_datetime(frame["date"]).dt.year >= FIRST_YEAR_AFTER_CRISIS]
    return _table(_OBSERVATION_HEADER, _observation_rows(frame.sort_values(["series", "date"], kind="stable"),
                                                        report.units()))


def _backtest_by_horizon(report: _Report) -> list[str]:
    skill = report.csv("backtest_skill.csv")
    rows = [[str(row.horizon), str(row.n), f"{row.model:.3f}", f"{row.persistence:.3f}",
             _signed(f"{row.skill:+.2f}"), _percent(row.in_band)]
            for row in skill[skill["series"] == "all series"].itertuples(index=False)]
    return _table(("horizon (years after the origin)", "observations", "model error", "persistence error", "skill",
                   "inside the 10–90 % band"), rows)


def _backtest_by_series(report: _Report) -> list[str]:
    skill = report.csv("backtest_skill.csv")
    skill = skill[skill["series"] != "all series"]
    horizons = sorted(int(h) for h in skill["horizon"].unique())

    def error(value: float, metric: str) -> str:
        return _percent(value) if metric == "MAPE" else f"{value:.3f}"

    rows = []
    for (series, metric), group in skill.groupby(["series", "metric"], sort=True):
        by_horizon = {int(r.horizon): r for r in group.itertuples(index=False)}
        model = [error(by_horizon[h].model, metric) if h in by_horizon else "—" for h in horizons]
        persistence = [error(by_horizon[h].persistence, metric) if h in by_horizon else "—" for h in horizons]
        rows.append([f"`{series}` ({metric})", *model, " / ".join(persistence)])
    header = ["series (error)", *(f"h = {h}" for h in horizons),
              "persistence " + " / ".join(f"h = {h}" for h in horizons)]
    return _table(header, rows)


def _event_effects(report: _Report) -> list[str]:
    """Each event's effect in the year it starts and the year after: the stock at the end of the year, the
    remittances of the year (with minus without, median over the paired seeds)."""
    record = report.json(EVENT_EFFECTS)
    settings, effects = record["settings"], pd.DataFrame(record["effects"])
    rows = []
    for label in settings["labels"]:
        event = effects[effects["label"] == label]
        if event.empty:
            continue
        first = int(str(event["start"].iloc[0])[:4])
        span = f"{event['start'].iloc[0]} – {event['end'].iloc[0]}" if isinstance(event["end"].iloc[0], str) \
            else f"from {event['start'].iloc[0]}"
        cells = []
        for variable, digits, unit in (("stock", -2, ""), ("remittances (million USD)", 0, " m")):
            for year in (first, first + 1):  # the stock to hundreds, the money to millions: no false precision
                value = event[(event["variable"] == variable) & (event["year"] == year)]["q50"]
                cells.append(_signed(f"{round(float(value.iloc[0]), digits):+,.0f}{unit}") if len(value) else "—")
        rows.append([f"`{label}` ({event['type'].iloc[0]}, {span})", cells[0], cells[1], cells[2], cells[3]])
    lines = [f"{settings['seeds']} seeds (master seed {settings.get('master_seed', '?')}), scale "
             f"{settings['scale']}, {settings['created'][:10]}, commit `{settings.get('git_commit', '?')}`; the stock "
             f"is of migrants in {settings['country']}:", ""]
    return lines + _table(("event (type, in force)", "stock at the end of its first year", "a year later",
                           "remittances in its first year", "a year later"), rows)


BLOCKS: dict[str, Callable[[_Report], list[str]]] = {
    "report": _report_line,
    "calibration-errors": _calibration_errors,
    "patterns": _patterns,
    "crisis-months": _months,
    "crisis-lockdown": _lockdown,
    "must-show": _must_show,
    "crisis-observations": _observations_of_crisis_year,
    "observations-after-crisis": _observations_after,
    "backtest-by-horizon": _backtest_by_horizon,
    "backtest-by-series": _backtest_by_series,
    "event-effects": _event_effects,
}


def render(name: str, report: str | os.PathLike[str]) -> str:
    """The text of block ``name`` from the report folder ``report``."""
    if name not in BLOCKS:
        raise ArgumentError(f"no generated block {name!r}; known: {', '.join(BLOCKS)}")
    return "\n".join(BLOCKS[name](_Report(Path(report))))


def _rewrite(text: str, report: _Report, doc: Path) -> tuple[str, list[str]]:
    out: list[str] = []
    names: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        begin = BEGIN.match(lines[i])
        if END.match(lines[i]):
            raise ArgumentError(f"{doc}:{i + 1}: an end of a generated block without its beginning")
        out.append(lines[i])
        if not begin:
            i += 1
            continue
        name = begin["name"]
        if name not in BLOCKS:
            raise ArgumentError(f"{doc}:{i + 1}: no generated block {name!r}; known: {', '.join(BLOCKS)}")
        end = next((j for j in range(i + 1, len(lines)) if BEGIN.match(lines[j]) or END.match(lines[j])), None)
        closing = END.match(lines[end]) if end is not None else None
        if end is None or closing is None or closing["name"] != name:
            raise ArgumentError(f"{doc}:{i + 1}: generated block {name!r} has no '<!-- end generated: {name} -->' "
                                "before the next block or the end of the file")
        out += BLOCKS[name](report) + [lines[end]]
        names.append(name)
        i = end + 1
    return "\n".join(out), names


def update(report: str | os.PathLike[str], doc: str | os.PathLike[str] = DEFAULT_DOC, *,
           check: bool = False) -> tuple[list[str], bool]:
    """Rewrites the generated blocks of ``doc`` from the report folder ``report``.

    Returns the names of the blocks found and whether the page or one of its report figures changed (with
    ``check``, whether they would; nothing is then written). Each file is replaced whole (a temporary file renamed
    over it), so none is ever half-written."""
    folder, path = _Report(Path(report)), Path(doc)  # the report first: it is the argument named first
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ArgumentError(f"doc: cannot read {path}: {error.strerror}") from None
    new, names = _rewrite(text, folder, path)
    figures = _stale_figures(new, folder.folder, path.parent)
    changed = new != text or bool(figures)
    if check:
        return names, changed
    if new != text:
        write_atomically(lambda temporary: temporary.write_text(new, encoding="utf-8"), path)
    for source, target in figures:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(functools.partial(shutil.copyfile, source), target)
    return names, changed


def _stale_figures(text: str, report: Path, folder: Path) -> list[tuple[Path, Path]]:
    """The figures the page shows that the report has and that differ from it: (report's file, page's file)."""
    stale = []
    for match in FIGURE.finditer(text):
        source, target = report / match["name"], folder / match["path"]
        if source.is_file() and (not target.is_file() or target.read_bytes() != source.read_bytes()):
            stale.append((source, target))
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m migsim.validation_doc REPORT [--doc PAGE] [--check]``; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m migsim.validation_doc",
        description="Copy the tables of a validation report (a folder written by migsim-validate-fit) into the "
                    "<!-- generated: NAME --> blocks of docs/validation.md.")
    parser.add_argument("report", help="the report folder, e.g. out/validate-fit/kyrgyzstan")
    parser.add_argument("--doc", default=str(DEFAULT_DOC), help=f"the page to rewrite (default {DEFAULT_DOC})")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if the page's blocks differ from the report")
    args = parser.parse_args(argv)
    try:
        names, changed = update(args.report, args.doc, check=args.check)
    except (ArgumentError, OutputError) as error:
        print(f"migsim.validation_doc: error: {error}", file=sys.stderr)
        return 2
    if not names:
        print(f"migsim.validation_doc: error: {args.doc} has no generated block", file=sys.stderr)
        return 2
    if args.check:
        state = "differs from the report" if changed else "matches the report"
    else:
        state = "brought up to date from the report" if changed else "already matches the report"
    print(f"{args.doc}: {state} ({len(names)} generated blocks: {', '.join(names)}; and the report's figures it "
          "shows)")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
