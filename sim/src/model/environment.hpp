// Per-step tables shared by all agents: computed once per step from the scenario's dated
// inputs and the previous step's aggregates, then read (never written) by the agent pass.
#pragma once

#include <cstdint>
#include <vector>

#include "events/policies.hpp"
#include "migsim/calendar.hpp"
#include "migsim/scenario.hpp"

namespace migsim::detail {

inline constexpr unsigned kSkills = 3;
inline constexpr unsigned kAgeBands = 5;
inline constexpr unsigned kYearsAbroadBuckets = 41;  ///< 0..40 whole years abroad

/// The entry of StepTables::return_ for a migrant in origin-destination `od`: irregular or not
/// (return shocks may cover one or the other), savings target reached, unemployed, whole years abroad.
constexpr std::size_t return_index(std::size_t od, bool irregular, bool target_reached, bool unemployed,
                                   std::size_t years) {
  return (((od * 2 + irregular) * 2 + target_reached) * 2 + unemployed) * kYearsAbroadBuckets + years;
}

// A probability is a 32-bit Threshold (policy.hpp): an event happens when a uniform 32-bit
// draw is below it.

struct StepTables {
  std::int32_t today = 0;                           ///< step start, days since calendar start
  std::int32_t exit_birth_day = 0;                  ///< born on or before this day -> past working age
  std::int32_t band_birth_day[kAgeBands - 1] = {};  ///< born after band_birth_day[b] -> band <= b
  std::int32_t cooldown_day = 0;                    ///< returned after this day -> still in cooldown

  /// [((origin * 2 + female) * kSkills + skill) * kAgeBands + band) * 2 + experienced]
  std::vector<Threshold> departure;
  /// Cumulative destination choice probabilities: [(origin * kSkills + skill) * n_destinations + d]
  std::vector<float> destination_cdf;
  std::vector<Threshold> job_finding;  ///< [destination]
  std::vector<Threshold> job_loss;     ///< [destination * n_sectors + sector]
  std::vector<Threshold> sector_cdf;   ///< cumulative sector shares
  /// [destination * n_sectors + sector]: chance that one out of work, last employed in the sector, is called
  /// back this step (a labour_demand_shock's recall_share, in the step after it ends); any_recall if one is > 0
  std::vector<Threshold> recall;
  bool any_recall = false;
  /// Net income this step (USD) when employed: [(d * kSkills + skill) * n_sectors + sector]
  std::vector<float> earnings_usd;
  std::vector<float> living_cost_usd;  ///< [destination], this step
  /// What a family usually gets in a step, times behaviour.remittances.family_support_share: the most a
  /// migrant sends from savings to make up a shortfall, [(destination * kSkills + skill) * 2 + irregular]
  std::vector<float> family_support_usd;
  bool any_family_support = false;
  /// [destination]: savings with which an unemployed migrant waits out a closure instead of being stranded
  std::vector<float> hold_out_usd;
  /// [destination]: share of remittances held back (transfer_disruption); any_transfers_held if one is > 0
  std::vector<float> transfers_held;
  bool any_transfers_held = false;
  std::vector<Threshold> return_;           ///< [return_index(...)]
  std::vector<Threshold> reopening_return;  ///< [origin * n_destinations + d], the stranded once open
  std::vector<float> travel_cost_usd;       ///< [origin * n_destinations + d]
  float remittance_share = 0;
  /// Share of the savings beyond hold_out_usd that a migrant kept from going home sends instead
  float closure_savings_share = 0;
  float savings_target_usd = 0;
};

/// Inputs of the destination logit that come from the simulation state.
struct NetworkState {
  std::vector<double> abroad;      ///< agents from origin o at destination d: [o * nD + d]
  std::vector<double> population;  ///< live agents per origin
};

class Environment {
 public:
  explicit Environment(const Scenario& scenario);
  /// Fills `tables` for the step starting `day` (days since start) lasting `step_days`.
  void compute(Date date, std::int32_t day, std::int32_t step_days, const NetworkState& network,
               const Policies& policies, const Modifiers& modifiers, StepTables& tables) const;

  /// Utilities of the destination logit for (origin, skill) rows; exposed for tests.
  struct Choice {
    std::vector<double> probabilities;  ///< [(o * kSkills + s) * nD + d]
    std::vector<double> gain;           ///< inclusive value minus home utility, [(o * kSkills + s)]
  };
  Choice destination_choice(Date date, const NetworkState& network, const Policies& policies,
                            const Modifiers& modifiers) const;

 private:
  void departure_tables(Date date, std::int32_t step_days, const NetworkState& network, const Policies& policies,
                        const Modifiers& m, StepTables& t) const;
  void work_tables(Date date, std::int32_t step_days, const Policies& policies, const Modifiers& m,
                   StepTables& t) const;
  void family_support(std::size_t d, double wage_usd_step, const Modifiers& m, StepTables& t) const;
  void return_tables(Date date, std::int32_t step_days, const Policies& policies, const Modifiers& m,
                     StepTables& t) const;
  double per_usd(std::size_t location, Date date, const Policies& policies) const;
  double unemployment(std::size_t location, Date date) const;
  const Scenario& sc_;
  double skill_factor_[kSkills];
};

}  // namespace migsim::detail
