// Moves between home and abroad, shared by the rules that send people away or home.
#pragma once

#include <algorithm>

#include "rules/context.hpp"

namespace migsim::detail {

/// Leaves home for destination d in `status`, starting abroad with `debt_usd` of travel debt.
MIGSIM_INLINE void leave_home(Agent& a, unsigned d, std::uint8_t status, std::int32_t status_day, float debt_usd,
                              const StepContext& c) {
  a.status = status;
  a.location = static_cast<std::uint8_t>(c.nO + d);
  a.traits = Traits::without_job(a.traits);
  c.agents.moved_day[a.slot] = c.t.today;
  c.agents.savings_usd[a.slot] = -debt_usd;
  c.agents.trips[a.slot] = static_cast<std::uint8_t>(std::min(c.agents.trips[a.slot] + 1, 255));
  c.agents.status_day[a.slot] = status_day;
  a.tally.counts[out::kDepartures][c.shape.origin_location(a.origin, c.nO + d)] += 1;
}

/// Comes home from abroad (a return, a deportation, the end of a stay).
MIGSIM_INLINE void go_home(Agent& a, const StepContext& c) {
  a.tally.counts[out::kReturns][c.shape.location_origin(a.location, a.origin)] += 1;
  a.status = kReturned;
  a.location = a.origin;
  a.traits = Traits::without_job(a.traits);
  c.agents.moved_day[a.slot] = c.t.today;
  c.agents.status_day[a.slot] = kNever;
}

/// Wants to go home but the border is closed: stranded from today, without work.
MIGSIM_INLINE void strand(Agent& a, const StepContext& c) {
  a.status = kStranded;
  c.agents.status_day[a.slot] = c.t.today;
  a.traits = Traits::without_job(a.traits);
}

}  // namespace migsim::detail
