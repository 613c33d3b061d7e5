#include "migsim/simulation.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>

#include "agents.hpp"
#include "environment.hpp"
#include "migsim/errors.hpp"
#include "migsim/random.hpp"

namespace migsim {

using detail::AgentStore;
using detail::kAgeBands;
using detail::kSkills;
using detail::kYearsAbroadBuckets;
using detail::StepTables;
using detail::Threshold;
using detail::Traits;

const char* status_name(Status status) {
  switch (status) {
    case Status::AtHome:
      return "at_home";
    case Status::Returned:
      return "returned";
    case Status::Migrant:
      return "migrant";
    case Status::Exited:
      return "exited";
  }
  return "unknown";
}

namespace {

/// Agents per block: the unit of parallel work and of ordered reduction. Fixed, so that the
/// floating-point sums do not depend on the number of threads.
constexpr std::size_t kBlockSize = 16384;
constexpr double kDaysPerYear = 365.25;

/// Per-block counters, in agents; summed block by block in index order after the pass.
struct Tally {
  std::vector<std::int32_t> stock, departures, returns, employed, exits;
  std::vector<double> remittances_usd;

  void resize(std::size_t nO, std::size_t nL, std::size_t nD) {
    stock.assign(nO * nL * kReportedStatuses, 0);
    departures.assign(nO * nD, 0);
    returns.assign(nD * nO, 0);
    employed.assign(nO * nL, 0);
    exits.assign(nO, 0);
    remittances_usd.assign(nO, 0.0);
  }
  void clear() {
    std::fill(stock.begin(), stock.end(), 0);
    std::fill(departures.begin(), departures.end(), 0);
    std::fill(returns.begin(), returns.end(), 0);
    std::fill(employed.begin(), employed.end(), 0);
    std::fill(exits.begin(), exits.end(), 0);
    std::fill(remittances_usd.begin(), remittances_usd.end(), 0.0);
  }
};

unsigned pick_threshold(const Threshold* cdf, std::size_t n, std::uint32_t draw) {
  unsigned k = 0;
  while (k + 1 < n && draw >= cdf[k]) ++k;
  return k;
}

unsigned pick_float(const float* cdf, std::size_t n, float draw) {
  unsigned k = 0;
  while (k + 1 < n && draw >= cdf[k]) ++k;
  return k;
}

}  // namespace

struct Simulation::Impl {
  Scenario scenario;
  RunOptions options;
  Calendar calendar;
  std::size_t total_steps = 0;
  std::size_t steps_done = 0;
  detail::Environment environment;
  CounterRng rng;
  tbb::task_arena arena;

  AgentStore agents;
  StepTables tables;
  std::vector<Tally> tallies;
  detail::NetworkState network;

  StepAggregates current;  // last completed step (or initial state)
  std::vector<StepAggregates> history;
  std::vector<Date> dates;
  double wall_seconds = 0;
  std::uint64_t agent_steps = 0;

  std::size_t nO() const { return scenario.n_origins(); }
  std::size_t nD() const { return scenario.n_destinations(); }
  std::size_t nL() const { return scenario.n_locations(); }

  Impl(Scenario sc, RunOptions opts)
      : scenario(std::move(sc)),
        options(opts),
        calendar(scenario.calendar()),
        environment(scenario),
        rng(opts.seed),
        arena(opts.threads > 0 ? opts.threads : tbb::info::default_concurrency()) {
    total_steps = options.until ? calendar.steps_until(*options.until) : calendar.steps();
    create_initial_agents();
    count_initial_state();
  }

  /// Runs `work` in the arena of --threads workers. The global_control lets an arena larger
  /// than the core count get its workers (TBB would warn and ignore them); results never
  /// depend on the worker count.
  template <typename Work>
  void in_arena(Work&& work) {
    tbb::global_control workers(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(arena.max_concurrency()));
    arena.execute(std::forward<Work>(work));
  }

  // ---- initial population --------------------------------------------------------------

  void create_initial_agents() {
    const auto& p = scenario.params;
    const double scale = static_cast<double>(options.scale);
    std::vector<std::size_t> first(nO() + 1, 0);
    std::vector<std::size_t> abroad_counts(nO() * nD());
    for (std::size_t o = 0; o < nO(); ++o) {
      const auto n = static_cast<std::size_t>(std::llround(scenario.origins[o].working_age_population / scale));
      std::size_t abroad = 0;
      for (std::size_t d = 0; d < nD(); ++d) {
        abroad_counts[o * nD() + d] =
            static_cast<std::size_t>(std::llround(scenario.initial_stock[o * nD() + d] / scale));
        abroad += abroad_counts[o * nD() + d];
      }
      first[o + 1] = first[o] + std::max(n, abroad);
    }
    const double years = static_cast<double>(calendar.end() - calendar.start()) / kDaysPerYear;
    agents.reserve(static_cast<std::size_t>(first[nO()] * (1.05 + 1.2 * p.entry_rate * years)));
    agents.resize(first[nO()]);

    const std::int32_t working_days = static_cast<std::int32_t>((p.exit_age - p.entry_age) * kDaysPerYear);
    const std::int32_t entry_days = static_cast<std::int32_t>(p.entry_age * kDaysPerYear);
    in_arena([&] {
      tbb::parallel_for(std::size_t{0}, nO(), [&](std::size_t o) {
        std::size_t id = first[o];
        for (std::size_t d = 0; d <= nD(); ++d) {  // d == nD: the people at home
          const std::size_t count = d < nD() ? abroad_counts[o * nD() + d] : first[o + 1] - id;
          for (std::size_t k = 0; k < count; ++k, ++id) {
            const auto u = rng.uniforms(Stream::AgentInit, id, 0, 0);
            const auto v = rng.uniforms(Stream::AgentInit, id, 0, 1);
            const bool abroad = d < nD();
            const double female_share = abroad ? p.initial_migrant_female_share : 1.0 - p.male_share;
            std::uint8_t traits = Traits::make(u[0] < female_share, draw_skill(u[1]));
            agents.origin[id] = static_cast<std::uint8_t>(o);
            agents.birth_day[id] = -entry_days - static_cast<std::int32_t>(u[2] * working_days);
            agents.trips[id] = abroad ? 1 : 0;
            agents.savings_usd[id] = 0;
            agents.moved_day[id] = std::numeric_limits<std::int32_t>::min() / 2;
            if (abroad) {
              agents.status[id] = static_cast<std::uint8_t>(Status::Migrant);
              agents.location[id] = static_cast<std::uint8_t>(nO() + d);
              agents.moved_day[id] = -static_cast<std::int32_t>(u[3] * p.initial_max_years_abroad * kDaysPerYear);
              agents.savings_usd[id] = static_cast<float>(v[0] * p.savings_target_usd);
              const double unemployment = scenario.unemployment[scenario.destinations[d].country].at(calendar.start());
              if (v[1] >= unemployment) traits = Traits::with_job(traits, draw_sector(v[2]));
            } else {
              agents.status[id] = static_cast<std::uint8_t>(Status::AtHome);
              agents.location[id] = static_cast<std::uint8_t>(o);
            }
            agents.traits[id] = traits;
          }
        }
      });
    });
  }

  unsigned draw_skill(double u) const {
    const auto& p = scenario.params;
    if (u < p.skill_share_low) return 0;
    if (u < p.skill_share_low + p.skill_share_medium) return 1;
    return 2;
  }

  unsigned draw_sector(double u) const {
    double cumulative = 0;
    for (std::size_t k = 0; k + 1 < scenario.sectors.size(); ++k) {
      cumulative += scenario.sectors[k].share;
      if (u < cumulative) return static_cast<unsigned>(k);
    }
    return static_cast<unsigned>(scenario.sectors.size() - 1);
  }

  void count_initial_state() {
    current = empty_aggregates();
    for (std::size_t i = 0; i < agents.size(); ++i) {
      const auto o = agents.origin[i];
      current.population[o] += 1;
      current.stock[(o * nL() + agents.location[i]) * kReportedStatuses + agents.status[i]] += 1;
      if (agents.status[i] == static_cast<std::uint8_t>(Status::Migrant) && Traits::employed(agents.traits[i]))
        current.employed[o * nL() + agents.location[i]] += 1;
    }
    update_network();
  }

  StepAggregates empty_aggregates() const {
    StepAggregates a;
    a.population.assign(nO(), 0);
    a.stock.assign(nO() * nL() * kReportedStatuses, 0);
    a.departures.assign(nO() * nL(), 0);
    a.returns.assign(nL() * nO(), 0);
    a.employed.assign(nO() * nL(), 0);
    a.entries.assign(nO(), 0);
    a.exits.assign(nO(), 0);
    a.remittances_usd.assign(nO(), 0.0);
    return a;
  }

  void update_network() {
    network.population.assign(nO(), 0.0);
    network.abroad.assign(nO() * nD(), 0.0);
    for (std::size_t o = 0; o < nO(); ++o) {
      network.population[o] = static_cast<double>(current.population[o]);
      for (std::size_t d = 0; d < nD(); ++d)
        for (std::size_t s = 0; s < kReportedStatuses; ++s)
          network.abroad[o * nD() + d] +=
              static_cast<double>(current.stock[(o * nL() + nO() + d) * kReportedStatuses + s]);
    }
  }

  // ---- one step ------------------------------------------------------------------------

  void step() {
    if (steps_done >= total_steps) throw Error("the simulation has already reached its last step");
    const std::size_t k = steps_done;
    const Date date = calendar.step_start(k);
    const std::int32_t day = date - calendar.start();
    environment.compute(date, day, calendar.step_days(k), network, tables);
    StepAggregates next = empty_aggregates();
    add_entrants(k, day, next);
    run_agent_pass(static_cast<std::uint32_t>(k));
    reduce_tallies(next);
    for (std::size_t o = 0; o < nO(); ++o)
      agent_steps += static_cast<std::uint64_t>(next.population[o] + next.exits[o]);
    current = std::move(next);
    history.push_back(current);
    dates.push_back(date);
    update_network();
    ++steps_done;
  }

  /// People reaching working age join at home; their number is a Poisson draw per origin
  /// keyed by (seed, origin, step), so it is the same whatever the thread count.
  void add_entrants(std::size_t k, std::int32_t day, StepAggregates& next) {
    const auto& p = scenario.params;
    const double years = calendar.step_days(k) / kDaysPerYear;
    const std::int32_t birth = day - static_cast<std::int32_t>(p.entry_age * kDaysPerYear);
    for (std::size_t o = 0; o < nO(); ++o) {
      const double mean = p.entry_rate * years * static_cast<double>(current.population[o]);
      if (!(mean > 0)) continue;
      auto urng = rng.engine(Stream::Entrants, o, static_cast<std::uint32_t>(k));
      const auto count = static_cast<std::size_t>(boost::random::poisson_distribution<long, double>(mean)(urng));
      next.entries[o] = static_cast<std::int64_t>(count);
      const std::size_t first = agents.size();
      agents.resize(first + count);
      for (std::size_t id = first; id < first + count; ++id) {
        const auto u = rng.uniforms(Stream::AgentInit, id, 0, 0);
        agents.status[id] = static_cast<std::uint8_t>(Status::AtHome);
        agents.origin[id] = static_cast<std::uint8_t>(o);
        agents.location[id] = static_cast<std::uint8_t>(o);
        agents.traits[id] = Traits::make(u[0] >= p.male_share, draw_skill(u[1]));
        agents.trips[id] = 0;
        agents.birth_day[id] = birth - static_cast<std::int32_t>(u[2] * calendar.step_days(k));  // spread over the step
        agents.moved_day[id] = std::numeric_limits<std::int32_t>::min() / 2;
        agents.savings_usd[id] = 0;
      }
    }
  }

  void run_agent_pass(std::uint32_t step_index) {
    const std::size_t blocks = (agents.size() + kBlockSize - 1) / kBlockSize;
    while (tallies.size() < blocks) {
      tallies.emplace_back();
      tallies.back().resize(nO(), nL(), nD());
    }
    in_arena([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, blocks, 1),
          [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t b = range.begin(); b != range.end(); ++b) {
              tallies[b].clear();
              const std::size_t begin = b * kBlockSize;
              const std::size_t end = std::min(begin + kBlockSize, agents.size());
              update_block(begin, end, step_index, tallies[b]);
            }
          },
          tbb::simple_partitioner());
    });
  }

  std::size_t age_band(std::int32_t birth_day) const {
    std::size_t band = kAgeBands - 1;
    while (band > 0 && birth_day > tables.band_birth_day[band - 1]) --band;
    return band;
  }

  /// The agent rules of one step for agents [begin, end). Reads only StepTables and the
  /// agent's own state, so blocks are independent.
  void update_block(std::size_t begin, std::size_t end, std::uint32_t step_index, Tally& tally);

  void reduce_tallies(StepAggregates& next) {
    const std::size_t blocks = (agents.size() + kBlockSize - 1) / kBlockSize;
    const double scale = static_cast<double>(options.scale);
    for (std::size_t b = 0; b < blocks; ++b) {
      const Tally& t = tallies[b];
      for (std::size_t i = 0; i < t.stock.size(); ++i) next.stock[i] += t.stock[i];
      for (std::size_t o = 0; o < nO(); ++o) {
        for (std::size_t d = 0; d < nD(); ++d) {
          next.departures[o * nL() + nO() + d] += t.departures[o * nD() + d];
          next.returns[(nO() + d) * nO() + o] += t.returns[d * nO() + o];
        }
        next.exits[o] += t.exits[o];
        next.remittances_usd[o] += t.remittances_usd[o] * scale;
      }
      for (std::size_t i = 0; i < t.employed.size(); ++i) next.employed[i] += t.employed[i];
    }
    for (std::size_t o = 0; o < nO(); ++o)
      for (std::size_t i = 0; i < nL() * kReportedStatuses; ++i)
        next.population[o] += next.stock[o * nL() * kReportedStatuses + i];
  }
};

void Simulation::Impl::update_block(std::size_t begin, std::size_t end, std::uint32_t step_index, Tally& tally) {
  const auto& t = tables;
  const std::size_t n_origins = nO(), n_locations = nL(), n_destinations = nD();
  const std::size_t n_sectors = scenario.sectors.size();
  constexpr auto kMigrant = static_cast<std::uint8_t>(Status::Migrant);
  constexpr auto kReturned = static_cast<std::uint8_t>(Status::Returned);
  constexpr auto kExited = static_cast<std::uint8_t>(Status::Exited);

  for (std::size_t i = begin; i < end; ++i) {
    std::uint8_t status = agents.status[i];
    if (status == kExited) continue;
    const std::uint8_t origin = agents.origin[i];
    if (agents.birth_day[i] <= t.exit_birth_day) {
      agents.status[i] = kExited;
      tally.exits[origin] += 1;
      continue;
    }
    AgentStore& a = agents;
    const auto draws = rng.bits(Stream::AgentStep, i, step_index);
    const std::uint32_t* u = draws.v;
    std::uint8_t traits = a.traits[i];
    std::uint8_t location = a.location[i];

    if (status != kMigrant) {
      const bool experienced = status == kReturned;
      if (!(experienced && a.moved_day[i] > t.cooldown_day)) {
        const unsigned skill = Traits::skill(traits);
        const std::size_t type =
            (((origin * 2 + Traits::female(traits)) * kSkills + skill) * kAgeBands + age_band(a.birth_day[i])) * 2 +
            experienced;
        if (u[0] < t.departure[type]) {
          const float* cdf = &t.destination_cdf[(origin * kSkills + skill) * n_destinations];
          const unsigned d = pick_float(cdf, n_destinations, static_cast<float>(u[1] * 0x1.0p-32));
          status = kMigrant;
          location = static_cast<std::uint8_t>(n_origins + d);
          a.moved_day[i] = t.today;
          a.savings_usd[i] = -t.travel_cost_usd[origin * n_destinations + d];
          a.trips[i] = static_cast<std::uint8_t>(std::min(a.trips[i] + 1, 255));
          traits = Traits::without_job(traits);
          tally.departures[origin * n_destinations + d] += 1;
        }
      }
    } else {
      const std::size_t d = location - n_origins;
      const unsigned skill = Traits::skill(traits);
      if (Traits::employed(traits)) {
        if (u[0] < t.job_loss[d]) traits = Traits::without_job(traits);
      } else if (u[0] < t.job_finding[d]) {
        traits = Traits::with_job(traits, pick_threshold(t.sector_cdf.data(), n_sectors, u[2]));
      }
      const bool employed = Traits::employed(traits);
      float net = -t.living_cost_usd[d];
      if (employed) net += t.earnings_usd[(d * kSkills + skill) * n_sectors + Traits::sector(traits)];
      float savings = a.savings_usd[i];
      if (net > 0) {
        const float remitted = net * t.remittance_share;
        tally.remittances_usd[origin] += remitted;
        savings += net - remitted;
      } else {
        savings += net;
      }
      a.savings_usd[i] = savings;
      // Whole years abroad: 1461 days per 4 years.
      const auto years = std::min<std::int32_t>((t.today - a.moved_day[i]) * 4 / 1461, kYearsAbroadBuckets - 1);
      const bool target = savings >= t.savings_target_usd;
      if (u[3] < t.return_[((d * 2 + target) * 2 + !employed) * kYearsAbroadBuckets + years]) {
        status = kReturned;
        location = origin;
        a.moved_day[i] = t.today;
        traits = Traits::without_job(traits);
        tally.returns[d * n_origins + origin] += 1;
      }
    }
    a.status[i] = status;
    a.location[i] = location;
    a.traits[i] = traits;
    tally.stock[(origin * n_locations + location) * kReportedStatuses + status] += 1;
    if (status == kMigrant && Traits::employed(traits)) tally.employed[origin * n_locations + location] += 1;
  }
}

// ---- public interface ----------------------------------------------------------------------

Simulation::Simulation(Scenario scenario, RunOptions options) {
  if (options.scale < 1)
    throw ArgumentError("scale: expected a whole number >= 1, found " + std::to_string(options.scale));
  if (options.threads < 0)
    throw ArgumentError("threads: expected 0 (all cores) or more, found " + std::to_string(options.threads));
  if (options.until && *options.until < scenario.params.start)
    throw ArgumentError("until: expected a date on or after the scenario start " + scenario.params.start.iso() +
                        ", found " + options.until->iso());
  if (options.until && *options.until > scenario.params.end)
    throw ArgumentError("until: expected a date on or before the scenario end " + scenario.params.end.iso() +
                        ", found " + options.until->iso());
  impl_ = std::make_unique<Impl>(std::move(scenario), options);
}

Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

const Scenario& Simulation::scenario() const { return impl_->scenario; }
const RunOptions& Simulation::options() const { return impl_->options; }
std::size_t Simulation::total_steps() const { return impl_->total_steps; }
std::size_t Simulation::steps_done() const { return impl_->steps_done; }
bool Simulation::done() const { return impl_->steps_done >= impl_->total_steps; }
Date Simulation::current_date() const {
  return done() ? impl_->calendar.step_end(impl_->steps_done - 1) : impl_->calendar.step_start(impl_->steps_done);
}
const StepAggregates& Simulation::last() const { return impl_->current; }
const std::vector<StepAggregates>& Simulation::history() const { return impl_->history; }
const std::vector<Date>& Simulation::step_dates() const { return impl_->dates; }

void Simulation::step() {
  const auto t0 = std::chrono::steady_clock::now();
  impl_->step();
  impl_->wall_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Simulation::run(const std::function<void(std::size_t, std::size_t)>& progress) {
  while (!done()) {
    step();
    if (progress) progress(impl_->steps_done, impl_->total_steps);
  }
}

RunStats Simulation::stats() const {
  RunStats s;
  s.steps = impl_->steps_done;
  s.agent_steps = impl_->agent_steps;
  s.wall_seconds = impl_->wall_seconds;
  s.agent_slots = impl_->agents.size();
  for (auto p : impl_->current.population) s.live_agents += static_cast<std::size_t>(p);
  s.agent_bytes = impl_->agents.bytes();
  s.threads = impl_->arena.max_concurrency();
  return s;
}

}  // namespace migsim
