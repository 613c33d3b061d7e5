// The allocation markets: quota permits, scheme places and evacuation seats, decided after the
// agent pass from the gathered queues, serially and in a total order of (priority, id) keys that
// depend only on the seed, the agents and the step; so the outcome is the same for any number
// of threads or ranks. The rank holding an agent applies the decision to it.
#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_set>

#include "engine/engine.hpp"
#include "parallel/reduction.hpp"
#include "rules/context.hpp"

namespace migsim::detail {
namespace {

/// An application made early in an agent's step may be overtaken by a later rule of the same
/// step (a holder who applied for renewal then went home); only standing applications count.
bool standing(const Engine& e, const QuotaApplicant& a) {
  const std::uint8_t status = e.agents.status[e.partition.slot_of(a.id)];
  switch (a.kind) {
    case Application::Arrival:
      return status == kAtHome || status == kReturned;
    case Application::Renewal:
      return status == kPermitHolder;
    case Application::Regularisation:
      return status == kIrregular;
  }
  return false;
}

/// Carries out the decision on one quota application of the agent in slot i.
void decide_quota(Engine& e, StepAggregates& next, const QuotaApplicant& a, const QuotaPool& pool, bool accepted) {
  const std::size_t i = e.partition.slot_of(a.id), o = e.agents.origin[i], od = o * e.nD() + a.destination;
  const std::int32_t today = e.tables.today, expiry = today + e.policy.permit_validity_days;
  switch (a.kind) {
    case Application::Arrival:
      if (accepted) {  // a quota permit comes with the job it was issued for
        e.depart_now(next, i, a.destination, kPermitHolder, expiry,
                     e.tables.travel_cost_usd[od] + e.policy.issue_cost_usd[od]);
        e.give_job(next, i, a.sector);
      } else if (pool.on_refusal == Refusal::Irregular) {
        e.depart_now(next, i, a.destination, kIrregular, today, e.tables.travel_cost_usd[od]);
      } else {
        next.blocked_departures[e.shape().origin_location(o, e.nO() + a.destination)] += 1;
      }
      break;
    case Application::Renewal:
      if (accepted)
        e.agents.status_day[i] = expiry;
      else
        e.set_status(next, i, kIrregular, today);
      break;
    case Application::Regularisation:
      if (accepted) e.set_status(next, i, kPermitHolder, expiry);
      break;
  }
}

}  // namespace

void allocate_quotas(Engine& e, StepAggregates& next, std::vector<std::int64_t>& granted_by_country) {
  PolicyTables& policy = e.policy;
  if (policy.pools.empty()) return;
  std::vector<std::vector<QuotaApplicant>> by_pool(policy.pools.size());
  auto is_standing = [&](const QuotaApplicant& a) { return standing(e, a); };
  for (const auto& a : gather_queue(e, &Tally::quota_applicants, is_standing))
    by_pool[static_cast<std::size_t>(a.pool)].push_back(a);
  for (std::size_t p = 0; p < by_pool.size(); ++p) {
    auto& applicants = by_pool[p];
    auto& pool = policy.pools[p];
    const auto granted = static_cast<std::size_t>(std::min<std::int64_t>(pool.remaining, applicants.size()));
    std::sort(applicants.begin(), applicants.end(),
              [](const auto& a, const auto& b) { return std::tie(a.priority, a.id) < std::tie(b.priority, b.id); });
    for (std::size_t k = 0; k < applicants.size(); ++k)
      if (e.partition.holds(applicants[k].id)) decide_quota(e, next, applicants[k], pool, k < granted);
    e.policies.record_permits(pool, static_cast<std::int64_t>(granted));
    pool.remaining -= static_cast<std::int64_t>(granted);
    granted_by_country[pool.country] += static_cast<std::int64_t>(granted);
  }
  for (const auto& pool : policy.pools) {
    double& cell = next.quota_remaining[pool.country];
    cell = (std::isnan(cell) ? 0.0 : cell) + static_cast<double>(pool.remaining) * e.scale();
  }
}

void allocate_schemes(Engine& e, StepAggregates& next) {
  PolicyTables& policy = e.policy;
  if (policy.schemes.empty()) return;
  std::vector<std::vector<SchemeApplicant>> by_scheme(policy.schemes.size());
  // Still at home after the quota decisions; who another scheme takes is tracked below.
  auto at_home = [&](const SchemeApplicant& a) {
    const std::uint8_t status = e.agents.status[e.partition.slot_of(a.id)];
    return status == kAtHome || status == kReturned;
  };
  for (const auto& a : gather_queue(e, &Tally::scheme_applicants, at_home)) by_scheme[a.scheme].push_back(a);
  std::unordered_set<std::uint32_t> recruited_this_step;
  for (std::size_t k = 0; k < by_scheme.size(); ++k) {
    auto& applicants = by_scheme[k];
    auto& scheme = policy.schemes[k];
    std::sort(applicants.begin(), applicants.end(),
              [](const auto& a, const auto& b) { return std::tie(a.priority, a.id) < std::tie(b.priority, b.id); });
    std::int64_t recruited = 0;
    for (const auto& a : applicants) {
      if (recruited >= scheme.remaining) break;
      if (!recruited_this_step.insert(a.id).second) continue;  // recruited by another scheme
      ++recruited;
      if (!e.partition.holds(a.id)) continue;
      const std::size_t i = e.partition.slot_of(a.id);
      e.depart_now(next, i, static_cast<unsigned>(scheme.destination), kSchemeWorker,
                   e.tables.today + scheme.duration_days, scheme.travel_cost_usd);
      e.give_job(next, i, scheme.sector);
    }
    e.policies.record_scheme(scheme, recruited);
    scheme.remaining -= recruited;
  }
}

void evacuate(Engine& e, StepAggregates& next) {
  PolicyTables& policy = e.policy;
  if (policy.evacuations.empty()) return;
  std::vector<std::vector<StrandedPerson>> by_pool(policy.evacuations.size());
  for (const auto& s : gather_queue(e, &Tally::stranded, [](const StrandedPerson&) { return true; }))
    by_pool[static_cast<std::size_t>(s.pool)].push_back(s);
  const OutputShape shape = e.shape();
  for (std::size_t p = 0; p < by_pool.size(); ++p) {
    auto& waiting = by_pool[p];
    const auto seats = static_cast<std::size_t>(std::min<std::int64_t>(policy.evacuations[p].capacity, waiting.size()));
    // Longest waiting first; ties in seeded random order.
    std::partial_sort(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(seats), waiting.end(),
                      [](const auto& a, const auto& b) {
                        return std::tie(a.since, a.priority, a.id) < std::tie(b.since, b.priority, b.id);
                      });
    for (std::size_t k = 0; k < seats; ++k) {
      if (!e.partition.holds(waiting[k].id)) continue;
      const std::size_t i = e.partition.slot_of(waiting[k].id), o = e.agents.origin[i], l = e.agents.location[i];
      e.add_to_stock(next, i, -1);
      e.agents.status[i] = kReturned;
      e.agents.location[i] = static_cast<std::uint8_t>(o);
      e.agents.moved_day[i] = e.tables.today;
      e.agents.status_day[i] = kNever;
      next.returns[shape.location_origin(l, o)] += 1;
      next.evacuated[shape.location_origin(l, o)] += 1;
      e.add_to_stock(next, i);
    }
    e.policies.record_evacuations(policy.evacuations[p], e.scale());
  }
}

}  // namespace migsim::detail
