// Entry and legal status on arrival (ODD submodel "entry"): a closed border or a ban blocks the
// departure; otherwise the route decides: free entry, EAEU registration, or a patent, a quota
// application or irregular work.
#pragma once

#include "rules/bans.hpp"
#include "rules/context.hpp"
#include "rules/draws.hpp"
#include "rules/moves.hpp"

namespace migsim::detail {

/// Tries to go to destination d with the entry draws `v`; false if the agent stays at home.
/// A quota applicant stays at home until the quota market decides (engine/markets).
MIGSIM_COLD inline bool try_depart(Agent& a, unsigned d, const std::uint32_t* v, StepContext c) {
  const PolicyTables& pt = c.pt;
  const std::size_t od = c.od(a, d);
  if ((pt.crossing[od] & kDeparturesBlocked) || banned_from(a, d, c)) {
    a.tally.counts[out::kBlocked][c.shape.origin_location(a.origin, c.nO + d)] += 1;
    return false;
  }
  const float travel = c.t.travel_cost_usd[od];
  switch (pt.route[od]) {
    case EntryRoute::Free:
      leave_home(a, d, kResident, kNever, travel, c);
      return true;
    case EntryRoute::Eaeu:
      if (v[draw::kEntry] < pt.registration[od])
        leave_home(a, d, kEaeuWorker, kNever, travel, c);
      else
        leave_home(a, d, kIrregular, c.t.today, travel, c);
      return true;
    case EntryRoute::Permit:
      break;
  }
  if (v[draw::kEntry] >= pt.uptake[od]) {
    leave_home(a, d, kIrregular, c.t.today, travel, c);
    return true;
  }
  const unsigned sector = pick_threshold(&c.t.sector_cdf[d * c.nS], c.nS, v[draw::kQuotaSector]);
  const std::int16_t pool = pt.quota_pool[od * c.nS + sector];
  if (pool >= 0) {
    a.tally.quota_applicants.push_back({c.priority(a.id), static_cast<std::uint32_t>(a.id), pool,
                                        static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(sector),
                                        Application::Arrival});
    return true;
  }
  leave_home(a, d, kPermitHolder, kNever, travel + pt.issue_cost_usd[od], c);
  a.tally.counts[out::kPermits][c.destination_country[d]] += 1;
  return true;
}

}  // namespace migsim::detail
