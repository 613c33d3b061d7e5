"""What the engine reports: its legal statuses and its output variables, as the engine declares them.

Nothing here is typed by hand: the values come from ``migsim._core.status_schema()`` and
``migsim._core.output_schema()``, the lists the engine sizes its counts and writes its output from, so they follow
the engine when a status or an output variable is added. ::

    from migsim import schema

    schema.STATUS_NAMES                     # ('at_home', 'returned', ..., 'naturalised'), the output's order
    schema.HOME_STATUSES                    # ('at_home', 'returned', 'displaced')
    ds.stock.sel(status=list(schema.ABROAD_STATUSES_EXCLUDING_NATURALISED))   # migrants abroad
    schema.OUTPUTS["remittances_usd"].units # 'USD'
    print(schema.output_reference())        # every output variable (Markdown)

Two sets of statuses abroad are in use, and they differ by one status: ``naturalised`` people live abroad but
have taken the destination's citizenship, so they are no longer migrants. :meth:`migsim.Results.summary` counts
them among the people abroad (:data:`ABROAD_STATUSES_INCLUDING_NATURALISED`); the observed migrant stocks of the
calibration targets, and the sensitivity outputs, do not (:data:`ABROAD_STATUSES_EXCLUDING_NATURALISED`).
"""

from __future__ import annotations

import dataclasses
import types
from typing import Mapping

from . import _core

__all__ = ["ABROAD_STATUSES_EXCLUDING_NATURALISED", "ABROAD_STATUSES_INCLUDING_NATURALISED", "HOME_STATUSES",
           "OUTPUTS", "OutputVariable", "display_units", "STATUSES", "STATUS_NAMES", "Status", "output_reference"]


@dataclasses.dataclass(frozen=True)
class Status:
    """A legal status of the engine (the ``status`` coordinate of ``stock``).

    Attributes:
        name: the name in the output, e.g. ``irregular``.
        code: the engine's code; the output's ``status`` axis is in code order.
        abroad: whether people in this status are outside their origin country.
        description: what the status means.
    """

    name: str
    code: int
    abroad: bool
    description: str


@dataclasses.dataclass(frozen=True)
class OutputVariable:
    """An output variable of a run, with the attributes the engine writes for it.

    Attributes:
        name: the variable's name, e.g. ``stock``.
        dims: its dimensions, ``time`` first.
        units: ``1`` (a count of people: dimensionless, as UDUNITS and CF want it) or ``USD``; see
            :func:`display_units` for labels.
        long_name: what it counts (the ``long_name`` attribute).
        standard_name: the CF standard name, or ``""``.
        cell_method: ``time: point`` (a stock at the end of the step) or ``time: sum`` (a flow over the step).
        kind: ``count``, ``money`` or ``derived`` (computed from another output).
        comment: a remark, e.g. when the value can be NaN, or ``""``.
    """

    name: str
    dims: tuple[str, ...]
    units: str
    long_name: str
    standard_name: str
    cell_method: str
    kind: str
    comment: str


STATUSES: tuple[Status, ...] = tuple(
    Status(str(s["name"]), int(s["code"]), bool(s["abroad"]), str(s["description"]))
    for s in sorted(_core.status_schema(), key=lambda s: int(s["code"])))
"""Every legal status, in the engine's order (that of the output's ``status`` coordinate)."""

STATUS_NAMES: tuple[str, ...] = tuple(s.name for s in STATUSES)
"""The names of every status, in the output's order."""

HOME_STATUSES: tuple[str, ...] = tuple(s.name for s in STATUSES if not s.abroad)
"""Statuses of people in their origin country (``at_home``, ``returned``, ``displaced``)."""

ABROAD_STATUSES_INCLUDING_NATURALISED: tuple[str, ...] = tuple(s.name for s in STATUSES if s.abroad)
"""Every status of people outside their origin country, ``naturalised`` included: the complement of
:data:`HOME_STATUSES`, what ``migrants_abroad`` of :meth:`migsim.Results.summary` counts."""

ABROAD_STATUSES_EXCLUDING_NATURALISED: tuple[str, ...] = tuple(
    name for name in ABROAD_STATUSES_INCLUDING_NATURALISED if name != "naturalised")
"""The statuses of migrants abroad: every status abroad but ``naturalised`` (people who took the destination's
citizenship are no longer migrants). The ``ABROAD`` set of the calibration targets (``targets.yaml``) and the stocks
of :func:`migsim.sensitivity_outputs`."""

OUTPUTS: Mapping[str, OutputVariable] = types.MappingProxyType({
    str(v["name"]): OutputVariable(str(v["name"]), tuple(str(d) for d in v["dims"]), str(v["units"]),
                                   str(v["long_name"]), str(v["standard_name"]), str(v["cell_method"]),
                                   str(v["kind"]), str(v["comment"]))
    for v in _core.output_schema()})
"""Every output variable of a run by name, in the order of the output file (``policy_state``, which exists only
when the scenario has events, is not among them)."""


def display_units(units: str) -> str:
    """The units for a label or a table: ``people`` for the files' ``1`` (counts of people), else as given."""
    return "people" if units == "1" else units


def output_reference() -> str:
    """Every output variable with its dimensions, units, cell method and meaning (Markdown)."""
    return str(_core.output_reference_markdown())
