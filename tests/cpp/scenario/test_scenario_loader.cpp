// Tests for scenario loading: valid scenarios load as written, and every kind of misuse raises the
// typed error whose message names the file, the key path or line, and the offending value.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

#include "../test_support.hpp"
#include "migsim/builtin.hpp"
#include "migsim/errors.hpp"
#include "migsim/parameters.hpp"
#include "migsim/scenario.hpp"

namespace {

using migsim_test::Contains;
using migsim_test::read_text;
using migsim_test::write_text;

namespace fs = std::filesystem;

const fs::path kTwoRegion = fs::path(MIGSIM_TEST_DATA) / "two-region";

/// 1-based number of the line of `path` holding `fragment` (0 if none).
std::size_t line_of(const fs::path& path, const std::string& fragment) {
  std::istringstream in(read_text(path));
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.find(fragment) != std::string::npos) return number;
  }
  return 0;
}

/// A scenario folder copied into a fresh temporary directory, removed at the end of the test.
class ScenarioCopy {
 public:
  /// Copies the folder `from`, or the built-in scenario of that name.
  explicit ScenarioCopy(const std::string& from) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("migsim-test-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "." + info->name());
    fs::remove_all(dir_);
    if (fs::is_directory(from)) {
      fs::create_directories(dir_);
      for (const auto& entry : fs::directory_iterator(from))
        fs::copy_file(entry.path(), dir_ / entry.path().filename());
    } else {
      migsim::export_builtin(from, dir_.string());
    }
  }
  ~ScenarioCopy() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  ScenarioCopy(const ScenarioCopy&) = delete;
  ScenarioCopy& operator=(const ScenarioCopy&) = delete;

  const fs::path& dir() const { return dir_; }
  fs::path file(const std::string& name) const { return dir_ / name; }
  std::string path() const { return dir_.string(); }

  /// Replaces the first `old` in `name` by `replacement`; fails the test if `old` is absent.
  void replace(const std::string& name, const std::string& old, const std::string& replacement) const {
    std::string text = read_text(file(name));
    const auto pos = text.find(old);
    if (pos == std::string::npos) throw std::logic_error("'" + old + "' not in " + name);
    text.replace(pos, old.size(), replacement);
    write_text(file(name), text);
  }
  void append(const std::string& name, const std::string& line) const {
    write_text(file(name), read_text(file(name)) + line);
  }

 private:
  fs::path dir_;
};

/// Runs `action`, which must throw exactly an `E` (or a subclass the caller accepts by naming
/// it); returns the message. A different exception or none fails the test.
template <typename E>
std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected " << typeid(E).name() << ", got " << typeid(e).name() << ": " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected " << typeid(E).name() << ", nothing was thrown";
  return {};
}

/// A ScenarioError that is not a TableError (the YAML side of the loader).
std::string yaml_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const migsim::TableError& e) {
    ADD_FAILURE() << "expected a plain ScenarioError, got TableError: " << e.what();
    return {};
  } catch (const migsim::ScenarioError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ScenarioError, got " << typeid(e).name() << ": " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected ScenarioError, nothing was thrown";
  return {};
}

std::string load_error(const ScenarioCopy& copy, const std::vector<migsim::Override>& overrides = {}) {
  return yaml_error_of([&] { migsim::load_scenario(copy.path(), overrides); });
}

std::string table_error(const ScenarioCopy& copy) {
  return message_of<migsim::TableError>([&] { migsim::load_scenario(copy.path()); });
}

std::string at_line(const ScenarioCopy& copy, const std::string& file, const std::string& fragment) {
  const std::size_t line = line_of(copy.file(file), fragment);
  EXPECT_GT(line, 0u) << fragment << " not in " << file;
  return copy.file(file).string() + ":" + std::to_string(line) + ":";
}

// ---- valid scenarios ---------------------------------------------------------------------

TEST(ScenarioLoader, LoadsTheTwoRegionToyAsWritten) {
  const migsim::Scenario sc = migsim::load_scenario(kTwoRegion.string());
  EXPECT_EQ(sc.params.name, "two-region");
  EXPECT_EQ(sc.params.start, migsim::Date::from_ymd(2020, 1, 1));
  EXPECT_EQ(sc.params.end, migsim::Date::from_ymd(2029, 12, 31));
  EXPECT_EQ(sc.params.step, migsim::StepUnit::Week);
  EXPECT_EQ(sc.params.seed, 7);
  EXPECT_EQ(sc.params.departure_base_rate, 0.5);
  EXPECT_EQ(sc.params.return_base_rate, 1.5);
  EXPECT_EQ(sc.params.male_share, 0.5);  // not in the file: schema default
  ASSERT_EQ(sc.n_origins(), 1u);
  ASSERT_EQ(sc.n_destinations(), 1u);
  EXPECT_EQ(sc.origins[0].name, "home");
  EXPECT_EQ(sc.origins[0].label, "Home");
  EXPECT_EQ(sc.origins[0].working_age_population, 20000);
  EXPECT_EQ(sc.destinations[0].name, "away");
  EXPECT_EQ(sc.countries.at(sc.destinations[0].country).code, "BB");
  EXPECT_TRUE(sc.route(0, 0).reachable);
  EXPECT_EQ(sc.route(0, 0).cost_usd, 100);
  EXPECT_EQ(sc.currencies, (std::vector<std::string>{"AAA", "BBB"}));
  ASSERT_EQ(sc.sectors.size(), 1u);
  EXPECT_EQ(sc.wages.at(1).at(sc.params.start), 1000);
  EXPECT_EQ(sc.unemployment.at(0).at(sc.params.start), 0.1);
  EXPECT_EQ(sc.table_texts.size(), 8u);
  EXPECT_EQ(sc.yaml_text, read_text(kTwoRegion / "scenario.yaml"));
}

TEST(ScenarioLoader, LoadsAScenarioYamlPathLikeItsFolder) {
  const migsim::Scenario by_folder = migsim::load_scenario(kTwoRegion.string());
  const migsim::Scenario by_file = migsim::load_scenario((kTwoRegion / "scenario.yaml").string());
  EXPECT_EQ(by_file.resolved_yaml(), by_folder.resolved_yaml());
  EXPECT_EQ(by_file.table_texts, by_folder.table_texts);
}

TEST(ScenarioLoader, BuiltinKyrgyzstanLoadsAndMatchesItsExportedCopy) {
  const migsim::Scenario builtin = migsim::load_scenario("kyrgyzstan");
  EXPECT_EQ(builtin.source_name, "kyrgyzstan");
  EXPECT_EQ(builtin.n_origins(), 9u);
  EXPECT_EQ(builtin.n_destinations(), 15u);
  EXPECT_EQ(builtin.countries.size(), 7u);
  ScenarioCopy copy("kyrgyzstan");
  const migsim::Scenario exported = migsim::load_scenario(copy.path());
  EXPECT_EQ(exported.resolved_yaml(), builtin.resolved_yaml());
  EXPECT_EQ(exported.table_texts, builtin.table_texts);
  // The built-in is the scenarios/ folder compiled in.
  const migsim::Scenario on_disk = migsim::load_scenario(std::string(MIGSIM_SCENARIOS) + "/kyrgyzstan");
  EXPECT_EQ(on_disk.table_texts, builtin.table_texts);
  EXPECT_EQ(on_disk.yaml_text, builtin.yaml_text);
  const auto names = migsim::builtin_scenario_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "kyrgyzstan"), names.end());
}

TEST(ScenarioLoader, ResolvedYamlReloadsToTheSameParameters) {
  ScenarioCopy copy(kTwoRegion.string());
  const migsim::Scenario original =
      migsim::load_scenario(copy.path(), {{"behaviour.return.savings_target_usd", "2500.5"}});
  write_text(copy.file("scenario.yaml"), original.resolved_yaml());
  const migsim::Scenario again = migsim::load_scenario(copy.path());
  for (const auto& spec : migsim::parameter_schema())
    EXPECT_EQ(migsim::format_parameter(again.params, spec), migsim::format_parameter(original.params, spec))
        << spec.key;
}

TEST(ScenarioLoader, ResolvedYamlWritesWholeNumbersInFullAndFractionsExactly) {
  const migsim::Scenario sc = migsim::load_scenario(
      "quota-cut", {{"events.quota_halved.limit", "700000"}, {"behaviour.departure.base_rate", "1e-07"}});
  const std::string yaml = sc.resolved_yaml();
  EXPECT_TRUE(Contains(yaml, "limit: 700000\n")) << "not the shorter 7e+05";
  EXPECT_FALSE(Contains(yaml, "e+"));
  EXPECT_TRUE(Contains(yaml, "base_rate: 1e-07\n")) << "a fraction keeps its shortest exact text";
}

TEST(ScenarioLoader, OverridesReplaceFileValuesAndAddMissingOnes) {
  const migsim::Scenario sc = migsim::load_scenario(
      kTwoRegion.string(), {{"behaviour.departure.base_rate", "0.25"}, {"behaviour.remittances.share", "0.75"}});
  EXPECT_EQ(sc.params.departure_base_rate, 0.25);
  EXPECT_EQ(sc.params.remittance_share, 0.75);
  EXPECT_EQ(sc.params.return_base_rate, 1.5);
  // The recorded YAML text is the file as written; the overrides show in the resolved YAML.
  EXPECT_TRUE(Contains(sc.yaml_text, "base_rate: 0.5"));
  EXPECT_TRUE(Contains(sc.resolved_yaml(), "base_rate: 0.25"));
}

TEST(ScenarioLoader, ParseOverrideSplitsAtTheFirstEquals) {
  const migsim::Override o = migsim::parse_override("behaviour.departure.base_rate=0.1");
  EXPECT_EQ(o.key, "behaviour.departure.base_rate");
  EXPECT_EQ(o.value, "0.1");
  const migsim::Override with_equals = migsim::parse_override("description=a=b");
  EXPECT_EQ(with_equals.key, "description");
  EXPECT_EQ(with_equals.value, "a=b");
  EXPECT_EQ(migsim::parse_override("name=").value, "");
}

TEST(ScenarioLoader, ParseOverrideWithoutEqualsIsAnArgumentError) {
  for (const char* text : {"nonsense", "=0.1", ""}) {
    const std::string message = message_of<migsim::ArgumentError>([&] { migsim::parse_override(text); });
    EXPECT_TRUE(Contains(message, "expected key.path=value")) << text;
    EXPECT_TRUE(Contains(message, std::string("--set ") + text)) << text;
  }
}

TEST(ScenarioLoader, DidYouMeanFindsCloseWordsOnly) {
  const std::vector<std::string> names = {"moscow", "moscow_oblast", "almaty", "astana"};
  EXPECT_EQ(migsim::did_you_mean("moskow", names), "moscow");
  EXPECT_EQ(migsim::did_you_mean("almati", names), "almaty");
  EXPECT_EQ(migsim::did_you_mean("vladivostok", names), "");
  EXPECT_EQ(migsim::did_you_mean("x", {}), "");
}

TEST(TimeSeries, InterpolatesLinearlyAndIsFlatOutside) {
  migsim::TimeSeries series;
  EXPECT_EQ(series.at(migsim::Date(0)), 0.0);
  series.add(migsim::Date(10), 100.0);
  series.add(migsim::Date(20), 200.0);
  EXPECT_EQ(series.at(migsim::Date(0)), 100.0);
  EXPECT_EQ(series.at(migsim::Date(10)), 100.0);
  EXPECT_DOUBLE_EQ(series.at(migsim::Date(15)), 150.0);
  EXPECT_DOUBLE_EQ(series.at(migsim::Date(19)), 190.0);
  EXPECT_EQ(series.at(migsim::Date(20)), 200.0);
  EXPECT_EQ(series.at(migsim::Date(1000)), 200.0);
}

// ---- scenario.yaml misuse -----------------------------------------------------------------

TEST(ScenarioLoaderYaml, MisspeltKeyNamesFileLineKeyAndSuggestion) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "    base_rate: 0.5", "    base_rat: 0.5");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "scenario.yaml", "base_rat: 0.5")));
  EXPECT_TRUE(Contains(message, "key 'behaviour.departure.base_rat'"));
  EXPECT_TRUE(Contains(message, "unknown key"));
  EXPECT_TRUE(Contains(message, "did you mean 'behaviour.departure.base_rate'?"));
}

TEST(ScenarioLoaderYaml, MisspeltSectionSuggestsTheSection) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "calendar:", "calender:");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "scenario.yaml", "calender:")));
  EXPECT_TRUE(Contains(message, "key 'calender'"));
  EXPECT_TRUE(Contains(message, "did you mean 'calendar'?"));
}

TEST(ScenarioLoaderYaml, WrongTypeNamesKeyExpectedAndFound) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "    base_rate: 1.5", "    base_rate: fast");
  std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "scenario.yaml", "base_rate: fast")));
  EXPECT_TRUE(Contains(message, "key 'behaviour.return.base_rate'"));
  EXPECT_TRUE(Contains(message, "expected a number"));
  EXPECT_TRUE(Contains(message, "found 'fast'"));

  ScenarioCopy list(kTwoRegion.string());
  list.replace("scenario.yaml", "seed: 7", "seed: [7, 8]");
  message = load_error(list);
  EXPECT_TRUE(Contains(message, at_line(list, "scenario.yaml", "seed: [7, 8]")));
  EXPECT_TRUE(Contains(message, "key 'run.seed'"));
  EXPECT_TRUE(Contains(message, "expected a single value, found a list"));

  ScenarioCopy whole(kTwoRegion.string());
  whole.replace("scenario.yaml", "seed: 7", "seed: 7.5");
  message = load_error(whole);
  EXPECT_TRUE(Contains(message, "key 'run.seed'"));
  EXPECT_TRUE(Contains(message, "expected a whole number in [0, 18446744073709551615], found '7.5'"));

  ScenarioCopy date(kTwoRegion.string());
  date.replace("scenario.yaml", "start: 2020-01-01", "start: 2020-02-30");
  message = load_error(date);
  EXPECT_TRUE(Contains(message, at_line(date, "scenario.yaml", "start: 2020-02-30")));
  EXPECT_TRUE(Contains(message, "key 'calendar.start'"));
  EXPECT_TRUE(Contains(message, "expected a date YYYY-MM-DD, found '2020-02-30'"));

  ScenarioCopy choice(kTwoRegion.string());
  choice.replace("scenario.yaml", "step: week", "step: fortnight");
  message = load_error(choice);
  EXPECT_TRUE(Contains(message, "key 'calendar.step'"));
  EXPECT_TRUE(Contains(message, "found 'fortnight'"));

  ScenarioCopy section(kTwoRegion.string());
  section.replace("scenario.yaml", "run:\n  seed: 7\n  scale: 1\n", "run: 7\n");
  message = load_error(section);
  EXPECT_TRUE(Contains(message, "key 'run'"));
  EXPECT_TRUE(Contains(message, "expected a mapping of keys, found '7'"));
}

TEST(ScenarioLoaderYaml, OutOfRangeValueNamesTheRange) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "  entry_rate: 0", "  entry_rate: 1.5");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "scenario.yaml", "entry_rate: 1.5")));
  EXPECT_TRUE(Contains(message, "key 'demography.entry_rate'"));
  EXPECT_TRUE(Contains(message, "expected a number in [0, 1], found '1.5'"));
}

TEST(ScenarioLoaderYaml, UnknownTopLevelKey) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.append("scenario.yaml", "colour: blue\n");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "scenario.yaml", "colour: blue")));
  EXPECT_TRUE(Contains(message, "key 'colour'"));
  EXPECT_TRUE(Contains(message, "unknown key"));
}

TEST(ScenarioLoaderYaml, DuplicateKey) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.append("scenario.yaml", "name: again\n");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("scenario.yaml").string()));
  EXPECT_TRUE(Contains(message, "key 'name'"));
  EXPECT_TRUE(Contains(message, "appears twice"));
}

TEST(ScenarioLoaderYaml, MissingRequiredKey) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "  end: 2029-12-31\n", "");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("scenario.yaml").string()));
  EXPECT_TRUE(Contains(message, "missing required key 'calendar.end'"));

  ScenarioCopy no_name(kTwoRegion.string());
  no_name.replace("scenario.yaml", "name: two-region\n", "");
  EXPECT_TRUE(Contains(load_error(no_name), "missing required key 'name'"));
}

TEST(ScenarioLoaderYaml, EndBeforeStart) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "end: 2029-12-31", "end: 2019-12-31");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("scenario.yaml").string()));
  EXPECT_TRUE(Contains(message, "key 'calendar.end'"));
  EXPECT_TRUE(Contains(message, "2020-01-01"));
  EXPECT_TRUE(Contains(message, "found 2019-12-31"));
}

TEST(ScenarioLoaderYaml, ExitAgeNotAboveEntryAge) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "exit_age: 120", "exit_age: 15");
  copy.replace("scenario.yaml", "entry_age: 0", "entry_age: 15");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, "key 'demography.exit_age'"));
  EXPECT_TRUE(Contains(message, "found 15"));
}

TEST(ScenarioLoaderYaml, SkillSharesNotSummingToOne) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "population:\n", "population:\n  skill_share_low: 0.5\n");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("scenario.yaml").string()));
  EXPECT_TRUE(Contains(message, "population.skill_share_"));
  EXPECT_TRUE(Contains(message, "expected shares summing to 1"));
  EXPECT_TRUE(Contains(message, "found 1.15"));  // 0.5 + 0.45 + 0.2
}

TEST(ScenarioLoaderYaml, SyntaxErrorNamesFileAndLine) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("scenario.yaml", "  step: week", "  step: [week");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("scenario.yaml").string() + ":"));
  EXPECT_TRUE(Contains(message, "YAML syntax error"));
  // yaml-cpp reports an unclosed flow sequence where it gives up, on or after the opening line.
  const std::size_t opened = line_of(copy.file("scenario.yaml"), "step: [week");
  const auto colon = message.find(".yaml:");
  ASSERT_NE(colon, std::string::npos);
  EXPECT_GE(std::stoul(message.substr(colon + 6)), opened) << message;
}

TEST(ScenarioLoaderYaml, UnknownEventTypeSuggestsTheClosestType) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.append("scenario.yaml", "events:\n  - type: border_closur\n    start: 2020-01-01\n");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, "key 'events[0].type'"));
  EXPECT_TRUE(Contains(message, "did you mean 'border_closure'"));
  ScenarioCopy empty(kTwoRegion.string());
  empty.append("scenario.yaml", "events: []\n");
  EXPECT_NO_THROW(migsim::load_scenario(empty.path()));
}

TEST(ScenarioLoaderYaml, ARecallWithoutAnEndIsRefusedNamingTheField) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.append("scenario.yaml",
              "events:\n  - type: labour_demand_shock\n    start: 2020-01-01\n    country: BB\n    factor: 0.5\n"
              "    recall_share: 0.8\n");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("scenario.yaml").string())) << message;
  EXPECT_TRUE(Contains(message, "recall_share")) << message;
  EXPECT_TRUE(Contains(message, "expected an `end`")) << message;
  ScenarioCopy bounded(kTwoRegion.string());
  bounded.append("scenario.yaml",
                 "events:\n  - type: labour_demand_shock\n    start: 2020-01-01\n    end: 2020-02-01\n"
                 "    country: BB\n    factor: 0.5\n    recall_share: 0.8\n");
  EXPECT_NO_THROW(migsim::load_scenario(bounded.path()));
}

TEST(ScenarioLoaderYaml, TopLevelNotAMapping) {
  ScenarioCopy copy(kTwoRegion.string());
  write_text(copy.file("scenario.yaml"), "- just\n- a list\n");
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("scenario.yaml").string()));
  EXPECT_TRUE(Contains(message, "expected a mapping of keys"));
}

TEST(ScenarioLoaderYaml, UnknownBuiltinNameSuggestsTheClosest) {
  const std::string message = yaml_error_of([] { migsim::load_scenario("kyrgyztan"); });
  EXPECT_TRUE(Contains(message, "scenario 'kyrgyztan'"));
  EXPECT_TRUE(Contains(message, "did you mean 'kyrgyzstan'?"));
  EXPECT_TRUE(Contains(message, "built-ins: ") && Contains(message, "kyrgyzstan"));
  EXPECT_THROW(migsim::export_builtin("kyrgyztan", (fs::temp_directory_path() / "migsim-never").string()),
               migsim::ScenarioError);
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / "migsim-never"));
}

TEST(ScenarioLoaderYaml, OverrideWithUnknownKeySuggestsTheKey) {
  const std::string message = yaml_error_of([] {
    migsim::load_scenario(kTwoRegion.string(), {{"behaviour.departure.base_rat", "0.1"}});
  });
  EXPECT_TRUE(Contains(message, "--set behaviour.departure.base_rat=0.1"));
  EXPECT_TRUE(Contains(message, "unknown key"));
  EXPECT_TRUE(Contains(message, "did you mean 'behaviour.departure.base_rate'?"));
  // A section is not a key either.
  EXPECT_TRUE(Contains(yaml_error_of([] {
                         migsim::load_scenario(kTwoRegion.string(), {{"behaviour.departure", "0.1"}});
                       }),
                       "unknown key"));
}

TEST(ScenarioLoaderYaml, OverrideWithBadValueNamesExpectedAndFound) {
  std::string message = yaml_error_of([] {
    migsim::load_scenario(kTwoRegion.string(), {{"behaviour.departure.base_rate", "fast"}});
  });
  EXPECT_TRUE(Contains(message, "--set behaviour.departure.base_rate"));
  EXPECT_TRUE(Contains(message, "expected a number"));
  EXPECT_TRUE(Contains(message, "found 'fast'"));
  message = yaml_error_of([] {
    migsim::load_scenario(kTwoRegion.string(), {{"behaviour.departure.base_rate", "-1"}});
  });
  EXPECT_TRUE(Contains(message, "expected a number in [0, 52]"));
  EXPECT_TRUE(Contains(message, "found '-1'"));
  message = yaml_error_of([] { migsim::load_scenario(kTwoRegion.string(), {{"calendar.end", "2019-01-01"}}); });
  EXPECT_TRUE(Contains(message, "key 'calendar.end'"));  // valid value, inconsistent scenario
  EXPECT_TRUE(Contains(message, "found 2019-01-01"));
}

// ---- CSV tables misuse --------------------------------------------------------------------

TEST(ScenarioLoaderTables, MissingFileNamesFileAndKey) {
  ScenarioCopy copy(kTwoRegion.string());
  fs::remove(copy.file("routes.csv"));
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("routes.csv").string()));
  EXPECT_TRUE(Contains(message, "'tables.routes'"));

  const std::string renamed = message_of<migsim::TableError>([] {
    migsim::load_scenario(kTwoRegion.string(), {{"tables.wages", "no_such_wages.csv"}});
  });
  EXPECT_TRUE(Contains(renamed, (kTwoRegion / "no_such_wages.csv").string()));
  EXPECT_TRUE(Contains(renamed, "'tables.wages'"));
}

TEST(ScenarioLoaderTables, EmptyFile) {
  ScenarioCopy copy(kTwoRegion.string());
  write_text(copy.file("sectors.csv"), "");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("sectors.csv").string()));
  EXPECT_TRUE(Contains(message, "header"));
}

TEST(ScenarioLoaderTables, UnknownColumnSuggestsTheColumn) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("routes.csv", "origin,destination", "orign,destination");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("routes.csv").string() + ":1:"));
  EXPECT_TRUE(Contains(message, "unknown column 'orign'"));
  EXPECT_TRUE(Contains(message, "did you mean 'origin'?"));
}

TEST(ScenarioLoaderTables, MissingColumn) {
  ScenarioCopy copy(kTwoRegion.string());
  write_text(copy.file("sectors.csv"), "name,share\nall,1\n");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("sectors.csv").string() + ":1:"));
  EXPECT_TRUE(Contains(message, "missing column 'wage_factor'"));
}

TEST(ScenarioLoaderTables, WrongColumnCount) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("routes.csv", "home,away,100,1,0", "home,away,100,1");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "routes.csv", "home,away,100,1")));
  EXPECT_TRUE(Contains(message, "expected 5 comma-separated values, found 4"));
}

TEST(ScenarioLoaderTables, NegativePopulation) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("regions.csv", "origin,20000,", "origin,-20000,");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "regions.csv", "-20000")));
  EXPECT_TRUE(Contains(message, "column 'working_age_population'"));
  EXPECT_TRUE(Contains(message, "expected a number in"));
  EXPECT_TRUE(Contains(message, "found -20000"));
}

TEST(ScenarioLoaderTables, NonNumericPopulation) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("regions.csv", "origin,20000,", "origin,20k,");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "regions.csv", "20k")));
  EXPECT_TRUE(Contains(message, "column 'working_age_population'"));
  EXPECT_TRUE(Contains(message, "expected a number, found '20k'"));
}

TEST(ScenarioLoaderTables, MissingOriginPopulation) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("regions.csv", "origin,20000,", "origin,,");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "regions.csv", "home,")));
  EXPECT_TRUE(Contains(message, "column 'working_age_population'"));
  EXPECT_TRUE(Contains(message, "needs its working-age population"));
}

TEST(ScenarioLoaderTables, ReturnedPopulationIsAnOptionalColumnForOrigins) {
  ScenarioCopy copy(kTwoRegion.string());
  EXPECT_EQ(migsim::load_scenario(copy.path()).origins[0].returned_population, 0);  // no column: nobody
  copy.replace("regions.csv", "attractiveness\n", "attractiveness,returned_population\n");
  copy.replace("regions.csv", "origin,20000,0\n", "origin,20000,0,6000\n");
  copy.replace("regions.csv", "destination,,0\n", "destination,,0,\n");
  EXPECT_EQ(migsim::load_scenario(copy.path()).origins[0].returned_population, 6000);

  copy.replace("regions.csv", "destination,,0,\n", "destination,,0,5\n");
  std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "regions.csv", "away,")));
  EXPECT_TRUE(Contains(message, "column 'returned_population': destinations take no population"));
  copy.replace("regions.csv", "destination,,0,5\n", "destination,,0,\n");

  copy.replace("regions.csv", "origin,20000,0,6000", "origin,20000,0,25000");
  message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "regions.csv", "home,")));
  EXPECT_TRUE(Contains(message, "column 'returned_population': expected a number in [0, 20000], found 25000"));
  copy.replace("regions.csv", "origin,20000,0,25000", "origin,-5,0,25000");
  EXPECT_TRUE(
      Contains(table_error(copy), "column 'working_age_population': expected a number in [1, 10000000000], found -5"))
      << "whole numbers in full, as scenario files write them (not 1e+10)";
  copy.replace("regions.csv", "origin,-5,0,25000", "origin,20000,0,25000");

  // People abroad and returnees are both part of the working-age population.
  copy.replace("regions.csv", "origin,20000,0,25000", "origin,20000,0,15000");
  copy.replace("initial_stock.csv", "home,away,0", "home,away,6000");
  message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "initial_stock.csv", "home,away")));
  EXPECT_TRUE(Contains(message, "migrants abroad from 'home' and its returned_population (regions table) exceed"));

  copy.replace("regions.csv", "returned_population", "returned_populaton");
  message = table_error(copy);
  EXPECT_TRUE(Contains(message, "unknown column 'returned_populaton' (did you mean 'returned_population'?)"));
  EXPECT_TRUE(Contains(message,
                       "expected columns: name,label,country,role,working_age_population,attractiveness,"
                       "[returned_population]"));
}

TEST(ScenarioLoaderTables, UnknownRoleNamesTheValue) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("regions.csv", ",destination,", ",destinaton,");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "regions.csv", "destinaton")));
  EXPECT_TRUE(Contains(message, "column 'role'"));
  EXPECT_TRUE(Contains(message, "found 'destinaton'"));
}

TEST(ScenarioLoaderTables, UnknownRegionInRoutesSuggestsTheRegion) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("routes.csv", "home,away,", "hme,away,");
  std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "routes.csv", "hme,away")));
  EXPECT_TRUE(Contains(message, "column 'origin'"));
  EXPECT_TRUE(Contains(message, "unknown origin region 'hme'"));
  EXPECT_TRUE(Contains(message, "did you mean 'home'?"));

  ScenarioCopy kg("kyrgyzstan");
  kg.replace("routes.csv", "bishkek,moscow,", "bishkek,moskow,");
  message = table_error(kg);
  EXPECT_TRUE(Contains(message, at_line(kg, "routes.csv", "moskow")));
  EXPECT_TRUE(Contains(message, "column 'destination'"));
  EXPECT_TRUE(Contains(message, "unknown destination region 'moskow'"));
  EXPECT_TRUE(Contains(message, "did you mean 'moscow'?"));
}

TEST(ScenarioLoaderTables, OriginUsedAsDestinationInRoutes) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("routes.csv", "home,away,", "home,home,");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "routes.csv", "home,home")));
  EXPECT_TRUE(Contains(message, "unknown destination region 'home'"));
}

TEST(ScenarioLoaderTables, UnknownCountrySuggestsTheCode) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("regions.csv", "away,Away,BB,", "away,Away,BX,");
  std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "regions.csv", "BX")));
  EXPECT_TRUE(Contains(message, "column 'country'"));
  EXPECT_TRUE(Contains(message, "unknown country 'BX'"));
  EXPECT_TRUE(Contains(message, "did you mean"));

  ScenarioCopy unemployment(kTwoRegion.string());
  unemployment.replace("unemployment.csv", "2020-01-01,BB,", "2020-01-01,XX,");
  message = table_error(unemployment);
  EXPECT_TRUE(Contains(message, at_line(unemployment, "unemployment.csv", "XX")));
  EXPECT_TRUE(Contains(message, "unknown country 'XX'"));
}

TEST(ScenarioLoaderTables, BadCountryAndCurrencyCodes) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("countries.csv", "BB,Abroad,BBB", "Bb,Abroad,BBB");
  std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "countries.csv", "Bb,")));
  EXPECT_TRUE(Contains(message, "column 'code'"));
  EXPECT_TRUE(Contains(message, "found 'Bb'"));

  ScenarioCopy currency(kTwoRegion.string());
  currency.replace("countries.csv", "BB,Abroad,BBB", "BB,Abroad,BBBB");
  message = table_error(currency);
  EXPECT_TRUE(Contains(message, at_line(currency, "countries.csv", "BBBB")));
  EXPECT_TRUE(Contains(message, "column 'currency'"));
  EXPECT_TRUE(Contains(message, "found 'BBBB'"));
}

TEST(ScenarioLoaderTables, DuplicateRegionName) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.append("regions.csv", "home,Home again,AA,origin,100,0\n");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "regions.csv", "Home again")));
  EXPECT_TRUE(Contains(message, "column 'name'"));
  EXPECT_TRUE(Contains(message, "duplicate region 'home'"));
}

TEST(ScenarioLoaderTables, DuplicateRoute) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.append("routes.csv", "home,away,200,2,1\n");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "routes.csv", "home,away,200")));
  EXPECT_TRUE(Contains(message, "duplicate route home -> away"));
}

TEST(ScenarioLoaderTables, BadDateInWages) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("wages.csv", "2020-01-01,away", "2020-02-30,away");
  std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "wages.csv", "2020-02-30")));
  EXPECT_TRUE(Contains(message, "column 'date'"));
  EXPECT_TRUE(Contains(message, "expected a date YYYY-MM-DD, found '2020-02-30'"));

  ScenarioCopy kg("kyrgyzstan");
  kg.replace("wages.csv", "2015-01-15,bishkek", "2015-1-15,bishkek");
  message = table_error(kg);
  EXPECT_TRUE(Contains(message, at_line(kg, "wages.csv", "2015-1-15")));
  EXPECT_TRUE(Contains(message, "found '2015-1-15'"));
}

TEST(ScenarioLoaderTables, DuplicateDateInASeries) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.append("wages.csv", "2020-01-01,away,1200\n");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("wages.csv").string() + ":"));
  EXPECT_TRUE(Contains(message, "duplicate date 2020-01-01"));
  EXPECT_TRUE(Contains(message, "'away'"));
}

TEST(ScenarioLoaderTables, RegionWithoutWage) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("wages.csv", "2020-01-01,away,1000\n", "");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("wages.csv").string()));
  EXPECT_TRUE(Contains(message, "no wage for region 'away'"));
}

TEST(ScenarioLoaderTables, UnknownCurrencyInExchangeRates) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("exchange_rates.csv", "2020-01-01,BBB,1", "2020-01-01,BBC,1");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "exchange_rates.csv", "BBC")));
  EXPECT_TRUE(Contains(message, "column 'currency'"));
  EXPECT_TRUE(Contains(message, "currency 'BBC' is used by no country"));
  EXPECT_TRUE(Contains(message, "did you mean 'BBB'?"));
}

TEST(ScenarioLoaderTables, CurrencyWithoutExchangeRate) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("exchange_rates.csv", "2020-01-01,BBB,1\n", "");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("exchange_rates.csv").string()));
  EXPECT_TRUE(Contains(message, "no exchange rate for currency 'BBB'"));
}

TEST(ScenarioLoaderTables, NonPositiveExchangeRate) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("exchange_rates.csv", "2020-01-01,BBB,1", "2020-01-01,BBB,0");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "exchange_rates.csv", "BBB,0")));
  EXPECT_TRUE(Contains(message, "column 'per_usd'"));
  EXPECT_TRUE(Contains(message, "found 0"));
}

TEST(ScenarioLoaderTables, UnemploymentRateOutOfRange) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("unemployment.csv", "BB,0.05", "BB,5");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "unemployment.csv", "BB,5")));
  EXPECT_TRUE(Contains(message, "column 'rate'"));
  EXPECT_TRUE(Contains(message, "found 5"));
}

TEST(ScenarioLoaderTables, SectorSharesNotSummingToOne) {
  ScenarioCopy copy(kTwoRegion.string());
  write_text(copy.file("sectors.csv"), "name,share,wage_factor\nbuilding,0.5,1\ntrade,0.4,1\n");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, copy.file("sectors.csv").string()));
  EXPECT_TRUE(Contains(message, "sector shares must sum to 1"));
  EXPECT_TRUE(Contains(message, "found 0.9"));
}

TEST(ScenarioLoaderTables, InitialStockAbovePopulation) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("initial_stock.csv", "home,away,0", "home,away,20001");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "initial_stock.csv", "20001")));
  EXPECT_TRUE(Contains(message, "column 'migrants'"));
  EXPECT_TRUE(Contains(message, "exceed its working-age population"));
}

TEST(ScenarioLoaderTables, UnterminatedQuote) {
  ScenarioCopy copy(kTwoRegion.string());
  copy.replace("countries.csv", "BB,Abroad,BBB", "BB,\"Abroad,BBB");
  const std::string message = table_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "countries.csv", "\"Abroad")));
  EXPECT_TRUE(Contains(message, "unterminated quoted field"));
}

TEST(ScenarioLoaderTables, QuotedFieldsAndCrLfAreAccepted) {
  ScenarioCopy copy(kTwoRegion.string());
  write_text(copy.file("regions.csv"),
             "name,label,country,role,working_age_population,attractiveness\r\n"
             "home,\"Home, sweet \"\"home\"\"\",AA,origin,20000,0\r\n"
             "away,Away,BB,destination,,0\r\n");
  const migsim::Scenario sc = migsim::load_scenario(copy.path());
  EXPECT_EQ(sc.origins.at(0).label, "Home, sweet \"home\"");
  EXPECT_EQ(sc.destinations.at(0).name, "away");
}

}  // namespace

TEST(ScenarioLoader, AnEventTheFileDeclaresAfterTheCalendarEndsIsRefusedNamingItsLine) {
  ScenarioCopy copy(kTwoRegion.string());
  const std::string event = "  - {type: exchange_rate, label: typo, start: 2205-01-01, currency: AAA, factor: 2}";
  write_text(copy.file("scenario.yaml"), read_text(copy.file("scenario.yaml")) + "events:\n" + event + "\n");
  ASSERT_GT(line_of(copy.file("scenario.yaml"), "label: typo"), 0u);
  const std::string message = load_error(copy);
  EXPECT_TRUE(Contains(message, at_line(copy, "scenario.yaml", "label: typo")));
  EXPECT_TRUE(Contains(message, "event 'typo': start 2205-01-01 is after the scenario ends (2029-12-31)"));
  // Ending before the start is history, not a typo: a scenario that starts later inherits it.
  ScenarioCopy past(kTwoRegion.string());
  write_text(past.file("scenario.yaml"),
             read_text(past.file("scenario.yaml")) +
                 "events:\n  - {type: exchange_rate, label: past, start: 2001-01-01, end: 2002-01-01, "
                 "currency: AAA, factor: 2}\n");
  EXPECT_EQ(migsim::load_scenario(past.path()).events.size(), 1u);
}

TEST(ScenarioLoader, EventsAfterAShortenedCalendarAreLeftOutWithAWarningWhenSetCutsThem) {
  // policy-toy-derived ends in 2021 where policy-toy runs to 2022: the base's 2022 events are left out.
  const migsim::Scenario base = migsim::load_scenario(std::string(MIGSIM_TEST_DATA) + "/policy-toy");
  const migsim::Scenario derived = migsim::load_scenario(std::string(MIGSIM_TEST_DATA) + "/policy-toy-derived");
  // Those of its 2022 events that policy-toy-derived does not remove (amnesty_tj it removes).
  const std::size_t late = 3, removed = 3, own = 2;
  std::size_t after = 0;
  for (const auto& e : base.events) after += e.start > derived.params.end ? 1 : 0;
  ASSERT_EQ(after, late + 1) << "policy-toy's events after 2021 have changed";
  EXPECT_EQ(derived.events.size(), base.events.size() - removed - late + own);
  EXPECT_TRUE(derived.warnings.empty()) << "the derived file sets its own end: no warning";
  for (const auto& e : derived.events) EXPECT_LE(e.start, derived.params.end) << e.label;
  // The resolved scenario declares every event itself, and reloads.
  ScenarioCopy copy(std::string(MIGSIM_TEST_DATA) + "/policy-toy");
  write_text(copy.file("scenario.yaml"), derived.resolved_yaml());
  EXPECT_EQ(migsim::load_scenario(copy.path()).resolved_yaml(), derived.resolved_yaml());
  // --set calendar.end cuts the file's own events the same way; a --set of an event's start is refused.
  const migsim::Scenario cut = migsim::load_scenario(std::string(MIGSIM_TEST_DATA) + "/policy-toy",
                                                     {{"calendar.end", derived.params.end.iso()}});
  EXPECT_EQ(cut.events.size(), base.events.size() - late - 1);
  ASSERT_EQ(cut.warnings.size(), late + 1);
  EXPECT_TRUE(Contains(cut.warnings[0], "policy-toy/scenario.yaml:"));
  EXPECT_TRUE(Contains(cut.warnings[0],
                       "after this scenario ends (2021-12-31, calendar.end set by --set or Scenario.set); left out"));
  // The same cut of the derived scenario warns about the base's events too.
  const migsim::Scenario derived_cut = migsim::load_scenario(std::string(MIGSIM_TEST_DATA) + "/policy-toy-derived",
                                                             {{"calendar.end", derived.params.end.iso()}});
  EXPECT_EQ(derived_cut.warnings.size(), late);
  ScenarioCopy set(std::string(MIGSIM_TEST_DATA) + "/policy-toy");
  const std::string message = load_error(set, {{"events." + base.events[0].label + ".start", "2300-01-01"}});
  EXPECT_TRUE(Contains(message, "--set events." + base.events[0].label + ".start: event '" + base.events[0].label +
                                    "': start 2300-01-01 is after the scenario ends"));
}
