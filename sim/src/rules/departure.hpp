// Departure and destination choice (ODD submodels "departure" and "destination choice"): people
// at home leave with the hazard of their type (origin, sex, skill, age band, experience), to a
// destination drawn from the logit's shares; returnees wait out a cooldown first.
#pragma once

#include "rules/context.hpp"
#include "rules/draws.hpp"
#include "rules/entry.hpp"

namespace migsim::detail {

inline std::size_t age_band(std::int32_t birth_day, const StepTables& t) {
  std::size_t band = kAgeBands - 1;
  while (band > 0 && birth_day > t.band_birth_day[band - 1]) --band;
  return band;
}

/// Whether the agent decides to leave this step (and then tries to: entry.hpp). `cdf` is the
/// destination choice of the agent's (origin, skill).
MIGSIM_INLINE bool decides_to_leave(Agent& a, const float* cdf, const StepContext& c) {
  const StepTables& t = c.t;
  const bool experienced = a.status == kReturned;
  if (experienced && c.agents.moved_day[a.slot] > t.cooldown_day) return false;
  const std::size_t type =
      (((a.origin * 2 + Traits::female(a.traits)) * kSkills + Traits::skill(a.traits)) * kAgeBands +
       age_band(c.agents.birth_day[a.slot], t)) *
          2 +
      experienced;
  if (a.u[draw::kDeparture] >= t.departure[type]) [[likely]]
    return false;
  const unsigned d = pick_float(cdf, c.nD, unit_float(a.u[draw::kDestination]));
  const auto entry = c.rng.bits(Stream::AgentStep, a.id, c.step, draw::kEntryBlock);
  try_depart(a, d, entry.v, c);
  return true;
}

}  // namespace migsim::detail
