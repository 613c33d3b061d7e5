// Enforcement and detention (ODD submodel "enforcement"): irregular migrants are detected and
// detained, a share convicted and held in prison first; the detained are deported when their
// detention ends, unless deportations across a closed border wait, and may be banned.
#pragma once

#include "rules/bans.hpp"
#include "rules/context.hpp"
#include "rules/draws.hpp"
#include "rules/moves.hpp"

namespace migsim::detail {

/// An irregular migrant detected this step (the first interval of the legal-status draw) is
/// detained or convicted and loses the job. True if detected.
MIGSIM_INLINE bool detected(Agent& a, const StepContext& c) {
  const std::size_t d = c.destination(a);
  const std::uint64_t detect = c.pt.detection[d], draw = a.u[draw::kLegalStatus];
  if (draw >= detect) return false;
  a.tally.counts[out::kDetentions][c.shape.location_origin(a.location, a.origin)] += 1;
  const bool convicted = draw < part_of(detect, c.pt.conviction[d]);
  a.status = convicted ? kConvicted : kDetained;
  c.agents.status_day[a.slot] = c.t.today + (convicted ? c.pt.conviction_days[d] : c.pt.detention_days);
  a.traits = Traits::without_job(a.traits);
  return true;
}

/// Prison and detention: a convict is moved to detention at the end of the term; a detainee is
/// deported at the end of detention (banned if the country bans deportees). True if the agent
/// was in custody (their step ends here).
MIGSIM_INLINE bool custody_step(Agent& a, const StepContext& c) {
  const PolicyTables& pt = c.pt;
  std::int32_t& status_day = c.agents.status_day[a.slot];
  if (a.status == kConvicted) {
    if (c.t.today >= status_day) {
      a.status = kDetained;
      status_day = c.t.today + pt.detention_days;
    }
    return true;
  }
  if (a.status != kDetained) return false;
  const std::size_t d = c.destination(a);
  if (c.t.today >= status_day && !(pt.crossing[c.od(a, d)] & kDeportationsBlocked)) {
    a.tally.counts[out::kDeportations][c.shape.location_origin(a.location, a.origin)] += 1;
    if (pt.ban_slots > 0 && pt.ban_slot_of_destination[d] >= 0)
      ban(a, pt.deportation_ban_days[a.origin * pt.ban_slots + static_cast<std::size_t>(pt.ban_slot_of_destination[d])],
          c);
    go_home(a, c);
  }
  return true;
}

}  // namespace migsim::detail
