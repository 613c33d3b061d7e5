#include "migsim/parameters.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "scenario/number_text.hpp"

namespace migsim {
namespace {

using detail::number_text;

using P = Parameters;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::string_view kAssumption = "modelling assumption; to be calibrated (issue: calibration)";

// clang-format off
const std::array kSchema = {
  // --- identity and calendar -------------------------------------------------------------
  ParamSpec{"name", ParamType::String, "", "", 0, 0, "Short scenario name (used in outputs). A scenario that `extends` another and gives none is named after its file (`what-if.yaml`: `what-if`; a `scenario.yaml`: its folder), not after its base.", "", &P::name},
  ParamSpec{"description", ParamType::String, "", "\"\"", 0, 0, "One-paragraph description.", "", &P::description},
  ParamSpec{"calendar.start", ParamType::Date, "date", "", 0, 0, "First day of the simulation.", "", &P::start},
  ParamSpec{"calendar.end", ParamType::Date, "date", "", 0, 0, "Last day on which a step may start.", "", &P::end},
  ParamSpec{"calendar.step", ParamType::Choice, "", "week", 0, 0, "Length of one step.", "", &P::step, "day|week|month"},
  // --- run defaults ------------------------------------------------------------------------
  ParamSpec{"run.seed", ParamType::Integer, "", "1", 0, 18446744073709551615.0, "Default random seed; `--seed` overrides it.", "", &P::seed},
  ParamSpec{"run.scale", ParamType::Integer, "people per agent", "10", 1, 1e9,
            "Default number of people one agent stands for; `--scale` overrides it. Outputs are always in people.", "", &P::scale},
  // --- tables ------------------------------------------------------------------------------
  ParamSpec{"tables.countries", ParamType::String, "path", "countries.csv", 0, 0, "Countries: `code,name,currency` (ISO 3166-1 alpha-2 codes; currency ISO 4217).", "", &P::countries_table},
  ParamSpec{"tables.regions", ParamType::String, "path", "regions.csv", 0, 0, "Regions: `name,label,country,role,working_age_population,attractiveness`, optionally `returned_population` (origins: of the working-age population, the people at home at the start who have been abroad before, status `returned`; default 0); role is `origin` or `destination`.", "", &P::regions_table},
  ParamSpec{"tables.routes", ParamType::String, "path", "routes.csv", 0, 0, "Reachable origin-destination pairs: `origin,destination,cost_usd,travel_days,barrier`.", "", &P::routes_table},
  ParamSpec{"tables.wages", ParamType::String, "path", "wages.csv", 0, 0, "Average monthly wage by region in local currency: `date,region,wage` (linear in time between dates).", "", &P::wages_table},
  ParamSpec{"tables.exchange_rates", ParamType::String, "path", "exchange_rates.csv", 0, 0, "Units of currency per USD: `date,currency,per_usd`.", "", &P::exchange_rates_table},
  ParamSpec{"tables.unemployment", ParamType::String, "path", "unemployment.csv", 0, 0, "Unemployment rate by country as a fraction: `date,country,rate`.", "", &P::unemployment_table},
  ParamSpec{"tables.initial_stock", ParamType::String, "path", "initial_stock.csv", 0, 0, "Migrants abroad at the start date: `origin,destination,migrants` (people).", "", &P::initial_stock_table},
  ParamSpec{"tables.sectors", ParamType::String, "path", "sectors.csv", 0, 0, "Sectors of migrant work: `name,share,wage_factor`; shares sum to 1.", "", &P::sectors_table},
  // --- population ----------------------------------------------------------------------------
  ParamSpec{"population.male_share", ParamType::Real, "fraction", "0.5", 0, 1, "Share of men among working-age residents.", "NSC Kyrgyzstan: near parity in working ages", &P::male_share},
  ParamSpec{"population.skill_share_low", ParamType::Real, "fraction", "0.35", 0, 1, "Share with at most basic education (skill level low).", kAssumption, &P::skill_share_low},
  ParamSpec{"population.skill_share_medium", ParamType::Real, "fraction", "0.45", 0, 1, "Share with secondary vocational education (skill level medium).", kAssumption, &P::skill_share_medium},
  ParamSpec{"population.skill_share_high", ParamType::Real, "fraction", "0.2", 0, 1, "Share with higher education (skill level high). The three shares must sum to 1.", kAssumption, &P::skill_share_high},
  ParamSpec{"population.initial_migrant_female_share", ParamType::Real, "fraction", "0.3", 0, 1, "Share of women among the migrants abroad at the start date.", "observed_statistics.md topic 6 (composition of Kyrgyz migrants)", &P::initial_migrant_female_share},
  ParamSpec{"population.initial_max_years_abroad", ParamType::Real, "years", "4", 0, 50, "Time already spent abroad by initial migrants is uniform on [0, this].", kAssumption, &P::initial_max_years_abroad},
  // --- demography ----------------------------------------------------------------------------
  ParamSpec{"demography.entry_age", ParamType::Integer, "years", "15", 0, 100, "Age at which people enter the working-age population (and the model).", "ILO working-age convention 15-64", &P::entry_age},
  ParamSpec{"demography.exit_age", ParamType::Integer, "years", "65", 1, 120, "Age at which people leave the working-age population (and the model).", "ILO working-age convention 15-64", &P::exit_age},
  ParamSpec{"demography.entry_rate", ParamType::Real, "1/year", "0.03", 0, 1, "People reaching the entry age each year, as a share of the origin's current working-age population.", "input_statistics.md topic 1c (youth cohorts); to be calibrated", &P::entry_rate},
  // --- departure -------------------------------------------------------------------------------
  ParamSpec{"behaviour.departure.base_rate", ParamType::Real, "1/year", "0.01", 0, 52, "Departure hazard of a reference person when migrating offers nothing over staying (inclusive value = home utility).", kAssumption, &P::departure_base_rate},
  ParamSpec{"behaviour.departure.gain_coefficient", ParamType::Real, "", "1", 0, 10, "Elasticity of the departure hazard to the gain from migrating: hazard = base_rate * exp(gain_coefficient * (IV - U_home)), IV the logit inclusive value over destinations.", kAssumption, &P::departure_gain_coefficient},
  ParamSpec{"behaviour.departure.max_rate", ParamType::Real, "1/year", "2", 0, 365, "Upper bound on the departure hazard.", kAssumption, &P::departure_max_rate},
  ParamSpec{"behaviour.departure.female_factor", ParamType::Real, "", "0.4", 0, 10, "Departure hazard multiplier for women.", "observed_statistics.md topic 6: most Kyrgyz migrants are men", &P::departure_female_factor},
  ParamSpec{"behaviour.departure.age_factor_15_24", ParamType::Real, "", "1", 0, 10, "Departure hazard multiplier for ages 15-24.", kAssumption, &P::departure_age_factor_15_24},
  ParamSpec{"behaviour.departure.age_factor_25_34", ParamType::Real, "", "1.2", 0, 10, "Departure hazard multiplier for ages 25-34.", kAssumption, &P::departure_age_factor_25_34},
  ParamSpec{"behaviour.departure.age_factor_35_44", ParamType::Real, "", "0.9", 0, 10, "Departure hazard multiplier for ages 35-44.", kAssumption, &P::departure_age_factor_35_44},
  ParamSpec{"behaviour.departure.age_factor_45_54", ParamType::Real, "", "0.5", 0, 10, "Departure hazard multiplier for ages 45-54.", kAssumption, &P::departure_age_factor_45_54},
  ParamSpec{"behaviour.departure.age_factor_55_64", ParamType::Real, "", "0.2", 0, 10, "Departure hazard multiplier for ages 55 and over.", kAssumption, &P::departure_age_factor_55_64},
  // --- destination choice ------------------------------------------------------------------------
  ParamSpec{"behaviour.destination.income_coefficient", ParamType::Real, "per log USD", "1", 0, 20, "Logit weight of log expected monthly net income in USD (wage x job chance - living costs).", kAssumption, &P::income_coefficient},
  ParamSpec{"behaviour.destination.network_coefficient", ParamType::Real, "", "0.5", 0, 20, "Logit weight of log(1 + network_scale * diaspora share): migrants from the same origin already at the destination, as a share of the origin's population, at the previous step.", kAssumption, &P::network_coefficient},
  ParamSpec{"behaviour.destination.network_scale", ParamType::Real, "", "100", 0, 1e6, "Scale of the diaspora share inside the network term.", kAssumption, &P::network_scale},
  ParamSpec{"behaviour.destination.cost_coefficient", ParamType::Real, "per 1000 USD", "1", 0, 100, "Logit weight (negative) of the one-way travel cost, per 1000 USD.", kAssumption, &P::cost_coefficient},
  ParamSpec{"behaviour.destination.barrier_coefficient", ParamType::Real, "", "1", 0, 100, "Logit weight (negative) of a route's access barrier (visa regime, language).", kAssumption, &P::barrier_coefficient},
  // --- work and wages ----------------------------------------------------------------------------
  ParamSpec{"behaviour.work.migrant_wage_ratio", ParamType::Real, "fraction", "0.7", 0, 5, "Migrant wage as a share of the destination's average wage.", "input_statistics.md 2d: Kyrgyz migrants earned 29,300 RUB/month in 2017 (HSE) vs a Russian average near 39,000", &P::migrant_wage_ratio},
  ParamSpec{"behaviour.work.skill_wage_factor_low", ParamType::Real, "", "0.8", 0, 10, "Wage multiplier for low skill (abroad and at home).", kAssumption, &P::skill_wage_factor_low},
  ParamSpec{"behaviour.work.skill_wage_factor_medium", ParamType::Real, "", "1", 0, 10, "Wage multiplier for medium skill.", kAssumption, &P::skill_wage_factor_medium},
  ParamSpec{"behaviour.work.skill_wage_factor_high", ParamType::Real, "", "1.3", 0, 10, "Wage multiplier for high skill.", kAssumption, &P::skill_wage_factor_high},
  ParamSpec{"behaviour.work.living_cost_share", ParamType::Real, "fraction", "0.35", 0, 5, "A migrant's living costs abroad as a share of the destination's average wage, paid employed or not.", "input_statistics.md 5d (living costs in Moscow); to be calibrated", &P::living_cost_share},
  ParamSpec{"behaviour.work.job_finding_rate", ParamType::Real, "1/year", "12", 0, 365, "Job-finding hazard of an unemployed migrant, scaled by (1 - unemployment rate) of the destination country.", kAssumption, &P::job_finding_rate},
  ParamSpec{"behaviour.work.job_loss_rate", ParamType::Real, "1/year", "0.5", 0, 365, "Job-loss hazard of an employed migrant.", kAssumption, &P::job_loss_rate},
  ParamSpec{"behaviour.work.irregular_wage_factor", ParamType::Real, "", "0.93", 0, 10, "Wage multiplier for irregular migrants.", "input_statistics.md 2d: Kyrgyz migrants in Russia earned 27,200 RUB/month irregular vs 29,300 legal (HSE 2017)", &P::irregular_wage_factor},
  // --- remittances -------------------------------------------------------------------------------
  ParamSpec{"behaviour.remittances.share", ParamType::Real, "fraction", "0.6", 0, 1, "Share of positive net income (wage - living costs) sent home each step; the rest is saved.", "observed_statistics.md topic 6 (transfer sizes); to be calibrated", &P::remittance_share},
  ParamSpec{"behaviour.remittances.catch_up_weeks", ParamType::Real, "weeks", "4", 0, 520,
            "Mean time in which remittances held back by a transfer_disruption are sent once it ends: each week a share 1 - exp(-1 / catch_up_weeks) of what is held (0: all in the first step).",
            "F: fitted with transfer_disruption.held_share to the monthly remittances of April-June 2020 (NBKR: 76.3, 165.3, 277.9 million USD)", &P::remittance_catch_up_weeks},
  ParamSpec{"behaviour.remittances.closure_savings_share", ParamType::Real, "fraction", "1", 0, 1,
            "A migrant who decides to go home while the border is closed and postpones the return sends home this share of its savings beyond what it needs to wait (behaviour.return.closure_hold_out_weeks of living costs): the cash it would have carried home goes by recorded transfer instead (0: kept).",
            "A: all of it (what a returning migrant carries); formal remittances rose where informal channels, cash carried across the border, were cut by COVID-19 travel restrictions (Dinarte, Jaume, Medina-Cortina and Winkler, World Bank Policy Research Working Paper 10057, 2022)", &P::remittance_closure_savings_share},
  ParamSpec{"behaviour.remittances.family_support_share", ParamType::Real, "fraction", "0", 0, 1,
            "A migrant whose remittance this step falls short of what its family usually gets (what it would send in work at full pay: the average over sectors for its skill and legal status) sends the shortfall from its savings, up to this share of that usual amount, while the savings last (0: nothing drawn).",
            "F: fitted with transfer_disruption.held_share and catch_up_weeks to the remittances of March-May 2020 on the same months of 2019 (tools/fit_transfer_disruption.py); the 2020 rebound of Kyrgyz remittances was \"perhaps financed by previous savings, in an increased effort to support the larger needs of household members\" (Bossavie and Garrote-Sanchez, Safe and Productive Migration from the Kyrgyz Republic, World Bank 2022); no survey gives the share", &P::remittance_family_support_share},
  // --- return ------------------------------------------------------------------------------------
  ParamSpec{"behaviour.return.base_rate", ParamType::Real, "1/year", "0.5", 0, 365, "Return hazard of an employed migrant below the savings target in a non-winter month.", kAssumption, &P::return_base_rate},
  ParamSpec{"behaviour.return.savings_target_usd", ParamType::Real, "USD", "3000", 0, 1e7, "Savings at which a migrant considers the trip done.", kAssumption, &P::savings_target_usd},
  ParamSpec{"behaviour.return.target_factor", ParamType::Real, "", "4", 0, 1000, "Return hazard multiplier once the savings target is reached.", kAssumption, &P::return_target_factor},
  ParamSpec{"behaviour.return.unemployed_factor", ParamType::Real, "", "3", 0, 1000, "Return hazard multiplier while unemployed.", kAssumption, &P::return_unemployed_factor},
  ParamSpec{"behaviour.return.winter_factor", ParamType::Real, "", "1.5", 0, 1000, "Return hazard multiplier in December, January and February (seasonal work ends).", "DOMAIN.md: seasonal returns", &P::return_winter_factor},
  ParamSpec{"behaviour.return.fx_loss_coefficient", ParamType::Real, "", "1.5", 0, 100, "Return hazard multiplier exp(c * d), with d = (units per USD now) / (units per USD 365 days ago) - 1, floored at 0: the host currency's loss against the dollar over the past year.", "DOMAIN.md: returns after the 2014-2015 rouble collapse", &P::return_fx_loss_coefficient},
  ParamSpec{"behaviour.return.settlement_rate", ParamType::Real, "1/year", "0.15", 0, 10, "Return hazard multiplier exp(-settlement_rate * years abroad): long stays settle.", "DOMAIN.md: many settle and naturalise", &P::return_settlement_rate},
  ParamSpec{"behaviour.return.reopening_rate", ParamType::Real, "1/year", "5.2", 0, 365, "Hazard at which a stranded migrant goes home once the border is open again (5.2 a year is 10 % a week), times the return factors of return shocks in force (scarce flights, high fares): returns after a reopening spread over weeks.", "A: one Bishkek-Moscow flight a week and doubled fares after 21 Sep 2020 (observed_statistics.md 7a); to be calibrated", &P::reopening_return_rate},
  ParamSpec{"behaviour.return.closure_hold_out_weeks", ParamType::Real, "weeks", "0", 0, 520,
            "A migrant who decides to go home while the border is closed postpones the return (keeps working or looking for work, and decides again each step) if employed or if savings cover this many weeks of living costs; only the others are stranded and queue for evacuation. At 0, the unemployed in debt.",
            "F: of 0, 4 and 12 weeks, 0 comes closest to the 5,000-7,000 waiting for flights in Russia in May-July 2020 (MFA, embassy; model 10,600-16,800); 'almost no one is thinking of leaving' (Denisenko and Mukomel, econs.online 2020)", &P::closure_hold_out_weeks},
  // --- re-migration --------------------------------------------------------------------------------
  ParamSpec{"behaviour.remigration.cooldown_days", ParamType::Real, "days", "90", 0, 36500, "Days after a return during which a returnee does not leave again.", kAssumption, &P::remigration_cooldown_days},
  ParamSpec{"behaviour.remigration.experience_factor", ParamType::Real, "", "2", 0, 100, "Departure hazard multiplier for returnees after the cooldown (experience, contacts).", "DOMAIN.md: many migrate circularly", &P::remigration_experience_factor},
  // --- legal status --------------------------------------------------------------------------------
  ParamSpec{"permits.fee_sensitivity", ParamType::Real, "", "2", 0, 1000, "A migrant who needs a permit takes a patent with probability exp(-fee_sensitivity * monthly fee / monthly migrant wage), the migrant wage being the destination's average wage times behaviour.work.migrant_wage_ratio, both in the destination's currency; otherwise works irregularly.", kAssumption, &P::permit_fee_sensitivity},
  ParamSpec{"permits.validity_months", ParamType::Real, "months", "12", 0.25, 1200, "Validity of a quota work permit; on expiry the holder applies again under the quota in force.", "Russian work permits under quota were issued for up to one year (SEED003)", &P::permit_validity_months},
  ParamSpec{"permits.lapse_rate", ParamType::Real, "1/year", "0.2", 0, 365, "Hazard with which a permit holder stops paying or loses the permit for other reasons and becomes irregular (a holder without a job and without savings to pay the fee lapses at once).", kAssumption, &P::permit_lapse_rate},
  ParamSpec{"permits.registration_mean_days", ParamType::Real, "days", "7", 0.01, 3650, "Mean time an arriving EAEU worker takes to register; the chance of meeting a deadline of D days is 1 - exp(-D / this).", "SEED003: the 3-day registration rule left many migrants irregular; to be calibrated", &P::registration_mean_days},
  ParamSpec{"permits.regularisation_rate", ParamType::Real, "1/year", "0.5", 0, 365, "Hazard with which an irregular migrant tries to regularise (registers, or applies for a permit under the fee and quota in force).", kAssumption, &P::regularisation_rate},
  ParamSpec{"enforcement.base_detection_rate", ParamType::Real, "1/year", "0.02", 0, 365, "Detection hazard of an irregular migrant where no `enforcement` event is in force.", kAssumption, &P::base_detection_rate},
  ParamSpec{"enforcement.detention_days", ParamType::Real, "days", "14", 0, 3650, "Time in detention between detection and deportation.", kAssumption, &P::detention_days},
};

// Calibration ranges and priors of the behavioural parameters worth fitting (issue: calibration). The ranges are
// plausible values, narrower than the schema's bounds (checked by the tests) and containing the defaults;
// LogUniform where the value is a rate or scale known only to an order of magnitude; Normal where a source gives
// a central value (its source is in the schema above).
constexpr auto U = PriorKind::Uniform;
constexpr auto LU = PriorKind::LogUniform;
constexpr auto N = PriorKind::Normal;
const std::array kCalibration = {
  FitSpec{"behaviour.departure.base_rate", 0.002, 0.05, true, LU, 0, 0, "order of magnitude: 0.2-5 % of the reference population a year"},
  FitSpec{"behaviour.departure.gain_coefficient", 0.2, 3, false, U, 0, 0, "elasticity of departures to the gain from migrating"},
  FitSpec{"behaviour.destination.income_coefficient", 0.2, 4, false, U, 0, 0, "logit weight of log income"},
  FitSpec{"behaviour.destination.network_coefficient", 0, 2, false, U, 0, 0, "logit weight of the diaspora term"},
  FitSpec{"behaviour.destination.cost_coefficient", 0.1, 5, true, LU, 0, 0, "logit weight of travel cost per 1000 USD"},
  FitSpec{"behaviour.destination.barrier_coefficient", 0.2, 5, true, LU, 0, 0, "logit weight of route barriers"},
  FitSpec{"behaviour.work.migrant_wage_ratio", 0.5, 0.9, false, N, 0.7, 0.1, "HSE 2017 survey: about 0.75 of the Russian average wage"},
  FitSpec{"behaviour.work.living_cost_share", 0.15, 0.6, false, N, 0.35, 0.1, "living costs in Moscow (input_statistics.md 5d)"},
  FitSpec{"behaviour.work.job_loss_rate", 0.1, 2, true, LU, 0, 0, "mean job spell of 6 months to 10 years"},
  FitSpec{"behaviour.remittances.share", 0.3, 0.9, false, N, 0.6, 0.15, "transfer sizes (observed_statistics.md topic 6)"},
  FitSpec{"behaviour.return.base_rate", 0.1, 2, true, LU, 0, 0, "mean stay of 6 months to 10 years"},
  FitSpec{"behaviour.return.savings_target_usd", 1000, 10000, true, LU, 0, 0, "one to a few years of remittances"},
  FitSpec{"behaviour.return.target_factor", 1, 10, true, LU, 0, 0, "return multiplier once the target is reached"},
  FitSpec{"behaviour.return.fx_loss_coefficient", 0, 5, false, U, 0, 0, "returns after the 2014-2015 rouble collapse"},
  FitSpec{"behaviour.return.settlement_rate", 0, 0.5, false, U, 0, 0, "settling over years abroad"},
  FitSpec{"behaviour.remigration.experience_factor", 1, 5, false, U, 0, 0, "circular migration"},
  FitSpec{"permits.fee_sensitivity", 0.5, 8, true, LU, 0, 0, "patent take-up against the fee"},
  FitSpec{"permits.lapse_rate", 0.05, 1, true, LU, 0, 0, "permits lapsing within 1 to 20 years"},
  FitSpec{"permits.registration_mean_days", 1, 60, true, LU, 0, 0, "days to register after arrival"},
  FitSpec{"permits.regularisation_rate", 0.1, 2, true, LU, 0, 0, "irregular migrants regularising"},
  FitSpec{"enforcement.base_detection_rate", 0.005, 0.1, true, LU, 0, 0, "detection of irregular migrants without an enforcement event"},
};
// clang-format on

std::string trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::string range_text(const ParamSpec& spec) {
  std::ostringstream out;
  // A seed spans all of uint64; its top bound as a double would print as 1.8e19, which reads as a rounding.
  const bool whole_uint64 = spec.type == ParamType::Integer && spec.max >= 18446744073709551615.0;
  out << "[" << number_text(spec.min) << ", "
      << (spec.max == kInf ? "inf"
          : whole_uint64   ? "18446744073709551615"
                           : number_text(spec.max))
      << "]";
  return out.str();
}

}  // namespace

std::span<const ParamSpec> parameter_schema() { return kSchema; }

std::span<const FitSpec> calibration_schema() { return kCalibration; }

const FitSpec* find_fit(std::string_view key) {
  for (const auto& fit : kCalibration)
    if (fit.key == key) return &fit;
  return nullptr;
}

std::string_view prior_name(PriorKind kind) {
  switch (kind) {
    case PriorKind::Uniform:
      return "uniform";
    case PriorKind::LogUniform:
      return "loguniform";
    case PriorKind::Normal:
      return "normal";
    case PriorKind::LogNormal:
      return "lognormal";
  }
  return "";
}

const ParamSpec* find_parameter(std::string_view key) {
  for (const auto& spec : kSchema)
    if (spec.key == key) return &spec;
  return nullptr;
}

Parameters default_parameters() {
  Parameters params;
  for (const auto& spec : kSchema) {
    if (spec.default_text.empty()) continue;
    std::string text(spec.default_text);
    if (text == "\"\"") text.clear();
    assign_parameter(params, spec, text);
  }
  return params;
}

std::string format_parameter(const Parameters& params, const ParamSpec& spec) {
  return std::visit(
      [&](auto member) -> std::string {
        const auto& value = params.*member;
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, double>)
          return number_text(value);
        else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>)
          return std::to_string(value);
        else if constexpr (std::is_same_v<T, Date>)
          return value.iso();
        else if constexpr (std::is_same_v<T, StepUnit>)
          return std::string(to_string(value));
        else
          return value;
      },
      spec.field);
}

std::string assign_parameter(Parameters& params, const ParamSpec& spec, std::string_view raw) {
  const std::string text = trimmed(raw);
  auto found = [&] { return "found '" + text + "'"; };
  return std::visit(
      [&](auto member) -> std::string {
        auto& target = params.*member;
        using T = std::decay_t<decltype(target)>;
        if constexpr (std::is_same_v<T, double>) {
          double value = 0;
          auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
          if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
            return "expected a number, " + found();
          if (value < spec.min || value > spec.max) return "expected a number in " + range_text(spec) + ", " + found();
          target = value;
        } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>) {
          T value = 0;
          auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
          if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
            return "expected a whole number in " + range_text(spec) + ", " + found();
          if (static_cast<double>(value) < spec.min || static_cast<double>(value) > spec.max)
            return "expected a whole number in " + range_text(spec) + ", " + found();
          target = value;
        } else if constexpr (std::is_same_v<T, Date>) {
          Date value;
          if (!Date::parse(text, value)) return "expected a date YYYY-MM-DD, " + found();
          target = value;
        } else if constexpr (std::is_same_v<T, StepUnit>) {
          bool ok = false;
          auto value = parse_step_unit(text, ok);
          if (!ok) return "expected one of " + std::string(spec.choices) + ", " + found();
          target = value;
        } else {
          target = text;
        }
        return {};
      },
      spec.field);
}

std::string parameter_reference_markdown() {
  std::ostringstream out;
  out << "| key | type | unit | default | range | description | source |\n";
  out << "|---|---|---|---|---|---|---|\n";
  auto type_name = [](ParamType t) {
    switch (t) {
      case ParamType::Real:
        return "real";
      case ParamType::Integer:
        return "integer";
      case ParamType::Date:
        return "date";
      case ParamType::String:
        return "string";
      case ParamType::Choice:
        return "choice";
    }
    return "";
  };
  for (const auto& spec : kSchema) {
    std::string range;
    if (spec.type == ParamType::Real || spec.type == ParamType::Integer) range = range_text(spec);
    if (spec.type == ParamType::Choice) {
      for (char c : spec.choices) range += (c == '|') ? std::string(" \\| ") : std::string(1, c);
    }
    std::string def = spec.default_text.empty() ? "*required*" : "`" + std::string(spec.default_text) + "`";
    out << "| `" << spec.key << "` | " << type_name(spec.type) << " | " << spec.unit << " | " << def << " | " << range
        << " | " << spec.description << " | " << spec.source << " |\n";
  }
  out << "\n### Calibration ranges and priors\n\n"
      << "The behavioural parameters that `migsim.calibrate` and `migsim.sensitivity` explore when given only key "
         "paths (see [validation.md](validation.md)): the range searched (inside the range above), whether it is "
         "searched on a log scale, and the prior (truncated to the range).\n\n";
  out << "| key | fit range | scale | prior | rationale |\n";
  out << "|---|---|---|---|---|\n";
  for (const auto& fit : kCalibration) {
    std::string prior(prior_name(fit.prior));
    if (fit.prior == PriorKind::Normal || fit.prior == PriorKind::LogNormal)
      prior += "(" + number_text(fit.prior_a) + ", " + number_text(fit.prior_b) + ")";
    out << "| `" << fit.key << "` | [" << number_text(fit.fit_min) << ", " << number_text(fit.fit_max) << "] | "
        << (fit.log ? "log" : "linear") << " | " << prior << " | " << fit.rationale << " |\n";
  }
  return out.str();
}

}  // namespace migsim
