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

/// Closes `share` of `sector` to permit holders; in the step the ban starts if `starts`.
void close_part(OneAgent& w, unsigned sector, double share, bool starts) {
  const std::size_t n = OneAgent::nO * OneAgent::nD * migsim::kReportedStatuses * OneAgent::nS;
  w.pt.closed_share.assign(n, 0);
  w.pt.ban_layoff.assign(n, 0);
  const std::size_t k = static_cast<std::size_t>(Status::PermitHolder) * OneAgent::nS + sector;
  w.pt.closed_share[k] = to_threshold(share);
  if (starts) w.pt.ban_layoff[k] = to_threshold(share);
  w.pt.any_partial_sector_ban = true;
  w.pt.any_ban_layoff = starts;
}

/// Of `n` draws spread evenly over [0, 2^32), the share that leaves `make(u)` employed in `sector`
/// after the work step (-1 in `sector`: employed anywhere).
template <class Make>
double employed_share(OneAgent& w, int sector, Make make) {
  constexpr std::uint32_t n = 6000;
  int employed = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    Agent a = make(static_cast<std::uint32_t>((std::uint64_t{i} << 32) / n + 1000));
    work_step(a, w.context());
    employed += Traits::employed(a.traits) && (sector < 0 || Traits::sector(a.traits) == unsigned(sector));
  }
  return static_cast<double>(employed) / n;
}

TEST(SectorBan, ABanOfPartOfASectorClosesThatPartOfItsOffers) {
  OneAgent w;
  w.t.job_finding[0] = std::numeric_limits<Threshold>::max();
  close_part(w, 1, 0.25, false);
  auto offer = [&](Status status) {
    return [&w, status](std::uint32_t u) { return w.abroad(status, false, 0, {kLow, 0, u, 0}); };
  };
  // The sector draw spread over all sectors: each takes a third of the offers, sector 1 a quarter less.
  EXPECT_NEAR(employed_share(w, 0, offer(Status::PermitHolder)), 1.0 / 3, 1e-3);
  EXPECT_NEAR(employed_share(w, 1, offer(Status::PermitHolder)), 0.75 / 3, 1e-3);
  EXPECT_NEAR(employed_share(w, 2, offer(Status::PermitHolder)), 1.0 / 3, 1e-3);
  EXPECT_NEAR(employed_share(w, 1, offer(Status::EaeuWorker)), 1.0 / 3, 1e-3);  // not covered
  // The closed part is the bottom of the sector's interval of the draw, whatever the step.
  auto low = w.abroad(Status::PermitHolder, false, 0, {kLow, 0, sector_draw(1), 0});
  work_step(low, w.context());
  EXPECT_FALSE(Traits::employed(low.traits));
  auto middle = w.abroad(Status::PermitHolder, false, 0, {kLow, 0, sector_draw(1) + 0x2AAAAAAAu, 0});
  work_step(middle, w.context());
  EXPECT_TRUE(Traits::employed(middle.traits));
}

TEST(SectorBan, ABanOfPartOfASectorEndsThatPartOfItsJobsInTheStepItStartsOnly) {
  OneAgent w;
  w.t.job_loss[1] = to_threshold(0.1);
  w.t.job_loss[2] = to_threshold(0.1);
  auto job = [&](unsigned sector, Status status) {
    return [&w, sector, status](std::uint32_t u) { return w.abroad(status, true, sector, {u, 0, 0, 0}); };
  };
  close_part(w, 1, 0.25, true);
  // Lost: the ordinary 10 %, and a quarter of the rest.
  EXPECT_NEAR(employed_share(w, 1, job(1, Status::PermitHolder)), 0.9 * 0.75, 1e-3);
  EXPECT_NEAR(employed_share(w, 2, job(2, Status::PermitHolder)), 0.9, 1e-3);
  EXPECT_NEAR(employed_share(w, 1, job(1, Status::EaeuWorker)), 0.9, 1e-3);
  close_part(w, 1, 0.25, false);  // a later step of the ban: those who kept their job keep it
  EXPECT_NEAR(employed_share(w, 1, job(1, Status::PermitHolder)), 0.9, 1e-3);
}

TEST(SectorBan, ARecallDoesNotGiveBackAJobInTheClosedPartOfASector) {
  OneAgent w;
  w.t.any_recall = true;
  w.t.recall.assign(OneAgent::nD * OneAgent::nS, std::numeric_limits<Threshold>::max());
  close_part(w, 1, 0.25, false);
  auto laid_off = [&](std::uint32_t u) {
    Agent a = w.abroad(Status::PermitHolder, true, 1, {0x80000000u, 0, u, 0});
    a.traits = Traits::without_job(a.traits);
    return a;
  };
  EXPECT_NEAR(employed_share(w, 1, laid_off), 0.75, 1e-3);
  close_part(w, 1, 0, false);
  EXPECT_NEAR(employed_share(w, 1, laid_off), 1.0, 1e-3);
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

/// People of one origin employed in one destination at a step.
std::int64_t employed_in(const migsim::StepAggregates& a, const migsim::OutputShape& shape, std::size_t nO,
                         std::size_t l) {
  std::int64_t n = 0;
  for (std::size_t o = 0; o < nO; ++o) n += a.employed[shape.origin_location(o, l)];
  return n;
}

// Half of every sector closed to everyone from the toy's patent countries in Moscow: about half the
// jobs end in the first step, and employment stays between none and the run without the ban.
TEST(SectorBan, BarringHalfOfEverySectorEndsAboutHalfTheJobsAtTheStartAndNotAll) {
  const auto base = run(toy_with(""));
  const std::string ban =
      "{type: sector_ban, label: ban, start: 2021-01-06, regions: [moscow], "
      "sectors: [construction, services, agriculture], statuses: [permit_holder, irregular]";
  const auto half = run(toy_with(ban + ", share: 0.5}"));
  const auto whole = run(toy_with(ban + ", share: 1}"));
  const auto written_out = run(toy_with(ban + "}"));
  const migsim::Scenario sc = toy_with("");
  const std::size_t nO = sc.n_origins(), moscow = nO;
  const migsim::OutputShape shape{nO, sc.n_locations(), sc.countries.size()};
  const std::size_t first = static_cast<std::size_t>((migsim::Date::from_ymd(2021, 1, 6) - sc.params.start) / 7);
  for (std::size_t k = 0; k < first; ++k) ASSERT_EQ(half[k].employed, base[k].employed) << "step " << k;
  const double before = static_cast<double>(employed_in(base[first - 1], shape, nO, moscow));
  const double kept = static_cast<double>(employed_in(half[first], shape, nO, moscow)) / before;
  const double kept_without_ban = static_cast<double>(employed_in(base[first], shape, nO, moscow)) / before;
  EXPECT_GT(before, 200);
  EXPECT_NEAR(kept, kept_without_ban * 0.5, 0.1) << "employed in Moscow after the first step of the ban";
  for (std::size_t k = first; k < half.size(); ++k) {
    EXPECT_GT(employed_in(half[k], shape, nO, moscow), 0) << "step " << k;
    EXPECT_LT(employed_in(half[k], shape, nO, moscow), employed_in(base[k], shape, nO, moscow)) << "step " << k;
  }
  // share 1 is the whole-sector ban, as when share is left out.
  for (std::size_t k = 0; k < whole.size(); ++k) ASSERT_EQ(whole[k].employed, written_out[k].employed) << "step " << k;
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
  EXPECT_EQ(e.share, 1);  // the whole sector unless told
  EXPECT_EQ(migsim::load_scenario(dir.string(), {{"events.ban.share", "0.3"}}).events.back().share, 0.3);
  try {
    migsim::load_scenario(dir.string(), {{"events.ban.share", "1.5"}});
    ADD_FAILURE() << "a share above 1 was accepted";
  } catch (const migsim::ScenarioError& error) {
    EXPECT_TRUE(Contains(error.what(), "events.ban.share")) << error.what();
  }
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
