// An event kind: everything the engine knows about one event type, in one place. Each type (or
// family) has a file under events/ that defines its kind: the specification (fields, units,
// bounds, description, example), the checks of its resolution against a scenario, and how it is
// compiled into the per-step policy tables or into the environment's multipliers. The registry
// (registry.cpp) lists the kinds; the parser, the policies, the schema, the docs and the Python
// classes iterate over it, so no code outside events/ switches over event types.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "events/policies.hpp"
#include "migsim/events.hpp"
#include "migsim/scenario.hpp"

namespace migsim::detail {

inline bool contains(const std::vector<int>& items, std::size_t value) {
  return std::find(items.begin(), items.end(), static_cast<int>(value)) != items.end();
}

/// Whether destination `d` is covered by the event's `regions` (if any), else by its `country`
/// (if any); an event with neither covers every destination.
inline bool covers_destination(const Scenario& sc, const Event& e, std::size_t d) {
  if (!e.location_indices.empty()) return contains(e.location_indices, sc.n_origins() + d);
  return e.country_index < 0 || static_cast<int>(sc.destinations[d].country) == e.country_index;
}

/// Whether citizens of `country` are covered (an empty `citizenships` covers everyone).
inline bool covers_citizen(const Event& e, std::size_t country) {
  return e.citizenship_indices.empty() || contains(e.citizenship_indices, country);
}

/// Whether destination `d` lies in the event's `country`.
inline bool in_country(const Scenario& sc, const Event& e, std::size_t d) {
  return static_cast<int>(sc.destinations[d].country) == e.country_index;
}

/// One step's compilation of the events in force into the policy tables: what a kind's
/// `compile` hook reads and writes.
struct StepCompilation {
  const Scenario& sc;
  Date from, until;
  double days;            ///< step length
  double scale;           ///< people per agent
  std::size_t event = 0;  ///< index of the event being compiled in sc.events
  PolicyTables& tables;
  YearCounters& counters;
  const Policies& policies;  ///< the timeline's queries (exchange-rate factors)

  std::size_t nO() const { return sc.n_origins(); }
  std::size_t nD() const { return sc.n_destinations(); }
  std::size_t nS() const { return sc.sectors.size(); }
  std::size_t origin_country(std::size_t o) const { return sc.origins[o].country; }
  /// Ban slot of a country (-1 if it has no ban rules).
  int ban_slot(std::size_t country) const { return policies.ban_slot(country); }
};

struct EventKind {
  EventTypeSpec spec;
  /// How `regions` and `region` resolve: origin regions or destination regions.
  RegionRole regions = RegionRole::Destination;
  /// Cross-field rules after the names are resolved: "" or "field: problem".
  std::string (*check)(const Event&, const Scenario&) = nullptr;
  /// Sets the tables that only this kind writes to their value with no event in force; runs at
  /// the start of every step's compilation, before any event is compiled.
  void (*reset)(StepCompilation&) = nullptr;
  /// Writes the event into the step's policy tables, in scenario order, for every step in which
  /// it is in force (a once-only event: the step containing its start) or acts after its end
  /// (`last_day_acting`).
  void (*compile)(const Event&, StepCompilation&) = nullptr;
  /// The last day the event is compiled if not its end (a closure's evacuation may outlast it).
  std::optional<Date> (*last_day_acting)(const Event&) = nullptr;
  /// Runs once per step after every event was compiled (tables built over all events of a kind).
  void (*finish)(StepCompilation&) = nullptr;
  /// Multiplies the environment's modifiers while the event overlaps the step.
  void (*modify)(const Event&, const Scenario&, Modifiers&) = nullptr;
  /// Sets the environment's modifiers in the step that holds the first day after the event's end
  /// (what happens once it is over: a lockdown's staff called back).
  void (*after_end)(const Event&, const Scenario&, Modifiers&) = nullptr;
  /// Multiplier on a currency's units per USD while in force (exchange-rate events).
  double (*currency_factor)(const Event&, std::size_t currency) = nullptr;
  /// While in force, citizens covered need a permit (patent or quota permit) in the destinations
  /// covered.
  bool requires_permit = false;
  /// While in force, the event's country is a member of the EAEU (free movement among members).
  bool union_membership = false;
  /// Agents keep a ban record (one slot per country) for the countries this kind names.
  bool keeps_ban_record = false;
  /// The end date sets how fast the event acts from its start (a displacement spreads its share
  /// over start..end), so a branch from a saved state cannot move the end of one that has begun.
  bool end_sets_pace = false;
};

/// Every kind, in documentation order (the order of EventType).
const std::vector<EventKind>& event_kinds();
const EventKind& event_kind(EventType type);

// Shorthands for specifications.
EventFieldSpec required_country(std::string_view description);
EventFieldSpec scope_country(std::string_view what);
EventFieldSpec scope_regions(std::string_view what);
EventFieldSpec citizenships_field(std::string_view what);
EventFieldSpec sectors_field(std::string_view what);
EventFieldSpec number_field(std::string_view name, double Event::*member, bool required, std::string_view default_text,
                            std::string_view unit, double min, double max, std::string_view description);
EventFieldSpec factor_field(std::string_view name, double Event::*member, bool required, std::string_view description);
inline constexpr double kBig = 1e12;

// One function per kind, defined in its file; the registry calls them in EventType order.
#define MIGSIM_DECLARE_KIND(Type, name) EventKind name##_kind();
MIGSIM_EVENT_TYPES(MIGSIM_DECLARE_KIND)
#undef MIGSIM_DECLARE_KIND

}  // namespace migsim::detail
