// Bilateral schemes (ODD submodel "schemes"): people at home apply for places (decided by the
// scheme market after the pass); scheme workers go home, or stay on irregularly, when the stay ends.
#pragma once

#include "rules/bans.hpp"
#include "rules/context.hpp"
#include "rules/draws.hpp"
#include "rules/moves.hpp"

namespace migsim::detail {

/// At home: applies to one of the schemes open to the agent's origin, unless the border is
/// closed or the agent is banned from the scheme's destination.
MIGSIM_INLINE void apply_to_scheme(Agent& a, const StepContext& c) {
  const PolicyTables& pt = c.pt;
  const std::size_t n_schemes = pt.schemes.size();
  const std::size_t o = a.origin;
  const std::uint32_t u = a.u[draw::kSchemeApplication];
  if (n_schemes == 0 || u >= pt.scheme_apply[o * n_schemes + n_schemes - 1]) return;
  std::size_t k = 0;
  while (u >= pt.scheme_apply[o * n_schemes + k]) ++k;
  const std::size_t d = pt.schemes[k].destination, od = c.od(a, d);
  if ((pt.crossing[od] & kDeparturesBlocked) || banned_from(a, d, c))
    a.tally.counts[out::kBlocked][c.shape.origin_location(o, c.nO + d)] += 1;
  else
    a.tally.scheme_applicants.push_back(
        {c.priority(a.id), static_cast<std::uint32_t>(a.id), static_cast<std::uint16_t>(k)});
}

/// Abroad, a scheme worker whose stay ended: stays on irregularly (a share), or goes home, or is
/// stranded if the border is closed. True if the agent's step ends here.
MIGSIM_INLINE bool scheme_stay_ends(Agent& a, const StepContext& c) {
  std::int32_t& status_day = c.agents.status_day[a.slot];
  if (c.t.today < status_day) return false;
  const std::size_t d = c.destination(a);
  if (a.u[draw::kLegalStatus] < c.pt.scheme_overstay[d]) {
    a.status = kIrregular, status_day = c.t.today;
    return false;
  }
  if (c.pt.crossing[c.od(a, d)] & kReturnsBlocked)
    strand(a, c);
  else
    go_home(a, c);
  return true;
}

}  // namespace migsim::detail
