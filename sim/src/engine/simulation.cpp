#include "migsim/simulation.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_set>

#include "model/agents.hpp"
#include "parallel/communicator.hpp"
#include "events/kind.hpp"
#include "model/environment.hpp"
#include "migsim/errors.hpp"
#include "migsim/random.hpp"

// The per-agent rules are split into functions for reading; they must still compile into one
// loop body, or every byte store into the agent arrays forces the compiler to reload the tables.
#define MIGSIM_INLINE __attribute__((always_inline)) inline
// Rare paths (a departure, a ban, a displacement) stay out of the loop body, keeping the common
// path of an agent at home short.
#define MIGSIM_COLD __attribute__((noinline, cold))

namespace migsim {

using detail::AgentStore;
using detail::kAgeBands;
using detail::kSkills;
using detail::kYearsAbroadBuckets;
using detail::StepTables;
using detail::Threshold;
using detail::Traits;

namespace {

/// Agents per block: the unit of parallel work and of ordered reduction. Fixed, so that the
/// floating-point sums do not depend on the number of threads.
constexpr std::size_t kBlockSize = 16384;
constexpr double kDaysPerYear = 365.25;
constexpr std::int32_t kPrepaidDays = 30;  ///< a patent's first month is paid on issue
constexpr auto kAtHome = static_cast<std::uint8_t>(Status::AtHome);
constexpr auto kReturned = static_cast<std::uint8_t>(Status::Returned);
constexpr auto kDisplaced = static_cast<std::uint8_t>(Status::Displaced);
constexpr auto kResident = static_cast<std::uint8_t>(Status::Resident);
constexpr auto kEaeuWorker = static_cast<std::uint8_t>(Status::EaeuWorker);
constexpr auto kPermitHolder = static_cast<std::uint8_t>(Status::PermitHolder);
constexpr auto kIrregular = static_cast<std::uint8_t>(Status::Irregular);
constexpr auto kDetained = static_cast<std::uint8_t>(Status::Detained);
constexpr auto kConvicted = static_cast<std::uint8_t>(Status::Convicted);
constexpr auto kStranded = static_cast<std::uint8_t>(Status::Stranded);
constexpr auto kSchemeWorker = static_cast<std::uint8_t>(Status::SchemeWorker);
constexpr auto kNaturalised = static_cast<std::uint8_t>(Status::Naturalised);
constexpr auto kExited = static_cast<std::uint8_t>(Status::Exited);

enum class Application : std::uint8_t { Arrival, Renewal, Regularisation };

/// A request for a quota permit, decided after the parallel pass.
struct QuotaApplicant {
  std::uint32_t priority;
  std::uint32_t id;
  std::int16_t pool;
  std::uint8_t destination;
  std::uint8_t sector;
  Application kind;
};

struct SchemeApplicant {
  std::uint32_t priority;
  std::uint32_t id;
  std::uint16_t scheme;
};

struct StrandedPerson {
  std::int32_t since;
  std::uint32_t priority;
  std::uint32_t id;
  std::int16_t pool;
};

/// Per-block counters, in agents; summed block by block in index order after the pass.
struct Tally {
  std::vector<std::int32_t> stock, departures, returns, employed, exits;
  std::vector<std::int32_t> permits, detentions, deportations, bans, blocked, naturalised;
  std::vector<double> remittances_usd, fees_usd;
  std::vector<QuotaApplicant> quota_applicants;
  std::vector<SchemeApplicant> scheme_applicants;
  std::vector<StrandedPerson> stranded;

  void resize(std::size_t nO, std::size_t nL, std::size_t nD, std::size_t nC) {
    stock.assign(nO * nL * kReportedStatuses, 0);
    departures.assign(nO * nD, 0);
    returns.assign(nD * nO, 0);
    employed.assign(nO * nL, 0);
    exits.assign(nO, 0);
    permits.assign(nC, 0);
    detentions.assign(nD * nO, 0);
    deportations.assign(nD * nO, 0);
    bans.assign(nC * nO, 0);
    blocked.assign(nO * nD, 0);
    naturalised.assign(nD * nO, 0);
    remittances_usd.assign(nO, 0.0);
    fees_usd.assign(nD, 0.0);
  }
  void clear() {
    for (auto* v : {&stock, &departures, &returns, &employed, &exits, &permits, &detentions, &deportations, &bans,
                    &blocked, &naturalised})
      std::fill(v->begin(), v->end(), 0);
    std::fill(remittances_usd.begin(), remittances_usd.end(), 0.0);
    std::fill(fees_usd.begin(), fees_usd.end(), 0.0);
    quota_applicants.clear();
    scheme_applicants.clear();
    stranded.clear();
  }
};

/// The part `share` of a probability `p`, both as 32-bit thresholds: a sub-interval of an
/// outcome's interval of one draw.
inline std::uint64_t part_of(std::uint64_t p, Threshold share) { return (p * share) >> 32; }

unsigned pick_threshold(const Threshold* cdf, std::size_t n, std::uint32_t draw) {
  unsigned k = 0;
  while (k + 1 < n && draw >= cdf[k]) ++k;
  return k;
}

/// A 32-bit draw as a float in [0, 1): 24 bits, so that rounding can never give 1.0f (which would
/// fall through to the last destination even if its share is zero).
inline float unit_float(std::uint32_t draw) { return static_cast<float>(draw >> 8) * 0x1.0p-24f; }

unsigned pick_float(const float* cdf, std::size_t n, float draw) {
  unsigned k = 0;
  while (k + 1 < n && draw >= cdf[k]) ++k;
  return k;
}

/// The state of the agent being updated, held in registers and written back once.
struct AgentStep {
  std::size_t id;    ///< global id: keys the agent's random draws and its place in queues
  std::size_t slot;  ///< index into this rank's agent arrays (== id in a single-process run)
  std::uint8_t origin, status, location, traits;
  std::uint32_t u[4];  ///< four draws of the step
  Tally& tally;
};

}  // namespace

struct Simulation::Impl {
  Scenario scenario;
  RunOptions options;
  Calendar calendar;
  std::size_t total_steps = 0;
  std::size_t steps_done = 0;
  detail::Environment environment;
  detail::Policies policies;
  CounterRng rng;
  tbb::task_arena arena;
  /// The ranks of a distributed run. Agents are dealt to ranks block by block, round robin (block
  /// b on rank b % ranks), so entrants, appended at the end, spread evenly; each rank stores its
  /// blocks contiguously. Everything else (policies, environment, aggregates) is replicated.
  detail::Communicator comm;
  std::size_t rank = 0, ranks = 1;

  AgentStore agents;         ///< this rank's agents, by slot
  std::size_t n_agents = 0;  ///< agents ever created on all ranks; ids are 0 .. n_agents-1
  StepTables tables;
  detail::PolicyTables policy;
  std::vector<Tally> tallies;
  detail::NetworkState network;
  std::vector<std::size_t> destination_country;  ///< [d]
  std::vector<double> initial_quota_share;  ///< [pool] chance that an initial migrant wanting a quota permit has one

  StepAggregates current;  // last completed step (or initial state)
  std::vector<StepAggregates> history;
  std::vector<Date> dates;
  double wall_seconds = 0;
  std::uint64_t agent_steps = 0;

  // Sizes, cached: the kernel reads them for every agent.
  std::size_t n_origins = 0, n_destinations = 0, n_locations = 0, n_countries = 0, n_sectors = 0;
  std::size_t nO() const { return n_origins; }
  std::size_t nD() const { return n_destinations; }
  std::size_t nL() const { return n_locations; }
  std::size_t nC() const { return n_countries; }
  std::size_t nS() const { return n_sectors; }
  double scale() const { return static_cast<double>(options.scale); }

  Impl(Scenario sc, RunOptions opts)
      : scenario(std::move(sc)),
        options(opts),
        calendar(scenario.calendar()),
        environment(scenario),
        policies(scenario),
        rng(opts.seed),
        arena(opts.threads > 0 ? opts.threads : tbb::info::default_concurrency()),
        comm(opts.distributed ? detail::Communicator::world() : detail::Communicator()),
        rank(static_cast<std::size_t>(comm.rank())),
        ranks(static_cast<std::size_t>(comm.size())) {
    total_steps = options.until ? calendar.steps_until(*options.until) : calendar.steps();
    n_origins = scenario.n_origins();
    n_destinations = scenario.n_destinations();
    n_locations = scenario.n_locations();
    n_countries = scenario.countries.size();
    n_sectors = scenario.sectors.size();
    for (const auto& d : scenario.destinations) destination_country.push_back(d.country);
    agents.ban_slots = policies.ban_slots();
    policies.compute(calendar.start(), calendar.step_end(0), calendar.step_days(0), scale(), policy);
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

  // ---- which agents this rank holds -----------------------------------------------------

  std::size_t blocks_of(std::size_t n) const { return (n + kBlockSize - 1) / kBlockSize; }
  /// Blocks of the first n agents that this rank holds: global blocks rank, rank + ranks, ...
  std::size_t local_blocks(std::size_t n) const { return blocks_held(n, rank); }
  /// Blocks of the first n agents that rank r holds.
  std::size_t blocks_held(std::size_t n, std::size_t r) const {
    const std::size_t blocks = blocks_of(n);
    return blocks > r ? (blocks - r + ranks - 1) / ranks : 0;
  }
  std::size_t global_block(std::size_t local_block) const { return local_block * ranks + rank; }
  bool holds(std::size_t id) const { return (id / kBlockSize) % ranks == rank; }
  std::size_t slot_of(std::size_t id) const { return (id / kBlockSize / ranks) * kBlockSize + id % kBlockSize; }
  /// Slots needed for this rank's share of the first n agents (its last block may be partial).
  std::size_t local_size(std::size_t n) const {
    const std::size_t blocks = local_blocks(n);
    if (blocks == 0) return 0;
    const std::size_t last_begin = global_block(blocks - 1) * kBlockSize;
    return (blocks - 1) * kBlockSize + std::min(kBlockSize, n - last_begin);
  }
  /// Runs body(first id, end id, first slot) for every block this rank holds, in parallel.
  template <typename Body>
  void for_local_blocks(Body&& body) {
    in_arena([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, local_blocks(n_agents), 1),
          [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t lb = range.begin(); lb != range.end(); ++lb) {
              const std::size_t begin = global_block(lb) * kBlockSize;
              body(lb, begin, std::min(begin + kBlockSize, n_agents), lb * kBlockSize);
            }
          },
          tbb::simple_partitioner());
    });
  }

  // ---- initial population --------------------------------------------------------------

  void create_initial_agents() {
    const auto& p = scenario.params;
    // Ids are laid out by origin, and within an origin by destination (the people abroad first,
    // then those at home): group_end[o * (nD + 1) + d] is one past the last id of each group.
    std::vector<std::size_t> group_end(nO() * (nD() + 1));
    std::size_t id = 0;
    for (std::size_t o = 0; o < nO(); ++o) {
      const auto n = static_cast<std::size_t>(std::llround(scenario.origins[o].working_age_population / scale()));
      std::size_t abroad = 0;
      for (std::size_t d = 0; d < nD(); ++d) {
        const auto count = static_cast<std::size_t>(std::llround(scenario.initial_stock[o * nD() + d] / scale()));
        abroad += count;
        group_end[o * (nD() + 1) + d] = id += count;
      }
      group_end[o * (nD() + 1) + nD()] = id += std::max(n, abroad) - abroad;
    }
    n_agents = id;
    limit_initial_quota_permits(group_end);
    const double years = static_cast<double>(calendar.end() - calendar.start()) / kDaysPerYear;
    agents.reserve(static_cast<std::size_t>(local_size(n_agents) * (1.05 + 1.2 * p.entry_rate * years)));
    agents.resize(local_size(n_agents));
    for_local_blocks([&](std::size_t, std::size_t begin, std::size_t end, std::size_t first_slot) {
      std::size_t group = std::upper_bound(group_end.begin(), group_end.end(), begin) - group_end.begin();
      for (std::size_t id = begin; id < end; ++id) {
        while (id >= group_end[group]) ++group;
        create_initial_agent(id, first_slot + (id - begin), group / (nD() + 1), group % (nD() + 1));
      }
    });
  }

  /// Quota permits held at the start were issued under the quota of the year before it, so a pool
  /// cannot have more initial holders than its yearly limit: where more migrants would take one,
  /// each gets it with the same reduced chance and the others are irregular.
  void limit_initial_quota_permits(const std::vector<std::size_t>& group_end) {
    initial_quota_share.assign(policy.pools.size(), 1.0);
    std::vector<double> wanting(policy.pools.size(), 0.0);
    for (std::size_t o = 0; o < nO(); ++o)
      for (std::size_t d = 0; d < nD(); ++d) {
        const std::size_t od = o * nD() + d, group = o * (nD() + 1) + d;
        const std::size_t abroad = group_end[group] - (group > 0 ? group_end[group - 1] : 0);
        if (policy.route[od] == detail::EntryRoute::Permit && policy.quota_pool[od * nS()] >= 0)
          wanting[static_cast<std::size_t>(policy.quota_pool[od * nS()])] +=
              static_cast<double>(abroad) * static_cast<double>(policy.uptake[od]) / 4294967296.0;
      }
    for (std::size_t k = 0; k < wanting.size(); ++k)
      if (wanting[k] > static_cast<double>(policy.pools[k].remaining))
        initial_quota_share[k] = static_cast<double>(policy.pools[k].remaining) / wanting[k];
  }

  /// Agent `id` of origin o, abroad in destination d (or at home if d == nD).
  void create_initial_agent(std::size_t id, std::size_t slot, std::size_t o, std::size_t d) {
    const auto& p = scenario.params;
    const std::int32_t working_days = static_cast<std::int32_t>((p.exit_age - p.entry_age) * kDaysPerYear);
    const std::int32_t entry_days = static_cast<std::int32_t>(p.entry_age * kDaysPerYear);
    const auto u = rng.uniforms(Stream::AgentInit, id, 0, 0);
    const auto v = rng.uniforms(Stream::AgentInit, id, 0, 1);
    const bool abroad = d < nD();
    const double female_share = abroad ? p.initial_migrant_female_share : 1.0 - p.male_share;
    std::uint8_t traits = Traits::make(u[0] < female_share, draw_skill(u[1]));
    agents.origin[slot] = static_cast<std::uint8_t>(o);
    agents.birth_day[slot] = -entry_days - static_cast<std::int32_t>(u[2] * working_days);
    agents.trips[slot] = abroad ? 1 : 0;
    agents.savings_usd[slot] = 0;
    agents.moved_day[slot] = std::numeric_limits<std::int32_t>::min() / 2;
    agents.status_day[slot] = detail::kNever;
    if (abroad) {
      agents.location[slot] = static_cast<std::uint8_t>(nO() + d);
      agents.moved_day[slot] = -static_cast<std::int32_t>(u[3] * p.initial_max_years_abroad * kDaysPerYear);
      agents.savings_usd[slot] = static_cast<float>(v[0] * p.savings_target_usd);
      const double unemployment = scenario.unemployment[scenario.destinations[d].country].at(calendar.start());
      if (v[1] >= unemployment) traits = Traits::with_job(traits, draw_sector(v[2]));
      agents.status[slot] = initial_status(slot, o * nD() + d, v[3]);
    } else {
      agents.status[slot] = kAtHome;
      agents.location[slot] = static_cast<std::uint8_t>(o);
    }
    agents.traits[slot] = traits;
  }

  /// Legal status of a migrant abroad at the start: the arrival rules of the first step; quota
  /// permits (issued before the start) up to each pool's yearly limit, not counted against it.
  std::uint8_t initial_status(std::size_t slot, std::size_t od, double u) {
    const auto draw = static_cast<std::uint32_t>(u * 4294967296.0);
    switch (policy.route[od]) {
      case detail::EntryRoute::Free:
        return kResident;
      case detail::EntryRoute::Eaeu:
        if (draw < policy.registration[od]) return kEaeuWorker;
        agents.status_day[slot] = agents.moved_day[slot];
        return kIrregular;
      case detail::EntryRoute::Permit:
        if (draw < policy.uptake[od]) {
          const std::int16_t pool = policy.quota_pool[od * nS()];
          if (pool < 0) return kPermitHolder;  // a patent
          // Within the uptake interval, the pool's share of it holds a quota permit (see
          // create_initial_agents); it runs out at a uniform point of its validity.
          if (draw < policy.uptake[od] * initial_quota_share[static_cast<std::size_t>(pool)]) {
            agents.status_day[slot] = static_cast<std::int32_t>(u * 1e9) % std::max(policy.permit_validity_days, 1);
            return kPermitHolder;
          }
        }
        agents.status_day[slot] = agents.moved_day[slot];
        return kIrregular;
    }
    return kResident;
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
    for (std::size_t i = 0; i < agents.size(); ++i) add_to_stock(current, i);
    comm.sum(current.stock);
    comm.sum(current.employed);
    finish_population(current);
    current.policy_state = policies.in_force(calendar.start(), calendar.start());
    update_network();
  }

  StepAggregates empty_aggregates() const { return migsim::empty_aggregates(shape()); }
  OutputShape shape() const { return {nO(), nL(), nC()}; }

  /// Stock and employment cells of the agent in slot i in its current state.
  void add_to_stock(StepAggregates& a, std::size_t i, std::int64_t sign = 1) const {
    const auto o = agents.origin[i], l = agents.location[i], s = agents.status[i];
    a.stock[(o * nL() + l) * kReportedStatuses + s] += sign;
    if (is_abroad(static_cast<Status>(s)) && Traits::employed(agents.traits[i])) a.employed[o * nL() + l] += sign;
  }

  void finish_population(StepAggregates& a) const {
    for (std::size_t o = 0; o < nO(); ++o) {
      a.population[o] = 0;
      for (std::size_t i = 0; i < nL() * kReportedStatuses; ++i)
        a.population[o] += a.stock[o * nL() * kReportedStatuses + i];
    }
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
    const Date date = calendar.step_start(k), until = calendar.step_end(k);
    const std::int32_t day = date - calendar.start();
    policies.compute(date, until, calendar.step_days(k), scale(), policy);
    policies.grant_evacuation_credit(policy, scale());
    environment.compute(date, day, calendar.step_days(k), network, policies, policies.modifiers(date, until, policy),
                        tables);
    StepAggregates next = empty_aggregates();
    add_entrants(k, day, next);
    run_agent_pass(static_cast<std::uint32_t>(k));
    reduce_tallies(next);
    // The allocations decide on every rank alike from the gathered queues, and each rank applies
    // the decisions to its own agents, counting them in `next`; only then are counts summed.
    std::vector<std::int64_t> quota_permits(nC(), 0);
    allocate_quotas(next, quota_permits);
    allocate_schemes(next);
    evacuate(next);
    sum_over_ranks(next);
    for (std::size_t c = 0; c < nC(); ++c) next.permits_issued[c] += quota_permits[c];
    finish_population(next);
    next.policy_state = policies.in_force(date, until);
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
      const std::size_t first = n_agents;
      n_agents += count;
      agents.resize(local_size(n_agents));
      for (std::size_t id = first; id < n_agents; ++id) {
        if (!holds(id)) continue;
        const std::size_t i = slot_of(id);
        const auto u = rng.uniforms(Stream::AgentInit, id, 0, 0);
        agents.status[i] = kAtHome;
        agents.origin[i] = static_cast<std::uint8_t>(o);
        agents.location[i] = static_cast<std::uint8_t>(o);
        agents.traits[i] = Traits::make(u[0] >= p.male_share, draw_skill(u[1]));
        agents.trips[i] = 0;
        agents.birth_day[i] = birth - static_cast<std::int32_t>(u[2] * calendar.step_days(k));  // spread over the step
        agents.moved_day[i] = std::numeric_limits<std::int32_t>::min() / 2;
        agents.savings_usd[i] = 0;
        agents.status_day[i] = detail::kNever;
      }
    }
  }

  void run_agent_pass(std::uint32_t step_index) {
    while (tallies.size() < local_blocks(n_agents)) {
      tallies.emplace_back();
      tallies.back().resize(nO(), nL(), nD(), nC());
    }
    for_local_blocks([&](std::size_t lb, std::size_t begin, std::size_t end, std::size_t first_slot) {
      tallies[lb].clear();
      update_block(begin, end, first_slot, step_index, tallies[lb]);
    });
  }

  std::size_t age_band(std::int32_t birth_day) const {
    std::size_t band = kAgeBands - 1;
    while (band > 0 && birth_day > tables.band_birth_day[band - 1]) --band;
    return band;
  }

  /// The agent rules of one step for agents [begin, end). Reads only the step's tables and the
  /// agent's own state, so blocks are independent.
  void update_block(std::size_t begin, std::size_t end, std::size_t first_slot, std::uint32_t step_index, Tally& tally);
  void home_step(AgentStep& a, std::uint32_t step_index);
  void abroad_step(AgentStep& a, std::uint32_t step_index);
  bool try_depart(AgentStep& a, unsigned d, const std::uint32_t* v, std::uint32_t step_index);
  void leave_home(AgentStep& a, unsigned d, std::uint8_t status, std::int32_t status_day, float debt_usd);
  void go_home(AgentStep& a);
  void ban(AgentStep& a, std::int32_t days);
  void lift_and_count_bans(AgentStep& a, std::uint32_t step_index);

  /// Adds this rank's block tallies into `next`. Counts are summed over ranks later
  /// (sum_over_ranks); money is summed here, block by block in global block order, from every
  /// rank's block totals, so the floating-point result does not depend on the number of ranks.
  void reduce_tallies(StepAggregates& next) {
    const std::size_t mine = local_blocks(n_agents);
    std::vector<double> money;  // per local block: remittances [nO], then fees [nD]
    money.reserve(mine * (nO() + nD()));
    for (std::size_t lb = 0; lb < mine; ++lb) {
      const Tally& t = tallies[lb];
      for (std::size_t i = 0; i < t.stock.size(); ++i) next.stock[i] += t.stock[i];
      for (std::size_t i = 0; i < t.employed.size(); ++i) next.employed[i] += t.employed[i];
      for (std::size_t o = 0; o < nO(); ++o) {
        for (std::size_t d = 0; d < nD(); ++d) {
          const std::size_t to_dest = o * nL() + nO() + d, from_dest = (nO() + d) * nO() + o;
          next.departures[to_dest] += t.departures[o * nD() + d];
          next.blocked_departures[to_dest] += t.blocked[o * nD() + d];
          next.returns[from_dest] += t.returns[d * nO() + o];
          next.detentions[from_dest] += t.detentions[d * nO() + o];
          next.deportations[from_dest] += t.deportations[d * nO() + o];
          next.naturalised[from_dest] += t.naturalised[d * nO() + o];
        }
        next.exits[o] += t.exits[o];
      }
      for (std::size_t c = 0; c < nC(); ++c) {
        next.permits_issued[c] += t.permits[c];
        for (std::size_t o = 0; o < nO(); ++o) next.bans_active[c * nO() + o] += t.bans[c * nO() + o];
      }
      money.insert(money.end(), t.remittances_usd.begin(), t.remittances_usd.end());
      money.insert(money.end(), t.fees_usd.begin(), t.fees_usd.end());
    }
    const std::vector<double> all = comm.gather(money);  // rank by rank, each in local block order
    const std::size_t width = nO() + nD(), blocks = blocks_of(n_agents);
    std::vector<std::size_t> rank_offset(ranks, 0);  // first block total of each rank in `all`
    for (std::size_t r = 1; r < ranks; ++r) rank_offset[r] = rank_offset[r - 1] + blocks_held(n_agents, r - 1);
    for (std::size_t b = 0; b < blocks; ++b) {
      const double* block = &all[(rank_offset[b % ranks] + b / ranks) * width];
      for (std::size_t o = 0; o < nO(); ++o) next.remittances_usd[o] += block[o] * scale();
      for (std::size_t d = 0; d < nD(); ++d) next.fees_paid_usd[nO() + d] += block[nO() + d] * scale();
    }
  }

  /// Sums the agent counts of `next` over ranks (one collective for all of them).
  void sum_over_ranks(StepAggregates& next) const {
    if (!comm.distributed()) return;
    std::vector<std::int64_t>* counted[] = {
        &next.stock,       &next.departures,         &next.returns,    &next.employed,
        &next.exits,       &next.permits_issued,     &next.detentions, &next.deportations,
        &next.bans_active, &next.blocked_departures, &next.evacuated,  &next.naturalised};
    std::vector<std::int64_t> buffer;
    for (auto* v : counted) buffer.insert(buffer.end(), v->begin(), v->end());
    comm.sum(buffer);
    auto from = buffer.begin();
    for (auto* v : counted) {
      std::copy(from, from + static_cast<std::ptrdiff_t>(v->size()), v->begin());
      from += static_cast<std::ptrdiff_t>(v->size());
    }
  }

  // ---- serial allocations: quotas, schemes, evacuations (in a seeded, thread-independent order)

  std::uint32_t priority(std::size_t id, std::uint32_t step_index) const {
    return rng.bits(Stream::Priority, id, step_index).v[0];
  }

  /// Serial counterpart of leave_home for an agent decided after the pass.
  void depart_now(StepAggregates& next, std::size_t i, unsigned d, std::uint8_t status, std::int32_t status_day,
                  float debt_usd) {
    add_to_stock(next, i, -1);
    const std::size_t o = agents.origin[i];
    agents.status[i] = status;
    agents.location[i] = static_cast<std::uint8_t>(nO() + d);
    agents.moved_day[i] = tables.today;
    agents.savings_usd[i] = -debt_usd;
    agents.trips[i] = static_cast<std::uint8_t>(std::min(agents.trips[i] + 1, 255));
    agents.traits[i] = Traits::without_job(agents.traits[i]);
    agents.status_day[i] = status_day;
    next.departures[o * nL() + nO() + d] += 1;
    add_to_stock(next, i);
  }

  void set_status(StepAggregates& next, std::size_t i, std::uint8_t status, std::int32_t status_day) {
    add_to_stock(next, i, -1);
    agents.status[i] = status;
    agents.status_day[i] = status_day;
    add_to_stock(next, i);
  }

  /// Every rank's queue entries in one list: this rank's tallies, kept where `keep` says, then
  /// gathered. The allocations sort the list fully, so the gathering order does not matter.
  template <typename Entry, typename Keep>
  std::vector<Entry> gather_queue(std::vector<Entry> Tally::*queue, Keep&& keep) const {
    std::vector<Entry> local;
    for (std::size_t lb = 0; lb < local_blocks(n_agents); ++lb)
      for (const Entry& e : tallies[lb].*queue)
        if (keep(e)) local.push_back(e);
    return comm.gather(local);
  }

  void allocate_quotas(StepAggregates& next, std::vector<std::int64_t>& granted_by_country) {
    if (policy.pools.empty()) return;
    // An application made early in an agent's step may be overtaken by a later rule of the same
    // step (a holder who applied for renewal then went home); only standing applications count,
    // which the rank holding the applicant checks before the queues are gathered.
    auto standing = [&](const QuotaApplicant& a) {
      const std::uint8_t status = agents.status[slot_of(a.id)];
      switch (a.kind) {
        case Application::Arrival:
          return status == kAtHome || status == kReturned;
        case Application::Renewal:
          return status == kPermitHolder;
        case Application::Regularisation:
          return status == kIrregular;
      }
      return false;
    };
    std::vector<std::vector<QuotaApplicant>> by_pool(policy.pools.size());
    for (const auto& a : gather_queue(&Tally::quota_applicants, standing))
      by_pool[static_cast<std::size_t>(a.pool)].push_back(a);
    const std::int32_t today = tables.today;
    for (std::size_t p = 0; p < by_pool.size(); ++p) {
      auto& applicants = by_pool[p];
      auto& pool = policy.pools[p];
      const auto granted = static_cast<std::size_t>(std::min<std::int64_t>(pool.remaining, applicants.size()));
      std::sort(applicants.begin(), applicants.end(),
                [](const auto& a, const auto& b) { return std::tie(a.priority, a.id) < std::tie(b.priority, b.id); });
      for (std::size_t k = 0; k < applicants.size(); ++k) {
        const auto& a = applicants[k];
        if (!holds(a.id)) continue;  // its own rank applies the decision
        const std::size_t i = slot_of(a.id), o = agents.origin[i], od = o * nD() + a.destination;
        const bool accepted = k < granted;
        const std::int32_t expiry = today + policy.permit_validity_days;
        switch (a.kind) {
          case Application::Arrival:
            if (accepted) {
              depart_now(next, i, a.destination, kPermitHolder, expiry,
                         tables.travel_cost_usd[od] + policy.issue_cost_usd[od]);
              add_to_stock(next, i, -1);  // a quota permit comes with the job it was issued for
              agents.traits[i] = Traits::with_job(agents.traits[i], a.sector);
              add_to_stock(next, i);
            } else if (pool.on_refusal == migsim::Refusal::Irregular) {
              depart_now(next, i, a.destination, kIrregular, today, tables.travel_cost_usd[od]);
            } else {
              next.blocked_departures[o * nL() + nO() + a.destination] += 1;
            }
            break;
          case Application::Renewal:
            if (accepted)
              agents.status_day[i] = expiry;
            else
              set_status(next, i, kIrregular, today);
            break;
          case Application::Regularisation:
            if (accepted) set_status(next, i, kPermitHolder, expiry);
            break;
        }
      }
      policies.record_permits(pool, static_cast<std::int64_t>(granted));
      pool.remaining -= static_cast<std::int64_t>(granted);
      granted_by_country[pool.country] += static_cast<std::int64_t>(granted);
    }
    for (const auto& pool : policy.pools) {
      double& cell = next.quota_remaining[pool.country];
      cell = (std::isnan(cell) ? 0.0 : cell) + static_cast<double>(pool.remaining) * scale();
    }
  }

  void allocate_schemes(StepAggregates& next) {
    if (policy.schemes.empty()) return;
    std::vector<std::vector<SchemeApplicant>> by_scheme(policy.schemes.size());
    // Still at home after the quota decisions; who another scheme takes is tracked below.
    auto at_home = [&](const SchemeApplicant& a) {
      const std::uint8_t status = agents.status[slot_of(a.id)];
      return status == kAtHome || status == kReturned;
    };
    for (const auto& a : gather_queue(&Tally::scheme_applicants, at_home)) by_scheme[a.scheme].push_back(a);
    std::unordered_set<std::uint32_t> recruited_this_step;
    for (std::size_t k = 0; k < by_scheme.size(); ++k) {
      auto& applicants = by_scheme[k];
      auto& scheme = policy.schemes[k];
      std::sort(applicants.begin(), applicants.end(),
                [](const auto& a, const auto& b) { return std::tie(a.priority, a.id) < std::tie(b.priority, b.id); });
      std::int64_t recruited = 0;
      for (const auto& a : applicants) {
        if (recruited >= scheme.remaining) break;
        if (!recruited_this_step.insert(a.id).second) continue;  // recruited by another scheme
        ++recruited;
        if (!holds(a.id)) continue;
        const std::size_t i = slot_of(a.id);
        depart_now(next, i, static_cast<unsigned>(scheme.destination), kSchemeWorker,
                   tables.today + scheme.duration_days, scheme.travel_cost_usd);
        add_to_stock(next, i, -1);
        agents.traits[i] = Traits::with_job(agents.traits[i], scheme.sector);
        add_to_stock(next, i);
      }
      policies.record_scheme(scheme, recruited);
      scheme.remaining -= recruited;
    }
  }

  void evacuate(StepAggregates& next) {
    if (policy.evacuations.empty()) return;
    std::vector<std::vector<StrandedPerson>> by_pool(policy.evacuations.size());
    for (const auto& s : gather_queue(&Tally::stranded, [](const StrandedPerson&) { return true; }))
      by_pool[static_cast<std::size_t>(s.pool)].push_back(s);
    for (std::size_t p = 0; p < by_pool.size(); ++p) {
      auto& waiting = by_pool[p];
      const auto seats =
          static_cast<std::size_t>(std::min<std::int64_t>(policy.evacuations[p].capacity, waiting.size()));
      // Longest waiting first; ties in seeded random order.
      std::partial_sort(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(seats), waiting.end(),
                        [](const auto& a, const auto& b) {
                          return std::tie(a.since, a.priority, a.id) < std::tie(b.since, b.priority, b.id);
                        });
      for (std::size_t k = 0; k < seats; ++k) {
        if (!holds(waiting[k].id)) continue;
        const std::size_t i = slot_of(waiting[k].id), o = agents.origin[i], l = agents.location[i];
        add_to_stock(next, i, -1);
        agents.status[i] = kReturned;
        agents.location[i] = static_cast<std::uint8_t>(o);
        agents.moved_day[i] = tables.today;
        agents.status_day[i] = detail::kNever;
        next.returns[l * nO() + o] += 1;
        next.evacuated[l * nO() + o] += 1;
        add_to_stock(next, i);
      }
      policies.record_evacuations(policy.evacuations[p], scale());
    }
  }
};

// ---- agent rules ---------------------------------------------------------------------------

void Simulation::Impl::update_block(std::size_t begin, std::size_t end, std::size_t first_slot,
                                    std::uint32_t step_index, Tally& tally) {
  const std::size_t n_loc = nL();
  const std::int32_t exit_birth_day = tables.exit_birth_day;
  DrawBlock draws;
  for (std::size_t first = begin; first < end; first += DrawBlock::kLanes) {
    rng.fill(Stream::AgentStep, first, step_index, draws);  // cheaper in bulk than one agent at a time
    const std::size_t last = std::min(end, first + DrawBlock::kLanes);
    for (std::size_t id = first; id < last; ++id) {
      const std::size_t i = first_slot + (id - begin);
      const std::uint8_t status = agents.status[i];
      if (status == kExited) continue;
      const std::uint8_t origin = agents.origin[i];
      if (agents.birth_day[i] <= exit_birth_day) {
        agents.status[i] = kExited;
        tally.exits[origin] += 1;
        continue;
      }
      const std::size_t lane = id - first;
      const std::uint8_t location = agents.location[i], traits = agents.traits[i];
      AgentStep a{id,
                  i,
                  origin,
                  status,
                  location,
                  traits,
                  {draws.v[0][lane], draws.v[1][lane], draws.v[2][lane], draws.v[3][lane]},
                  tally};
      if (Traits::banned(a.traits)) [[unlikely]]
        lift_and_count_bans(a, step_index);
      if (status < kResident)
        home_step(a, step_index);
      else
        abroad_step(a, step_index);
      // Most agents change nothing in a step: storing only changes keeps their cache lines clean,
      // which saves memory bandwidth when the arrays do not fit in cache.
      if (a.status != status) agents.status[i] = a.status;
      if (a.location != location) agents.location[i] = a.location;
      if (a.traits != traits) agents.traits[i] = a.traits;
      tally.stock[(origin * n_loc + a.location) * kReportedStatuses + a.status] += 1;
      if (a.status >= kResident && Traits::employed(a.traits)) tally.employed[origin * n_loc + a.location] += 1;
    }
  }
}

void MIGSIM_INLINE Simulation::Impl::home_step(AgentStep& a, std::uint32_t step_index) {
  const StepTables& t = tables;
  const detail::PolicyTables& pt = policy;
  const std::uint32_t* u = a.u;
  const std::size_t o = a.origin, n_destinations = nD();
  const unsigned skill = Traits::skill(a.traits);
  const float* cdf = &t.destination_cdf[(o * kSkills + skill) * n_destinations];

  if (a.status == kDisplaced) {
    if (!pt.displacement_active[o]) {  // the crisis is over: back to the home region
      a.status = agents.trips[a.slot] > 0 ? kReturned : kAtHome;
      a.location = a.origin;
    }
    return;
  }
  if (pt.displacement[o] && u[2] < pt.displacement[o]) [[unlikely]] {
    const auto extra = rng.bits(Stream::AgentStep, a.id, step_index, 1);
    const auto entry = rng.bits(Stream::AgentStep, a.id, step_index, 2);
    if (extra.v[0] < pt.displaced_abroad[o] &&
        try_depart(a, pick_float(cdf, n_destinations, unit_float(extra.v[1])), entry.v, step_index))
      return;
    if (pt.displaced_to[o] != o) {
      a.status = kDisplaced;
      a.location = pt.displaced_to[o];
    }
    return;
  }
  const bool experienced = a.status == kReturned;
  if (!(experienced && agents.moved_day[a.slot] > t.cooldown_day)) {
    const std::size_t type =
        (((o * 2 + Traits::female(a.traits)) * kSkills + skill) * kAgeBands + age_band(agents.birth_day[a.slot])) * 2 +
        experienced;
    if (u[0] < t.departure[type]) [[unlikely]] {
      const unsigned d = pick_float(cdf, n_destinations, unit_float(u[1]));
      const auto extra = rng.bits(Stream::AgentStep, a.id, step_index, 1);
      try_depart(a, d, extra.v, step_index);
      return;
    }
  }
  const std::size_t n_schemes = pt.schemes.size();
  if (n_schemes > 0 && u[3] < pt.scheme_apply[o * n_schemes + n_schemes - 1]) {
    std::size_t k = 0;
    while (u[3] >= pt.scheme_apply[o * n_schemes + k]) ++k;
    const std::size_t d = pt.schemes[k].destination, od = o * n_destinations + d;
    const int slot = pt.ban_slot_of_destination[d];
    const bool banned = slot >= 0 && Traits::banned(a.traits) &&
                        agents.ban_until[a.slot * pt.ban_slots + static_cast<std::size_t>(slot)] > t.today;
    if ((pt.crossing[od] & detail::kDeparturesBlocked) || banned)
      a.tally.blocked[od] += 1;
    else
      a.tally.scheme_applicants.push_back(
          {priority(a.id, step_index), static_cast<std::uint32_t>(a.id), static_cast<std::uint16_t>(k)});
  }
}

/// The entry rules: closed border or ban -> blocked; EAEU -> register; permit route -> patent,
/// quota application or irregular. Returns false if the agent stays at home.
bool MIGSIM_COLD Simulation::Impl::try_depart(AgentStep& a, unsigned d, const std::uint32_t* v,
                                              std::uint32_t step_index) {
  const detail::PolicyTables& pt = policy;
  const std::size_t od = a.origin * nD() + d;
  const int slot = pt.ban_slot_of_destination[d];
  const bool banned = slot >= 0 && Traits::banned(a.traits) &&
                      agents.ban_until[a.slot * pt.ban_slots + static_cast<std::size_t>(slot)] > tables.today;
  if ((pt.crossing[od] & detail::kDeparturesBlocked) || banned) {
    a.tally.blocked[od] += 1;
    return false;
  }
  const float travel = tables.travel_cost_usd[od];
  switch (pt.route[od]) {
    case detail::EntryRoute::Free:
      leave_home(a, d, kResident, detail::kNever, travel);
      return true;
    case detail::EntryRoute::Eaeu:
      if (v[0] < pt.registration[od])
        leave_home(a, d, kEaeuWorker, detail::kNever, travel);
      else
        leave_home(a, d, kIrregular, tables.today, travel);
      return true;
    case detail::EntryRoute::Permit:
      break;
  }
  if (v[0] >= pt.uptake[od]) {
    leave_home(a, d, kIrregular, tables.today, travel);
    return true;
  }
  const unsigned sector = pick_threshold(&tables.sector_cdf[d * nS()], nS(), v[2]);
  const std::int16_t pool = pt.quota_pool[od * nS() + sector];
  if (pool >= 0) {  // decided after the pass; stays at home meanwhile
    a.tally.quota_applicants.push_back({priority(a.id, step_index), static_cast<std::uint32_t>(a.id), pool,
                                        static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(sector),
                                        Application::Arrival});
    return true;
  }
  leave_home(a, d, kPermitHolder, detail::kNever, travel + pt.issue_cost_usd[od]);
  a.tally.permits[destination_country[d]] += 1;
  return true;
}

void MIGSIM_INLINE Simulation::Impl::leave_home(AgentStep& a, unsigned d, std::uint8_t status, std::int32_t status_day,
                                                float debt_usd) {
  a.status = status;
  a.location = static_cast<std::uint8_t>(nO() + d);
  a.traits = Traits::without_job(a.traits);
  agents.moved_day[a.slot] = tables.today;
  agents.savings_usd[a.slot] = -debt_usd;
  agents.trips[a.slot] = static_cast<std::uint8_t>(std::min(agents.trips[a.slot] + 1, 255));
  agents.status_day[a.slot] = status_day;
  a.tally.departures[a.origin * nD() + d] += 1;
}

void MIGSIM_INLINE Simulation::Impl::go_home(AgentStep& a) {
  a.tally.returns[(a.location - nO()) * nO() + a.origin] += 1;
  a.status = kReturned;
  a.location = a.origin;
  a.traits = Traits::without_job(a.traits);
  agents.moved_day[a.slot] = tables.today;
  agents.status_day[a.slot] = detail::kNever;
}

void MIGSIM_INLINE Simulation::Impl::ban(AgentStep& a, std::int32_t days) {
  const int slot = policy.ban_slot_of_destination[a.location - nO()];
  if (days <= 0 || slot < 0) return;
  std::int32_t& until = agents.ban_until[a.slot * policy.ban_slots + static_cast<std::size_t>(slot)];
  until = std::max(until, tables.today + days);
  a.traits |= Traits::kBanned;
}

void MIGSIM_COLD Simulation::Impl::lift_and_count_bans(AgentStep& a, std::uint32_t step_index) {
  bool any = false;
  for (std::size_t slot = 0; slot < policy.ban_slots; ++slot) {
    std::int32_t& until = agents.ban_until[a.slot * policy.ban_slots + slot];
    if (policy.any_amnesty && until > tables.today) {
      const Threshold share = policy.amnesty[a.origin * policy.ban_slots + slot];
      // A draw of its own: the step's four draws feed the rules that follow.
      if (share && rng.bits(Stream::Priority, a.id, step_index).v[1] < share) until = 0;
    }
    if (until > tables.today) {
      any = true;
      a.tally.bans[policy.ban_country[slot] * nO() + a.origin] += 1;
    }
  }
  if (!any) a.traits = static_cast<std::uint8_t>(a.traits & ~Traits::kBanned);
}

void MIGSIM_INLINE Simulation::Impl::abroad_step(AgentStep& a, std::uint32_t step_index) {
  const StepTables& t = tables;
  const detail::PolicyTables& pt = policy;
  const std::uint32_t* u = a.u;
  const std::size_t o = a.origin, d = a.location - nO(), od = o * nD() + d, n_sectors = nS();
  const std::size_t ban_index =
      o * pt.ban_slots + static_cast<std::size_t>(std::max<int>(pt.ban_slot_of_destination[d], 0));
  std::int32_t& status_day = agents.status_day[a.slot];
  float& savings = agents.savings_usd[a.slot];

  switch (a.status) {
    case kNaturalised:
      return;
    case kConvicted:
      if (t.today >= status_day) {
        a.status = kDetained;
        status_day = t.today + pt.detention_days;
      }
      return;
    case kDetained:
      if (t.today >= status_day && !(pt.crossing[od] & detail::kDeportationsBlocked)) {
        a.tally.deportations[d * nO() + o] += 1;
        if (pt.ban_slots > 0 && pt.ban_slot_of_destination[d] >= 0) ban(a, pt.deportation_ban_days[ban_index]);
        go_home(a);
      }
      return;
    case kStranded:
      if (!(pt.crossing[od] & detail::kReturnsBlocked)) {
        go_home(a);
      } else {
        savings -= t.living_cost_usd[d];
        if (pt.evacuation[od] >= 0)
          a.tally.stranded.push_back(
              {status_day, priority(a.id, step_index), static_cast<std::uint32_t>(a.id), pt.evacuation[od]});
      }
      return;
    default:
      break;
  }

  // Legal-status transitions: enforcement, regularisation, lapse and renewal, naturalisation.
  // They share the one draw abroad that work and return leave free (u1): the outcomes of one
  // status are mutually exclusive, so each takes its own interval of u1, and a sub-decision
  // (conviction, registration, uptake) a fraction of its outcome's interval. Exact, and no second
  // block of draws for a migrant.
  const std::uint64_t draw = u[1];
  std::uint64_t natural_from = 0;  // naturalisation takes [natural_from, natural_from + p)
  const unsigned current_sector = Traits::sector(a.traits);
  switch (a.status) {
    case kIrregular: {
      const std::uint64_t detect = pt.detection[d], regularise = pt.regularise;
      if (draw < detect) {
        a.tally.detentions[d * nO() + o] += 1;
        const bool convicted = draw < part_of(detect, pt.conviction[d]);
        a.status = convicted ? kConvicted : kDetained;
        status_day = t.today + (convicted ? pt.conviction_days[d] : pt.detention_days);
        a.traits = Traits::without_job(a.traits);
        return;
      }
      if (draw - detect < regularise) {
        const std::uint64_t within = draw - detect;
        if (pt.route[od] == detail::EntryRoute::Eaeu) {
          if (within < part_of(regularise, pt.registration[od])) a.status = kEaeuWorker, status_day = detail::kNever;
        } else if (pt.route[od] == detail::EntryRoute::Free) {
          a.status = kResident, status_day = detail::kNever;
        } else if (within < part_of(regularise, pt.uptake[od])) {
          const std::int16_t pool = pt.quota_pool[od * n_sectors + current_sector];
          if (pool >= 0) {
            a.tally.quota_applicants.push_back({priority(a.id, step_index), static_cast<std::uint32_t>(a.id), pool,
                                                static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(current_sector),
                                                Application::Regularisation});
          } else {
            a.status = kPermitHolder, status_day = detail::kNever;
            a.tally.permits[destination_country[d]] += 1;
          }
        }
      }
      break;
    }
    case kPermitHolder:
      natural_from = pt.lapse;
      if (pt.route[od] == detail::EntryRoute::Eaeu) {  // the citizenship joined the EAEU
        a.status = kEaeuWorker, status_day = detail::kNever;
      } else if (pt.route[od] == detail::EntryRoute::Free) {  // no permit regime any more
        a.status = kResident, status_day = detail::kNever;
      } else if (draw < pt.lapse) {
        a.status = kIrregular, status_day = t.today;
      } else if (status_day <= t.today) {  // a quota permit expired: apply again
        const std::int16_t pool = pt.quota_pool[od * n_sectors + current_sector];
        if (pool >= 0)
          a.tally.quota_applicants.push_back({priority(a.id, step_index), static_cast<std::uint32_t>(a.id), pool,
                                              static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(current_sector),
                                              Application::Renewal});
        else
          status_day = detail::kNever;
      }
      break;
    case kSchemeWorker:
      if (t.today >= status_day) {
        if (draw < pt.scheme_overstay[d]) {
          a.status = kIrregular, status_day = t.today;
        } else if (pt.crossing[od] & detail::kReturnsBlocked) {
          a.status = kStranded, status_day = t.today;
          a.traits = Traits::without_job(a.traits);
          return;
        } else {
          go_home(a);
          return;
        }
      }
      break;
    default:
      break;
  }
  if ((a.status == kEaeuWorker || a.status == kPermitHolder || a.status == kResident) && draw >= natural_from &&
      draw - natural_from < pt.naturalise[od] && t.today - agents.moved_day[a.slot] >= pt.naturalise_min_days[od]) {
    a.status = kNaturalised;
    a.traits = Traits::without_job(a.traits);  // no longer a migrant worker in the outputs
    a.tally.naturalised[d * nO() + o] += 1;
    return;
  }

  // Work, fees, remittances and savings.
  const unsigned skill = Traits::skill(a.traits);
  if (Traits::employed(a.traits)) {
    if (u[0] < t.job_loss[d * n_sectors + current_sector]) a.traits = Traits::without_job(a.traits);
  } else if (u[0] < t.job_finding[d]) {
    a.traits = Traits::with_job(a.traits, pick_threshold(&t.sector_cdf[d * n_sectors], n_sectors, u[2]));
  }
  const bool employed = Traits::employed(a.traits);
  float net = -t.living_cost_usd[d];
  if (employed) {
    float earnings = t.earnings_usd[(d * kSkills + skill) * n_sectors + Traits::sector(a.traits)];
    if (a.status == kIrregular) earnings *= pt.irregular_wage_factor;
    net += earnings;
  }
  if (a.status == kPermitHolder && pt.fee_usd[od] > 0) {
    const float fee = pt.fee_usd[od];
    // The first month is paid when the patent is issued (Moscow 2015: "за первый месяц"), so a
    // newcomer still looking for work carries the fee as debt; later, not paying ends the patent.
    if (employed || savings >= fee || t.today - agents.moved_day[a.slot] < kPrepaidDays) {
      net -= fee;
      a.tally.fees_usd[d] += fee;
    } else {
      a.status = kIrregular, status_day = t.today;
    }
  }
  if (net > 0) {
    const float remitted = net * t.remittance_share;
    a.tally.remittances_usd[o] += remitted;
    savings += net - remitted;
  } else {
    savings += net;
  }
  if (a.status == kSchemeWorker) return;  // scheme workers go home when the stay ends

  // Return: whole years abroad (1461 days per 4 years) index the settlement term.
  const auto years = std::min<std::int32_t>((t.today - agents.moved_day[a.slot]) * 4 / 1461, kYearsAbroadBuckets - 1);
  const bool target = savings >= t.savings_target_usd;
  const Threshold returning = t.return_[((od * 2 + target) * 2 + !employed) * kYearsAbroadBuckets + years];
  if (u[3] < returning) {
    if (pt.crossing[od] & detail::kReturnsBlocked) {
      a.status = kStranded, status_day = t.today;
      a.traits = Traits::without_job(a.traits);
      return;
    }
    if (a.status == kIrregular && pt.ban_slots > 0 && pt.ban_slot_of_destination[d] >= 0) {
      const detail::OverstayTier* tiers = &pt.overstay[ban_index * detail::kOverstayTiers];
      const detail::OverstayTier* applies = nullptr;  // the longest tier whose minimum the stay reached
      for (std::size_t k = 0; k < detail::kOverstayTiers; ++k)
        if (tiers[k].ban_days > 0 && t.today - status_day >= tiers[k].min_days) applies = &tiers[k];
      // Whether the overstay is recorded: the part `share` of the return interval of u3, so no
      // extra draw; a share of 1 bans everyone.
      if (applies &&
          (applies->share == std::numeric_limits<Threshold>::max() || u[3] < part_of(returning, applies->share)))
        ban(a, applies->ban_days);
    }
    go_home(a);
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

void Simulation::add_event(Event event) {
  if (done()) throw ArgumentError("event '" + event.label + "': the simulation has ended");
  const Date next = current_date();
  if (event.start < next)
    throw ArgumentError("event '" + event.label + "': start " + event.start.iso() + " is before the next step (" +
                        next.iso() + "); an event added during a run takes effect from the next step on");
  // migsim::add_event resolves the country to an index; undone if it has no ban slot.
  Scenario& sc = impl_->scenario;
  const std::size_t before = sc.events.size();
  migsim::add_event(sc, std::move(event));
  const Event& added = sc.events.back();
  if (detail::event_kind(added.type).keeps_ban_record && impl_->policies.ban_slot(static_cast<std::size_t>(added.country_index)) < 0) {
    const std::string message = "event '" + added.label + "': a ban_rule for " + added.country +
                                " cannot be added during a run, because the scenario has no ban rules for " +
                                added.country +
                                " (agents' ban records are laid out at the start); add one to the "
                                "scenario before the run, with a later start if needed";
    sc.events.resize(before);
    throw ArgumentError(message);
  }
}

void Simulation::add_events(std::vector<Event> events) {
  const std::size_t before = impl_->scenario.events.size();
  try {
    for (auto& event : events) add_event(std::move(event));
  } catch (...) {
    impl_->scenario.events.resize(before);
    throw;
  }
}

RunStats Simulation::stats() const {
  RunStats s;
  s.steps = impl_->steps_done;
  s.agent_steps = impl_->agent_steps;
  s.wall_seconds = impl_->wall_seconds;
  s.agent_slots = impl_->n_agents;
  s.local_agent_slots = impl_->agents.size();
  for (auto p : impl_->current.population) s.live_agents += static_cast<std::size_t>(p);
  s.agent_bytes = impl_->agents.bytes();
  s.threads = impl_->arena.max_concurrency();
  s.ranks = impl_->comm.size();
  s.rank = impl_->comm.rank();
  s.communication_seconds = impl_->comm.seconds_communicating();
  return s;
}

}  // namespace migsim
