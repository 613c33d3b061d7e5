// Stranding and evacuation (ODD submodel "closures"): the stranded keep paying living costs and
// queue for evacuation seats (decided by the evacuation market after the pass); once the border
// reopens they go home at the reopening hazard (scarce seats, fares), not all in one week, and
// the others keep queueing while the closure's evacuation lasts (evacuation_until).
#pragma once

#include "rules/context.hpp"
#include "rules/draws.hpp"
#include "rules/moves.hpp"

namespace migsim::detail {

/// True if the agent is stranded (their step ends here).
MIGSIM_INLINE bool stranded_step(Agent& a, const StepContext& c) {
  if (a.status != kStranded) return false;
  const std::size_t d = c.destination(a), od = c.od(a, d);
  if (!(c.pt.crossing[od] & kReturnsBlocked) && a.u[draw::kReturn] < c.t.reopening_return[od]) {
    go_home(a, c);
    return true;
  }
  if (c.pt.evacuation[od] >= 0)  // while the border is closed, or after it while the evacuation lasts
    a.tally.stranded.push_back(
        {c.agents.status_day[a.slot], c.priority(a.id), static_cast<std::uint32_t>(a.id), c.pt.evacuation[od]});
  c.agents.savings_usd[a.slot] -= c.t.living_cost_usd[d];
  return true;
}

}  // namespace migsim::detail
