// Simulation: the facade over the engine (engine/engine.hpp) and the order of one step.
#include "migsim/simulation.hpp"

#include <tbb/info.h>

#include <chrono>

#include "engine/branch.hpp"
#include "engine/engine.hpp"
#include "engine/memory.hpp"
#include "engine/state_file.hpp"
#include "events/kind.hpp"
#include "migsim/errors.hpp"

namespace migsim {

struct Simulation::Impl : detail::Engine {
  using Engine::Engine;

  /// One step: policies and environment (serial), entrants (serial), the agent pass (parallel),
  /// reductions, the allocation markets (serial), then the bookkeeping of the step.
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
    detail::add_entrants(*this, k, day, next);
    detail::run_agent_pass(*this, static_cast<std::uint32_t>(k));
    detail::reduce_tallies(*this, next);
    // The markets decide on every rank alike from the gathered queues, and each rank applies the
    // decisions to its own agents, counting them in `next`; only then are counts summed. Quota
    // permits granted are known alike on every rank, so they are added after the sum.
    std::vector<std::int64_t> quota_permits(nC(), 0);
    detail::allocate_quotas(*this, next, quota_permits);
    detail::allocate_schemes(*this, next);
    detail::evacuate(*this, next);
    detail::sum_over_ranks(*this, next);
    for (std::size_t c = 0; c < nC(); ++c) next.permits_issued[c] += quota_permits[c];
    detail::release_held_transfers(*this, next, calendar.step_days(k));
    finish_step(date, until, std::move(next));
  }

  void finish_step(Date date, Date until, StepAggregates next) {
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
};

// ---- public interface ----------------------------------------------------------------------

namespace {

/// The checks of RunOptions against a scenario, for new and continued runs alike.
void check_options(const Scenario& scenario, const RunOptions& options) {
  if (options.scale < 1)
    throw ArgumentError("scale: expected a whole number >= 1, found " + std::to_string(options.scale));
  // A scale above every origin's population would run, and write, a model of nobody.
  if (detail::initial_agents(scenario, static_cast<double>(options.scale)) < 1) {
    double people = 0;
    for (const auto& origin : scenario.origins) people = std::max(people, origin.working_age_population);
    const std::string most = std::to_string(static_cast<std::int64_t>(people));
    throw ArgumentError("scale: expected at most " + most + " people per agent (the largest origin's working-age " +
                        "people), found " + std::to_string(options.scale) + ", which leaves no agent to simulate");
  }
  // More workers than a few per core only add overhead, and a mistyped count (100000) would ask the
  // system for that many threads.
  const int cores = tbb::info::default_concurrency(), most = kThreadsPerCore * cores;
  if (options.threads < 0 || options.threads > most)
    throw ArgumentError("threads: expected 0 (all cores) to " + std::to_string(most) + " (" +
                        std::to_string(kThreadsPerCore) + " per core on this machine's " + std::to_string(cores) +
                        "), found " + std::to_string(options.threads));
  if (options.until && *options.until < scenario.params.start)
    throw ArgumentError("until: expected a date on or after the scenario start " + scenario.params.start.iso() +
                        ", found " + options.until->iso());
  if (options.until && *options.until > scenario.params.end)
    throw ArgumentError("until: expected a date on or before the scenario end " + scenario.params.end.iso() +
                        ", found " + options.until->iso());
  // Before anything is allocated: a run that cannot fit is refused, not ended by bad_alloc.
  const std::size_t ranks = options.distributed ? static_cast<std::size_t>(detail::Communicator::world().size()) : 1;
  detail::check_memory(detail::estimate_memory(scenario, options, ranks), detail::memory_limit(options.threads));
}

}  // namespace

Simulation::Simulation(Scenario scenario, RunOptions options) {
  check_options(scenario, options);
  impl_ = std::make_unique<Impl>(std::move(scenario), options);
}

Simulation::Simulation(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

void Simulation::save_state(const std::filesystem::path& path, const output::CancelCheck& cancelled) const {
  detail::Snapshot snapshot = impl_->snapshot(true);
  if (impl_->comm.rank() == 0) detail::write_state_file(snapshot, path, cancelled);
}

Simulation Simulation::from_state(const std::filesystem::path& path, ResumeOptions resume) {
  detail::StateFile state = detail::read_state_file(path);
  detail::Snapshot& snapshot = state.snapshot;
  const std::string where = path.string() + ": ";
  if (resume.seed && *resume.seed != snapshot.seed)
    throw ArgumentError(where + "seed " + std::to_string(*resume.seed) +
                        " asked for, but the state was run with seed " + std::to_string(snapshot.seed) +
                        ", which shaped its past; resume without a seed");
  if (resume.scale && *resume.scale != snapshot.scale)
    throw ArgumentError(where + "scale " + std::to_string(*resume.scale) +
                        " asked for, but the state was run at scale " + std::to_string(snapshot.scale) +
                        ", which shaped its past; resume without a scale");
  Scenario branch = resume.scenario ? std::move(*resume.scenario) : snapshot.scenario;
  if (!resume.overrides.empty()) {
    if (resume.scenario)
      throw ArgumentError(where + "give either a scenario or overrides to branch from a state, not both");
    branch = detail::scenario_of_state(state, resume.overrides);
  }
  for (const auto& label : resume.remove_events) {
    try {
      remove_event(branch, label);
    } catch (const ScenarioError& e) {
      throw ArgumentError(where + "--without " + label + ": " + e.what());
    }
  }
  try {
    detail::check_branch(snapshot.scenario, branch, snapshot.steps_done);
  } catch (const ArgumentError& e) {
    throw ArgumentError(where + e.what());
  }
  RunOptions options{snapshot.seed, resume.threads, snapshot.scale, resume.until, resume.distributed};
  check_options(branch, options);
  const Date date = state.info.date;
  if (resume.until && *resume.until < date && snapshot.steps_done > 0 &&
      branch.calendar().steps_until(*resume.until) < snapshot.steps_done)
    throw ArgumentError(where + "until " + resume.until->iso() + " is before the state's date " + date.iso() +
                        " (the state already holds the steps to " + date.iso() + ")");
  snapshot.scenario = std::move(branch);
  return Simulation(std::make_unique<Impl>(std::move(snapshot), options));
}

Simulation Simulation::fork() const {
  return Simulation(std::make_unique<Impl>(impl_->snapshot(false), impl_->options));
}

const std::string& Simulation::resumed_from() const { return impl_->resumed_from; }

std::string Simulation::fingerprint() const {
  return detail::past_fingerprint(impl_->scenario, impl_->steps_done, impl_->options.seed, impl_->options.scale);
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
  if (detail::event_kind(added.type).keeps_ban_record &&
      impl_->policies.ban_slot(static_cast<std::size_t>(added.country_index)) < 0) {
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
  s.resumed_agent_steps = impl_->resumed_agent_steps;
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
