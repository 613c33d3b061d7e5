// The complete state of a simulation between two steps, as plain data: what a state file holds
// (state_file.cpp) and what a fork copies. An Engine is rebuilt from it with
// Engine(Snapshot, RunOptions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/policies.hpp"
#include "migsim/outputs.hpp"
#include "migsim/scenario.hpp"
#include "model/agents.hpp"

namespace migsim::detail {

struct Snapshot {
  Scenario scenario;  ///< as run so far, with the events added during the run
  std::uint64_t seed = 0;
  std::int64_t scale = 1;
  std::size_t steps_done = 0;
  std::size_t n_agents = 0;  ///< agents ever created, on all ranks
  /// True: `agents` holds every agent in id order (a state file). False: the slots of this rank
  /// of a run with the same partition (a fork).
  bool global_agents = true;
  AgentStore agents;
  Policies::State policies;
  StepAggregates current;               ///< the last step's aggregates (the initial state before any)
  std::vector<StepAggregates> history;  ///< every step's (policy_state is recomputed on restore)
  std::vector<Date> dates;
  std::uint64_t agent_steps = 0;
  std::string resumed_from;  ///< the state file this snapshot was read from, for provenance
};

}  // namespace migsim::detail
