// Snapshots of a run between steps, and runs continued from them: what state files and forks
// are made of. The agents of a snapshot for a file are in id order, whatever the number of ranks
// that held them, so a state resumes on any number of ranks and threads.
#include <algorithm>
#include <cstring>

#include "engine/engine.hpp"
#include "migsim/errors.hpp"

namespace migsim::detail {
namespace {

/// Where each rank's slots start in the concatenation of every rank's slots (rank order).
std::vector<std::size_t> rank_offsets(std::size_t ranks, std::size_t n_agents) {
  std::vector<std::size_t> offsets(ranks + 1, 0);
  for (std::size_t r = 0; r < ranks; ++r) offsets[r + 1] = offsets[r] + Partition{r, ranks}.local_size(n_agents);
  return offsets;
}

/// Copies the agents [begin, end) of `from` (first slot `from_slot`) to `to` at `to_slot`, every
/// column and the ban records.
void copy_agents(const AgentStore& from, std::size_t from_slot, AgentStore& to, std::size_t to_slot,
                 std::size_t count) {
  for_each_column_member([&](const char*, auto member) {
    const auto& source = from.*member;
    std::copy_n(source.begin() + static_cast<std::ptrdiff_t>(from_slot), count,
                (to.*member).begin() + static_cast<std::ptrdiff_t>(to_slot));
  });
  const std::size_t slots = from.ban_slots;
  std::copy_n(from.ban_until.begin() + static_cast<std::ptrdiff_t>(from_slot * slots), count * slots,
              to.ban_until.begin() + static_cast<std::ptrdiff_t>(to_slot * slots));
}

}  // namespace

Snapshot Engine::snapshot(bool global) const {
  Snapshot s;
  s.scenario = scenario;
  s.seed = options.seed;
  s.scale = options.scale;
  s.steps_done = steps_done;
  s.n_agents = n_agents;
  s.global_agents = global;
  s.policies = policies.state();
  s.current = current;
  s.history = history;
  s.dates = dates;
  s.agent_steps = agent_steps;
  s.resumed_from = resumed_from;
  if (!global || !comm.distributed()) {
    s.agents = agents;
    s.agents.ban_slots = agents.ban_slots;
    return s;
  }
  // Every rank's slots, concatenated in rank order, then put back in id order block by block.
  AgentStore gathered;
  gathered.ban_slots = agents.ban_slots;
  for_each_column_member([&](const char*, auto member) { gathered.*member = comm.gather(agents.*member); });
  gathered.ban_until = comm.gather(agents.ban_until);
  const std::vector<std::size_t> offsets = rank_offsets(partition.ranks, n_agents);
  s.agents.ban_slots = agents.ban_slots;
  s.agents.resize(n_agents);
  for (std::size_t b = 0; b < Partition::blocks_of(n_agents); ++b) {
    const std::size_t rank = b % partition.ranks, local_block = b / partition.ranks;
    const std::size_t begin = b * kBlockSize, count = std::min(kBlockSize, n_agents - begin);
    copy_agents(gathered, offsets[rank] + local_block * kBlockSize, s.agents, begin, count);
  }
  return s;
}

void Engine::take_local_blocks(const AgentStore& all) {
  agents.resize(partition.local_size(n_agents));
  for (std::size_t lb = 0; lb < partition.local_blocks(n_agents); ++lb) {
    const std::size_t begin = partition.global_block(lb) * kBlockSize;
    copy_agents(all, begin, agents, lb * kBlockSize, std::min(kBlockSize, n_agents - begin));
  }
}

void Engine::reserve_agents(std::size_t local_agents, double years_ahead) {
  const double growth = 1.05 + 1.2 * scenario.params.entry_rate * std::max(years_ahead, 0.0);
  agents.reserve(static_cast<std::size_t>(static_cast<double>(local_agents) * growth));
}

Engine::Engine(Snapshot s, RunOptions opts) : Engine(std::move(s.scenario), opts, Setup{}) {
  if (s.agents.ban_slots != policies.ban_slots())
    throw ArgumentError("the scenario has ban records for " + std::to_string(policies.ban_slots()) +
                        " countries, the state for " + std::to_string(s.agents.ban_slots));
  steps_done = s.steps_done;
  n_agents = s.n_agents;
  const double years_ahead = static_cast<double>(calendar.end() - state_date()) / kDaysPerYear;
  if (s.global_agents) {
    reserve_agents(partition.local_size(n_agents), years_ahead);
    take_local_blocks(s.agents);
  } else {
    agents = std::move(s.agents);
  }
  agents.ban_slots = policies.ban_slots();
  policies.restore(s.policies);
  current = std::move(s.current);
  history = std::move(s.history);
  dates = std::move(s.dates);
  agent_steps = resumed_agent_steps = s.agent_steps;
  resumed_from = std::move(s.resumed_from);
  // Which events were in force, against this scenario's list (a branch may have added or
  // dropped events that had not started): the same flags a straight run of it records.
  for (std::size_t k = 0; k < history.size(); ++k)
    history[k].policy_state = policies.in_force(dates[k], calendar.step_end(k));
  current.policy_state =
      history.empty() ? policies.in_force(calendar.start(), calendar.start()) : history.back().policy_state;
  update_network();
}

}  // namespace migsim::detail
