// The state of a running simulation and the engine's steps over it. Simulation (simulation.cpp)
// owns one Engine and keeps the order of a step; population set-up (population.cpp), the agent
// pass (agent_pass.cpp), the reductions (parallel/reduction.cpp) and the allocation markets
// (markets.cpp) each work on it.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cstdint>
#include <type_traits>
#include <vector>

#include "engine/block_range.hpp"
#include "engine/snapshot.hpp"
#include "events/policies.hpp"
#include "migsim/outputs.hpp"
#include "migsim/random.hpp"
#include "migsim/simulation.hpp"
#include "model/agents.hpp"
#include "model/environment.hpp"
#include "parallel/communicator.hpp"
#include "parallel/partition.hpp"
#include "rules/tally.hpp"

namespace migsim::detail {

struct Engine {
  Scenario scenario;
  RunOptions options;
  Calendar calendar;
  std::size_t total_steps = 0;
  std::size_t steps_done = 0;
  Environment environment;
  Policies policies;
  CounterRng rng;
  tbb::task_arena arena;
  /// The ranks of a distributed run (parallel/partition.hpp). Everything but the agents
  /// (policies, environment, aggregates) is replicated.
  Communicator comm;
  Partition partition;

  AgentStore agents;         ///< this rank's agents, by slot
  std::size_t n_agents = 0;  ///< agents ever created on all ranks; ids are 0 .. n_agents-1
  StepTables tables;
  PolicyTables policy;
  std::vector<Tally> tallies;  ///< one per local block
  NetworkState network;
  std::vector<std::size_t> destination_country;  ///< [d]
  std::vector<double> initial_quota_share;  ///< [pool] chance that an initial migrant wanting a quota permit has one

  StepAggregates current;  ///< last completed step (or the initial state)
  std::vector<StepAggregates> history;
  std::vector<Date> dates;
  double wall_seconds = 0;
  std::uint64_t agent_steps = 0;
  std::string resumed_from;               ///< the state file the run continued from, or ""
  std::uint64_t resumed_agent_steps = 0;  ///< agent_steps done before the state was saved

  // Sizes, cached: the kernel reads them for every agent.
  std::size_t n_origins = 0, n_destinations = 0, n_locations = 0, n_countries = 0, n_sectors = 0;

  /// A new run: the initial agents and the initial state.
  Engine(Scenario sc, RunOptions opts);
  /// A run continued from a snapshot (restore.cpp); `opts` must carry the snapshot's seed and scale.
  Engine(Snapshot snapshot, RunOptions opts);

  /// The state between steps (restore.cpp). `global`: every agent in id order, gathered from all
  /// ranks (a collective); otherwise this rank's slots, for a fork with the same ranks.
  Snapshot snapshot(bool global) const;
  /// The date the next step starts (the end of the last step done; the start before any).
  Date state_date() const { return steps_done == 0 ? calendar.start() : calendar.step_end(steps_done - 1); }

  std::size_t nO() const { return n_origins; }
  std::size_t nD() const { return n_destinations; }
  std::size_t nL() const { return n_locations; }
  std::size_t nC() const { return n_countries; }
  std::size_t nS() const { return n_sectors; }
  double scale() const { return static_cast<double>(options.scale); }
  OutputShape shape() const { return {nO(), nL(), nC()}; }
  StepAggregates empty_aggregates() const { return migsim::empty_aggregates(shape()); }

  /// Runs `work` in the arena of --threads workers. The global_control lets an arena larger
  /// than the core count get its workers (TBB would warn and ignore them); results never
  /// depend on the worker count.
  template <typename Work>
  void in_arena(Work&& work) {
    tbb::global_control workers(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(arena.max_concurrency()));
    arena.execute(std::forward<Work>(work));
  }

  /// Runs body(local block, first id, end id, first slot) for every block this rank holds, in
  /// parallel.
  template <typename Body>
  void for_local_blocks(Body&& body) {
    in_arena([&] {
      MIGSIM_TSAN_RELEASE(fork);
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, partition.local_blocks(n_agents), 1),
                        BlockRange<Engine, std::remove_reference_t<Body>>{this, &body}, tbb::simple_partitioner());
      MIGSIM_TSAN_ACQUIRE(join);
    });
  }

  /// The blocks first..last of this rank (a piece of for_local_blocks, on one thread).
  template <typename Body>
  void run_blocks(std::size_t first, std::size_t last, Body& body) {
    for (std::size_t lb = first; lb != last; ++lb) {
      const std::size_t begin = partition.global_block(lb) * kBlockSize;
      body(lb, begin, std::min(begin + kBlockSize, n_agents), lb * kBlockSize);
    }
  }

  // ---- the population's counts (engine.cpp) ----
  /// Adds (sign 1) or removes (-1) the agent in slot i to/from the stock and employment cells.
  void add_to_stock(StepAggregates& a, std::size_t i, std::int64_t sign = 1) const;
  void finish_population(StepAggregates& a) const;
  void count_initial_state();
  void update_network();
  /// Serial counterparts of the rules' moves, for agents decided after the pass: they keep
  /// `next` consistent by removing and re-adding the agent to the stock.
  void depart_now(StepAggregates& next, std::size_t i, unsigned d, std::uint8_t status, std::int32_t status_day,
                  float debt_usd);
  void set_status(StepAggregates& next, std::size_t i, std::uint8_t status, std::int32_t status_day);
  void give_job(StepAggregates& next, std::size_t i, unsigned sector);

 private:
  struct Setup {};
  /// Members and sizes common to a new and a continued run; no agents yet.
  Engine(Scenario sc, RunOptions opts, Setup);
  void take_local_blocks(const AgentStore& all);
  void reserve_agents(std::size_t local_agents, double years_ahead);
};

// population.cpp
void create_initial_agents(Engine& e);
/// People reaching working age join at home; their number is a Poisson draw per origin keyed by
/// (seed, origin, step), so it is the same whatever the thread count.
void add_entrants(Engine& e, std::size_t step, std::int32_t day, StepAggregates& next);

// agent_pass.cpp
void run_agent_pass(Engine& e, std::uint32_t step);

// markets.cpp: serial allocations after the pass, decided alike on every rank from the gathered
// queues in a seeded, thread-independent order; each rank applies the decisions to its agents.
void allocate_quotas(Engine& e, StepAggregates& next, std::vector<std::int64_t>& granted_by_country);
void allocate_schemes(Engine& e, StepAggregates& next);
void evacuate(Engine& e, StepAggregates& next);

// transfers.cpp
/// Adds the remittances held back during the step (tallied) to those held before and sends home a
/// share of what is held in regions no transfer_disruption covers (behaviour.remittances.catch_up_weeks).
void release_held_transfers(const Engine& e, StepAggregates& next, double step_days);

// parallel/reduction.cpp
/// Adds this rank's block tallies into `next`: counts (summed over ranks later, sum_over_ranks),
/// and money, summed block by block in global block order from every rank's block totals, so
/// the floating-point result does not depend on the number of ranks.
void reduce_tallies(Engine& e, StepAggregates& next);
/// Sums the agent counts of `next` over ranks (one collective for all of them).
void sum_over_ranks(const Engine& e, StepAggregates& next);

}  // namespace migsim::detail
