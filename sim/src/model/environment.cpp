#include "model/environment.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

namespace migsim::detail {
namespace {

std::int32_t years_to_days(double years) { return static_cast<std::int32_t>(std::lround(years * kDaysPerYear)); }

}  // namespace

Environment::Environment(const Scenario& sc) : sc_(sc) {
  const auto& p = sc.params;
  skill_factor_[0] = p.skill_wage_factor_low;
  skill_factor_[1] = p.skill_wage_factor_medium;
  skill_factor_[2] = p.skill_wage_factor_high;
}

double Environment::per_usd(std::size_t location, Date date, const Policies& policies) const {
  const auto currency = sc_.currency_of_location(location);
  return sc_.per_usd[currency].at(date) * policies.currency_factor(currency, date);
}

double Environment::unemployment(std::size_t location, Date date) const {
  return sc_.unemployment[sc_.location(location).country].at(date);
}

Environment::Choice Environment::destination_choice(Date date, const NetworkState& network, const Policies& policies,
                                                    const Modifiers& m) const {
  const auto& p = sc_.params;
  const auto nO = sc_.n_origins(), nD = sc_.n_destinations(), nS = sc_.sectors.size();
  const double minus_inf = -std::numeric_limits<double>::infinity();

  // Expected monthly net income abroad (USD) by skill and destination, before permit fees.
  Eigen::ArrayXXd income_abroad(kSkills, nD);
  for (std::size_t d = 0; d < nD; ++d) {
    const std::size_t loc = nO + d;
    const double wage_usd = sc_.wages[loc].at(date) / per_usd(loc, date, policies);
    double sector_wage = 0, demand = 0;
    for (std::size_t k = 0; k < nS; ++k) {
      sector_wage += sc_.sectors[k].share * sc_.sectors[k].wage_factor * m.wage[d * nS + k];
      demand += sc_.sectors[k].share * m.demand[d * nS + k];
    }
    const double job_chance = std::clamp((1.0 - unemployment(loc, date)) * demand, 0.0, 1.0);
    for (unsigned s = 0; s < kSkills; ++s)
      income_abroad(s, d) =
          wage_usd * (p.migrant_wage_ratio * skill_factor_[s] * sector_wage * job_chance - p.living_cost_share);
  }
  Eigen::ArrayXXd utility(nO * kSkills, nD);
  Eigen::ArrayXd home_utility(nO * kSkills);
  for (std::size_t o = 0; o < nO; ++o) {
    const double home_unemployment = std::min(0.99, unemployment(o, date) * m.home_unemployment[o]);
    const double home_wage_usd =
        sc_.wages[o].at(date) * m.home_wage[o] / per_usd(o, date, policies) * (1.0 - home_unemployment);
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
        const double income = std::max(income_abroad(s, d) - m.fee_usd_month[o * nD + d], 1.0);
        utility(row, d) = p.income_coefficient * std::log(income) +
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

/// Departure: hazard from the logit's inclusive value over the home utility. A return shock's
/// departure factor rescales its destinations' shares and, through their sum, the hazard.
void Environment::departure_tables(Date date, std::int32_t step_days, const NetworkState& network,
                                   const Policies& policies, const Modifiers& m, StepTables& t) const {
  const auto& p = sc_.params;
  const auto nO = sc_.n_origins(), nD = sc_.n_destinations();
  const double days = step_days;
  const Choice choice = destination_choice(date, network, policies, m);
  const double age_factor[kAgeBands] = {p.departure_age_factor_15_24, p.departure_age_factor_25_34,
                                        p.departure_age_factor_35_44, p.departure_age_factor_45_54,
                                        p.departure_age_factor_55_64};
  t.departure.assign(nO * 2 * kSkills * kAgeBands * 2, 0);
  t.destination_cdf.assign(nO * kSkills * nD, 1.0f);
  std::vector<double> weights(nD);
  for (std::size_t o = 0; o < nO; ++o)
    for (unsigned s = 0; s < kSkills; ++s) {
      const auto row = o * kSkills + s;
      double total = 0;
      for (std::size_t d = 0; d < nD; ++d) {
        weights[d] = choice.probabilities[row * nD + d] * m.departure_factor[o * nD + d];
        total += weights[d];
      }
      double cumulative = 0;
      for (std::size_t d = 0; d < nD; ++d) {
        cumulative += total > 0 ? weights[d] / total : 0.0;
        t.destination_cdf[row * nD + d] = static_cast<float>(cumulative);
      }
      t.destination_cdf[row * nD + nD - 1] = 1.0f;  // rounding must never leave a gap
      const bool reachable = std::isfinite(choice.gain[row]) && total > 0;
      const double base =
          reachable ? p.departure_base_rate * std::exp(p.departure_gain_coefficient * choice.gain[row]) * total : 0;
      for (unsigned female = 0; female < 2; ++female)
        for (unsigned band = 0; band < kAgeBands; ++band)
          for (unsigned experienced = 0; experienced < 2; ++experienced) {
            double rate = base * age_factor[band] * (female ? p.departure_female_factor : 1.0) *
                          (experienced ? p.remigration_experience_factor * m.remigration[o] : 1.0);
            rate = std::min(rate, p.departure_max_rate);
            t.departure[(((o * 2 + female) * kSkills + s) * kAgeBands + band) * 2 + experienced] =
                to_threshold(step_probability(rate, days));
          }
    }
}

/// Work abroad: job finding and loss, sector shares, earnings and living costs per destination.
void Environment::work_tables(Date date, std::int32_t step_days, const Policies& policies, const Modifiers& m,
                              StepTables& t) const {
  const auto& p = sc_.params;
  const auto nO = sc_.n_origins(), nD = sc_.n_destinations(), nS = sc_.sectors.size();
  const double days = step_days;
  t.job_finding.resize(nD);
  t.job_loss.resize(nD * nS);
  t.sector_cdf.resize(nD * nS);
  t.recall.resize(nD * nS);
  std::transform(m.recall.begin(), m.recall.end(), t.recall.begin(), to_threshold);
  t.any_recall = std::any_of(m.recall.begin(), m.recall.end(), [](double s) { return s > 0; });
  t.living_cost_usd.resize(nD);
  t.hold_out_usd.resize(nD);
  t.transfers_held.assign(m.transfers_held.begin(), m.transfers_held.end());
  t.any_transfers_held = std::any_of(m.transfers_held.begin(), m.transfers_held.end(), [](double s) { return s > 0; });
  t.earnings_usd.resize(nD * kSkills * nS);
  t.family_support_usd.assign(nD * kSkills * 2, 0.0f);
  t.any_family_support = p.remittance_family_support_share > 0;
  for (std::size_t d = 0; d < nD; ++d) {
    const std::size_t loc = nO + d;
    const double wage_usd_step = sc_.wages[loc].at(date) / per_usd(loc, date, policies) * days / kDaysPerMonth;
    double demand = 0;
    for (std::size_t k = 0; k < nS; ++k) demand += sc_.sectors[k].share * m.demand[d * nS + k];
    t.job_finding[d] =
        to_threshold(step_probability(p.job_finding_rate * (1.0 - unemployment(loc, date)) * demand, days));
    double cumulative = 0;
    for (std::size_t k = 0; k < nS; ++k) {
      const double sector_demand = m.demand[d * nS + k];
      double loss = step_probability(p.job_loss_rate / std::max(sector_demand, 1e-6), days);
      if (const double layoff = m.layoff[d * nS + k]; layoff > 0)
        loss = 1.0 - (1.0 - loss) * std::pow(1.0 - layoff, days / 7.0);  // lost to either
      t.job_loss[d * nS + k] = to_threshold(loss);
      cumulative += demand > 0 ? sc_.sectors[k].share * sector_demand / demand : 0.0;
      t.sector_cdf[d * nS + k] = to_threshold(cumulative);
    }
    t.sector_cdf[d * nS + nS - 1] = std::numeric_limits<Threshold>::max();
    t.living_cost_usd[d] = static_cast<float>(p.living_cost_share * wage_usd_step);
    t.hold_out_usd[d] = static_cast<float>(p.living_cost_share * wage_usd_step * 7.0 / days * p.closure_hold_out_weeks);
    for (unsigned s = 0; s < kSkills; ++s)
      for (std::size_t k = 0; k < nS; ++k)
        t.earnings_usd[(d * kSkills + s) * nS + k] =
            static_cast<float>(wage_usd_step * p.migrant_wage_ratio * skill_factor_[s] * sc_.sectors[k].wage_factor *
                               m.wage[d * nS + k] * m.pay[d * nS + k]);
    if (t.any_family_support) family_support(d, wage_usd_step, m, t);
  }
}

/// What a migrant of each skill and legal status in destination d usually sends in a step: the share of
/// its net income in work at full pay (no unpaid leave or arrears), averaged over the sectors' shares.
void Environment::family_support(std::size_t d, double wage_usd_step, const Modifiers& m, StepTables& t) const {
  const auto& p = sc_.params;
  const auto nS = sc_.sectors.size();
  double sector_wage = 0, shares = 0;  // the sectors' wage factors, averaged over their shares
  for (std::size_t k = 0; k < nS; ++k) {
    sector_wage += sc_.sectors[k].share * sc_.sectors[k].wage_factor * m.wage[d * nS + k];
    shares += sc_.sectors[k].share;
  }
  sector_wage /= std::max(shares, 1e-12);
  for (unsigned s = 0; s < kSkills; ++s) {
    const double earnings = wage_usd_step * p.migrant_wage_ratio * skill_factor_[s] * sector_wage;
    for (unsigned irregular = 0; irregular < 2; ++irregular) {
      const double wage = irregular ? earnings * p.irregular_wage_factor : earnings;
      const double usual = p.remittance_share * std::max(wage - t.living_cost_usd[d], 0.0);
      t.family_support_usd[(d * kSkills + s) * 2 + irregular] =
          static_cast<float>(p.remittance_family_support_share * usual);
    }
  }
}

/// Return: base hazard with season and exchange-rate loss, then savings, job, settlement and
/// the shocks of the migrant's citizenship and region.
void Environment::return_tables(Date date, std::int32_t step_days, const Policies& policies, const Modifiers& m,
                                StepTables& t) const {
  const auto& p = sc_.params;
  const auto nO = sc_.n_origins(), nD = sc_.n_destinations();
  const double days = step_days;
  const unsigned month = date.month();
  const double season = (month == 12 || month <= 2) ? p.return_winter_factor : 1.0;
  t.return_.resize(nO * nD * 2 * 4 * kYearsAbroadBuckets);
  t.reopening_return.resize(nO * nD);
  for (std::size_t od = 0; od < nO * nD; ++od)
    t.reopening_return[od] = to_threshold(step_probability(p.reopening_return_rate * m.return_factor[od], days));
  for (std::size_t d = 0; d < nD; ++d) {
    const std::size_t loc = nO + d;
    const double depreciation =
        std::max(0.0, per_usd(loc, date, policies) / per_usd(loc, date.add_days(-365), policies) - 1.0);
    const double base = p.return_base_rate * season * std::exp(p.return_fx_loss_coefficient * depreciation);
    for (std::size_t o = 0; o < nO; ++o) {
      const std::size_t od = o * nD + d;
      for (unsigned irregular = 0; irregular < 2; ++irregular) {
        const double shocks =
            m.return_factor[od] * (irregular ? m.irregular_return_factor[od] : m.legal_return_factor[od]);
        for (unsigned target = 0; target < 2; ++target)
          for (unsigned unemployed = 0; unemployed < 2; ++unemployed)
            for (unsigned years = 0; years < kYearsAbroadBuckets; ++years) {
              const double rate = base * shocks * (target ? p.return_target_factor : 1.0) *
                                  (unemployed ? p.return_unemployed_factor : 1.0) *
                                  std::exp(-p.return_settlement_rate * years);
              t.return_[return_index(od, irregular, target, unemployed, years)] =
                  to_threshold(step_probability(rate, days));
            }
      }
    }
  }
}

void Environment::compute(Date date, std::int32_t day, std::int32_t step_days, const NetworkState& network,
                          const Policies& policies, const Modifiers& m, StepTables& t) const {
  const auto& p = sc_.params;
  t.today = day;
  t.exit_birth_day = day - years_to_days(static_cast<double>(p.exit_age));
  for (unsigned b = 0; b + 1 < kAgeBands; ++b)  // bands 15-24, 25-34, 35-44, 45-54, 55+
    t.band_birth_day[b] = day - years_to_days(25.0 + 10.0 * b);
  t.cooldown_day = day - static_cast<std::int32_t>(std::lround(p.remigration_cooldown_days));
  t.remittance_share = static_cast<float>(p.remittance_share);
  t.closure_savings_share = static_cast<float>(p.remittance_closure_savings_share);
  t.savings_target_usd = static_cast<float>(p.savings_target_usd);
  departure_tables(date, step_days, network, policies, m, t);
  work_tables(date, step_days, policies, m, t);
  return_tables(date, step_days, policies, m, t);
  const auto nO = sc_.n_origins(), nD = sc_.n_destinations();
  t.travel_cost_usd.resize(nO * nD);
  for (std::size_t o = 0; o < nO; ++o)
    for (std::size_t d = 0; d < nD; ++d) t.travel_cost_usd[o * nD + d] = static_cast<float>(sc_.route(o, d).cost_usd);
}

}  // namespace migsim::detail
