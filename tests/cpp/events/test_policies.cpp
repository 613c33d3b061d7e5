// Tests for the institutions at work: each event type run on a small toy (tests/data/policy-toy)
// and checked against exact invariants of the per-step aggregates where the rules give one
// (quota limits and counters, evacuation capacity, ban lengths, scheme stays, conservation), and
// against the direction of its effect (two runs with the same seed) where they do not. Most runs
// start from the toy with its events removed and add the events under test.
//
// The toy has no entrants but, with ages uniform in [0, 120), a few agents reach 120 and exit
// each step; invariants that follow agents allow for those exits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "../test_support.hpp"
#include "migsim/dataset.hpp"
#include "migsim/errors.hpp"
#include "migsim/random.hpp"
#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"

namespace {

using migsim_test::Contains;
using migsim_test::variables_of;

using migsim::Date;
using migsim::kReportedStatuses;
using migsim::RunOptions;
using migsim::Scenario;
using migsim::Simulation;
using migsim::Status;
using migsim::StepAggregates;
using Set = std::vector<std::size_t>;

const std::string kToy = std::string(MIGSIM_TEST_DATA) + "/policy-toy";

Date ymd(int y, unsigned m, unsigned d) { return Date::from_ymd(y, m, d); }

RunOptions options(std::uint64_t seed, int threads, std::int64_t scale, std::optional<Date> until = std::nullopt) {
  RunOptions o;
  o.seed = seed;
  o.threads = threads;
  o.scale = scale;
  o.until = until;
  return o;
}

const Scenario& toy() {
  static const Scenario scenario = migsim::load_scenario(kToy);
  return scenario;
}

const Scenario& kyrgyzstan() {
  static const Scenario scenario = migsim::load_scenario("kyrgyzstan");
  return scenario;
}

/// The toy without its events (parameters overridden as given).
Scenario bare(const std::vector<migsim::Override>& overrides = {}) {
  Scenario sc = overrides.empty() ? toy() : migsim::load_scenario(kToy, overrides);
  sc.events.clear();
  return sc;
}

void add(Scenario& sc, const std::string& yaml) { migsim::add_event(sc, migsim::parse_event(yaml, sc, "test event")); }

/// The toy with Russia and Kazakhstan in the EAEU from 2000, and Kyrgyzstan too if `kg_member`.
Scenario eaeu_toy(bool kg_member, const std::vector<migsim::Override>& overrides = {}) {
  Scenario sc = bare(overrides);
  add(sc, "{type: eaeu_accession, label: eaeu_ru, start: 2000-01-01, country: RU}");
  add(sc, "{type: eaeu_accession, label: eaeu_kz, start: 2000-01-01, country: KZ}");
  if (kg_member) add(sc, "{type: eaeu_accession, label: eaeu_kg, start: 2000-01-01, country: KG}");
  return sc;
}

/// KG and TJ citizens need a patent in Russia (fee 5,000 RUB a month); Kazakhstan is free.
Scenario permit_toy(const std::vector<migsim::Override>& overrides = {}) {
  Scenario sc = eaeu_toy(false, overrides);
  add(sc, "{type: permit_fee, label: fee_ru, start: 2000-01-01, country: RU, amount: 5000}");
  return sc;
}

std::size_t event_index(const Scenario& sc, const std::string& label) {
  for (std::size_t k = 0; k < sc.events.size(); ++k)
    if (sc.events[k].label == label) return k;
  throw std::logic_error("no event " + label);
}

/// Names to indices, and sums of aggregate cells over sets of origins and locations.
struct Ix {
  std::size_t nO, nD, nL, nC;
  std::vector<std::string> locations, countries;
  std::vector<std::size_t> location_country;

  explicit Ix(const Scenario& sc)
      : nO(sc.n_origins()), nD(sc.n_destinations()), nL(sc.n_locations()), nC(sc.countries.size()) {
    for (std::size_t l = 0; l < nL; ++l) {
      locations.push_back(sc.location(l).name);
      location_country.push_back(sc.location(l).country);
    }
    for (const auto& c : sc.countries) countries.push_back(c.code);
  }
  std::size_t loc(const std::string& name) const {
    auto it = std::find(locations.begin(), locations.end(), name);
    if (it == locations.end()) throw std::logic_error("no location " + name);
    return static_cast<std::size_t>(it - locations.begin());
  }
  std::size_t country(const std::string& code) const {
    auto it = std::find(countries.begin(), countries.end(), code);
    if (it == countries.end()) throw std::logic_error("no country " + code);
    return static_cast<std::size_t>(it - countries.begin());
  }
  /// Origins (indices) or destinations (location indices) in a country.
  Set origins_in(const std::string& code) const {
    Set out;
    for (std::size_t o = 0; o < nO; ++o)
      if (location_country[o] == country(code)) out.push_back(o);
    return out;
  }
  Set destinations_in(const std::string& code) const {
    Set out;
    for (std::size_t l = nO; l < nL; ++l)
      if (location_country[l] == country(code)) out.push_back(l);
    return out;
  }
  Set all_origins() const {
    Set out;
    for (std::size_t o = 0; o < nO; ++o) out.push_back(o);
    return out;
  }
  Set all_destinations() const {
    Set out;
    for (std::size_t l = nO; l < nL; ++l) out.push_back(l);
    return out;
  }

  static std::int64_t cells(const std::vector<std::int64_t>& v, const Set& rows, const Set& cols, std::size_t width) {
    std::int64_t total = 0;
    for (auto r : rows)
      for (auto c : cols) total += v[r * width + c];
    return total;
  }
  std::int64_t stock(const StepAggregates& a, const Set& os, const Set& ls, Status s) const {
    std::int64_t total = 0;
    for (auto o : os)
      for (auto l : ls) total += a.stock[migsim_test::stock_cell(nL, o, l, static_cast<std::size_t>(s))];
    return total;
  }
  std::int64_t abroad(const StepAggregates& a, const Set& os, const Set& ls) const {
    std::int64_t total = 0;
    for (std::size_t s = static_cast<std::size_t>(Status::Resident); s < kReportedStatuses; ++s)
      total += stock(a, os, ls, static_cast<Status>(s));
    return total;
  }
  // [origin][location]
  std::int64_t departures(const StepAggregates& a, const Set& os, const Set& ls) const {
    return cells(a.departures, os, ls, nL);
  }
  std::int64_t blocked(const StepAggregates& a, const Set& os, const Set& ls) const {
    return cells(a.blocked_departures, os, ls, nL);
  }
  std::int64_t employed(const StepAggregates& a, const Set& os, const Set& ls) const {
    return cells(a.employed, os, ls, nL);
  }
  // [location][origin]
  std::int64_t returns(const StepAggregates& a, const Set& ls, const Set& os) const {
    return cells(a.returns, ls, os, nO);
  }
  std::int64_t evacuated(const StepAggregates& a, const Set& ls, const Set& os) const {
    return cells(a.evacuated, ls, os, nO);
  }
  std::int64_t deportations(const StepAggregates& a, const Set& ls, const Set& os) const {
    return cells(a.deportations, ls, os, nO);
  }
  std::int64_t detentions(const StepAggregates& a, const Set& ls, const Set& os) const {
    return cells(a.detentions, ls, os, nO);
  }
  std::int64_t naturalised(const StepAggregates& a, const Set& ls, const Set& os) const {
    return cells(a.naturalised, ls, os, nO);
  }
  // [country][origin]
  std::int64_t bans(const StepAggregates& a, const std::string& code, const Set& os) const {
    return cells(a.bans_active, {country(code)}, os, nO);
  }
  std::int64_t exits(const StepAggregates& a, const Set& os) const {
    std::int64_t total = 0;
    for (auto o : os) total += a.exits[o];
    return total;
  }
};

/// A finished run and the state before its first step.
struct Outcome {
  Simulation sim;
  StepAggregates initial;
  const std::vector<StepAggregates>& h() const { return sim.history(); }
  const StepAggregates& before(std::size_t t) const { return t == 0 ? initial : sim.history()[t - 1]; }
  std::size_t steps() const { return sim.history().size(); }
  Date date(std::size_t t) const { return sim.step_dates()[t]; }
  /// Index of the step starting on `d` (the test fails if there is none).
  std::size_t step(Date d) const {
    const auto& dates = sim.step_dates();
    auto it = std::find(dates.begin(), dates.end(), d);
    EXPECT_NE(it, dates.end()) << "no step starts on " << d.iso();
    return static_cast<std::size_t>(it - dates.begin());
  }
  bool in_force(std::size_t t, const std::string& label) const {
    return h()[t].policy_state[event_index(sim.scenario(), label)] != 0;
  }
  /// Sum of f(step) over steps [from, to).
  template <typename F>
  std::int64_t total(F f, std::size_t from = 0, std::size_t to = std::numeric_limits<std::size_t>::max()) const {
    std::int64_t sum = 0;
    for (std::size_t t = from; t < std::min(to, steps()); ++t) sum += f(h()[t]);
    return sum;
  }
};

Outcome run(const Scenario& sc, const RunOptions& o = options(3, 2, 10)) {
  Simulation sim(sc, o);
  StepAggregates initial = sim.last();
  sim.run();
  return Outcome{std::move(sim), std::move(initial)};
}

template <typename T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

/// "" if two steps' aggregates are identical bit for bit, else the first field that differs
/// (policy_state only if `with_events`: runs with different events list different events).
/// Remittances sent home in a step, summed over origins (USD).
double remitted_usd(const StepAggregates& x) {
  return std::accumulate(x.remittances_usd.begin(), x.remittances_usd.end(), 0.0);
}

std::string difference(const StepAggregates& a, const StepAggregates& b, bool with_events = true) {
  for (const auto& spec : migsim::kOutputs) {  // every stored variable, from the output schema
    if (spec.counts && !same_bits(a.*spec.counts, b.*spec.counts)) return std::string(spec.name);
    if (spec.reals && !same_bits(a.*spec.reals, b.*spec.reals)) return std::string(spec.name);
  }
  if (with_events && !same_bits(a.policy_state, b.policy_state)) return "policy_state";
  return "";
}

/// Every cell of origin `o`'s rows (stock, departures, returns, employment) is the same.
bool same_origin_rows(const Ix& ix, const StepAggregates& a, const StepAggregates& b, std::size_t o) {
  for (std::size_t i = 0; i < ix.nL * kReportedStatuses; ++i)
    if (a.stock[migsim_test::stock_cell(ix.nL, o, 0, 0) + i] != b.stock[migsim_test::stock_cell(ix.nL, o, 0, 0) + i])
      return false;
  for (std::size_t l = 0; l < ix.nL; ++l)
    if (a.departures[o * ix.nL + l] != b.departures[o * ix.nL + l] ||
        a.returns[l * ix.nO + o] != b.returns[l * ix.nO + o] || a.employed[o * ix.nL + l] != b.employed[o * ix.nL + l])
      return false;
  return a.population[o] == b.population[o] && a.remittances_usd[o] == b.remittances_usd[o];
}

// ---- accounting ------------------------------------------------------------------------------

struct Totals {
  std::int64_t departures = 0, returns = 0, evacuated = 0, deportations = 0, detentions = 0, naturalised = 0,
               permits = 0, blocked = 0, max_stranded = 0, max_bans = 0, max_displaced = 0, max_scheme = 0, exits = 0,
               entries = 0;
  std::size_t quota_steps = 0;
  double fees = 0, max_held = 0;
};

/// The identities every run must satisfy at every step, whatever its events.
void check_accounting(const Outcome& r, Totals& totals) {
  const Scenario& sc = r.sim.scenario();
  const Ix ix(sc);
  const std::size_t nO = ix.nO, nL = ix.nL;
  const auto scale = static_cast<double>(r.sim.options().scale);
  const migsim::Calendar calendar = sc.calendar();
  for (std::size_t t = 0; t < r.steps(); ++t) {
    const StepAggregates& now = r.h()[t];
    const StepAggregates& before = r.before(t);
    // Which events are in force, from their dates.
    ASSERT_EQ(now.policy_state.size(), sc.events.size());
    const Date from = calendar.step_start(t), until = calendar.step_end(t);
    bool closure = false;  // a closure in force now or earlier: the stranded leave over weeks after one
    for (std::size_t k = 0; k < sc.events.size(); ++k) {
      const auto& e = sc.events[k];
      const bool once = !migsim::event_spec(e.type).has_end;
      const bool expected = once ? (from <= e.start && e.start < until) : e.overlaps(from, until);
      ASSERT_EQ(now.policy_state[k], expected ? 1 : 0) << e.label << " t=" << t;
      closure = closure || (e.type == migsim::EventType::BorderClosure && e.start < until);
    }
    for (std::size_t o = 0; o < nO; ++o) {
      std::int64_t placed = 0;
      for (std::size_t l = 0; l < nL; ++l)
        for (std::size_t s = 0; s < kReportedStatuses; ++s) {
          const auto n = now.stock[migsim_test::stock_cell(nL, o, l, s)];
          ASSERT_GE(n, 0);
          placed += n;
          if (n == 0) continue;
          const auto status = static_cast<Status>(s);
          if (migsim::is_abroad(status))
            ASSERT_GE(l, nO) << "migrants at an origin, t=" << t;
          else if (status == Status::Displaced)
            ASSERT_TRUE(l < nO && l != o) << "displaced people abroad or in their own region, t=" << t;
          else
            ASSERT_EQ(l, o) << "people at home away from their origin, t=" << t;
          if (status == Status::Stranded) ASSERT_TRUE(closure) << "stranded without a closure, t=" << t;
        }
      ASSERT_EQ(placed, now.population[o]) << "t=" << t;
      ASSERT_EQ(now.population[o], before.population[o] + now.entries[o] - now.exits[o]) << "t=" << t;
      std::int64_t departed = 0, returned = 0;
      for (std::size_t l = 0; l < nL; ++l) {
        const std::size_t ol = o * nL + l, lo = l * nO + o;
        for (auto v : {now.departures[ol], now.returns[lo], now.blocked_departures[ol], now.detentions[lo],
                       now.deportations[lo], now.evacuated[lo], now.naturalised[lo], now.employed[ol]})
          ASSERT_GE(v, 0) << "t=" << t;
        if (l < nO) {
          for (auto v : {now.departures[ol], now.returns[lo], now.blocked_departures[ol], now.detentions[lo],
                         now.deportations[lo], now.evacuated[lo], now.naturalised[lo]})
            ASSERT_EQ(v, 0) << "a flow to or from an origin, t=" << t;
          continue;
        }
        // Deportations and evacuations are returns (disjoint ones).
        ASSERT_LE(now.deportations[lo] + now.evacuated[lo], now.returns[lo]) << "t=" << t;
        // Naturalised people stay where they are, for good.
        const auto nat = [&](const StepAggregates& a) {
          return a.stock[migsim_test::stock_cell(nL, o, l, static_cast<std::size_t>(Status::Naturalised))];
        };
        ASSERT_LE(nat(now), nat(before) + now.naturalised[lo]) << "t=" << t;
        ASSERT_GE(nat(now), nat(before) + now.naturalised[lo] - now.exits[o]) << "t=" << t;
        departed += now.departures[ol];
        returned += now.returns[lo];
      }
      const std::int64_t unexplained = ix.abroad(now, {o}, ix.all_destinations()) -
                                       ix.abroad(before, {o}, ix.all_destinations()) - departed + returned;
      ASSERT_LE(unexplained, 0) << "t=" << t;
      ASSERT_GE(unexplained, -now.exits[o]) << "t=" << t;
      totals.departures += departed;
      totals.returns += returned;
      totals.exits += now.exits[o];
      totals.entries += now.entries[o];
      ASSERT_GE(now.remittances_usd[o], 0.0);
    }
    for (std::size_t c = 0; c < ix.nC; ++c) {
      ASSERT_GE(now.permits_issued[c], 0);
      const double q = now.quota_remaining[c];
      if (!std::isnan(q)) {
        ASSERT_GE(q, 0.0) << "t=" << t;
        ASSERT_EQ(std::fmod(q, scale), 0.0) << "quota left is a whole number of agents, t=" << t;
        ++totals.quota_steps;
      }
      totals.permits += now.permits_issued[c];
      for (std::size_t o = 0; o < nO; ++o) {
        ASSERT_GE(now.bans_active[c * nO + o], 0);
        totals.max_bans = std::max(totals.max_bans, now.bans_active[c * nO + o]);
      }
    }
    for (std::size_t l = 0; l < nL; ++l) {
      ASSERT_GE(now.fees_paid_usd[l], 0.0);
      if (l < nO) ASSERT_EQ(now.fees_paid_usd[l], 0.0);
      totals.fees += now.fees_paid_usd[l];
      for (std::size_t o = 0; o < nO; ++o) {  // remittances are held abroad only, never below zero
        const double held = now.remittances_held_usd[l * nO + o];
        ASSERT_GE(held, 0.0);
        if (l < nO) ASSERT_EQ(held, 0.0);
        totals.max_held = std::max(totals.max_held, held);
      }
    }
    const Set all_o = ix.all_origins(), all_d = ix.all_destinations();
    totals.evacuated += ix.evacuated(now, all_d, all_o);
    totals.deportations += ix.deportations(now, all_d, all_o);
    totals.detentions += ix.detentions(now, all_d, all_o);
    totals.naturalised += ix.naturalised(now, all_d, all_o);
    totals.blocked += ix.blocked(now, all_o, all_d);
    totals.max_stranded = std::max(totals.max_stranded, ix.stock(now, all_o, all_d, Status::Stranded));
    totals.max_scheme = std::max(totals.max_scheme, ix.stock(now, all_o, all_d, Status::SchemeWorker));
    totals.max_displaced = std::max(totals.max_displaced, ix.stock(now, all_o, all_o, Status::Displaced));
  }
}

TEST(Policies, ToyWithEveryEventTypeConservesPeopleAndKeepsTheRules) {
  const Outcome r = run(toy());
  Totals totals;
  check_accounting(r, totals);
  if (HasFatalFailure()) return;
  // Every mechanism was exercised (the identities above do not hold vacuously).
  std::set<migsim::EventType> types;
  for (const auto& e : toy().events) types.insert(e.type);
  EXPECT_EQ(types.size(), migsim::event_schema().size());
  EXPECT_GT(totals.departures, 0);
  EXPECT_GT(totals.returns, 0);
  EXPECT_GT(totals.evacuated, 0);
  EXPECT_GT(totals.deportations, 0);
  EXPECT_GT(totals.naturalised, 0);
  EXPECT_GT(totals.permits, 0);
  EXPECT_GT(totals.blocked, 0);
  EXPECT_GT(totals.max_stranded, 0);
  EXPECT_GT(totals.max_bans, 0);
  EXPECT_GT(totals.max_displaced, 0);
  EXPECT_GT(totals.max_scheme, 0);
  EXPECT_GT(totals.quota_steps, 0u);
  EXPECT_GT(totals.fees, 0.0);
  EXPECT_GT(totals.max_held, 0.0);
  EXPECT_GT(totals.exits, 0);
}

TEST(Policies, ToyWithEveryEventTypeDoesNotDependOnThreads) {
  const Outcome one = run(toy(), options(9, 1, 10));
  EXPECT_GT(one.sim.stats().agent_slots, 2u * 16384u);  // several blocks of the parallel pass
  for (int threads : {2, 4}) {
    const Outcome other = run(toy(), options(9, threads, 10));
    ASSERT_EQ(other.steps(), one.steps());
    for (std::size_t t = 0; t < one.steps(); ++t)
      ASSERT_EQ(difference(one.h()[t], other.h()[t]), "") << "threads " << threads << ", step " << t;
  }
  const Outcome seed = run(toy(), options(10, 2, 10));
  EXPECT_NE(difference(one.h().back(), seed.h().back()), "") << "another seed gives the same run";
}

// ---- quotas --------------------------------------------------------------------------------

/// A quota on Tajik citizens in Russia from 2020-03-04 to 2021-12-28; Kyrgyz citizens are in the
/// EAEU, so every permit issued by Russia is a quota permit.
Scenario quota_toy(const std::string& limit, const std::string& on_refusal) {
  Scenario sc = eaeu_toy(true);
  add(sc, "{type: quota, label: quota_tj, start: 2020-03-04, end: 2021-12-28, country: RU, limit: " + limit +
              ", citizenships: [TJ], on_refusal: " + on_refusal + "}");
  return sc;
}

TEST(Policies, QuotaIsNeverExceededBindsExactlyAndDoesNotDependOnThreads) {
  const std::int64_t scale = 10, limit_agents = 2000;  // floor(20005 / 10)
  const Scenario sc = quota_toy("20005", "irregular");
  const Ix ix(sc);
  const std::size_t ru = ix.country("RU");
  std::vector<Outcome> runs;
  for (int threads : {1, 2, 4}) runs.push_back(run(sc, options(5, threads, scale)));
  for (std::size_t k = 1; k < runs.size(); ++k)
    for (std::size_t t = 0; t < runs[0].steps(); ++t)
      ASSERT_EQ(difference(runs[0].h()[t], runs[k].h()[t]), "") << "run " << k << ", step " << t;

  const Outcome& r = runs[0];
  std::map<int, std::int64_t> issued;  // by the year of the step's start
  for (std::size_t t = 0; t < r.steps(); ++t) {
    const StepAggregates& a = r.h()[t];
    const int year = r.date(t).year();
    for (std::size_t c = 0; c < ix.nC; ++c)
      if (c != ru) EXPECT_TRUE(std::isnan(a.quota_remaining[c])) << "t=" << t;
    EXPECT_EQ(ix.blocked(a, ix.all_origins(), ix.all_destinations()), 0) << "refused applicants go anyway";
    if (!r.in_force(t, "quota_tj")) {
      EXPECT_TRUE(std::isnan(a.quota_remaining[ru])) << r.date(t).iso();
      EXPECT_EQ(a.permits_issued[ru], 0) << r.date(t).iso();
      continue;
    }
    issued[year] += a.permits_issued[ru];
    EXPECT_LE(issued[year], limit_agents) << r.date(t).iso();
    EXPECT_EQ(a.quota_remaining[ru], static_cast<double>((limit_agents - issued[year]) * scale)) << r.date(t).iso();
  }
  EXPECT_TRUE(std::isnan(r.h()[r.step(ymd(2020, 2, 26))].quota_remaining[ru]));  // the step before
  EXPECT_FALSE(std::isnan(r.h()[r.step(ymd(2020, 3, 4))].quota_remaining[ru]));
  EXPECT_TRUE(std::isnan(r.h()[r.step(ymd(2021, 12, 29))].quota_remaining[ru]));  // the step after
  // Demand is far above the quota: it binds exactly in both years.
  EXPECT_EQ(issued[2020], limit_agents);
  EXPECT_EQ(issued[2021], limit_agents);
  // Refused Tajik applicants went as irregular migrants.
  const Set tj = ix.origins_in("TJ"), ru_dest = ix.destinations_in("RU");
  EXPECT_GT(ix.stock(r.h()[r.step(ymd(2021, 12, 22))], tj, ru_dest, Status::Irregular), 500);
}

TEST(Policies, QuotaOfOneCalendarYearIssuesAtMostItsLimitInThatYear) {
  // A quota for 2021 only, with weekly steps starting on Wednesdays: the step starting on
  // 2020-12-30 overlaps it. Whatever year that step is counted in, the permits issued while the
  // quota is in force must not exceed its limit.
  Scenario sc = eaeu_toy(true);
  add(sc,
      "{type: quota, label: quota_2021, start: 2021-01-01, end: 2021-12-31, country: RU, limit: 505, "
      "citizenships: [TJ]}");
  const Outcome r = run(sc);
  const std::size_t ru = Ix(sc).country("RU");
  std::int64_t issued = 0;
  for (std::size_t t = 0; t < r.steps(); ++t)
    if (r.in_force(t, "quota_2021")) issued += r.h()[t].permits_issued[ru];
  EXPECT_EQ(r.h()[r.step(ymd(2020, 12, 30))].policy_state[event_index(sc, "quota_2021")], 1);
  EXPECT_LE(issued, 50) << "a 2021 quota of 505 people (50 agents) issued " << issued << " agents' permits ("
                        << r.h()[r.step(ymd(2020, 12, 30))].permits_issued[ru] << " in the step starting 2020-12-30)";
}

TEST(Policies, LowerQuotaGivesFewerPermitsAndMoreIrregularMigrants) {
  const Outcome high = run(quota_toy("20005", "irregular")), low = run(quota_toy("5005", "irregular"));
  const Ix ix(toy());
  const std::size_t ru = ix.country("RU");
  const Set tj = ix.origins_in("TJ"), ru_dest = ix.destinations_in("RU");
  const auto permits = [&](const StepAggregates& a) { return a.permits_issued[ru]; };
  EXPECT_LT(low.total(permits), high.total(permits) * 2 / 5);
  const std::size_t end = high.step(ymd(2021, 12, 22));
  EXPECT_GT(ix.stock(low.h()[end], tj, ru_dest, Status::Irregular),
            ix.stock(high.h()[end], tj, ru_dest, Status::Irregular) + 300);
  EXPECT_LT(ix.stock(low.h()[end], tj, ru_dest, Status::PermitHolder),
            ix.stock(high.h()[end], tj, ru_dest, Status::PermitHolder));
}

TEST(Policies, QuotaRefusedApplicantsStayAtHomeWithOnRefusalStay) {
  const Outcome high = run(quota_toy("20005", "stay")), low = run(quota_toy("5005", "stay"));
  const Ix ix(toy());
  const std::size_t ru = ix.country("RU");
  const Set tj = ix.origins_in("TJ"), kg = ix.origins_in("KG"), ru_dest = ix.destinations_in("RU");
  for (const Outcome* r : {&high, &low}) {
    std::map<int, std::int64_t> issued;
    const std::int64_t limit = r == &high ? 2000 : 500;
    for (std::size_t t = 0; t < r->steps(); ++t) {
      const StepAggregates& a = r->h()[t];
      EXPECT_EQ(ix.blocked(a, kg, ix.all_destinations()), 0);
      if (!r->in_force(t, "quota_tj")) {
        EXPECT_EQ(ix.blocked(a, tj, ru_dest), 0);
        continue;
      }
      // Every Tajik who leaves for Russia holds a quota permit issued in the step.
      EXPECT_LE(ix.departures(a, tj, ru_dest), a.permits_issued[ru]) << r->date(t).iso();
      const int year = r->date(t).year();
      if (issued[year] == limit) {  // used up before this step: nobody gets in
        EXPECT_EQ(ix.departures(a, tj, ru_dest), 0) << r->date(t).iso();
        EXPECT_GT(ix.blocked(a, tj, ru_dest), 0) << r->date(t).iso();
      }
      issued[year] += a.permits_issued[ru];
    }
    EXPECT_EQ(issued[2021], limit);
  }
  const auto blocked = [&](const StepAggregates& a) { return ix.blocked(a, tj, ru_dest); };
  const auto departures = [&](const StepAggregates& a) { return ix.departures(a, tj, ru_dest); };
  EXPECT_GT(low.total(blocked), high.total(blocked) + 1000);
  EXPECT_LT(low.total(departures), high.total(departures));
}

TEST(Policies, QuotaEventsOfOneScopeShareTheYearsCount) {
  // A lower limit from mid-year leaves only what the earlier limit had not used up (nothing here);
  // the next year it applies in full.
  Scenario sc = eaeu_toy(true);
  add(sc,
      "{type: quota, label: quota_a, start: 2021-01-06, end: 2021-06-29, country: RU, limit: 20005, "
      "citizenships: [TJ]}");
  add(sc, "{type: quota, label: quota_b, start: 2021-06-30, country: RU, limit: 5005, citizenships: [TJ]}");
  const Outcome r = run(sc);
  const std::size_t ru = Ix(sc).country("RU");
  std::int64_t first_half = 0, second_half = 0, next_year = 0;
  for (std::size_t t = r.step(ymd(2021, 1, 6)); t < r.steps(); ++t) {
    const StepAggregates& a = r.h()[t];
    ASSERT_FALSE(std::isnan(a.quota_remaining[ru]));
    if (r.date(t) < ymd(2021, 6, 30)) {
      first_half += a.permits_issued[ru];
    } else if (r.date(t).year() == 2021) {
      second_half += a.permits_issued[ru];
      EXPECT_EQ(a.quota_remaining[ru], 0.0) << r.date(t).iso();
    } else {
      next_year += a.permits_issued[ru];
      EXPECT_EQ(a.quota_remaining[ru], static_cast<double>((500 - next_year) * 10)) << r.date(t).iso();
    }
  }
  EXPECT_GT(first_half, 500);
  EXPECT_EQ(second_half, 0);
  EXPECT_EQ(next_year, 500);
}

TEST(Policies, QuotaCoversOnlyItsRegionsAndSectors) {
  // A quota in Moscow for construction jobs only: Tajiks going to Siberia need nothing (no fee or
  // quota there), and applicants for other sectors in Moscow get a permit outside the quota.
  Scenario sc = eaeu_toy(true);
  add(sc,
      "{type: quota, label: quota_tj, start: 2021-01-06, end: 2021-12-28, country: RU, limit: 5005, "
      "regions: [moscow], sectors: [construction], citizenships: [TJ]}");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const std::size_t ru = ix.country("RU");
  const Set tj = ix.origins_in("TJ"), siberia = {ix.loc("siberia")}, moscow = {ix.loc("moscow")};
  std::int64_t issued = 0;
  for (std::size_t t = 0; t < r.steps(); ++t) {
    EXPECT_EQ(ix.stock(r.h()[t], tj, siberia, Status::PermitHolder), 0);
    if (r.in_force(t, "quota_tj") && r.date(t).year() == 2021) issued += r.h()[t].permits_issued[ru];
  }
  const std::size_t end = r.step(ymd(2021, 12, 22));
  EXPECT_EQ(r.h()[end].quota_remaining[ru], 0.0);  // the construction quota is used up
  EXPECT_GT(issued, 500 + 300);                    // and other sectors' permits kept coming
  EXPECT_GT(ix.departures(r.h()[end], tj, moscow), 0);
}

// ---- border closures -------------------------------------------------------------------------

/// Kyrgyz citizens move freely in Russia (EAEU) but some miss the 3-day registration and are
/// irregular; enforcement is high. The KG-RU border closes from 2020-03-04 to 2020-09-01.
/// Jobs are short-lived and savings never enough to wait, so that many want to go home during the closure and
/// all who do are stranded: the tests below are about the closure's mechanics, not who postpones (test_rules).
Scenario closure_toy(const std::string& closure_fields, std::vector<migsim::Override> overrides = {}) {
  overrides.insert(overrides.begin(),
                   {{"behaviour.return.closure_hold_out_weeks", "520"}, {"behaviour.work.job_loss_rate", "50"}});
  Scenario sc = eaeu_toy(true, overrides);
  add(sc, "{type: registration_deadline, label: registration_ru, start: 2000-01-01, country: RU, days: 3}");
  add(sc, "{type: enforcement, label: enforcement_ru, start: 2000-01-01, country: RU, rate: 2}");
  add(sc, "{type: border_closure, label: closure, start: 2020-03-04, end: 2020-09-01" + closure_fields + "}");
  return sc;
}

TEST(Policies, ClosureBlocksCrossingsAndEvacuatesWithinTheStepsCapacity) {
  const double capacity = 25;  // people a week: 2.5 agents, so the fraction of an agent carries over
  const std::int64_t scale = 10;
  for (const char* unit : {"week", "month"}) {
    SCOPED_TRACE(unit);
    const Scenario sc = closure_toy(", countries: [KG, RU], evacuation_capacity: 25", {{"calendar.step", unit}});
    const Outcome r = run(sc, options(4, 2, scale));
    const Ix ix(sc);
    const Set kg = ix.origins_in("KG"), tj = ix.origins_in("TJ"), ru = ix.destinations_in("RU"),
              kz = ix.destinations_in("KZ"), all_o = ix.all_origins(), all_d = ix.all_destinations();
    const migsim::Calendar calendar = sc.calendar();
    double credit = 0;  // people
    std::int64_t evacuated = 0, blocked = 0, max_stranded = 0, tj_departures = 0, kz_departures = 0;
    std::size_t closed_steps = 0, last_closed = 0;
    for (std::size_t t = 0; t < r.steps(); ++t) {
      const StepAggregates& a = r.h()[t];
      const std::int64_t stranded_before = ix.stock(r.before(t), kg, ru, Status::Stranded);
      const std::int64_t stranded = ix.stock(a, kg, ru, Status::Stranded);
      const std::int64_t evac = ix.evacuated(a, ru, kg);
      // Nobody else is stranded or evacuated: returns to TJ and from KZ are open.
      EXPECT_EQ(ix.stock(a, all_o, all_d, Status::Stranded), stranded);
      EXPECT_EQ(ix.evacuated(a, all_d, all_o), evac);
      if (!r.in_force(t, "closure")) {
        credit = 0;
        EXPECT_LE(stranded, stranded_before) << r.date(t).iso();  // nobody new is stranded
        EXPECT_EQ(evac, 0) << r.date(t).iso();
        EXPECT_EQ(ix.blocked(a, all_o, all_d), 0) << r.date(t).iso();
        // Open again: those who leave the stranded go home (at the reopening hazard, not all at once).
        EXPECT_GE(ix.returns(a, ru, kg), stranded_before - stranded - ix.exits(a, kg)) << r.date(t).iso();
        if (t > 0 && r.in_force(t - 1, "closure") && stranded_before > 50)
          EXPECT_GT(stranded, stranded_before / 2) << "all stranded went home in the first open step";
        continue;
      }
      ++closed_steps;
      last_closed = t;
      for (auto o : kg)
        for (auto l : ru) {
          EXPECT_EQ(a.departures[o * ix.nL + l], 0) << r.date(t).iso();
          EXPECT_EQ(a.returns[l * ix.nO + o], a.evacuated[l * ix.nO + o]) << r.date(t).iso();
          EXPECT_EQ(a.deportations[l * ix.nO + o], 0) << r.date(t).iso();
        }
      // The step's seats: capacity per week prorated to the step, plus the fraction carried over.
      const double seats_people = credit + capacity * calendar.step_days(t) / 7.0;
      const auto seats = static_cast<std::int64_t>(std::floor(seats_people / static_cast<double>(scale)));
      credit = seats_people - static_cast<double>(seats * scale);
      EXPECT_LE(evac, seats) << r.date(t).iso();
      EXPECT_LE(evac, stranded_before) << r.date(t).iso();
      EXPECT_GE(evac, std::min(seats, stranded_before - ix.exits(a, kg))) << r.date(t).iso();
      evacuated += evac;
      blocked += ix.blocked(a, kg, ru);
      max_stranded = std::max(max_stranded, stranded);
      tj_departures += ix.departures(a, tj, ru);
      kz_departures += ix.departures(a, kg, kz);
    }
    EXPECT_GE(closed_steps, std::string(unit) == "week" ? 26u : 7u);
    EXPECT_GT(evacuated, 0);
    EXPECT_GT(blocked, 0);
    EXPECT_GT(max_stranded, 50);  // the capacity is well below the wish to return
    EXPECT_GT(tj_departures, 0);  // other borders stay open
    EXPECT_GT(kz_departures, 0);
    // Deportations wait in detention meanwhile.
    const std::size_t first_closed = r.step(std::string(unit) == "week" ? ymd(2020, 3, 4) : ymd(2020, 3, 1));
    EXPECT_GT(ix.stock(r.h()[last_closed], kg, ru, Status::Detained),
              ix.stock(r.before(first_closed), kg, ru, Status::Detained) + 20);
  }
}

TEST(Policies, ClosureWithAmpleCapacityEvacuatesEveryoneWaitingEachStep) {
  const Scenario sc = closure_toy(", countries: [KG, RU], evacuation_capacity: 1e9");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  std::int64_t evacuated = 0;
  for (std::size_t t = 1; t < r.steps(); ++t) {
    if (!r.in_force(t, "closure")) continue;
    const std::int64_t waiting = ix.stock(r.before(t), kg, ru, Status::Stranded);
    const std::int64_t evac = ix.evacuated(r.h()[t], ru, kg);
    EXPECT_LE(evac, waiting) << r.date(t).iso();
    EXPECT_GE(evac, waiting - ix.exits(r.h()[t], kg)) << r.date(t).iso();
    evacuated += evac;
  }
  EXPECT_GT(evacuated, 200);
}

TEST(Policies, AnEvacuationScheduleChangesTheCapacityFromItsDates) {
  const std::int64_t scale = 10;
  // No seats for the first four weeks, then 20 people (2 agents) a week, then 50 (5 agents).
  const Scenario sc = closure_toy(
      ", countries: [KG, RU], evacuation_capacity: 0, "
      "evacuation_schedule: [{from: 2020-04-01, capacity: 20}, {from: 2020-05-06, capacity: 50}]");
  const Outcome r = run(sc, options(4, 2, scale));
  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  std::int64_t before_april = 0, april = 0, may = 0;
  for (std::size_t t = 0; t < r.steps(); ++t) {
    if (!r.in_force(t, "closure")) continue;
    const std::int64_t evac = ix.evacuated(r.h()[t], ru, kg), waiting = ix.stock(r.before(t), kg, ru, Status::Stranded);
    const Date day = r.date(t);
    if (day < ymd(2020, 4, 1)) {
      before_april += evac;
    } else if (day < ymd(2020, 5, 6)) {
      EXPECT_LE(evac, 2) << day.iso();
      april += evac;
    } else {
      EXPECT_LE(evac, 5) << day.iso();
      if (waiting - ix.exits(r.h()[t], kg) >= 5) EXPECT_EQ(evac, 5) << day.iso();
      may += evac;
    }
  }
  EXPECT_EQ(before_april, 0);
  EXPECT_GT(april, 0);
  EXPECT_GT(may, april);
}

TEST(Policies, NobodyIsEvacuatedBeforeTheFirstDayOfEvacuation) {
  // 50 people (5 agents) a week from 6 May, none before: the stranded queue until then.
  const Scenario sc = closure_toy(", countries: [KG, RU], evacuation_capacity: 50, evacuation_from: 2020-05-06");
  const Outcome r = run(sc, options(4, 2, 10));
  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  std::int64_t before = 0, after = 0, waiting_on_the_first_day = 0;
  for (std::size_t t = 0; t < r.steps(); ++t) {
    if (!r.in_force(t, "closure")) continue;
    const std::int64_t evac = ix.evacuated(r.h()[t], ru, kg);
    if (r.date(t) < ymd(2020, 5, 6)) {
      before += evac;
      waiting_on_the_first_day = ix.stock(r.h()[t], kg, ru, Status::Stranded);  // at the end of the last step before
    } else {
      EXPECT_LE(evac, 5) << r.date(t).iso();
      after += evac;
    }
  }
  EXPECT_EQ(before, 0);
  EXPECT_GT(waiting_on_the_first_day, 0);
  EXPECT_GT(after, 0);
  // The same evacuation written as a schedule gives the same run, bit for bit.
  const Scenario as_schedule = closure_toy(
      ", countries: [KG, RU], evacuation_capacity: 0, evacuation_schedule: [{from: 2020-05-06, capacity: 50}]");
  const Outcome same = run(as_schedule, options(4, 2, 10));
  ASSERT_EQ(same.steps(), r.steps());
  for (std::size_t t = 0; t < r.steps(); ++t) ASSERT_EQ(difference(same.h()[t], r.h()[t]), "") << t;
}

/// The closure toy with the closure from 4 March to `end` and 50 people (5 agents) a week of seats
/// from 1 April.
Scenario closure_ending(const std::string& end, const std::string& more_fields = "") {
  Scenario sc =
      eaeu_toy(true, {{"behaviour.return.closure_hold_out_weeks", "520"}, {"behaviour.work.job_loss_rate", "50"}});
  add(sc, "{type: registration_deadline, label: registration_ru, start: 2000-01-01, country: RU, days: 3}");
  add(sc, "{type: enforcement, label: enforcement_ru, start: 2000-01-01, country: RU, rate: 2}");
  add(sc, "{type: border_closure, label: closure, start: 2020-03-04, end: " + end +
              ", countries: [KG, RU], evacuation_capacity: 50, evacuation_from: 2020-04-01" + more_fields + "}");
  return sc;
}

TEST(Policies, TheStrandedKeepTheirSeatsAfterTheReopeningUntilTheLastDayOfEvacuation) {
  const auto opts = options(4, 2, 10);
  const Scenario without = closure_ending("2020-05-05"),
                 with = closure_ending("2020-05-05", ", evacuation_until: 2020-08-04");
  const Outcome r0 = run(without, opts), r = run(with, opts);
  const Ix ix(with);
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  const std::size_t reopened = r.step(ymd(2020, 5, 6)), last = r.step(ymd(2020, 8, 5));
  ASSERT_EQ(r.steps(), r0.steps());
  for (std::size_t t = 0; t < reopened; ++t) ASSERT_EQ(difference(r.h()[t], r0.h()[t]), "") << r.date(t).iso();
  std::int64_t after = 0, after_without = 0, waiting_weeks = 0, waiting_weeks_without = 0, later = 0;
  for (std::size_t t = reopened; t < r.steps(); ++t) {
    const StepAggregates& a = r.h()[t];
    const std::int64_t evac = ix.evacuated(a, ru, kg), waiting = ix.stock(r.before(t), kg, ru, Status::Stranded);
    EXPECT_GT(ix.departures(a, kg, ru) + (t + 1 == r.steps()), 0) << r.date(t).iso();  // the border is open
    after_without += ix.evacuated(r0.h()[t], ru, kg);
    waiting_weeks += ix.stock(a, kg, ru, Status::Stranded);
    waiting_weeks_without += ix.stock(r0.h()[t], kg, ru, Status::Stranded);
    if (t < last) {
      EXPECT_LE(evac, 5) << r.date(t).iso();
      EXPECT_LE(evac, waiting) << r.date(t).iso();
      after += evac;
    } else {
      later += evac;
    }
  }
  EXPECT_EQ(after_without, 0);  // the airlift ended with the closure
  EXPECT_GT(after, 10);
  EXPECT_EQ(later, 0);
  // Fewer wait: 43 against 77 people when the evacuation ends, in this toy.
  EXPECT_LT(waiting_weeks, waiting_weeks_without * 9 / 10);
  EXPECT_LT(ix.stock(r.before(last), kg, ru, Status::Stranded) * 4,
            ix.stock(r0.before(last), kg, ru, Status::Stranded) * 3);
  // evacuation_until on the closure's end is the default, bit for bit.
  const Outcome same = run(closure_ending("2020-05-05", ", evacuation_until: 2020-05-05"), opts);
  for (std::size_t t = 0; t < r.steps(); ++t) ASSERT_EQ(difference(same.h()[t], r0.h()[t]), "") << r.date(t).iso();
}

TEST(Policies, ALastDayOfEvacuationBeforeTheEndLeavesTheAirliftToTheEnd) {
  // A closure made longer in a what-if keeps its airlift: the later of the two days counts.
  const Outcome r = run(closure_ending("2020-09-01", ", evacuation_until: 2020-05-05"), options(4, 2, 10));
  const Outcome same = run(closure_ending("2020-09-01"), options(4, 2, 10));
  for (std::size_t t = 0; t < r.steps(); ++t) ASSERT_EQ(difference(same.h()[t], r.h()[t]), "") << r.date(t).iso();
}

TEST(Policies, ClosureExemptionsLetTheirCrossingsThrough) {
  const Ix ix(toy());
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  struct During {
    std::int64_t departures = 0, returns = 0, deportations = 0, blocked = 0, max_stranded = 0, evacuated = 0;
  };
  const auto during = [&](const Outcome& r) {
    During d;
    for (std::size_t t = 0; t < r.steps(); ++t) {
      const StepAggregates& a = r.h()[t];
      d.evacuated += ix.evacuated(a, ru, kg);
      d.max_stranded = std::max(d.max_stranded, ix.stock(a, kg, ru, Status::Stranded));
      if (!r.in_force(t, "closure")) continue;
      d.departures += ix.departures(a, kg, ru);
      d.returns += ix.returns(a, ru, kg);
      d.deportations += ix.deportations(a, ru, kg);
      d.blocked += ix.blocked(a, kg, ru);
    }
    return d;
  };
  const During none = during(run(closure_toy(", countries: [KG, RU]")));
  EXPECT_EQ(none.departures, 0);
  EXPECT_EQ(none.returns, 0);  // no evacuation capacity: nobody crosses
  EXPECT_EQ(none.deportations, 0);
  EXPECT_EQ(none.evacuated, 0);
  EXPECT_GT(none.blocked, 0);
  EXPECT_GT(none.max_stranded, 500);

  const During returns = during(run(closure_toy(", countries: [KG, RU], exemptions: [returns]")));
  EXPECT_EQ(returns.max_stranded, 0);
  EXPECT_EQ(returns.evacuated, 0);
  EXPECT_GT(returns.returns, 500);
  EXPECT_EQ(returns.departures, 0);
  EXPECT_EQ(returns.deportations, 0);

  const During departures = during(run(closure_toy(", countries: [KG, RU], exemptions: [departures]")));
  EXPECT_GT(departures.departures, 500);
  EXPECT_EQ(departures.blocked, 0);
  EXPECT_GT(departures.max_stranded, 500);
  EXPECT_EQ(departures.returns, 0);

  const During deportations = during(run(closure_toy(", countries: [KG, RU], exemptions: [deportations]")));
  EXPECT_GT(deportations.deportations, 20);
  EXPECT_EQ(deportations.returns, deportations.deportations);
  EXPECT_EQ(deportations.departures, 0);
}

TEST(Policies, ClosureCountriesAreUnordered) {
  const Outcome a = run(closure_toy(", countries: [KG, RU], evacuation_capacity: 25"));
  const Outcome b = run(closure_toy(", countries: [RU, KG], evacuation_capacity: 25"));
  for (std::size_t t = 0; t < a.steps(); ++t) ASSERT_EQ(difference(a.h()[t], b.h()[t]), "") << t;
}

// ---- bans and amnesties ----------------------------------------------------------------------

/// Everyone who goes to Russia is irregular (the patent is never taken: fee sensitivity 1000),
/// enforcement detects most of them within weeks, detention lasts no time, and every return from
/// Russia (deportation or leaving after any irregular stay) bans re-entry for `years`. Tajik
/// citizens can go only to Moscow; Kyrgyz citizens also to Kazakhstan (no bans there).
Scenario ban_toy(const std::string& years, const std::string& extra_event = "", const std::string& scope = "") {
  Scenario sc = bare({{"permits.fee_sensitivity", "1000"},
                      {"enforcement.detention_days", "0"},
                      {"behaviour.departure.base_rate", "2"}});
  const Ix ix(sc);
  const std::size_t o = ix.loc("dushanbe"), moscow = ix.loc("moscow") - ix.nO;
  for (std::size_t d = 0; d < ix.nD; ++d)
    if (d != moscow) {
      sc.routes[o * ix.nD + d].reachable = false;
      sc.initial_stock[o * ix.nD + d] = 0;
    }
  add(sc, "{type: permit_fee, label: fee_ru, start: 2000-01-01, country: RU, amount: 5000}");
  add(sc, "{type: enforcement, label: enforcement_ru, start: 2000-01-01, country: RU, rate: 52}");
  add(sc, "{type: ban_rule, label: ban_deported, start: 2000-01-01, country: RU, on: deportation, years: " + years +
              scope + "}");
  add(sc, "{type: ban_rule, label: ban_overstay, start: 2000-01-01, country: RU, on: overstay, years: " + years +
              ", min_overstay_days: 0" + scope + "}");
  // A tier nobody reaches (a century of irregular stay) must not apply.
  add(sc,
      "{type: ban_rule, label: ban_overstay_century, start: 2000-01-01, country: RU, on: overstay, years: 100, "
      "min_overstay_days: 36500}");
  if (!extra_event.empty()) add(sc, extra_event);
  return sc;
}

TEST(Policies, BansLastTheirYearsExactly) {
  // A ban of 0.73 years is lround(0.73 * 365.25) = lround(266.63) = 267 days (266 with 365-day
  // years): a person banned in step s (day 7s) is counted in bans_active at steps s+1 .. s+38
  // (7 * 38 = 266 < 267 <= 273).
  const std::size_t window = 38;
  const Scenario sc = ban_toy("0.73");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set ru = ix.destinations_in("RU");
  std::int64_t max_bans = 0, blocked = 0;
  for (const Set& citizens : {ix.origins_in("TJ"), ix.origins_in("KG")}) {
    for (std::size_t t = 0; t < r.steps(); ++t) {
      std::int64_t banned_in_window = 0, exits = 0;
      const std::size_t first = t >= window ? t - window : 0;
      for (std::size_t s = first; s < t; ++s) banned_in_window += ix.returns(r.h()[s], ru, citizens);
      for (std::size_t s = first; s <= t; ++s) exits += ix.exits(r.h()[s], citizens);
      const std::int64_t bans = ix.bans(r.h()[t], "RU", citizens);
      EXPECT_LE(bans, banned_in_window) << r.date(t).iso();
      EXPECT_GE(bans, banned_in_window - exits) << r.date(t).iso();
      // Only banned people are blocked (no closures, no quotas).
      EXPECT_LE(ix.blocked(r.h()[t], citizens, ix.all_destinations()), bans) << r.date(t).iso();
      max_bans = std::max(max_bans, bans);
      blocked += ix.blocked(r.h()[t], citizens, ru);
    }
  }
  EXPECT_GT(max_bans, 1000);
  EXPECT_GT(blocked, 1000);
  // Kazakhstan bans nobody.
  for (const auto& a : r.h()) EXPECT_EQ(ix.bans(a, "KZ", ix.all_origins()), 0);
}

TEST(Policies, BannedPeopleDoNotReenterBeforeTheBanEnds) {
  // With 100-year bans every Tajik (who can only go to Moscow) goes at most once: the departures
  // to Moscow cannot exceed the number of Tajiks at home at the start. Without the bans the same
  // people go several times.
  const Scenario banned = ban_toy("100");
  Scenario unbanned = banned;
  unbanned.events.erase(std::remove_if(unbanned.events.begin(), unbanned.events.end(),
                                       [](const migsim::Event& e) { return e.type == migsim::EventType::BanRule; }),
                        unbanned.events.end());
  const Ix ix(banned);
  const Set tj = ix.origins_in("TJ"), moscow = {ix.loc("moscow")};
  const Outcome with_bans = run(banned), without = run(unbanned);
  const std::int64_t at_home = ix.stock(with_bans.initial, tj, tj, Status::AtHome);
  const auto departures = [&](const StepAggregates& a) { return ix.departures(a, tj, moscow); };
  EXPECT_LE(with_bans.total(departures), at_home);
  EXPECT_GT(with_bans.total(departures), at_home / 2);
  EXPECT_GT(without.total(departures), 3 * at_home);
  const auto blocked = [&](const StepAggregates& a) { return ix.blocked(a, tj, moscow); };
  EXPECT_GT(with_bans.total(blocked), at_home);
  EXPECT_EQ(without.total(blocked), 0);
}

/// Overstay bans of 8 days: a person banned in step t is counted in bans_active at step t + 1
/// only, so bans_active[t + 1] is the number banned in step t. Without deportation bans, that is
/// `share` of the irregular people who left Russia of their own accord in step t.
double overstay_ban_ratio(double share) {
  Scenario sc = ban_toy("0.0219");
  std::erase_if(sc.events, [](const migsim::Event& e) { return e.label == "ban_deported"; });
  for (auto& e : sc.events) {
    if (e.label == "ban_overstay") e.share = share;
    if (e.label == "enforcement_ru") e.rate = 0.5;  // most leave of their own accord
  }
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set ru = ix.destinations_in("RU"), everyone = ix.all_origins();
  std::int64_t banned = 0, left = 0;
  for (std::size_t t = 0; t + 1 < r.steps(); ++t) {
    banned += ix.bans(r.h()[t + 1], "RU", everyone);
    left += ix.returns(r.h()[t], ru, everyone) - ix.deportations(r.h()[t], ru, everyone);
  }
  EXPECT_GT(left, 10000);
  return static_cast<double>(banned) / static_cast<double>(left);
}

TEST(Policies, OverstayBansReachTheirShareOfLeavers) {
  EXPECT_NEAR(overstay_ban_ratio(1.0), 1.0, 0.001);  // a few leavers were not irregular
  EXPECT_NEAR(overstay_ban_ratio(0.3), 0.3, 0.02);
  EXPECT_EQ(overstay_ban_ratio(0.0), 0.0);
}

TEST(Policies, BanRulesApplyToTheirCitizenshipsOnly) {
  const Scenario sc = ban_toy("0.5", "", ", citizenships: [TJ]");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), tj = ix.origins_in("TJ");
  std::int64_t tj_bans = 0;
  for (const auto& a : r.h()) {
    EXPECT_EQ(ix.bans(a, "RU", kg), 0);
    EXPECT_EQ(ix.blocked(a, kg, ix.all_destinations()), 0);
    tj_bans = std::max(tj_bans, ix.bans(a, "RU", tj));
  }
  EXPECT_GT(tj_bans, 1000);
}

TEST(Policies, AmnestyLiftsTheBansOfItsCitizenshipInItsStep) {
  const Scenario sc =
      ban_toy("100", "{type: amnesty, label: amnesty_tj, start: 2021-01-08, country: RU, citizenships: [TJ]}");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set tj = ix.origins_in("TJ"), kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  const std::size_t t = r.step(ymd(2021, 1, 6));  // the step containing 2021-01-08
  for (std::size_t s = 0; s < r.steps(); ++s) EXPECT_EQ(r.in_force(s, "amnesty_tj"), s == t) << s;
  EXPECT_GT(ix.bans(r.h()[t - 1], "RU", tj), 5000);
  EXPECT_EQ(ix.bans(r.h()[t], "RU", tj), 0);
  // Kyrgyz bans stay.
  EXPECT_GT(ix.bans(r.h()[t], "RU", kg), 1000);
  EXPECT_GE(ix.bans(r.h()[t], "RU", kg), ix.bans(r.h()[t - 1], "RU", kg) - ix.exits(r.h()[t], kg));
  // Nobody is blocked in the step, and the formerly banned leave again.
  EXPECT_GT(ix.blocked(r.h()[t - 1], tj, ru), 50);
  EXPECT_EQ(ix.blocked(r.h()[t], tj, ru), 0);
  EXPECT_GT(ix.departures(r.h()[t], tj, ru), 3 * ix.departures(r.h()[t - 1], tj, ru) + 50);
  // The next step counts only the bans imposed in the amnesty step.
  const std::int64_t new_bans = ix.returns(r.h()[t], ru, tj);
  EXPECT_LE(ix.bans(r.h()[t + 1], "RU", tj), new_bans);
  EXPECT_GE(ix.bans(r.h()[t + 1], "RU", tj), new_bans - ix.exits(r.h()[t + 1], tj));
}

TEST(Policies, AmnestyShareLiftsThatShareOfTheBans) {
  const Scenario sc = ban_toy(
      "100", "{type: amnesty, label: amnesty_tj, start: 2021-01-06, country: RU, citizenships: [TJ], share: 0.3}");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set tj = ix.origins_in("TJ");
  const std::size_t t = r.step(ymd(2021, 1, 6));
  const double before = static_cast<double>(ix.bans(r.h()[t - 1], "RU", tj));
  const double after = static_cast<double>(ix.bans(r.h()[t], "RU", tj));
  ASSERT_GT(before, 5000);
  // Each ban is lifted with probability 0.3: binomial SE of the kept share < 0.007.
  EXPECT_NEAR(after / before, 0.7, 0.03);
}

// ---- EAEU accession --------------------------------------------------------------------------

TEST(Policies, EaeuAccessionEndsPermitsForTheAcceedingCitizens) {
  // Russia and Kazakhstan are members; Kyrgyzstan joins on 2021-01-06. Russia charges a patent
  // fee to non-members. Only Kyrgyz citizens go to Russia (the Tajik routes there are removed).
  Scenario sc = eaeu_toy(false);
  add(sc, "{type: permit_fee, label: fee_ru, start: 2000-01-01, country: RU, amount: 5000}");
  add(sc, "{type: eaeu_accession, label: eaeu_kg, start: 2021-01-06, country: KG}");
  const Ix ix(sc);
  const std::size_t tj = ix.loc("dushanbe");
  for (auto l : ix.destinations_in("RU")) {
    sc.routes[tj * ix.nD + (l - ix.nO)].reachable = false;
    sc.initial_stock[tj * ix.nD + (l - ix.nO)] = 0;
  }
  const Outcome r = run(sc);
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU"), members = [&] {
    Set m = ix.destinations_in("RU");
    for (auto l : ix.destinations_in("KZ")) m.push_back(l);
    return m;
  }();
  const std::size_t ru_c = ix.country("RU"), kz_c = ix.country("KZ");
  const std::size_t join = r.step(ymd(2021, 1, 6));
  std::int64_t permits_before = 0;
  for (std::size_t t = 0; t < r.steps(); ++t) {
    const StepAggregates& a = r.h()[t];
    EXPECT_EQ(a.permits_issued[kz_c], 0);
    if (t < join) {
      permits_before += a.permits_issued[ru_c];
      EXPECT_EQ(ix.stock(a, kg, members, Status::EaeuWorker), 0) << r.date(t).iso();
      continue;
    }
    EXPECT_EQ(ix.stock(a, kg, members, Status::PermitHolder), 0) << r.date(t).iso();
    EXPECT_EQ(a.permits_issued[ru_c], 0) << r.date(t).iso();
    for (auto l : ru) EXPECT_EQ(a.fees_paid_usd[l], 0.0) << r.date(t).iso();
  }
  EXPECT_GT(permits_before, 1000);
  const std::int64_t holders = ix.stock(r.h()[join - 1], kg, ru, Status::PermitHolder);
  EXPECT_GT(holders, 1000);
  // The holders became EAEU workers on the date (unless they went home in that step).
  EXPECT_GE(ix.stock(r.h()[join], kg, ru, Status::EaeuWorker),
            holders - ix.returns(r.h()[join], ru, kg) - ix.exits(r.h()[join], kg));
}

TEST(Policies, EaeuMembershipEndsWithItsEnd) {
  // Kyrgyzstan is a member until 2021-01-05: from then on Kyrgyz arrivals in Russia need a patent.
  Scenario sc = eaeu_toy(false);
  add(sc, "{type: permit_fee, label: fee_ru, start: 2000-01-01, country: RU, amount: 5000}");
  add(sc, "{type: eaeu_accession, label: eaeu_kg, start: 2000-01-01, end: 2021-01-05, country: KG}");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  const std::size_t left = r.step(ymd(2021, 1, 6));
  for (std::size_t t = 0; t < left; ++t)
    EXPECT_EQ(ix.stock(r.h()[t], kg, ru, Status::PermitHolder), 0) << r.date(t).iso();
  EXPECT_GT(ix.stock(r.h()[left - 1], kg, ru, Status::EaeuWorker), 1000);
  for (std::size_t t = left; t < r.steps(); ++t)  // no new EAEU workers
    EXPECT_LE(ix.stock(r.h()[t], kg, ru, Status::EaeuWorker), ix.stock(r.before(t), kg, ru, Status::EaeuWorker));
  EXPECT_GT(ix.stock(r.h().back(), kg, ru, Status::PermitHolder), 100);
}

// ---- direction of effects --------------------------------------------------------------------

TEST(Policies, HigherEnforcementMeansFewerIrregularMigrantsAndMoreDeportations) {
  Scenario low = permit_toy({{"permits.fee_sensitivity", "8"}}), high = low;
  add(low, "{type: enforcement, label: enforcement_ru, start: 2020-01-01, country: RU, rate: 0.1}");
  add(high, "{type: enforcement, label: enforcement_ru, start: 2020-01-01, country: RU, rate: 3}");
  const Outcome a = run(low), b = run(high);
  const Ix ix(low);
  const Set all_o = ix.all_origins(), ru = ix.destinations_in("RU");
  const auto deportations = [&](const StepAggregates& s) { return ix.deportations(s, ru, all_o); };
  const auto detentions = [&](const StepAggregates& s) { return ix.detentions(s, ru, all_o); };
  EXPECT_GT(b.total(deportations), 3 * a.total(deportations));
  EXPECT_GT(b.total(detentions), 3 * a.total(detentions));
  EXPECT_LT(ix.stock(b.h().back(), all_o, ru, Status::Irregular),
            ix.stock(a.h().back(), all_o, ru, Status::Irregular) / 2);
  // Kazakhstan has no enforcement event: its base detection applies in both runs.
  EXPECT_GT(a.total(deportations), 0);
}

TEST(Policies, EnforcementCoversOnlyItsRegions) {
  Scenario base = permit_toy({{"permits.fee_sensitivity", "8"}}), raided = base;
  add(raided, "{type: enforcement, label: raids, start: 2020-01-01, regions: [moscow], rate: 3}");
  const Outcome a = run(base), b = run(raided);
  const Ix ix(base);
  const Set all_o = ix.all_origins(), moscow = {ix.loc("moscow")}, siberia = {ix.loc("siberia")};
  const auto in_moscow = [&](const StepAggregates& s) { return ix.detentions(s, moscow, all_o); };
  const auto in_siberia = [&](const StepAggregates& s) { return ix.detentions(s, siberia, all_o); };
  EXPECT_GT(b.total(in_moscow), 10 * a.total(in_moscow));
  EXPECT_LT(b.total(in_siberia), 2 * a.total(in_siberia) + 20);
}

TEST(Policies, ConvictionsHoldMigrantsForTheirTermThenDeportThem) {
  Scenario none = permit_toy({{"permits.fee_sensitivity", "8"}}), some = none;
  add(none, "{type: enforcement, label: e, start: 2020-01-01, country: RU, rate: 2}");
  add(some,
      "{type: enforcement, label: e, start: 2020-01-01, country: RU, rate: 2, conviction_share: 0.5, "
      "conviction_years: 0.5}");
  const Outcome a = run(none), b = run(some);
  const Ix ix(none);
  const Set all_o = ix.all_origins(), ru = ix.destinations_in("RU");
  for (const auto& s : a.h()) EXPECT_EQ(ix.stock(s, all_o, ru, Status::Convicted), 0);
  std::int64_t max_convicted = 0;
  for (const auto& s : b.h()) max_convicted = std::max(max_convicted, ix.stock(s, all_o, ru, Status::Convicted));
  EXPECT_GT(max_convicted, 100);
  // Nobody convicted in the first half year is released (deported) before it ends: the first
  // deportations of convicts come after 0.5 years, so in the first 26 steps deportations are
  // (about) half of those without convictions.
  const auto deportations = [&](const StepAggregates& s) { return ix.deportations(s, ru, all_o); };
  EXPECT_LT(b.total(deportations, 0, 26), a.total(deportations, 0, 26) * 7 / 10);
}

TEST(Policies, HigherPermitFeeMeansFewerPermitHolders) {
  Scenario cheap = eaeu_toy(false), dear = cheap;
  add(cheap, "{type: permit_fee, label: fee_ru, start: 2000-01-01, country: RU, amount: 2000}");
  add(dear, "{type: permit_fee, label: fee_ru, start: 2000-01-01, country: RU, amount: 12000}");
  const Outcome a = run(cheap), b = run(dear);
  const Ix ix(cheap);
  const Set all_o = ix.all_origins(), ru = ix.destinations_in("RU");
  const std::size_t end = a.steps() - 1;
  EXPECT_LT(ix.stock(b.h()[end], all_o, ru, Status::PermitHolder),
            ix.stock(a.h()[end], all_o, ru, Status::PermitHolder) * 3 / 4);
  const auto permits = [&](const StepAggregates& s) { return s.permits_issued[ix.country("RU")]; };
  EXPECT_LT(b.total(permits), a.total(permits));
}

TEST(Policies, PermitFeeAppliesOnlyWhereItIsInForce) {
  // A fee in Moscow only, for Tajik citizens only, from 2021: fees are paid only there, only by
  // them and only then; Siberia admits everyone as a resident.
  Scenario sc = eaeu_toy(false);
  add(sc,
      "{type: permit_fee, label: fee_moscow, start: 2021-01-06, regions: [moscow], amount: 5000, "
      "citizenships: [TJ]}");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const std::size_t moscow = ix.loc("moscow"), siberia = ix.loc("siberia");
  const Set kg = ix.origins_in("KG"), tj = ix.origins_in("TJ"), all_o = ix.all_origins();
  double fees = 0;
  for (std::size_t t = 0; t < r.steps(); ++t) {
    const StepAggregates& a = r.h()[t];
    EXPECT_EQ(a.fees_paid_usd[siberia], 0.0);
    EXPECT_EQ(ix.stock(a, all_o, {siberia}, Status::PermitHolder), 0);
    EXPECT_EQ(ix.stock(a, kg, {moscow}, Status::PermitHolder), 0);
    if (!r.in_force(t, "fee_moscow")) {
      EXPECT_EQ(a.fees_paid_usd[moscow], 0.0) << r.date(t).iso();
      EXPECT_EQ(ix.stock(a, tj, {moscow}, Status::PermitHolder), 0) << r.date(t).iso();
      continue;
    }
    // Each holder pays 5000 / 75 USD a month, prorated to the week (floats summed per block).
    const double fee_step = 5000.0 / 75.0 * 7.0 / (365.25 / 12.0) * 10;
    const double payers = a.fees_paid_usd[moscow] / fee_step;
    EXPECT_NEAR(payers, std::round(payers), 1e-3 * payers + 1e-6) << r.date(t).iso();
    EXPECT_LE(std::round(payers),
              static_cast<double>(ix.stock(a, tj, {moscow}, Status::PermitHolder) + ix.returns(a, {moscow}, tj)))
        << r.date(t).iso();
    fees += a.fees_paid_usd[moscow];
  }
  EXPECT_GT(fees, 0.0);
  EXPECT_GT(ix.stock(r.h().back(), tj, {moscow}, Status::PermitHolder), 100);
}

TEST(Policies, RegistrationDeadlineMakesLateEaeuArrivalsIrregular) {
  Scenario strict = eaeu_toy(true), lax = strict;
  add(strict, "{type: registration_deadline, label: r, start: 2000-01-01, country: RU, days: 1}");
  add(lax, "{type: registration_deadline, label: r, start: 2000-01-01, country: RU, days: 60}");
  const Outcome a = run(strict), b = run(lax), none = run(eaeu_toy(true));
  const Ix ix(strict);
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  const auto irregular = [&](const Outcome& r) { return ix.stock(r.h().back(), kg, ru, Status::Irregular); };
  EXPECT_GT(irregular(a), 2 * irregular(b) + 100);
  // Without a deadline in force every EAEU worker is registered.
  for (const auto& s : none.h()) EXPECT_EQ(ix.stock(s, kg, ru, Status::Irregular), 0);
}

TEST(Policies, ReturnShockRaisesReturnsAndRedirectsDeparturesOfItsCitizensOnly) {
  const Scenario base = permit_toy();
  Scenario shocked = base;
  add(shocked,
      "{type: return_shock, label: shock, start: 2021-01-06, end: 2021-06-29, country: RU, "
      "citizenships: [TJ], return_factor: 3, departure_factor: 0.2}");
  const Outcome a = run(base), b = run(shocked);
  const Ix ix(base);
  const Set tj = ix.origins_in("TJ"), ru = ix.destinations_in("RU"), kz = ix.destinations_in("KZ");
  const std::size_t from = b.step(ymd(2021, 1, 6)), to = b.step(ymd(2021, 6, 30));
  for (std::size_t t = 0; t < from; ++t)
    ASSERT_EQ(difference(a.h()[t], b.h()[t], false), "") << "before the shock, " << t;
  for (std::size_t t = 0; t < a.steps(); ++t)
    for (auto o : ix.origins_in("KG")) ASSERT_TRUE(same_origin_rows(ix, a.h()[t], b.h()[t], o)) << "KG changed, " << t;
  // Per person at risk (the stock abroad, the people at home, at the start of each step): the
  // return hazard triples, departures to Russia fall to a fifth, and departures elsewhere keep
  // their rate (their share rises, the hazard falls with the sum of the shares).
  const Set home = tj;
  const auto rate = [&](const Outcome& r, auto flow, auto at_risk) {
    double events = 0, exposure = 0;
    for (std::size_t t = from; t < to; ++t) {
      events += static_cast<double>(flow(r.h()[t]));
      exposure += static_cast<double>(at_risk(r.before(t)));
    }
    return events / exposure;
  };
  const auto returns = [&](const StepAggregates& s) { return ix.returns(s, ru, tj); };
  const auto abroad = [&](const StepAggregates& s) { return ix.abroad(s, tj, ru); };
  const auto to_ru = [&](const StepAggregates& s) { return ix.departures(s, tj, ru); };
  const auto to_kz = [&](const StepAggregates& s) { return ix.departures(s, tj, kz); };
  const auto at_home = [&](const StepAggregates& s) {
    return ix.stock(s, tj, home, Status::AtHome) + ix.stock(s, tj, home, Status::Returned);
  };
  const double return_ratio = rate(b, returns, abroad) / rate(a, returns, abroad);
  const double ru_ratio = rate(b, to_ru, at_home) / rate(a, to_ru, at_home);
  const double kz_ratio = rate(b, to_kz, at_home) / rate(a, to_kz, at_home);
  EXPECT_NEAR(return_ratio, 3.0, 0.4);
  EXPECT_NEAR(ru_ratio, 0.2, 0.06);
  EXPECT_NEAR(kz_ratio, 1.0, 0.2);
}

TEST(Policies, ReturnShockOnOneLegalStatusSendsHomeOnlyMigrantsOfThatStatus) {
  const Scenario base = permit_toy({{"permits.fee_sensitivity", "8"}});  // many irregular migrants
  const auto shocked = [&](const std::string& statuses) {
    Scenario sc = base;
    add(sc,
        "{type: return_shock, label: shock, start: 2021-01-06, end: 2021-06-29, country: RU, citizenships: [KG, "
        "TJ], return_factor: 4" +
            statuses + "}");
    return run(sc);
  };
  const Outcome none = run(base), irregular = shocked(", statuses: [irregular]"),
                legal = shocked(", statuses: [legal]"), both = shocked(", statuses: [legal, irregular]"),
                every = shocked("");
  // Both statuses is the default: the same run bit for bit.
  for (std::size_t t = 0; t < every.steps(); ++t) ASSERT_EQ(difference(both.h()[t], every.h()[t], false), "") << t;
  const Ix ix(base);
  const Set all_o = ix.all_origins(), ru = ix.destinations_in("RU");
  const std::size_t end = irregular.step(ymd(2021, 6, 30));
  const auto in_russia = [&](const Outcome& r, std::initializer_list<Status> statuses) {
    std::int64_t n = 0;
    for (Status s : statuses) n += ix.stock(r.h()[end], all_o, ru, s);
    return static_cast<double>(n);
  };
  const auto ratios = [&](const Outcome& r) {  // irregular, legal: the shocked run's stock over the base's
    const auto legal_statuses = {Status::Resident, Status::EaeuWorker, Status::PermitHolder};
    return std::pair{in_russia(r, {Status::Irregular}) / in_russia(none, {Status::Irregular}),
                     in_russia(r, legal_statuses) / in_russia(none, legal_statuses)};
  };
  ASSERT_GT(in_russia(none, {Status::Irregular}), 1000);
  const auto [irregular_irregular, irregular_legal] = ratios(irregular);
  const auto [legal_irregular, legal_legal] = ratios(legal);
  EXPECT_LT(irregular_irregular, 0.8);  // four times the return hazard for half a year
  EXPECT_GT(irregular_legal, 0.95);
  EXPECT_LT(legal_legal, 0.8);
  EXPECT_GT(legal_irregular, legal_legal + 0.1);  // fewer lapsed permits, but no more returns
}

TEST(Policies, LabourDemandShockLowersEmployment) {
  const Scenario base = permit_toy();
  Scenario shocked = base;
  add(shocked,
      "{type: labour_demand_shock, label: shock, start: 2021-01-06, end: 2021-06-29, country: RU, factor: 0.3}");
  const Outcome a = run(base), b = run(shocked);
  const Ix ix(base);
  const Set all_o = ix.all_origins(), ru = ix.destinations_in("RU");
  const std::size_t from = b.step(ymd(2021, 1, 6)), last = b.step(ymd(2021, 6, 23));
  for (std::size_t t = 0; t < from; ++t) ASSERT_EQ(difference(a.h()[t], b.h()[t], false), "") << t;
  const auto share = [&](const Outcome& r, std::size_t t) {
    return static_cast<double>(ix.employed(r.h()[t], all_o, ru)) / static_cast<double>(ix.abroad(r.h()[t], all_o, ru));
  };
  EXPECT_LT(share(b, last), share(a, last) - 0.15) << share(b, last) << " vs " << share(a, last);
}

TEST(Policies, LabourDemandShockOfSomeSectorsLowersEmploymentLess) {
  const Scenario base = permit_toy();
  Scenario all = base, construction = base;
  add(all, "{type: labour_demand_shock, label: shock, start: 2021-01-06, end: 2021-06-29, country: RU, factor: 0.2}");
  add(construction,
      "{type: labour_demand_shock, label: shock, start: 2021-01-06, end: 2021-06-29, country: RU, "
      "sectors: [construction], factor: 0.2}");
  const Outcome a = run(base), b = run(construction), c = run(all);
  const Ix ix(base);
  const Set all_o = ix.all_origins(), ru = ix.destinations_in("RU");
  const std::size_t last = a.step(ymd(2021, 6, 23));
  const auto share = [&](const Outcome& r) {
    return static_cast<double>(ix.employed(r.h()[last], all_o, ru)) /
           static_cast<double>(ix.abroad(r.h()[last], all_o, ru));
  };
  // Jobs shift to the other sectors, so a construction-only shock costs little employment.
  EXPECT_LT(share(b), share(a) - 0.01);
  EXPECT_LT(share(c), share(b) - 0.05);
}

TEST(Policies, LayoffsEndJobsInTheFirstWeekAndUnpaidLeaveCutsRemittances) {
  const Scenario base = permit_toy();
  Scenario layoffs = base, unpaid = base;
  // Demand unchanged (factor 1): only the lay-offs or the unpaid pay act.
  add(layoffs,
      "{type: labour_demand_shock, label: lockdown, start: 2021-01-06, end: 2021-06-29, country: RU, factor: 1, "
      "layoff_rate: 0.3}");
  add(unpaid,
      "{type: labour_demand_shock, label: lockdown, start: 2021-01-06, end: 2021-06-29, country: RU, factor: 1, "
      "unpaid_share: 0.5}");
  const Outcome a = run(base), l = run(layoffs), u = run(unpaid);
  const Ix ix(base);
  const Set all_o = ix.all_origins(), ru = ix.destinations_in("RU");
  const std::size_t first = a.step(ymd(2021, 1, 6));
  const auto employed = [&](const Outcome& r, std::size_t t) {
    return static_cast<double>(ix.employed(r.h()[t], all_o, ru));
  };
  // A weekly step: about 30 % of the jobs end in the shock's first step, on top of the usual loss.
  EXPECT_NEAR(employed(l, first) / employed(a, first), 0.7, 0.05);
  EXPECT_EQ(employed(u, first), employed(a, first));  // unpaid leave keeps the job
  const auto remitted = [&](const Outcome& r) { return remitted_usd(r.h()[first]); };
  // Half the pay gone, living costs unchanged: remittances fall by more than half within the week.
  EXPECT_LT(remitted(u), remitted(a) * 0.5);
  EXPECT_LT(remitted(l), remitted(a) * 0.8);
}

TEST(Policies, ARecallGivesBackTheLastJobInTheWeekAfterALockdownEnds) {
  const Scenario base = permit_toy();
  const auto lockdown = [&](const std::string& recall, const std::string& scope) {
    Scenario sc = base;
    add(sc, "{type: labour_demand_shock, label: lockdown, start: 2021-01-06, end: 2021-02-23, " + scope +
                ", factor: 1, layoff_rate: 0.3" + recall + "}");
    return sc;
  };
  const Outcome none = run(lockdown("", "country: RU")), half = run(lockdown(", recall_share: 0.5", "country: RU"));
  const Outcome all = run(lockdown(", recall_share: 1", "country: RU"));
  const Outcome moscow = run(lockdown(", recall_share: 1", "regions: [moscow]"));
  const Outcome moscow_none = run(lockdown("", "regions: [moscow]"));
  const Ix ix(base);
  const Set all_o = ix.all_origins(), ru = ix.destinations_in("RU");
  const std::size_t recall = none.step(ymd(2021, 2, 24));  // holds the first day after the end
  ASSERT_EQ(none.step(ymd(2021, 2, 17)) + 1, recall);      // the step holding the end (23 February), then the next
  for (std::size_t t = 0; t < recall; ++t) {
    ASSERT_EQ(difference(none.h()[t], half.h()[t], false), "") << t;
    ASSERT_EQ(difference(none.h()[t], all.h()[t], false), "") << t;
  }
  const auto out_of_work = [&](const Outcome& r, const Set& where, std::size_t t) {
    return static_cast<double>(ix.abroad(r.h()[t], all_o, where) - ix.employed(r.h()[t], all_o, where));
  };
  const auto employed = [&](const Outcome& r, const Set& where, std::size_t t) {
    return static_cast<double>(ix.employed(r.h()[t], all_o, where));
  };
  // The lay-offs left many out of work; without a recall few find a job in the week after.
  ASSERT_GT(out_of_work(none, ru, recall - 1), 0.5 * employed(none, ru, recall - 1));
  EXPECT_GT(out_of_work(none, ru, recall), 0.8 * out_of_work(none, ru, recall - 1));
  // All called back (all sectors covered): in Russia only the jobs lost during that week are missing; half:
  // about half as many out of work as without.
  EXPECT_LT(out_of_work(all, ru, recall), 0.1 * out_of_work(none, ru, recall));
  EXPECT_NEAR(out_of_work(half, ru, recall) / out_of_work(none, ru, recall), 0.5, 0.05);
  // Only the covered regions call back: in the other Russian regions nothing changes.
  Set elsewhere = ru;
  elsewhere.erase(std::remove(elsewhere.begin(), elsewhere.end(), ix.loc("moscow")), elsewhere.end());
  ASSERT_FALSE(elsewhere.empty());
  const Set in_moscow{ix.loc("moscow")};
  EXPECT_LT(out_of_work(moscow, in_moscow, recall), 0.1 * out_of_work(moscow_none, in_moscow, recall));
  EXPECT_EQ(out_of_work(moscow, elsewhere, recall), out_of_work(moscow_none, elsewhere, recall));
  EXPECT_EQ(employed(moscow, elsewhere, recall), employed(moscow_none, elsewhere, recall));
  // One step only: afterwards jobs end and are found as usual.
  EXPECT_GT(out_of_work(all, ru, recall + 4), 0);
}

TEST(Policies, FamilySupportFromSavingsCushionsALossOfPayWhileTheSavingsLast) {
  const Scenario calm = permit_toy();
  Scenario calm_supported = calm, shock = calm;
  calm_supported.params.remittance_family_support_share = 1;
  // Pay stops for everybody in Russia for a year: without support nothing is sent from there.
  add(shock,
      "{type: labour_demand_shock, label: pay_stops, start: 2021-01-06, end: 2021-12-28, country: RU, factor: 1, "
      "unpaid_share: 1}");
  Scenario half = shock, full = shock;
  half.params.remittance_family_support_share = 0.5;
  full.params.remittance_family_support_share = 1;
  const Outcome a = run(calm), as = run(calm_supported), none = run(shock), h = run(half), f = run(full);
  const std::size_t first = a.step(ymd(2021, 1, 6)), later = a.step(ymd(2021, 9, 1));
  // Remittances are by origin, not destination: totals, compared with the calm run's in the same step.
  const auto sent = [](const Outcome& r, std::size_t t) { return remitted_usd(r.h()[t]); };
  // In calm times the family already gets its usual remittance from those in work: support adds only
  // what the few out of work draw from savings.
  EXPECT_GE(sent(as, first), sent(a, first));
  EXPECT_LT(sent(as, first), sent(a, first) * 1.2);
  // Pay gone: far less without support; with it, more in proportion to the share where savings suffice
  // (twice the share, at most twice the support), never above the calm amount.
  const double calm_sent = sent(as, first), lost = calm_sent - sent(none, first);
  const double half_support = sent(h, first) - sent(none, first), full_support = sent(f, first) - sent(none, first);
  EXPECT_LT(sent(none, first), calm_sent * 0.5);
  EXPECT_GT(half_support, lost * 0.2);
  EXPECT_GT(full_support, half_support * 1.5);
  EXPECT_LE(full_support, half_support * 2.05);
  EXPECT_LE(sent(f, first), calm_sent * 1.0001);
  // Savings run out: months into the shock the support is smaller than at its start.
  EXPECT_LT(sent(f, later) - sent(none, later), full_support * 0.7);
}

TEST(Policies, TransfersHeldBackAreSentLaterAndNoDollarIsLost) {
  const Scenario base = permit_toy();
  Scenario held = base;
  add(held,
      "{type: transfer_disruption, label: points_closed, start: 2021-01-06, end: 2021-03-02, "
      "regions: [moscow], held_share: 0.6}");
  Scenario slow = held, at_once = held;
  slow.params.remittance_catch_up_weeks = 8;
  at_once.params.remittance_catch_up_weeks = 0;
  const Outcome a = run(base), h = run(held), s = run(slow), z = run(at_once);
  const Ix ix(base);
  const std::size_t first = a.step(ymd(2021, 1, 6)), after = a.step(ymd(2021, 3, 3));
  const std::size_t moscow = ix.loc("moscow");
  const auto held_at = [&](const StepAggregates& x, std::size_t l) {
    double sum = 0;
    for (std::size_t o = 0; o < ix.nO; ++o) sum += x.remittances_held_usd[l * ix.nO + o];
    return sum;
  };
  for (const Outcome* r : {&h, &s, &z}) {
    double total_a = 0, total_r = 0;
    for (std::size_t t = 0; t < a.steps(); ++t) {
      // Nothing a migrant does depends on the disruption: only the money's timing differs.
      auto same = r->h()[t];
      same.remittances_usd = a.h()[t].remittances_usd;
      same.remittances_held_usd = a.h()[t].remittances_held_usd;
      ASSERT_EQ(difference(a.h()[t], same, false), "") << t;
      for (std::size_t l = 0; l < ix.nL; ++l)
        if (l != moscow) ASSERT_EQ(held_at(r->h()[t], l), 0.0) << t << " " << l;
      if (t < first) ASSERT_EQ(remitted_usd(r->h()[t]), remitted_usd(a.h()[t])) << t;
      total_a += remitted_usd(a.h()[t]);
      total_r += remitted_usd(r->h()[t]);
    }
    // Sent plus still held equals what would have been sent (float tallies: a relative 1e-6).
    EXPECT_NEAR(total_r + held_at(r->h().back(), moscow), total_a, total_a * 1e-6);
    EXPECT_LT(remitted_usd(r->h()[first]), remitted_usd(a.h()[first]));
    EXPECT_GT(held_at(r->h()[after - 1], moscow), held_at(r->h()[first], moscow));  // grows while closed
  }
  // Once the disruption ends: everything at once with 0 weeks, a share a week otherwise, slower with more weeks.
  EXPECT_EQ(held_at(z.h()[after], moscow), 0.0);
  EXPECT_GT(remitted_usd(z.h()[after]), remitted_usd(a.h()[after]) * 2);
  EXPECT_GT(held_at(s.h()[after], moscow), held_at(h.h()[after], moscow));
  EXPECT_GT(remitted_usd(h.h()[after]), remitted_usd(s.h()[after]));
  const double before_release = held_at(h.h()[after - 1], moscow);
  EXPECT_NEAR(held_at(h.h()[after], moscow), before_release * std::exp(-1.0 / 4.0), before_release * 1e-9);
}

TEST(Policies, WageShockAndWeakerCurrencyLowerIncomeFromTheDestination) {
  const Scenario base = permit_toy();
  Scenario wages = base, currency = base;
  add(wages, "{type: wage_shock, label: shock, start: 2021-01-06, end: 2021-06-29, regions: [moscow], factor: 0.3}");
  add(currency, "{type: exchange_rate, label: shock, start: 2021-01-06, end: 2021-06-29, currency: RUB, factor: 3}");
  const Outcome a = run(base), w = run(wages), c = run(currency);
  const Ix ix(base);
  const Set all_o = ix.all_origins(), moscow = {ix.loc("moscow")}, siberia = {ix.loc("siberia")};
  const std::size_t from = a.step(ymd(2021, 1, 6)), to = a.step(ymd(2021, 6, 30));
  const auto to_moscow = [&](const StepAggregates& s) { return ix.departures(s, all_o, moscow); };
  const auto to_siberia = [&](const StepAggregates& s) { return ix.departures(s, all_o, siberia); };
  EXPECT_LT(w.total(to_moscow, from, to), a.total(to_moscow, from, to) * 3 / 4);
  EXPECT_GT(w.total(to_siberia, from, to), a.total(to_siberia, from, to));
  const auto remittances = [&](const Outcome& r) {
    double sum = 0;
    for (std::size_t t = from; t < to; ++t)
      for (double x : r.h()[t].remittances_usd) sum += x;
    return sum;
  };
  EXPECT_LT(remittances(w), remittances(a) * 0.9);
  EXPECT_LT(remittances(c), remittances(a) * 0.7);
  // A wage shock of some sectors: construction (half the jobs) costs more than agriculture (a fifth).
  Scenario construction = base, agriculture = base;
  add(construction,
      "{type: wage_shock, label: shock, start: 2021-01-06, end: 2021-06-29, country: RU, "
      "sectors: [construction], factor: 0.1}");
  add(agriculture,
      "{type: wage_shock, label: shock, start: 2021-01-06, end: 2021-06-29, country: RU, "
      "sectors: [agriculture], factor: 0.1}");
  const double by_construction = remittances(run(construction)), by_agriculture = remittances(run(agriculture));
  EXPECT_LT(by_agriculture, remittances(a) * 0.95);
  EXPECT_LT(by_construction, by_agriculture * 0.8);
}

TEST(Policies, HomeInvestmentLowersDeparturesFromItsRegionOnly) {
  // The departure hazard responds to the gain from migrating only with a gain coefficient.
  const Scenario base = permit_toy({{"behaviour.departure.gain_coefficient", "1"}});
  Scenario invested = base;
  add(invested,
      "{type: home_investment, label: invest, start: 2021-01-06, regions: [dushanbe], wage_factor: 3, "
      "unemployment_factor: 0.5}");
  const Outcome a = run(base), b = run(invested);
  const Ix ix(base);
  const std::size_t from = a.step(ymd(2021, 1, 6));
  const Set tj = ix.origins_in("TJ"), all_d = ix.all_destinations();
  for (std::size_t t = 0; t < a.steps(); ++t)
    for (auto o : ix.origins_in("KG")) ASSERT_TRUE(same_origin_rows(ix, a.h()[t], b.h()[t], o)) << t;
  for (std::size_t t = 0; t < from; ++t) ASSERT_EQ(difference(a.h()[t], b.h()[t], false), "") << t;
  // In the first quarter (later, the larger pool at home makes up for the lower hazard).
  const auto departures = [&](const StepAggregates& s) { return ix.departures(s, tj, all_d); };
  EXPECT_LT(b.total(departures, from, from + 13), a.total(departures, from, from + 13) / 2);
}

TEST(Policies, ReintegrationProgrammeStopsReturneesFromLeavingAgain) {
  // remigration_factor 0: a returnee from Osh never leaves again, so Osh's departures cannot
  // exceed the number of its people who have never migrated, and its returnees only grow.
  const std::vector<migsim::Override> busy = {{"behaviour.departure.base_rate", "2"}};
  const Scenario base = eaeu_toy(true, busy);
  Scenario programme = base;
  add(programme, "{type: reintegration_programme, label: p, start: 2020-01-01, regions: [osh], remigration_factor: 0}");
  const Outcome a = run(base), b = run(programme);
  const Ix ix(base);
  const Set osh = {ix.loc("osh")}, all_d = ix.all_destinations();
  const std::int64_t never_migrated = ix.stock(b.initial, osh, osh, Status::AtHome);
  const auto departures = [&](const StepAggregates& s) { return ix.departures(s, osh, all_d); };
  EXPECT_LE(b.total(departures), never_migrated);
  EXPECT_GT(a.total(departures), 2 * never_migrated);
  for (std::size_t t = 0; t < b.steps(); ++t)
    EXPECT_GE(ix.stock(b.h()[t], osh, osh, Status::Returned),
              ix.stock(b.before(t), osh, osh, Status::Returned) - ix.exits(b.h()[t], osh));
  for (std::size_t t = 0; t < a.steps(); ++t)
    for (const char* other : {"bishkek", "dushanbe"})
      ASSERT_TRUE(same_origin_rows(ix, a.h()[t], b.h()[t], ix.loc(other))) << other << " " << t;
}

// ---- bilateral schemes -----------------------------------------------------------------------

TEST(Policies, SchemeRecruitsAtMostItsPlacesAndBringsWorkersHomeAfterTheirStay) {
  // 505 places a year (50 agents) of 6 months (lround(6 * 30.4375) = 183 days, so a worker
  // recruited in step s goes home in step s + 27, as 7 * 26 = 182 < 183 <= 189) in Britain, which
  // has no route: only the scheme gets there.
  Scenario sc = eaeu_toy(true);
  add(sc,
      "{type: bilateral_scheme, label: scheme, start: 2020-03-04, end: 2021-12-28, region: britain, places: 505, "
      "duration_months: 6, citizenships: [KG], application_rate: 5, sector: agriculture}");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), tj = ix.origins_in("TJ"), britain = {ix.loc("britain")};
  const std::size_t stay = 27;
  std::map<int, std::int64_t> recruited;
  for (std::size_t t = 0; t < r.steps(); ++t) {
    const StepAggregates& a = r.h()[t];
    EXPECT_EQ(ix.departures(a, tj, britain), 0);
    const std::int64_t recruits = ix.departures(a, kg, britain);
    if (!r.in_force(t, "scheme")) EXPECT_EQ(recruits, 0) << r.date(t).iso();
    recruited[r.date(t).year()] += recruits;
    EXPECT_LE(recruited[r.date(t).year()], 50) << r.date(t).iso();
    // Workers stay their term, then come home (nobody overstays: overstay_share 0).
    const std::int64_t due = t >= stay ? ix.departures(r.h()[t - stay], kg, britain) : 0;
    std::int64_t exits = 0, in_post = 0;
    for (std::size_t s = t >= stay ? t - stay : 0; s <= t; ++s) exits += ix.exits(r.h()[s], kg);
    for (std::size_t s = t >= stay - 1 ? t - (stay - 1) : 0; s <= t; ++s)
      in_post += ix.departures(r.h()[s], kg, britain);
    EXPECT_LE(ix.returns(a, britain, kg), due) << r.date(t).iso();
    EXPECT_GE(ix.returns(a, britain, kg), due - exits) << r.date(t).iso();
    EXPECT_LE(ix.stock(a, kg, britain, Status::SchemeWorker), in_post) << r.date(t).iso();
    EXPECT_GE(ix.stock(a, kg, britain, Status::SchemeWorker), in_post - exits) << r.date(t).iso();
    EXPECT_EQ(ix.abroad(a, kg, britain), ix.stock(a, kg, britain, Status::SchemeWorker));
  }
  // Applications far exceed the places: both years fill exactly.
  EXPECT_EQ(recruited[2020], 50);
  EXPECT_EQ(recruited[2021], 50);
  EXPECT_EQ(recruited[2022], 0);
}

TEST(Policies, SchemeWorkersWhoOverstayBecomeIrregular) {
  Scenario sc = eaeu_toy(true);
  add(sc,
      "{type: bilateral_scheme, label: scheme, start: 2020-03-04, end: 2020-12-31, region: britain, places: 505, "
      "duration_months: 3, citizenships: [KG], application_rate: 5, overstay_share: 1}");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), britain = {ix.loc("britain")};
  const std::size_t recruited = r.step(ymd(2020, 3, 4)), due = recruited + 13;
  ASSERT_EQ(ix.departures(r.h()[recruited], kg, britain), 50);
  EXPECT_EQ(ix.stock(r.h()[due - 1], kg, britain, Status::SchemeWorker), 50);
  EXPECT_EQ(ix.stock(r.h()[due - 1], kg, britain, Status::Irregular), 0);
  // At the end of the stay nobody goes home with the scheme; they stay on irregularly (some of
  // them may leave by the usual return hazard in the same step).
  EXPECT_EQ(ix.stock(r.h()[due], kg, britain, Status::SchemeWorker), 0);
  EXPECT_GE(ix.stock(r.h()[due], kg, britain, Status::Irregular), 50 - ix.returns(r.h()[due], britain, kg) - 1);
  EXPECT_GE(ix.stock(r.h()[due], kg, britain, Status::Irregular), 40);
}

// ---- naturalisation ----------------------------------------------------------------------------

TEST(Policies, NaturalisationNeedsMinYearsAbroadAndIsForGood) {
  // Everyone starts abroad with no time there (initial_max_years_abroad 0); naturalisation needs
  // a year (365 days): none before the step starting on day 365.
  Scenario sc = eaeu_toy(true, {{"population.initial_max_years_abroad", "0"}});
  add(sc,
      "{type: naturalisation_rule, label: nat, start: 2000-01-01, country: RU, rate: 2, min_years: 1, "
      "citizenships: [KG]}");
  const Outcome r = run(sc);
  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), tj = ix.origins_in("TJ"), ru = ix.destinations_in("RU"), all_o = ix.all_origins(),
            kz = ix.destinations_in("KZ");
  std::int64_t total = 0;
  for (std::size_t t = 0; t < r.steps(); ++t) {
    const StepAggregates& a = r.h()[t];
    const std::int32_t day = r.date(t) - ymd(2020, 1, 1);
    EXPECT_EQ(ix.naturalised(a, ru, tj), 0);
    EXPECT_EQ(ix.naturalised(a, kz, all_o), 0);
    EXPECT_EQ(ix.stock(a, tj, ix.all_destinations(), Status::Naturalised), 0);
    if (day < 365) EXPECT_EQ(ix.naturalised(a, ru, kg), 0) << r.date(t).iso();
    total += ix.naturalised(a, ru, kg);
    EXPECT_LE(ix.stock(a, kg, ru, Status::Naturalised), total);
    EXPECT_GE(ix.stock(a, kg, ru, Status::Naturalised),
              ix.stock(r.before(t), kg, ru, Status::Naturalised) + ix.naturalised(a, ru, kg) - ix.exits(a, kg));
  }
  EXPECT_EQ(ix.naturalised(r.h()[r.step(ymd(2020, 12, 30))], ru, kg), 0);  // day 364
  EXPECT_GT(ix.naturalised(r.h()[r.step(ymd(2021, 1, 6))], ru, kg), 10);   // day 371
  EXPECT_GT(total, 500);
}

// ---- displacement ----------------------------------------------------------------------------

TEST(Policies, DisplacementMovesPeopleForItsPeriodOnly) {
  const Scenario base = eaeu_toy(true);
  const auto displaced = [&](const std::string& fields) {
    Scenario sc = base;
    add(sc, "{type: displacement, label: floods, start: 2021-01-06, end: 2021-06-29, region: osh" + fields + "}");
    return run(sc);
  };
  const Outcome none = run(base);
  const Outcome some = displaced(", share: 0.3, to: bishkek, abroad_share: 0.2, return_factor: 3");
  const Outcome few = displaced(", share: 0.05, to: bishkek");
  const Outcome leave = displaced(", share: 0.3, abroad_share: 1");
  const Ix ix(base);
  const Set osh = {ix.loc("osh")}, bishkek = {ix.loc("bishkek")}, all_o = ix.all_origins(),
            all_d = ix.all_destinations();
  const std::size_t from = some.step(ymd(2021, 1, 6)), to = some.step(ymd(2021, 6, 30));
  for (std::size_t t = 0; t < some.steps(); ++t) {
    const std::int64_t here = ix.stock(some.h()[t], osh, bishkek, Status::Displaced);
    EXPECT_EQ(ix.stock(some.h()[t], all_o, all_o, Status::Displaced), here);  // all of them from Osh in Bishkek
    if (t >= from && t < to)
      EXPECT_GT(here, 0) << some.date(t).iso();
    else
      EXPECT_EQ(here, 0) << some.date(t).iso();
    EXPECT_EQ(ix.stock(leave.h()[t], all_o, all_o, Status::Displaced), 0);
    for (auto o : {ix.loc("bishkek"), ix.loc("dushanbe")})
      ASSERT_TRUE(same_origin_rows(ix, none.h()[t], some.h()[t], o)) << t;
  }
  // About share * (1 - abroad_share) of the people at home are displaced by the end.
  const double at_home = static_cast<double>(ix.stock(some.h()[from - 1], osh, osh, Status::AtHome) +
                                             ix.stock(some.h()[from - 1], osh, osh, Status::Returned));
  const double moved = static_cast<double>(ix.stock(some.h()[to - 1], osh, bishkek, Status::Displaced));
  EXPECT_GT(moved / at_home, 0.3 * 0.8 * 0.7);
  EXPECT_LT(moved / at_home, 0.3 * 0.8 * 1.3);  // returnees join the people at risk meanwhile
  EXPECT_GT(moved, 2 * ix.stock(few.h()[to - 1], osh, bishkek, Status::Displaced));
  // Those leaving the country and the migrants' returns.
  const auto departures = [&](const StepAggregates& s) { return ix.departures(s, osh, all_d); };
  const auto returns = [&](const StepAggregates& s) { return ix.returns(s, all_d, osh); };
  EXPECT_GT(leave.total(departures, from, to), none.total(departures, from, to) + at_home / 5);
  EXPECT_GT(some.total(departures, from, to), none.total(departures, from, to));
  EXPECT_GT(some.total(returns, from, to), 2 * none.total(returns, from, to));
}

// ---- destinations without a route ----------------------------------------------------------

TEST(Policies, NobodyLeavesForADestinationWithoutARoute) {
  // Britain, the toy's last destination, has no route: its probability in the destination choice
  // is 0. The choice converts a 32-bit draw to a float in [0, 1]; draws of 2^32 - 128 or more round
  // to 1.0f, which is past every cumulative share. Find a seed where an agent at home draws such a
  // value in step 0 (draw 0 of the agent's step: v[0] decides departure, v[1] the destination)
  // and check that nobody lands in Britain anyway.
  Scenario sc = bare({{"behaviour.departure.base_rate", "52"}});
  std::fill(sc.initial_stock.begin(), sc.initial_stock.end(), 0.0);
  const Ix ix(sc);
  const std::int64_t scale = 10;
  const auto agents = static_cast<std::uint64_t>(400000 / scale);
  const double depart = 1.0 - std::exp(-52.0 * 7 / 365.25);  // gain coefficient 0: the hazard is the base rate
  std::uint64_t seed = 0;
  for (std::uint64_t s = 1; s < 5000 && seed == 0; ++s) {
    const migsim::CounterRng rng(s);
    for (std::uint64_t id = 0; id < agents; ++id) {
      const auto bits = rng.bits(migsim::Stream::AgentStep, id, 0);
      if (bits.v[1] >= 0xFFFFFF80u && bits.v[0] * 0x1.0p-32 < depart * 0.99) {
        seed = s;
        break;
      }
    }
  }
  ASSERT_NE(seed, 0u) << "no seed found";
  Simulation sim(sc, options(seed, 1, scale, sc.params.start));
  sim.run();
  const StepAggregates& a = sim.history().at(0);
  const Set britain = {ix.loc("britain")};
  EXPECT_GT(ix.departures(a, ix.all_origins(), ix.all_destinations()), 1000);
  EXPECT_EQ(ix.departures(a, ix.all_origins(), britain), 0) << "seed " << seed;
  EXPECT_EQ(ix.abroad(a, ix.all_origins(), britain), 0) << "seed " << seed;
}

// ---- the built-in scenario ---------------------------------------------------------------------

TEST(Policies, KyrgyzstanConservesPeopleThroughAccessionAndClosures) {
  const Outcome r = run(kyrgyzstan(), options(1, 2, 500, ymd(2021, 12, 31)));
  Totals totals;
  check_accounting(r, totals);
  if (HasFatalFailure()) return;
  EXPECT_GT(totals.entries, 0);
  EXPECT_GT(totals.exits, 0);
  EXPECT_GT(totals.departures, 0);
  EXPECT_GT(totals.returns, 0);
  EXPECT_GT(totals.permits, 0);
  EXPECT_GT(totals.deportations, 0);
  EXPECT_GT(totals.naturalised, 0);
  EXPECT_GT(totals.evacuated, 0);
  EXPECT_GT(totals.max_stranded, 0);
  EXPECT_GT(totals.max_bans, 0);
  EXPECT_GT(totals.blocked, 0);
  // After Kyrgyzstan's accession no Kyrgyz citizen holds a patent in a member country.
  const Ix ix(kyrgyzstan());
  const auto& events = kyrgyzstan().events;
  const auto accession = std::find_if(events.begin(), events.end(), [](const migsim::Event& e) {
    return e.type == migsim::EventType::EaeuAccession && e.country == "KG";
  });
  ASSERT_NE(accession, events.end());
  Set members;
  for (const auto& e : events)
    if (e.type == migsim::EventType::EaeuAccession && e.country != "KG" && !e.end)
      for (auto l : ix.destinations_in(e.country)) members.push_back(l);
  ASSERT_FALSE(members.empty());
  std::size_t checked = 0;
  for (std::size_t t = 0; t < r.steps(); ++t) {
    if (r.date(t) < accession->start) continue;
    EXPECT_EQ(ix.stock(r.h()[t], ix.all_origins(), members, Status::PermitHolder), 0) << r.date(t).iso();
    ++checked;
  }
  EXPECT_GT(checked, 300u);
}

TEST(Policies, KyrgyzstanWithEventsDoesNotDependOnThreads) {
  std::vector<std::map<std::string, migsim::output::VariableData>> runs;
  for (int threads : {1, 2}) {
    Simulation sim(kyrgyzstan(), options(21, threads, 200, ymd(2021, 12, 31)));
    sim.run();
    runs.push_back(variables_of(sim.results()));
  }
  for (const char* name : {"permits_issued", "quota_remaining", "bans_active", "evacuated", "stranded", "policy_state",
                           "fees_paid", "naturalised", "deportations", "blocked_departures"})
    EXPECT_EQ(runs[0].count(name), 1u) << name;
  for (const auto& [name, data] : runs[0]) EXPECT_TRUE(data == runs[1].at(name)) << name << " differs";
}

}  // namespace

// ---- events added during a run (adaptive policies) ------------------------------------------

namespace {

/// The message of the migsim::Error `action` throws (fails the test if it throws nothing).
std::string engine_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const migsim::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a migsim::Error, nothing was thrown";
  return {};
}

TEST(Policies, EventAddedDuringARunActsFromTheNextStepAndIsRecorded) {
  const Scenario sc = eaeu_toy(true);
  migsim::Simulation plain(sc, options(5, 2, 10));
  migsim::Simulation adapted(sc, options(5, 2, 10));
  for (int k = 0; k < 10; ++k) plain.step(), adapted.step();
  const Date from = adapted.current_date();
  adapted.add_event(
      migsim::parse_event("{type: border_closure, label: late_closure, start: " + from.iso() + ", countries: [KG, RU]}",
                          adapted.scenario()));
  while (!plain.done()) plain.step(), adapted.step();

  const Ix ix(sc);
  const Set kg = ix.origins_in("KG"), ru = ix.destinations_in("RU");
  const auto& before = plain.history();
  const auto& after = adapted.history();
  for (std::size_t t = 0; t < after.size(); ++t) {
    if (t < 10) {  // identical up to the decision
      EXPECT_TRUE(same_bits(before[t].stock, after[t].stock)) << t;
      continue;
    }
    EXPECT_EQ(ix.departures(after[t], kg, ru), 0) << "nobody crosses a closed border, step " << t;
  }
  EXPECT_GT(ix.departures(before[20], kg, ru) + ix.departures(before[30], kg, ru), 0) << "without the closure";

  // policy_state gains the event: 0 before the decision, 1 after; earlier steps are padded.
  const auto ds = adapted.results();
  const auto* state = ds.find_variable("policy_state");
  ASSERT_NE(state, nullptr);
  const auto& flags = std::get<std::vector<std::int64_t>>(state->data);
  const std::size_t n_events = adapted.scenario().events.size(), late = n_events - 1;
  ASSERT_EQ(flags.size(), after.size() * n_events);
  for (std::size_t t = 0; t < after.size(); ++t) EXPECT_EQ(flags[t * n_events + late], t >= 10 ? 1 : 0) << t;
  // results_since(k) is the tail of results().
  const auto tail = adapted.results_since(after.size() - 1);
  EXPECT_EQ(tail.find_dim("time")->size, 1u);
}

TEST(Policies, EventsAddedDuringARunAreCheckedAndABadOneChangesNothing) {
  const Scenario sc = eaeu_toy(true);
  migsim::Simulation sim(sc, options(5, 1, 10));
  for (int k = 0; k < 5; ++k) sim.step();
  const std::size_t events = sim.scenario().events.size();
  auto attempt = [&](const std::string& yaml) {
    return engine_error_of([&] { sim.add_event(migsim::parse_event(yaml, sim.scenario())); });
  };
  // In the past: an added event acts from the next step on.
  EXPECT_TRUE(Contains(attempt("{type: enforcement, label: e1, start: 2020-01-01, country: RU, rate: 1}"),
                       "before the next step (" + sim.current_date().iso() + ")"));
  // A ban rule for a country without ban records.
  EXPECT_TRUE(
      Contains(attempt("{type: ban_rule, label: b1, start: 2021-01-01, country: KZ, on: deportation, years: 2}"),
               "no ban rules for KZ"));
  // Outside the scenario's period.
  EXPECT_TRUE(Contains(attempt("{type: enforcement, label: e2, start: 2031-01-01, country: RU, rate: 1}"),
                       "after the scenario ends"));
  EXPECT_EQ(sim.scenario().events.size(), events);
  sim.step();  // still usable
  EXPECT_EQ(sim.steps_done(), 6u);
}

}  // namespace
