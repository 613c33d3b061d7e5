// The population: the initial agents (at home and abroad, with legal statuses from the policies
// of the first step) and the people who reach working age each step.
#include <algorithm>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <limits>

#include "engine/engine.hpp"
#include "engine/memory.hpp"
#include "rules/context.hpp"

namespace migsim::detail {
namespace {

constexpr std::int32_t kNotMovedYet = std::numeric_limits<std::int32_t>::min() / 2;

unsigned draw_skill(const Parameters& p, double u) {
  if (u < p.skill_share_low) return 0;
  if (u < p.skill_share_low + p.skill_share_medium) return 1;
  return 2;
}

unsigned draw_sector(const Scenario& sc, double u) {
  double cumulative = 0;
  for (std::size_t k = 0; k + 1 < sc.sectors.size(); ++k) {
    cumulative += sc.sectors[k].share;
    if (u < cumulative) return static_cast<unsigned>(k);
  }
  return static_cast<unsigned>(sc.sectors.size() - 1);
}

/// Ids are laid out by origin, and within an origin by destination (the people abroad first,
/// then those at home): the result [o * (nD + 1) + d] is one past the last id of each group.
std::vector<std::size_t> initial_groups(const Engine& e) {
  const Scenario& sc = e.scenario;
  std::vector<std::size_t> group_end(e.nO() * (e.nD() + 1));
  std::size_t id = 0;
  for (std::size_t o = 0; o < e.nO(); ++o) {
    const auto n = static_cast<std::size_t>(std::llround(sc.origins[o].working_age_population / e.scale()));
    std::size_t abroad = 0;
    for (std::size_t d = 0; d < e.nD(); ++d) {
      const auto count = static_cast<std::size_t>(std::llround(sc.initial_stock[o * e.nD() + d] / e.scale()));
      abroad += count;
      group_end[o * (e.nD() + 1) + d] = id += count;
    }
    group_end[o * (e.nD() + 1) + e.nD()] = id += std::max(n, abroad) - abroad;
  }
  return group_end;
}

/// Quota permits held at the start were issued under the quota of the year before it, so a pool
/// cannot have more initial holders than its yearly limit: where more migrants would take one,
/// each gets it with the same reduced chance and the others are irregular.
void limit_initial_quota_permits(Engine& e, const std::vector<std::size_t>& group_end) {
  const PolicyTables& policy = e.policy;
  e.initial_quota_share.assign(policy.pools.size(), 1.0);
  std::vector<double> wanting(policy.pools.size(), 0.0);
  for (std::size_t o = 0; o < e.nO(); ++o)
    for (std::size_t d = 0; d < e.nD(); ++d) {
      const std::size_t od = o * e.nD() + d, group = o * (e.nD() + 1) + d;
      const std::size_t abroad = group_end[group] - (group > 0 ? group_end[group - 1] : 0);
      if (policy.route[od] == EntryRoute::Permit && policy.quota_pool[od * e.nS()] >= 0)
        wanting[static_cast<std::size_t>(policy.quota_pool[od * e.nS()])] +=
            static_cast<double>(abroad) * static_cast<double>(policy.uptake[od]) / 4294967296.0;
    }
  for (std::size_t k = 0; k < wanting.size(); ++k)
    if (wanting[k] > static_cast<double>(policy.pools[k].remaining))
      e.initial_quota_share[k] = static_cast<double>(policy.pools[k].remaining) / wanting[k];
}

/// Legal status of a migrant abroad at the start: the arrival rules of the first step; quota
/// permits (issued before the start) up to each pool's yearly limit, not counted against it.
std::uint8_t initial_status(Engine& e, std::size_t slot, std::size_t od, double u) {
  const PolicyTables& policy = e.policy;
  AgentStore& agents = e.agents;
  const auto draw = static_cast<std::uint32_t>(u * 4294967296.0);
  switch (policy.route[od]) {
    case EntryRoute::Free:
      return kResident;
    case EntryRoute::Eaeu:
      if (draw < policy.registration[od]) return kEaeuWorker;
      agents.status_day[slot] = agents.moved_day[slot];
      return kIrregular;
    case EntryRoute::Permit:
      if (draw < policy.uptake[od]) {
        const std::int16_t pool = policy.quota_pool[od * e.nS()];
        if (pool < 0) return kPermitHolder;  // a patent
        // Within the uptake interval, the pool's share of it holds a quota permit; it runs out
        // at a uniform point of its validity.
        if (draw < policy.uptake[od] * e.initial_quota_share[static_cast<std::size_t>(pool)]) {
          agents.status_day[slot] = static_cast<std::int32_t>(u * 1e9) % std::max(policy.permit_validity_days, 1);
          return kPermitHolder;
        }
      }
      agents.status_day[slot] = agents.moved_day[slot];
      return kIrregular;
  }
  return kResident;
}

/// Agent `id` of origin o, abroad in destination d (or at home if d == nD; `returned`: at home after
/// a stay abroad before the start).
void create_initial_agent(Engine& e, std::size_t id, std::size_t slot, std::size_t o, std::size_t d, bool returned) {
  const auto& p = e.scenario.params;
  AgentStore& agents = e.agents;
  const std::int32_t working_days = static_cast<std::int32_t>((p.exit_age - p.entry_age) * kDaysPerYear);
  const std::int32_t entry_days = static_cast<std::int32_t>(p.entry_age * kDaysPerYear);
  const auto u = e.rng.uniforms(Stream::AgentInit, id, 0, 0);
  const auto v = e.rng.uniforms(Stream::AgentInit, id, 0, 1);
  const bool abroad = d < e.nD();
  const double female_share = abroad || returned ? p.initial_migrant_female_share : 1.0 - p.male_share;
  std::uint8_t traits = Traits::make(u[0] < female_share, draw_skill(p, u[1]));
  agents.origin[slot] = static_cast<std::uint8_t>(o);
  agents.birth_day[slot] = -entry_days - static_cast<std::int32_t>(u[2] * working_days);
  agents.trips[slot] = abroad || returned ? 1 : 0;
  agents.savings_usd[slot] = 0;
  agents.moved_day[slot] = kNotMovedYet;
  agents.status_day[slot] = kNever;
  if (abroad) {
    agents.location[slot] = static_cast<std::uint8_t>(e.nO() + d);
    agents.moved_day[slot] = -static_cast<std::int32_t>(u[3] * p.initial_max_years_abroad * kDaysPerYear);
    agents.savings_usd[slot] = static_cast<float>(v[0] * p.savings_target_usd);
    const double unemployment = e.scenario.unemployment[e.scenario.destinations[d].country].at(e.calendar.start());
    if (v[1] >= unemployment) traits = Traits::with_job(traits, draw_sector(e.scenario, v[2]));
    agents.status[slot] = initial_status(e, slot, o * e.nD() + d, v[3]);
  } else {
    // A returnee came home before the start, outside the re-migration cooldown (moved_day unset).
    agents.status[slot] = returned ? kReturned : kAtHome;
    agents.location[slot] = static_cast<std::uint8_t>(o);
  }
  agents.traits[slot] = traits;
}

/// Agents at home at the start who have been abroad: the first of each origin's people at home.
std::vector<std::size_t> initial_returned(const Engine& e, const std::vector<std::size_t>& group_end) {
  std::vector<std::size_t> returned(e.nO(), 0);
  for (std::size_t o = 0; o < e.nO(); ++o) {
    const std::size_t home = o * (e.nD() + 1) + e.nD();
    const std::size_t at_home = group_end[home] - group_end[home - 1];
    const auto wanted = std::llround(e.scenario.origins[o].returned_population / e.scale());
    returned[o] = std::min(at_home, static_cast<std::size_t>(wanted));
  }
  return returned;
}

}  // namespace

void create_initial_agents(Engine& e) {
  const auto& p = e.scenario.params;
  const std::vector<std::size_t> group_end = initial_groups(e);
  e.n_agents = group_end.empty() ? 0 : group_end.back();
  limit_initial_quota_permits(e, group_end);
  // Room for the entrants of the steps that will run (up to --until), not the whole calendar.
  const double years =
      e.total_steps == 0 ? 0 : (e.calendar.step_end(e.total_steps - 1) - e.calendar.start()) / kDaysPerYear;
  const std::size_t local = e.partition.local_size(e.n_agents);
  e.agents.reserve(agents_to_reserve(p, local, years));
  e.agents.resize(local);
  const std::size_t nD = e.nD();
  const std::vector<std::size_t> returned = initial_returned(e, group_end);
  e.for_local_blocks([&](std::size_t, std::size_t begin, std::size_t end, std::size_t first_slot) {
    std::size_t group = std::upper_bound(group_end.begin(), group_end.end(), begin) - group_end.begin();
    for (std::size_t id = begin; id < end; ++id) {
      while (id >= group_end[group]) ++group;
      const std::size_t o = group / (nD + 1), d = group % (nD + 1);
      const bool is_returned = d == nD && id - group_end[group - 1] < returned[o];
      create_initial_agent(e, id, first_slot + (id - begin), o, d, is_returned);
    }
  });
}

void add_entrants(Engine& e, std::size_t k, std::int32_t day, StepAggregates& next) {
  const auto& p = e.scenario.params;
  AgentStore& agents = e.agents;
  const double years = e.calendar.step_days(k) / kDaysPerYear;
  const std::int32_t birth = day - static_cast<std::int32_t>(p.entry_age * kDaysPerYear);
  for (std::size_t o = 0; o < e.nO(); ++o) {
    const double mean = p.entry_rate * years * static_cast<double>(e.current.population[o]);
    if (!(mean > 0)) continue;
    auto urng = e.rng.engine(Stream::Entrants, o, static_cast<std::uint32_t>(k));
    const auto count = static_cast<std::size_t>(boost::random::poisson_distribution<long, double>(mean)(urng));
    next.entries[o] = static_cast<std::int64_t>(count);
    const std::size_t first = e.n_agents;
    e.n_agents += count;
    agents.resize(e.partition.local_size(e.n_agents));
    for (std::size_t id = first; id < e.n_agents; ++id) {
      if (!e.partition.holds(id)) continue;
      const std::size_t i = e.partition.slot_of(id);
      const auto u = e.rng.uniforms(Stream::AgentInit, id, 0, 0);
      agents.status[i] = kAtHome;
      agents.origin[i] = static_cast<std::uint8_t>(o);
      agents.location[i] = static_cast<std::uint8_t>(o);
      agents.traits[i] = Traits::make(u[0] >= p.male_share, draw_skill(p, u[1]));
      agents.trips[i] = 0;
      agents.birth_day[i] = birth - static_cast<std::int32_t>(u[2] * e.calendar.step_days(k));  // spread over the step
      agents.moved_day[i] = kNotMovedYet;
      agents.savings_usd[i] = 0;
      agents.status_day[i] = kNever;
    }
  }
}

}  // namespace migsim::detail
