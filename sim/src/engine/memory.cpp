// The memory estimate of a run and the limit it must fit in (engine/memory.hpp).
#include "engine/memory.hpp"

#include <sys/resource.h>
#include <tbb/info.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include "events/policies.hpp"
#include "migsim/errors.hpp"
#include "migsim/outputs.hpp"
#include "model/agents.hpp"
#include "parallel/partition.hpp"

namespace migsim::detail {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMiB = 1024 * 1024;
/// The program, its libraries, the scenario and the step tables: measured at 40-60 MiB resident
/// for the built-in scenarios; 64 MiB keeps small runs from being refused for a few MiB.
constexpr std::uint64_t kBaseBytes = 64 * kMiB;
/// Address space each worker thread reserves (its stack and a malloc arena), counted against
/// RLIMIT_AS only: it is reserved, not used.
constexpr std::uint64_t kThreadAddressSpace = 72 * kMiB;

std::uint64_t saturating(double bytes) {
  return bytes >= 1.8e19 || !(bytes >= 0) ? kUnlimited : static_cast<std::uint64_t>(bytes);
}

/// A limit from a cgroup file: a number of bytes, or nothing for "max" / no file.
std::uint64_t read_limit(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return kUnlimited;
  try {
    const unsigned long long value = std::stoull(text);
    // cgroup v1 reports "no limit" as a huge number just under 2^63.
    return value >= (1ull << 62) ? kUnlimited : value;
  } catch (const std::exception&) {
    return kUnlimited;
  }
}

/// The lowest limit on the way from the cgroup `relative` up to the root of `root`.
std::pair<std::uint64_t, std::string> lowest_on_path(const std::string& root, std::string relative,
                                                     const std::string& file) {
  std::pair<std::uint64_t, std::string> lowest{kUnlimited, ""};
  for (;;) {
    const std::string path = root + relative + (relative.empty() || relative.back() == '/' ? "" : "/") + file;
    if (const auto limit = read_limit(path); limit < lowest.first) lowest = {limit, path};
    if (relative.empty() || relative == "/") break;
    const auto slash = relative.find_last_of('/');
    relative = slash == std::string::npos ? "" : relative.substr(0, slash == 0 ? 1 : slash);
  }
  return lowest;
}

/// The cgroup memory limit of this process (v2 memory.max, else v1 memory.limit_in_bytes).
std::pair<std::uint64_t, std::string> cgroup_limit() {
  std::ifstream in("/proc/self/cgroup");
  std::pair<std::uint64_t, std::string> lowest{kUnlimited, ""};
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
    std::pair<std::uint64_t, std::string> found{kUnlimited, ""};
    if (line.compare(0, first, "0") == 0 && controllers.empty())
      found = lowest_on_path("/sys/fs/cgroup", path, "memory.max");
    else if (("," + controllers + ",").find(",memory,") != std::string::npos)
      found = lowest_on_path("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes");
    if (found.first < lowest.first) lowest = found;
  }
  return lowest;
}

/// Address space this process already uses (VmSize), in bytes.
std::uint64_t address_space_in_use() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;  // "VmSize:  1234 kB"
  return 0;
}

}  // namespace

std::size_t steps_to_run(const Calendar& calendar, const RunOptions& options) {
  return options.until ? calendar.steps_until(*options.until) : calendar.steps();
}

std::size_t agents_to_reserve(const Parameters& p, std::size_t initial, double years) {
  return static_cast<std::size_t>(static_cast<double>(initial) * (1.05 + 1.2 * p.entry_rate * years));
}

double initial_agents(const Scenario& sc, double scale) {
  double initial = 0;
  for (std::size_t o = 0; o < sc.n_origins(); ++o) {
    double abroad = 0;
    for (std::size_t d = 0; d < sc.n_destinations(); ++d)
      abroad += std::round(sc.initial_stock[o * sc.n_destinations() + d] / scale);
    initial += std::max(std::round(sc.origins[o].working_age_population / scale), abroad);
  }
  return initial;
}

MemoryEstimate estimate_memory(const Scenario& sc, const RunOptions& options, std::size_t ranks) {
  const Calendar calendar = sc.calendar();
  const std::size_t steps = steps_to_run(calendar, options);
  const double years = steps == 0 ? 0 : (calendar.step_end(steps - 1) - calendar.start()) / kDaysPerYear;
  const double scale = static_cast<double>(std::max<std::int64_t>(options.scale, 1));
  const double local = initial_agents(sc, scale) / static_cast<double>(std::max<std::size_t>(ranks, 1)) + kBlockSize;
  const double agents = local * (1.05 + 1.2 * sc.params.entry_rate * years);

  AgentStore probe;
  probe.ban_slots = Policies(sc).ban_slots();
  probe.reserve(1024);
  const double per_agent = static_cast<double>(probe.bytes()) / 1024.0;

  const OutputShape shape{sc.n_origins(), sc.n_locations(), sc.countries.size()};
  double cells = static_cast<double>(sc.events.size());  // policy_state
  for (const auto& spec : kOutputs) cells += static_cast<double>(shape.size(spec));
  MemoryEstimate e;
  e.agents = saturating(agents);
  e.agent_bytes = saturating(agents * per_agent);
  // Every step's aggregates, the dataset built from them and the file built from that in memory.
  e.history_bytes = saturating(3.0 * static_cast<double>(steps + 1) * cells * 8.0);
  // One tally per block (every cell at most 8 bytes), the program and its tables.
  e.working_bytes = saturating(std::ceil(agents / kBlockSize) * cells * 8.0 + static_cast<double>(kBaseBytes));
  return e;
}

MemoryLimit memory_limit(int threads) {
  MemoryLimit limit{kUnlimited, ""};
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0)
    limit = {static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page), "the machine's physical memory"};
  if (const auto [bytes, path] = cgroup_limit(); bytes < limit.bytes)
    limit = {bytes, "the memory limit of this process's cgroup (" + path + ")"};
  rlimit as{};
  if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    const auto workers = static_cast<std::uint64_t>(threads > 0 ? threads : tbb::info::default_concurrency());
    const std::uint64_t used = address_space_in_use() + workers * kThreadAddressSpace;
    const std::uint64_t left = as.rlim_cur > used ? as.rlim_cur - used : 0;
    if (left < limit.bytes)
      limit = {left, "what RLIMIT_AS (ulimit -v, " + format_bytes(as.rlim_cur) +
                         ") leaves beside the address space in use and the worker threads' stacks"};
  }
  return limit;
}

void check_memory(const MemoryEstimate& estimate, const MemoryLimit& limit) {
  if (estimate.total() <= limit.bytes) return;
  std::string agents = std::to_string(estimate.agents);
  for (auto at = agents.size(); at > 3; at -= 3) agents.insert(at - 3, ",");
  throw ArgumentError("memory: the run needs an estimated " + format_bytes(estimate.total()) + " (" + agents +
                      " agents: " + format_bytes(estimate.agent_bytes) +
                      "; the history of its steps: " + format_bytes(estimate.history_bytes) +
                      "; working memory: " + format_bytes(estimate.working_bytes) + "), more than the " +
                      format_bytes(limit.bytes) + " of " + limit.what +
                      "; expected a run that fits: a larger --scale (people per agent), an earlier --until, or "
                      "more memory");
}

std::string format_bytes(std::uint64_t bytes) {
  char text[32];
  const double b = static_cast<double>(bytes);
  if (bytes == kUnlimited)
    std::snprintf(text, sizeof text, "more than 16 EiB");
  else if (b >= 1024.0 * kMiB)
    std::snprintf(text, sizeof text, "%.1f GiB", b / (1024.0 * kMiB));
  else
    std::snprintf(text, sizeof text, "%.1f MiB", b / kMiB);
  return text;
}

}  // namespace migsim::detail
