#include "engine/engine.hpp"

#include <tbb/info.h>

#include <algorithm>

#include "rules/context.hpp"

namespace migsim::detail {

Engine::Engine(Scenario sc, RunOptions opts, Setup)
    : scenario(std::move(sc)),
      options(opts),
      calendar(scenario.calendar()),
      environment(scenario),
      policies(scenario),
      rng(opts.seed),
      arena(opts.threads > 0 ? opts.threads : tbb::info::default_concurrency()),
      comm(opts.distributed ? Communicator::world() : Communicator()),
      partition{static_cast<std::size_t>(comm.rank()), static_cast<std::size_t>(comm.size())} {
  total_steps = options.until ? calendar.steps_until(*options.until) : calendar.steps();
  n_origins = scenario.n_origins();
  n_destinations = scenario.n_destinations();
  n_locations = scenario.n_locations();
  n_countries = scenario.countries.size();
  n_sectors = scenario.sectors.size();
  for (const auto& d : scenario.destinations) destination_country.push_back(d.country);
  agents.ban_slots = policies.ban_slots();
}

Engine::Engine(Scenario sc, RunOptions opts) : Engine(std::move(sc), opts, Setup{}) {
  policies.compute(calendar.start(), calendar.step_end(0), calendar.step_days(0), scale(), policy);
  create_initial_agents(*this);
  count_initial_state();
}

void Engine::add_to_stock(StepAggregates& a, std::size_t i, std::int64_t sign) const {
  const OutputShape s = shape();
  const auto o = agents.origin[i], l = agents.location[i], status = agents.status[i];
  a.stock[s.stock(o, l, status)] += sign;
  if (is_abroad(static_cast<Status>(status)) && Traits::employed(agents.traits[i]))
    a.employed[s.origin_location(o, l)] += sign;
}

void Engine::finish_population(StepAggregates& a) const {
  const OutputShape s = shape();
  for (std::size_t o = 0; o < nO(); ++o) {
    a.population[o] = 0;
    for (std::size_t i = s.stock(o, 0, 0); i < s.stock(o + 1, 0, 0); ++i) a.population[o] += a.stock[i];
  }
}

void Engine::count_initial_state() {
  current = empty_aggregates();
  for (std::size_t i = 0; i < agents.size(); ++i) add_to_stock(current, i);
  comm.sum(current.stock);
  comm.sum(current.employed);
  finish_population(current);
  current.policy_state = policies.in_force(calendar.start(), calendar.start());
  update_network();
}

void Engine::update_network() {
  const OutputShape s = shape();
  network.population.assign(nO(), 0.0);
  network.abroad.assign(nO() * nD(), 0.0);
  for (std::size_t o = 0; o < nO(); ++o) {
    network.population[o] = static_cast<double>(current.population[o]);
    for (std::size_t d = 0; d < nD(); ++d)
      for (std::size_t status = 0; status < kReportedStatuses; ++status)
        network.abroad[o * nD() + d] += static_cast<double>(current.stock[s.stock(o, nO() + d, status)]);
  }
}

void Engine::depart_now(StepAggregates& next, std::size_t i, unsigned d, std::uint8_t status, std::int32_t status_day,
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
  next.departures[shape().origin_location(o, nO() + d)] += 1;
  add_to_stock(next, i);
}

void Engine::set_status(StepAggregates& next, std::size_t i, std::uint8_t status, std::int32_t status_day) {
  add_to_stock(next, i, -1);
  agents.status[i] = status;
  agents.status_day[i] = status_day;
  add_to_stock(next, i);
}

void Engine::give_job(StepAggregates& next, std::size_t i, unsigned sector) {
  add_to_stock(next, i, -1);
  agents.traits[i] = Traits::with_job(agents.traits[i], sector);
  add_to_stock(next, i);
}

}  // namespace migsim::detail
