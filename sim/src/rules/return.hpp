// Return (ODD submodel "return"): the hazard of going home by savings target, employment and
// whole years abroad; a return across a closed border is postponed by those who can wait (a job or
// savings), who send home the savings they do not need, and strands the others; an irregular
// migrant who leaves after a long enough overstay may be banned from coming back.
#pragma once

#include <limits>

#include "rules/bans.hpp"
#include "rules/context.hpp"
#include "rules/draws.hpp"
#include "rules/moves.hpp"
#include "rules/remittances.hpp"

namespace migsim::detail {

/// The longest overstay tier whose minimum the agent's irregular stay reached (nullptr if none).
MIGSIM_INLINE const OverstayTier* overstay_tier(const Agent& a, std::size_t d, const StepContext& c) {
  const PolicyTables& pt = c.pt;
  const std::size_t slot = static_cast<std::size_t>(pt.ban_slot_of_destination[d]);
  const OverstayTier* tiers = &pt.overstay[(a.origin * pt.ban_slots + slot) * kOverstayTiers];
  const OverstayTier* applies = nullptr;
  for (std::size_t k = 0; k < kOverstayTiers; ++k)
    if (tiers[k].ban_days > 0 && c.t.today - c.agents.status_day[a.slot] >= tiers[k].min_days) applies = &tiers[k];
  return applies;
}

MIGSIM_INLINE void return_step(Agent& a, const StepContext& c) {
  const StepTables& t = c.t;
  const PolicyTables& pt = c.pt;
  const std::size_t d = c.destination(a), od = c.od(a, d);
  // Whole years abroad (1461 days per 4 years) index the settlement term.
  const auto years = std::min<std::int32_t>((t.today - c.agents.moved_day[a.slot]) * 4 / 1461, kYearsAbroadBuckets - 1);
  const bool target = c.agents.savings_usd[a.slot] >= t.savings_target_usd;
  const bool unemployed = !Traits::employed(a.traits);
  const Threshold returning = t.return_[return_index(od, a.status == kIrregular, target, unemployed, years)];
  const std::uint32_t u = a.u[draw::kReturn];
  if (u >= returning) return;
  if (pt.crossing[od] & kReturnsBlocked) {
    // Most migrants wait for the border rather than queue for a seat home (7.16): only those with
    // neither work nor the savings to wait are stranded. Those who wait send home what they would
    // have carried (7.6).
    if (!Traits::employed(a.traits) && c.agents.savings_usd[a.slot] < t.hold_out_usd[d])
      strand(a, c);
    else
      send_savings_instead_of_carrying(a, d, c);
    return;
  }
  if (a.status == kIrregular && pt.ban_slots > 0 && pt.ban_slot_of_destination[d] >= 0) {
    const OverstayTier* applies = overstay_tier(a, d, c);
    // Whether the overstay is recorded: the part `share` of the return interval of the draw, so
    // no extra draw; a share of 1 bans everyone.
    if (applies && (applies->share == std::numeric_limits<Threshold>::max() || u < part_of(returning, applies->share)))
      ban(a, applies->ban_days, c);
  }
  go_home(a, c);
}

}  // namespace migsim::detail
