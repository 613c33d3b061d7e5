// The parameter schema: the single source of truth for every scalar setting of a scenario
// (key path, type, unit, default, bounds, description, source). The YAML loader, the
// `--set` overrides, the generated reference docs/scenarios.md and the Python API all read it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "migsim/calendar.hpp"

namespace migsim {

/// Resolved scalar settings of a scenario. Values come only from the schema (defaults) and the
/// scenario file: there are no defaults written here, so the two cannot drift. Rates are annual hazards (1/year) unless
/// the name says otherwise; the engine converts them to per-step probabilities.
struct Parameters {
  // Identity and calendar.
  std::string name;
  std::string description;
  Date start;
  Date end;
  StepUnit step{};

  // Run defaults (overridable from the CLI / Python).
  std::uint64_t seed{};  ///< the whole range 0..2^64-1, like --seed
  std::int64_t scale{};

  // Table files, relative to the scenario folder.
  std::string countries_table, regions_table, routes_table, wages_table, exchange_rates_table, unemployment_table,
      initial_stock_table, sectors_table;

  // Initial population.
  double male_share{};
  double skill_share_low{};
  double skill_share_medium{};
  double skill_share_high{};
  double initial_migrant_female_share{};
  double initial_max_years_abroad{};

  // Demography.
  std::int64_t entry_age{};
  std::int64_t exit_age{};
  double entry_rate{};

  // Departure.
  double departure_base_rate{};
  double departure_gain_coefficient{};
  double departure_max_rate{};
  double departure_female_factor{};
  double departure_age_factor_15_24{};
  double departure_age_factor_25_34{};
  double departure_age_factor_35_44{};
  double departure_age_factor_45_54{};
  double departure_age_factor_55_64{};

  // Destination choice (multinomial logit).
  double income_coefficient{};
  double network_coefficient{};
  double network_scale{};
  double cost_coefficient{};
  double barrier_coefficient{};

  // Work and wages abroad and at home.
  double migrant_wage_ratio{};
  double skill_wage_factor_low{};
  double skill_wage_factor_medium{};
  double skill_wage_factor_high{};
  double living_cost_share{};
  double job_finding_rate{};
  double job_loss_rate{};

  // Remittances.
  double remittance_share{};
  double remittance_catch_up_weeks{};
  double remittance_closure_savings_share{};
  double remittance_family_support_share{};

  // Return.
  double return_base_rate{};
  double savings_target_usd{};
  double return_target_factor{};
  double return_unemployed_factor{};
  double return_winter_factor{};
  double return_fx_loss_coefficient{};
  double return_settlement_rate{};
  double reopening_return_rate{};
  double closure_hold_out_weeks{};

  // Re-migration.
  double remigration_cooldown_days{};
  double remigration_experience_factor{};

  // Legal status: permits, registration, enforcement (the events set the dated policies).
  double irregular_wage_factor{};
  double permit_fee_sensitivity{};
  double permit_validity_months{};
  double permit_lapse_rate{};
  double registration_mean_days{};
  double regularisation_rate{};
  double base_detection_rate{};
  double detention_days{};
};

enum class ParamType { Real, Integer, Date, String, Choice };

using ParamField = std::variant<double Parameters::*, std::int64_t Parameters::*, std::uint64_t Parameters::*,
                                Date Parameters::*, std::string Parameters::*, StepUnit Parameters::*>;

struct ParamSpec {
  std::string_view key;  ///< dotted YAML key path, e.g. "behaviour.departure.base_rate"
  ParamType type;
  std::string_view unit;
  std::string_view default_text;  ///< default as YAML text ("" = required)
  double min;                     ///< bounds for Real and Integer (inclusive)
  double max;
  std::string_view description;
  std::string_view source;
  ParamField field;
  std::string_view choices = {};  ///< '|'-separated values for Choice
};

/// Prior distribution of a parameter for calibration. Uniform and LogUniform are flat on [fit_min, fit_max]
/// (in the value or in its logarithm); Normal(a, b) has mean a and standard deviation b, LogNormal(a, b) has a
/// normal logarithm with mean a and standard deviation b; both truncated to [fit_min, fit_max].
enum class PriorKind { Uniform, LogUniform, Normal, LogNormal };

/// Calibration metadata of a behavioural parameter worth fitting: the range a fit explores (inside the schema's
/// bounds), whether to search it on a log scale, and the prior. `migsim.calibrate` and `migsim.sensitivity` use it
/// when given only key paths.
struct FitSpec {
  std::string_view key;  ///< a key of parameter_schema()
  double fit_min;        ///< plausible range for fitting (inclusive), inside [ParamSpec::min, ParamSpec::max]
  double fit_max;
  bool log;  ///< search on a log scale (fit_min > 0)
  PriorKind prior;
  double prior_a = 0;               ///< Normal/LogNormal: mean (of the log for LogNormal)
  double prior_b = 0;               ///< Normal/LogNormal: standard deviation (of the log for LogNormal)
  std::string_view rationale = {};  ///< why this range
};

/// Every parameter, in documentation order.
std::span<const ParamSpec> parameter_schema();
/// The behavioural parameters with calibration ranges and priors, in schema order.
std::span<const FitSpec> calibration_schema();
/// The calibration range and prior of `key`, or nullptr if it has none.
const FitSpec* find_fit(std::string_view key);
/// "uniform", "loguniform", "normal", "lognormal".
std::string_view prior_name(PriorKind kind);
/// Parameters with every schema default applied (required keys left empty).
Parameters default_parameters();
const ParamSpec* find_parameter(std::string_view key);

/// Markdown reference of the schema (the body of docs/scenarios.md's parameter section).
std::string parameter_reference_markdown();

/// Text of a parameter's current value, as it would be written in YAML.
std::string format_parameter(const Parameters& params, const ParamSpec& spec);

/// Parses `text` into the field named by `spec`; returns an error message ("" on success)
/// describing what was expected and what was found.
std::string assign_parameter(Parameters& params, const ParamSpec& spec, std::string_view text);

}  // namespace migsim
