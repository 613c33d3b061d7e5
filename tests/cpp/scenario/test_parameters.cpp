// Tests for the parameter schema: completeness, defaults, parsing errors, generated docs, and
// that the scenario loader reads every key of the schema into the right field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "migsim/errors.hpp"
#include "migsim/parameters.hpp"
#include "migsim/scenario.hpp"

namespace {

using migsim::ParamSpec;
using migsim::ParamType;

const std::string kTwoRegion = std::string(MIGSIM_TEST_DATA) + "/two-region";

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not found in: " << text;
}

/// The default as the value it denotes ("\"\"" is YAML for the empty string).
std::string default_value(const ParamSpec& spec) {
  std::string text(spec.default_text);
  return text == "\"\"" ? std::string() : text;
}

/// Every key's current value, by key.
std::map<std::string, std::string> all_values(const migsim::Parameters& params) {
  std::map<std::string, std::string> values;
  for (const auto& spec : migsim::parameter_schema())
    values[std::string(spec.key)] = migsim::format_parameter(params, spec);
  return values;
}

/// A valid value of a Real or Integer key different from `current`, inside the key's bounds.
std::string different_number(const ParamSpec& spec, const std::string& current) {
  const double v = std::strtod(current.c_str(), nullptr);
  if (spec.type == ParamType::Integer) {
    const double next = v + 1 <= spec.max ? v + 1 : v - 1;
    return std::to_string(static_cast<long long>(next));
  }
  const double next = v + 0.125 <= spec.max ? v + 0.125 : v - 0.125;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", next);
  return buf;
}

TEST(ParameterSchema, KeysAreUniqueAndEveryKeyIsDocumented) {
  std::set<std::string> keys;
  for (const auto& spec : migsim::parameter_schema()) {
    const std::string key(spec.key);
    EXPECT_TRUE(keys.insert(key).second) << "duplicate key " << key;
    EXPECT_FALSE(spec.description.empty()) << key << " has no description";
    EXPECT_EQ(key.find(' '), std::string::npos) << key;
    EXPECT_NE(key.front(), '.') << key;
    EXPECT_NE(key.back(), '.') << key;
    EXPECT_EQ(migsim::find_parameter(key), &spec) << key;
    if (spec.type == ParamType::Real || spec.type == ParamType::Integer) EXPECT_LE(spec.min, spec.max) << key;
    if (spec.type == ParamType::Choice) EXPECT_FALSE(spec.choices.empty()) << key;
  }
  EXPECT_GT(keys.size(), 40u);
  EXPECT_EQ(migsim::find_parameter("behaviour.departure.base_rat"), nullptr);
  EXPECT_EQ(migsim::find_parameter("behaviour.departure"), nullptr);  // a section, not a key
}

TEST(ParameterSchema, EveryKeyHasAValidDefaultOrIsRequired) {
  std::set<std::string> required;
  for (const auto& spec : migsim::parameter_schema()) {
    const std::string key(spec.key);
    if (spec.default_text.empty()) {
      required.insert(key);
      continue;
    }
    migsim::Parameters params;
    EXPECT_EQ(migsim::assign_parameter(params, spec, default_value(spec)), "")
        << key << ": default '" << spec.default_text << "' is not a valid value of its own key";
  }
  // Only the scenario's identity and calendar are required; everything else has a default.
  EXPECT_EQ(required, (std::set<std::string>{"name", "calendar.start", "calendar.end"}));
}

TEST(ParameterSchema, DefaultParametersMatchEveryDefaultText) {
  const migsim::Parameters defaults = migsim::default_parameters();
  for (const auto& spec : migsim::parameter_schema()) {
    if (spec.default_text.empty()) continue;
    EXPECT_EQ(migsim::format_parameter(defaults, spec), default_value(spec)) << spec.key;
  }
}

TEST(ParameterSchema, EveryKeyHasItsOwnField) {
  // Changing one key through the schema must change that key's text and no other: catches two
  // schema rows pointing at the same Parameters member.
  const migsim::Parameters defaults = migsim::default_parameters();
  const auto before = all_values(defaults);
  for (const auto& spec : migsim::parameter_schema()) {
    const std::string key(spec.key);
    std::string value;
    switch (spec.type) {
      case ParamType::Real:
      case ParamType::Integer:
        value = different_number(spec, before.at(key));
        break;
      case ParamType::Date:
        value = "1999-09-09";
        break;
      case ParamType::String:
        value = "changed-" + key;
        break;
      case ParamType::Choice:
        value = before.at(key) == "month" ? "day" : "month";
        break;
    }
    migsim::Parameters params = defaults;
    ASSERT_EQ(migsim::assign_parameter(params, spec, value), "") << key << "=" << value;
    const auto after = all_values(params);
    for (const auto& [other, text] : after) {
      if (other == key)
        EXPECT_NE(text, before.at(key)) << "setting " << key << " did not change it";
      else
        EXPECT_EQ(text, before.at(other)) << "setting " << key << " changed " << other;
    }
  }
}

TEST(ParameterSchema, FormatParameterRoundTripsThroughAssign) {
  migsim::Parameters params = migsim::default_parameters();
  const ParamSpec& rate = *migsim::find_parameter("behaviour.departure.base_rate");
  for (const char* text : {"0.1", "0.0123456789", "1e-07", "51.999999999999993", "0"}) {
    ASSERT_EQ(migsim::assign_parameter(params, rate, text), "") << text;
    const std::string printed = migsim::format_parameter(params, rate);
    migsim::Parameters again = migsim::default_parameters();
    ASSERT_EQ(migsim::assign_parameter(again, rate, printed), "");
    EXPECT_EQ(again.departure_base_rate, params.departure_base_rate) << text << " printed as " << printed;
  }
  ASSERT_EQ(migsim::assign_parameter(params, rate, "0.1"), "");
  EXPECT_EQ(migsim::format_parameter(params, rate), "0.1");           // shortest text, not 0.10000000000000001
  ASSERT_EQ(migsim::assign_parameter(params, rate, "  0.25\t"), "");  // surrounding blanks are trimmed
  EXPECT_EQ(params.departure_base_rate, 0.25);
}

TEST(ParameterSchema, AssignRejectsWrongTypesWithExpectedAndFound) {
  struct Case {
    const char* key;
    const char* text;
    const char* expected;  // fragment of the message
  };
  const Case cases[] = {
      {"behaviour.departure.base_rate", "fast", "expected a number"},
      {"behaviour.departure.base_rate", "", "expected a number"},
      {"behaviour.departure.base_rate", "nan", "expected a number"},
      {"behaviour.departure.base_rate", "inf", "expected a number"},
      {"behaviour.departure.base_rate", "0.5x", "expected a number"},
      {"run.seed", "1.5", "expected a whole number"},
      {"run.seed", "one", "expected a whole number"},
      {"run.seed", "-5", "expected a whole number in [0, "},  // seeds are 0..2^64-1, never negative
      {"run.seed", "-0.0", "expected a whole number"},
      {"run.seed", "18446744073709551616", "expected a whole number in [0, 18446744073709551615]"},  // 2^64
      {"calendar.start", "2021-02-30", "expected a date YYYY-MM-DD"},
      {"calendar.start", "yesterday", "expected a date YYYY-MM-DD"},
      {"calendar.step", "fortnight", "expected one of day|week|month"},
  };
  for (const auto& c : cases) {
    const ParamSpec* spec = migsim::find_parameter(c.key);
    ASSERT_NE(spec, nullptr) << c.key;
    migsim::Parameters params = migsim::default_parameters();
    const auto before = all_values(params);
    const std::string message = migsim::assign_parameter(params, *spec, c.text);
    EXPECT_TRUE(Contains(message, c.expected)) << c.key << "=" << c.text;
    EXPECT_TRUE(Contains(message, std::string("found '") + c.text + "'")) << c.key;
    EXPECT_EQ(all_values(params), before) << "a rejected value must not be stored: " << c.key << "=" << c.text;
  }
}

TEST(ParameterSchema, SeedsInAFileSpanAll64Bits) {
  // A seed written in a scenario replays exactly as the same --seed would, up to 2^64-1.
  migsim::Parameters params = migsim::default_parameters();
  const auto& seed = *migsim::find_parameter("run.seed");
  for (std::uint64_t value : {std::uint64_t{0}, std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
    EXPECT_EQ(migsim::assign_parameter(params, seed, std::to_string(value)), "");
    EXPECT_EQ(params.seed, value);
    EXPECT_EQ(migsim::format_parameter(params, seed), std::to_string(value));
  }
}

TEST(ParameterSchema, AssignRejectsOutOfRangeValuesNamingTheRange) {
  migsim::Parameters params = migsim::default_parameters();
  const auto before = all_values(params);
  const auto& share = *migsim::find_parameter("population.male_share");
  std::string message = migsim::assign_parameter(params, share, "1.5");
  EXPECT_TRUE(Contains(message, "expected a number in [0, 1]"));
  EXPECT_TRUE(Contains(message, "found '1.5'"));
  message = migsim::assign_parameter(params, share, "-0.01");
  EXPECT_TRUE(Contains(message, "expected a number in [0, 1]"));
  EXPECT_TRUE(Contains(message, "found '-0.01'"));
  const auto& scale = *migsim::find_parameter("run.scale");
  message = migsim::assign_parameter(params, scale, "0");
  EXPECT_TRUE(Contains(message, "expected a whole number in [1, "));
  EXPECT_TRUE(Contains(message, "found '0'"));
  EXPECT_EQ(all_values(params), before);
  // The bounds themselves are inclusive.
  EXPECT_EQ(migsim::assign_parameter(params, share, "1"), "");
  EXPECT_EQ(migsim::assign_parameter(params, share, "0"), "");
  EXPECT_EQ(migsim::assign_parameter(params, scale, "1"), "");
}

TEST(ParameterSchema, MarkdownReferenceListsEveryKeyWithItsDefault) {
  // The parameter table; the calibration ranges follow it in a table of their own.
  const std::string full = migsim::parameter_reference_markdown();
  const std::string markdown = full.substr(0, full.find("### Calibration ranges and priors"));
  ASSERT_TRUE(Contains(markdown, "| key |"));
  std::size_t rows = 0;
  for (std::size_t pos = 0; (pos = markdown.find("\n| `", pos)) != std::string::npos; ++pos) ++rows;
  EXPECT_EQ(rows, migsim::parameter_schema().size());
  for (const auto& spec : migsim::parameter_schema()) {
    const std::string row_start = "| `" + std::string(spec.key) + "` |";
    const auto pos = markdown.find(row_start);
    ASSERT_NE(pos, std::string::npos) << spec.key;
    const std::string row = markdown.substr(pos, markdown.find('\n', pos) - pos);
    EXPECT_TRUE(Contains(row, std::string(spec.description)));
    if (spec.default_text.empty())
      EXPECT_TRUE(Contains(row, "*required*"));
    else
      EXPECT_TRUE(Contains(row, "`" + std::string(spec.default_text) + "`"));
  }
}

// The loader must read every schema key into its field: load the two-region toy with an
// override giving each key a different valid value and check the loaded value.
TEST(ParameterSchema, LoaderReadsEveryNumericKey) {
  const migsim::Scenario baseline = migsim::load_scenario(kTwoRegion);
  const auto base_values = all_values(baseline.params);
  std::size_t numeric = 0, checked = 0;
  for (const auto& spec : migsim::parameter_schema()) {
    if (spec.type != ParamType::Real && spec.type != ParamType::Integer) continue;
    ++numeric;
    const std::string key(spec.key);
    if (key.rfind("population.skill_share_", 0) == 0) continue;  // must sum to 1: see the next test
    const std::string value = different_number(spec, base_values.at(key));
    migsim::Scenario loaded;
    try {
      loaded = migsim::load_scenario(kTwoRegion, {{key, value}});
    } catch (const migsim::Error& e) {
      ADD_FAILURE() << key << "=" << value << " failed to load: " << e.what();
      continue;
    }
    const std::string got = migsim::format_parameter(loaded.params, spec);
    EXPECT_NE(got, base_values.at(key)) << key << " was not read";
    EXPECT_EQ(std::strtod(got.c_str(), nullptr), std::strtod(value.c_str(), nullptr)) << key;
    auto others = all_values(loaded.params);
    others.erase(key);
    auto expected_others = base_values;
    expected_others.erase(key);
    EXPECT_EQ(others, expected_others) << "overriding " << key << " changed other keys";
    ++checked;
  }
  EXPECT_EQ(checked, numeric - 3);  // all but the three skill shares
}

TEST(ParameterSchema, LoaderReadsTheSkillSharesTogether) {
  const migsim::Scenario loaded = migsim::load_scenario(kTwoRegion, {{"population.skill_share_low", "0.5"},
                                                                     {"population.skill_share_medium", "0.3"},
                                                                     {"population.skill_share_high", "0.2"}});
  EXPECT_EQ(loaded.params.skill_share_low, 0.5);
  EXPECT_EQ(loaded.params.skill_share_medium, 0.3);
  EXPECT_EQ(loaded.params.skill_share_high, 0.2);
  const migsim::Scenario other = migsim::load_scenario(kTwoRegion, {{"population.skill_share_low", "0.1"},
                                                                    {"population.skill_share_medium", "0.2"},
                                                                    {"population.skill_share_high", "0.7"}});
  EXPECT_EQ(other.params.skill_share_low, 0.1);
  EXPECT_EQ(other.params.skill_share_medium, 0.2);
  EXPECT_EQ(other.params.skill_share_high, 0.7);
}

TEST(ParameterSchema, LoaderReadsEveryIdentityAndCalendarKey) {
  const migsim::Scenario loaded = migsim::load_scenario(kTwoRegion, {{"name", "renamed"},
                                                                     {"description", "another description"},
                                                                     {"calendar.start", "2021-03-01"},
                                                                     {"calendar.end", "2024-06-30"},
                                                                     {"calendar.step", "month"}});
  EXPECT_EQ(loaded.params.name, "renamed");
  EXPECT_EQ(loaded.params.description, "another description");
  EXPECT_EQ(loaded.params.start, migsim::Date::from_ymd(2021, 3, 1));
  EXPECT_EQ(loaded.params.end, migsim::Date::from_ymd(2024, 6, 30));
  EXPECT_EQ(loaded.params.step, migsim::StepUnit::Month);
  EXPECT_EQ(loaded.calendar().steps(), 40u);
}

TEST(ParameterSchema, LoaderReadsEveryTableKey) {
  // Copy the toy with every table renamed; only the tables.* keys can make it load.
  namespace fs = std::filesystem;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir = fs::temp_directory_path() / ("migsim-test-" + std::to_string(::getpid()) + "-" +
                                                    info->test_suite_name() + "." + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<migsim::Override> overrides;
  for (const auto& entry : fs::directory_iterator(kTwoRegion)) {
    const std::string file = entry.path().filename().string();
    if (file == "scenario.yaml") {
      fs::copy_file(entry.path(), dir / file);
      continue;
    }
    fs::copy_file(entry.path(), dir / ("renamed_" + file));
    overrides.push_back({"tables." + file.substr(0, file.size() - 4), "renamed_" + file});
  }
  EXPECT_THROW(migsim::load_scenario(dir.string()), migsim::TableError);
  std::size_t table_keys = 0;
  for (const auto& spec : migsim::parameter_schema())
    if (std::string(spec.key).rfind("tables.", 0) == 0) ++table_keys;
  EXPECT_EQ(overrides.size(), table_keys);
  migsim::Scenario loaded;
  EXPECT_NO_THROW(loaded = migsim::load_scenario(dir.string(), overrides));
  EXPECT_EQ(loaded.params.regions_table, "renamed_regions.csv");
  EXPECT_EQ(loaded.n_origins(), 1u);
  EXPECT_EQ(loaded.n_destinations(), 1u);
  fs::remove_all(dir);
}

TEST(CalibrationSchema, RangesArePlausibleAndInsideTheSchemaBounds) {
  std::set<std::string> keys;
  for (const auto& fit : migsim::calibration_schema()) {
    SCOPED_TRACE(std::string(fit.key));
    const ParamSpec* spec = migsim::find_parameter(fit.key);
    ASSERT_NE(spec, nullptr) << "calibration range for an unknown key";
    EXPECT_EQ(spec->type, ParamType::Real);
    EXPECT_TRUE(keys.insert(std::string(fit.key)).second) << "listed twice";
    EXPECT_EQ(migsim::find_fit(fit.key), &fit);
    EXPECT_LT(fit.fit_min, fit.fit_max);
    EXPECT_GE(fit.fit_min, spec->min);
    EXPECT_LE(fit.fit_max, spec->max);
    if (fit.log || fit.prior == migsim::PriorKind::LogUniform || fit.prior == migsim::PriorKind::LogNormal)
      EXPECT_GT(fit.fit_min, 0) << "a log scale needs a positive range";
    if (fit.prior == migsim::PriorKind::Normal || fit.prior == migsim::PriorKind::LogNormal)
      EXPECT_GT(fit.prior_b, 0) << "a normal prior needs a positive standard deviation";
    EXPECT_FALSE(fit.rationale.empty());
  }
  EXPECT_GE(keys.size(), 10u);
  EXPECT_EQ(migsim::find_fit("behaviour.no_such_key"), nullptr);
  EXPECT_EQ(migsim::find_fit("calendar.start"), nullptr);
}

TEST(CalibrationSchema, RangesAreInTheReference) {
  const std::string text = migsim::parameter_reference_markdown();
  EXPECT_TRUE(Contains(text, "### Calibration ranges and priors"));
  for (const auto& fit : migsim::calibration_schema())
    EXPECT_TRUE(Contains(text, "| `" + std::string(fit.key) + "` | ["));
}

}  // namespace
