// Work (ODD submodel "work"): migrants lose jobs at the sector's job-loss hazard and find jobs
// at the destination's job-finding hazard, in a sector drawn from the demand shares; a job pays
// the destination's wage for the skill and sector (less for irregular workers). A sector ban
// (events/sector_ban.cpp) ends a job in a barred sector and closes the offers from it.
#pragma once

#include "rules/context.hpp"
#include "rules/draws.hpp"

namespace migsim::detail {

/// The sectors closed to the agent in its destination, as a bit mask (0 without sector bans).
MIGSIM_INLINE std::uint8_t barred_sectors(const Agent& a, std::size_t d, const StepContext& c) {
  if (!c.pt.any_sector_ban) [[likely]]
    return 0;
  return c.pt.barred_sectors[c.od(a, d) * kReportedStatuses + a.status];
}

/// Called back to the job of its last sector, after the ordinary job finding failed: `u` is at or above
/// `finding`, so (u - finding) / (2^32 - finding) is a fresh uniform draw and the chance of either is
/// 1 - (1 - finding)(1 - recall). Out of line: only in the step after a shock with recall_share ends. The
/// context by value, as for every cold rule: a reference would let the agent pass's copy escape.
MIGSIM_COLD inline void recall_to_last_job(Agent& a, std::size_t d, std::uint32_t u, std::uint32_t finding,
                                           std::uint8_t barred, StepContext c) {
  const unsigned sector = Traits::sector(a.traits);
  const std::uint64_t recall = c.t.recall[d * c.nS + sector];
  const std::uint64_t beyond = std::uint64_t{u - finding} << 32, left = (std::uint64_t{1} << 32) - finding;
  if (beyond < left * recall && !(barred >> sector & 1u)) a.traits = Traits::with_job(a.traits, sector);
}

/// Job loss, job finding or a recall this step.
MIGSIM_INLINE void work_step(Agent& a, const StepContext& c) {
  const StepTables& t = c.t;
  const std::size_t d = c.destination(a);
  const std::uint32_t u = a.u[draw::kJob];
  const std::uint8_t barred = barred_sectors(a, d, c);
  if (Traits::employed(a.traits)) {
    const unsigned sector = Traits::sector(a.traits);
    if (u < t.job_loss[d * c.nS + sector] || (barred >> sector & 1u)) a.traits = Traits::without_job(a.traits);
  } else if (u < t.job_finding[d]) {
    const unsigned sector = pick_threshold(&t.sector_cdf[d * c.nS], c.nS, a.u[draw::kSector]);
    if (!(barred >> sector & 1u)) a.traits = Traits::with_job(a.traits, sector);
  } else if (t.any_recall) [[unlikely]] {
    recall_to_last_job(a, d, u, t.job_finding[d], barred, c);
  }
}

/// This step's earnings less living costs, in USD (negative without a job).
MIGSIM_INLINE float net_income(const Agent& a, const StepContext& c) {
  const std::size_t d = c.destination(a);
  float net = -c.t.living_cost_usd[d];
  if (Traits::employed(a.traits)) {
    float earnings = c.t.earnings_usd[(d * kSkills + Traits::skill(a.traits)) * c.nS + Traits::sector(a.traits)];
    if (a.status == kIrregular) earnings *= c.pt.irregular_wage_factor;
    net += earnings;
  }
  return net;
}

}  // namespace migsim::detail
