#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "migsim/errors.hpp"
#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"

namespace {

using migsim::Date;
using migsim::kReportedStatuses;
using migsim::RunOptions;
using migsim::Scenario;
using migsim::Simulation;
using migsim::Status;
using migsim::StepAggregates;

const std::string kToy = std::string(MIGSIM_TEST_DATA) + "/policy-toy";

RunOptions options(std::uint64_t seed, int threads, std::int64_t scale) {
  RunOptions o;
  o.seed = seed;
  o.threads = threads;
  o.scale = scale;
  return o;
}

TEST(PoliciesExplore, Print) {
  Scenario sc = migsim::load_scenario(kToy);
  const std::size_t nO = sc.n_origins(), nL = sc.n_locations();
  Simulation sim(sc, options(3, 2, 10));
  const auto t0 = std::chrono::steady_clock::now();
  sim.run();
  std::printf("wall %.3f s, agents %zu\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), sim.stats().agent_slots);
  for (std::size_t t = 0; t < sim.history().size(); t += 8) {
    const auto& a = sim.history()[t];
    std::printf("%s", sim.step_dates()[t].iso().c_str());
    for (std::size_t o = 0; o < nO; ++o) {
      std::printf(" |%s", sc.origins[o].name.c_str());
      for (std::size_t l = nO; l < nL; ++l) {
        std::printf(" [");
        for (std::size_t s = 3; s < kReportedStatuses; ++s)
          std::printf("%lld ", (long long)a.stock[(o * nL + l) * kReportedStatuses + s]);
        std::printf("d%lld]", (long long)a.departures[o * nL + l]);
      }
    }
    std::printf(" permits");
    for (auto p : a.permits_issued) std::printf(" %lld", (long long)p);
    std::printf("\n");
  }
}

}  // namespace
