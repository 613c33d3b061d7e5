#include "events/parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <tuple>

#include "events/kind.hpp"
#include "migsim/errors.hpp"
#include "migsim/parameters.hpp"
#include "scenario/number_text.hpp"

namespace migsim::detail {
namespace {

std::string kind_of(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "'" + node.as<std::string>() + "'";
}

std::vector<std::string> split_choices(std::string_view choices) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= choices.size()) {
    auto bar = choices.find('|', from);
    if (bar == std::string_view::npos) bar = choices.size();
    out.emplace_back(choices.substr(from, bar - from));
    from = bar + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

/// "a quota", "an amnesty".
std::string article(std::string_view name) {
  const bool vowel = !name.empty() && std::string_view("aeiou").find(name.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(name);
}

bool is_identifier(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// Reads the fields of one event node; every failure names the file, line and key path.
class EventReader {
 public:
  EventReader(const YAML::Node& node, std::string where, std::size_t position)
      : node_(node), where_(std::move(where)), path_("events[" + std::to_string(position) + "]") {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& problem) const {
    std::string location = where_;
    if (at.Mark().line >= 0) location += ":" + std::to_string(at.Mark().line + 1);
    throw ScenarioError(location + ": key '" + path_ + (key.empty() ? "" : "." + key) + "'" + label_note_ + ": " +
                        problem);
  }

  Event read() {
    if (!node_.IsMap()) fail(node_, "", "expected a mapping with at least `type` and `start`, found " + kind_of(node_));
    Event event;
    if (node_["label"] && node_["label"].IsScalar())
      label_note_ = " (label '" + node_["label"].as<std::string>() + "')";
    const YAML::Node type_node = node_["type"];
    if (!type_node) fail(node_, "type", "missing; expected one of: " + type_names());
    const auto type_name = scalar(type_node, "type");
    const EventTypeSpec* spec = find_event_type(type_name);
    if (!spec) {
      std::vector<std::string> names;
      for (const auto& s : event_schema()) names.emplace_back(s.name);
      auto hint = did_you_mean(type_name, names);
      fail(type_node, "type",
           "unknown event type '" + type_name + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
               " (types: " + type_names() + ")");
    }
    event.type = spec->type;

    std::set<std::string> seen;
    for (const auto& item : node_) read_key(item.first, item.second, *spec, seen, event);
    check_complete(*spec, seen, event);
    return event;
  }

  /// One key of the event's mapping: a common key (label, source, start, end) or a field of the
  /// event's type.
  void read_key(const YAML::Node& key_node, const YAML::Node& value, const EventTypeSpec& spec,
                std::set<std::string>& seen, Event& event) {
    const auto key = key_node.as<std::string>();
    if (!seen.insert(key).second) fail(key_node, key, "appears twice");
    if (key == "type") return;
    if (key == "label") {
      event.label = scalar(value, key);
      if (!is_identifier(event.label))
        fail(value, key, "expected an identifier of lowercase letters, digits and '_', found '" + event.label + "'");
    } else if (key == "source") {
      event.source = scalar(value, key);
    } else if (key == "start") {
      event.start = date(value, key);
    } else if (key == "end") {
      if (!spec.has_end) fail(key_node, key, article(spec.name) + " happens once, on its start date; remove `end`");
      event.end = date(value, key);
    } else if (const EventFieldSpec* field = find_field(spec, key)) {
      read_field(value, *field, event);
    } else {
      fail_unknown_field(key_node, key, spec);
    }
  }

  [[noreturn]] void fail_unknown_field(const YAML::Node& at, const std::string& key, const EventTypeSpec& spec) const {
    std::vector<std::string> names = {"label", "source", "start"};
    if (spec.has_end) names.push_back("end");
    for (const auto& f : spec.fields) names.emplace_back(f.name);
    auto hint = did_you_mean(key, names);
    fail(at, key,
         "unknown field for " + article(spec.name) + " event" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
             " (fields: " + join(names) + ")");
  }

  /// After every key was read: required keys present, schema defaults for the numbers left out,
  /// the scope rule and the order of the dates.
  void check_complete(const EventTypeSpec& spec, const std::set<std::string>& seen, Event& event) const {
    if (!seen.count("start")) fail(node_, "start", "missing; expected the date the event takes effect (YYYY-MM-DD)");
    if (spec.end_required && !seen.count("end"))
      fail(node_, "end", "missing; " + article(spec.name) + " event needs an end date");
    for (const auto& f : spec.fields) {
      if (seen.count(std::string(f.name))) continue;
      if (f.required) fail(node_, std::string(f.name), "missing required field (" + std::string(f.description) + ")");
      set_default(f, event);
    }
    if (spec.country_or_regions && seen.count("country") == seen.count("regions"))
      fail(node_, "",
           "expected exactly one of `country` and `regions`, found " +
               std::string(seen.count("country") ? "both" : "neither"));
    if (event.end && *event.end < event.start)
      fail(node_["end"], "end",
           "expected a date on or after start (" + event.start.iso() + "), found " + event.end->iso());
  }

  /// Numeric defaults are per event type (an amnesty lifts all bans, share 1), so they come from
  /// the schema rather than from Event's initialisers.
  static void set_default(const EventFieldSpec& f, Event& event) {
    if (const auto* items = std::get_if<std::vector<std::string> Event::*>(&f.member)) {
      // A list default written as "[a, b]" is filled in, so the resolved scenario shows it.
      const YAML::Node node = YAML::Load(std::string(f.default_text));
      if (node.IsSequence() && node.size() > 0) event.*(*items) = node.as<std::vector<std::string>>();
      return;
    }
    const auto* member = std::get_if<double Event::*>(&f.member);
    if (!member) return;
    double value = 0;
    const auto text = f.default_text;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) event.*(*member) = value;
  }

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }

 private:
  static std::string type_names() {
    std::vector<std::string> names;
    for (const auto& s : event_schema()) names.emplace_back(s.name);
    return join(names);
  }

  static const EventFieldSpec* find_field(const EventTypeSpec& spec, const std::string& key) {
    for (const auto& f : spec.fields)
      if (f.name == key) return &f;
    return nullptr;
  }

  std::string scalar(const YAML::Node& value, const std::string& key) const {
    if (!value.IsScalar()) fail(value, key, "expected a single value, found " + kind_of(value));
    return value.as<std::string>();
  }

  Date date(const YAML::Node& value, const std::string& key) const {
    const auto text = scalar(value, key);
    Date d;
    if (!Date::parse(text, d)) fail(value, key, "expected a date YYYY-MM-DD, found '" + text + "'");
    return d;
  }

  std::vector<std::string> list(const YAML::Node& value, const std::string& key) const {
    if (!value.IsSequence()) fail(value, key, "expected a list like [a, b], found " + kind_of(value));
    std::vector<std::string> items;
    for (const auto& item : value) items.push_back(scalar(item, key));
    if (items.empty()) fail(value, key, "expected at least one item, found an empty list");
    return items;
  }

  double number(const YAML::Node& value, const EventFieldSpec& f) const {
    const auto text = scalar(value, std::string(f.name));
    double x = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x))
      fail(value, std::string(f.name), "expected a number (" + std::string(f.unit) + "), found '" + text + "'");
    if (x < f.min || x > f.max)
      fail(value, std::string(f.name),
           "expected a number in [" + number_text(f.min) + ", " + number_text(f.max) + "], found " + text);
    return x;
  }

  std::string choice(const YAML::Node& value, const EventFieldSpec& f) const {
    const auto text = scalar(value, std::string(f.name));
    const auto choices = split_choices(f.choices);
    if (std::find(choices.begin(), choices.end(), text) == choices.end())
      fail(value, std::string(f.name), "expected one of " + join(choices, "|") + ", found '" + text + "'");
    return text;
  }

  [[noreturn]] void fail_not_choice_list(const YAML::Node& value, const EventFieldSpec& f) const {
    fail(value, std::string(f.name),
         "expected a list like [" + split_choices(f.choices).front() + "], found " + kind_of(value));
  }

  /// A list whose items are each one of the field's choices.
  std::vector<std::string> choice_list(const YAML::Node& value, const EventFieldSpec& f) const {
    if (!value.IsSequence()) fail_not_choice_list(value, f);
    std::vector<std::string> items = list(value, std::string(f.name));
    const auto choices = split_choices(f.choices);
    std::size_t i = 0;
    for (const auto& item : items) {
      if (std::find(choices.begin(), choices.end(), item) == choices.end())
        fail(value[i], std::string(f.name), "expected items from " + join(choices, "|") + ", found '" + item + "'");
      ++i;
    }
    return items;
  }

  /// A list of {from: DATE, capacity: NUMBER} with dates strictly increasing; the capacity has the
  /// field's unit and bounds.
  std::vector<CapacityChange> schedule(const YAML::Node& value, const EventFieldSpec& f) const {
    const std::string key(f.name);
    const std::string example = "[{from: 2020-04-10, capacity: 500}, {from: 2020-05-01, capacity: 2000}]";
    if (!value.IsSequence() || value.size() == 0)
      fail(value, key,
           "expected a list like " + example + ", found " + (value.IsSequence() ? "an empty list" : kind_of(value)));
    std::vector<CapacityChange> steps;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const YAML::Node item = value[i];
      const std::string at = key + "[" + std::to_string(i) + "]";
      if (!item.IsMap()) fail(item, at, "expected {from: DATE, capacity: NUMBER}, found " + kind_of(item));
      for (const auto& entry : item) {
        const auto name = entry.first.as<std::string>();
        if (name != "from" && name != "capacity")
          fail(entry.first, at, "unknown key '" + name + "'; expected `from` and `capacity`");
      }
      if (!item["from"] || !item["capacity"]) fail(item, at, "expected both `from` (a date) and `capacity` (a number)");
      CapacityChange step{date(item["from"], at + ".from"), number(item["capacity"], f)};
      if (!steps.empty() && !(steps.back().from < step.from))
        fail(item["from"], at + ".from",
             "expected dates in increasing order, found " + step.from.iso() + " after " + steps.back().from.iso());
      steps.push_back(step);
    }
    return steps;
  }

  void read_field(const YAML::Node& value, const EventFieldSpec& f, Event& event) const {
    const std::string key(f.name);
    std::visit(
        [&](auto member) {
          using Member = decltype(member);
          if constexpr (std::is_same_v<Member, double Event::*>) {
            event.*member = number(value, f);
          } else if constexpr (std::is_same_v<Member, std::string Event::*>) {
            event.*member = scalar(value, key);
          } else if constexpr (std::is_same_v<Member, std::vector<std::string> Event::*>) {
            event.*member = f.choices.empty() ? list(value, key) : choice_list(value, f);
          } else if constexpr (std::is_same_v<Member, Date Event::*>) {
            event.*member = date(value, key);
          } else if constexpr (std::is_same_v<Member, std::optional<Date> Event::*>) {
            event.*member = date(value, key);
          } else if constexpr (std::is_same_v<Member, BanTrigger Event::*>) {
            event.*member = choice(value, f) == "overstay" ? BanTrigger::Overstay : BanTrigger::Deportation;
          } else if constexpr (std::is_same_v<Member, Refusal Event::*>) {
            event.*member = choice(value, f) == "stay" ? Refusal::Stay : Refusal::Irregular;
          } else if constexpr (std::is_same_v<Member, std::vector<CapacityChange> Event::*>) {
            event.*member = schedule(value, f);
          } else if constexpr (std::is_same_v<Member, Exemptions Event::*>) {
            Exemptions e;
            if (!value.IsSequence()) fail_not_choice_list(value, f);
            const auto choices = split_choices(f.choices);
            for (const auto& item : value) {
              const auto text = scalar(item, key);
              if (std::find(choices.begin(), choices.end(), text) == choices.end())
                fail(item, key, "expected items from " + join(choices, "|") + ", found '" + text + "'");
              (text == "departures" ? e.departures : text == "returns" ? e.returns : e.deportations) = true;
            }
            event.*member = e;
          }
        },
        f.member);
  }

  YAML::Node node_;
  std::string where_;
  std::string path_;
  std::string label_note_;
};

// ---- resolution against the scenario ---------------------------------------------------------

int find_country(const Scenario& sc, const std::string& code) {
  for (std::size_t i = 0; i < sc.countries.size(); ++i)
    if (sc.countries[i].code == code) return static_cast<int>(i);
  return -1;
}

std::string unknown(const std::string& what, const std::string& name, const std::vector<std::string>& candidates) {
  auto hint = did_you_mean(name, candidates);
  return "unknown " + what + " '" + name + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
         " (known: " + join(candidates) + ")";
}

std::vector<std::string> country_codes(const Scenario& sc) {
  std::vector<std::string> out;
  for (const auto& c : sc.countries) out.push_back(c.code);
  return out;
}

std::vector<std::string> region_names(const std::vector<Region>& regions) {
  std::vector<std::string> out;
  for (const auto& r : regions) out.push_back(r.name);
  return out;
}

/// Resolves one region name among origins (role Origin) or destinations; returns the location
/// index or sets `problem`.
int find_location(const Scenario& sc, const std::string& name, RegionRole role, std::string& problem) {
  const auto& regions = role == RegionRole::Origin ? sc.origins : sc.destinations;
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (regions[i].name == name) return static_cast<int>(role == RegionRole::Origin ? i : sc.n_origins() + i);
  const auto& others = role == RegionRole::Origin ? sc.destinations : sc.origins;
  for (const auto& r : others)
    if (r.name == name) {
      problem = "region '" + name + "' is " + (role == RegionRole::Origin ? "a destination" : "an origin") +
                "; expected " + (role == RegionRole::Origin ? "an origin" : "a destination") + " region";
      return -1;
    }
  problem = unknown(role == RegionRole::Origin ? "origin region" : "destination region", name, region_names(regions));
  return -1;
}

int find_sector(const Scenario& sc, const std::string& name, std::string& problem) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < sc.sectors.size(); ++i) {
    if (sc.sectors[i].name == name) return static_cast<int>(i);
    names.push_back(sc.sectors[i].name);
  }
  problem = unknown("sector", name, names);
  return -1;
}

}  // namespace

std::string default_label(const Event& event, std::size_t position) {
  return std::string(event_spec(event.type).name) + "_" + std::to_string(position + 1);
}

namespace {

/// Country codes (`country`, `countries`, `citizenships`) to indices.
std::string resolve_countries(Event& e, const Scenario& sc) {
  e.country_index = -1;
  if (!e.country.empty()) {
    e.country_index = find_country(sc, e.country);
    if (e.country_index < 0) return "country: " + unknown("country", e.country, country_codes(sc));
  }
  for (auto [codes, indices, field] : {std::tuple{&e.countries, &e.country_indices, "countries"},
                                       std::tuple{&e.citizenships, &e.citizenship_indices, "citizenships"}}) {
    indices->clear();
    for (const auto& code : *codes) {
      const int c = find_country(sc, code);
      if (c < 0) return std::string(field) + ": " + unknown("country", code, country_codes(sc));
      indices->push_back(c);
    }
  }
  return "";
}

/// Region names (`regions`, `region`, `to`) to location indices, as origins or destinations by
/// the kind's rule (`to` is always an origin).
std::string resolve_regions(Event& e, const Scenario& sc, RegionRole role) {
  std::string problem;
  e.location_indices.clear();
  for (const auto& name : e.regions) {
    const int l = find_location(sc, name, role, problem);
    if (l < 0) return "regions: " + problem;
    if (e.country_index >= 0 && static_cast<int>(sc.location(static_cast<std::size_t>(l)).country) != e.country_index)
      return "regions: region '" + name + "' is not in " + e.country;
    e.location_indices.push_back(l);
  }
  e.location_index = e.region.empty() ? -1 : find_location(sc, e.region, role, problem);
  if (!e.region.empty() && e.location_index < 0) return "region: " + problem;
  e.to_index = e.to.empty() ? -1 : find_location(sc, e.to, RegionRole::Origin, problem);
  if (!e.to.empty() && e.to_index < 0) return "to: " + problem;
  return "";
}

/// Sector names (`sectors`, `sector`) and the currency code to indices.
std::string resolve_sectors_and_currency(Event& e, const Scenario& sc) {
  std::string problem;
  e.sector_indices.clear();
  for (const auto& name : e.sectors) {
    const int s = find_sector(sc, name, problem);
    if (s < 0) return "sectors: " + problem;
    e.sector_indices.push_back(s);
  }
  e.sector_index = e.sector.empty() ? -1 : find_sector(sc, e.sector, problem);
  if (!e.sector.empty() && e.sector_index < 0) return "sector: " + problem;
  e.currency_index = -1;
  if (!e.currency.empty()) {
    auto it = std::find(sc.currencies.begin(), sc.currencies.end(), e.currency);
    if (it == sc.currencies.end()) return "currency: " + unknown("currency", e.currency, sc.currencies);
    e.currency_index = static_cast<int>(it - sc.currencies.begin());
  }
  return "";
}

}  // namespace

std::string resolve_event(Event& e, const Scenario& sc) {
  const EventKind& kind = event_kind(e.type);
  if (auto problem = resolve_countries(e, sc); !problem.empty()) return problem;
  if (auto problem = resolve_regions(e, sc, kind.regions); !problem.empty()) return problem;
  if (auto problem = resolve_sectors_and_currency(e, sc); !problem.empty()) return problem;
  return kind.check ? kind.check(e, sc) : "";
}

Event parse_event(const YAML::Node& node, const std::string& where, std::size_t position, const Scenario& sc) {
  EventReader reader(node, where, position);
  Event event = reader.read();
  if (event.label.empty()) event.label = default_label(event, position);
  auto problem = resolve_event(event, sc);
  if (!problem.empty()) {
    const auto field = problem.substr(0, problem.find(':'));
    const YAML::Node at = node[field] ? node[field] : node;
    reader.fail(at, field, problem.substr(problem.find(':') + 2));
  }
  return event;
}

namespace {

/// One field's value, or nullopt where a scenario would leave it out (empty names and lists).
std::optional<EventValue> field_value(const Event& e, const EventFieldSpec& f) {
  return std::visit(
      [&](auto member) -> std::optional<EventValue> {
        using Member = decltype(member);
        if constexpr (std::is_same_v<Member, double Event::*>) {
          return e.*member;
        } else if constexpr (std::is_same_v<Member, std::string Event::*>) {
          if ((e.*member).empty()) return std::nullopt;
          return e.*member;
        } else if constexpr (std::is_same_v<Member, std::vector<std::string> Event::*>) {
          if ((e.*member).empty()) return std::nullopt;
          return e.*member;
        } else if constexpr (std::is_same_v<Member, Date Event::*>) {
          return (e.*member).iso();
        } else if constexpr (std::is_same_v<Member, std::optional<Date> Event::*>) {
          if (!(e.*member)) return std::nullopt;
          return (e.*member)->iso();
        } else if constexpr (std::is_same_v<Member, BanTrigger Event::*>) {
          return std::string(e.*member == BanTrigger::Overstay ? "overstay" : "deportation");
        } else if constexpr (std::is_same_v<Member, Refusal Event::*>) {
          return std::string(e.*member == Refusal::Stay ? "stay" : "irregular");
        } else if constexpr (std::is_same_v<Member, std::vector<CapacityChange> Event::*>) {
          if ((e.*member).empty()) return std::nullopt;
          return e.*member;
        } else {
          static_assert(std::is_same_v<Member, Exemptions Event::*>);
          std::vector<std::string> items;
          if ((e.*member).departures) items.emplace_back("departures");
          if ((e.*member).returns) items.emplace_back("returns");
          if ((e.*member).deportations) items.emplace_back("deportations");
          return items;
        }
      },
      f.member);
}

}  // namespace

std::vector<std::pair<std::string, EventValue>> event_values_of(const Event& e) {
  const auto& spec = event_spec(e.type);
  std::vector<std::pair<std::string, EventValue>> out;
  out.emplace_back("type", std::string(spec.name));
  out.emplace_back("label", e.label);
  out.emplace_back("start", e.start.iso());
  if (e.end) out.emplace_back("end", e.end->iso());
  for (const auto& f : spec.fields)
    if (auto value = field_value(e, f)) out.emplace_back(std::string(f.name), std::move(*value));
  if (!e.source.empty()) out.emplace_back("source", e.source);
  return out;
}

static void emit_schedule(YAML::Emitter& out, const std::vector<CapacityChange>& steps) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const auto& s : steps)
    out << YAML::BeginMap << YAML::Key << "from" << YAML::Value << s.from.iso() << YAML::Key << "capacity"
        << YAML::Value << number_text(s.capacity) << YAML::EndMap;
  out << YAML::EndSeq;
}

void emit_events(YAML::Emitter& out, const std::vector<Event>& events) {
  out << YAML::BeginSeq;
  for (const auto& e : events) {
    out << YAML::BeginMap;
    for (const auto& [name, value] : event_values_of(e)) {
      out << YAML::Key << name << YAML::Value;
      if (const auto* number = std::get_if<double>(&value))
        out << number_text(*number);
      else if (const auto* text = std::get_if<std::string>(&value))
        out << *text;
      else if (const auto* steps = std::get_if<std::vector<CapacityChange>>(&value))
        emit_schedule(out, *steps);
      else
        out << YAML::Flow << std::get<std::vector<std::string>>(value);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace migsim::detail

namespace migsim {
std::vector<std::pair<std::string, EventValue>> event_values(const Event& event) {
  return detail::event_values_of(event);
}
}  // namespace migsim
