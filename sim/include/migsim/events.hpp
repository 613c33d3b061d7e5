// Dated policy events: the institutions and shocks of a scenario (quotas, fees, EAEU accession,
// enforcement, bans, amnesties, border closures, economic shocks, schemes, displacement).
// A scenario's `events:` list and the Python API build the same Event values; the engine
// compiles the events in force at each step into per-step policy tables.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "migsim/calendar.hpp"

namespace migsim {

/// Every event type as (EventType value, YAML name), in documentation order: the one list from
/// which the enum and the registry of event kinds (sim/src/events/) are made.
#define MIGSIM_EVENT_TYPES(X)                        \
  X(Quota, quota)                                    \
  X(PermitFee, permit_fee)                           \
  X(RegistrationDeadline, registration_deadline)     \
  X(EaeuAccession, eaeu_accession)                   \
  X(Enforcement, enforcement)                        \
  X(BanRule, ban_rule)                               \
  X(Amnesty, amnesty)                                \
  X(BorderClosure, border_closure)                   \
  X(ExchangeRate, exchange_rate)                     \
  X(WageShock, wage_shock)                           \
  X(LabourDemandShock, labour_demand_shock)          \
  X(TransferDisruption, transfer_disruption)         \
  X(BilateralScheme, bilateral_scheme)               \
  X(NaturalisationRule, naturalisation_rule)         \
  X(ReintegrationProgramme, reintegration_programme) \
  X(HomeInvestment, home_investment)                 \
  X(ReturnShock, return_shock)                       \
  X(Displacement, displacement)                      \
  X(SectorBan, sector_ban)

#define MIGSIM_ENUM_VALUE(Type, name) Type,
enum class EventType { MIGSIM_EVENT_TYPES(MIGSIM_ENUM_VALUE) };
#undef MIGSIM_ENUM_VALUE

enum class BanTrigger { Deportation, Overstay };
enum class Refusal { Irregular, Stay };

/// Crossings a border closure may exempt.
struct Exemptions {
  bool departures = false;
  bool returns = false;
  bool deportations = false;
};

/// A capacity that applies from a date on (a step of a schedule).
struct CapacityChange {
  Date from;
  double capacity = 0;  ///< people per week
  bool operator==(const CapacityChange&) const = default;
};

/// One event. A flat record: each type reads only the fields its schema lists; the names of
/// scenario objects are resolved to indices when the event is added to a scenario.
struct Event {
  EventType type = EventType::Quota;
  std::string label;   ///< unique identifier in the scenario; `--set events.<label>.<field>=...`
  std::string source;  ///< free-text citation
  Date start;
  std::optional<Date> end;  ///< inclusive; nullopt = open-ended

  // Scope, as written in the scenario (names and codes).
  std::string country;                    ///< ISO code
  std::vector<std::string> countries;     ///< border_closure: the two countries
  std::vector<std::string> citizenships;  ///< ISO codes of origin countries (empty = all)
  std::vector<std::string> regions;       ///< region names
  std::vector<std::string> sectors;       ///< sector names
  std::string region;                     ///< a single region (scheme destination, displaced origin)
  std::string to;                         ///< displacement: receiving origin region
  std::string sector;                     ///< bilateral_scheme: sector of the scheme's jobs
  std::string currency;                   ///< exchange_rate
  std::vector<std::string> statuses;      ///< sector_ban, return_shock: statuses covered (empty: the kind's default)

  // Quantities (units in the schema).
  double limit = 0;
  double amount = 0;
  double issue_cost = 0;
  double days = 0;
  double rate = 0;
  double years = 0;
  double min_years = 0;
  double min_overstay_days = 0;
  double conviction_share = 0;
  double conviction_years = 1;
  double evacuation_capacity = 0;
  double factor = 1;
  double wage_factor = 1;
  double unemployment_factor = 1;
  double return_factor = 1;
  double departure_factor = 1;
  double remigration_factor = 1;
  double places = 0;
  double duration_months = 0;
  double application_rate = 0.05;
  double overstay_share = 0;
  double travel_cost_usd = 0;
  double share = 1;
  double abroad_share = 0;
  double layoff_rate = 0;   ///< labour_demand_shock: share of jobs ended per week
  double unpaid_share = 0;  ///< labour_demand_shock: share of pay not received
  double recall_share = 0;  ///< labour_demand_shock: share of those out of work called back when it ends
  double held_share = 0;    ///< transfer_disruption: share of remittances held back
  /// border_closure: the weekly evacuation capacity from each date on (before the first:
  /// evacuation_capacity), dates increasing.
  std::vector<CapacityChange> evacuation_schedule;
  /// border_closure: no evacuation before this day (organising flights and buses takes time).
  std::optional<Date> evacuation_from;
  /// border_closure: no evacuation after this day; it may be after the closure's end (the seats then
  /// serve those still stranded).
  std::optional<Date> evacuation_until;
  BanTrigger on = BanTrigger::Deportation;
  Refusal on_refusal = Refusal::Irregular;
  Exemptions exemptions;

  // Resolved against the scenario (filled by resolve_event).
  int country_index = -1;
  std::vector<int> country_indices;      ///< countries
  std::vector<int> citizenship_indices;  ///< empty = all
  std::vector<int> location_indices;     ///< regions (location index: origins first, then destinations)
  std::vector<int> sector_indices;       ///< empty = all
  int location_index = -1;               ///< region
  int to_index = -1;                     ///< to
  int sector_index = -1;                 ///< sector
  int currency_index = -1;

  /// True if the event is in force at some time during [from, until) (days).
  bool overlaps(Date from, Date until) const { return start < until && (!end || !(*end < from)); }
  /// True if the first day after the event's end falls in [from, until).
  bool first_day_after_end_in(Date from, Date until) const {
    return end && from <= end->add_days(1) && end->add_days(1) < until;
  }
};

enum class FieldKind {
  Date,
  OptionalDate,
  Number,
  Text,
  Country,
  CountryList,
  Currency,
  Region,
  RegionList,
  SectorName,
  SectorList,
  Choice,
  ChoiceList,
  Schedule  ///< a list of {from: DATE, capacity: NUMBER}, dates increasing
};

/// Which field of Event a schema entry reads.
using EventMember = std::variant<Date Event::*, std::optional<Date> Event::*, double Event::*, std::string Event::*,
                                 std::vector<std::string> Event::*, BanTrigger Event::*, Refusal Event::*,
                                 Exemptions Event::*, std::vector<CapacityChange> Event::*>;

struct EventFieldSpec {
  std::string_view name;
  FieldKind kind;
  EventMember member;
  bool required;
  std::string_view default_text;  ///< shown in docs; "" = no default (required or "none")
  std::string_view unit;
  double min = 0, max = 0;  ///< bounds for Number (inclusive)
  std::string_view description;
  std::string_view choices = {};  ///< '|'-separated (Choice, ChoiceList)
};

struct EventTypeSpec {
  EventType type;
  std::string_view name;  ///< the YAML `type:` value
  std::string_view summary;
  std::string_view mechanics;  ///< how the engine applies it, for the reference
  std::string_view example;    ///< a YAML list item that the kyrgyzstan scenario accepts
  std::vector<EventFieldSpec> fields;
  bool has_end = true;
  bool end_required = false;
  /// Scope rule: "country_or_regions" requires exactly one of the two.
  bool country_or_regions = false;
};

/// A field's value as written in a scenario: a number, a text (names, dates, choices) or a list.
using EventValue = std::variant<double, std::string, std::vector<std::string>, std::vector<CapacityChange>>;
/// The event as it would be written in a scenario, in schema order: type, label, start, end (if
/// any), every field with its value (empty names and lists left out), source (if any).
std::vector<std::pair<std::string, EventValue>> event_values(const Event& event);

/// Every event type, in documentation order.
std::span<const EventTypeSpec> event_schema();
const EventTypeSpec& event_spec(EventType type);
const EventTypeSpec* find_event_type(std::string_view name);
/// Markdown reference of every event type (the body of docs/scenarios.md's events section).
std::string event_reference_markdown();

}  // namespace migsim
