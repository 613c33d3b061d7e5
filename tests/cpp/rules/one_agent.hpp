// A rule's world of one agent: hand-set step and policy tables for one origin and one
// destination, so that a rule can be run and checked on a single agent.
#pragma once

#include <limits>
#include <vector>

#include "rules/context.hpp"

namespace migsim_test {

using namespace migsim::detail;

struct OneAgent {
  static constexpr std::size_t nO = 1, nD = 1, nS = 3;
  StepTables t;
  PolicyTables pt;
  AgentStore agents;
  migsim::CounterRng rng{1};
  migsim::OutputShape shape{nO, nO + nD, 1};
  Tally tally;
  std::vector<std::size_t> destination_country{0};

  OneAgent() {
    agents.resize(1);
    tally.resize(shape);
    t.today = 1000;
    t.job_loss.assign(nD * nS, 0);
    t.job_finding.assign(nD, 0);
    // Sectors 0, 1, 2 take a third of the job offers each.
    t.sector_cdf = {to_threshold(1.0 / 3), to_threshold(2.0 / 3), std::numeric_limits<Threshold>::max()};
    t.earnings_usd.assign(nD * kSkills * nS, 300.0f);
    t.living_cost_usd.assign(nD, 100.0f);
    t.hold_out_usd.assign(nD, 400.0f);  // four weeks of living costs
    t.remittance_share = 0.5f;
    t.closure_savings_share = 1.0f;
    t.return_.assign(nO * nD * 4 * kYearsAbroadBuckets, 0);
    pt.route.assign(nO * nD, EntryRoute::Permit);
    pt.fee_usd.assign(nO * nD, 0.0f);
    pt.crossing.assign(nO * nD, 0);
    pt.detection.assign(nD, 0);
    pt.conviction.assign(nD, 0);
    pt.conviction_days.assign(nD, 0);
    pt.irregular_wage_factor = 0.5f;
    pt.ban_slot_of_destination.assign(nD, -1);
  }

  StepContext context() { return {t, pt, agents, rng, 0, nO, nD, nS, shape, destination_country.data()}; }

  /// The agent abroad in the one destination, with `status`, a job in `sector` if `employed`,
  /// and the step's four draws.
  Agent abroad(migsim::Status status, bool employed, unsigned sector, std::array<std::uint32_t, 4> u) {
    std::uint8_t traits = Traits::make(false, 1);
    if (employed) traits = Traits::with_job(traits, sector);
    agents.status[0] = static_cast<std::uint8_t>(status);
    agents.location[0] = nO;
    agents.moved_day[0] = 0;
    agents.savings_usd[0] = 0;
    agents.status_day[0] = kNever;
    return Agent{
        0,    0, 0, static_cast<std::uint8_t>(status), static_cast<std::uint8_t>(nO), traits, {u[0], u[1], u[2], u[3]},
        tally};
  }
};

inline constexpr std::uint32_t kLow = 0, kHigh = std::numeric_limits<std::uint32_t>::max();
/// A draw that picks sector k of the three equal sectors.
inline constexpr std::uint32_t sector_draw(unsigned k) { return static_cast<std::uint32_t>(k * 0x55555555u + 0x1000u); }

}  // namespace migsim_test
