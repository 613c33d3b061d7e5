// Entry bans (ODD submodel "bans"): imposed on deportation or overstay (enforcement.hpp,
// return.hpp), lifted when they expire or by an amnesty, and counted while in force.
#pragma once

#include <algorithm>

#include "rules/context.hpp"
#include "rules/draws.hpp"

namespace migsim::detail {

/// Bans the agent from its current destination's country for `days` (if that country keeps ban
/// records); a longer ban already in force stays.
MIGSIM_INLINE void ban(Agent& a, std::int32_t days, const StepContext& c) {
  const int slot = c.pt.ban_slot_of_destination[c.destination(a)];
  if (days <= 0 || slot < 0) return;
  std::int32_t& until = c.agents.ban_until[a.slot * c.pt.ban_slots + static_cast<std::size_t>(slot)];
  until = std::max(until, c.t.today + days);
  a.traits |= Traits::kBanned;
}

/// Whether a ban of destination d's country is in force for the agent.
MIGSIM_INLINE bool banned_from(const Agent& a, std::size_t d, const StepContext& c) {
  const int slot = c.pt.ban_slot_of_destination[d];
  return slot >= 0 && Traits::banned(a.traits) &&
         c.agents.ban_until[a.slot * c.pt.ban_slots + static_cast<std::size_t>(slot)] > c.t.today;
}

/// For an agent with a ban record: lifts bans by amnesty, counts the bans still in force and
/// clears the banned flag when none is.
MIGSIM_COLD inline void lift_and_count_bans(Agent& a, StepContext c) {
  const PolicyTables& pt = c.pt;
  bool any = false;
  for (std::size_t slot = 0; slot < pt.ban_slots; ++slot) {
    std::int32_t& until = c.agents.ban_until[a.slot * pt.ban_slots + slot];
    if (pt.any_amnesty && until > c.t.today) {
      const Threshold share = pt.amnesty[a.origin * pt.ban_slots + slot];
      // A draw of its own: the step's four draws feed the rules that follow.
      if (share && c.rng.bits(Stream::Priority, a.id, c.step).v[draw::kAmnesty] < share) until = 0;
    }
    if (until > c.t.today) {
      any = true;
      a.tally.counts[out::kBans][c.shape.country_origin(pt.ban_country[slot], a.origin)] += 1;
    }
  }
  if (!any) a.traits = static_cast<std::uint8_t>(a.traits & ~Traits::kBanned);
}

}  // namespace migsim::detail
