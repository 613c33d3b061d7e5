// Tests for the memory estimate of a run (issue 16): estimated from the scenario and the period
// that will run (--until), compared with what the process may use, and a run that cannot fit is
// refused with an ArgumentError naming both figures, before anything is allocated.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>

#include "../test_support.hpp"
#include "engine/memory.hpp"
#include "migsim/errors.hpp"
#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"

namespace {

using migsim::detail::estimate_memory;
using migsim::detail::MemoryEstimate;
using migsim::detail::MemoryLimit;
using migsim_test::Contains;

const std::string kTwoRegion = std::string(MIGSIM_TEST_DATA) + "/two-region";

migsim::RunOptions options(std::int64_t scale, std::optional<migsim::Date> until = std::nullopt) {
  migsim::RunOptions o;
  o.scale = scale;
  o.threads = 1;
  o.until = until;
  return o;
}

/// two-region with `people` of working age at home.
migsim::Scenario two_region(double people) {
  migsim::Scenario sc = migsim::load_scenario(kTwoRegion);
  sc.origins[0].working_age_population = people;
  return sc;
}

}  // namespace

TEST(Memory, TheEstimateFollowsThePopulationAndTheScale) {
  const auto small = estimate_memory(two_region(1e6), options(1));
  const auto large = estimate_memory(two_region(1e8), options(1));
  EXPECT_GE(small.agents, 1'000'000u);
  EXPECT_LT(small.agents, 1'200'000u);
  EXPECT_GE(large.agents, 100'000'000u);
  // 21 bytes of columns per agent (two-region has no ban rules).
  EXPECT_GE(large.agent_bytes, 21u * 100'000'000u);
  EXPECT_LT(large.agent_bytes, 25u * 120'000'000u);
  EXPECT_EQ(estimate_memory(two_region(1e8), options(100)).agents, small.agents);
}

TEST(Memory, NothingIsCountedForStepsThatWillNotRun) {
  // kyrgyzstan: 16 years of weekly steps, people reach working age every year.
  const migsim::Scenario sc = migsim::load_scenario(std::string("kyrgyzstan"));
  ASSERT_GT(sc.params.entry_rate, 0);
  const auto whole = estimate_memory(sc, options(1));
  const auto year = estimate_memory(sc, options(1, migsim::Date::from_ymd(2010, 12, 31)));
  EXPECT_LT(year.agents, whole.agents);
  EXPECT_LT(year.history_bytes * 10, whole.history_bytes);
  // ... and the engine reserves agent slots the same way: for the steps that run.
  migsim::Simulation one_year(sc, options(100, migsim::Date::from_ymd(2010, 12, 31)));
  migsim::Simulation all(sc, options(100));
  EXPECT_LT(one_year.stats().agent_bytes, all.stats().agent_bytes);
  EXPECT_LE(one_year.stats().agent_bytes,
            estimate_memory(sc, options(100, migsim::Date::from_ymd(2010, 12, 31))).agent_bytes);
}

TEST(Memory, ARunThatCannotFitIsRefusedNamingTheEstimateAndTheLimit) {
  const MemoryEstimate estimate{1234567, 3ull << 30, 1ull << 20, 64ull << 20};
  try {
    migsim::detail::check_memory(estimate, MemoryLimit{2ull << 30, "the test's limit"});
    FAIL() << "expected an ArgumentError";
  } catch (const migsim::ArgumentError& e) {
    EXPECT_TRUE(Contains(e.what(), "memory: the run needs an estimated 3.1 GiB"));
    EXPECT_TRUE(Contains(e.what(), "1,234,567 agents"));
    EXPECT_TRUE(Contains(e.what(), "more than the 2.0 GiB of the test's limit"));
    EXPECT_TRUE(Contains(e.what(), "--scale"));
  }
  EXPECT_NO_THROW(migsim::detail::check_memory(estimate, MemoryLimit{4ull << 30, "the test's limit"}));
}

TEST(Memory, AHugeWorkingAgePopulationIsRefusedBeforeAnythingIsAllocated) {
  // 10^10 people at scale 1 need about 200 GiB: more than any machine the tests run on.
  const auto limit = migsim::detail::memory_limit(1);
  ASSERT_LT(limit.bytes, 200ull << 30) << "this machine has more than 200 GiB: " << limit.what;
  try {
    migsim::Simulation sim(two_region(1e10), options(1));
    FAIL() << "expected an ArgumentError";
  } catch (const migsim::ArgumentError& e) {
    EXPECT_TRUE(Contains(e.what(), "memory: the run needs an estimated"));
    EXPECT_TRUE(Contains(e.what(), limit.what));
  }
  // The same people at a scale of 10,000 fit.
  migsim::Simulation fits(two_region(1e10), options(10'000, migsim::Date::from_ymd(2020, 2, 1)));
  EXPECT_EQ(fits.stats().local_agent_slots, 1'000'000u);
}

TEST(Memory, RlimitAsIsTheLimitWhenItIsTheLowest) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizers reserve terabytes of address space: RLIMIT_AS cannot be tested under them";
#else
  const migsim::Scenario needs_2gib = two_region(1e8), needs_20mib = two_region(1e6);
  // In a child, whose address space is limited to what it uses now and 1 GiB more; the child
  // only estimates (no threads: a forked child must not start TBB work).
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const auto now = migsim::detail::memory_limit(1);
    rlimit as{};
    ::getrlimit(RLIMIT_AS, &as);
    int failed = 0;
    std::string text;
    {
      std::ifstream status("/proc/self/status");
      for (std::string line; std::getline(status, line);)
        if (line.rfind("VmSize:", 0) == 0) text = line.substr(7);
    }
    as.rlim_cur = std::stoull(text) * 1024 + (1ull << 30) + (72ull << 20);
    if (::setrlimit(RLIMIT_AS, &as) != 0) ::_exit(3);
    const auto limited = migsim::detail::memory_limit(1);
    if (limited.what.find("RLIMIT_AS") == std::string::npos || limited.bytes > (1ull << 30) ||
        limited.bytes < (900ull << 20) || limited.bytes > now.bytes)
      failed |= 1;
    try {
      migsim::detail::check_memory(estimate_memory(needs_2gib, options(1)), limited);
      failed |= 2;
    } catch (const migsim::ArgumentError& e) {
      if (std::string(e.what()).find("RLIMIT_AS (ulimit -v") == std::string::npos) failed |= 4;
    }
    try {
      migsim::detail::check_memory(estimate_memory(needs_20mib, options(1)), limited);
    } catch (const migsim::Error&) {
      failed |= 8;
    }
    ::_exit(failed);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the limit is not RLIMIT_AS, 2: a 2 GiB run was not refused, "
                                       "4: the message does not name RLIMIT_AS, 8: a 20 MiB run was refused";
#endif
}
