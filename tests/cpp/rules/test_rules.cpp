// Rules on a single agent with hand-set tables (rules/*.hpp): each rule can be read, run and
// checked on its own.
#include <gtest/gtest.h>

#include "one_agent.hpp"
#include "rules/agent_pass.hpp"

namespace {

using migsim::Status;
using namespace migsim_test;

std::uint8_t code(Status s) { return static_cast<std::uint8_t>(s); }

TEST(Rules, WorkLosesAJobAtTheSectorHazardAndFindsOneInTheDrawnSector) {
  OneAgent w;
  w.t.job_loss[1] = to_threshold(0.5);
  auto keeps = w.abroad(Status::EaeuWorker, true, 1, {kHigh, 0, 0, 0});
  work_step(keeps, w.context());
  EXPECT_TRUE(Traits::employed(keeps.traits));
  auto loses = w.abroad(Status::EaeuWorker, true, 1, {kLow, 0, 0, 0});
  work_step(loses, w.context());
  EXPECT_FALSE(Traits::employed(loses.traits));

  w.t.job_finding[0] = to_threshold(0.5);
  auto finds = w.abroad(Status::EaeuWorker, false, 0, {kLow, 0, sector_draw(2), 0});
  work_step(finds, w.context());
  EXPECT_TRUE(Traits::employed(finds.traits));
  EXPECT_EQ(Traits::sector(finds.traits), 2u);
}

TEST(Rules, IncomeFeesAndRemittances) {
  OneAgent w;
  auto a = w.abroad(Status::Irregular, true, 0, {0, 0, 0, 0});
  EXPECT_FLOAT_EQ(net_income(a, w.context()), 300.0f * 0.5f - 100.0f);  // irregular wage factor 0.5
  remit_and_save(a, 50.0f, w.context());
  EXPECT_DOUBLE_EQ(w.tally.money[out::kRemittances][0], 25.0);
  EXPECT_FLOAT_EQ(w.agents.savings_usd[0], 25.0f);

  // A patent holder without a job or savings, past the prepaid month, cannot pay: irregular.
  w.pt.fee_usd[0] = 40.0f;
  auto holder = w.abroad(Status::PermitHolder, false, 0, {0, 0, 0, 0});
  float net = net_income(holder, w.context());
  pay_fee(holder, net, w.context());
  EXPECT_EQ(holder.status, code(Status::Irregular));
  EXPECT_EQ(w.agents.status_day[0], w.t.today);
  // With a job it pays, and the fee is counted in the destination.
  auto paying = w.abroad(Status::PermitHolder, true, 0, {0, 0, 0, 0});
  net = net_income(paying, w.context());
  pay_fee(paying, net, w.context());
  EXPECT_EQ(paying.status, code(Status::PermitHolder));
  EXPECT_FLOAT_EQ(net, 300.0f - 100.0f - 40.0f);
  EXPECT_DOUBLE_EQ(w.tally.money[out::kFees][OneAgent::nO], 40.0);
}

TEST(Rules, EnforcementDetainsOrConvictsInItsIntervalOfTheLegalStatusDraw) {
  OneAgent w;
  w.pt.detection[0] = to_threshold(0.25);
  w.pt.conviction[0] = to_threshold(0.5);
  w.pt.detention_days = 10;
  w.pt.conviction_days[0] = 365;
  auto missed = w.abroad(Status::Irregular, true, 0, {0, to_threshold(0.3), 0, 0});
  EXPECT_FALSE(detected(missed, w.context()));
  auto convicted = w.abroad(Status::Irregular, true, 0, {0, to_threshold(0.1), 0, 0});
  EXPECT_TRUE(detected(convicted, w.context()));
  EXPECT_EQ(convicted.status, code(Status::Convicted));
  EXPECT_EQ(w.agents.status_day[0], w.t.today + 365);
  auto detained = w.abroad(Status::Irregular, true, 0, {0, to_threshold(0.2), 0, 0});
  EXPECT_TRUE(detected(detained, w.context()));
  EXPECT_EQ(detained.status, code(Status::Detained));
  EXPECT_FALSE(Traits::employed(detained.traits));
  EXPECT_EQ(w.tally.counts[out::kDetentions][w.shape.location_origin(OneAgent::nO, 0)], 2);
}

TEST(Rules, AReturnAcrossAClosedBorderIsPostponedByThoseWhoCanWaitAndStrandsTheOthers) {
  OneAgent w;
  std::fill(w.t.return_.begin(), w.t.return_.end(), to_threshold(0.5));
  auto stays = w.abroad(Status::EaeuWorker, true, 0, {0, 0, 0, kHigh});
  return_step(stays, w.context());
  EXPECT_EQ(stays.status, code(Status::EaeuWorker));
  auto home = w.abroad(Status::EaeuWorker, true, 0, {0, 0, 0, kLow});
  return_step(home, w.context());
  EXPECT_EQ(home.status, code(Status::Returned));
  EXPECT_EQ(home.location, 0);
  EXPECT_EQ(w.tally.counts[out::kReturns][w.shape.location_origin(OneAgent::nO, 0)], 1);
  w.pt.crossing[0] = kReturnsBlocked;
  // With a job: waits for the border, still working.
  auto working = w.abroad(Status::EaeuWorker, true, 0, {0, 0, 0, kLow});
  return_step(working, w.context());
  EXPECT_EQ(working.status, code(Status::EaeuWorker));
  EXPECT_TRUE(Traits::employed(working.traits));
  // Without a job but with the savings to wait (four weeks of living costs): waits too.
  auto saver = w.abroad(Status::EaeuWorker, false, 0, {0, 0, 0, kLow});
  w.agents.savings_usd[0] = 400.0f;
  return_step(saver, w.context());
  EXPECT_EQ(saver.status, code(Status::EaeuWorker));
  // Neither: stranded, and queued for evacuation from the next step.
  auto stranded = w.abroad(Status::EaeuWorker, false, 0, {0, 0, 0, kLow});
  w.agents.savings_usd[0] = 399.0f;
  return_step(stranded, w.context());
  EXPECT_EQ(stranded.status, code(Status::Stranded));
  EXPECT_FALSE(Traits::employed(stranded.traits));
  EXPECT_EQ(w.agents.status_day[0], w.t.today);
  EXPECT_EQ(w.tally.counts[out::kReturns][w.shape.location_origin(OneAgent::nO, 0)], 1);  // no one went home
}

TEST(Rules, WhoWaitsForAClosedBorderSendsHomeTheSavingsItWouldHaveCarriedBeyondWhatItNeedsToWait) {
  OneAgent w;
  std::fill(w.t.return_.begin(), w.t.return_.end(), to_threshold(0.5));
  w.pt.crossing[0] = kReturnsBlocked;
  const auto sent = [&] { return w.tally.money[out::kRemittances][0]; };
  // Not going home this step: keeps its savings.
  auto stays = w.abroad(Status::EaeuWorker, true, 0, {0, 0, 0, kHigh});
  w.agents.savings_usd[0] = 1000.0f;
  return_step(stays, w.context());
  EXPECT_FLOAT_EQ(w.agents.savings_usd[0], 1000.0f);
  EXPECT_DOUBLE_EQ(sent(), 0.0);
  // Would go home, waits: sends all beyond the 400 USD it needs to wait.
  auto waits = w.abroad(Status::EaeuWorker, true, 0, {0, 0, 0, kLow});
  w.agents.savings_usd[0] = 1000.0f;
  return_step(waits, w.context());
  EXPECT_EQ(waits.status, code(Status::EaeuWorker));
  EXPECT_FLOAT_EQ(w.agents.savings_usd[0], 400.0f);
  EXPECT_DOUBLE_EQ(sent(), 600.0);
  // Half of it at closure_savings_share 0.5; nothing from savings below the reserve (a job, in debt).
  w.t.closure_savings_share = 0.5f;
  w.agents.savings_usd[0] = 1000.0f;
  return_step(waits, w.context());
  EXPECT_FLOAT_EQ(w.agents.savings_usd[0], 700.0f);
  EXPECT_DOUBLE_EQ(sent(), 900.0);
  w.agents.savings_usd[0] = -50.0f;
  return_step(waits, w.context());
  EXPECT_FLOAT_EQ(w.agents.savings_usd[0], -50.0f);
  EXPECT_DOUBLE_EQ(sent(), 900.0);
  // Where transfers are disrupted, the disrupted share is held like any remittance.
  w.t.any_transfers_held = true;
  w.t.transfers_held.assign(OneAgent::nD, 0.25f);
  w.agents.savings_usd[0] = 800.0f;
  return_step(waits, w.context());
  EXPECT_DOUBLE_EQ(sent(), 900.0 + 150.0);
  EXPECT_DOUBLE_EQ(w.tally.money[out::kRemittancesHeld][w.shape.location_origin(OneAgent::nO, 0)], 50.0);
  // An open border: it goes home with its savings, nothing is sent.
  w.pt.crossing[0] = 0;
  w.agents.savings_usd[0] = 1000.0f;
  auto home = w.abroad(Status::EaeuWorker, true, 0, {0, 0, 0, kLow});
  return_step(home, w.context());
  EXPECT_EQ(home.status, code(Status::Returned));
  EXPECT_DOUBLE_EQ(sent(), 1050.0);
}

TEST(Rules, TheStrandedWaitWhileClosedAndGoHomeAtTheReopeningHazardOnceOpen) {
  OneAgent w;
  w.t.reopening_return.assign(OneAgent::nO * OneAgent::nD, to_threshold(0.25));
  w.pt.evacuation.assign(OneAgent::nO * OneAgent::nD, 0);
  w.pt.crossing[0] = kReturnsBlocked;
  auto waiting = w.abroad(Status::Stranded, false, 0, {0, 0, 0, kLow});
  EXPECT_TRUE(stranded_step(waiting, w.context()));
  EXPECT_EQ(waiting.status, code(Status::Stranded));  // closed: no draw sends anyone home
  EXPECT_EQ(w.tally.stranded.size(), 1u);             // in the evacuation queue
  EXPECT_FLOAT_EQ(w.agents.savings_usd[0], -100.0f);  // living costs
  w.pt.crossing[0] = 0;
  auto queues = w.abroad(Status::Stranded, false, 0, {0, 0, 0, to_threshold(0.3)});
  EXPECT_TRUE(stranded_step(queues, w.context()));
  EXPECT_EQ(queues.status, code(Status::Stranded));  // open, but no fare this week
  EXPECT_EQ(w.tally.stranded.size(), 2u);            // still queued: the evacuation outlasts the closure
  w.pt.evacuation.assign(OneAgent::nO * OneAgent::nD, -1);
  auto stays = w.abroad(Status::Stranded, false, 0, {0, 0, 0, to_threshold(0.3)});
  EXPECT_TRUE(stranded_step(stays, w.context()));
  EXPECT_EQ(stays.status, code(Status::Stranded));  // open, but no seat or fare this week
  EXPECT_EQ(w.tally.stranded.size(), 2u);           // and no queue once the evacuation has ended
  auto leaves = w.abroad(Status::Stranded, false, 0, {0, 0, 0, to_threshold(0.2)});
  EXPECT_TRUE(stranded_step(leaves, w.context()));
  EXPECT_EQ(leaves.status, code(Status::Returned));
  EXPECT_EQ(leaves.location, 0);
}

TEST(Rules, TheAbroadStepOfANaturalisedPersonChangesNothing) {
  OneAgent w;
  w.t.job_loss.assign(w.t.job_loss.size(), std::numeric_limits<Threshold>::max());
  std::fill(w.t.return_.begin(), w.t.return_.end(), std::numeric_limits<Threshold>::max());
  auto a = w.abroad(Status::Naturalised, false, 0, {kLow, kLow, kLow, kLow});
  abroad_step(a, w.context());
  EXPECT_EQ(a.status, code(Status::Naturalised));
  EXPECT_EQ(a.location, OneAgent::nO);
}

}  // namespace
