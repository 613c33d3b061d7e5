// Memory a run needs, estimated from the scenario and the requested period before anything is
// allocated, against what the process may use (issue 16): a scenario too large for the machine is
// refused with an ArgumentError naming both figures, not ended by std::bad_alloc or the OOM killer.
#pragma once

#include <cstdint>
#include <string>

#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"

namespace migsim::detail {

/// Steps a run of `options` takes (up to --until, else the calendar's end).
std::size_t steps_to_run(const Calendar& calendar, const RunOptions& options);

/// Agent slots to reserve for a run of `years` that starts with `initial` agents: the initial
/// ones, 5 % slack and the entrants of those years (20 % above their expected number).
std::size_t agents_to_reserve(const Parameters& p, std::size_t initial, double years);

/// Agents a run at `scale` people per agent starts with, as create_initial_agents lays them out (a
/// double, so that no count can overflow).
double initial_agents(const Scenario& scenario, double scale);

struct MemoryEstimate {
  std::uint64_t agents = 0;         ///< agent slots (on this process) at the end of the run
  std::uint64_t agent_bytes = 0;    ///< their columns
  std::uint64_t history_bytes = 0;  ///< the aggregates of every step, the results and the file built from them
  std::uint64_t working_bytes = 0;  ///< block tallies, step tables, the program itself
  std::uint64_t total() const { return agent_bytes + history_bytes + working_bytes; }
};

/// What a run of `scenario` with `options` on `ranks` processes needs on each process.
MemoryEstimate estimate_memory(const Scenario& scenario, const RunOptions& options, std::size_t ranks = 1);

struct MemoryLimit {
  std::uint64_t bytes = 0;  ///< UINT64_MAX when nothing limits
  std::string what;         ///< "physical memory", "the cgroup memory limit (PATH)", "RLIMIT_AS (ulimit -v)"
};

/// The lowest of physical memory, the cgroup (v2, else v1) memory limit and RLIMIT_AS (less the
/// address space already in use and what `threads` workers reserve) that applies to this process.
MemoryLimit memory_limit(int threads);

/// Throws ArgumentError naming the estimate and the limit when the run cannot fit in `limit`.
void check_memory(const MemoryEstimate& estimate, const MemoryLimit& limit);

/// Human-readable size ("1.2 GiB").
std::string format_bytes(std::uint64_t bytes);

}  // namespace migsim::detail
