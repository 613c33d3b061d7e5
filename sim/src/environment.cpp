#include "environment.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

namespace migsim::detail {
namespace {

constexpr double kDaysPerYear = 365.25;
constexpr double kDaysPerMonth = kDaysPerYear / 12.0;

/// Per-step probability of an event with annual hazard `rate` over `days`.
double step_probability(double rate, double days) { return -std::expm1(-rate * days / kDaysPerYear); }

std::int32_t years_to_days(double years) { return static_cast<std::int32_t>(std::lround(years * kDaysPerYear)); }

}  // namespace

Threshold to_threshold(double p) {
  if (!(p > 0)) return 0;
  if (p >= 1) return std::numeric_limits<Threshold>::max();
  return static_cast<Threshold>(p * 4294967296.0);
}

Environment::Environment(const Scenario& sc) : sc_(sc) {
  const auto& p = sc.params;
  skill_factor_[0] = p.skill_wage_factor_low;
  skill_factor_[1] = p.skill_wage_factor_medium;
  skill_factor_[2] = p.skill_wage_factor_high;
  mean_sector_factor_ = 0;
  for (const auto& s : sc.sectors) mean_sector_factor_ += s.share * s.wage_factor;
}

double Environment::per_usd(std::size_t location, Date date) const {
  return sc_.per_usd[sc_.currency_of_location(location)].at(date);
}

double Environment::unemployment(std::size_t location, Date date) const {
  return sc_.unemployment[sc_.location(location).country].at(date);
}

Environment::Choice Environment::destination_choice(Date date, const NetworkState& network) const {
  const auto& p = sc_.params;
  const auto nO = sc_.n_origins(), nD = sc_.n_destinations();
  const double minus_inf = -std::numeric_limits<double>::infinity();

  // Expected monthly net income abroad (USD) by skill and destination.
  Eigen::ArrayXXd income_abroad(kSkills, nD);
  for (std::size_t d = 0; d < nD; ++d) {
    const std::size_t loc = nO + d;
    const double wage_usd = sc_.wages[loc].at(date) / per_usd(loc, date);
    const double job_chance = 1.0 - unemployment(loc, date);
    for (unsigned s = 0; s < kSkills; ++s) {
      double net =
          wage_usd * (p.migrant_wage_ratio * skill_factor_[s] * mean_sector_factor_ * job_chance - p.living_cost_share);
      income_abroad(s, d) = std::max(net, 1.0);
    }
  }
  Eigen::ArrayXXd utility(nO * kSkills, nD);
  Eigen::ArrayXd home_utility(nO * kSkills);
  for (std::size_t o = 0; o < nO; ++o) {
    const double home_wage_usd = sc_.wages[o].at(date) / per_usd(o, date) * (1.0 - unemployment(o, date));
    const double population = std::max(network.population[o], 1.0);
    for (unsigned s = 0; s < kSkills; ++s) {
      const auto row = o * kSkills + s;
      home_utility(row) = p.income_coefficient * std::log(std::max(home_wage_usd * skill_factor_[s], 1.0));
      for (std::size_t d = 0; d < nD; ++d) {
        const Route& route = sc_.route(o, d);
        if (!route.reachable) {
          utility(row, d) = minus_inf;
          continue;
        }
        const double share = network.abroad[o * nD + d] / population;
        utility(row, d) = p.income_coefficient * std::log(income_abroad(s, d)) +
                          p.network_coefficient * std::log1p(p.network_scale * share) -
                          p.cost_coefficient * route.cost_usd / 1000.0 - p.barrier_coefficient * route.barrier +
                          sc_.destinations[d].attractiveness;
      }
    }
  }
  // Softmax per row, stabilised by the row maximum; the log-sum is the inclusive value.
  Eigen::ArrayXd row_max = utility.rowwise().maxCoeff();
  Eigen::ArrayXXd weights = (utility.colwise() - row_max).exp();
  Eigen::ArrayXd sums = weights.rowwise().sum();
  Choice choice;
  choice.probabilities.resize(nO * kSkills * nD, 0.0);
  choice.gain.resize(nO * kSkills, minus_inf);
  for (Eigen::Index row = 0; row < utility.rows(); ++row) {
    if (!std::isfinite(row_max(row))) continue;  // no reachable destination
    choice.gain[row] = row_max(row) + std::log(sums(row)) - home_utility(row);
    for (std::size_t d = 0; d < nD; ++d) choice.probabilities[row * nD + d] = weights(row, d) / sums(row);
  }
  return choice;
}

void Environment::compute(Date date, std::int32_t day, std::int32_t step_days, const NetworkState& network,
                          StepTables& t) const {
  const auto& p = sc_.params;
  const auto nO = sc_.n_origins(), nD = sc_.n_destinations(), nS = sc_.sectors.size();
  const double days = step_days;

  t.today = day;
  t.exit_birth_day = day - years_to_days(static_cast<double>(p.exit_age));
  for (unsigned b = 0; b + 1 < kAgeBands; ++b)  // bands 15-24, 25-34, 35-44, 45-54, 55+
    t.band_birth_day[b] = day - years_to_days(25.0 + 10.0 * b);
  t.cooldown_day = day - static_cast<std::int32_t>(std::lround(p.remigration_cooldown_days));
  t.remittance_share = static_cast<float>(p.remittance_share);
  t.savings_target_usd = static_cast<float>(p.savings_target_usd);

  // Departure: hazard from the logit's inclusive value over the home utility.
  const Choice choice = destination_choice(date, network);
  const double age_factor[kAgeBands] = {p.departure_age_factor_15_24, p.departure_age_factor_25_34,
                                        p.departure_age_factor_35_44, p.departure_age_factor_45_54,
                                        p.departure_age_factor_55_64};
  t.departure.assign(nO * 2 * kSkills * kAgeBands * 2, 0);
  t.destination_cdf.assign(nO * kSkills * nD, 1.0f);
  for (std::size_t o = 0; o < nO; ++o)
    for (unsigned s = 0; s < kSkills; ++s) {
      const auto row = o * kSkills + s;
      double cumulative = 0;
      for (std::size_t d = 0; d < nD; ++d) {
        cumulative += choice.probabilities[row * nD + d];
        t.destination_cdf[row * nD + d] = static_cast<float>(cumulative);
      }
      t.destination_cdf[row * nD + nD - 1] = 1.0f;  // rounding must never leave a gap
      const bool reachable = std::isfinite(choice.gain[row]);
      const double base =
          reachable ? p.departure_base_rate * std::exp(p.departure_gain_coefficient * choice.gain[row]) : 0;
      for (unsigned female = 0; female < 2; ++female)
        for (unsigned band = 0; band < kAgeBands; ++band)
          for (unsigned experienced = 0; experienced < 2; ++experienced) {
            double rate = base * age_factor[band] * (female ? p.departure_female_factor : 1.0) *
                          (experienced ? p.remigration_experience_factor : 1.0);
            rate = std::min(rate, p.departure_max_rate);
            t.departure[(((o * 2 + female) * kSkills + s) * kAgeBands + band) * 2 + experienced] =
                to_threshold(step_probability(rate, days));
          }
    }

  // Work abroad.
  t.job_finding.resize(nD);
  t.job_loss.resize(nD);
  t.living_cost_usd.resize(nD);
  t.earnings_usd.resize(nD * kSkills * nS);
  for (std::size_t d = 0; d < nD; ++d) {
    const std::size_t loc = nO + d;
    const double wage_usd_step = sc_.wages[loc].at(date) / per_usd(loc, date) * days / kDaysPerMonth;
    t.job_finding[d] = to_threshold(step_probability(p.job_finding_rate * (1.0 - unemployment(loc, date)), days));
    t.job_loss[d] = to_threshold(step_probability(p.job_loss_rate, days));
    t.living_cost_usd[d] = static_cast<float>(p.living_cost_share * wage_usd_step);
    for (unsigned s = 0; s < kSkills; ++s)
      for (std::size_t k = 0; k < nS; ++k)
        t.earnings_usd[(d * kSkills + s) * nS + k] =
            static_cast<float>(wage_usd_step * p.migrant_wage_ratio * skill_factor_[s] * sc_.sectors[k].wage_factor);
  }
  t.sector_cdf.resize(nS);
  double cumulative = 0;
  for (std::size_t k = 0; k < nS; ++k) {
    cumulative += sc_.sectors[k].share;
    t.sector_cdf[k] = to_threshold(cumulative);
  }
  t.sector_cdf[nS - 1] = std::numeric_limits<Threshold>::max();

  // Return: base hazard with season and exchange-rate loss, then savings, job and settlement terms.
  const unsigned month = date.month();
  const double season = (month == 12 || month <= 2) ? p.return_winter_factor : 1.0;
  t.return_.resize(nD * 4 * kYearsAbroadBuckets);
  for (std::size_t d = 0; d < nD; ++d) {
    const std::size_t loc = nO + d;
    const double depreciation = std::max(0.0, per_usd(loc, date) / per_usd(loc, date.add_days(-365)) - 1.0);
    const double base = p.return_base_rate * season * std::exp(p.return_fx_loss_coefficient * depreciation);
    for (unsigned target = 0; target < 2; ++target)
      for (unsigned unemployed = 0; unemployed < 2; ++unemployed)
        for (unsigned years = 0; years < kYearsAbroadBuckets; ++years) {
          const double rate = base * (target ? p.return_target_factor : 1.0) *
                              (unemployed ? p.return_unemployed_factor : 1.0) *
                              std::exp(-p.return_settlement_rate * years);
          t.return_[((d * 2 + target) * 2 + unemployed) * kYearsAbroadBuckets + years] =
              to_threshold(step_probability(rate, days));
        }
  }
  t.travel_cost_usd.resize(nO * nD);
  for (std::size_t o = 0; o < nO; ++o)
    for (std::size_t d = 0; d < nD; ++d) t.travel_cost_usd[o * nD + d] = static_cast<float>(sc_.route(o, d).cost_usd);
}

}  // namespace migsim::detail
