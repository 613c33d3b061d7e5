// Work (ODD submodel "work"): migrants lose jobs at the sector's job-loss hazard and find jobs
// at the destination's job-finding hazard, in a sector drawn from the demand shares; a job pays
// the destination's wage for the skill and sector (less for irregular workers). A sector ban
// (events/sector_ban.cpp) ends a job in a barred sector and closes the offers from it; a ban of part
// of a sector closes that part of the offers and ends that part of the jobs when it starts.
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

/// Index of the agent's case and a sector in the tables of partial sector bans.
MIGSIM_INLINE std::size_t partial_ban_index(const Agent& a, std::size_t d, unsigned sector, const StepContext& c) {
  return (c.od(a, d) * kReportedStatuses + a.status) * c.nS + sector;
}

/// Whether a ban of part of `sector` (`share` below 1) closes the offer the agent drew from it. The
/// offer's place within the sector's interval of the sector draw is itself a uniform draw: the offer
/// is closed if it falls in the closed part. Out of line, as every cold rule (context by value).
MIGSIM_COLD inline bool offer_closed_in_part(const Agent& a, std::size_t d, unsigned sector, StepContext c) {
  const Threshold closed = c.pt.closed_share[partial_ban_index(a, d, sector, c)];
  const Threshold* cdf = &c.t.sector_cdf[d * c.nS];
  const std::uint64_t low = sector == 0 ? 0 : cdf[sector - 1];
  const std::uint64_t high = sector + 1 == c.nS ? std::uint64_t{1} << 32 : cdf[sector];
  return a.u[draw::kSector] - low < part_of(high - low, closed);
}

/// Whether a ban of part of `sector` that starts this step ends the agent's job, after the ordinary
/// job loss failed (`u` at or above `loss`, so (u - loss) / (2^32 - loss) is a fresh uniform draw).
MIGSIM_COLD inline bool laid_off_in_part(const Agent& a, std::size_t d, unsigned sector, std::uint32_t u,
                                         std::uint32_t loss, StepContext c) {
  const Threshold layoff = c.pt.ban_layoff[partial_ban_index(a, d, sector, c)];
  return u - loss < part_of((std::uint64_t{1} << 32) - loss, layoff);
}

/// Called back to the job of its last sector, after the ordinary job finding failed: `u` is at or above
/// `finding`, so (u - finding) / (2^32 - finding) is a fresh uniform draw and the chance of either is
/// 1 - (1 - finding)(1 - recall). A job in the closed part of a partially barred sector is not given
/// back (the sector draw, unused without an offer, says whether it is). Out of line: only in the step
/// after a shock with recall_share ends. The context by value, as for every cold rule: a reference
/// would let the agent pass's copy escape.
MIGSIM_COLD inline void recall_to_last_job(Agent& a, std::size_t d, std::uint32_t u, std::uint32_t finding,
                                           std::uint8_t barred, StepContext c) {
  const unsigned sector = Traits::sector(a.traits);
  const std::uint64_t recall = c.t.recall[d * c.nS + sector];
  const std::uint64_t beyond = std::uint64_t{u - finding} << 32, left = (std::uint64_t{1} << 32) - finding;
  if (beyond >= left * recall || (barred >> sector & 1u)) return;
  if (c.pt.any_partial_sector_ban && a.u[draw::kSector] < c.pt.closed_share[partial_ban_index(a, d, sector, c)]) return;
  a.traits = Traits::with_job(a.traits, sector);
}

/// Job loss, job finding or a recall this step.
MIGSIM_INLINE void work_step(Agent& a, const StepContext& c) {
  const StepTables& t = c.t;
  const std::size_t d = c.destination(a);
  const std::uint32_t u = a.u[draw::kJob];
  const std::uint8_t barred = barred_sectors(a, d, c);
  if (Traits::employed(a.traits)) {
    const unsigned sector = Traits::sector(a.traits);
    const std::uint32_t loss = t.job_loss[d * c.nS + sector];
    if (u < loss || (barred >> sector & 1u) || (c.pt.any_ban_layoff && laid_off_in_part(a, d, sector, u, loss, c)))
      a.traits = Traits::without_job(a.traits);
  } else if (u < t.job_finding[d]) {
    const unsigned sector = pick_threshold(&t.sector_cdf[d * c.nS], c.nS, a.u[draw::kSector]);
    if (!(barred >> sector & 1u) && !(c.pt.any_partial_sector_ban && offer_closed_in_part(a, d, sector, c)))
      a.traits = Traits::with_job(a.traits, sector);
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
