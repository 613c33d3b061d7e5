// Runs under mpirun (see tests/CMakeLists.txt): every rank runs each scenario twice, once alone
// and once split over all ranks, and the two must agree bit for bit.
#include <gtest/gtest.h>
#include <mpi.h>

#include <string>

#include "../cpp/test_support.hpp"
#include "migsim/distributed.hpp"
#include "migsim/events.hpp"
#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"

namespace {

using migsim::Date;
using migsim::RunOptions;
using migsim::Simulation;

RunOptions options(int threads, std::int64_t scale, const char* until, bool distributed) {
  RunOptions o;
  o.seed = 7;
  o.threads = threads;
  o.scale = scale;
  Date d;
  EXPECT_TRUE(Date::parse(until, d));
  o.until = d;
  o.distributed = distributed;
  return o;
}

std::int64_t sum_over_ranks(std::int64_t value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  return value;
}

void expect_same_run(const std::string& scenario, std::int64_t scale, const char* until) {
  const auto sc = migsim::load_scenario(scenario);
  Simulation alone(sc, options(2, scale, until, false));
  alone.run();
  Simulation split(sc, options(1, scale, until, true));
  split.run();
  ASSERT_EQ(split.stats().ranks, migsim::world_size());
  EXPECT_EQ(migsim_test::variables_of(alone.results()), migsim_test::variables_of(split.results())) << scenario;
  // Each agent lives on exactly one rank.
  EXPECT_EQ(sum_over_ranks(static_cast<std::int64_t>(split.stats().local_agent_slots)),
            static_cast<std::int64_t>(alone.stats().agent_slots));
  EXPECT_EQ(split.stats().agent_slots, alone.stats().agent_slots);
}

TEST(Distributed, KyrgyzstanMatchesOneProcess) { expect_same_run("kyrgyzstan", 100, "2017-01-01"); }

TEST(Distributed, QuotaCutMatchesOneProcess) { expect_same_run("quota-cut", 100, "2028-12-31"); }

TEST(Distributed, ClosureWithEvacuationMatchesOneProcess) { expect_same_run("covid-returns", 100, "2021-06-30"); }

TEST(Distributed, SchemesDisplacementAndBansMatchOneProcess) {
  expect_same_run(MIGSIM_TEST_DATA "/policy-toy", 1, "2022-12-31");
}

/// Few agents: some ranks hold no block at the start and get their first through entrants.
TEST(Distributed, RanksWithoutAgentsAtTheStartMatchOneProcess) { expect_same_run("kyrgyzstan", 2000, "2012-06-30"); }

TEST(Distributed, EventsAddedDuringARunMatchOneProcess) {
  const auto sc = migsim::load_scenario("covid-returns");
  auto run = [&](bool distributed) {
    Simulation sim(sc, options(1, 200, "2021-06-30", distributed));
    Date april;
    EXPECT_TRUE(Date::parse("2020-04-01", april));
    while (sim.current_date() < april) sim.step();
    auto closure = migsim::parse_event(
        "type: border_closure\nlabel: added\nstart: 2020-04-15\nend: 2020-08-01\ncountries: [KG, TR]\n"
        "exemptions: []\nevacuation_capacity: 500\n",
        sim.scenario(), "test");
    sim.add_event(closure);
    sim.run();
    return migsim_test::variables_of(sim.results());
  };
  EXPECT_EQ(run(false), run(true));
}

}  // namespace
