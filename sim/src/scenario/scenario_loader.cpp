// Reads scenario.yaml against the parameter schema and the CSV tables against their formats.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "events/parser.hpp"
#include "migsim/builtin.hpp"
#include "migsim/errors.hpp"
#include "migsim/scenario.hpp"
#include "scenario/csv_table.hpp"
#include "scenario/text_file.hpp"

namespace migsim {
namespace {

/// The folders a scenario may read from: its own and those of the scenarios it extends
/// (symbolic links resolved), unless outside paths were allowed.
struct AllowedFolders {
  std::vector<std::filesystem::path> folders;
  bool anywhere = false;

  bool contain(const std::filesystem::path& resolved) const {
    for (const auto& folder : folders) {
      const auto [end, ignored] = std::mismatch(folder.begin(), folder.end(), resolved.begin(), resolved.end());
      if (end == folder.end()) return true;
    }
    return false;
  }
};

std::filesystem::path resolved(const std::filesystem::path& path) {
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? std::filesystem::absolute(path).lexically_normal() : canonical;
}

class FolderSource final : public FileSource {
 public:
  FolderSource(std::filesystem::path folder, std::shared_ptr<AllowedFolders> allowed,
               std::string scenario_file = "scenario.yaml")
      : folder_(std::move(folder)), allowed_(std::move(allowed)), scenario_file_(std::move(scenario_file)) {
    allowed_->folders.push_back(resolved(folder_));
  }
  std::optional<std::string> read(const std::string& relative) const override {
    const std::filesystem::path path = folder_ / file(relative);
    if (!allowed_->anywhere && !allowed_->contain(resolved(path)))
      throw ScenarioError(path.string() + ": outside the scenario's folder " + allowed_->folders.front().string() +
                          " and the folders of the scenarios it extends (symbolic links resolved); expected a file "
                          "inside them, or run with --allow-outside-paths (Python: allow_outside_paths=True)");
    return detail::read_text_file(path);
  }
  std::string describe(const std::string& relative) const override { return (folder_ / file(relative)).string(); }
  std::shared_ptr<const FileSource> folder(const std::string& relative) const override {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(folder_ / relative / "scenario.yaml", ec)) return nullptr;
    return std::make_shared<FolderSource>(folder_ / relative, allowed_);
  }
  /// The file's stem (what-if.yaml: "what-if"), or the folder's name for a scenario.yaml.
  std::string default_scenario_name() const override {
    if (scenario_file_ != "scenario.yaml") return std::filesystem::path(scenario_file_).stem().string();
    return resolved(folder_).filename().string();
  }

 private:
  /// `relative`, with the scenario file standing for scenario.yaml.
  std::string file(const std::string& relative) const {
    return relative == "scenario.yaml" ? scenario_file_ : relative;
  }

  std::filesystem::path folder_;
  std::shared_ptr<AllowedFolders> allowed_;  ///< shared along the `extends` chain
  std::string scenario_file_;
};

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream in(key);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  return parts;
}

/// Keys and sections that may appear directly under `prefix` ("" = top level).
std::vector<std::string> children_of(const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& spec : parameter_schema()) {
    std::string key(spec.key);
    if (!prefix.empty() && key.rfind(prefix + ".", 0) != 0) continue;
    std::string rest = prefix.empty() ? key : key.substr(prefix.size() + 1);
    std::string child = rest.substr(0, rest.find('.'));
    if (std::find(names.begin(), names.end(), child) == names.end()) names.push_back(child);
  }
  if (prefix.empty()) names.insert(names.end(), {"events", "extends", "remove_events"});
  return names;
}

bool is_section(const std::string& path) {
  for (const auto& spec : parameter_schema())
    if (std::string(spec.key).rfind(path + ".", 0) == 0) return true;
  return false;
}

std::vector<std::string> all_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : parameter_schema()) keys.emplace_back(spec.key);
  return keys;
}

class YamlReader {
 public:
  YamlReader(std::string where, Parameters& params) : where_(std::move(where)), params_(params) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& problem) const {
    std::string at = where_;
    if (node.Mark().line >= 0) at += ":" + std::to_string(node.Mark().line + 1);
    throw ScenarioError(at + ": " + (path.empty() ? "" : "key '" + path + "': ") + problem);
  }

  void read_mapping(const YAML::Node& node, const std::string& prefix) {
    if (!node.IsMap()) fail(node, prefix, "expected a mapping of keys, found " + kind(node));
    for (const auto& item : node) {
      const std::string name = item.first.as<std::string>();
      const std::string path = prefix.empty() ? name : prefix + "." + name;
      if (seen_.count(path)) fail(item.first, path, "appears twice");
      seen_.insert(path);
      if (path == "events" || path == "extends" || path == "remove_events") {
        continue;  // consumed by read_layers
      } else if (const ParamSpec* spec = find_parameter(path)) {
        read_scalar(item.second, *spec);
      } else if (is_section(path)) {
        read_mapping(item.second, path);
      } else {
        auto hint = did_you_mean(name, children_of(prefix));
        if (hint.empty())
          hint = did_you_mean(path, all_keys());
        else
          hint = prefix.empty() ? hint : prefix + "." + hint;
        fail(item.first, path, "unknown key" + (hint.empty() ? std::string() : "; did you mean '" + hint + "'?"));
      }
    }
  }

  void check_required() const {
    for (const auto& spec : parameter_schema())
      if (spec.default_text.empty() && !seen_.count(std::string(spec.key)))
        throw ScenarioError(where_ + ": missing required key '" + std::string(spec.key) + "' (" +
                            std::string(spec.description) + ")");
  }

 private:
  static std::string kind(const YAML::Node& node) {
    if (node.IsMap()) return "a mapping";
    if (node.IsSequence()) return "a list";
    if (node.IsNull()) return "nothing";
    return "'" + node.as<std::string>() + "'";
  }

  void read_scalar(const YAML::Node& node, const ParamSpec& spec) {
    const std::string path(spec.key);
    if (!node.IsScalar()) fail(node, path, "expected a single value, found " + kind(node));
    auto problem = assign_parameter(params_, spec, node.as<std::string>());
    if (!problem.empty()) fail(node, path, problem);
  }

  std::string where_;
  Parameters& params_;
  std::set<std::string> seen_;
};

/// Sets parts[index..] below `node` to `value`, creating (or replacing non-map) sections.
void set_path(YAML::Node node, const std::vector<std::string>& parts, std::size_t index, const std::string& value) {
  const std::string& key = parts[index];
  if (index + 1 == parts.size()) {
    node[key] = value;
    return;
  }
  if (!node[key] || !node[key].IsMap()) node[key] = YAML::Node(YAML::NodeType::Map);
  set_path(node[key], parts, index + 1, value);
}

/// Applies one `--set` override to the YAML tree before it is read.
void apply_override(YAML::Node& root, const Override& override_) {
  const ParamSpec* spec = find_parameter(override_.key);
  if (!spec) {
    auto hint = did_you_mean(override_.key, all_keys());
    throw ScenarioError("--set " + override_.key + "=" + override_.value + ": unknown key" +
                        (hint.empty() ? std::string() : "; did you mean '" + hint + "'?"));
  }
  detail::check_text(override_.value, "--set " + override_.key);
  Parameters probe;
  auto problem = assign_parameter(probe, *spec, override_.value);
  if (!problem.empty()) throw ScenarioError("--set " + override_.key + ": " + problem);
  set_path(root, split_key(override_.key), 0, override_.value);
}

std::string read_table_text(const FileSource& source, const std::string& file, const std::string& key) {
  auto text = source.read(file);
  if (!text) throw TableError(source.describe(file) + ": cannot read the file named by '" + key + "'");
  return *text;
}

// ---- table readers -------------------------------------------------------------------------

void read_countries(Scenario& sc, const detail::CsvTable& t) {
  for (std::size_t r = 0; r < t.rows(); ++r) {
    Country c{t.name(r, "code"), t.name(r, "name"), t.name(r, "currency")};
    if (c.code.size() != 2 || !std::all_of(c.code.begin(), c.code.end(), ::isupper))
      t.fail(r, "code", "expected an ISO 3166-1 alpha-2 code like KG, found '" + c.code + "'");
    if (c.currency.size() != 3 || !std::all_of(c.currency.begin(), c.currency.end(), ::isupper))
      t.fail(r, "currency", "expected an ISO 4217 code like RUB, found '" + c.currency + "'");
    for (const auto& other : sc.countries)
      if (other.code == c.code) t.fail(r, "code", "duplicate country '" + c.code + "'");
    if (std::find(sc.currencies.begin(), sc.currencies.end(), c.currency) == sc.currencies.end())
      sc.currencies.push_back(c.currency);
    sc.countries.push_back(std::move(c));
  }
  if (sc.countries.empty()) throw TableError(t.where() + ": no countries");
}

std::size_t country_index(const Scenario& sc, const detail::CsvTable& t, std::size_t r, const std::string& column) {
  const auto& code = t.name(r, column);
  for (std::size_t i = 0; i < sc.countries.size(); ++i)
    if (sc.countries[i].code == code) return i;
  std::vector<std::string> codes;
  for (const auto& c : sc.countries) codes.push_back(c.code);
  auto hint = did_you_mean(code, codes);
  t.fail(r, column, "unknown country '" + code + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

void read_regions(Scenario& sc, const detail::CsvTable& t) {
  std::set<std::string> names;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    Region region;
    region.name = t.name(r, "name");
    region.label = t.empty(r, "label") ? region.name : t.text(r, "label");
    if (!names.insert(region.name).second) t.fail(r, "name", "duplicate region '" + region.name + "'");
    region.country = country_index(sc, t, r, "country");
    const auto& role = t.name(r, "role");
    if (role == "origin") {
      region.role = RegionRole::Origin;
      if (t.empty(r, "working_age_population"))
        t.fail(r, "working_age_population", "an origin needs its working-age population, found an empty cell");
      region.working_age_population = t.number(r, "working_age_population", 1, 1e10);
      region.returned_population = t.number_or(r, "returned_population", 0, 0, region.working_age_population);
    } else if (role == "destination") {
      region.role = RegionRole::Destination;
      if (!t.empty(r, "working_age_population"))
        t.fail(r, "working_age_population", "destinations take no population (leave the cell empty)");
      if (!t.empty(r, "returned_population"))
        t.fail(r, "returned_population", "destinations take no population (leave the cell empty)");
    } else {
      t.fail(r, "role", "expected 'origin' or 'destination', found '" + role + "'");
    }
    region.attractiveness = t.number_or(r, "attractiveness", 0.0, -100, 100);
    (region.role == RegionRole::Origin ? sc.origins : sc.destinations).push_back(std::move(region));
  }
  if (sc.origins.empty()) throw TableError(t.where() + ": no region has role 'origin'");
  if (sc.destinations.empty()) throw TableError(t.where() + ": no region has role 'destination'");
  if (sc.n_locations() > 255) throw TableError(t.where() + ": at most 255 regions are supported");
}

std::size_t region_index(const std::vector<Region>& regions, const detail::CsvTable& t, std::size_t r,
                         const std::string& column, const std::string& role) {
  const auto& name = t.name(r, column);
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (regions[i].name == name) return i;
  std::vector<std::string> names;
  for (const auto& reg : regions) names.push_back(reg.name);
  auto hint = did_you_mean(name, names);
  t.fail(r, column,
         "unknown " + role + " region '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

void read_routes(Scenario& sc, const detail::CsvTable& t) {
  sc.routes.assign(sc.n_origins() * sc.n_destinations(), Route{});
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto o = region_index(sc.origins, t, r, "origin", "origin");
    auto d = region_index(sc.destinations, t, r, "destination", "destination");
    Route& route = sc.routes[o * sc.n_destinations() + d];
    if (route.reachable)
      t.fail(r, "destination", "duplicate route " + sc.origins[o].name + " -> " + sc.destinations[d].name);
    route = Route{true, t.number(r, "cost_usd", 0, 1e6), t.number(r, "travel_days", 0, 365),
                  t.number(r, "barrier", 0, 100)};
  }
}

/// Reads a `date,<key>,<value>` series table into one TimeSeries per key index.
template <typename KeyIndex>
std::vector<TimeSeries> read_series(const detail::CsvTable& t, std::size_t n_keys, const std::string& key_column,
                                    const std::string& value_column, double min, double max, KeyIndex key_index) {
  std::vector<std::vector<std::pair<Date, double>>> points(n_keys);
  std::vector<std::vector<std::size_t>> rows(n_keys);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto k = key_index(r);
    points[k].emplace_back(t.date(r, "date"), t.number(r, value_column, min, max));
    rows[k].push_back(r);
  }
  std::vector<TimeSeries> series(n_keys);
  for (std::size_t k = 0; k < n_keys; ++k) {
    std::vector<std::size_t> order(points[k].size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return points[k][a].first < points[k][b].first; });
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (i > 0 && points[k][order[i]].first == points[k][order[i - 1]].first)
        t.fail(rows[k][order[i]], "date",
               "duplicate date " + points[k][order[i]].first.iso() + " for " + key_column + " '" +
                   t.text(rows[k][order[i]], key_column) + "'");
      series[k].add(points[k][order[i]].first, points[k][order[i]].second);
    }
  }
  return series;
}

void read_wages(Scenario& sc, const detail::CsvTable& t) {
  // Locations are origins then destinations; built once, not per row.
  std::vector<Region> locations = sc.origins;
  locations.insert(locations.end(), sc.destinations.begin(), sc.destinations.end());
  sc.wages = read_series(t, sc.n_locations(), "region", "wage", 1e-9, 1e12,
                         [&](std::size_t r) { return region_index(locations, t, r, "region", "any"); });
  for (std::size_t l = 0; l < sc.n_locations(); ++l)
    if (sc.wages[l].empty()) throw TableError(t.where() + ": no wage for region '" + sc.location(l).name + "'");
}

void read_exchange_rates(Scenario& sc, const detail::CsvTable& t) {
  sc.per_usd = read_series(t, sc.currencies.size(), "currency", "per_usd", 1e-12, 1e12, [&](std::size_t r) {
    const auto& code = t.name(r, "currency");
    auto it = std::find(sc.currencies.begin(), sc.currencies.end(), code);
    if (it == sc.currencies.end()) {
      auto hint = did_you_mean(code, sc.currencies);
      t.fail(r, "currency",
             "currency '" + code + "' is used by no country" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    return static_cast<std::size_t>(it - sc.currencies.begin());
  });
  for (std::size_t c = 0; c < sc.currencies.size(); ++c) {
    if (!sc.per_usd[c].empty()) continue;
    if (sc.currencies[c] == "USD")
      sc.per_usd[c].add(sc.params.start, 1.0);
    else
      throw TableError(t.where() + ": no exchange rate for currency '" + sc.currencies[c] + "'");
  }
}

void read_unemployment(Scenario& sc, const detail::CsvTable& t) {
  sc.unemployment = read_series(t, sc.countries.size(), "country", "rate", 0, 0.99,
                                [&](std::size_t r) { return country_index(sc, t, r, "country"); });
  for (std::size_t c = 0; c < sc.countries.size(); ++c)
    if (sc.unemployment[c].empty())
      throw TableError(t.where() + ": no unemployment rate for country '" + sc.countries[c].code + "'");
}

void read_initial_stock(Scenario& sc, const detail::CsvTable& t) {
  sc.initial_stock.assign(sc.n_origins() * sc.n_destinations(), 0.0);
  std::vector<double> abroad(sc.n_origins(), 0.0);
  std::set<std::size_t> seen;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    auto o = region_index(sc.origins, t, r, "origin", "origin");
    auto d = region_index(sc.destinations, t, r, "destination", "destination");
    double& cell = sc.initial_stock[o * sc.n_destinations() + d];
    if (!seen.insert(o * sc.n_destinations() + d).second)
      t.fail(r, "destination", "duplicate row for " + sc.origins[o].name + " -> " + sc.destinations[d].name);
    cell = t.number(r, "migrants", 0, 1e10);
    abroad[o] += cell;
    // Returnees at home and migrants abroad are both part of the working-age population.
    const Region& origin = sc.origins[o];
    if (abroad[o] + origin.returned_population > origin.working_age_population)
      t.fail(r, "migrants",
             "migrants abroad from '" + origin.name + "'" +
                 (abroad[o] > origin.working_age_population ? "" : " and its returned_population (regions table)") +
                 " exceed its working-age population");
  }
}

void read_sectors(Scenario& sc, const detail::CsvTable& t) {
  double total = 0;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    Sector s{t.name(r, "name"), t.number(r, "share", 0, 1), t.number(r, "wage_factor", 1e-6, 100)};
    for (const auto& other : sc.sectors)
      if (other.name == s.name) t.fail(r, "name", "duplicate sector '" + s.name + "'");
    total += s.share;
    sc.sectors.push_back(std::move(s));
  }
  if (sc.sectors.empty() || sc.sectors.size() > 8)
    throw TableError(t.where() + ": expected 1 to 8 sectors, found " + std::to_string(sc.sectors.size()));
  if (std::abs(total - 1.0) > 1e-6)
    throw TableError(t.where() + ": sector shares must sum to 1, found " + std::to_string(total));
}

void check_consistency(const Scenario& sc, const std::string& where) {
  const auto& p = sc.params;
  if (p.end < p.start)
    throw ScenarioError(where + ": key 'calendar.end': expected a date on or after calendar.start (" + p.start.iso() +
                        "), found " + p.end.iso());
  double skills = p.skill_share_low + p.skill_share_medium + p.skill_share_high;
  if (std::abs(skills - 1.0) > 1e-6)
    throw ScenarioError(where + ": keys 'population.skill_share_*': expected shares summing to 1, found " +
                        std::to_string(skills));
  if (p.exit_age <= p.entry_age)
    throw ScenarioError(where + ": key 'demography.exit_age': expected more than demography.entry_age (" +
                        std::to_string(p.entry_age) + "), found " + std::to_string(p.exit_age));
}

}  // namespace

std::shared_ptr<const FileSource> folder_source(const std::filesystem::path& folder, bool allow_outside_paths,
                                                const std::string& scenario_file) {
  auto allowed = std::make_shared<AllowedFolders>();
  allowed->anywhere = allow_outside_paths;
  return std::make_shared<FolderSource>(folder, allowed, scenario_file);
}

void TimeSeries::add(Date date, double value) { points_.emplace_back(date, value); }

double TimeSeries::at(Date date) const {
  if (points_.empty()) return 0.0;
  if (date <= points_.front().first) return points_.front().second;
  if (date >= points_.back().first) return points_.back().second;
  auto upper =
      std::upper_bound(points_.begin(), points_.end(), date, [](Date d, const auto& p) { return d < p.first; });
  auto lower = upper - 1;
  double w = static_cast<double>(date - lower->first) / static_cast<double>(upper->first - lower->first);
  return lower->second + w * (upper->second - lower->second);
}

const Region& Scenario::location(std::size_t index) const {
  return index < origins.size() ? origins[index] : destinations[index - origins.size()];
}

std::size_t Scenario::currency_of_location(std::size_t index) const {
  const auto& code = countries[location(index).country].currency;
  return static_cast<std::size_t>(std::find(currencies.begin(), currencies.end(), code) - currencies.begin());
}

std::string Scenario::resolved_yaml() const {
  // Schema keys of one section are contiguous, so nested maps open and close in key order.
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::vector<std::string> open;
  for (const auto& spec : parameter_schema()) {
    auto parts = split_key(std::string(spec.key));
    std::size_t common = 0;
    while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common]) ++common;
    for (; open.size() > common; open.pop_back()) out << YAML::EndMap;
    for (std::size_t i = common; i + 1 < parts.size(); ++i) {
      out << YAML::Key << parts[i] << YAML::Value << YAML::BeginMap;
      open.push_back(parts[i]);
    }
    out << YAML::Key << parts.back() << YAML::Value << format_parameter(params, spec);
  }
  for (; !open.empty(); open.pop_back()) out << YAML::EndMap;
  out << YAML::Key << "events" << YAML::Value;
  if (events.empty())
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  else
    detail::emit_events(out, events);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

Override parse_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw ArgumentError("--set " + text + ": expected key.path=value");
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

/// The table keys of the schema ("tables.regions", ...).
std::vector<std::string> table_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : parameter_schema())
    if (std::string_view(spec.key).rfind("tables.", 0) == 0) keys.emplace_back(spec.key);
  return keys;
}

/// An event as read from a file: messages name the file and the event's place in that file's own
/// `events` list (events[1] of what-if.yaml, not its place after the 87 events of its base).
struct EventNode {
  YAML::Node node;
  std::string file;
  std::size_t index_in_file = 0;
};

/// A scenario file with its `extends:` chain resolved: parameters merged (derived keys win),
/// events concatenated (minus `remove_events`), and each table read from the layer that names it.
struct Layers {
  YAML::Node root;                ///< merged parameters, without events
  std::vector<EventNode> events;  ///< every layer's events, in order
  std::map<std::string, std::shared_ptr<const FileSource>> table_source;
  std::size_t appended = 0;  ///< events ever appended, removed ones included: numbers default labels
  std::string builtin_base;  ///< the nearest built-in scenario in the `extends` chain, if any
};

/// Copies the keys of `from` into `into`, recursing into mappings present in both. Nodes are
/// shared, not cloned, so error messages keep their line numbers.
void merge_into(YAML::Node into, const YAML::Node& from, const std::set<std::string>& skip = {}) {
  for (const auto& item : from) {
    const auto key = item.first.as<std::string>();
    if (skip.count(key)) continue;
    if (item.second.IsMap() && into[key] && into[key].IsMap())
      merge_into(into[key], item.second);
    else
      into[key] = item.second;
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& where) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(where + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw ScenarioError(where + ": expected a mapping of keys at the top level");
  return root;
}

std::string label_of(const YAML::Node& event, std::size_t position) {
  if (event.IsMap() && event["label"] && event["label"].IsScalar()) return event["label"].as<std::string>();
  if (event.IsMap() && event["type"] && event["type"].IsScalar())
    return event["type"].as<std::string>() + "_" + std::to_string(position + 1);
  return "";
}

/// The scenario files that extend the one being read, outermost first, as their sources describe them.
using Chain = std::vector<std::string>;

Layers read_layers(const std::string& text, const std::shared_ptr<const FileSource>& source, const Chain& chain);

/// Whether two descriptions of scenario files name the same file ("./a/../a/scenario.yaml", "a/scenario.yaml").
bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec_a, ec_b;
  const auto canonical_a = std::filesystem::weakly_canonical(a, ec_a);
  const auto canonical_b = std::filesystem::weakly_canonical(b, ec_b);
  return ec_a || ec_b ? a == b : canonical_a == canonical_b;
}

/// Refuses a base that is already in the chain, naming the loop rather than recursing until the depth limit.
void check_no_cycle(const Chain& chain, const std::string& base_where, const std::string& at) {
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (!same_file(chain[i], base_where)) continue;
    auto normal = [](const std::string& file) { return std::filesystem::path(file).lexically_normal().string(); };
    std::string loop;
    for (std::size_t k = i; k < chain.size(); ++k) loop += normal(chain[k]) + " extends ";
    throw ScenarioError(at + ": key 'extends': a cycle: " + loop + normal(base_where));
  }
}

/// The layers of the scenario that `base` (the value of `extends`) names.
Layers read_base(const YAML::Node& base, const std::shared_ptr<const FileSource>& source, const std::string& where,
                 const Chain& chain) {
  if (!base.IsScalar())
    throw ScenarioError(where + ":" + std::to_string(base.Mark().line + 1) +
                        ": key 'extends': expected a built-in scenario name or a folder, found a " +
                        (base.IsMap() ? "mapping" : "list"));
  const auto name = base.as<std::string>();
  auto base_source = source->folder(name);
  const bool builtin = !base_source;
  if (builtin) base_source = builtin_source(name);
  if (!base_source) {
    auto hint = did_you_mean(name, builtin_scenario_names());
    throw ScenarioError(
        where + ":" + std::to_string(base.Mark().line + 1) + ": key 'extends': '" + name +
        "' is neither a folder (relative to this scenario's folder) with a scenario.yaml nor a built-in scenario" +
        (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
  auto base_text = base_source->read("scenario.yaml");
  if (!base_text) throw ScenarioError(base_source->describe("scenario.yaml") + ": cannot read scenario file");
  Chain longer = chain;
  longer.push_back(where);
  check_no_cycle(longer, base_source->describe("scenario.yaml"), where + ":" + std::to_string(base.Mark().line + 1));
  Layers layers = read_layers(*base_text, base_source, longer);
  if (builtin) layers.builtin_base = name;  // the nearest built-in: what this chain changes
  return layers;
}

/// Drops the base's events named in `remove_events`.
void remove_events(const YAML::Node& root, const std::string& where, Layers& layers) {
  const YAML::Node removed = root["remove_events"];
  if (!removed) return;
  const auto line = ":" + std::to_string(removed.Mark().line + 1);
  if (!root["extends"])
    throw ScenarioError(where + line +
                        ": key 'remove_events': only a scenario that `extends` another can remove events");
  // `all` keeps the base's model (parameters, and tables not named here) without its timeline.
  if (removed.IsScalar() && removed.Scalar() == "all") {
    layers.events.clear();
    return;
  }
  if (!removed.IsSequence())
    throw ScenarioError(where + line + ": key 'remove_events': expected a list of event labels or `all`, found '" +
                        (removed.IsScalar() ? removed.Scalar() : std::string("a mapping")) + "'");
  std::set<std::string> seen;
  for (const auto& item : removed) {
    const std::string at = where + ":" + std::to_string(item.Mark().line + 1) + ": key 'remove_events': ";
    if (!item.IsScalar())
      throw ScenarioError(at + "expected event labels, found a " + (item.IsSequence() ? "list" : "mapping"));
    const auto label = item.as<std::string>();
    if (!seen.insert(label).second) throw ScenarioError(at + "'" + label + "' is listed twice");
    auto& events = layers.events;
    std::vector<EventNode> kept;
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < events.size(); ++i) {
      labels.push_back(label_of(events[i].node, i));
      if (labels.back() != label) kept.push_back(events[i]);
    }
    if (kept.size() == events.size()) {
      auto hint = did_you_mean(label, labels);
      throw ScenarioError(at + "no event '" + label + "' in the base scenario" +
                          (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    }
    events = std::move(kept);
  }
}

/// Appends the file's own events.
void append_events(const YAML::Node& root, const std::string& where, Layers& layers) {
  const YAML::Node events = root["events"];
  if (!events) return;
  if (!events.IsNull() && !events.IsSequence())
    throw ScenarioError(where + ":" + std::to_string(events.Mark().line + 1) +
                        ": key 'events': expected a list of events, found a mapping or a value");
  std::size_t index = 0;
  for (auto e : events) {
    // Unlabelled events get their default label now, from their place in the whole chain, so
    // that removing an earlier event never renames a later one.
    if (e.IsMap() && !e["label"] && e["type"] && e["type"].IsScalar())
      e["label"] = e["type"].as<std::string>() + "_" + std::to_string(layers.appended + 1);
    ++layers.appended;
    layers.events.push_back({e, where, index++});
  }
}

Layers read_layer_file(const std::string& text, const std::shared_ptr<const FileSource>& source, const Chain& chain);

/// read_layer_file, with any YAML structure it did not expect (a list or mapping as a key, a
/// list where names belong) turned into a ScenarioError naming the file and line.
Layers read_layers(const std::string& text, const std::shared_ptr<const FileSource>& source, const Chain& chain) {
  try {
    return read_layer_file(text, source, chain);
  } catch (const YAML::Exception& e) {
    const std::string line = e.mark.is_null() ? "" : ":" + std::to_string(e.mark.line + 1);
    throw ScenarioError(source->describe("scenario.yaml") + line + ": unexpected YAML structure (" + e.msg +
                        "); expected keys that are names, with values as in docs/scenarios.md");
  }
}

Layers read_layer_file(const std::string& text, const std::shared_ptr<const FileSource>& source, const Chain& chain) {
  const std::string where = source->describe("scenario.yaml");
  if (chain.size() > 8) throw ScenarioError(where + ": key 'extends': more than 8 levels");
  YAML::Node root = parse_yaml(text, where);
  Layers layers;
  if (const YAML::Node base = root["extends"]) {
    layers = read_base(base, source, where, chain);
  } else {
    layers.root = YAML::Node(YAML::NodeType::Map);
    for (const auto& key : table_keys()) layers.table_source[key] = source;
  }
  remove_events(root, where, layers);
  append_events(root, where, layers);
  if (const YAML::Node tables = root["tables"]; tables && tables.IsMap())
    for (const auto& item : tables) layers.table_source["tables." + item.first.as<std::string>()] = source;
  if (!root["extends"]) {
    layers.root = root;  // keep the file's own node: duplicate-key and line checks see it as written
    for (const char* key : {"events", "remove_events"}) layers.root.remove(key);
  } else {
    merge_into(layers.root, root, {"extends", "remove_events", "events"});
    // Only the file loaded is named after itself: a base's own name is overwritten anyway.
    if (const std::string name = chain.empty() && !root["name"] ? source->default_scenario_name() : ""; !name.empty())
      layers.root["name"] = name;
  }
  return layers;
}

/// An event added to a scenario must overlap its calendar (add_event; from files, only its start is
/// checked: see load_scenario).
void check_in_calendar(const Event& event, const Parameters& p, const std::string& where) {
  const std::string at = (where.empty() ? "" : where + ": ") + "event '" + event.label + "': ";
  const std::string expected = "; expected a date from " + p.start.iso() + " to " + p.end.iso();
  if (event.start > p.end)
    throw ScenarioError(at + "start " + event.start.iso() + " is after the scenario ends (" + p.end.iso() + ")" +
                        expected);
  if (event.end && *event.end < p.start)
    throw ScenarioError(at + "end " + event.end->iso() + " is before the scenario starts (" + p.start.iso() + ")" +
                        expected);
}

/// True for an event field holding free text (`source`, `label`, Text fields): its override
/// is taken literally, never parsed as YAML (`source=MVD: 2021` is text, not a mapping).
bool is_text_field(const YAML::Node& event, const std::string& field) {
  if (field == "source" || field == "label") return true;
  if (!event["type"] || !event["type"].IsScalar()) return false;
  const EventTypeSpec* spec = find_event_type(event["type"].as<std::string>());
  if (spec == nullptr) return false;
  for (const auto& f : spec->fields)
    if (f.name == field) return f.kind == FieldKind::Text;
  return false;
}

/// The value of an event-field override: text fields literally, the others parsed as YAML by
/// their schema type later (lists like [KG, RU] are allowed).
YAML::Node override_value(const YAML::Node& event, const std::string& field, const Override& o) {
  if (is_text_field(event, field)) return YAML::Node(o.value);
  try {
    return YAML::Load(o.value);
  } catch (const YAML::Exception& e) {
    throw ScenarioError("--set " + o.key + "=" + o.value +
                        ": expected a value (a number, a date, a name or a list "
                        "like [KG, RU]), found YAML that does not parse: " +
                        e.msg);
  }
}

/// Applies `--set events.<label>.<field>=value` to the event node with that label.
void apply_event_override(Layers& layers, const Override& o) {
  const auto parts = split_key(o.key);
  if (parts.size() != 3)
    throw ScenarioError("--set " + o.key + "=" + o.value + ": expected events.<label>.<field>=value");
  detail::check_text(o.value, "--set " + o.key);
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < layers.events.size(); ++i) {
    labels.push_back(label_of(layers.events[i].node, i));
    if (labels.back() != parts[1]) continue;
    YAML::Node copy = YAML::Clone(layers.events[i].node);
    if (!copy.IsMap()) break;
    copy[parts[2]] = override_value(copy, parts[2], o);
    layers.events[i].node = copy;
    layers.events[i].file = "--set " + o.key;
    return;
  }
  auto hint = did_you_mean(parts[1], labels);
  throw ScenarioError("--set " + o.key + "=" + o.value + ": no event labelled '" + parts[1] + "'" +
                      (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
}

/// The events of every layer, in order: parsed, labels unique, and those after the calendar's end
/// refused or left out (below).
void read_events(const Layers& layers, const std::string& where, const std::vector<Override>& overrides, Scenario& sc) {
  const auto& p = sc.params;
  std::set<std::string> labels;
  const bool end_overridden =
      std::any_of(overrides.begin(), overrides.end(), [](const Override& o) { return o.key == "calendar.end"; });
  for (std::size_t i = 0; i < layers.events.size(); ++i) {
    const auto& [node, file, index] = layers.events[i];
    Event event;
    try {
      event = detail::parse_event(node, file, index, sc);  // labels were given in append_events
    } catch (const YAML::Exception& e) {
      throw ScenarioError(file + ":" + std::to_string(e.mark.line + 1) + ": events[" + std::to_string(index) +
                          "]: " + e.msg);
    }
    if (!labels.insert(event.label).second)
      throw ScenarioError(file + ":" + std::to_string(node.Mark().line + 1) + ": key 'events[" + std::to_string(index) +
                          "].label': duplicate label '" + event.label + "'; labels must be unique");
    // An event must start by the calendar's end. One the scenario file itself declares next to
    // its calendar, or a --set of the event, is refused: a mistyped year. One inherited from a base
    // whose calendar this scenario shortens, or cut off by --set calendar.end, is dropped: it could
    // never be in force, and the resolved YAML, which declares every event itself, must reload.
    // Only a cut made by --set is warned about: a derived file that sets its own end says so itself
    // (covid-returns ends in 2021 and would otherwise warn about kyrgyzstan's later events at every
    // run). Events that ended before the start stay: a scenario that starts later inherits its base's
    // history.
    if (event.start > p.end) {
      const bool set = file.rfind("--set ", 0) == 0;
      const std::string at = set ? file : file + ":" + std::to_string(node.Mark().line + 1);
      if (set || (file == where && !end_overridden)) check_in_calendar(event, p, at);
      if (end_overridden)
        sc.warnings.push_back(at + ": event '" + event.label + "' starts " + event.start.iso() +
                              ", after this scenario ends (" + p.end.iso() +
                              ", calendar.end set by --set or Scenario.set); left out");
      continue;
    }
    sc.events.push_back(std::move(event));
  }
}

}  // namespace

Scenario load_scenario(const std::string& yaml_text, std::shared_ptr<const FileSource> source,
                       const std::vector<Override>& overrides) {
  const std::string where = source->describe("scenario.yaml");
  Layers layers = read_layers(yaml_text, source, {});
  YAML::Node& root = layers.root;
  for (const auto& o : overrides) {
    if (o.key.rfind("events.", 0) == 0) {
      try {
        apply_event_override(layers, o);
      } catch (const YAML::Exception& e) {
        throw ScenarioError("--set " + o.key + ": cannot read the value: " + e.msg);
      }
    } else {
      apply_override(root, o);
    }
  }

  Scenario sc;
  sc.yaml_text = yaml_text;
  sc.builtin_base = layers.builtin_base;
  sc.params = default_parameters();
  YamlReader reader(where, sc.params);
  try {
    reader.read_mapping(root, "");
  } catch (const YAML::Exception& e) {
    throw ScenarioError(where + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  reader.check_required();
  check_consistency(sc, where);

  const auto& p = sc.params;
  auto table = [&](const std::string& file, const std::string& key, std::vector<std::string> columns,
                   std::vector<std::string> optional = {}) {
    const auto& from = *layers.table_source.at(key);
    sc.table_texts[key] = read_table_text(from, file, key);
    return detail::CsvTable(sc.table_texts[key], from.describe(file), columns, optional);
  };
  read_countries(sc, table(p.countries_table, "tables.countries", {"code", "name", "currency"}));
  read_regions(sc, table(p.regions_table, "tables.regions",
                         {"name", "label", "country", "role", "working_age_population", "attractiveness"},
                         {"returned_population"}));
  read_routes(sc,
              table(p.routes_table, "tables.routes", {"origin", "destination", "cost_usd", "travel_days", "barrier"}));
  read_wages(sc, table(p.wages_table, "tables.wages", {"date", "region", "wage"}));
  read_exchange_rates(sc, table(p.exchange_rates_table, "tables.exchange_rates", {"date", "currency", "per_usd"}));
  read_unemployment(sc, table(p.unemployment_table, "tables.unemployment", {"date", "country", "rate"}));
  read_initial_stock(sc, table(p.initial_stock_table, "tables.initial_stock", {"origin", "destination", "migrants"}));
  read_sectors(sc, table(p.sectors_table, "tables.sectors", {"name", "share", "wage_factor"}));

  read_events(layers, where, overrides, sc);
  return sc;
}

Event parse_event(const std::string& yaml_text, const Scenario& scenario, const std::string& where) {
  YAML::Node node;
  try {
    node = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(where + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  return detail::parse_event(node, where, scenario.events.size(), scenario);
}

void add_event(Scenario& scenario, Event event) {
  if (event.label.empty()) event.label = detail::default_label(event, scenario.events.size());
  auto problem = detail::resolve_event(event, scenario);
  if (!problem.empty()) throw ScenarioError("event '" + event.label + "': " + problem);
  check_in_calendar(event, scenario.params, "");
  for (const auto& e : scenario.events)
    if (e.label == event.label)
      throw ScenarioError("event '" + event.label + "': duplicate label; labels must be unique");
  scenario.events.push_back(std::move(event));
}

void remove_event(Scenario& scenario, const std::string& label) {
  auto& events = scenario.events;
  const auto it = std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.label == label; });
  if (it != events.end()) {
    events.erase(it);
    return;
  }
  std::vector<std::string> labels;
  for (const auto& e : events) labels.push_back(e.label);
  const std::string hint = did_you_mean(label, labels);
  throw ScenarioError("no event labelled '" + label + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
}

Scenario load_scenario(const std::string& name_or_path, const std::vector<Override>& overrides,
                       bool allow_outside_paths) {
  namespace fs = std::filesystem;
  fs::path path(name_or_path);
  std::error_code ec;
  if (fs::is_directory(path, ec) || fs::is_regular_file(path, ec)) {
    fs::path folder = fs::is_directory(path, ec) ? path : path.parent_path();
    fs::path yaml = fs::is_directory(path, ec) ? folder / "scenario.yaml" : path;
    auto source = folder_source(folder.empty() ? fs::path(".") : folder, allow_outside_paths, yaml.filename().string());
    const std::optional<std::string> text = detail::read_text_file(yaml);
    if (!text) throw ScenarioError(yaml.string() + ": cannot read scenario file");
    Scenario sc = load_scenario(*text, source, overrides);
    sc.source_name = fs::weakly_canonical(folder, ec).string();
    return sc;
  }
  if (auto source = builtin_source(name_or_path)) {
    Scenario sc = load_scenario(*source->read("scenario.yaml"), source, overrides);
    sc.source_name = name_or_path;
    sc.builtin_base = name_or_path;
    return sc;
  }
  auto names = builtin_scenario_names();
  auto hint = did_you_mean(name_or_path, names);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw ScenarioError("scenario '" + name_or_path + "': not a folder, a scenario.yaml or a built-in scenario" +
                      (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (built-ins: " + list + ")");
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    return row[b.size()];
  };
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    auto dist = distance(word, c);
    if (dist < best_distance) best = c, best_distance = dist;
  }
  return best;
}

}  // namespace migsim
