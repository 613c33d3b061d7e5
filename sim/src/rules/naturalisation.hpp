// Naturalisation (ODD submodel "naturalisation"): legal residents who have been abroad long
// enough take the destination's citizenship and leave the migrant population.
#pragma once

#include "rules/context.hpp"
#include "rules/draws.hpp"

namespace migsim::detail {

/// Naturalises in the interval [natural_from, natural_from + hazard) of the legal-status draw
/// (after the permit-lapse interval for permit holders). True if the agent naturalised.
MIGSIM_INLINE bool naturalises(Agent& a, std::uint64_t natural_from, const StepContext& c) {
  if (a.status != kEaeuWorker && a.status != kPermitHolder && a.status != kResident) return false;
  const std::size_t d = c.destination(a), od = c.od(a, d);
  const std::uint64_t draw = a.u[draw::kLegalStatus];
  if (draw < natural_from || draw - natural_from >= c.pt.naturalise[od] ||
      c.t.today - c.agents.moved_day[a.slot] < c.pt.naturalise_min_days[od])
    return false;
  a.status = kNaturalised;
  a.traits = Traits::without_job(a.traits);  // no longer a migrant worker in the outputs
  a.tally.counts[out::kNaturalised][c.shape.location_origin(a.location, a.origin)] += 1;
  return true;
}

}  // namespace migsim::detail
