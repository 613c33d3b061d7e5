// Legal status abroad (ODD submodel "legal status"): irregular migrants regularise (EAEU
// registration, a permit, or residence where no regime is in force); permit holders' permits
// lapse, and quota permits that expire are applied for again (decided by the quota market);
// permit holders whose citizenship joined the EAEU, or whose destination dropped its regime,
// change status.
#pragma once

#include "rules/context.hpp"
#include "rules/draws.hpp"

namespace migsim::detail {

/// An irregular migrant not detected this step may regularise, in the interval of the
/// legal-status draw after detection.
MIGSIM_INLINE void regularise(Agent& a, const StepContext& c) {
  const PolicyTables& pt = c.pt;
  const std::size_t d = c.destination(a), od = c.od(a, d);
  const std::uint64_t detect = pt.detection[d], regularise = pt.regularise, draw = a.u[draw::kLegalStatus];
  if (draw - detect >= regularise) return;
  const std::uint64_t within = draw - detect;
  std::int32_t& status_day = c.agents.status_day[a.slot];
  if (pt.route[od] == EntryRoute::Eaeu) {
    if (within < part_of(regularise, pt.registration[od])) a.status = kEaeuWorker, status_day = kNever;
  } else if (pt.route[od] == EntryRoute::Free) {
    a.status = kResident, status_day = kNever;
  } else if (within < part_of(regularise, pt.uptake[od])) {
    const unsigned sector = Traits::sector(a.traits);
    const std::int16_t pool = pt.quota_pool[od * c.nS + sector];
    if (pool >= 0) {
      a.tally.quota_applicants.push_back({c.priority(a.id), static_cast<std::uint32_t>(a.id), pool,
                                          static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(sector),
                                          Application::Regularisation});
    } else {
      a.status = kPermitHolder, status_day = kNever;
      a.tally.counts[out::kPermits][c.destination_country[d]] += 1;
    }
  }
}

/// A permit holder: becomes an EAEU worker or resident if the route changed, else the permit
/// lapses (the first interval of the legal-status draw) or, if it expired, is applied for again.
MIGSIM_INLINE void permit_lapse_or_renewal(Agent& a, const StepContext& c) {
  const PolicyTables& pt = c.pt;
  const std::size_t d = c.destination(a), od = c.od(a, d);
  std::int32_t& status_day = c.agents.status_day[a.slot];
  if (pt.route[od] == EntryRoute::Eaeu) {  // the citizenship joined the EAEU
    a.status = kEaeuWorker, status_day = kNever;
  } else if (pt.route[od] == EntryRoute::Free) {  // no permit regime any more
    a.status = kResident, status_day = kNever;
  } else if (a.u[draw::kLegalStatus] < pt.lapse) {
    a.status = kIrregular, status_day = c.t.today;
  } else if (status_day <= c.t.today) {  // a quota permit expired: apply again
    const unsigned sector = Traits::sector(a.traits);
    const std::int16_t pool = pt.quota_pool[od * c.nS + sector];
    if (pool >= 0)
      a.tally.quota_applicants.push_back({c.priority(a.id), static_cast<std::uint32_t>(a.id), pool,
                                          static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(sector),
                                          Application::Renewal});
    else
      status_day = kNever;
  }
}

}  // namespace migsim::detail
