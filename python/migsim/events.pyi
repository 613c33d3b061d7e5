"""Policy events as Python objects: one class per event type of the engine's schema.

The event classes below are generated from ``migsim._core.event_schema()`` by
tools/generate_stubs.py (``make docs``); the rest of this stub is hand-written.
"""

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from typing_extensions import Self, TypeAlias

DateLike: TypeAlias = str | datetime.date
"""A date: ``"YYYY-MM-DD"`` or a :class:`datetime.date` (a ``datetime`` or pandas ``Timestamp`` works too)."""

__all__ = [
    "Event",
    "EVENT_TYPES",
    "event_from_dict",
    # BEGIN GENERATED EVENT NAMES: tools/generate_stubs.py
    "Quota",
    "PermitFee",
    "RegistrationDeadline",
    "EaeuAccession",
    "Enforcement",
    "BanRule",
    "Amnesty",
    "BorderClosure",
    "ExchangeRate",
    "WageShock",
    "LabourDemandShock",
    "TransferDisruption",
    "BilateralScheme",
    "NaturalisationRule",
    "ReintegrationProgramme",
    "HomeInvestment",
    "ReturnShock",
    "Displacement",
    "SectorBan",
    # END GENERATED EVENT NAMES
]

class Event:
    """A dated policy or shock. Use a subclass (``migsim.Quota``, ``migsim.BorderClosure``, ...).

    Every event has ``start`` (a date), an optional ``end`` (inclusive), an optional ``label``
    (unique in a scenario; one is made up from the type if omitted) and an optional ``source``
    citation. The other keyword arguments are the fields of its type.
    """

    type: ClassVar[str]
    """The event type's name in a scenario file (``"quota"``)."""
    fields: ClassVar[dict[str, dict[str, Any]]]
    """The schema of the type's fields (besides start, end, label, source) by name."""
    summary: ClassVar[str]
    """One line on what the event type does."""

    # Instances of Event itself cannot be made (TypeError); the subclasses have typed signatures.
    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        label: str | None = None,
        source: str | None = None,
        **fields: Any,
    ) -> None: ...
    @classmethod
    def country_or_regions_field(cls, key: str) -> bool: ...
    @property
    def label(self) -> str | None: ...
    @property
    def start(self) -> str: ...
    @property
    def end(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_yaml(self) -> str: ...
    def replace(self, **changes: Any) -> Self: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

EVENT_TYPES: dict[str, type[Event]]
"""Every event type name (``"quota"``) with its class (``migsim.Quota``)."""

def event_from_dict(values: Mapping[str, Any]) -> Event: ...

# The fields are read-only: use `replace` for a changed copy. (Fields are looked up through
# Event.__getattr__ at run time; it is left out here so that a misspelt field is a type error.)

# BEGIN GENERATED EVENTS: tools/generate_stubs.py
class Quota(Event):
    """Annual limit on work permits for non-EAEU citizens in a destination country.

    Migrants who need a permit (citizens not in the EAEU with the destination) apply when they decide to go there, and again when a permit expires (`permits.validity_months`). Applicants of one step are served in a random priority order that depends only on the seed, the agent and the step, until the limit for the calendar year is reached; the limit (in people, so `limit / scale` agents) is never exceeded. Refused applicants go anyway as irregular migrants, or stay at home (counted in `blocked_departures`), by `on_refusal`. Events with the same country, regions, sectors and citizenships share one count of permits issued per calendar year, so a lower limit from mid-year only leaves what the earlier limit had not used up to it.

    Fields (besides start, end, label, source):
        country (country, ISO code; required): Destination country whose permits are limited.
        limit (number, people per calendar year; required): Work permits that may be issued in a calendar year.
        regions (region_list, region names; default none): Destination regions of `country` covered (default: all of them).
        sectors (sector_list, sector names; default all): Sectors covered: applicants draw the sector of the job they seek (default: all).
        citizenships (country_list, ISO codes; default all): Citizenships covered (default: every citizenship that needs a permit).
        on_refusal (choice; default irregular): What a refused applicant does: go as an irregular migrant, or stay at home.

    Example in a scenario file::

        - type: quota
          label: ru_work_permits_2014
          start: 2014-01-01
          end: 2014-12-31
          country: RU
          limit: 30000
          citizenships: [KG]
          on_refusal: irregular
    """

    type: ClassVar[Literal["quota"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str,
        limit: float,
        regions: list[str] | tuple[str, ...] | None = None,
        sectors: list[str] | tuple[str, ...] | None = None,
        citizenships: list[str] | tuple[str, ...] | None = None,
        on_refusal: Literal["irregular", "stay"] | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Annual limit on work permits for non-EAEU citizens in a destination country.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country whose permits are limited (ISO code; required).
            limit: Work permits that may be issued in a calendar year (people per calendar year; required; >= 0).
            regions: Destination regions of `country` covered (default: all of them) (region names).
            sectors: Sectors covered: applicants draw the sector of the job they seek (default: all) (sector names).
            citizenships: Citizenships covered (default: every citizenship that needs a permit) (ISO codes).
            on_refusal: What a refused applicant does: go as an irregular migrant, or stay at home (one of ``"irregular"``, ``"stay"``; default ``"irregular"``).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str:
        """Destination country whose permits are limited."""
    @property
    def limit(self) -> float:
        """Work permits that may be issued in a calendar year."""
    @property
    def regions(self) -> list[str] | None:
        """Destination regions of `country` covered (default: all of them)."""
    @property
    def sectors(self) -> list[str] | None:
        """Sectors covered: applicants draw the sector of the job they seek (default: all)."""
    @property
    def citizenships(self) -> list[str] | None:
        """Citizenships covered (default: every citizenship that needs a permit)."""
    @property
    def on_refusal(self) -> Literal["irregular", "stay"] | None:
        """What a refused applicant does: go as an irregular migrant, or stay at home."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str = ...,
        limit: float = ...,
        regions: list[str] | tuple[str, ...] | None = ...,
        sectors: list[str] | tuple[str, ...] | None = ...,
        citizenships: list[str] | tuple[str, ...] | None = ...,
        on_refusal: Literal["irregular", "stay"] | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class PermitFee(Event):
    """Monthly patent fee (and one-off cost) for non-EAEU migrants, by destination region.

    A migrant who needs a permit takes a patent on arrival with probability `exp(-permits.fee_sensitivity * fee / wage)`, with the fee and the migrant wage (the region's average wage times `behaviour.work.migrant_wage_ratio`) in the region's currency per month, and otherwise works irregularly. Holders pay the fee every step from their earnings or savings; a holder without a job who cannot pay lets the patent lapse and becomes irregular. The expected fee also lowers the destination's utility in the departure decision. The one-off `issue_cost` is added to the travel debt. The first month is paid with the patent: a newcomer without a job or savings adds the fee to the debt for 30 days before the patent can lapse. Without any `permit_fee` or `quota` in force a destination admits everyone as a `resident`, with no permit and no cost.

    Fields (besides start, end, label, source):
        country (country, ISO code; default none): Destination country (all its regions).
        regions (region_list, region names; default none): Destination regions charging this fee.
        amount (number, local currency per month; required): Monthly patent fee.
        issue_cost (number, local currency; default 0): One-off cost of obtaining the patent (medical test, translation, intermediaries).
        citizenships (country_list, ISO codes; default all): Citizenships charged (default: every citizenship that needs a permit).

    Example in a scenario file::

        - type: permit_fee
          label: moscow_patent_2015
          start: 2015-01-01
          regions: [moscow]
          amount: 4000
          issue_cost: 14500
    """

    type: ClassVar[Literal["permit_fee"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str | None = None,
        regions: list[str] | tuple[str, ...] | None = None,
        amount: float,
        issue_cost: float | None = None,
        citizenships: list[str] | tuple[str, ...] | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Monthly patent fee (and one-off cost) for non-EAEU migrants, by destination region.

        Give exactly one of ``country`` (all its regions) and ``regions``.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country (all its regions) (ISO code; give exactly one of ``country`` and ``regions``).
            regions: Destination regions charging this fee (region names; give exactly one of ``country`` and ``regions``).
            amount: Monthly patent fee (local currency per month; required; >= 0).
            issue_cost: One-off cost of obtaining the patent (medical test, translation, intermediaries) (local currency; default 0; >= 0).
            citizenships: Citizenships charged (default: every citizenship that needs a permit) (ISO codes).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str | None:
        """Destination country (all its regions)."""
    @property
    def regions(self) -> list[str] | None:
        """Destination regions charging this fee."""
    @property
    def amount(self) -> float:
        """Monthly patent fee."""
    @property
    def issue_cost(self) -> float | None:
        """One-off cost of obtaining the patent (medical test, translation, intermediaries)."""
    @property
    def citizenships(self) -> list[str] | None:
        """Citizenships charged (default: every citizenship that needs a permit)."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str | None = ...,
        regions: list[str] | tuple[str, ...] | None = ...,
        amount: float = ...,
        issue_cost: float | None = ...,
        citizenships: list[str] | tuple[str, ...] | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class RegistrationDeadline(Event):
    """Days within which an arriving EAEU worker must register, or become irregular.

    An arriving EAEU worker registers in time with probability `1 - exp(-days / permits.registration_mean_days)` and otherwise becomes irregular (overstay counted from arrival). Without a deadline in force every EAEU worker is registered.

    Fields (besides start, end, label, source):
        country (country, ISO code; required): Destination country setting the deadline.
        days (number, days; required): Registration deadline after arrival.

    Example in a scenario file::

        - type: registration_deadline
          label: ru_registration_30_days
          start: 2015-08-12
          country: RU
          days: 30
    """

    type: ClassVar[Literal["registration_deadline"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str,
        days: float,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Days within which an arriving EAEU worker must register, or become irregular.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country setting the deadline (ISO code; required).
            days: Registration deadline after arrival (days; required; 0 to 3650).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str:
        """Destination country setting the deadline."""
    @property
    def days(self) -> float:
        """Registration deadline after arrival."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str = ...,
        days: float = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class EaeuAccession(Event):
    """A country joins the Eurasian Economic Union (free movement of labour among members).

    From `start` (until `end`, if the country leaves), citizens of a member country working in another member country need no permit or quota: they are EAEU workers subject only to registration. Patent holders of the acceding country in member countries become EAEU workers on the date. Declare every member, including destination countries.

    Fields (besides start, end, label, source):
        country (country, ISO code; required): The member country.

    Example in a scenario file::

        - type: eaeu_accession
          label: kyrgyzstan_joins
          start: 2015-08-12
          country: KG
    """

    type: ClassVar[Literal["eaeu_accession"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """A country joins the Eurasian Economic Union (free movement of labour among members).

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: The member country (ISO code; required).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str:
        """The member country."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class Enforcement(Event):
    """Detection rate of irregular migrants by destination region.

    Each irregular migrant in a covered region is detected with the step probability of the annual hazard `rate`. A detected migrant is detained for `enforcement.detention_days` and then deported (ban rules apply); a share `conviction_share` is instead convicted and held in place for `conviction_years`, then deported. Without enforcement in force, `enforcement.base_detection_rate` applies.

    Fields (besides start, end, label, source):
        country (country, ISO code; default none): Destination country (all its regions).
        regions (region_list, region names; default none): Destination regions covered.
        rate (number, 1/year; required): Detection hazard of an irregular migrant.
        conviction_share (number, fraction; default 0): Share of detections ending in a prison term.
        conviction_years (number, years; default 1): Length of the prison term, during which the migrant cannot leave.

    Example in a scenario file::

        - type: enforcement
          label: kz_after_2016
          start: 2016-07-01
          country: KZ
          rate: 0.3
          conviction_share: 0.01
          conviction_years: 3
    """

    type: ClassVar[Literal["enforcement"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str | None = None,
        regions: list[str] | tuple[str, ...] | None = None,
        rate: float,
        conviction_share: float | None = None,
        conviction_years: float | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Detection rate of irregular migrants by destination region.

        Give exactly one of ``country`` (all its regions) and ``regions``.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country (all its regions) (ISO code; give exactly one of ``country`` and ``regions``).
            regions: Destination regions covered (region names; give exactly one of ``country`` and ``regions``).
            rate: Detection hazard of an irregular migrant (1/year; required; 0 to 365).
            conviction_share: Share of detections ending in a prison term (fraction; default 0; 0 to 1).
            conviction_years: Length of the prison term, during which the migrant cannot leave (years; default 1; 0 to 50).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str | None:
        """Destination country (all its regions)."""
    @property
    def regions(self) -> list[str] | None:
        """Destination regions covered."""
    @property
    def rate(self) -> float:
        """Detection hazard of an irregular migrant."""
    @property
    def conviction_share(self) -> float | None:
        """Share of detections ending in a prison term."""
    @property
    def conviction_years(self) -> float | None:
        """Length of the prison term, during which the migrant cannot leave."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str | None = ...,
        regions: list[str] | tuple[str, ...] | None = ...,
        rate: float = ...,
        conviction_share: float | None = ...,
        conviction_years: float | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class BanRule(Event):
    """Entry ban of N years after deportation or overstay.

    While the rule is in force, a migrant deported from `country` (`on: deportation`), or an irregular migrant who leaves it after at least `min_overstay_days` of irregular stay (`on: overstay`), is banned from re-entering it for `years`. Overstay rules with different `min_overstay_days` are tiers (up to 4): the one with the longest minimum that the stay reached applies, to a `share` of the leavers. A banned person who chooses that country is blocked and stays at home (`blocked_departures`).

    Fields (besides start, end, label, source):
        country (country, ISO code; required): Country imposing the ban.
        on (choice; required): What triggers the ban.
        years (number, years; required): Length of the ban.
        min_overstay_days (number, days; default 0): Overstay: irregular stay needed before a ban applies.
        share (number, fraction; default 1): Overstay: share of the qualifying leavers who are banned (exit checks and records are incomplete: many leave by land through a third country).
        citizenships (country_list, ISO codes; default all): Citizenships the rule applies to.

    Example in a scenario file::

        - type: ban_rule
          label: ru_overstay_ban
          start: 2014-01-01
          country: RU
          on: overstay
          years: 3
          min_overstay_days: 30
    """

    type: ClassVar[Literal["ban_rule"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str,
        on: Literal["deportation", "overstay"],
        years: float,
        min_overstay_days: float | None = None,
        share: float | None = None,
        citizenships: list[str] | tuple[str, ...] | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Entry ban of N years after deportation or overstay.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Country imposing the ban (ISO code; required).
            on: What triggers the ban (one of ``"deportation"``, ``"overstay"``; required).
            years: Length of the ban (years; required; 0 to 100).
            min_overstay_days: Overstay: irregular stay needed before a ban applies (days; default 0; 0 to 36500).
            share: Overstay: share of the qualifying leavers who are banned (exit checks and records are incomplete: many leave by land through a third country) (fraction; default 1; 0 to 1).
            citizenships: Citizenships the rule applies to (ISO codes; default all).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str:
        """Country imposing the ban."""
    @property
    def on(self) -> Literal["deportation", "overstay"]:
        """What triggers the ban."""
    @property
    def years(self) -> float:
        """Length of the ban."""
    @property
    def min_overstay_days(self) -> float | None:
        """Overstay: irregular stay needed before a ban applies."""
    @property
    def share(self) -> float | None:
        """Overstay: share of the qualifying leavers who are banned (exit checks and records are incomplete: many leave by land through a third country)."""
    @property
    def citizenships(self) -> list[str] | None:
        """Citizenships the rule applies to."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str = ...,
        on: Literal["deportation", "overstay"] = ...,
        years: float = ...,
        min_overstay_days: float | None = ...,
        share: float | None = ...,
        citizenships: list[str] | tuple[str, ...] | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class Amnesty(Event):
    """Entry bans of some citizenships lifted on a date.

    In the step containing `start`, bans imposed by `country` on citizens of `citizenships` are lifted, each with probability `share` (the 2017-2019 and 2022 Russian amnesties cleared part of the list; court-ordered bans stayed).

    Fields (besides start, end, label, source):
        country (country, ISO code; required): Country lifting its bans.
        citizenships (country_list, ISO codes; required): Citizenships whose bans are lifted.
        share (number, fraction; default 1): Share of the bans lifted.

    Example in a scenario file::

        - type: amnesty
          label: ru_amnesty_2022
          start: 2022-07-27
          country: RU
          citizenships: [KG]
    """

    type: ClassVar[Literal["amnesty"]]

    def __init__(
        self,
        start: str | datetime.date,
        *,
        country: str,
        citizenships: list[str] | tuple[str, ...],
        share: float | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Entry bans of some citizenships lifted on a date.

        A amnesty has no ``end``: it happens once, in the step containing ``start``.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            country: Country lifting its bans (ISO code; required).
            citizenships: Citizenships whose bans are lifted (ISO codes; required).
            share: Share of the bans lifted (fraction; default 1; 0 to 1).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str:
        """Country lifting its bans."""
    @property
    def citizenships(self) -> list[str]:
        """Citizenships whose bans are lifted."""
    @property
    def share(self) -> float | None:
        """Share of the bans lifted."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        country: str = ...,
        citizenships: list[str] | tuple[str, ...] = ...,
        share: float | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class BorderClosure(Event):
    """Border closed between two countries, with exemptions and evacuation capacity.

    While in force, nobody crosses between the two countries in the directions not exempted: would-be migrants are blocked (`blocked_departures`); migrants who decide to return wait for the border if employed or with savings to wait (`behaviour.return.closure_hold_out_weeks`), and the others become stranded (`stranded`), keep paying living costs and do not work; deportations wait in detention. Each step, `evacuation_capacity` (per week, prorated to the step length) brings stranded people home in order of waiting time (ties in a seeded random order), from `evacuation_from` on (organising the first flights and buses takes weeks); `evacuation_schedule` changes the capacity from given dates on (flights and buses organised week by week), to the closure's end or the later `evacuation_until`. When the border reopens the stranded go home over the following weeks (`behaviour.return.reopening_rate`), and those who do not keep their place in the queue while the evacuation lasts.

    Fields (besides start, end, label, source):
        countries (country_list, two ISO codes; required): The two countries whose common border closes.
        exemptions (choice_list; default []): Crossings still allowed: `departures` (outward from the origin country), `returns` (home), `deportations`.
        evacuation_capacity (number, people per week; default 0): Charter flights and buses home for stranded people.
        evacuation_from (optional_date; default none): The first day of organised evacuation (from the first step that starts on or after it); before it nobody is evacuated, so the stranded queue. Without it evacuation runs from the closure's start. A planner's what-if on the size of the airlift changes `evacuation_capacity` and keeps this date.
        evacuation_until (optional_date; default none): The last day of organised evacuation if the border reopens before it (the steps that start on or before it): after the closure's end the seats keep serving those stranded during it (who otherwise go home at `behaviour.return.reopening_rate`), so a closure shortened in a what-if does not leave its stranded without seats. Evacuation lasts to the end or to this day, whichever is later (a longer closure keeps its airlift; to stop it early, an `evacuation_schedule` entry of capacity 0). Without it evacuation ends with the closure. Needs an `end`.
        evacuation_schedule (schedule, people per week; default none): The evacuation capacity from each date on (from the first step that starts on or after it), as a list of `{from: DATE, capacity: N}` with dates increasing, none before `evacuation_from`; before the first date `evacuation_capacity` applies. Evacuations that build up over weeks, e.g. `[{from: 2020-04-10, capacity: 500}, {from: 2020-05-15, capacity: 2500}]`.

    Example in a scenario file::

        - type: border_closure
          label: covid_closure_ru
          start: 2020-03-20
          end: 2020-08-01
          countries: [KG, RU]
          evacuation_capacity: 2000
    """

    type: ClassVar[Literal["border_closure"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        countries: list[str] | tuple[str, ...],
        exemptions: list[Literal["departures", "returns", "deportations"]] | tuple[Literal["departures", "returns", "deportations"], ...] | None = None,
        evacuation_capacity: float | None = None,
        evacuation_from: str | datetime.date | None = None,
        evacuation_until: str | datetime.date | None = None,
        evacuation_schedule: list[Mapping[str, Any]] | tuple[Mapping[str, Any], ...] | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Border closed between two countries, with exemptions and evacuation capacity.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            countries: The two countries whose common border closes (two ISO codes; required).
            exemptions: Crossings still allowed: `departures` (outward from the origin country), `returns` (home), `deportations` (a list of ``"departures"``, ``"returns"``, ``"deportations"``; default []).
            evacuation_capacity: Charter flights and buses home for stranded people (people per week; default 0; >= 0).
            evacuation_from: The first day of organised evacuation (from the first step that starts on or after it); before it nobody is evacuated, so the stranded queue. Without it evacuation runs from the closure's start. A planner's what-if on the size of the airlift changes `evacuation_capacity` and keeps this date.
            evacuation_until: The last day of organised evacuation if the border reopens before it (the steps that start on or before it): after the closure's end the seats keep serving those stranded during it (who otherwise go home at `behaviour.return.reopening_rate`), so a closure shortened in a what-if does not leave its stranded without seats. Evacuation lasts to the end or to this day, whichever is later (a longer closure keeps its airlift; to stop it early, an `evacuation_schedule` entry of capacity 0). Without it evacuation ends with the closure. Needs an `end`.
            evacuation_schedule: The evacuation capacity from each date on (from the first step that starts on or after it), as a list of `{from: DATE, capacity: N}` with dates increasing, none before `evacuation_from`; before the first date `evacuation_capacity` applies. Evacuations that build up over weeks, e.g. `[{from: 2020-04-10, capacity: 500}, {from: 2020-05-15, capacity: 2500}]` (people per week).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def countries(self) -> list[str]:
        """The two countries whose common border closes."""
    @property
    def exemptions(self) -> list[Literal["departures", "returns", "deportations"]] | None:
        """Crossings still allowed: `departures` (outward from the origin country), `returns` (home), `deportations`."""
    @property
    def evacuation_capacity(self) -> float | None:
        """Charter flights and buses home for stranded people."""
    @property
    def evacuation_from(self) -> str | None:
        """The first day of organised evacuation (from the first step that starts on or after it); before it nobody is evacuated, so the stranded queue. Without it evacuation runs from the closure's start. A planner's what-if on the size of the airlift changes `evacuation_capacity` and keeps this date."""
    @property
    def evacuation_until(self) -> str | None:
        """The last day of organised evacuation if the border reopens before it (the steps that start on or before it): after the closure's end the seats keep serving those stranded during it (who otherwise go home at `behaviour.return.reopening_rate`), so a closure shortened in a what-if does not leave its stranded without seats. Evacuation lasts to the end or to this day, whichever is later (a longer closure keeps its airlift; to stop it early, an `evacuation_schedule` entry of capacity 0). Without it evacuation ends with the closure. Needs an `end`."""
    @property
    def evacuation_schedule(self) -> list[dict[str, Any]] | None:
        """The evacuation capacity from each date on (from the first step that starts on or after it), as a list of `{from: DATE, capacity: N}` with dates increasing, none before `evacuation_from`; before the first date `evacuation_capacity` applies. Evacuations that build up over weeks, e.g. `[{from: 2020-04-10, capacity: 500}, {from: 2020-05-15, capacity: 2500}]`."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        countries: list[str] | tuple[str, ...] = ...,
        exemptions: list[Literal["departures", "returns", "deportations"]] | tuple[Literal["departures", "returns", "deportations"], ...] | None = ...,
        evacuation_capacity: float | None = ...,
        evacuation_from: str | datetime.date | None = ...,
        evacuation_until: str | datetime.date | None = ...,
        evacuation_schedule: list[Mapping[str, Any]] | tuple[Mapping[str, Any], ...] | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class ExchangeRate(Event):
    """Multiplier on a currency's units per USD.

    Multiplies the exchange-rate table of `currency` while in force (factor > 1 weakens the currency): it changes wages in USD, remittances and the exchange-rate loss in the return hazard.

    Fields (besides start, end, label, source):
        currency (currency, ISO 4217; required): Currency affected.
        factor (number, multiplier; required): Multiplier on units of currency per USD.

    Example in a scenario file::

        - type: exchange_rate
          label: rouble_falls
          start: 2026-01-01
          currency: RUB
          factor: 1.5
    """

    type: ClassVar[Literal["exchange_rate"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        currency: str,
        factor: float,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Multiplier on a currency's units per USD.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            currency: Currency affected (ISO 4217; required).
            factor: Multiplier on units of currency per USD (multiplier; required; 0 to 1000).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def currency(self) -> str:
        """Currency affected."""
    @property
    def factor(self) -> float:
        """Multiplier on units of currency per USD."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        currency: str = ...,
        factor: float = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class WageShock(Event):
    """Multiplier on wages by destination region and sector.

    Multiplies the wage table of the covered regions (for the covered sectors) while in force, in the earnings of migrants and in the expected income of the destination choice. Factors of overlapping shocks multiply.

    Fields (besides start, end, label, source):
        country (country, ISO code; default none): Destination country (all its regions).
        regions (region_list, region names; default none): Destination regions covered.
        sectors (sector_list, sector names; default all): Sectors covered.
        factor (number, multiplier; required): Multiplier on wages.

    Example in a scenario file::

        - type: wage_shock
          label: construction_slump
          start: 2015-01-01
          end: 2015-12-31
          country: RU
          sectors: [construction]
          factor: 0.8
    """

    type: ClassVar[Literal["wage_shock"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str | None = None,
        regions: list[str] | tuple[str, ...] | None = None,
        sectors: list[str] | tuple[str, ...] | None = None,
        factor: float,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Multiplier on wages by destination region and sector.

        Give exactly one of ``country`` (all its regions) and ``regions``.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country (all its regions) (ISO code; give exactly one of ``country`` and ``regions``).
            regions: Destination regions covered (region names; give exactly one of ``country`` and ``regions``).
            sectors: Sectors covered (sector names; default all).
            factor: Multiplier on wages (multiplier; required; 0 to 1000).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str | None:
        """Destination country (all its regions)."""
    @property
    def regions(self) -> list[str] | None:
        """Destination regions covered."""
    @property
    def sectors(self) -> list[str] | None:
        """Sectors covered."""
    @property
    def factor(self) -> float:
        """Multiplier on wages."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str | None = ...,
        regions: list[str] | tuple[str, ...] | None = ...,
        sectors: list[str] | tuple[str, ...] | None = ...,
        factor: float = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class LabourDemandShock(Event):
    """Multiplier on labour demand by destination region and sector.

    While in force, job finding in the covered regions is multiplied by the demand factor (sectors weighted by their shares) and job loss in a covered sector is divided by it; the job chance in the destination choice moves with it. A sudden shock (a lockdown) also acts on existing jobs: `layoff_rate` ends that share of the jobs in the covered regions and sectors each week (lay-offs, closures), and `unpaid_share` of the pay of the jobs that remain is not received (unpaid leave, wage arrears), so earnings and remittances fall within the week. When it ends, `recall_share` of those out of work in the covered regions whose last job was in a covered sector get that job back in the step that holds the first day after the end (employers reopening call back their staff). Factors of overlapping shocks multiply.

    Fields (besides start, end, label, source):
        country (country, ISO code; default none): Destination country (all its regions).
        regions (region_list, region names; default none): Destination regions covered.
        sectors (sector_list, sector names; default all): Sectors covered.
        factor (number, multiplier; required): Multiplier on labour demand.
        layoff_rate (number, fraction per week; default 0): Share of the jobs in the covered regions and sectors that end each week while in force.
        unpaid_share (number, fraction; default 0): Share of the pay of the remaining jobs not received while in force (unpaid leave, arrears).
        recall_share (number, fraction; default 0): Share of those out of work in the covered regions, last employed in a covered sector, who get that job back once the shock ends (needs an `end`).

    Example in a scenario file::

        - type: labour_demand_shock
          label: covid_demand
          start: 2020-04-01
          end: 2020-09-30
          country: RU
          factor: 0.5
          layoff_rate: 0.05
          unpaid_share: 0.2
          recall_share: 0.5
    """

    type: ClassVar[Literal["labour_demand_shock"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str | None = None,
        regions: list[str] | tuple[str, ...] | None = None,
        sectors: list[str] | tuple[str, ...] | None = None,
        factor: float,
        layoff_rate: float | None = None,
        unpaid_share: float | None = None,
        recall_share: float | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Multiplier on labour demand by destination region and sector.

        Give exactly one of ``country`` (all its regions) and ``regions``.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country (all its regions) (ISO code; give exactly one of ``country`` and ``regions``).
            regions: Destination regions covered (region names; give exactly one of ``country`` and ``regions``).
            sectors: Sectors covered (sector names; default all).
            factor: Multiplier on labour demand (multiplier; required; 0 to 1000).
            layoff_rate: Share of the jobs in the covered regions and sectors that end each week while in force (fraction per week; default 0; 0 to 1).
            unpaid_share: Share of the pay of the remaining jobs not received while in force (unpaid leave, arrears) (fraction; default 0; 0 to 1).
            recall_share: Share of those out of work in the covered regions, last employed in a covered sector, who get that job back once the shock ends (needs an `end`) (fraction; default 0; 0 to 1).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str | None:
        """Destination country (all its regions)."""
    @property
    def regions(self) -> list[str] | None:
        """Destination regions covered."""
    @property
    def sectors(self) -> list[str] | None:
        """Sectors covered."""
    @property
    def factor(self) -> float:
        """Multiplier on labour demand."""
    @property
    def layoff_rate(self) -> float | None:
        """Share of the jobs in the covered regions and sectors that end each week while in force."""
    @property
    def unpaid_share(self) -> float | None:
        """Share of the pay of the remaining jobs not received while in force (unpaid leave, arrears)."""
    @property
    def recall_share(self) -> float | None:
        """Share of those out of work in the covered regions, last employed in a covered sector, who get that job back once the shock ends (needs an `end`)."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str | None = ...,
        regions: list[str] | tuple[str, ...] | None = ...,
        sectors: list[str] | tuple[str, ...] | None = ...,
        factor: float = ...,
        layoff_rate: float | None = ...,
        unpaid_share: float | None = ...,
        recall_share: float | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class TransferDisruption(Event):
    """Remittances from destination regions held back for a while (transfer points closed).

    While in force, `held_share` of what migrants in the covered regions would send home cannot be sent (money-transfer points and banks closed in a lockdown, couriers and travellers who carry cash stopped at a closed border): it is held, outside the migrants' savings, and sent once no disruption covers the region, each week a share 1 - exp(-1 / `behaviour.remittances.catch_up_weeks`) of what is held, so the transfers missed come home later instead of being lost. The output `remittances_held_usd` is what is held at the end of each step. Shares of overlapping disruptions combine like independent losses.

    Fields (besides start, end, label, source):
        country (country, ISO code; default none): Destination country (all its regions).
        regions (region_list, region names; default none): Destination regions covered.
        held_share (number, fraction; required): Share of the remittances from the covered regions that cannot be sent while in force.

    Example in a scenario file::

        - type: transfer_disruption
          label: transfer_points_closed
          start: 2020-03-30
          end: 2020-05-11
          country: RU
          held_share: 0.4
    """

    type: ClassVar[Literal["transfer_disruption"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str | None = None,
        regions: list[str] | tuple[str, ...] | None = None,
        held_share: float,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Remittances from destination regions held back for a while (transfer points closed).

        Give exactly one of ``country`` (all its regions) and ``regions``.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country (all its regions) (ISO code; give exactly one of ``country`` and ``regions``).
            regions: Destination regions covered (region names; give exactly one of ``country`` and ``regions``).
            held_share: Share of the remittances from the covered regions that cannot be sent while in force (fraction; required; 0 to 1).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str | None:
        """Destination country (all its regions)."""
    @property
    def regions(self) -> list[str] | None:
        """Destination regions covered."""
    @property
    def held_share(self) -> float:
        """Share of the remittances from the covered regions that cannot be sent while in force."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str | None = ...,
        regions: list[str] | tuple[str, ...] | None = ...,
        held_share: float = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class BilateralScheme(Event):
    """Fixed places per year of fixed duration to one destination (seasonal or employment-permit schemes).

    People at home of the covered citizenships apply at `application_rate`; applicants of a step are recruited in seeded random order while the calendar year's places last. Recruits travel at the scheme's cost, work in `sector` for `duration_months` as scheme workers and then go home (or stay on as irregular migrants with probability `overstay_share`). The route need not exist in routes.csv.

    Fields (besides start, end, label, source):
        region (region, region name; required): Destination region of the scheme.
        places (number, people per calendar year; required): Places per year.
        duration_months (number, months; required): Length of a stay.
        citizenships (country_list, ISO codes; default all): Citizenships eligible.
        sector (sector, sector name; default first sector): Sector of the scheme's jobs.
        application_rate (number, 1/year; default 0.05): Hazard with which an eligible person at home applies.
        overstay_share (number, fraction; default 0): Share of workers who stay on irregularly at the end of the stay.
        travel_cost_usd (number, USD; default 0): Travel cost paid by the worker (employer-paid: 0).

    Example in a scenario file::

        - type: bilateral_scheme
          label: uk_seasonal_pilot
          start: 2022-01-01
          region: other
          places: 1000
          duration_months: 6
          citizenships: [KG]
          sector: agriculture
    """

    type: ClassVar[Literal["bilateral_scheme"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        region: str,
        places: float,
        duration_months: float,
        citizenships: list[str] | tuple[str, ...] | None = None,
        sector: str | None = None,
        application_rate: float | None = None,
        overstay_share: float | None = None,
        travel_cost_usd: float | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Fixed places per year of fixed duration to one destination (seasonal or employment-permit schemes).

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            region: Destination region of the scheme (region name; required).
            places: Places per year (people per calendar year; required; >= 0).
            duration_months: Length of a stay (months; required; 0.25 to 120).
            citizenships: Citizenships eligible (ISO codes; default all).
            sector: Sector of the scheme's jobs (sector name; default first sector).
            application_rate: Hazard with which an eligible person at home applies (1/year; default 0.05; 0 to 365).
            overstay_share: Share of workers who stay on irregularly at the end of the stay (fraction; default 0; 0 to 1).
            travel_cost_usd: Travel cost paid by the worker (employer-paid: 0) (USD; default 0; >= 0).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def region(self) -> str:
        """Destination region of the scheme."""
    @property
    def places(self) -> float:
        """Places per year."""
    @property
    def duration_months(self) -> float:
        """Length of a stay."""
    @property
    def citizenships(self) -> list[str] | None:
        """Citizenships eligible."""
    @property
    def sector(self) -> str | None:
        """Sector of the scheme's jobs."""
    @property
    def application_rate(self) -> float | None:
        """Hazard with which an eligible person at home applies."""
    @property
    def overstay_share(self) -> float | None:
        """Share of workers who stay on irregularly at the end of the stay."""
    @property
    def travel_cost_usd(self) -> float | None:
        """Travel cost paid by the worker (employer-paid: 0)."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        region: str = ...,
        places: float = ...,
        duration_months: float = ...,
        citizenships: list[str] | tuple[str, ...] | None = ...,
        sector: str | None = ...,
        application_rate: float | None = ...,
        overstay_share: float | None = ...,
        travel_cost_usd: float | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class NaturalisationRule(Event):
    """Legal residents acquire citizenship.

    While in force, legal residents (EAEU workers, permit holders and residents of countries without a permit regime) of the covered citizenships who have been abroad at least `min_years` naturalise at the annual hazard `rate`. Naturalised people stay where they are and leave the migrant population; they are reported with status `naturalised`.

    Fields (besides start, end, label, source):
        country (country, ISO code; required): Country granting citizenship.
        rate (number, 1/year; required): Naturalisation hazard of an eligible resident.
        min_years (number, years; default 0): Time abroad needed before.
        citizenships (country_list, ISO codes; default all): Citizenships covered.

    Example in a scenario file::

        - type: naturalisation_rule
          label: ru_citizenship
          start: 2010-01-01
          country: RU
          rate: 0.03
          min_years: 3
    """

    type: ClassVar[Literal["naturalisation_rule"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str,
        rate: float,
        min_years: float | None = None,
        citizenships: list[str] | tuple[str, ...] | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Legal residents acquire citizenship.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Country granting citizenship (ISO code; required).
            rate: Naturalisation hazard of an eligible resident (1/year; required; 0 to 365).
            min_years: Time abroad needed before (years; default 0; 0 to 100).
            citizenships: Citizenships covered (ISO codes; default all).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str:
        """Country granting citizenship."""
    @property
    def rate(self) -> float:
        """Naturalisation hazard of an eligible resident."""
    @property
    def min_years(self) -> float | None:
        """Time abroad needed before."""
    @property
    def citizenships(self) -> list[str] | None:
        """Citizenships covered."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str = ...,
        rate: float = ...,
        min_years: float | None = ...,
        citizenships: list[str] | tuple[str, ...] | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class ReintegrationProgramme(Event):
    """Support for returnees that lowers re-migration.

    Multiplies the departure hazard of returnees (people at home who have migrated before) from the covered origin regions while in force.

    Fields (besides start, end, label, source):
        regions (region_list, origin region names; default all origins): Origin regions covered.
        remigration_factor (number, multiplier; required): Multiplier on returnees' departure hazard.

    Example in a scenario file::

        - type: reintegration_programme
          label: migrant_ishker
          start: 2019-01-01
          end: 2019-12-31
          regions: [osh_oblast]
          remigration_factor: 0.9
    """

    type: ClassVar[Literal["reintegration_programme"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        regions: list[str] | tuple[str, ...] | None = None,
        remigration_factor: float,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Support for returnees that lowers re-migration.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            regions: Origin regions covered (origin region names; default all origins).
            remigration_factor: Multiplier on returnees' departure hazard (multiplier; required; 0 to 1000).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def regions(self) -> list[str] | None:
        """Origin regions covered."""
    @property
    def remigration_factor(self) -> float:
        """Multiplier on returnees' departure hazard."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        regions: list[str] | tuple[str, ...] | None = ...,
        remigration_factor: float = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class HomeInvestment(Event):
    """Home-region wage or job uplift.

    Multiplies wages and unemployment of the covered origin regions in the home utility of the departure decision while in force.

    Fields (besides start, end, label, source):
        regions (region_list, origin region names; required): Origin regions covered.
        wage_factor (number, multiplier; default 1): Multiplier on home wages.
        unemployment_factor (number, multiplier; default 1): Multiplier on home unemployment.

    Example in a scenario file::

        - type: home_investment
          label: decree_4
          start: 2021-01-29
          regions: [batken]
          wage_factor: 1.05
          unemployment_factor: 0.9
    """

    type: ClassVar[Literal["home_investment"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        regions: list[str] | tuple[str, ...],
        wage_factor: float | None = None,
        unemployment_factor: float | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Home-region wage or job uplift.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            regions: Origin regions covered (origin region names; required).
            wage_factor: Multiplier on home wages (multiplier; default 1; 0 to 1000).
            unemployment_factor: Multiplier on home unemployment (multiplier; default 1; 0 to 1000).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def regions(self) -> list[str]:
        """Origin regions covered."""
    @property
    def wage_factor(self) -> float | None:
        """Multiplier on home wages."""
    @property
    def unemployment_factor(self) -> float | None:
        """Multiplier on home unemployment."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        regions: list[str] | tuple[str, ...] = ...,
        wage_factor: float | None = ...,
        unemployment_factor: float | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class ReturnShock(Event):
    """Multiplier on the return hazard (and departures) of citizens in one destination country.

    While in force, the return hazard of migrants of the covered citizenships and `statuses` in `country` is multiplied by `return_factor`, and their departures towards `country` by `departure_factor` (the other destinations' shares rise accordingly; departures have no status). A shock that covers both statuses also multiplies the hazard at which the stranded go home once the border reopens.

    Fields (besides start, end, label, source):
        country (country, ISO code; required): Destination country.
        citizenships (country_list, ISO codes; required): Citizenships affected.
        return_factor (number, multiplier; default 1): Multiplier on the return hazard.
        departure_factor (number, multiplier; default 1): Multiplier on departures to `country`.
        statuses (choice_list; default [legal, irregular]): Whose returns: `legal` (residents, EAEU workers, permit holders) and `irregular` (no legal grounds to stay, e.g. those on Russia's register of controlled persons).

    Example in a scenario file::

        - type: return_shock
          label: mobilisation_fear
          start: 2022-09-21
          end: 2022-12-31
          country: RU
          citizenships: [KG]
          return_factor: 3
          departure_factor: 0.5
    """

    type: ClassVar[Literal["return_shock"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str,
        citizenships: list[str] | tuple[str, ...],
        return_factor: float | None = None,
        departure_factor: float | None = None,
        statuses: list[Literal["legal", "irregular"]] | tuple[Literal["legal", "irregular"], ...] | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Multiplier on the return hazard (and departures) of citizens in one destination country.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country (ISO code; required).
            citizenships: Citizenships affected (ISO codes; required).
            return_factor: Multiplier on the return hazard (multiplier; default 1; 0 to 1000).
            departure_factor: Multiplier on departures to `country` (multiplier; default 1; 0 to 1000).
            statuses: Whose returns: `legal` (residents, EAEU workers, permit holders) and `irregular` (no legal grounds to stay, e.g. those on Russia's register of controlled persons) (a list of ``"legal"``, ``"irregular"``; default [legal, irregular]).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str:
        """Destination country."""
    @property
    def citizenships(self) -> list[str]:
        """Citizenships affected."""
    @property
    def return_factor(self) -> float | None:
        """Multiplier on the return hazard."""
    @property
    def departure_factor(self) -> float | None:
        """Multiplier on departures to `country`."""
    @property
    def statuses(self) -> list[Literal["legal", "irregular"]] | None:
        """Whose returns: `legal` (residents, EAEU workers, permit holders) and `irregular` (no legal grounds to stay, e.g. those on Russia's register of controlled persons)."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str = ...,
        citizenships: list[str] | tuple[str, ...] = ...,
        return_factor: float | None = ...,
        departure_factor: float | None = ...,
        statuses: list[Literal["legal", "irregular"]] | tuple[Literal["legal", "irregular"], ...] | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class Displacement(Event):
    """Conflict or disaster forcing part of an origin region's population to move for a period.

    Over the event period a share `share` of the region's people at home is displaced (spread evenly over the steps). A share `abroad_share` of them leave the country like other migrants; the rest move to the origin region `to` with status `displaced` and go home when the event ends. Migrants from the region return at `return_factor` times their usual hazard meanwhile.

    Fields (besides start, end, label, source):
        region (region, origin region name; required): Region hit.
        share (number, fraction; required): Share of the region's people at home displaced over the period.
        to (region, origin region name; default none): Receiving origin region (required unless `abroad_share` is 1).
        abroad_share (number, fraction; default 0): Share of the displaced who leave the country.
        return_factor (number, multiplier; default 1): Return hazard multiplier for the region's migrants.

    Example in a scenario file::

        - type: displacement
          label: batken_2021
          start: 2021-04-28
          end: 2021-06-30
          region: batken
          share: 0.05
          to: osh_oblast
          abroad_share: 0.1
    """

    type: ClassVar[Literal["displacement"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date,
        *,
        region: str,
        share: float,
        to: str | None = None,
        abroad_share: float | None = None,
        return_factor: float | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Conflict or disaster forcing part of an origin region's population to move for a period.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (required).
            region: Region hit (origin region name; required).
            share: Share of the region's people at home displaced over the period (fraction; required; 0 to 1).
            to: Receiving origin region (required unless `abroad_share` is 1) (origin region name).
            abroad_share: Share of the displaced who leave the country (fraction; default 0; 0 to 1).
            return_factor: Return hazard multiplier for the region's migrants (multiplier; default 1; 0 to 1000).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def region(self) -> str:
        """Region hit."""
    @property
    def share(self) -> float:
        """Share of the region's people at home displaced over the period."""
    @property
    def to(self) -> str | None:
        """Receiving origin region (required unless `abroad_share` is 1)."""
    @property
    def abroad_share(self) -> float | None:
        """Share of the displaced who leave the country."""
    @property
    def return_factor(self) -> float | None:
        """Return hazard multiplier for the region's migrants."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date = ...,
        region: str = ...,
        share: float = ...,
        to: str | None = ...,
        abroad_share: float | None = ...,
        return_factor: float | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""


class SectorBan(Event):
    """Destination regions close sectors to foreign workers of some legal statuses (and citizenships).

    While in force, workers of the covered statuses and citizenships in the covered regions lose a job in a barred sector in the first step of the ban, and cannot take one: a job offer they draw in a barred sector (offers come from the sectors in proportion to demand) is closed to them, so they find work only in the other sectors, at the rate of those sectors' share. Without work they spend savings and return home at the unemployed return hazard. The default covers patent holders (`permit_holder`), as the Russian regional bans do; EAEU workers are not covered unless listed. With `share` below 1 the ban closes that part of each listed sector's jobs (some of its trades: taxis among services, drinks and tobacco shops in trade): that part of the offers is closed, and that part of the covered workers employed in the sector lose their job in the step holding the start (only then: a worker who keeps a job keeps it). Destination choice does not yet anticipate a ban.

    Fields (besides start, end, label, source):
        country (country, ISO code; default none): Destination country (all its regions).
        regions (region_list, region names; default none): Destination regions barring.
        sectors (sector_list, sector names; required): Sectors closed to the covered workers.
        statuses (choice_list; default [permit_holder]): Legal statuses covered.
        citizenships (country_list, ISO codes; default all): Citizenships covered (default: all).
        share (number, fraction; default 1): Part of each listed sector's jobs closed (1: the whole sector; below 1: some of its trades).

    Example in a scenario file::

        - type: sector_ban
          label: tyumen_transport_ban
          start: 2022-01-01
          regions: [tyumen_khmao]
          sectors: [services]
          statuses: [permit_holder]
    """

    type: ClassVar[Literal["sector_ban"]]

    def __init__(
        self,
        start: str | datetime.date,
        end: str | datetime.date | None = None,
        *,
        country: str | None = None,
        regions: list[str] | tuple[str, ...] | None = None,
        sectors: list[str] | tuple[str, ...],
        statuses: list[Literal["resident", "eaeu_worker", "permit_holder", "irregular", "scheme_worker"]] | tuple[Literal["resident", "eaeu_worker", "permit_holder", "irregular", "scheme_worker"], ...] | None = None,
        citizenships: list[str] | tuple[str, ...] | None = None,
        share: float | None = None,
        label: str | None = None,
        source: str | None = None,
    ) -> None:
        """Destination regions close sectors to foreign workers of some legal statuses (and citizenships).

        Give exactly one of ``country`` (all its regions) and ``regions``.

        Args:
            start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`.
            end: last day in force, inclusive (default: open-ended).
            country: Destination country (all its regions) (ISO code; give exactly one of ``country`` and ``regions``).
            regions: Destination regions barring (region names; give exactly one of ``country`` and ``regions``).
            sectors: Sectors closed to the covered workers (sector names; required).
            statuses: Legal statuses covered (a list of ``"resident"``, ``"eaeu_worker"``, ``"permit_holder"``, ``"irregular"``, ``"scheme_worker"``; default [permit_holder]).
            citizenships: Citizenships covered (default: all) (ISO codes).
            share: Part of each listed sector's jobs closed (1: the whole sector; below 1: some of its trades) (fraction; default 1; 0 to 1).
            label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).
            source: citation for the event.

        Raises:
            TypeError: an unknown field, a missing required field or a value of the wrong type.

        The engine checks names, ranges and dates when the event is added to a scenario
        (:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`).
        """
    @property
    def country(self) -> str | None:
        """Destination country (all its regions)."""
    @property
    def regions(self) -> list[str] | None:
        """Destination regions barring."""
    @property
    def sectors(self) -> list[str]:
        """Sectors closed to the covered workers."""
    @property
    def statuses(self) -> list[Literal["resident", "eaeu_worker", "permit_holder", "irregular", "scheme_worker"]] | None:
        """Legal statuses covered."""
    @property
    def citizenships(self) -> list[str] | None:
        """Citizenships covered (default: all)."""
    @property
    def share(self) -> float | None:
        """Part of each listed sector's jobs closed (1: the whole sector; below 1: some of its trades)."""
    def replace(  # type: ignore[override]
        self,
        *,
        start: str | datetime.date = ...,
        end: str | datetime.date | None = ...,
        country: str | None = ...,
        regions: list[str] | tuple[str, ...] | None = ...,
        sectors: list[str] | tuple[str, ...] = ...,
        statuses: list[Literal["resident", "eaeu_worker", "permit_holder", "irregular", "scheme_worker"]] | tuple[Literal["resident", "eaeu_worker", "permit_holder", "irregular", "scheme_worker"], ...] | None = ...,
        citizenships: list[str] | tuple[str, ...] | None = ...,
        share: float | None = ...,
        label: str | None = ...,
        source: str | None = ...,
    ) -> Self:
        """A copy with some fields changed, e.g. ``event.replace(start="2027-01-01")``."""

# END GENERATED EVENTS
