// Displacement (ODD submodel "displacement"): a crisis moves part of an origin region's people at
// home to another region or abroad; the displaced go home when it ends.
#pragma once

#include "rules/context.hpp"
#include "rules/draws.hpp"
#include "rules/entry.hpp"

namespace migsim::detail {

/// A displaced person stays where they are until the crisis of their region ends.
MIGSIM_INLINE void displaced_step(Agent& a, const StepContext& c) {
  if (c.pt.displacement_active[a.origin]) return;
  a.status = c.agents.trips[a.slot] > 0 ? kReturned : kAtHome;
  a.location = a.origin;
}

/// Displaced this step: leaves the country (as a migrant to a destination drawn from `cdf`, if
/// the entry rules let them) or moves to the receiving region.
MIGSIM_COLD inline void displace(Agent& a, const float* cdf, StepContext c) {
  const PolicyTables& pt = c.pt;
  const std::size_t o = a.origin;
  const auto extra = c.rng.bits(Stream::AgentStep, a.id, c.step, draw::kDisplacementBlock);
  const auto entry = c.rng.bits(Stream::AgentStep, a.id, c.step, draw::kDisplacedEntryBlock);
  if (extra.v[draw::kLeaveCountry] < pt.displaced_abroad[o] &&
      try_depart(a, pick_float(cdf, c.nD, unit_float(extra.v[draw::kDisplacedDestination])), entry.v, c))
    return;
  if (pt.displaced_to[o] != o) {
    a.status = kDisplaced;
    a.location = pt.displaced_to[o];
  }
}

/// Whether a displacement of the agent's region takes the agent this step (then displaced).
MIGSIM_INLINE bool displaced_now(Agent& a, const float* cdf, const StepContext& c) {
  const Threshold p = c.pt.displacement[a.origin];
  if (!p || a.u[draw::kDisplacement] >= p) [[likely]]
    return false;
  displace(a, cdf, c);
  return true;
}

}  // namespace migsim::detail
