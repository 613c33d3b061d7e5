#include "engine/branch.hpp"

#include <cstring>
#include <map>
#include <set>

#include "events/kind.hpp"
#include "events/policies.hpp"
#include "migsim/errors.hpp"
#include "scenario/number_text.hpp"

namespace migsim::detail {
namespace {

constexpr std::uint64_t kPrime = 1099511628211ull;

/// Parameters read only when the initial agents are made (or that fix the steps themselves):
/// a branch cannot change them. Every other parameter is read step by step and may change.
bool fixed_at_start(std::string_view key) {
  return key == "calendar.start" || key == "calendar.step" || key.rfind("run.", 0) == 0 ||
         key.rfind("population.initial_", 0) == 0;
}

std::string value_text(const EventValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return number_text(*number);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  std::string out = "[";
  if (const auto* items = std::get_if<std::vector<std::string>>(&value)) {
    for (const auto& item : *items) out += (out.size() > 1 ? ", " : "") + item;
  } else {
    for (const auto& step : std::get<std::vector<CapacityChange>>(value))
      out += std::string(out.size() > 1 ? ", " : "") + "{from: " + step.from.iso() +
             ", capacity: " + number_text(step.capacity) + "}";
  }
  return out + "]";
}

/// The schedule entries that applied before `date`.
std::vector<CapacityChange> entries_before(const std::vector<CapacityChange>& schedule, Date date) {
  std::vector<CapacityChange> out;
  for (const auto& step : schedule)
    if (step.from < date) out.push_back(step);
  return out;
}

constexpr const char* kEventHint =
    "; the event acted before the state's date: for a change from then on, end it on the last day simulated "
    "and add an event for the rest (a border_closure's capacity: an evacuation_schedule entry from the "
    "state's date)";

constexpr const char* kEvacuationHint =
    "; the steps before the state's date saw this evacuation: for other seats from then on, add an "
    "evacuation_schedule entry from the state's date, or, if it had not begun, change evacuation_capacity or move "
    "evacuation_from to a day on or after the state's date";

constexpr const char* kEvacuationEndHint =
    "; the evacuation had ended before the state's date, so its last day is history (it may move only while "
    "the evacuation lasts to the state's date)";

/// What the steps before `date` saw of the evacuation of a closure with an evacuation_from, as one
/// input: nothing if it begins on or after `date` (its capacity and first day are then still the
/// branch's to choose), else its first day and capacity.
std::string evacuation_before(const Event& e, Date date) {
  if (!(*e.evacuation_from < date)) return "none before " + date.iso() + " (evacuation_from on or after it)";
  return "from " + e.evacuation_from->iso() + ", " + number_text(e.evacuation_capacity) + " a week";
}

/// The last day of a closure's evacuation as the steps before `date` saw it: the day if it was
/// before the last of them, else only that it lasted to the state's date (a branch may then end it
/// on any later day).
std::string evacuation_end_before(const Event& e, const EventKind& kind, Date date) {
  const Date last_day = date.add_days(-1);
  const std::optional<Date> until = kind.last_day_acting(e);
  if (until && *until < last_day) return until->iso();
  return "on or after " + last_day.iso() + " (lasting to the state's date)";
}

/// An event's fields as far as the steps before `date` saw them.
void add_event_inputs(const Event& e, Date date, std::vector<PastInput>& out) {
  const EventKind& kind = event_kind(e.type);
  const Date last_day = date.add_days(-1);
  if (e.evacuation_from)
    out.push_back({"event '" + e.label + "' evacuation", evacuation_before(e, date), true, kEvacuationHint});
  if (e.type == EventType::BorderClosure)
    out.push_back(
        {"event '" + e.label + "' evacuation_until", evacuation_end_before(e, kind, date), true, kEvacuationEndHint});
  for (auto [name, value] : event_values(e)) {
    if (name == "source" || name == "label" || name == "evacuation_until") continue;  // no change; above
    if ((name == "evacuation_capacity" || name == "evacuation_from") && e.evacuation_from) continue;  // above
    if (auto* schedule = std::get_if<std::vector<CapacityChange>>(&value)) {
      value = entries_before(*schedule, date);
      if (std::get<std::vector<CapacityChange>>(value).empty()) continue;  // as event_values leaves out empty lists
    }
    std::string text = value_text(value);
    if (name == "end" && !kind.end_sets_pace && !(*e.end < last_day))
      text = "on or after " + last_day.iso() + " (in force to the state's date)";
    out.push_back({"event '" + e.label + "' " + name, text, true, kEventHint});
  }
  if (!e.end && kind.spec.has_end && !kind.end_sets_pace)
    out.push_back({"event '" + e.label + "' end", "on or after " + last_day.iso() + " (in force to the state's date)",
                   true, kEventHint});
}

std::string ban_countries(const Scenario& sc) {
  const Policies policies(sc);
  std::vector<std::string> slots(policies.ban_slots());
  for (std::size_t c = 0; c < sc.countries.size(); ++c)
    if (const int slot = policies.ban_slot(c); slot >= 0) slots[static_cast<std::size_t>(slot)] = sc.countries[c].code;
  return value_text(slots);
}

constexpr const char* kWhatMayChange =
    "a branch may change only what acts after the state's date: events that start on or after it, the end "
    "(not before the last day simulated), later evacuation_schedule entries of events in force, the "
    "evacuation_capacity and evacuation_from of those whose evacuation has not begun and the evacuation_until of "
    "those whose evacuation lasts to the state's date, and "
    "parameters other than calendar.start, calendar.step, run.* and population.initial_*; tables, seed and "
    "scale are fixed";

}  // namespace

std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t hash) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    hash = (hash ^ word) * kPrime;
  }
  for (; i < size; ++i) hash = (hash ^ bytes[i]) * kPrime;
  return hash;
}

std::string hex64(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::vector<PastInput> past_inputs(const Scenario& sc, std::size_t steps_done) {
  std::vector<PastInput> out;
  for (const auto& [key, text] : sc.table_texts) out.push_back({"table " + key, text, false});
  for (const ParamSpec& spec : parameter_schema())
    if (fixed_at_start(spec.key))
      out.push_back({"parameter " + std::string(spec.key), format_parameter(sc.params, spec)});
  const Calendar calendar = sc.calendar();
  if (steps_done == 0) return out;
  const Date date = calendar.step_end(steps_done - 1);
  std::vector<std::string> begun;
  for (const Event& e : sc.events)
    if (e.start < date) {
      begun.push_back(e.label);
      add_event_inputs(e, date, out);
    }
  out.push_back({"events begun before " + date.iso() + " (their order)", value_text(begun)});
  out.push_back({"countries with ban records", ban_countries(sc)});
  return out;
}

std::string past_fingerprint(const Scenario& sc, std::size_t steps_done, std::uint64_t seed, std::int64_t scale) {
  std::uint64_t hash = hash64(&seed, sizeof seed);
  hash = hash64(&scale, sizeof scale, hash);
  const std::uint64_t steps = steps_done;
  hash = hash64(&steps, sizeof steps, hash);
  for (const PastInput& input : past_inputs(sc, steps_done)) {
    hash = hash64(input.name.data(), input.name.size() + 1, hash);  // with the terminator: no ambiguity
    hash = hash64(input.value.data(), input.value.size() + 1, hash);
  }
  return hex64(hash);
}

namespace {

/// Labels of the events that began before the state's date.
std::set<std::string> begun_labels(const Scenario& sc, std::size_t steps_done) {
  std::set<std::string> labels;
  if (steps_done == 0) return labels;
  const Date date = sc.calendar().step_end(steps_done - 1);
  for (const Event& e : sc.events)
    if (e.start < date) labels.insert(e.label);
  return labels;
}

/// Whole events that began before the state's date on one side only: one problem each, and
/// the names of the inputs those problems already cover.
std::vector<std::string> events_on_one_side(const Scenario& saved, const Scenario& branch, std::size_t steps_done,
                                            std::set<std::string>& covered) {
  const auto before = begun_labels(saved, steps_done), now = begun_labels(branch, steps_done);
  std::vector<std::string> problems;
  const std::string date = saved.calendar().step_end(steps_done == 0 ? 0 : steps_done - 1).iso();
  for (const Event& e : branch.events)
    if (now.count(e.label) && !before.count(e.label)) {
      problems.push_back("event '" + e.label + "' (" + std::string(event_spec(e.type).name) + ", start " +
                         e.start.iso() + ") begins before the state's date " + date +
                         " but is not in the state; a branch may add only events that start on or after it");
      covered.insert("event '" + e.label + "' ");
    }
  for (const Event& e : saved.events)
    if (before.count(e.label) && !now.count(e.label)) {
      problems.push_back("event '" + e.label + "' began before the state's date " + date +
                         " and is missing from the branch (or starts later there)");
      covered.insert("event '" + e.label + "' ");
    }
  if (!covered.empty()) covered.insert("events begun before ");
  return problems;
}

bool is_covered(const std::string& name, const std::set<std::string>& covered) {
  for (const auto& prefix : covered)
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

void check_branch(const Scenario& saved, const Scenario& branch, std::size_t steps_done) {
  std::vector<std::string> problems;
  const Calendar calendar = branch.calendar();
  if (steps_done > 0 && calendar.steps() < steps_done)
    problems.push_back("calendar.end: " + branch.params.end.iso() + " ends the calendar before the " +
                       std::to_string(steps_done) + " steps already simulated (the last began " +
                       saved.calendar().step_start(steps_done - 1).iso() + ")");
  std::set<std::string> covered;
  for (auto& problem : events_on_one_side(saved, branch, steps_done, covered)) problems.push_back(std::move(problem));
  std::map<std::string, PastInput> before;
  std::vector<std::string> order;
  for (auto& input : past_inputs(saved, steps_done)) {
    if (is_covered(input.name, covered)) continue;
    order.push_back(input.name);
    before.emplace(input.name, std::move(input));
  }
  for (const PastInput& now : past_inputs(branch, steps_done)) {
    if (is_covered(now.name, covered)) continue;
    auto it = before.find(now.name);
    if (it == before.end()) {
      problems.push_back(now.name + ": not in the state" + (now.quote ? " (" + now.value + ")" : ""));
      continue;
    }
    if (it->second.value != now.value)
      problems.push_back(now.name +
                         (now.quote ? ": " + it->second.value + " in the state, " + now.value + " in the branch"
                                    : ": differs from the state's") +
                         std::string(now.hint));
    before.erase(it);
  }
  for (const auto& name : order)
    if (before.count(name)) problems.push_back(name + ": in the state, missing from the branch");
  if (problems.empty()) return;
  std::string message = "cannot branch: ";
  for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
  throw ArgumentError(message + " (" + kWhatMayChange + ")");
}

}  // namespace migsim::detail
