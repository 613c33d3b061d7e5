// Saved states: a run saved after step k and resumed equals the straight run bit for bit (every
// built-in scenario, steps where events and quota years begin, 1 and 2 threads); forks; branches
// equal straight runs of the changed scenario; edits to the past, other seeds and damaged or
// foreign files are refused.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "../test_support.hpp"
#include "migsim/builtin.hpp"
#include "migsim/errors.hpp"
#include "migsim/output_file.hpp"
#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"
#include "migsim/state.hpp"

namespace {

namespace fs = std::filesystem;
using migsim::ArgumentError;
using migsim::Date;
using migsim::ResumeOptions;
using migsim::RunOptions;
using migsim::Scenario;
using migsim::Simulation;
using migsim_test::Contains;
using migsim_test::differing;
using migsim_test::variables_of;

RunOptions options(int threads, std::int64_t scale, Date until) {
  RunOptions o;
  o.seed = 11;
  o.threads = threads;
  o.scale = scale;
  o.until = until;
  return o;
}

Date ymd(int y, unsigned m, unsigned d) { return Date::from_ymd(y, m, d); }

class StateTest : public ::testing::Test {
 public:
  void SetUp() override { folder_ = migsim_test::fresh_test_folder("migsim_state_"); }
  void TearDown() override { fs::remove_all(folder_); }
  fs::path path(const std::string& name) const { return folder_ / name; }

  /// Runs `steps` steps of `sc`, saves, and returns the path of the state.
  fs::path save_after(const Scenario& sc, const RunOptions& o, std::size_t steps, const std::string& name) {
    Simulation sim(sc, o);
    for (std::size_t k = 0; k < steps && !sim.done(); ++k) sim.step();
    sim.save_state(path(name));
    return path(name);
  }

  fs::path folder_;
};

/// Steps worth saving after: the first, those just before and after an event or a calendar year
/// begins, and the middle of the run.
std::set<std::size_t> interesting_steps(const Scenario& sc, std::size_t total) {
  const migsim::Calendar calendar = sc.calendar();
  std::set<std::size_t> steps{1, total / 2};
  for (const auto& e : sc.events) {
    const std::size_t k = calendar.steps_until(e.start);  // the step containing the start is k - 1
    if (k >= 1 && k - 1 < total) steps.insert(k - 1), steps.insert(k);
  }
  for (std::size_t k = 1; k < total; ++k)
    if (calendar.step_start(k).year() != calendar.step_start(k - 1).year()) steps.insert(k);
  std::set<std::size_t> kept;
  for (auto k : steps)
    if (k >= 1 && k < total) kept.insert(k);
  // A sample keeps the test quick: every event start is covered in the first ones.
  std::set<std::size_t> sample;
  std::size_t i = 0;
  for (auto k : kept)
    if (i++ % 3 == 0 || kept.size() < 12) sample.insert(k);
  return sample;
}

void expect_resumes_exactly(StateTest& t, const std::string& name, std::int64_t scale, Date until) {
  const Scenario sc = migsim::load_scenario(name);
  const RunOptions o = options(2, scale, until);
  Simulation straight(sc, o);
  straight.run();
  const auto expected = variables_of(straight.results());
  for (const std::size_t k : interesting_steps(sc, straight.total_steps())) {
    const fs::path state = t.save_after(sc, o, k, name + "-" + std::to_string(k) + ".h5");
    for (const int threads : {1, 2}) {
      ResumeOptions resume;
      resume.threads = threads;
      resume.until = until;
      Simulation resumed = Simulation::from_state(state, resume);
      ASSERT_EQ(resumed.steps_done(), k);
      resumed.run();
      EXPECT_EQ(variables_of(resumed.results()), expected)
          << name << " saved after step " << k << ", " << threads << " threads";
    }
  }
}

TEST_F(StateTest, EveryBuiltInScenarioResumesBitForBit) {
  for (const auto& name : migsim::builtin_scenario_names()) {
    const Scenario sc = migsim::load_scenario(name);
    const Date until = std::min(sc.params.end, sc.params.start.add_days(5 * 365));
    expect_resumes_exactly(*this, name, 2000, until);
  }
}

TEST_F(StateTest, EveryEventTypeResumesBitForBit) {
  // The policy toy holds every event type: quota counters, scheme places, evacuation credit, bans.
  const Scenario sc = migsim::load_scenario(std::string(MIGSIM_TEST_DATA) + "/policy-toy");
  const RunOptions o = options(2, 1, sc.params.end);
  Simulation straight(sc, o);
  straight.run();
  const auto expected = variables_of(straight.results());
  for (const std::size_t k : interesting_steps(sc, straight.total_steps())) {
    Simulation resumed = Simulation::from_state(save_after(sc, o, k, "toy.h5"), {});
    resumed.run();
    EXPECT_EQ(variables_of(resumed.results()), expected) << "saved after step " << k;
  }
}

TEST_F(StateTest, StateBeforeAnyStepResumes) {
  const Scenario sc = migsim::load_scenario("covid-returns");
  const RunOptions o = options(1, 2000, ymd(2020, 1, 1));
  Simulation straight(sc, o);
  straight.run();
  Simulation resumed = Simulation::from_state(save_after(sc, o, 0, "zero.h5"), {.until = ymd(2020, 1, 1)});
  resumed.run();
  EXPECT_EQ(differing(resumed.results(), straight.results()), "");
}

TEST_F(StateTest, AResumedRunKeepsTheBuiltInItsScenarioExtends) {
  fs::create_directories(path("derived"));
  migsim_test::write_text(path("derived") / "scenario.yaml", "extends: covid-returns\nname: longer\n");
  const Scenario sc = migsim::load_scenario(path("derived").string());
  ASSERT_EQ(sc.builtin_base, "covid-returns");
  const fs::path state = save_after(sc, options(1, 2000, ymd(2019, 9, 1)), 2, "derived.h5");
  Simulation resumed = Simulation::from_state(state, {.until = ymd(2019, 9, 1)});
  EXPECT_EQ(resumed.scenario().builtin_base, "covid-returns");
  EXPECT_EQ(resumed.scenario().source_name, sc.source_name);
}

TEST_F(StateTest, EventsAddedDuringTheRunAreSaved) {
  const Scenario sc = migsim::load_scenario("covid-returns");
  const RunOptions o = options(1, 1000, ymd(2020, 12, 31));
  auto closure = [](const Simulation& sim) {
    return migsim::parse_event(
        "type: border_closure\nlabel: added\nstart: 2020-04-15\nend: 2020-08-01\ncountries: [KG, TR]\n"
        "evacuation_capacity: 500\n",
        sim.scenario(), "test");
  };
  Simulation straight(sc, o);
  while (straight.current_date() < ymd(2020, 4, 1)) straight.step();
  straight.add_event(closure(straight));
  straight.run();
  Simulation saved(sc, o);
  while (saved.current_date() < ymd(2020, 4, 1)) saved.step();
  saved.add_event(closure(saved));
  for (int k = 0; k < 4; ++k) saved.step();  // into the added closure
  saved.save_state(path("added.h5"));
  Simulation resumed = Simulation::from_state(path("added.h5"), {.until = o.until});
  resumed.run();
  EXPECT_EQ(differing(resumed.results(), straight.results()), "");
}

TEST_F(StateTest, ForkContinuesIndependently) {
  const Scenario sc = migsim::load_scenario("covid-returns");
  const RunOptions o = options(2, 1000, ymd(2020, 12, 31));
  Simulation straight(sc, o);
  straight.run();
  Simulation sim(sc, o);
  while (sim.current_date() < ymd(2020, 5, 1)) sim.step();
  Simulation branch = sim.fork();
  branch.add_event(
      migsim::parse_event("type: border_closure\nlabel: late\nstart: 2020-06-01\nend: 2020-07-01\n"
                          "countries: [KG, KZ]\n",
                          branch.scenario(), "test"));
  branch.run();
  sim.run();
  EXPECT_EQ(differing(sim.results(), straight.results()), "");
  EXPECT_NE(differing(branch.results(), straight.results()), "");
  EXPECT_EQ(sim.scenario().events.size() + 1, branch.scenario().events.size());
}

TEST_F(StateTest, BranchEqualsStraightRunOfTheChangedScenario) {
  const RunOptions o = options(2, 1000, ymd(2021, 6, 30));
  const Scenario sc = migsim::load_scenario("covid-returns");
  const fs::path state = save_after(sc, o, 44, "history.h5");  // the closure of Russia is in force
  const std::vector<std::vector<migsim::Override>> edits = {
      {{"events.closure_russia.end", "2020-06-01"}},
      {{"events.closure_russia.evacuation_schedule", "[{from: 2020-05-25, capacity: 5000}]"}},
      // Evacuation begins on 15 May, after the state's date: its size and first day are still open.
      {{"events.closure_russia.evacuation_capacity", "5000"}},
      {{"events.closure_russia.evacuation_from", "2020-05-04"}},
      // The evacuation lasts to the state's date: its last day is still open.
      {{"events.closure_russia.end", "2020-06-01"}, {"events.closure_russia.evacuation_until", "2020-12-01"}},
      {{"behaviour.return.base_rate", "0.5"}},
  };
  for (const auto& edit : edits) {
    Simulation straight(migsim::load_scenario("covid-returns", edit), o);
    straight.run();
    Simulation branch = Simulation::from_state(state, {.overrides = edit, .until = o.until});
    branch.run();
    if (edit[0].key.rfind("behaviour.", 0) == 0) {
      // A behavioural parameter acts from the state's date: the past is the state's.
      EXPECT_NE(differing(branch.results(), straight.results()), "") << edit[0].key;
    } else {
      EXPECT_EQ(differing(branch.results(), straight.results()), "") << edit[0].key;
    }
  }
  // A future event added through a whole scenario.
  Scenario changed = sc;
  migsim::add_event(changed, migsim::parse_event("type: permit_fee\nlabel: fee_2021\nstart: 2021-01-01\n"
                                                 "country: RU\namount: 100\n",
                                                 changed, "test"));
  Simulation straight(changed, o);
  straight.run();
  Simulation branch = Simulation::from_state(state, {.scenario = changed, .until = o.until});
  branch.run();
  EXPECT_EQ(differing(branch.results(), straight.results()), "");
}

TEST_F(StateTest, EditsToThePastAreRefusedByName) {
  const RunOptions o = options(1, 2000, ymd(2021, 6, 30));
  const fs::path state = save_after(migsim::load_scenario("covid-returns"), o, 44, "history.h5");
  auto refusal = [&](ResumeOptions resume) {
    try {
      Simulation::from_state(state, std::move(resume));
    } catch (const ArgumentError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_TRUE(Contains(refusal({.overrides = {{"events.closure_russia.start", "2020-03-01"}}}),
                       "event 'closure_russia' start: 2020-03-18 in the state, 2020-03-01 in the branch"));
  const std::string moved = refusal({.overrides = {{"events.closure_kazakhstan.start", "2020-06-01"}}});
  EXPECT_TRUE(Contains(moved, "event 'closure_kazakhstan' began before the state's date 2020-05-04 and is missing"));
  EXPECT_FALSE(Contains(moved, "events begun before"));  // one problem for the event, not one per field
  Scenario early = migsim::load_scenario("covid-returns");
  migsim::add_event(early, migsim::parse_event("type: permit_fee\nlabel: early_fee\nstart: 2020-01-01\n"
                                               "country: RU\namount: 100\n",
                                               early, "test"));
  EXPECT_TRUE(Contains(refusal({.scenario = early}), "event 'early_fee' (permit_fee, start 2020-01-01) begins before"));
  EXPECT_TRUE(Contains(refusal({.overrides = {{"events.closure_russia.evacuation_from", "2020-04-01"}}}),
                       "event 'closure_russia' evacuation: none before 2020-05-04 (evacuation_from on or after it) in "
                       "the state, from 2020-04-01, 2460 a week in the branch"));
  EXPECT_TRUE(
      Contains(refusal({.overrides = {{"events.closure_russia.end", "2020-04-01"}}}), "event 'closure_russia' end"));
  EXPECT_TRUE(Contains(refusal({.overrides = {{"population.initial_max_years_abroad", "7"}}}),
                       "parameter population.initial_max_years_abroad: 4 in the state, 7 in the branch"));
  EXPECT_TRUE(Contains(refusal({.overrides = {{"calendar.end", "2020-01-01"}}}), "calendar.end"));
  EXPECT_TRUE(Contains(refusal({.overrides = {{"tables.wages", "other.csv"}}}), "cannot change its tables"));
  EXPECT_TRUE(Contains(refusal({.scenario = migsim::load_scenario("kyrgyzstan")}), "table tables.regions"));
  EXPECT_TRUE(Contains(refusal({.seed = 12}), "the state was run with seed 11"));
  EXPECT_TRUE(Contains(refusal({.scale = 100}), "the state was run at scale 2000"));
  EXPECT_TRUE(Contains(refusal({.until = ymd(2019, 12, 1)}), "is before the state's date"));
  // What acts only after the state's date is accepted.
  EXPECT_EQ(
      refusal({.overrides = {{"events.closure_russia.end", "2020-12-01"}, {"behaviour.return.base_rate", "0.4"}}}),
      "accepted");
  EXPECT_EQ(refusal({.overrides = {{"events.closure_russia.evacuation_capacity", "3000"}}}),
            "accepted");  // from 15 May
  EXPECT_EQ(refusal({.overrides = {{"events.closure_russia.evacuation_until", "2020-12-01"}}}), "accepted");
  // Leaving out an event (`--without`): only one that starts on or after the state's date.
  EXPECT_EQ(refusal({.remove_events = {"covid_builders_pay_2020"}}), "accepted");
  EXPECT_TRUE(Contains(refusal({.remove_events = {"closure_russia"}}),
                       "event 'closure_russia' began before the state's date 2020-05-04 and is missing"));
  EXPECT_TRUE(Contains(refusal({.remove_events = {"closure_rusia"}}),
                       "--without closure_rusia: no event labelled 'closure_rusia'; did you mean 'closure_russia'?"));
  // The refusal of an edit to a state saved after `steps` steps.
  auto refusal_after = [&](std::size_t steps, const std::string& key, const std::string& value) {
    const fs::path later = save_after(migsim::load_scenario("covid-returns"), o, steps, "later.h5");
    try {
      Simulation::from_state(later, {.overrides = {{key, value}}});
    } catch (const ArgumentError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  // Once the evacuation is over, its last day is history too.
  const std::string ended = refusal_after(70, "events.closure_russia.evacuation_until", "2020-12-01");
  EXPECT_TRUE(Contains(ended, "event 'closure_russia' evacuation_until: 2020-09-20 in the state, on or after"));
  EXPECT_TRUE(Contains(ended, "the evacuation had ended before the state's date, so its last day is history"));
  // Once the evacuation has begun, its capacity is history: a later one is a schedule entry.
  const std::string message = refusal_after(48, "events.closure_russia.evacuation_capacity", "3000");
  EXPECT_TRUE(Contains(message,
                       "event 'closure_russia' evacuation: from 2020-05-15, 2460 a week in the state, from "
                       "2020-05-15, 3000 a week in the branch; the steps before the state's date saw this "
                       "evacuation: for other seats from then on, add an evacuation_schedule entry"));
}

TEST_F(StateTest, InfoDescribesTheState) {
  const fs::path state =
      save_after(migsim::load_scenario("covid-returns"), options(1, 2000, ymd(2020, 6, 1)), 10, "info.h5");
  const migsim::StateInfo info = migsim::read_state_info(state);
  EXPECT_EQ(info.steps_done, 10u);
  EXPECT_EQ(info.seed, 11u);
  EXPECT_EQ(info.scale, 2000);
  EXPECT_EQ(info.scenario_name, "covid-returns");
  EXPECT_EQ(info.format, migsim::kStateFormat);
  EXPECT_EQ(info.migsim_version, migsim::version());
  EXPECT_EQ(info.fingerprint.size(), 16u);
  EXPECT_TRUE(Contains(migsim::describe_state(info), "after 10 steps"));
  EXPECT_TRUE(migsim::looks_like_state_file(state));
}

TEST_F(StateTest, FingerprintIsSharedByBranchesAndChangesWithThePast) {
  const Scenario sc = migsim::load_scenario("covid-returns");
  const RunOptions o = options(1, 2000, ymd(2021, 6, 30));
  Simulation a(sc, o);
  for (int k = 0; k < 44; ++k) a.step();
  a.save_state(path("a.h5"));
  Simulation branch =
      Simulation::from_state(path("a.h5"), {.overrides = {{"events.closure_russia.end", "2020-12-01"}}});
  EXPECT_EQ(branch.fingerprint(), a.fingerprint());
  EXPECT_EQ(migsim::read_state_info(path("a.h5")).fingerprint, a.fingerprint());
  RunOptions other = o;
  other.seed = 12;
  Simulation b(sc, other);
  for (int k = 0; k < 44; ++k) b.step();
  EXPECT_NE(b.fingerprint(), a.fingerprint());
  a.step();
  EXPECT_NE(branch.fingerprint(), a.fingerprint());  // one more step: another past
}

TEST_F(StateTest, DamagedTruncatedAndForeignFilesAreRefused) {
  const fs::path state =
      save_after(migsim::load_scenario("covid-returns"), options(1, 2000, ymd(2020, 6, 1)), 10, "good.h5");
  const std::string bytes = migsim_test::read_text(state);
  auto refusal = [](const fs::path& p) {
    try {
      Simulation::from_state(p, {});
    } catch (const ArgumentError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  migsim_test::write_text(path("truncated.h5"), bytes.substr(0, bytes.size() / 2));
  EXPECT_TRUE(Contains(refusal(path("truncated.h5")), "truncated"));
  for (const std::size_t at : {std::size_t{5000}, bytes.size() / 3, bytes.size() - 10}) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    migsim_test::write_text(path("flipped.h5"), flipped);
    EXPECT_TRUE(Contains(refusal(path("flipped.h5")), "damaged")) << at;
  }
  std::string header = bytes;
  header.replace(header.find("format: 1"), 9, "format: 9");
  migsim_test::write_text(path("format.h5"), header);
  EXPECT_TRUE(Contains(refusal(path("format.h5")), "a state file of format 9"));
  std::string older = bytes;
  older[older.find("migsim: ") + 8] = '9';  // another version, same length
  migsim_test::write_text(path("version.h5"), older);
  EXPECT_TRUE(Contains(refusal(path("version.h5")), "a state resumes only with the build that wrote it"));
  migsim_test::write_text(path("text.h5"), "not a state\n");
  EXPECT_TRUE(Contains(refusal(path("text.h5")), "expected a migsim state file, found not a migsim state file"));
  Simulation run(migsim::load_scenario("covid-returns"), options(1, 2000, ymd(2019, 8, 1)));
  run.run();
  migsim::output::write_netcdf4(run.results(), path("output.h5"));
  EXPECT_TRUE(Contains(refusal(path("output.h5")), "an HDF5 file (a migsim output file?"));
  EXPECT_TRUE(Contains(refusal(path("missing.h5")), "no such file"));
  EXPECT_TRUE(Contains(refusal(folder_), "found a folder"));
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  EXPECT_TRUE(Contains(refusal(path("fifo")), "found a FIFO"));
}

TEST_F(StateTest, StateFilesAreWrittenLikeOutputs) {
  Simulation sim(migsim::load_scenario("covid-returns"), options(1, 2000, ymd(2019, 9, 1)));
  sim.step();
  fs::create_symlink(path("elsewhere.h5"), path("link.h5"));
  EXPECT_THROW(sim.save_state(path("link.h5")), migsim::OutputError);
  EXPECT_FALSE(fs::exists(path("elsewhere.h5")));
  EXPECT_THROW(sim.save_state(path("no-such-folder") / "s.h5"), migsim::OutputError);
  // A cancelled write leaves nothing behind.
  EXPECT_THROW(sim.save_state(path("cancelled.h5"), [] { return true; }), migsim::output::WriteCancelled);
  std::vector<fs::path> left;
  for (const auto& entry : fs::directory_iterator(folder_)) left.push_back(entry.path().filename());
  EXPECT_EQ(left, std::vector<fs::path>{"link.h5"});
}

}  // namespace
