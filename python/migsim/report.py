"""A self-contained HTML report of one or more runs, ensembles or a comparison (``migsim report``).

::

    import migsim

    results = migsim.run("kyrgyzstan", scale=200, until="2016-12-31", quiet=True)
    migsim.report(results, "out/kyrgyzstan.html")
    cmp = migsim.compare({"baseline": "kyrgyzstan", "quota-cut": "quota-cut"}, seeds=10, scale=500)
    migsim.report(cmp, "out/quota-cut.html")                     # differences from the first scenario, with bands
    migsim.report(["out/base.h5", "out/no-eaeu.h5"], "out/no-eaeu.html")

From the shell: ``migsim report out/base.h5 out/no-eaeu.h5 -o out/no-eaeu.html``.

The file needs no network: figures are PNG images embedded as base64, styles are inline, and print styles keep
tables and figures whole on a page, so a browser's "Print to PDF" gives a clean brief. Sections: what was run (the
file's provenance attributes, fingerprints of the scenario's inputs, the timeline of its policy events), a headline
table by calendar year, or quarter, month or week, over the whole run or a window of it (by the period rule of
:mod:`migsim.periods`), figures by destination and origin, and, for
several runs, the differences from the first (the baseline). Ensembles show the median and the 10-90 % band over
runs; when two ensembles share their seeds the differences are paired: quantiles of the per-seed differences, never
differences of quantiles.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime
import hashlib
import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence, Union


from . import periods
from ._cli import exit_code
from ._core import ArgumentError, MigsimError
from ._files import write_atomically
from ._lazy import LazyModule
from .schema import ABROAD_STATUSES_EXCLUDING_NATURALISED
from .tables import dataset, table

if TYPE_CHECKING:  # numpy, pandas and xarray are imported on first use
    import numpy as np

if not TYPE_CHECKING:
    np = LazyModule("numpy")
pd: Any = LazyModule("pandas")
xr: Any = LazyModule("xarray")

__all__ = ["View", "report", "main"]

PathLike = Union[str, "os.PathLike[str]"]
QUANTILES = (0.1, 0.5, 0.9)
_TEMPLATE = "report.html.j2"
_PROVENANCE = (("scenario", "scenario_name"), ("source", "scenario_source"), ("seed", "seed"), ("scale", "scale"),
               ("migsim version", "migsim_version"), ("git commit", "git_commit"), ("created (UTC)", "created_utc"),
               ("threads", "threads"), ("MPI ranks", "mpi_ranks"), ("wall time (s)", "wall_time_seconds"),
               ("history", "history"))
# The headline quantities: column, variable, where, what it is ({period}: the view's frequency).
_HEADLINE: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("departures", "departures", {}, "people leaving for a destination during the {period}"),
    ("returns", "returns", {}, "returns home during the {period} (deportations and evacuations included)"),
    ("remittances (USD)", "remittances_usd", {}, "remittances sent home during the {period}"),
    ("permits issued", "permits_issued", {}, "new patents and quota permits during the {period}"),
    ("quota left", "quota_remaining", {}, "work permits left in the quota at the end of the {period}"),
    ("detentions", "detentions", {}, "irregular migrants detained during the {period}"),
    ("deportations", "deportations", {}, "people deported during the {period}"),
    ("entry bans", "bans_active", {}, "people with an entry ban in force at the end of the {period}"),
    ("stranded", "stranded", {}, "people stranded abroad at the end of the {period}"),
    ("evacuated", "evacuated", {}, "stranded people brought home during the {period}"),
)


@dataclasses.dataclass(frozen=True)
class View:
    """What the tables and figures cover: calendar periods of ``freq`` (the rule of :mod:`migsim.periods`), and of
    those only the ones overlapping ``span`` (:class:`migsim.periods.Window`, the rule of ``migsim table`` too). A
    crisis of ten weeks is lost in a table by year: ``View.of("month", "2020-01-01", "2020-12-31")`` shows it."""

    freq: str = "year"
    span: periods.Window = periods.Window()

    @staticmethod
    def of(freq: str = "year", since: Any = None, until: Any = None) -> "View":
        """A view with ``since``/``until`` checked as :meth:`migsim.periods.Window.of` does; ``freq`` is checked by
        :func:`migsim.table`, as for ``migsim table``."""
        return View(freq, periods.Window.of(since, until))

    def table(self, ds: Any, variable: str, by: str | None = None, where: Any = None, freq: str | None = None) -> Any:
        """:func:`migsim.table` at this view's frequency (or ``freq``), cut to the window."""
        return self.span.keep(table(ds, variable, by=by, freq=freq or self.freq, where=where))


@dataclasses.dataclass
class _Run:
    """One scenario's outputs: a single run, or an ensemble (a ``run`` dimension)."""

    label: str
    ds: Any

    @property
    def members(self) -> int:
        return int(self.ds.sizes.get("run", 1))

    @property
    def seeds(self) -> list[int]:
        if "seed" in self.ds.coords and "run" in self.ds.dims:
            return [int(s) for s in np.asarray(self.ds["seed"].values)]
        seed = self.ds.attrs.get("seed")
        return [int(seed)] if seed is not None else []


def _label(ds: Any, fallback: str) -> str:
    return str(ds.attrs.get("scenario_name") or fallback)


def _runs(data: Any, labels: Sequence[str] | None) -> list[_Run]:
    items = list(data) if isinstance(data, (list, tuple)) else [data]
    out: list[_Run] = []
    for item in items:
        if hasattr(item, "_dataset") and hasattr(item, "_members"):  # an Ensemble: its last run (running it if needed)
            ds = item._dataset if item._dataset is not None else item.run()
            out.append(_Run(str(item.name), ds))
            continue
        ds = dataset(item)
        name = Path(os.fspath(item)).stem if isinstance(item, (str, os.PathLike)) else _label(ds, f"run {len(out) + 1}")
        if "scenario" in ds.dims:  # a comparison: one ensemble per scenario
            for label in ds["scenario"].values:
                part = ds.sel(scenario=label, drop=True)
                own = {name: str(ds[name].sel(scenario=label).values) for name in map(str, ds.coords)
                       if name.startswith("scenario_")}
                # what differs between the scenarios is held per scenario; "" is one it does not have
                part.attrs = {**ds.attrs, **{name: text for name, text in own.items() if text}}
                out.append(_Run(str(label), part.drop_vars(list(own), errors="ignore")))
        else:
            out.append(_Run(name, ds))
    if labels is not None:
        if len(labels) != len(out):
            raise ArgumentError(f"labels: expected {len(out)} labels (one per run or scenario), found {len(labels)}")
        for run, label in zip(out, labels):
            run.label = str(label)
    if not out:
        raise ArgumentError("expected at least one run, ensemble or comparison to report on, found none")
    for run in out:  # the headline and figures start from the stock abroad
        if "stock" not in run.ds.data_vars:
            raise ArgumentError(f"{run.label}: expected the output 'stock' for a report (keep it in variables= of "
                                f"compare or Ensemble), found only {', '.join(map(str, run.ds.data_vars)) or 'none'}")
    names = [r.label for r in out]
    for i, run in enumerate(out):  # labels must tell the runs apart
        if names.count(run.label) > 1:
            run.label = f"{run.label} ({i + 1})"
    return out


# ---------------------------------------------------------------------------------------------- numbers


def _fingerprints(ds: Any) -> list[tuple[str, str]]:
    """SHA-256 (first 12 hex digits) of the resolved scenario and of every input table the file holds."""
    out = []
    for key in sorted(ds.attrs):
        if key == "scenario_yaml" or key.startswith("scenario_tables_"):
            digest = _digest(ds.attrs[key])
            name = "scenario (resolved YAML)" if key == "scenario_yaml" else key.replace("scenario_tables_", "table ")
            out.append((name, digest))
    return out


def _flatten(value: Any, prefix: str, out: dict[str, str]) -> None:
    """Key paths of a parsed YAML value (text scalars): mappings recurse, anything else is one value as text."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _digest(text: Any) -> str:
    return hashlib.sha256(str(text).encode()).hexdigest()[:12]


def _scenario_keys(text: Any, tables: dict[str, str]) -> dict[str, str] | None:
    """Every key path of a resolved scenario's YAML text, events by label (``events.<label>.<field>``), and its
    tables by fingerprint (``table <name>``); None when there is no readable scenario (a Dataset put together by
    hand, or an attribute edited into something that is not a scenario)."""
    if not text:
        return None
    from .observed import _yaml

    yaml = _yaml()
    try:
        parsed = yaml.load(str(text), Loader=yaml.BaseLoader)  # every scalar as written: no type guessing
    except yaml.YAMLError:
        return None
    if not isinstance(parsed, dict):
        return None
    keys: dict[str, str] = {}
    _flatten({k: v for k, v in parsed.items() if k not in ("events", "tables", "description")}, "", keys)
    events = parsed.get("events")
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict):
            continue
        label = event.get("label", "?")
        keys[f"events.{label}"] = f"{event.get('type', '?')} from {event.get('start', '?')}" + (
            f" to {event['end']}" if event.get("end") else "")
        _flatten({k: v for k, v in event.items() if k not in ("label", "source")}, f"events.{label}", keys)
    return {**keys, **tables}


def _file_keys(ds: Any) -> dict[str, str] | None:
    """:func:`_scenario_keys` of the scenario a file records."""
    tables = {name: digest for name, digest in _fingerprints(ds) if name.startswith("table ")}
    return _scenario_keys(ds.attrs.get("scenario_yaml"), tables)


def _changes(a: dict[str, str] | None, b: dict[str, str] | None) -> list[tuple[str, str, str]] | None:
    """What ``b`` sets differently from ``a``: (key path, in a, in b), with "—" where one has no such key (an
    event left out or added: the whole event once, not field by field); None if either is unknown."""
    if a is None or b is None:
        return None
    whole = {k for k in (a.keys() ^ b.keys()) if k.startswith("events.") and k.count(".") == 1}
    changes = []
    for key in sorted(a.keys() | b.keys(), key=lambda k: (k.startswith("events."), k)):
        if a.get(key) == b.get(key) or any(key.startswith(w + ".") for w in whole):
            continue
        if key.startswith("events.") and key.count(".") == 1 and key not in whole:
            continue  # an event in both: its fields say what differs
        changes.append((key, a.get(key, "—"), b.get(key, "—")))
    return changes


def _scenario_changes(base: _Run, other: _Run) -> list[tuple[str, str, str]] | None:
    """What the scenario of ``other`` sets differently from the baseline's (see :func:`_changes`)."""
    return _changes(_file_keys(base.ds), _file_keys(other.ds))


def _edits(run: _Run) -> dict[str, Any] | None:
    """For a run of a built-in scenario, or of a folder that extends one, what it changed from that built-in as
    this migsim holds it (``--set``, ``--without``, ``Scenario.set``, the folder's own keys, events and tables);
    None for other runs (an exported copy's files may have changed since, and it names no base)."""
    from . import _core

    source = str(run.ds.attrs.get("scenario_source", ""))
    # Files written before `scenario_builtin` existed name the built-in only as their source.
    name = str(run.ds.attrs.get("scenario_builtin", "")) or source
    if name not in _core.builtin_scenarios():
        return None
    builtin = _core.load_scenario(name)
    tables = {"table " + key.removeprefix("tables."): _digest(text) for key, text in builtin.table_texts.items()}
    changes = _changes(_scenario_keys(builtin.resolved_yaml(), tables), _file_keys(run.ds))
    if changes is None:
        return None
    same_build = str(run.ds.attrs.get("git_commit", "")) == _core.git_commit()
    # An ensemble records its scenario before the values it sweeps or draws ("the scenario before the sweep
    # overrides"): say so, or "unchanged" would hide them.
    return {"name": name, "extended_by": "" if source == name else source, "changes": changes, "same_build": same_build,
            "before": str(run.ds.attrs.get("scenario_yaml_comment", ""))}


def _provenance(run: _Run) -> list[tuple[str, str]]:
    rows = [("runs", str(run.members))] if run.members > 1 else []
    for label, key in _PROVENANCE:
        if key == "seed" and run.members > 1:
            rows.append(("seeds", ", ".join(map(str, run.seeds))))
        elif key in run.ds.attrs and str(run.ds.attrs[key]) != "":
            value = run.ds.attrs[key]
            rows.append((label, f"{value:.1f}" if isinstance(value, float) else str(value)))
    starts, ends = periods.edges_of(run.ds)
    rows.append(("simulated", f"{starts[0]} to {ends[-1] - 1} ({len(starts)} weekly steps)"))
    return rows


def _timeline(run: _Run, view: View) -> dict[str, Any]:
    """The scenario's events in force during the run (or the view's window), with their first and last day in
    force (from ``policy_state``), and the labels of the others."""
    ds = run.ds
    if "policy_state" not in ds.data_vars or "event" not in ds.dims:
        return {"rows": [], "other": []}
    state = ds["policy_state"]
    if "run" in state.dims:
        state = state.isel(run=0)
    starts, ends = periods.edges_of(ds)
    in_window = view.span.overlaps(starts, ends - 1)  # the steps overlapping the window
    rows, other = [], []
    for i, label in enumerate(np.asarray(ds["event"].values).astype(str)):
        active = np.flatnonzero(np.asarray(state.isel(event=i).values) > 0)
        if not len(active) or not in_window[active].any():
            other.append(label)
            continue
        kind = str(ds["event_type"].values[i]) if "event_type" in ds.coords else ""
        last = active[-1]
        rows.append({"event": label, "type": kind, "from": str(starts[active[0]]),
                     "to": f"end of run ({ends[last] - 1})" if last == len(starts) - 1 else str(ends[last] - 1),
                     "gaps": "yes" if len(active) != last - active[0] + 1 else ""})
    return {"rows": rows, "other": other}


def _abroad(ds: Any) -> list[str]:
    return [s for s in np.asarray(ds["status"].values).astype(str) if s in ABROAD_STATUSES_EXCLUDING_NATURALISED]


def _destinations(ds: Any) -> list[str]:
    """Countries with migrants in them: location countries that are not an origin's country."""
    home = {str(v) for v, loc in zip(ds["location_country"].values, ds["location"].values)
            if str(loc) in {str(o) for o in ds["origin"].values}}
    return [c for c in dict.fromkeys(np.asarray(ds["location_country"].values).astype(str)) if c not in home]


def _country_names(ds: Any) -> dict[str, str]:
    if "country" in ds.coords and "country_name" in ds.coords:
        return {str(c): str(n) for c, n in zip(ds["country"].values, ds["country_name"].values)}
    return {}


def _per_run(frame: Any, by: str | None) -> Any:
    """A table's values as an array (periods, [groups], runs)."""
    index = ["period"] + ([by] if by else [])
    columns = "run" if "run" in frame.columns else None
    if columns is None:
        frame = frame.assign(run=0)
    pivot = frame.pivot_table(index=index, columns="run", values="value", sort=False, dropna=False)
    return pivot


def _format(value: float, money: bool = False) -> str:
    if not np.isfinite(value):
        return "–"
    text = f"{abs(value):,.0f}"
    sign = "−" if round(value) < 0 else ""
    return f"{sign}${text}" if money else f"{sign}{text}"


def _cell(values: np.ndarray, money: bool = False) -> str:
    values = np.asarray(values, float)
    if values.size == 1 or np.all(np.isnan(values)):
        return _format(float(values.ravel()[0]) if values.size else np.nan, money)
    low, mid, high = np.nanquantile(values, QUANTILES)
    return f"{_format(mid, money)} [{_format(low, money)}–{_format(high, money)}]"


def _headline(run: _Run, view: View) -> dict[str, Any]:
    """Rows by calendar period: migrants abroad by destination country (end of the period), then the flows."""
    ds, period = run.ds, view.freq
    names = _country_names(ds)
    columns: list[tuple[str, str, Any]] = []  # header, description, frame pivot (periods x runs)
    where = {"status": _abroad(ds)}
    stock = view.table(ds, "stock", by="location_country", where=where)
    if stock.empty:
        starts, ends = periods.edges_of(ds)
        raise ArgumentError(f"since/until: expected a window overlapping the run {run.label} (simulated {starts[0]} "
                            f"to {ends[-1] - 1}), found {view.span.text}")
    destinations = _destinations(ds)
    for country in destinations:
        part = stock[stock["location_country"] == country].drop(columns="location_country")
        columns.append((names.get(country, country),
                        f"migrants in {names.get(country, country)} at the end of the {period} (not naturalised)",
                        _per_run(part, None)))
    for header, variable, selection, what in _HEADLINE:
        if variable in ds.data_vars:
            columns.append((header, what.format(period=period),
                            _per_run(view.table(ds, variable, where=selection), None)))
    labels = [str(p) for p in stock["period"].unique()]
    complete = dict(zip(stock["period"].astype(str), stock["complete"]))
    tables = []
    for title, part in ((f"Migrants abroad by destination country, at the end of the {period}",
                         columns[:len(destinations)]),
                        (f"Flows over the {period}, permits, enforcement and crises", columns[len(destinations):])):
        rows = []
        for label in labels:
            cells = [_cell(pivot.loc[label].to_numpy(float), money="USD" in header) for header, _, pivot in part]
            rows.append({"period": label + ("" if complete.get(label, True) else " (part)"), "cells": cells})
        tables.append({"title": title, "headers": [c[0] for c in part], "descriptions": [c[1] for c in part],
                       "rows": rows})
    return {"tables": tables, "ensemble": run.members > 1}


# ---------------------------------------------------------------------------------------------- figures


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _band(ax: Any, x: Any, values: np.ndarray, label: str, **style: Any) -> None:
    """The median line and the 10-90 % band over runs (last axis); a single run is a line."""
    values = np.asarray(values, float)
    if values.ndim == 1 or values.shape[-1] == 1:
        ax.plot(x, values.reshape(len(x)), label=label, **style)
        return
    low, mid, high = np.nanquantile(values, QUANTILES, axis=-1)
    (line,) = ax.plot(x, mid, label=f"{label} (median, 10–90 %)", **style)
    ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)


def _axes_style(ax: Any, title: str, units: str) -> None:
    import matplotlib.dates
    import matplotlib.ticker as mticker

    mdates: Any = matplotlib.dates  # its locators and formatters have no annotations
    # minticks 3, not 5: a span of 4-5 years is then marked by year; with 5 no interval fits within 8 ticks
    # (too few years, too many months) and matplotlib warns on the user's terminal.
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_title(title, fontsize="medium", wrap=True)
    ax.set_ylabel(units)
    ax.yaxis.set_major_formatter(mticker.EngFormatter(sep=""))
    ax.grid(alpha=0.3)
    ax.margins(x=0)


def _monthly(run: _Run, view: View, variable: str, by: str | None = None,
             where: dict[str, Any] | None = None) -> tuple[Any, Any]:
    frame = view.table(run.ds, variable, by=by, where=where, freq="month")
    frame = frame[frame["complete"]]
    pivot = _per_run(frame, by)
    dates = pd.to_datetime(pivot.index.get_level_values("period").unique() + "-01") + pd.offsets.MonthEnd(0)
    return dates, pivot


def _figures(run: _Run, view: View) -> list[dict[str, str]]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    ds, out = run.ds, []
    names = _country_names(ds)
    dates, pivot = _monthly(run, view, "stock", "location_country", {"status": _abroad(ds)})
    fig, ax = plt.subplots(figsize=(8, 4))
    for country in _destinations(ds):
        _band(ax, dates, pivot.xs(country, level="location_country").to_numpy(float), names.get(country, country))
    _axes_style(ax, f"{run.label}: migrants abroad by destination country (end of month)", "people")
    ax.legend(fontsize="small")
    out.append({"title": "Migrants abroad by destination", "png": _png(fig),
                "caption": "People abroad in every status but naturalised, at the end of each month."})
    by = "origin_label" if "origin_label" in ds.coords else "origin"
    flows = [v for v in ("departures", "returns") if v in ds.data_vars]  # a comparison may hold only the stock
    if flows:
        fig, axes = plt.subplots(1, len(flows), figsize=(5 * len(flows), 4), sharey=True, squeeze=False)
        for ax, variable in zip(axes[0], flows):
            dates, pivot = _monthly(run, view, variable, by)
            for origin in pivot.index.get_level_values(by).unique():
                _band(ax, dates, pivot.xs(origin, level=by).to_numpy(float), str(origin))
            _axes_style(ax, f"{variable.capitalize()} by origin region (per month)", "people per month")
        axes[0][-1].legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        fig.suptitle(run.label, fontsize="medium")
        out.append({"title": " and ".join(flows).capitalize() + " by origin region", "png": _png(fig),
                    "caption": "Flows summed over calendar months; a weekly step across a month's end is split by "
                               "days."})
    if "remittances_usd" in ds.data_vars:
        dates, pivot = _monthly(run, view, "remittances_usd")
        fig, ax = plt.subplots(figsize=(8, 3.5))
        _band(ax, dates, pivot.to_numpy(float), "remittances")
        _axes_style(ax, f"{run.label}: remittances sent home (per month)", "USD per month")
        out.append({"title": "Remittances", "png": _png(fig), "caption": "Remittances in USD per calendar month."})
    return out


# ------------------------------------------------------------------------------------------ differences

_DIFFERENCES = (("migrants abroad", "stock", "abroad"), ("departures", "departures", None),
                ("returns", "returns", None), ("remittances (USD)", "remittances_usd", None),
                ("deportations", "deportations", None), ("stranded", "stranded", None))


def _paired(base: _Run, other: _Run) -> bool:
    return base.members > 1 and other.members > 1 and base.seeds == other.seeds and len(base.seeds) > 0


def _period_total(run: _Run, view: View, variable: str, abroad: bool) -> Any:
    where = {"status": _abroad(run.ds)} if abroad else None
    return _per_run(view.table(run.ds, variable, where=where), None)


def _difference_values(base: Any, other: Any, paired: bool) -> np.ndarray:
    """Per-period differences (periods x runs): per seed when paired, else of the medians over runs."""
    common = [p for p in other.index if p in base.index]
    a, b = other.loc[common].to_numpy(float), base.loc[common].to_numpy(float)
    difference: np.ndarray = a - b if paired else (np.nanmedian(a, axis=1) - np.nanmedian(b, axis=1))[:, None]
    return difference


def _differences(runs: list[_Run], view: View) -> list[dict[str, Any]]:
    base, out = runs[0], []
    for other in runs[1:]:
        paired = _paired(base, other)
        headers: list[str] = []
        rows_by_period: dict[str, list[str]] = {}
        note = ""
        if paired:
            note = (f"Paired by seed ({len(base.seeds)} seeds shared): median and 10–90 % quantiles of the per-seed "
                    f"differences {other.label} − {base.label}.")
        elif base.members > 1 or other.members > 1:
            note = "The runs do not share their seeds: difference of the medians over runs (no band)."
        else:
            note = f"Single runs: {other.label} − {base.label}."
        for header, variable, kind in _DIFFERENCES:
            if variable not in base.ds.data_vars or variable not in other.ds.data_vars:
                continue
            b = _period_total(base, view, variable, kind == "abroad")
            o = _period_total(other, view, variable, kind == "abroad")
            values = _difference_values(b, o, paired)
            at_end = kind == "abroad" or variable == "stranded"
            headers.append(header + (f" (end of {view.freq})" if at_end else ""))
            for label, row in zip([p for p in o.index if p in b.index], values):
                rows_by_period.setdefault(str(label), []).append(_cell(row, money="USD" in header))
        figure = _difference_figure(base, other, paired, view)
        out.append({"label": other.label, "note": note, "changes": _scenario_changes(base, other), "headers": headers,
                    "rows": [{"period": p, "cells": c} for p, c in rows_by_period.items()], "png": figure})
    return out


def _difference_figure(base: _Run, other: _Run, paired: bool, view: View) -> str:
    import matplotlib.pyplot as plt

    panels = [(header, variable, kind) for header, variable, kind in (("migrants abroad", "stock", "abroad"),
                                                                       ("returns", "returns", None))
              if variable in base.ds.data_vars and variable in other.ds.data_vars]
    if not panels:
        return ""
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.8), squeeze=False)
    for ax, (header, variable, kind) in zip(axes[0], panels):
        where = {"status": _abroad(base.ds)} if kind else None
        dates, b = _monthly(base, view, variable, None, where)
        dates_o, o = _monthly(other, view, variable, None, where)
        values = _difference_values(b, o, paired)
        _band(ax, dates[: len(values)], values, f"{other.label} − {base.label}")
        ax.axhline(0, color="black", linewidth=0.8)
        _axes_style(ax, f"Difference in {header} ({'end of month' if kind else 'per month'})", "people")
        ax.legend(fontsize="small")
    return _png(fig)


# --------------------------------------------------------------------------------------- the observed fit


def _fit(run: _Run) -> list[dict[str, str]]:
    """For a run of a built-in scenario with an observed record (the default, ``kyrgyzstan``): the errors by
    series and period of every series the run covers, as ``migsim-validate-fit`` computes them
    (docs/validation.md). Empty for other scenarios."""
    from .observed import fit_table, load_targets

    name = str(run.ds.attrs.get("scenario_name", ""))
    if name not in _core_builtins():
        return []
    try:
        targets = load_targets(name)
    except MigsimError:  # a built-in without an observed/ folder
        return []
    held = {t.name: t.weight for t in targets if t.compare and t.variable in run.ds.data_vars}
    if not held:  # a comparison that kept only outputs no series compares
        return []
    table = fit_table(targets.select(held).compare(run.ds))
    rows = []
    for row in table.itertuples():
        if row.series == "all series" or not int(row.n):
            continue
        error = f"MAPE {row.mape:.1%}" if row.mape == row.mape else f"MAE {row.mae:.3g}"
        rows.append({"series": str(row.series), "period": str(row.period), "n": str(int(row.n)), "error": error,
                     "bias": "" if row.bias != row.bias else f"{row.bias:+.3g}"})
    return rows


def _core_builtins() -> list[str]:
    from . import _core

    return list(_core.builtin_scenarios())


# ------------------------------------------------------------------------------------------------ render


def render(data: Any, labels: Sequence[str] | None = None, title: str | None = None, freq: str = "year",
           since: Any = None, until: Any = None) -> str:
    """The report as HTML text (see :func:`report`)."""
    import jinja2

    from . import _core

    view = View.of(freq, since, until)
    runs = _runs(data, labels)
    environment = jinja2.Environment(loader=jinja2.PackageLoader("migsim", "templates"),
                                     autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined)
    sections = [{"label": run.label, "provenance": _provenance(run), "edits": _edits(run),
                 "fingerprints": _fingerprints(run.ds),
                 "timeline": _timeline(run, view), "headline": _headline(run, view), "figures": _figures(run, view),
                 "fit": _fit(run)}
                for run in runs]
    return environment.get_template(_TEMPLATE).render(
        title=title or ("migsim report: " + ", ".join(r.label for r in runs)),
        generated=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        version=_core.version(), runs=sections, differences=_differences(runs, view) if len(runs) > 1 else [],
        baseline=runs[0].label, quantiles=QUANTILES, period=view.freq, window=view.span.text)


def report(data: Any, path: PathLike, labels: Sequence[str] | None = None, title: str | None = None,
           freq: str = "year", since: Any = None, until: Any = None) -> Path:
    """Writes a self-contained HTML report.

    Args:
        data: a :class:`migsim.Results`, an output file path, an :class:`migsim.Ensemble` or its Dataset (a ``run``
            dimension), a :class:`migsim.Comparison`, or a list of these; the first is the baseline the others are
            compared with.
        path: the ``.html`` file to write (atomically: a temporary file in the same folder, renamed when complete).
        labels: names for the runs (default: the scenario names, or the file names).
        title: the report's title.
        freq: the periods of the tables: ``"year"`` (default), ``"quarter"``, ``"month"`` or ``"week"`` (the
            model's steps), by the rule of :mod:`migsim.periods`.
        since, until: dates (``"YYYY-MM-DD"`` or :class:`datetime.date`): the tables and figures cover only the
            periods overlapping this window, e.g. a crisis year by month, and the policy timeline only the events
            in force in it.

    Returns:
        The path written.

    Raises:
        migsim.ArgumentError: bad input (a missing file, a folder that does not exist, the wrong number of labels,
            an unknown ``freq``, a date that is not one, or a window outside the runs).
    """
    target = Path(os.fspath(path))
    if target.suffix.lower() not in (".html", ".htm"):
        raise ArgumentError(f"-o {target}: expected a file ending in .html, found {target.suffix or 'no extension'!r}")
    if not target.parent.is_dir():
        raise ArgumentError(f"-o {target}: the folder {target.parent} does not exist")
    text = render(data, labels, title, freq=freq, since=since, until=until)
    write_atomically(lambda temporary: temporary.write_text(text, encoding="utf-8"), target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``migsim report``: exit 0 on success, 2 on bad input, 1 on any other failure."""
    parser = argparse.ArgumentParser(
        prog="migsim report",
        description="A self-contained HTML report of one or more output files (the first is the baseline): what "
                    "was run, a headline table by year (or --freq), figures by destination and origin, differences "
                    "from the baseline. Opens in any browser without network; prints cleanly to PDF.")
    parser.add_argument("files", nargs="+", help="output files written by migsim run (or saved from Python)")
    parser.add_argument("-o", "--output", required=True, help="the report, a .html file")
    parser.add_argument("--labels", default="", help="comma-separated names for the files (default: file names)")
    parser.add_argument("--title", default=None, help="the report's title")
    parser.add_argument("--freq", default="year", help="periods of the tables: year (default), quarter, month or "
                                                       "week (the model's steps)")
    parser.add_argument("--since", default=None, metavar="DATE",
                        help="tables and figures from the period holding DATE (YYYY-MM-DD), e.g. a crisis year")
    parser.add_argument("--until", default=None, metavar="DATE",
                        help="tables and figures to the period holding DATE (YYYY-MM-DD)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    labels = [v.strip() for v in args.labels.split(",")] if args.labels else None
    return exit_code("migsim report", lambda: "wrote " + str(report(
        args.files, args.output, labels=labels, title=args.title, freq=args.freq, since=args.since, until=args.until)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
