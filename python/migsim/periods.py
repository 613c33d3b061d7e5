"""Calendar periods over the model's steps: the one rule used by tables, reports and calibration targets.

The engine steps by 7 days; a step's ``time`` coordinate is its first day (a Friday in the built-in scenarios), and
the step covers the days ``[start, start + 7)``. A stock (``cell_methods = "time: point"``) is counted at the end of
the step, a flow (``time: sum``) over it. A calendar period ``[period_start, period_end)`` (``period_end``
exclusive: January is ``[01-01, 02-01)``) then gets:

* **a flow**: the sum over the steps of each step's value times the share of its days that fall inside the period
  (a step from Friday 29 January to Thursday 4 February counts 3/7 in January and 4/7 in February);
* **a stock** (``stock="end"``, the default): the value at the end of the last step that ends on or before the
  period's end (January: the last step ending by 1 February 00:00), NaN if no step of the run ends inside the
  period;
* **a stock averaged** (``stock="mean"``): the mean of the end-of-step values of the steps that end inside the
  period, ``period_start < step_end <= period_end``.

A period is *complete* when the run covers all its days; a flow over an incomplete period is the sum over the
covered days only. ``Targets.compare`` (``time: at_date`` is a stock at the end of the given day,
``year_to_date``/``since`` flows summed from the start day to the end of the given day, ``year_mean`` the averaged
stock over the calendar year) and ``migsim table`` both read this module.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import TYPE_CHECKING, Any, Sequence


from ._core import ArgumentError
from ._lazy import LazyModule

if TYPE_CHECKING:  # numpy is imported on first use
    import numpy as np
else:
    np = LazyModule("numpy")

__all__ = ["FREQUENCIES", "STOCK_RULES", "Period", "Window", "aggregate", "calendar_periods", "flow_weights",
           "complete", "edges_of", "stock_mean_weights", "stock_step", "step_edges"]

FREQUENCIES = ("week", "month", "quarter", "year")
STOCK_RULES = ("end", "mean")


@dataclasses.dataclass(frozen=True)
class Period:
    """A calendar period ``[start, end)`` with its label (``2016-03``, ``2016Q1``, ``2016``, or a week's start)."""

    label: str
    start: np.datetime64
    end: np.datetime64


@dataclasses.dataclass(frozen=True)
class Window:
    """The calendar periods to show: those overlapping ``since`` to ``until`` (ISO dates, both included; None: no
    limit). One rule for ``migsim table`` and ``migsim report``: a period straddling an edge is kept whole."""

    since: str | None = None
    until: str | None = None

    @staticmethod
    def of(since: Any = None, until: Any = None) -> "Window":
        """A window with ``since``/``until`` checked as dates (``YYYY-MM-DD`` text, :class:`datetime.date` or None),
        ``since`` not after ``until``."""
        from .settings import _date

        start, end = _date("since", since), _date("until", until)
        if start and end and start > end:
            raise ArgumentError(f"since: expected a date on or before until ({end}), found {start}")
        return Window(start, end)

    @property
    def text(self) -> str:
        """The window as text ("2020-03-01 to 2020-12-31"), or "" when it has no limit."""
        if not self.since and not self.until:
            return ""
        return f"{self.since or 'the start'} to {self.until or 'the end'}"

    def overlaps(self, starts: np.ndarray, last_days: np.ndarray) -> np.ndarray:
        """Which periods, from ``starts`` to ``last_days`` (``datetime64[D]``, both included), overlap the window."""
        mask = np.ones(len(starts), bool)
        if self.since:
            mask &= last_days >= np.datetime64(self.since)
        if self.until:
            mask &= starts <= np.datetime64(self.until)
        return mask

    def keep(self, frame: Any) -> Any:
        """The rows of a :func:`migsim.table` frame (columns ``start`` and ``end``) whose period overlaps."""
        return frame[self.overlaps(np.asarray(frame["start"], dtype="datetime64[D]"),
                                   np.asarray(frame["end"], dtype="datetime64[D]"))]


def _day(value: Any) -> np.datetime64:
    if isinstance(value, datetime.datetime):
        value = value.date()
    day: np.datetime64 = np.datetime64(value, "D")
    return day


def step_edges(times: Any, bounds: Any | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first day and the day after the last of every step (``datetime64[D]`` arrays).

    With ``bounds`` (the file's ``time_bnds``, decoded to dates: ``(time, 2)``) the steps are exactly those.
    Without, a step ends where the next one starts and the last step is as long as the one before it (7 days if
    the run has a single step).
    """
    if bounds is not None:
        edges = np.asarray(bounds)
        if edges.dtype.kind == "M" and edges.ndim == 2 and edges.shape[1] == 2:
            return edges[:, 0].astype("datetime64[D]"), edges[:, 1].astype("datetime64[D]")
    starts = np.asarray(times).astype("datetime64[D]")
    if starts.ndim != 1 or len(starts) == 0:
        raise ArgumentError(f"time: expected a non-empty 1-D array of step starts, found shape {starts.shape}")
    last = starts[-1] - starts[-2] if len(starts) > 1 else np.timedelta64(7, "D")
    ends = np.concatenate([starts[1:], [starts[-1] + last]])
    return starts, ends


def calendar_periods(first: Any, last: Any, freq: str, steps: Any | None = None) -> list[Period]:
    """The periods of ``freq`` that overlap the days ``[first, last)``.

    Args:
        first, last: the first simulated day and the day after the last.
        freq: ``week`` (the model's own steps, labelled by their first day; needs ``steps``), ``month``,
            ``quarter`` or ``year``.
        steps: the step starts, for ``week`` (or ``(starts, ends)`` from :func:`step_edges`).
    """
    if freq not in FREQUENCIES:
        raise ArgumentError(f"freq: expected one of {', '.join(FREQUENCIES)}, found {freq!r}")
    start, stop = _day(first), _day(last)
    if freq == "week":
        if steps is None:
            raise ArgumentError("freq week: the step starts are needed")
        starts, ends = steps if isinstance(steps, tuple) else step_edges(steps)
        return [Period(str(s), s, e) for s, e in zip(starts, ends)]
    months = {"month": 1, "quarter": 3, "year": 12}[freq]
    year, month = int(str(start)[:4]), int(str(start)[5:7])
    month -= (month - 1) % months
    out: list[Period] = []
    while True:
        begin = np.datetime64(f"{year:04d}-{month:02d}-01", "D")
        if begin >= stop:
            return out
        nyear, nmonth = (year + (month + months - 1) // 12, (month + months - 1) % 12 + 1)
        end = np.datetime64(f"{nyear:04d}-{nmonth:02d}-01", "D")
        label = {"month": f"{year:04d}-{month:02d}", "quarter": f"{year:04d}Q{(month - 1) // 3 + 1}",
                 "year": f"{year:04d}"}[freq]
        out.append(Period(label, begin, end))
        year, month = nyear, nmonth


def flow_weights(starts: np.ndarray, ends: np.ndarray, period_start: Any, period_end: Any) -> np.ndarray:
    """The share of each step's days inside ``[period_start, period_end)`` (0 to 1 per step)."""
    lo, hi = _day(period_start), _day(period_end)
    overlap = (np.minimum(ends, hi) - np.maximum(starts, lo)) / np.timedelta64(1, "D")
    length = (ends - starts) / np.timedelta64(1, "D")
    shares: np.ndarray = np.clip(overlap, 0, None) / length
    return shares


def stock_step(ends: np.ndarray, period_start: Any, period_end: Any) -> int | None:
    """Index of the last step that ends on or before ``period_end`` and after ``period_start``; None if none."""
    hi = _day(period_end)
    index = int(np.searchsorted(ends, hi, side="right")) - 1
    if index < 0 or ends[index] <= _day(period_start):
        return None
    return index


def stock_mean_weights(ends: np.ndarray, period_start: Any, period_end: Any) -> np.ndarray:
    """Equal weights over the steps that end inside the period (``start < end <= period_end``); all 0 if none."""
    inside = (ends > _day(period_start)) & (ends <= _day(period_end))
    count = int(inside.sum())
    return inside / count if count else np.zeros(len(ends))


def edges_of(ds: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`step_edges` of a Dataset of outputs: from its ``time_bnds`` when it has them."""
    bounds = ds["time_bnds"].values if "time_bnds" in ds.variables else None
    return step_edges(ds["time"].values, bounds)


def aggregate(values: Any, times: Any, periods: Sequence[Period], kind: str, stock: str = "end",
              bounds: Any | None = None) -> np.ndarray:
    """Values per step (time first, any further axes) to values per period (period first).

    Args:
        values: array ``(time, ...)``.
        times: the step starts.
        periods: from :func:`calendar_periods`.
        bounds: the steps' ``time_bnds`` (decoded), if known (see :func:`step_edges`).
        kind: ``flow`` (split by days) or ``stock``.
        stock: for a stock, ``end`` (value at the end of the last step ending in the period) or ``mean``.

    Returns:
        ``(len(periods), ...)`` floats; NaN where a stock has no step ending in the period, or a flow no step
        overlapping it.
    """
    if kind not in ("flow", "stock"):
        raise ArgumentError(f"kind: expected flow or stock, found {kind!r}")
    if stock not in STOCK_RULES:
        raise ArgumentError(f"stock: expected one of {', '.join(STOCK_RULES)}, found {stock!r}")
    data = np.asarray(values, dtype=float)
    starts, ends = step_edges(times, bounds)
    if data.shape[0] != len(starts):
        raise ArgumentError(f"values: expected {len(starts)} steps along the first axis, found {data.shape[0]}")
    out = np.full((len(periods), *data.shape[1:]), np.nan)
    for i, period in enumerate(periods):
        if kind == "flow":
            weights = flow_weights(starts, ends, period.start, period.end)
            used = weights > 0
            if used.any():
                out[i] = np.tensordot(weights[used], data[used], axes=(0, 0))
        elif stock == "end":
            index = stock_step(ends, period.start, period.end)
            if index is not None:
                out[i] = data[index]
        else:
            weights = stock_mean_weights(ends, period.start, period.end)
            used = weights > 0
            if used.any():
                out[i] = np.tensordot(weights[used], data[used], axes=(0, 0))
    return out


def complete(period: Period, times: Any, bounds: Any | None = None) -> bool:
    """Whether the run's steps cover every day of the period."""
    starts, ends = step_edges(times, bounds)
    return bool(period.start >= starts[0] and period.end <= ends[-1])
