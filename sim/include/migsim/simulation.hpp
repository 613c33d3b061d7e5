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
#include "migsim/scenario.hpp"

namespace migsim {

struct RunOptions {
  std::uint64_t seed = 1;
  int threads = 0;            ///< 0 = all hardware threads
  std::int64_t scale = 1;     ///< people per agent
  std::optional<Date> until;  ///< last step start date to run (default: calendar end)
  /// Split the agents over the processes of MPI_COMM_WORLD (initialising MPI if needed). The
  /// output is the same as a single-process run, bit for bit. See docs/distributed.md.
  bool distributed = false;
};

/// Residence and legal status of an agent. At home: AtHome (never migrated), Returned, Displaced
/// (moved inside the country by a displacement event). Abroad: every status from Resident on.
enum class Status : std::uint8_t {
  AtHome = 0,
  Returned = 1,
  Displaced = 2,
  Resident = 3,      ///< abroad where no permit regime is in force
  EaeuWorker = 4,    ///< EAEU citizen in an EAEU country, registered
  PermitHolder = 5,  ///< patent or quota work permit
  Irregular = 6,
  Detained = 7,
  Convicted = 8,      ///< serving a prison term abroad
  Stranded = 9,       ///< wants to return, border closed
  SchemeWorker = 10,  ///< on a bilateral scheme
  Naturalised = 11,   ///< took the destination's citizenship
  Exited = 255,       ///< past working age (not reported)
};
inline constexpr std::size_t kReportedStatuses = 12;  ///< AtHome .. Naturalised
inline constexpr bool is_abroad(Status s) { return s >= Status::Resident && s != Status::Exited; }
const char* status_name(Status status);

/// Aggregates of one step, in agents (multiply by scale for people); flat row-major arrays.
struct StepAggregates {
  std::vector<std::int64_t> population;  ///< [origin]
  std::vector<std::int64_t> stock;       ///< [origin][location][status]
  std::vector<std::int64_t> departures;  ///< [origin][location]
  std::vector<std::int64_t> returns;     ///< [location][origin]; every arrival home, incl. deportations and evacuations
  std::vector<std::int64_t> employed;    ///< [origin][location]
  std::vector<std::int64_t> entries;     ///< [origin]
  std::vector<std::int64_t> exits;       ///< [origin]
  std::vector<double> remittances_usd;   ///< [origin], already in people (scaled)

  // Institutions (agents unless noted).
  std::vector<std::int64_t> permits_issued;      ///< [country] new patents and quota permits
  std::vector<double> quota_remaining;           ///< [country] people; NaN where no quota is in force
  std::vector<std::int64_t> detentions;          ///< [location][origin]
  std::vector<std::int64_t> deportations;        ///< [location][origin]
  std::vector<std::int64_t> bans_active;         ///< [country][origin]
  std::vector<std::int64_t> blocked_departures;  ///< [origin][location]
  std::vector<std::int64_t> evacuated;           ///< [location][origin]
  std::vector<std::int64_t> naturalised;         ///< [location][origin]
  std::vector<double> fees_paid_usd;             ///< [location], already in people (scaled)
  std::vector<std::uint8_t> policy_state;        ///< [event] 1 if in force during the step
};

struct RunStats {
  std::size_t steps = 0;
  std::uint64_t agent_steps = 0;
  double wall_seconds = 0;
  std::size_t agent_slots = 0;  ///< agents ever created (live and exited)
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

  /// All steps so far as a netCDF-4 shaped dataset (people, labelled coordinates, provenance).
  output::Dataset results() const;
  /// The same layout for steps [first_step, steps_done()) only, without the provenance
  /// attributes: cheap enough to read between steps.
  output::Dataset results_since(std::size_t first_step) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Version and build provenance stamped on outputs.
std::string version();
std::string git_commit();

}  // namespace migsim
