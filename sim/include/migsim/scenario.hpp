// A scenario is plain data: parameters, the world (countries, regions, routes, sectors) and
// dated input series. It is loaded and validated once; a Simulation takes a frozen copy.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "migsim/calendar.hpp"
#include "migsim/events.hpp"
#include "migsim/parameters.hpp"

namespace migsim {

/// Where scenario files come from: a folder on disk or a scenario compiled into the binary.
class FileSource {
 public:
  virtual ~FileSource() = default;
  /// Contents of `relative` (e.g. "regions.csv"), or nullopt if it does not exist.
  virtual std::optional<std::string> read(const std::string& relative) const = 0;
  /// How to name `relative` in messages (a real path, or "built-in:kyrgyzstan/regions.csv").
  virtual std::string describe(const std::string& relative) const = 0;
  /// The folder `relative` to this one as a source (for `extends:`), or nullptr if there is none.
  virtual std::shared_ptr<const FileSource> folder(const std::string& relative) const {
    (void)relative;
    return nullptr;
  }
  /// The name a scenario read from here takes when it `extends` another without a `name:` of its
  /// own (so it is not reported under its base's name), or "" to keep the base's.
  virtual std::string default_scenario_name() const { return ""; }
};

/// The files of a scenario folder. A file is read only if it lies (symbolic links resolved)
/// inside this folder or the folder of a scenario it `extends`, unless `allow_outside_paths`;
/// only regular files of text are read (detail::read_text_file). `scenario_file` is the file that
/// stands for the folder's scenario.yaml (a path given as `migsim run what-if.yaml`), named so in messages.
std::shared_ptr<const FileSource> folder_source(const std::filesystem::path& folder, bool allow_outside_paths = false,
                                                const std::string& scenario_file = "scenario.yaml");

/// A value that changes over time: linear between dated points, flat before the first and
/// after the last.
class TimeSeries {
 public:
  void add(Date date, double value);  // points must be added in increasing date order
  double at(Date date) const;
  bool empty() const { return points_.empty(); }
  std::size_t size() const { return points_.size(); }

 private:
  std::vector<std::pair<Date, double>> points_;
};

struct Country {
  std::string code;  ///< ISO 3166-1 alpha-2 ("ZZ" for other)
  std::string name;
  std::string currency;  ///< ISO 4217
};

enum class RegionRole { Origin, Destination };

struct Region {
  std::string name;
  std::string label;
  std::size_t country = 0;  ///< index into Scenario::countries
  RegionRole role = RegionRole::Origin;
  double working_age_population = 0;  ///< origins only, people at the start date
  double returned_population = 0;     ///< origins only: of them, people at home who have been abroad before
  double attractiveness = 0;          ///< destinations: logit constant
};

struct Route {
  bool reachable = false;
  double cost_usd = 0;
  double travel_days = 0;
  double barrier = 0;
};

struct Sector {
  std::string name;
  double share = 0;
  double wage_factor = 1;
};

struct Scenario {
  Parameters params;
  std::string source_name;  ///< folder or built-in name it was loaded from
  /// The built-in scenario this one is, or the nearest that its `extends` chain reaches ("" if
  /// none): what a report lists this scenario's changes against.
  std::string builtin_base;
  std::string yaml_text;                           ///< the scenario.yaml text as read (before overrides)
  std::map<std::string, std::string> table_texts;  ///< table key ("tables.regions") -> CSV text, for provenance

  std::vector<Country> countries;
  std::vector<std::string> currencies;  ///< distinct currencies, in order of first use
  std::vector<Region> origins;
  std::vector<Region> destinations;
  std::vector<Sector> sectors;
  std::vector<Route> routes;             ///< [origin * n_destinations + destination]
  std::vector<double> initial_stock;     ///< people, same layout as routes
  std::vector<TimeSeries> wages;         ///< per location: origins then destinations
  std::vector<TimeSeries> per_usd;       ///< per currency
  std::vector<TimeSeries> unemployment;  ///< per country
  std::vector<Event> events;             ///< dated policies, resolved against the tables above
  /// What loading left out, for the user to see (`migsim validate` and `run` print them): events
  /// of a base that start after this scenario's calendar ends.
  std::vector<std::string> warnings;

  std::size_t n_origins() const { return origins.size(); }
  std::size_t n_destinations() const { return destinations.size(); }
  std::size_t n_locations() const { return origins.size() + destinations.size(); }
  const Region& location(std::size_t index) const;
  std::size_t currency_of_location(std::size_t index) const;
  const Route& route(std::size_t o, std::size_t d) const { return routes[o * destinations.size() + d]; }
  Calendar calendar() const { return Calendar(params.start, params.end, params.step); }

  /// The fully resolved scenario as YAML: every schema key with its value, defaults filled in.
  std::string resolved_yaml() const;
};

/// Reads one event from YAML text (a mapping, as in a scenario's `events:` list) and resolves it
/// against `scenario`; throws ScenarioError naming `where`, the field and the problem.
Event parse_event(const std::string& yaml_text, const Scenario& scenario, const std::string& where = "event");
/// Appends `event` after checking it against the scenario (labels must be unique).
void add_event(Scenario& scenario, Event event);
/// Leaves out the event labelled `label` (the scenario without that policy); throws ScenarioError,
/// with the nearest label as a suggestion, if there is none.
void remove_event(Scenario& scenario, const std::string& label);

/// A `--set key.path=value` override.
struct Override {
  std::string key;
  std::string value;
};
/// Parses "key.path=value"; throws ArgumentError if there is no '='.
Override parse_override(const std::string& text);

/// Loads and validates a scenario from scenario.yaml text and the source holding its tables.
/// Throws ScenarioError / TableError naming the file, key path or line.
Scenario load_scenario(const std::string& yaml_text, std::shared_ptr<const FileSource> source,
                       const std::vector<Override>& overrides = {});

/// Resolves SCENARIO as the CLI does: a folder, a path to a scenario.yaml, or a built-in name.
/// Tables outside the scenario's folder (and those of the scenarios it extends) are refused
/// unless `allow_outside_paths` (`--allow-outside-paths`).
Scenario load_scenario(const std::string& name_or_path, const std::vector<Override>& overrides = {},
                       bool allow_outside_paths = false);

/// Closest candidate to `word` by edit distance, or "" if none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace migsim
