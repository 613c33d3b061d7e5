"""Scenarios as Python objects: load, copy, edit by key path or attribute, add events, validate.

The parameter attributes (``sc.behaviour.departure.base_rate``) are generated from
``migsim._core.parameter_schema()`` by tools/generate_stubs.py (``make docs``); the rest of this
stub is hand-written.
"""

import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from typing_extensions import Self, TypeAlias

from . import _core
from .events import Event

PathLike: TypeAlias = str | os.PathLike[str]
"""A built-in scenario name, a scenario folder or a ``scenario.yaml`` path."""

class ScenarioWarning(UserWarning):
    """Something in a scenario that migsim leaves out rather than refuses."""

def _warn_new(before: list[str], after: list[str]) -> None: ...

class Scenario:
    """A scenario you can change in code and run."""

    def __init__(self, source: PathLike = "kyrgyzstan", *, allow_outside_paths: bool = False) -> None: ...
    @classmethod
    def load(cls, name_or_path: PathLike = "kyrgyzstan", *, allow_outside_paths: bool = False, **overrides: Any) -> Self: ...
    @classmethod
    def from_state(cls, path: PathLike) -> Self: ...
    def copy(self) -> Scenario: ...
    def __copy__(self) -> Scenario: ...
    def __deepcopy__(self, memo: dict[int, Any]) -> Scenario: ...
    def __getstate__(self) -> dict[str, Any]: ...
    def __setstate__(self, state: dict[str, Any]) -> None: ...

    # ---- parameters and event fields by key path
    def set(self, key: str, value: Any) -> Self: ...
    def get(self, key: str) -> Any: ...
    def __getitem__(self, key: str) -> Any: ...
    def __setitem__(self, key: str, value: Any) -> None: ...
    def __iter__(self) -> Iterator[str]: ...
    @property
    def overrides(self) -> dict[str, str]: ...
    @property
    def warnings(self) -> list[str]: ...

    # ---- events
    @property
    def events(self) -> list[Event]: ...
    def event(self, label: str) -> Event: ...
    def add_event(self, event: Event | dict[str, Any]) -> str: ...
    def _record_issued(self, values: dict[str, Any], core: _core.Scenario) -> None: ...
    def remove_event(self, label: str) -> None: ...

    # ---- description
    def validate(self) -> Self: ...
    def to_yaml(self) -> str: ...
    def save(self, folder: PathLike, overwrite: bool = False) -> Path: ...
    @property
    def core(self) -> _core.Scenario: ...
    @property
    def source(self) -> str:
        """Built-in name or absolute folder it was loaded from."""
    @property
    def start(self) -> str:
        """First day simulated (YYYY-MM-DD)."""
    @property
    def end(self) -> str:
        """Last day simulated (YYYY-MM-DD)."""
    @property
    def origins(self) -> list[str]:
        """Origin region names."""
    @property
    def destinations(self) -> list[str]:
        """Destination region names."""
    @property
    def countries(self) -> list[str]:
        """ISO codes of the countries."""
    @property
    def sectors(self) -> list[str]:
        """Sector names."""

    # ---- parameters as attributes: sc.behaviour.departure.base_rate (read and set). `name` and
    # `description` are parameters too. Misspelt names are type errors; at run time they raise
    # AttributeError with a "did you mean" hint.
    # BEGIN GENERATED SCENARIO PARAMETERS: tools/generate_stubs.py
    @property
    def name(self) -> str:
        """Short scenario name (used in outputs). A scenario that `extends` another and gives none is named after its file (`what-if.yaml`: `what-if`; a `scenario.yaml`: its folder), not after its base (``name``; required)."""
    @name.setter
    def name(self, value: str) -> None: ...
    @property
    def description(self) -> str:
        """One-paragraph description (``description``; default "")."""
    @description.setter
    def description(self, value: str) -> None: ...
    @property
    def calendar(self) -> _CalendarSection:
        """The parameters under ``calendar``."""
    @property
    def run(self) -> _RunSection:
        """The parameters under ``run``."""
    @property
    def tables(self) -> _TablesSection:
        """The parameters under ``tables``."""
    @property
    def population(self) -> _PopulationSection:
        """The parameters under ``population``."""
    @property
    def demography(self) -> _DemographySection:
        """The parameters under ``demography``."""
    @property
    def behaviour(self) -> _BehaviourSection:
        """The parameters under ``behaviour``."""
    @property
    def permits(self) -> _PermitsSection:
        """The parameters under ``permits``."""
    @property
    def enforcement(self) -> _EnforcementSection:
        """The parameters under ``enforcement``."""
    # END GENERATED SCENARIO PARAMETERS

def as_scenario(scenario: Scenario | PathLike) -> Scenario: ...

class _Section:
    """Attribute access to one section of the parameters: ``sc.behaviour.departure``."""

    def __init__(self, scenario: Scenario, prefix: str) -> None: ...
    def __dir__(self) -> list[str]: ...

# BEGIN GENERATED PARAMETER SECTIONS: tools/generate_stubs.py
class _CalendarSection(_Section):
    """The parameters under ``calendar``: read and set them as attributes."""
    @property
    def start(self) -> str:
        """First day of the simulation (``calendar.start``; date; required)."""
    @start.setter
    def start(self, value: str | datetime.date) -> None: ...
    @property
    def end(self) -> str:
        """Last day on which a step may start (``calendar.end``; date; required)."""
    @end.setter
    def end(self, value: str | datetime.date) -> None: ...
    step: str
    """Length of one step (``calendar.step``; default week)."""

class _RunSection(_Section):
    """The parameters under ``run``: read and set them as attributes."""
    seed: float
    """Default random seed; `--seed` overrides it (``run.seed``; default 1; >= 0)."""
    scale: float
    """Default number of people one agent stands for; `--scale` overrides it. Outputs are always in people (``run.scale``; people per agent; default 10; 1 to 1e+09)."""

class _TablesSection(_Section):
    """The parameters under ``tables``: read and set them as attributes."""
    countries: str
    """Countries: `code,name,currency` (ISO 3166-1 alpha-2 codes; currency ISO 4217) (``tables.countries``; path; default countries.csv)."""
    regions: str
    """Regions: `name,label,country,role,working_age_population,attractiveness`, optionally `returned_population` (origins: of the working-age population, the people at home at the start who have been abroad before, status `returned`; default 0); role is `origin` or `destination` (``tables.regions``; path; default regions.csv)."""
    routes: str
    """Reachable origin-destination pairs: `origin,destination,cost_usd,travel_days,barrier` (``tables.routes``; path; default routes.csv)."""
    wages: str
    """Average monthly wage by region in local currency: `date,region,wage` (linear in time between dates) (``tables.wages``; path; default wages.csv)."""
    exchange_rates: str
    """Units of currency per USD: `date,currency,per_usd` (``tables.exchange_rates``; path; default exchange_rates.csv)."""
    unemployment: str
    """Unemployment rate by country as a fraction: `date,country,rate` (``tables.unemployment``; path; default unemployment.csv)."""
    initial_stock: str
    """Migrants abroad at the start date: `origin,destination,migrants` (people) (``tables.initial_stock``; path; default initial_stock.csv)."""
    sectors: str
    """Sectors of migrant work: `name,share,wage_factor`; shares sum to 1 (``tables.sectors``; path; default sectors.csv)."""

class _PopulationSection(_Section):
    """The parameters under ``population``: read and set them as attributes."""
    male_share: float
    """Share of men among working-age residents (``population.male_share``; fraction; default 0.5; 0 to 1)."""
    skill_share_low: float
    """Share with at most basic education (skill level low) (``population.skill_share_low``; fraction; default 0.35; 0 to 1)."""
    skill_share_medium: float
    """Share with secondary vocational education (skill level medium) (``population.skill_share_medium``; fraction; default 0.45; 0 to 1)."""
    skill_share_high: float
    """Share with higher education (skill level high). The three shares must sum to 1 (``population.skill_share_high``; fraction; default 0.2; 0 to 1)."""
    initial_migrant_female_share: float
    """Share of women among the migrants abroad at the start date (``population.initial_migrant_female_share``; fraction; default 0.3; 0 to 1)."""
    initial_max_years_abroad: float
    """Time already spent abroad by initial migrants is uniform on [0, this] (``population.initial_max_years_abroad``; years; default 4; 0 to 50)."""

class _DemographySection(_Section):
    """The parameters under ``demography``: read and set them as attributes."""
    entry_age: float
    """Age at which people enter the working-age population (and the model) (``demography.entry_age``; years; default 15; 0 to 100)."""
    exit_age: float
    """Age at which people leave the working-age population (and the model) (``demography.exit_age``; years; default 65; 1 to 120)."""
    entry_rate: float
    """People reaching the entry age each year, as a share of the origin's current working-age population (``demography.entry_rate``; 1/year; default 0.03; 0 to 1)."""

class _BehaviourSection(_Section):
    """The parameters under ``behaviour``: read and set them as attributes."""
    @property
    def departure(self) -> _BehaviourDepartureSection:
        """The parameters under ``behaviour.departure``."""
    @property
    def destination(self) -> _BehaviourDestinationSection:
        """The parameters under ``behaviour.destination``."""
    @property
    def work(self) -> _BehaviourWorkSection:
        """The parameters under ``behaviour.work``."""
    @property
    def remittances(self) -> _BehaviourRemittancesSection:
        """The parameters under ``behaviour.remittances``."""
    # behaviour.return: `return` is a Python keyword; use sc.get/sc.set("behaviour.return...")
    @property
    def remigration(self) -> _BehaviourRemigrationSection:
        """The parameters under ``behaviour.remigration``."""

class _BehaviourDepartureSection(_Section):
    """The parameters under ``behaviour.departure``: read and set them as attributes."""
    base_rate: float
    """Departure hazard of a reference person when migrating offers nothing over staying (inclusive value = home utility) (``behaviour.departure.base_rate``; 1/year; default 0.01; 0 to 52)."""
    gain_coefficient: float
    """Elasticity of the departure hazard to the gain from migrating: hazard = base_rate * exp(gain_coefficient * (IV - U_home)), IV the logit inclusive value over destinations (``behaviour.departure.gain_coefficient``; default 1; 0 to 10)."""
    max_rate: float
    """Upper bound on the departure hazard (``behaviour.departure.max_rate``; 1/year; default 2; 0 to 365)."""
    female_factor: float
    """Departure hazard multiplier for women (``behaviour.departure.female_factor``; default 0.4; 0 to 10)."""
    age_factor_15_24: float
    """Departure hazard multiplier for ages 15-24 (``behaviour.departure.age_factor_15_24``; default 1; 0 to 10)."""
    age_factor_25_34: float
    """Departure hazard multiplier for ages 25-34 (``behaviour.departure.age_factor_25_34``; default 1.2; 0 to 10)."""
    age_factor_35_44: float
    """Departure hazard multiplier for ages 35-44 (``behaviour.departure.age_factor_35_44``; default 0.9; 0 to 10)."""
    age_factor_45_54: float
    """Departure hazard multiplier for ages 45-54 (``behaviour.departure.age_factor_45_54``; default 0.5; 0 to 10)."""
    age_factor_55_64: float
    """Departure hazard multiplier for ages 55 and over (``behaviour.departure.age_factor_55_64``; default 0.2; 0 to 10)."""

class _BehaviourDestinationSection(_Section):
    """The parameters under ``behaviour.destination``: read and set them as attributes."""
    income_coefficient: float
    """Logit weight of log expected monthly net income in USD (wage x job chance - living costs) (``behaviour.destination.income_coefficient``; per log USD; default 1; 0 to 20)."""
    network_coefficient: float
    """Logit weight of log(1 + network_scale * diaspora share): migrants from the same origin already at the destination, as a share of the origin's population, at the previous step (``behaviour.destination.network_coefficient``; default 0.5; 0 to 20)."""
    network_scale: float
    """Scale of the diaspora share inside the network term (``behaviour.destination.network_scale``; default 100; 0 to 1e+06)."""
    cost_coefficient: float
    """Logit weight (negative) of the one-way travel cost, per 1000 USD (``behaviour.destination.cost_coefficient``; per 1000 USD; default 1; 0 to 100)."""
    barrier_coefficient: float
    """Logit weight (negative) of a route's access barrier (visa regime, language) (``behaviour.destination.barrier_coefficient``; default 1; 0 to 100)."""

class _BehaviourWorkSection(_Section):
    """The parameters under ``behaviour.work``: read and set them as attributes."""
    migrant_wage_ratio: float
    """Migrant wage as a share of the destination's average wage (``behaviour.work.migrant_wage_ratio``; fraction; default 0.7; 0 to 5)."""
    skill_wage_factor_low: float
    """Wage multiplier for low skill (abroad and at home) (``behaviour.work.skill_wage_factor_low``; default 0.8; 0 to 10)."""
    skill_wage_factor_medium: float
    """Wage multiplier for medium skill (``behaviour.work.skill_wage_factor_medium``; default 1; 0 to 10)."""
    skill_wage_factor_high: float
    """Wage multiplier for high skill (``behaviour.work.skill_wage_factor_high``; default 1.3; 0 to 10)."""
    living_cost_share: float
    """A migrant's living costs abroad as a share of the destination's average wage, paid employed or not (``behaviour.work.living_cost_share``; fraction; default 0.35; 0 to 5)."""
    job_finding_rate: float
    """Job-finding hazard of an unemployed migrant, scaled by (1 - unemployment rate) of the destination country (``behaviour.work.job_finding_rate``; 1/year; default 12; 0 to 365)."""
    job_loss_rate: float
    """Job-loss hazard of an employed migrant (``behaviour.work.job_loss_rate``; 1/year; default 0.5; 0 to 365)."""
    irregular_wage_factor: float
    """Wage multiplier for irregular migrants (``behaviour.work.irregular_wage_factor``; default 0.93; 0 to 10)."""

class _BehaviourRemittancesSection(_Section):
    """The parameters under ``behaviour.remittances``: read and set them as attributes."""
    share: float
    """Share of positive net income (wage - living costs) sent home each step; the rest is saved (``behaviour.remittances.share``; fraction; default 0.6; 0 to 1)."""
    catch_up_weeks: float
    """Mean time in which remittances held back by a transfer_disruption are sent once it ends: each week a share 1 - exp(-1 / catch_up_weeks) of what is held (0: all in the first step) (``behaviour.remittances.catch_up_weeks``; weeks; default 4; 0 to 520)."""
    closure_savings_share: float
    """A migrant who decides to go home while the border is closed and postpones the return sends home this share of its savings beyond what it needs to wait (behaviour.return.closure_hold_out_weeks of living costs): the cash it would have carried home goes by recorded transfer instead (0: kept) (``behaviour.remittances.closure_savings_share``; fraction; default 1; 0 to 1)."""
    family_support_share: float
    """A migrant whose remittance this step falls short of what its family usually gets (what it would send in work at full pay: the average over sectors for its skill and legal status) sends the shortfall from its savings, up to this share of that usual amount, while the savings last (0: nothing drawn) (``behaviour.remittances.family_support_share``; fraction; default 0; 0 to 1)."""

class _BehaviourRemigrationSection(_Section):
    """The parameters under ``behaviour.remigration``: read and set them as attributes."""
    cooldown_days: float
    """Days after a return during which a returnee does not leave again (``behaviour.remigration.cooldown_days``; days; default 90; 0 to 36500)."""
    experience_factor: float
    """Departure hazard multiplier for returnees after the cooldown (experience, contacts) (``behaviour.remigration.experience_factor``; default 2; 0 to 100)."""

class _PermitsSection(_Section):
    """The parameters under ``permits``: read and set them as attributes."""
    fee_sensitivity: float
    """A migrant who needs a permit takes a patent with probability exp(-fee_sensitivity * monthly fee / monthly migrant wage), the migrant wage being the destination's average wage times behaviour.work.migrant_wage_ratio, both in the destination's currency; otherwise works irregularly (``permits.fee_sensitivity``; default 2; 0 to 1000)."""
    validity_months: float
    """Validity of a quota work permit; on expiry the holder applies again under the quota in force (``permits.validity_months``; months; default 12; 0.25 to 1200)."""
    lapse_rate: float
    """Hazard with which a permit holder stops paying or loses the permit for other reasons and becomes irregular (a holder without a job and without savings to pay the fee lapses at once) (``permits.lapse_rate``; 1/year; default 0.2; 0 to 365)."""
    registration_mean_days: float
    """Mean time an arriving EAEU worker takes to register; the chance of meeting a deadline of D days is 1 - exp(-D / this) (``permits.registration_mean_days``; days; default 7; 0.01 to 3650)."""
    regularisation_rate: float
    """Hazard with which an irregular migrant tries to regularise (registers, or applies for a permit under the fee and quota in force) (``permits.regularisation_rate``; 1/year; default 0.5; 0 to 365)."""

class _EnforcementSection(_Section):
    """The parameters under ``enforcement``: read and set them as attributes."""
    base_detection_rate: float
    """Detection hazard of an irregular migrant where no `enforcement` event is in force (``enforcement.base_detection_rate``; 1/year; default 0.02; 0 to 365)."""
    detention_days: float
    """Time in detention between detection and deportation (``enforcement.detention_days``; days; default 14; 0 to 3650)."""
# END GENERATED PARAMETER SECTIONS
