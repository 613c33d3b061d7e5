// The parallel agent pass: every block this rank holds runs the rules (rules/agent_pass.hpp)
// into its own tally, so blocks need no locks.
#include "rules/agent_pass.hpp"
#include "engine/engine.hpp"

namespace migsim::detail {

void run_agent_pass(Engine& e, std::uint32_t step) {
  const OutputShape shape = e.shape();
  while (e.tallies.size() < e.partition.local_blocks(e.n_agents)) {
    e.tallies.emplace_back();
    e.tallies.back().resize(shape);
  }
  const StepContext context{e.tables, e.policy, e.agents, e.rng, step,
                            e.nO(),   e.nD(),   e.nS(),   shape, e.destination_country.data()};
  e.for_local_blocks([&](std::size_t lb, std::size_t begin, std::size_t end, std::size_t first_slot) {
    e.tallies[lb].clear();
    update_block(begin, end, first_slot, context, e.tallies[lb]);
  });
}

}  // namespace migsim::detail
