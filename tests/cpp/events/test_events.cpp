// Tests for dated policy events as data: the schema's examples, the parser's errors (misspelt and
// misplaced fields, wrong values, missing fields, unknown names, the per-type rules), that every
// documented field is read, documented defaults, labels, `extends:` with `remove_events:`, and
// `--set events.<label>.<field>=value` overrides.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "../test_support.hpp"
#include "migsim/builtin.hpp"
#include "migsim/errors.hpp"
#include "migsim/events.hpp"
#include "migsim/scenario.hpp"

namespace {

using migsim_test::Contains;
using migsim_test::read_text;
using migsim_test::write_text;

/// "a quota", "an amnesty": the article the engine's messages use.
std::string Article(std::string_view name) {
  return (std::string_view("aeiou").find(name.front()) != std::string_view::npos ? "an " : "a ") + std::string(name);
}

namespace fs = std::filesystem;
using migsim::Event;
using migsim::EventFieldSpec;
using migsim::EventTypeSpec;
using migsim::FieldKind;
using migsim::Scenario;

const fs::path kToy = fs::path(MIGSIM_TEST_DATA) / "policy-toy";
const fs::path kToyDerived = fs::path(MIGSIM_TEST_DATA) / "policy-toy-derived";

const Scenario& kyrgyzstan() {
  static const Scenario scenario = migsim::load_scenario("kyrgyzstan");
  return scenario;
}

const Scenario& toy() {
  static const Scenario scenario = migsim::load_scenario(kToy.string());
  return scenario;
}

/// A fresh temporary directory named after the current test, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("migsim-events-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "." + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& dir() const { return dir_; }

  /// A sub-folder holding a copy of `from` (every file), returned as a path.
  fs::path copy_of(const fs::path& from, const std::string& name) const {
    const fs::path to = dir_ / name;
    fs::create_directories(to);
    for (const auto& entry : fs::directory_iterator(from)) fs::copy_file(entry.path(), to / entry.path().filename());
    return to;
  }

 private:
  fs::path dir_;
};

/// The ScenarioError message of `action` (fails the test if nothing or something else is thrown).
std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const migsim::ScenarioError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ScenarioError, got: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected ScenarioError, nothing was thrown";
  return {};
}

// ---- events as ordered key/value lists -------------------------------------------------------

/// An event mapping as written: ordered (key, value text) pairs, one per line.
class Fields {
 public:
  /// From a schema example ("- type: x\n  key: value\n...").
  static Fields of_example(std::string_view example) {
    Fields f;
    std::istringstream in{std::string(example)};
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("- ", 0) == 0 || line.rfind("  ", 0) == 0) line = line.substr(2);
      const auto colon = line.find(": ");
      if (colon == std::string::npos) throw std::logic_error("unexpected example line: " + line);
      f.items_.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    return f;
  }

  bool has(const std::string& key) const { return find(key) != items_.end(); }
  std::string get(const std::string& key) const { return has(key) ? find(key)->second : std::string(); }
  Fields& set(const std::string& key, const std::string& value) {
    auto it = find(key);
    if (it == items_.end())
      items_.emplace_back(key, value);
    else
      it->second = value;
    return *this;
  }
  Fields& erase(const std::string& key) {
    auto it = find(key);
    if (it != items_.end()) items_.erase(it);
    return *this;
  }
  Fields& rename(const std::string& key, const std::string& to) {
    auto it = find(key);
    if (it != items_.end()) it->first = to;
    return *this;
  }
  /// 1-based line of `key` in yaml().
  std::size_t line_of(const std::string& key) const { return static_cast<std::size_t>(find(key) - items_.begin()) + 1; }
  std::string yaml() const {
    std::string out;
    for (const auto& [k, v] : items_) out += k + ": " + v + "\n";
    return out;
  }

 private:
  using Items = std::vector<std::pair<std::string, std::string>>;
  Items::const_iterator find(const std::string& key) const {
    return std::find_if(items_.begin(), items_.end(), [&](const auto& kv) { return kv.first == key; });
  }
  Items::iterator find(const std::string& key) {
    return std::find_if(items_.begin(), items_.end(), [&](const auto& kv) { return kv.first == key; });
  }
  Items items_;
};

/// The example of `spec` with a label no scenario uses.
Fields probe(const EventTypeSpec& spec) { return Fields::of_example(spec.example).set("label", "probe_event"); }

Event parse(const Fields& f, const Scenario& sc = kyrgyzstan()) {
  return migsim::parse_event(f.yaml(), sc, "probe.yaml");
}

std::string parse_error(const Fields& f, const Scenario& sc = kyrgyzstan()) {
  return error_of([&] { parse(f, sc); });
}

/// "key 'events[N].<key>'" as the parser names a field of the next event of `sc`.
std::string key_path(const std::string& key, const Scenario& sc = kyrgyzstan()) {
  return "key 'events[" + std::to_string(sc.events.size()) + "]." + key + "'";
}

std::string join(const std::vector<std::string>& items, const std::string& separator = ",") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::vector<std::string> split_choices(std::string_view choices) {
  std::vector<std::string> out;
  std::stringstream in{std::string(choices)};
  for (std::string item; std::getline(in, item, '|');) out.push_back(item);
  return out;
}

std::string format_double(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

/// The value of the Event member that `field` reads, as comparable text.
std::string member_text(const Event& e, const EventFieldSpec& field) {
  return std::visit(
      [&](auto member) -> std::string {
        using M = decltype(member);
        if constexpr (std::is_same_v<M, double Event::*>) {
          return format_double(e.*member);
        } else if constexpr (std::is_same_v<M, std::string Event::*>) {
          return e.*member;
        } else if constexpr (std::is_same_v<M, std::vector<std::string> Event::*>) {
          return join(e.*member);
        } else if constexpr (std::is_same_v<M, migsim::Date Event::*>) {
          return (e.*member).iso();
        } else if constexpr (std::is_same_v<M, std::optional<migsim::Date> Event::*>) {
          return e.*member ? (e.*member)->iso() : std::string();
        } else if constexpr (std::is_same_v<M, migsim::BanTrigger Event::*>) {
          return e.*member == migsim::BanTrigger::Overstay ? "overstay" : "deportation";
        } else if constexpr (std::is_same_v<M, migsim::Refusal Event::*>) {
          return e.*member == migsim::Refusal::Stay ? "stay" : "irregular";
        } else if constexpr (std::is_same_v<M, std::vector<migsim::CapacityChange> Event::*>) {
          std::vector<std::string> items;  // as normalised() reads "[{from: D, capacity: N}, ...]"
          for (const auto& step : e.*member)
            items.push_back("{from:" + step.from.iso() + ",capacity:" + format_double(step.capacity) + "}");
          return join(items);
        } else {
          const migsim::Exemptions& x = e.*member;
          std::vector<std::string> items;
          if (x.departures) items.emplace_back("departures");
          if (x.returns) items.emplace_back("returns");
          if (x.deportations) items.emplace_back("deportations");
          return join(items);
        }
      },
      field.member);
}

/// `value` (as written in YAML) in the form member_text gives for a field of `kind`.
std::string normalised(FieldKind kind, const std::string& value) {
  if (kind == FieldKind::Number) return format_double(std::stod(value));
  std::string out;
  for (char c : value)
    if (c != '[' && c != ']' && c != ' ') out += c;
  return out;
}

bool is_list(FieldKind kind) {
  return kind == FieldKind::CountryList || kind == FieldKind::RegionList || kind == FieldKind::SectorList ||
         kind == FieldKind::ChoiceList;
}

/// Valid-looking values of a field's kind in `sc`, to try in turn.
std::vector<std::string> candidate_values(const EventFieldSpec& f, const Scenario& sc) {
  std::vector<std::string> names;
  switch (f.kind) {
    case FieldKind::Number:
      for (double x : {0.37, 0.5, 0.9, 1.5, 2.5, 7.0, 40.0, 1234.0})
        if (x >= f.min && x <= f.max) names.push_back(format_double(x));
      return names;
    case FieldKind::Country:
    case FieldKind::CountryList:
      for (const auto& c : sc.countries) names.push_back(c.code);
      break;
    case FieldKind::Currency:
      names = sc.currencies;
      break;
    case FieldKind::Region:
    case FieldKind::RegionList:
      for (std::size_t l = 0; l < sc.n_locations(); ++l) names.push_back(sc.location(l).name);
      break;
    case FieldKind::SectorName:
    case FieldKind::SectorList:
      for (const auto& s : sc.sectors) names.push_back(s.name);
      break;
    case FieldKind::Choice:
    case FieldKind::ChoiceList:
      names = split_choices(f.choices);
      break;
    case FieldKind::Date:
    case FieldKind::OptionalDate:
      return {"2021-02-03", "2030-01-01"};
    case FieldKind::Text:
      return {"something_else"};
    case FieldKind::Schedule:
      return {"[{from: 2021-02-03, capacity: 250}]",
              "[{from: 2021-02-03, capacity: 250}, {from: 2021-05-05, capacity: 900}]"};
  }
  if (!is_list(f.kind)) return names;
  std::vector<std::string> lists;
  if (f.name == "countries") {  // border_closure: pairs
    for (std::size_t i = 0; i < names.size(); ++i)
      for (std::size_t j = i + 1; j < names.size(); ++j) lists.push_back("[" + names[i] + ", " + names[j] + "]");
    return lists;
  }
  for (const auto& n : names) lists.push_back("[" + n + "]");
  return lists;
}

/// The example of `spec` with `field` set to `value`; for the country-or-regions types, setting
/// one of the two removes the other.
Fields with_field(const EventTypeSpec& spec, const std::string& field, const std::string& value) {
  Fields f = probe(spec);
  if (spec.country_or_regions && field == "country") f.erase("regions");
  if (spec.country_or_regions && field == "regions") f.erase("country");
  return f.set(field, value);
}

// ---- the examples --------------------------------------------------------------------------

TEST(Events, SchemaListsEveryTypeOnceWithAnExample) {
  std::set<std::string> names;
  for (const auto& spec : migsim::event_schema()) {
    EXPECT_TRUE(names.insert(std::string(spec.name)).second) << spec.name;
    EXPECT_EQ(migsim::find_event_type(spec.name), &spec);
    EXPECT_EQ(&migsim::event_spec(spec.type), &spec);
    EXPECT_EQ(std::string(spec.example).rfind("- type: " + std::string(spec.name) + "\n", 0), 0u) << spec.example;
    EXPECT_FALSE(spec.mechanics.empty()) << spec.name;
    std::set<std::string> fields;
    for (const auto& f : spec.fields)
      EXPECT_TRUE(fields.insert(std::string(f.name)).second) << spec.name << "." << f.name;
  }
#define MIGSIM_ONE(Type, name) +1
  EXPECT_EQ(names.size(), 0u MIGSIM_EVENT_TYPES(MIGSIM_ONE));  // every value of EventType
#undef MIGSIM_ONE
  EXPECT_EQ(migsim::find_event_type("no_such_type"), nullptr);
}

TEST(Events, EverySchemaExampleParsesAgainstKyrgyzstan) {
  for (const auto& spec : migsim::event_schema()) {
    const Fields f = Fields::of_example(spec.example);
    Event e;
    try {
      e = parse(f);
    } catch (const std::exception& error) {
      ADD_FAILURE() << spec.name << ": " << error.what();
      continue;
    }
    EXPECT_EQ(e.type, spec.type) << spec.name;
    EXPECT_EQ(e.label, f.get("label")) << spec.name;
    EXPECT_EQ(e.start.iso(), f.get("start")) << spec.name;
    EXPECT_EQ(e.end ? e.end->iso() : "", f.get("end")) << spec.name;
    // Each field written in the example is read as written.
    for (const auto& spec_field : spec.fields)
      if (f.has(std::string(spec_field.name)))
        EXPECT_EQ(member_text(e, spec_field), normalised(spec_field.kind, f.get(std::string(spec_field.name))))
            << spec.name << "." << spec_field.name;
  }
}

TEST(Events, ExamplesAppendedToAScenarioFileLoad) {
  // The examples, as written, form the `events:` list of a copy of the built-in kyrgyzstan scenario
  // (its own events dropped: some examples reuse the labels of the events they imitate).
  TempDir tmp;
  const fs::path folder = tmp.dir() / "kyrgyzstan";
  migsim::export_builtin("kyrgyzstan", folder.string());
  std::string text = read_text(folder / "scenario.yaml");
  // Drop the built-in events so that example labels cannot clash with them. The examples are
  // dated 2026 and later, after kyrgyzstan ends: the calendar runs on for them (an event the file
  // itself declares after its calendar ends is refused).
  text = text.substr(0, text.find("\nevents:")) + "\nevents:\n";
  const auto end = text.find("end: 2025-12-31");
  ASSERT_NE(end, std::string::npos);
  text.replace(end, 15, "end: 2035-12-31");
  for (const auto& spec : migsim::event_schema()) {
    std::istringstream in{std::string(spec.example)};
    for (std::string line; std::getline(in, line);) text += "  " + line + "\n";
  }
  write_text(folder / "scenario.yaml", text);
  const Scenario sc = migsim::load_scenario(folder.string());
  ASSERT_EQ(sc.events.size(), migsim::event_schema().size());
  for (std::size_t i = 0; i < sc.events.size(); ++i) EXPECT_EQ(sc.events[i].type, migsim::event_schema()[i].type);
}

// ---- errors --------------------------------------------------------------------------------

TEST(Events, MisspeltFieldIsAnErrorNamingWhereTheKeyAndTheIntendedField) {
  std::size_t checked = 0;
  for (const auto& spec : migsim::event_schema()) {
    std::vector<std::string> names = {"label", "source", "start"};
    if (spec.has_end) names.emplace_back("end");
    for (const auto& f : spec.fields) names.emplace_back(f.name);
    for (const auto& name : names) {
      const std::string typo = name + name.back();  // one letter too many
      Fields f = probe(spec);
      if (f.has(name))
        f.rename(name, typo);
      else
        f.set(typo, "1");
      const auto message = parse_error(f);
      EXPECT_TRUE(Contains(message, "probe.yaml:" + std::to_string(f.line_of(typo)) + ": ")) << spec.name;
      EXPECT_TRUE(Contains(message, key_path(typo))) << spec.name;
      EXPECT_TRUE(Contains(message, "unknown field for " + Article(spec.name) + " event")) << spec.name;
      EXPECT_TRUE(Contains(message, "did you mean '" + name + "'?")) << spec.name;
      if (name != "label") EXPECT_TRUE(Contains(message, "(label 'probe_event')")) << spec.name;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
}

TEST(Events, FieldOfAnotherTypeIsAnErrorListingTheTypesFields) {
  // `limit` belongs to quota, not to permit_fee; `end` cannot be given to an amnesty.
  const auto message = parse_error(probe(*migsim::find_event_type("permit_fee")).set("limit", "5"));
  EXPECT_TRUE(Contains(message, key_path("limit")));
  EXPECT_TRUE(
      Contains(message, "(fields: label, source, start, end, country, regions, amount, issue_cost, citizenships)"));
  const auto amnesty = parse_error(probe(*migsim::find_event_type("amnesty")).set("end", "2022-12-31"));
  EXPECT_TRUE(Contains(amnesty, key_path("end")));
  EXPECT_TRUE(Contains(amnesty, "an amnesty happens once, on its start date; remove `end`"));
}

TEST(Events, UnknownTypeIsAnErrorWithASuggestion) {
  const auto message = parse_error(probe(*migsim::find_event_type("quota")).set("type", "quotaa"));
  EXPECT_TRUE(Contains(message, key_path("type")));
  EXPECT_TRUE(Contains(message, "unknown event type 'quotaa'; did you mean 'quota'?"));
  EXPECT_TRUE(Contains(message, "types: quota, permit_fee,"));
  const auto missing = error_of([] { migsim::parse_event("start: 2020-01-01\n", kyrgyzstan(), "probe.yaml"); });
  EXPECT_TRUE(Contains(missing, key_path("type") + ": missing; expected one of: quota,"));
  const auto not_a_map = error_of([] { migsim::parse_event("[1, 2]\n", kyrgyzstan(), "probe.yaml"); });
  EXPECT_TRUE(Contains(not_a_map, "expected a mapping with at least `type` and `start`, found a list"));
}

/// Invalid values of a field and the part of the message each must produce.
std::vector<std::pair<std::string, std::string>> bad_values(const EventFieldSpec& f, const EventTypeSpec& spec,
                                                            const Scenario& sc) {
  std::vector<std::string> codes, currencies = sc.currencies, sectors, origins, destinations;
  for (const auto& c : sc.countries) codes.push_back(c.code);
  for (const auto& s : sc.sectors) sectors.push_back(s.name);
  for (const auto& r : sc.origins) origins.push_back(r.name);
  for (const auto& r : sc.destinations) destinations.push_back(r.name);
  const bool origin_role = spec.type == migsim::EventType::ReintegrationProgramme ||
                           spec.type == migsim::EventType::HomeInvestment ||
                           spec.type == migsim::EventType::Displacement;
  const auto& regions = origin_role ? origins : destinations;
  const std::string role = origin_role ? "origin region" : "destination region";
  const std::string known_regions = "(known: " + join(regions, ", ") + ")";
  const std::string known_countries = "(known: " + join(codes, ", ") + ")";
  switch (f.kind) {
    case FieldKind::Number:
      return {{"abc", "expected a number (" + std::string(f.unit) + "), found 'abc'"},
              {"[1]", "expected a single value, found a list"},
              {"1e400", "expected a number"},
              {"-1", "expected a number in ["},
              {format_double(f.max * 2 + 1), "expected a number in ["}};
    case FieldKind::Date:
    case FieldKind::OptionalDate:
      return {{"2021-02-30", "expected a date YYYY-MM-DD, found '2021-02-30'"},
              {"tomorrow", "expected a date YYYY-MM-DD, found 'tomorrow'"}};
    case FieldKind::Country:
      return {
          {"XX", "unknown country 'XX'"}, {"XX", known_countries}, {"[KG]", "expected a single value, found a list"}};
    case FieldKind::CountryList:
      if (f.name == "countries")
        return {{"[KG, XX]", "unknown country 'XX'"},
                {"[KG, XX]", known_countries},
                {"KG", "expected a list like [a, b], found 'KG'"},
                {"[]", "expected at least one item"}};
      return {{"[XX]", "unknown country 'XX'"},
              {"[KG, XX]", known_countries},
              {"KG", "expected a list like [a, b], found 'KG'"},
              {"[]", "expected at least one item"}};
    case FieldKind::Currency:
      return {{"XXX", "unknown currency 'XXX'"}, {"XXX", "(known: " + join(currencies, ", ") + ")"}};
    case FieldKind::Region:
      return {{"atlantis", "unknown " + role + " 'atlantis'"}, {"atlantis", known_regions}};
    case FieldKind::RegionList:
      return {{"[atlantis]", "unknown " + role + " 'atlantis'"},
              {"[atlantis]", known_regions},
              {"atlantis", "expected a list like [a, b], found 'atlantis'"}};
    case FieldKind::SectorName:
      return {{"mining", "unknown sector 'mining'"}, {"mining", "(known: " + join(sectors, ", ") + ")"}};
    case FieldKind::SectorList:
      return {{"[mining]", "unknown sector 'mining'"}, {"[mining]", "(known: " + join(sectors, ", ") + ")"}};
    case FieldKind::Choice:
      return {{"maybe", "expected one of " + std::string(f.choices) + ", found 'maybe'"}};
    case FieldKind::ChoiceList:
      return {{"[maybe]", "expected items from " + std::string(f.choices) + ", found 'maybe'"},
              {"returns", "expected a list like [" + split_choices(f.choices).front() + "], found 'returns'"}};
    case FieldKind::Text:
      return {{"[a]", "expected a single value, found a list"}};
  }
  return {};
}

TEST(Events, WrongValueIsAnErrorNamingTheKeyWhatWasExpectedAndWhatWasFound) {
  std::size_t checked = 0;
  for (const auto& spec : migsim::event_schema()) {
    std::vector<EventFieldSpec> fields(spec.fields.begin(), spec.fields.end());
    fields.push_back({"start", FieldKind::Date, &Event::start, true, "", "", 0, 0, ""});
    if (spec.has_end) fields.push_back({"end", FieldKind::OptionalDate, &Event::end, false, "", "", 0, 0, ""});
    for (const auto& f : fields)
      for (const auto& [value, expected] : bad_values(f, spec, kyrgyzstan())) {
        const Fields bad = with_field(spec, std::string(f.name), value);
        const auto message = parse_error(bad);
        EXPECT_TRUE(Contains(message, "probe.yaml:")) << spec.name << "." << f.name << " = " << value;
        EXPECT_TRUE(Contains(message, key_path(std::string(f.name)))) << spec.name << "." << f.name << " = " << value;
        EXPECT_TRUE(Contains(message, expected)) << spec.name << "." << f.name << " = " << value;
        ++checked;
      }
  }
  EXPECT_GT(checked, 200u);
}

TEST(Events, RegionOfTheWrongRoleIsAnError) {
  // home_investment covers origin regions; quota regions are destinations.
  const auto origin = parse_error(probe(*migsim::find_event_type("home_investment")).set("regions", "[moscow]"));
  EXPECT_TRUE(Contains(origin, key_path("regions")));
  EXPECT_TRUE(Contains(origin, "region 'moscow' is a destination; expected an origin region"));
  const auto destination = parse_error(probe(*migsim::find_event_type("quota")).set("regions", "[batken]"));
  EXPECT_TRUE(Contains(destination, "region 'batken' is an origin; expected a destination region"));
  const auto other_country = parse_error(probe(*migsim::find_event_type("quota")).set("regions", "[almaty]"));
  EXPECT_TRUE(Contains(other_country, "region 'almaty' is not in RU"));
  const auto scheme = parse_error(probe(*migsim::find_event_type("bilateral_scheme")).set("region", "naryn"));
  EXPECT_TRUE(Contains(scheme, key_path("region")));
  EXPECT_TRUE(Contains(scheme, "region 'naryn' is an origin; expected a destination region"));
}

TEST(Events, MissingRequiredFieldIsAnError) {
  std::size_t checked = 0;
  for (const auto& spec : migsim::event_schema()) {
    std::vector<std::string> required = {"start"};
    if (spec.end_required) required.emplace_back("end");
    for (const auto& f : spec.fields)
      if (f.required) required.emplace_back(f.name);
    for (const auto& name : required) {
      Fields f = probe(spec);
      ASSERT_TRUE(f.has(name)) << spec.name << ": the example lacks required field " << name;
      const auto message = parse_error(f.erase(name));
      EXPECT_TRUE(Contains(message, key_path(name) + " (label 'probe_event'): missing")) << spec.name;
      ++checked;
    }
    // Optional fields may be left out (the example without each one still parses).
    for (const auto& f : spec.fields) {
      if (f.required || (spec.country_or_regions && (f.name == "country" || f.name == "regions"))) continue;
      if (spec.type == migsim::EventType::Displacement && f.name == "to") continue;
      EXPECT_NO_THROW(parse(probe(spec).erase(std::string(f.name)))) << spec.name << "." << f.name;
    }
  }
  EXPECT_GT(checked, 40u);
}

TEST(Events, CountryOrRegionsTypesNeedExactlyOne) {
  std::size_t checked = 0;
  for (const auto& spec : migsim::event_schema()) {
    if (!spec.country_or_regions) continue;
    const auto neither = parse_error(probe(spec).erase("country").erase("regions"));
    EXPECT_TRUE(Contains(neither, "expected exactly one of `country` and `regions`, found neither")) << spec.name;
    const auto both = parse_error(probe(spec).set("country", "RU").set("regions", "[moscow]"));
    EXPECT_TRUE(Contains(both, "expected exactly one of `country` and `regions`, found both")) << spec.name;
    EXPECT_NO_THROW(parse(with_field(spec, "country", "RU"))) << spec.name;
    EXPECT_NO_THROW(parse(with_field(spec, "regions", "[moscow, almaty]"))) << spec.name;
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

TEST(Events, BorderClosureNeedsTwoDifferentCountries) {
  const auto& spec = *migsim::find_event_type("border_closure");
  for (const char* countries : {"[KG, KG]", "[KG]", "[KG, RU, KZ]"}) {
    const auto message = parse_error(probe(spec).set("countries", countries));
    EXPECT_TRUE(Contains(message, key_path("countries"))) << countries;
    EXPECT_TRUE(Contains(message, "expected two different country codes")) << countries;
  }
  const Event e = parse(probe(spec).set("countries", "[RU, KZ]").set("exemptions", "[deportations, returns]"));
  EXPECT_EQ(e.countries, (std::vector<std::string>{"RU", "KZ"}));
  EXPECT_TRUE(e.exemptions.returns && e.exemptions.deportations && !e.exemptions.departures);
}

TEST(Events, AmnestyHappensOnceAndRejectsEnd) {
  const auto& spec = *migsim::find_event_type("amnesty");
  EXPECT_FALSE(spec.has_end);
  const auto message = parse_error(probe(spec).set("end", "2022-12-31"));
  EXPECT_TRUE(Contains(message, key_path("end")));
  EXPECT_TRUE(Contains(message, "remove `end`"));
  EXPECT_FALSE(parse(probe(spec)).end.has_value());
}

TEST(Events, DisplacementNeedsEndAndTheReceivingRegionUnlessEveryoneLeaves) {
  const auto& spec = *migsim::find_event_type("displacement");
  const auto no_end = parse_error(probe(spec).erase("end"));
  EXPECT_TRUE(Contains(no_end, key_path("end")));
  EXPECT_TRUE(Contains(no_end, "a displacement event needs an end date"));
  const auto no_to = parse_error(probe(spec).erase("to").set("abroad_share", "0.99"));
  EXPECT_TRUE(Contains(no_to, key_path("to")));
  EXPECT_TRUE(Contains(no_to, "missing"));
  const auto no_to_default = parse_error(probe(spec).erase("to").erase("abroad_share"));
  EXPECT_TRUE(Contains(no_to_default, key_path("to")));
  const Event everyone_leaves = parse(probe(spec).erase("to").set("abroad_share", "1"));
  EXPECT_EQ(everyone_leaves.to_index, -1);
  EXPECT_EQ(everyone_leaves.abroad_share, 1.0);
  const auto same = parse_error(probe(spec).set("to", probe(spec).get("region")));
  EXPECT_TRUE(Contains(same, key_path("to")));
  EXPECT_TRUE(Contains(same, "expected a region other than the displaced region"));
  const auto abroad = parse_error(probe(spec).set("to", "moscow"));
  EXPECT_TRUE(Contains(abroad, "region 'moscow' is a destination; expected an origin region"));
}

TEST(Events, EndBeforeStartIsAnError) {
  const auto message = parse_error(probe(*migsim::find_event_type("quota")).set("end", "2013-12-31"));
  EXPECT_TRUE(Contains(message, key_path("end")));
  EXPECT_TRUE(Contains(message, "expected a date on or after start (2014-01-01), found 2013-12-31"));
  // A one-day event (end == start) is fine.
  EXPECT_NO_THROW(parse(probe(*migsim::find_event_type("quota")).set("end", "2014-01-01")));
}

TEST(Events, DuplicateKeyIsAnError) {
  const auto message =
      error_of([] { migsim::parse_event("type: quota\nstart: 2014-01-01\nstart: 2015-01-01\n", kyrgyzstan(), "x"); });
  EXPECT_TRUE(Contains(message, key_path("start")));
  EXPECT_TRUE(Contains(message, "appears twice"));
}

// ---- labels --------------------------------------------------------------------------------

TEST(Events, LabelsMustBeIdentifiers) {
  const auto& spec = *migsim::find_event_type("quota");
  for (const char* label : {"Quota2014", "quota-2014", "quota 2014", "'quota.2014'"}) {
    const auto message = parse_error(probe(spec).set("label", label));
    EXPECT_TRUE(Contains(message, key_path("label"))) << label;
    EXPECT_TRUE(Contains(message, "expected an identifier of lowercase letters, digits and '_'")) << label;
  }
  EXPECT_EQ(parse(probe(spec).set("label", "q_2014_b")).label, "q_2014_b");
  // Unlabelled: "<type>_<position + 1>", the position being the event's in the scenario.
  const Event unlabelled = parse(probe(spec).erase("label"));
  EXPECT_EQ(unlabelled.label, "quota_" + std::to_string(kyrgyzstan().events.size() + 1));
}

TEST(Events, DuplicateLabelsAreRejected) {
  Scenario sc = toy();
  const auto& spec = *migsim::find_event_type("quota");
  Fields f = Fields::of_example(spec.example).set("label", "quota_ru_tj");
  f.set("regions", "[moscow]").set("citizenships", "[TJ]").set("start", "2020-01-01").set("end", "2020-12-31");
  const Event e = parse(f, sc);  // parsing alone does not know the labels in use
  const auto added = error_of([&] { migsim::add_event(sc, e); });
  EXPECT_TRUE(Contains(added, "event 'quota_ru_tj': duplicate label"));
  EXPECT_EQ(sc.events.size(), toy().events.size());

  TempDir tmp;
  const fs::path copy = tmp.copy_of(kToy, "toy");
  write_text(copy / "scenario.yaml",
             read_text(copy / "scenario.yaml") +
                 "  - {type: amnesty, label: eaeu_kg, start: 2022-01-05, country: RU, citizenships: [KG]}\n");
  const auto loaded = error_of([&] { migsim::load_scenario(copy.string()); });
  EXPECT_TRUE(Contains(loaded, (copy / "scenario.yaml").string() + ":"));
  EXPECT_TRUE(Contains(loaded, "key 'events[" + std::to_string(toy().events.size()) + "].label'"));
  EXPECT_TRUE(Contains(loaded, "duplicate label 'eaeu_kg'"));
  // An explicit label equal to another event's default label clashes too.
  write_text(copy / "scenario.yaml", read_text(kToy / "scenario.yaml") +
                                         "  - {type: amnesty, start: 2022-01-05, country: RU, citizenships: [KG]}\n"
                                         "  - {type: amnesty, label: amnesty_" +
                                         std::to_string(toy().events.size() + 1) +
                                         ", start: 2022-01-05, country: RU, citizenships: [KG]}\n");
  EXPECT_TRUE(Contains(error_of([&] { migsim::load_scenario(copy.string()); }), "duplicate label"));
}

TEST(Events, AddEventResolvesNamesAndRejectsUnknownOnes) {
  Scenario sc = toy();
  Event e;
  e.type = migsim::EventType::Quota;
  e.label = "api_quota";
  e.start = migsim::Date::from_ymd(2021, 1, 1);
  e.country = "KZ";
  e.limit = 100;
  e.citizenships = {"TJ"};
  migsim::add_event(sc, e);
  EXPECT_EQ(sc.events.back().country_index, 3);
  EXPECT_EQ(sc.events.back().citizenship_indices, std::vector<int>{1});
  Event bad = e;
  bad.label = "api_quota_2";
  bad.country = "XX";
  const auto message = error_of([&] { migsim::add_event(sc, bad); });
  EXPECT_TRUE(Contains(message, "event 'api_quota_2': country: unknown country 'XX'"));
  EXPECT_TRUE(Contains(message, "(known: KG, TJ, RU, KZ, GB)"));
  Event unlabelled = e;
  unlabelled.label.clear();
  migsim::add_event(sc, unlabelled);
  EXPECT_EQ(sc.events.back().label, "quota_" + std::to_string(sc.events.size()));
}

// ---- every documented field is read ----------------------------------------------------------

TEST(Events, EveryDocumentedFieldIsRead) {
  // For each field: the example with the field changed to another valid value parses to an Event
  // whose member for that field holds the new value while every other member is unchanged, and
  // the resolved scenario YAML changes.
  Scenario base = kyrgyzstan();
  base.events.clear();
  base.params.end = migsim::Date::from_ymd(2040, 12, 31);  // room for every candidate date
  std::size_t checked = 0;
  for (const auto& spec : migsim::event_schema()) {
    const Event original = parse(probe(spec), base);
    Scenario with_original = base;
    migsim::add_event(with_original, original);
    const std::string original_yaml = with_original.resolved_yaml();
    for (const auto& field : spec.fields) {
      const std::string name(field.name);
      const std::string current = member_text(original, field);
      bool found = false;
      for (const auto& value : candidate_values(field, base)) {
        if (normalised(field.kind, value) == current) continue;
        Event changed;
        try {
          changed = parse(with_field(spec, name, value), base);
        } catch (const migsim::ScenarioError&) {
          continue;  // not valid here (e.g. a region of another country); try the next value
        }
        found = true;
        EXPECT_EQ(member_text(changed, field), normalised(field.kind, value)) << spec.name << "." << name;
        for (const auto& other : spec.fields) {
          const bool paired = spec.country_or_regions && (other.name == "country" || other.name == "regions");
          if (other.name != field.name && !paired)
            EXPECT_EQ(member_text(changed, other), member_text(original, other))
                << spec.name << ": setting " << name << " changed " << other.name;
        }
        Scenario with_changed = base;
        migsim::add_event(with_changed, changed);
        const std::string changed_yaml = with_changed.resolved_yaml();
        EXPECT_NE(changed_yaml, original_yaml) << spec.name << "." << name << " = " << value;
        // The resolved YAML writes the field back.
        const std::string written = is_list(field.kind) ? name + ": [" : name + ": ";
        EXPECT_TRUE(Contains(changed_yaml, written)) << spec.name << "." << name;
        ++checked;
        break;
      }
      EXPECT_TRUE(found) << spec.name << "." << name << ": no valid alternative value";
    }
    // The common fields too.
    const Event later = parse(probe(spec).set("start", "2011-02-03").set("source", "a citation"), base);
    EXPECT_EQ(later.start.iso(), "2011-02-03") << spec.name;
    EXPECT_EQ(later.source, "a citation") << spec.name;
    if (spec.has_end) {
      const Event ends = parse(probe(spec).set("end", "2030-01-01"), base);
      EXPECT_EQ(ends.end->iso(), "2030-01-01") << spec.name;
    }
  }
  EXPECT_GT(checked, 60u);
}

TEST(Events, DocumentedDefaultsAreTheParsedDefaults) {
  std::size_t checked = 0;
  for (const auto& spec : migsim::event_schema()) {
    for (const auto& field : spec.fields) {
      if (field.required || field.default_text.empty()) continue;
      const std::string name(field.name);
      Fields f = probe(spec).erase(name);
      if (spec.country_or_regions && name == "regions") continue;  // then country is needed
      const Event e = parse(f);
      const std::string value = member_text(e, field);
      const std::string documented(field.default_text);
      if (field.kind == FieldKind::Number) {
        EXPECT_EQ(value, format_double(std::stod(documented))) << spec.name << "." << name;
      } else if (documented == "all" || documented == "all origins") {
        EXPECT_EQ(value, "") << spec.name << "." << name << " (empty = all)";
      } else if (documented == "[]") {
        EXPECT_EQ(value, "") << spec.name << "." << name;
      } else if (documented.front() == '[') {  // a list default is filled in: "[a, b]" reads "a,b"
        std::string items = documented.substr(1, documented.size() - 2);
        items.erase(std::remove(items.begin(), items.end(), ' '), items.end());
        EXPECT_EQ(value, items) << spec.name << "." << name;
      } else if (documented == "first sector") {
        EXPECT_EQ(value, "") << spec.name << "." << name;
        EXPECT_EQ(e.sector_index, -1);
      } else {
        EXPECT_EQ(value, documented) << spec.name << "." << name;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 25u);
}

TEST(Events, AnEventBuiltInCodeHasTheDocumentedNumericDefaults) {
  // add_event takes Event values built in code (the C++ API). A numeric field left at Event's
  // initialiser must mean what the schema documents as its default, as it does when parsed.
  std::size_t checked = 0;
  for (const auto& spec : migsim::event_schema())
    for (const auto& field : spec.fields) {
      const auto* member = std::get_if<double Event::*>(&field.member);
      if (!member || field.required || field.default_text.empty()) continue;
      Event e;
      e.type = spec.type;
      EXPECT_EQ(e.*(*member), std::stod(std::string(field.default_text)))
          << spec.name << "." << field.name << ": Event{} holds " << e.*(*member) << ", the schema documents "
          << field.default_text;
      ++checked;
    }
  EXPECT_GT(checked, 15u);
}

TEST(Events, ResolvedYamlReloadsToTheSameScenario) {
  TempDir tmp;
  const fs::path copy = tmp.copy_of(kToy, "toy");
  const std::string resolved = toy().resolved_yaml();
  write_text(copy / "scenario.yaml", resolved);
  const Scenario reloaded = migsim::load_scenario(copy.string());
  EXPECT_EQ(reloaded.resolved_yaml(), resolved);
  ASSERT_EQ(reloaded.events.size(), toy().events.size());
  for (std::size_t i = 0; i < reloaded.events.size(); ++i) {
    const auto& spec = migsim::event_spec(toy().events[i].type);
    EXPECT_EQ(reloaded.events[i].label, toy().events[i].label);
    EXPECT_EQ(reloaded.events[i].start, toy().events[i].start);
    EXPECT_EQ(reloaded.events[i].end, toy().events[i].end);
    EXPECT_EQ(reloaded.events[i].source, toy().events[i].source);
    for (const auto& f : spec.fields)
      EXPECT_EQ(member_text(reloaded.events[i], f), member_text(toy().events[i], f)) << spec.name << "." << f.name;
  }
}

// ---- extends, remove_events and --set --------------------------------------------------------

std::vector<std::string> labels_of(const Scenario& sc) {
  std::vector<std::string> labels;
  for (const auto& e : sc.events) labels.push_back(e.label);
  return labels;
}

TEST(Events, ExtendsAFolderRemovesEventsAndAddsItsOwn) {
  const Scenario derived = migsim::load_scenario(kToyDerived.string());
  const Scenario& base = toy();
  // Parameters: the derived file's own keys win, the rest are the base's.
  EXPECT_EQ(derived.params.name, "policy-toy-derived");
  EXPECT_EQ(derived.params.end, migsim::Date::from_ymd(2021, 12, 31));
  EXPECT_EQ(derived.params.start, base.params.start);
  EXPECT_EQ(derived.params.departure_base_rate, 0.8);
  EXPECT_EQ(derived.params.return_base_rate, base.params.return_base_rate);
  // Tables come from the base folder.
  EXPECT_EQ(derived.table_texts, base.table_texts);
  EXPECT_EQ(derived.n_origins(), base.n_origins());
  // Events: the base's minus the removed ones and those that start after the derived calendar
  // ends (2022: left out with a warning), in order, then the derived file's.
  std::vector<std::string> expected;
  for (const auto& e : base.events)
    if (e.label != "quota_ru_tj" && e.label != "amnesty_tj" && e.label != "osh_floods" && e.start <= derived.params.end)
      expected.push_back(e.label);
  EXPECT_EQ(expected.size() + 3 + 3, base.events.size());  // 3 removed, 3 after 2021
  expected.insert(expected.end(), {"quota_ru_all", "closure_tj_ru"});
  EXPECT_EQ(labels_of(derived), expected);
  EXPECT_EQ(derived.events[expected.size() - 2].limit, 1000);
  EXPECT_TRUE(derived.events[expected.size() - 2].citizenships.empty());
  // A kept base event is the same as in the base.
  const auto kept = std::find(expected.begin(), expected.end(), "fee_ru") - expected.begin();
  EXPECT_EQ(derived.events[static_cast<std::size_t>(kept)].amount, 5000);
}

TEST(Events, ExtendsChainsAndLaterLayersCanRemoveEarlierEvents) {
  TempDir tmp;
  fs::create_directories(tmp.dir() / "second");
  write_text(
      tmp.dir() / "second" / "scenario.yaml",
      "name: second\nextends: " + kToyDerived.string() +
          "\nremove_events: [closure_tj_ru, eaeu_kg]\nrun:\n  scale: 20\n"
          "events:\n  - {type: amnesty, label: amnesty_kg, start: 2021-06-02, country: RU, citizenships: [KG]}\n");
  const Scenario second = migsim::load_scenario((tmp.dir() / "second").string());
  const Scenario derived = migsim::load_scenario(kToyDerived.string());
  std::vector<std::string> expected;
  for (const auto& label : labels_of(derived))
    if (label != "closure_tj_ru" && label != "eaeu_kg") expected.push_back(label);
  expected.push_back("amnesty_kg");
  EXPECT_EQ(labels_of(second), expected);
  EXPECT_EQ(second.params.scale, 20);
  EXPECT_EQ(second.params.end, migsim::Date::from_ymd(2021, 12, 31));  // from the middle layer
}

TEST(Events, RemoveEventsUsesTheLabelsOfTheBaseScenario) {
  // Unlabelled events get "<type>_<position + 1>". Removing two of three unlabelled quotas by the
  // labels the base scenario gives them must leave the third one.
  TempDir tmp;
  const fs::path base = tmp.copy_of(kToy, "base");
  std::string text = read_text(kToy / "scenario.yaml");
  text = text.substr(0, text.find("\nevents:")) +
         "\nevents:\n"
         "  - {type: quota, start: 2021-01-01, country: RU, limit: 100}\n"
         "  - {type: quota, start: 2021-01-01, country: RU, limit: 200}\n"
         "  - {type: quota, start: 2021-01-01, country: RU, limit: 300}\n";
  write_text(base / "scenario.yaml", text);
  EXPECT_EQ(labels_of(migsim::load_scenario(base.string())),
            (std::vector<std::string>{"quota_1", "quota_2", "quota_3"}));
  fs::create_directories(tmp.dir() / "derived");
  write_text(tmp.dir() / "derived" / "scenario.yaml", "extends: ../base\nremove_events: [quota_1, quota_2]\n");
  const Scenario derived = migsim::load_scenario((tmp.dir() / "derived").string());
  ASSERT_EQ(derived.events.size(), 1u);
  EXPECT_EQ(derived.events[0].limit, 300) << "remove_events: [quota_1, quota_2] removed the base's quota_"
                                          << (derived.events[0].limit == 200 ? "3" : "?") << " instead";
}

TEST(Events, RemoveEventsAllKeepsTheBasesModelWithoutItsTimeline) {
  TempDir tmp;
  fs::create_directories(tmp.dir() / "derived");
  const fs::path file = tmp.dir() / "derived" / "scenario.yaml";
  write_text(file, "extends: " + kToy.string() +
                       "\nremove_events: all\nbehaviour: {return: {base_rate: 0.25}}\nevents:\n"
                       "  - {type: quota, label: own_quota, start: 2020-01-01, country: RU, limit: 5}\n");
  const Scenario base = migsim::load_scenario(kToy.string());
  const Scenario derived = migsim::load_scenario((tmp.dir() / "derived").string());
  ASSERT_GT(base.events.size(), 1u);
  ASSERT_EQ(derived.events.size(), 1u);
  EXPECT_EQ(derived.events[0].label, "own_quota");
  EXPECT_EQ(derived.params.return_base_rate, 0.25);
  EXPECT_EQ(derived.params.departure_base_rate, base.params.departure_base_rate);  // the base's model
  write_text(file, "extends: " + kToy.string() + "\nremove_events: everything\n");
  EXPECT_TRUE(Contains(error_of([&] { migsim::load_scenario((tmp.dir() / "derived").string()); }),
                       "expected a list of event labels or `all`, found 'everything'"));
}

TEST(Events, RemoveEventsOfAnUnknownLabelIsAnError) {
  TempDir tmp;
  fs::create_directories(tmp.dir() / "derived");
  const fs::path file = tmp.dir() / "derived" / "scenario.yaml";
  write_text(file, "extends: " + kToy.string() + "\nremove_events:\n  - quota_ru_tj\n  - quota_ru_tx\n");
  const auto message = error_of([&] { migsim::load_scenario((tmp.dir() / "derived").string()); });
  EXPECT_TRUE(Contains(message, file.string() + ":4: key 'remove_events'"));
  EXPECT_TRUE(Contains(message, "no event 'quota_ru_tx' in the base scenario"));

  write_text(file, "extends: " + kToy.string() + "\nremove_events: [closure_kg_rux]\n");
  EXPECT_TRUE(Contains(error_of([&] { migsim::load_scenario((tmp.dir() / "derived").string()); }),
                       "no event 'closure_kg_rux' in the base scenario; did you mean 'closure_kg_ru'?"));
  write_text(file, "extends: " + kToy.string() + "\nremove_events: [closure_kg_ru, closure_kg_ru]\n");
  EXPECT_TRUE(Contains(error_of([&] { migsim::load_scenario((tmp.dir() / "derived").string()); }),
                       ":2: key 'remove_events': 'closure_kg_ru' is listed twice"))
      << "not 'no event in the base scenario; did you mean' another";
  write_text(file, "extends: " + kToy.string() + "\nremove_events:\n  - closure_kg_ru\n  - [quota_ru_tj]\n");
  EXPECT_TRUE(Contains(error_of([&] { migsim::load_scenario((tmp.dir() / "derived").string()); }),
                       ":4: key 'remove_events': expected event labels, found a list"));
  write_text(file, "extends: " + kToy.string() + "\nremove_events: closure_kg_ru\n");
  EXPECT_TRUE(Contains(error_of([&] { migsim::load_scenario((tmp.dir() / "derived").string()); }),
                       "key 'remove_events': expected a list of event labels"));
  // Without `extends` there is nothing to remove from.
  const fs::path copy = tmp.copy_of(kToy, "copy");
  write_text(copy / "scenario.yaml", read_text(copy / "scenario.yaml") + "remove_events: [eaeu_kg]\n");
  EXPECT_TRUE(Contains(error_of([&] { migsim::load_scenario(copy.string()); }),
                       "only a scenario that `extends` another can remove events"));
  // An unknown base.
  write_text(file, "extends: ../policy-toyy\n");
  const auto base = error_of([&] { migsim::load_scenario((tmp.dir() / "derived").string()); });
  EXPECT_TRUE(Contains(base, file.string() + ":1: key 'extends': '../policy-toyy' is neither a folder"));
  EXPECT_TRUE(Contains(base, "nor a built-in scenario"));
}

TEST(Events, BuiltInNoEaeuExtendsKyrgyzstan) {
  const auto names = migsim::builtin_scenario_names();
  if (std::find(names.begin(), names.end(), "no-eaeu") == names.end())
    GTEST_SKIP() << "no built-in no-eaeu scenario in this build";
  const Scenario no_eaeu = migsim::load_scenario("no-eaeu");
  const Scenario& base = kyrgyzstan();
  const std::string yaml = no_eaeu.yaml_text;
  EXPECT_TRUE(Contains(yaml, "extends: kyrgyzstan"));
  // Every removed label was in the base; every other base event is kept, in order; the derived
  // events follow.
  const auto base_labels = labels_of(base), labels = labels_of(no_eaeu);
  std::vector<std::string> kept;
  for (const auto& label : base_labels)
    if (std::find(labels.begin(), labels.end(), label) != labels.end()) kept.push_back(label);
  ASSERT_LE(kept.size(), labels.size());
  EXPECT_TRUE(std::equal(kept.begin(), kept.end(), labels.begin())) << "base events are not first, in order";
  EXPECT_EQ(std::find(labels.begin(), labels.end(), "eaeu_kyrgyzstan"), labels.end());
  EXPECT_NE(std::find(base_labels.begin(), base_labels.end(), "eaeu_kyrgyzstan"), base_labels.end());
  // No EAEU accession of KG remains, and the tables are the base's.
  for (const auto& e : no_eaeu.events)
    EXPECT_FALSE(e.type == migsim::EventType::EaeuAccession && e.country == "KG") << e.label;
  EXPECT_EQ(no_eaeu.table_texts, base.table_texts);
  EXPECT_EQ(no_eaeu.params.start, base.params.start);
}

TEST(Events, SetOverridesAFieldOfALabelledEvent) {
  const Scenario sc = migsim::load_scenario(kToy.string(), {{"events.quota_ru_tj.limit", "5000"},
                                                            {"events.quota_ru_tj.citizenships", "[KG, TJ]"},
                                                            {"events.closure_kg_ru.exemptions", "[returns]"},
                                                            {"events.eaeu_kg.start", "2021-07-07"},
                                                            {"events.fee_ru.issue_cost", "0"}});
  const auto find = [&](const std::string& label) -> const Event& {
    return *std::find_if(sc.events.begin(), sc.events.end(), [&](const Event& e) { return e.label == label; });
  };
  EXPECT_EQ(find("quota_ru_tj").limit, 5000);
  EXPECT_EQ(find("quota_ru_tj").citizenships, (std::vector<std::string>{"KG", "TJ"}));
  EXPECT_EQ(find("quota_ru_tj").citizenship_indices, (std::vector<int>{0, 1}));
  EXPECT_TRUE(find("closure_kg_ru").exemptions.returns);
  EXPECT_EQ(find("eaeu_kg").start, migsim::Date::from_ymd(2021, 7, 7));
  EXPECT_EQ(find("fee_ru").issue_cost, 0);
  EXPECT_EQ(find("fee_ru").amount, 5000);  // untouched
  EXPECT_EQ(labels_of(sc), labels_of(toy()));
  // A field the event did not have is added; the events in a derived scenario can be set too.
  const Scenario derived = migsim::load_scenario(
      kToyDerived.string(), {{"events.fee_ru.citizenships", "[TJ]"}, {"events.quota_ru_all.on_refusal", "stay"}});
  EXPECT_EQ(
      std::find_if(derived.events.begin(), derived.events.end(), [](const Event& e) { return e.label == "fee_ru"; })
          ->citizenships,
      std::vector<std::string>{"TJ"});
  EXPECT_EQ(derived.events[derived.events.size() - 2].on_refusal, migsim::Refusal::Stay);
}

TEST(Events, AnEvacuationScheduleIsReadFromSetChecked) {
  const Scenario sc = migsim::load_scenario(
      kToy.string(), {{"events.closure_kg_ru.evacuation_schedule",
                       "[{from: 2020-04-01, capacity: 100}, {from: 2020-05-01, capacity: 2500.5}]"}});
  const auto closure =
      std::find_if(sc.events.begin(), sc.events.end(), [](const Event& e) { return e.label == "closure_kg_ru"; });
  ASSERT_NE(closure, sc.events.end());
  EXPECT_EQ(closure->evacuation_schedule,
            (std::vector<migsim::CapacityChange>{{migsim::Date::from_ymd(2020, 4, 1), 100},
                                                 {migsim::Date::from_ymd(2020, 5, 1), 2500.5}}));
  // It is written back as a scenario would write it.
  EXPECT_TRUE(Contains(sc.resolved_yaml(),
                       "evacuation_schedule: [{from: 2020-04-01, capacity: 100}, {from: "
                       "2020-05-01, capacity: 2500.5}]"));
  const auto load = [](const std::string& value) {
    return error_of([&] {
      migsim::load_scenario(kToy.string(), {{"events.closure_kg_ru.evacuation_schedule", value}});
    });
  };
  EXPECT_TRUE(Contains(load("500"),
                       "key 'events[11].evacuation_schedule' (label 'closure_kg_ru'): expected a list like [{from:"));
  EXPECT_TRUE(Contains(load("[]"), "found an empty list"));
  EXPECT_TRUE(
      Contains(load("[{from: 2020-04-01}]"), "evacuation_schedule[0]' (label 'closure_kg_ru'): expected both `from`"));
  EXPECT_TRUE(Contains(load("[{from: 2020-04-01, seats: 5}]"), "unknown key 'seats'"));
  EXPECT_TRUE(Contains(load("[{from: April, capacity: 5}]"),
                       "evacuation_schedule[0].from' (label 'closure_kg_ru'): expected a date"));
  EXPECT_TRUE(Contains(load("[{from: 2020-04-01, capacity: -5}]"), "expected a number in [0, "));
  EXPECT_TRUE(Contains(load("[{from: 2020-05-01, capacity: 5}, {from: 2020-04-01, capacity: 6}]"),
                       "expected dates in increasing order, found 2020-04-01 after 2020-05-01"));
}

TEST(Events, AScheduleEntryBeforeTheFirstDayOfEvacuationIsRefused) {
  const auto load = [](const std::string& from, const std::string& schedule) {
    return error_of([&] {
      migsim::load_scenario(kToy.string(), {{"events.closure_kg_ru.evacuation_from", from},
                                            {"events.closure_kg_ru.evacuation_schedule", schedule}});
    });
  };
  // An entry before evacuation_from would never act: the error names both dates.
  EXPECT_TRUE(Contains(load("2020-05-01", "[{from: 2020-04-01, capacity: 100}]"),
                       "key 'events[11].evacuation_schedule[0].from' (label 'closure_kg_ru'): expected a date on or "
                       "after evacuation_from (2020-05-01), found 2020-04-01"));
  EXPECT_NO_THROW(migsim::load_scenario(
      kToy.string(), {{"events.closure_kg_ru.evacuation_from", "2020-04-01"},
                      {"events.closure_kg_ru.evacuation_schedule", "[{from: 2020-04-01, capacity: 100}]"}}));
  EXPECT_TRUE(Contains(error_of([] {
                         migsim::load_scenario(kToy.string(), {{"events.closure_kg_ru.evacuation_from", "mid-May"}});
                       }),
                       "evacuation_from' (label 'closure_kg_ru'): expected a date YYYY-MM-DD, found 'mid-May'"));
}

TEST(Events, ALastDayOfEvacuationNeedsAClosureWithAnEnd) {
  EXPECT_NO_THROW(migsim::load_scenario(kToy.string(), {{"events.closure_kg_ru.evacuation_until", "2020-12-01"}}));
  EXPECT_TRUE(
      Contains(error_of([] {
                 migsim::load_scenario(kToy.string(), {{"events.closure_kg_ru.evacuation_until", "1 December"}});
               }),
               "evacuation_until' (label 'closure_kg_ru'): expected a date YYYY-MM-DD, found '1 December'"));
  migsim::Scenario sc = migsim::load_scenario(kToy.string());
  EXPECT_TRUE(Contains(error_of([&] {
                         migsim::parse_event(
                             "{type: border_closure, label: open_ended, start: 2021-01-01, "
                             "countries: [KG, RU], evacuation_capacity: 10, evacuation_until: 2021-05-01}",
                             sc, "test event");
                       }),
                       "key 'events[24].evacuation_until' (label 'open_ended'): expected a closure with an end (the "
                       "day it reopens), found none"));
}

TEST(Events, SetOfAnUnknownLabelOrFieldOrBadValueIsAnError) {
  const auto load = [](const std::string& key, const std::string& value) {
    return error_of([&] { migsim::load_scenario(kToy.string(), {{key, value}}); });
  };
  const auto label = load("events.quota_ru_tx.limit", "1");
  EXPECT_TRUE(Contains(label, "--set events.quota_ru_tx.limit=1: no event labelled 'quota_ru_tx'"));
  EXPECT_TRUE(Contains(label, "did you mean 'quota_ru_tj'?"));
  const auto removed = error_of([] {
    migsim::load_scenario(kToyDerived.string(), {{"events.quota_ru_tj.limit", "1"}});
  });
  EXPECT_TRUE(Contains(removed, "no event labelled 'quota_ru_tj'"));
  const auto field = load("events.quota_ru_tj.limt", "1");
  EXPECT_TRUE(Contains(field, "--set events.quota_ru_tj.limt"));
  EXPECT_TRUE(Contains(field, "did you mean 'limit'?"));
  const auto value = load("events.quota_ru_tj.limit", "lots");
  EXPECT_TRUE(Contains(value, "--set events.quota_ru_tj.limit"));
  EXPECT_TRUE(Contains(value, "expected a number (people per calendar year), found 'lots'"));
  const auto range = load("events.enforcement_ru.conviction_share", "1.5");
  EXPECT_TRUE(Contains(range, "key 'events[7].conviction_share'"));
  EXPECT_TRUE(Contains(range, "expected a number in [0, 1], found 1.5"));
  const auto region = load("events.fee_almaty.regions", "[almati]");
  EXPECT_TRUE(Contains(region, "unknown destination region 'almati'; did you mean 'almaty'?"));
  EXPECT_TRUE(Contains(region, "(known: moscow, siberia, almaty, britain)"));
  const auto shape = load("events.quota_ru_tj", "1");
  EXPECT_TRUE(Contains(shape, "expected events.<label>.<field>=value"));
  const auto end = load("events.amnesty_tj.end", "2023-01-01");
  EXPECT_TRUE(Contains(end, "remove `end`"));
}

}  // namespace
