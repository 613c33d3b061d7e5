// Runs under mpirun (see tests/CMakeLists.txt): every rank runs each scenario twice, once alone
// and once split over all ranks, and the two must agree bit for bit.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <filesystem>

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

namespace {

/// A path every rank agrees on (rank 0's process id), in the temporary folder.
std::filesystem::path shared_path(const std::string& name) {
  long pid = static_cast<long>(::getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  return std::filesystem::temp_directory_path() / ("migsim_mpi_" + std::to_string(pid) + "_" + name);
}

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

migsim::ResumeOptions resume_on(bool distributed, int threads, const char* until) {
  migsim::ResumeOptions o;
  o.until = Date();
  EXPECT_TRUE(Date::parse(until, *o.until));
  o.threads = threads;
  o.distributed = distributed;
  return o;
}

}  // namespace

// A state saved by the ranks of a distributed run holds every agent in id order, so it resumes
// alone or split over the ranks with the output of a straight run.
TEST(Distributed, StateSavedOnRanksResumesAloneAndOnRanks) {
  const auto sc = migsim::load_scenario("covid-returns");
  const RunOptions split_options = options(1, 200, "2021-06-30", true);
  Simulation straight(sc, options(2, 200, "2021-06-30", false));
  straight.run();
  const auto path = shared_path("ranks.h5");
  {
    Simulation split(sc, split_options);
    for (int k = 0; k < 44; ++k) split.step();  // the closure of Russia is in force
    split.save_state(path);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  Simulation alone = Simulation::from_state(path, resume_on(false, 2, "2021-06-30"));
  alone.run();
  EXPECT_EQ(migsim_test::differing(alone.results(), straight.results()), "");
  Simulation again = Simulation::from_state(path, resume_on(true, 1, "2021-06-30"));
  again.run();
  EXPECT_EQ(migsim_test::differing(again.results(), straight.results()), "");
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank() == 0) std::filesystem::remove(path);
}

TEST(Distributed, StateSavedAloneResumesOnRanks) {
  const auto sc = migsim::load_scenario("kyrgyzstan");
  Simulation straight(sc, options(2, 500, "2016-06-30", false));
  straight.run();
  const auto path = shared_path("alone.h5");
  if (rank() == 0) {
    Simulation alone(sc, options(2, 500, "2016-06-30", false));
    for (int k = 0; k < 200; ++k) alone.step();  // into 2013, after a quota year began
    alone.save_state(path);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  Simulation split = Simulation::from_state(path, resume_on(true, 1, "2016-06-30"));
  split.run();
  EXPECT_EQ(migsim_test::differing(split.results(), straight.results()), "");
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank() == 0) std::filesystem::remove(path);
}
