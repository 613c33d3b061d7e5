// A Simulation owns a frozen copy of a scenario, the agents and the history of per-step
// aggregates. It is the only thing that changes while a model runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "migsim/calendar.hpp"
#include "migsim/dataset.hpp"
#include "migsim/output_file.hpp"
#include "migsim/outputs.hpp"
#include "migsim/scenario.hpp"
#include "migsim/state.hpp"
#include "migsim/status.hpp"

namespace migsim {

/// The most worker threads a run may ask for, per core of the machine (`RunOptions::threads`).
inline constexpr int kThreadsPerCore = 8;

struct RunOptions {
  std::uint64_t seed = 1;
  int threads = 0;            ///< 0 = all hardware threads; at most kThreadsPerCore per core
  std::int64_t scale = 1;     ///< people per agent
  std::optional<Date> until;  ///< last step start date to run (default: calendar end)
  /// Split the agents over the processes of MPI_COMM_WORLD (initialising MPI if needed). The
  /// output is the same as a single-process run, bit for bit. See docs/distributed.md.
  bool distributed = false;
};

struct RunStats {
  std::size_t steps = 0;
  std::uint64_t agent_steps = 0;          ///< since the scenario's start, a resumed run's history included
  std::uint64_t resumed_agent_steps = 0;  ///< of those, the ones done by the run that saved the state
  double wall_seconds = 0;                ///< in this process
  std::size_t agent_slots = 0;            ///< agents ever created (live and exited)
  std::size_t live_agents = 0;
  std::size_t agent_bytes = 0;        ///< memory held by agent arrays
  int threads = 0;                    ///< worker threads requested (the TBB arena's concurrency)
  int ranks = 1;                      ///< MPI processes sharing the run (1 without MPI)
  int rank = 0;                       ///< this process's rank
  std::size_t local_agent_slots = 0;  ///< agents held by this rank (== agent_slots on one rank)
  double communication_seconds = 0;   ///< time this rank spent in MPI collectives
};

class Simulation {
 public:
  /// Validates options (ArgumentError) and creates the initial agents.
  Simulation(Scenario scenario, RunOptions options);
  ~Simulation();
  Simulation(Simulation&&) noexcept;
  Simulation& operator=(Simulation&&) noexcept;

  const Scenario& scenario() const;
  const RunOptions& options() const;
  std::size_t total_steps() const;
  std::size_t steps_done() const;
  bool done() const;
  Date current_date() const;  ///< start date of the next step

  /// Advances one step; throws Error if already done.
  void step();
  /// Runs to the end; `progress(done, total)` is called after each step if given.
  void run(const std::function<void(std::size_t, std::size_t)>& progress = {});

  /// Adds an event during the run (adaptive policies): checked like a scenario's events, and it
  /// must start on or after current_date(). A ban_rule may only name a country that already has
  /// ban rules in the scenario (each agent's ban slots are fixed at the start). Throws
  /// ScenarioError or ArgumentError and leaves the simulation unchanged.
  void add_event(Event event);
  /// Adds several events all or nothing: if one is refused, none is added.
  void add_events(std::vector<Event> events);

  /// Aggregates of the last completed step (the initial state before any step).
  const StepAggregates& last() const;
  /// Aggregates of every completed step, and the start date of each.
  const std::vector<StepAggregates>& history() const;
  const std::vector<Date>& step_dates() const;
  RunStats stats() const;

  /// Writes the complete state after the last step done to `path` (atomically, like an output
  /// file): agents, policy state, history, the scenario as run, seed and scale. A collective in a
  /// distributed run: every rank calls it, the first writes. See migsim/state.hpp.
  void save_state(const std::filesystem::path& path, const output::CancelCheck& cancelled = {}) const;
  /// Continues a saved state: the same results, bit for bit, as the run that saved it would have
  /// given, on any number of threads or ranks; with `options.scenario` or `overrides`, a branch
  /// that may change only what acts after the state's date (ArgumentError naming any other edit).
  static Simulation from_state(const std::filesystem::path& path, ResumeOptions options = {});
  /// An independent copy in memory that continues on its own (same threads, same ranks).
  Simulation fork() const;
  /// What shaped the steps done so far (inputs, seed, scale, steps); equal for branches of one history.
  std::string fingerprint() const;
  /// The state file this run continued from ("" for a run from the start).
  const std::string& resumed_from() const;

  /// All steps so far as a netCDF-4 shaped dataset (people, labelled coordinates, provenance).
  output::Dataset results() const;
  /// The same layout for steps [first_step, steps_done()) only, without the provenance
  /// attributes: cheap enough to read between steps.
  output::Dataset results_since(std::size_t first_step) const;

 private:
  struct Impl;
  explicit Simulation(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Version and build provenance stamped on outputs.
std::string version();
std::string git_commit();

}  // namespace migsim
