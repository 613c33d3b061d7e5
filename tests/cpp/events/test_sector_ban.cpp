// sector_ban: the rule on one agent, the event on the policy toy, and its reading from YAML and
// from `--set` overrides.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "../rules/one_agent.hpp"
#include "../test_support.hpp"
#include "migsim/errors.hpp"
#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"
#include "rules/work.hpp"

namespace {

using migsim::Status;
using namespace migsim_test;

const std::string kToy = std::string(MIGSIM_TEST_DATA) + "/policy-toy";

/// Bars `sectors` (a bit mask) to workers of `status` in the one destination.
void bar(OneAgent& w, Status status, std::uint8_t sectors) {
  w.pt.barred_sectors.assign(OneAgent::nO * OneAgent::nD * migsim::kReportedStatuses, 0);
  w.pt.barred_sectors[static_cast<std::size_t>(status)] = sectors;
  w.pt.any_sector_ban = true;
}

TEST(SectorBan, AWorkerOfACoveredStatusLosesAJobInABarredSectorAtOnce) {
  OneAgent w;
  bar(w, Status::PermitHolder, 0b010);  // sector 1
  auto barred = w.abroad(Status::PermitHolder, true, 1, {kHigh, 0, 0, 0});
  work_step(barred, w.context());
  EXPECT_FALSE(Traits::employed(barred.traits));
  auto other_sector = w.abroad(Status::PermitHolder, true, 2, {kHigh, 0, 0, 0});
  work_step(other_sector, w.context());
  EXPECT_TRUE(Traits::employed(other_sector.traits));
  auto not_covered = w.abroad(Status::EaeuWorker, true, 1, {kHigh, 0, 0, 0});
  work_step(not_covered, w.context());
  EXPECT_TRUE(Traits::employed(not_covered.traits));
}

TEST(SectorBan, OffersFromABarredSectorAreClosedAndOthersTaken) {
  OneAgent w;
  w.t.job_finding[0] = std::numeric_limits<Threshold>::max();
  bar(w, Status::PermitHolder, 0b010);
  auto closed = w.abroad(Status::PermitHolder, false, 0, {kLow, 0, sector_draw(1), 0});
  work_step(closed, w.context());
  EXPECT_FALSE(Traits::employed(closed.traits));
  auto open = w.abroad(Status::PermitHolder, false, 0, {kLow, 0, sector_draw(2), 0});
  work_step(open, w.context());
  EXPECT_TRUE(Traits::employed(open.traits));
  EXPECT_EQ(Traits::sector(open.traits), 2u);
}

/// The toy with a permit regime in Russia and the unemployed returning at three times the hazard of
/// the employed (the toy's default factor is 1).
migsim::Scenario toy_with(const std::string& event_yaml) {
  migsim::Scenario sc = migsim::load_scenario(kToy, {{"behaviour.return.unemployed_factor", "3"}});
  sc.events.clear();
  for (const char* e : {"{type: eaeu_accession, label: eaeu_ru, start: 2000-01-01, country: RU}",
                        "{type: permit_fee, label: fee_ru, start: 2000-01-01, country: RU, amount: 5000}"})
    migsim::add_event(sc, migsim::parse_event(e, sc, "test event"));
  if (!event_yaml.empty()) migsim::add_event(sc, migsim::parse_event(event_yaml, sc, "test event"));
  return sc;
}

std::vector<migsim::StepAggregates> run(const migsim::Scenario& sc) {
  migsim::RunOptions options;
  options.seed = 5;
  options.threads = 2;
  options.scale = 10;
  options.until = migsim::Date::from_ymd(2021, 12, 31);
  migsim::Simulation sim(sc, options);
  sim.run();
  return sim.history();
}

// In the toy, KG and TJ citizens need a patent in Russia, so everyone from them in Moscow is a
// permit holder or irregular (or in custody): barring every sector to both empties Moscow's jobs.
TEST(SectorBan, BarringEverySectorEmptiesTheRegionsJobsFromTheStartAndNothingChangesBefore) {
  const auto base = run(toy_with(""));
  const auto ban =
      run(toy_with("{type: sector_ban, label: ban, start: 2021-01-06, regions: [moscow], "
                   "sectors: [construction, services, agriculture], statuses: [permit_holder, irregular]}"));
  const migsim::Scenario sc = toy_with("");
  const std::size_t nO = sc.n_origins(), nL = sc.n_locations(), moscow = nO, siberia = nO + 1;
  const migsim::OutputShape shape{nO, nL, sc.countries.size()};
  const std::size_t first = static_cast<std::size_t>((migsim::Date::from_ymd(2021, 1, 6) - sc.params.start) / 7);
  auto employed = [&](const migsim::StepAggregates& a, std::size_t l) {
    std::int64_t n = 0;
    for (std::size_t o = 0; o < nO; ++o) n += a.employed[shape.origin_location(o, l)];
    return n;
  };
  auto returns = [&](const std::vector<migsim::StepAggregates>& h, std::size_t l) {
    std::int64_t n = 0;
    for (std::size_t k = first; k < h.size(); ++k)
      for (std::size_t o = 0; o < nO; ++o) n += h[k].returns[shape.location_origin(l, o)];
    return n;
  };
  for (std::size_t k = 0; k < first; ++k) {
    ASSERT_EQ(ban[k].stock, base[k].stock) << "step " << k;
    ASSERT_EQ(ban[k].employed, base[k].employed) << "step " << k;
    ASSERT_EQ(ban[k].remittances_usd, base[k].remittances_usd) << "step " << k;
  }
  EXPECT_GT(employed(base[first - 1], moscow), 0);
  for (std::size_t k = first; k < ban.size(); ++k) ASSERT_EQ(employed(ban[k], moscow), 0) << "step " << k;
  EXPECT_GT(returns(ban, moscow), returns(base, moscow) * 11 / 10);  // the jobless go home sooner
  // Siberia's people are untouched in the step the ban starts (later steps feel it through the
  // networks and the destination choice).
  for (std::size_t o = 0; o < nO; ++o)
    EXPECT_EQ(ban[first].employed[shape.origin_location(o, siberia)],
              base[first].employed[shape.origin_location(o, siberia)]);
}

TEST(SectorBan, ReadFromYamlAndSetOverridesWithCheckedStatuses) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("migsim-sector-ban-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write_text(dir / "scenario.yaml", "extends: " + kToy +
                                        "\nevents:\n  - {type: sector_ban, label: ban, start: 2021-01-06, "
                                        "regions: [moscow], sectors: [services]}\n");
  const migsim::Scenario sc = migsim::load_scenario(dir.string());
  const migsim::Event& e = sc.events.back();
  EXPECT_EQ(e.type, migsim::EventType::SectorBan);
  EXPECT_EQ(e.sector_indices, std::vector<int>{1});
  EXPECT_EQ(e.statuses, std::vector<std::string>{"permit_holder"});  // the default, filled in
  const migsim::Scenario set = migsim::load_scenario(
      dir.string(), {{"events.ban.sectors", "[construction, agriculture]"}, {"events.ban.statuses", "[eaeu_worker]"}});
  EXPECT_EQ(set.events.back().sector_indices, (std::vector<int>{0, 2}));
  EXPECT_EQ(set.events.back().statuses, std::vector<std::string>{"eaeu_worker"});
  EXPECT_TRUE(Contains(set.resolved_yaml(), "statuses: [eaeu_worker]"));
  try {
    migsim::load_scenario(dir.string(), {{"events.ban.statuses", "[citizen]"}});
    ADD_FAILURE() << "an unknown status was accepted";
  } catch (const migsim::ScenarioError& error) {
    EXPECT_TRUE(Contains(error.what(), "statuses"));
    EXPECT_TRUE(
        Contains(error.what(),
                 "expected items from resident|eaeu_worker|permit_holder|irregular|scheme_worker, found 'citizen'"));
  }
  fs::remove_all(dir);
}

}  // namespace
