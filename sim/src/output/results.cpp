// Turns the simulation's history into a labelled dataset: the one description of the output
// that both the HDF5 writer and the Python bindings consume.
#include <chrono>
#include <ctime>
#include <limits>
#include <span>

#include "migsim/simulation.hpp"

#ifndef MIGSIM_VERSION
#define MIGSIM_VERSION "0.0.0"
#endif
namespace migsim {

namespace detail {
const char* build_git_commit();  // generated at build time by cmake/git_commit.cmake
}

std::string version() { return MIGSIM_VERSION; }
std::string git_commit() { return detail::build_git_commit(); }

namespace {

using output::Attribute;
using output::Variable;

/// Concatenates one field of every step's aggregates into a [time][...] array, in people.
std::vector<std::int64_t> stacked(std::span<const StepAggregates> history,
                                  std::vector<std::int64_t> StepAggregates::*field, std::int64_t scale) {
  std::vector<std::int64_t> out;
  if (!history.empty()) out.reserve(history.size() * (history.front().*field).size());
  for (const auto& step : history)
    for (auto v : step.*field) out.push_back(v * scale);
  return out;
}

std::vector<double> stacked_real(std::span<const StepAggregates> history, std::vector<double> StepAggregates::*field) {
  std::vector<double> out;
  for (const auto& step : history) out.insert(out.end(), (step.*field).begin(), (step.*field).end());
  return out;
}

std::vector<std::int64_t> stacked_status(std::span<const StepAggregates> history, const OutputShape& shape,
                                         Status status, std::int64_t scale) {
  std::vector<std::int64_t> out;
  out.reserve(history.size() * shape.origins * shape.locations);
  for (const auto& step : history)
    for (std::size_t l = 0; l < shape.locations; ++l)
      for (std::size_t o = 0; o < shape.origins; ++o)
        out.push_back(step.stock[shape.stock(o, l, static_cast<std::size_t>(status))] * scale);
  return out;
}

std::string utc_now() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

/// Stock of one status as [time][location][origin] (the layout of the flows between places).
std::vector<std::int64_t> stacked_status(std::span<const StepAggregates> history, const OutputShape& shape,
                                         Status status, std::int64_t scale);

/// One variable of the schema over the steps of `history`, in people or USD.
Variable output_variable(const OutputSpec& spec, std::span<const StepAggregates> hist, const OutputShape& shape,
                         std::int64_t scale) {
  std::vector<std::string> dims = {"time"};
  for (auto d : spec.dims)
    if (!d.empty()) dims.emplace_back(d);
  // CF cell_methods: a stock is the value at one instant, the end of the step; a flow the sum over the step.
  // The time coordinate is the step's start (users' grouping by date must not shift), so the comment says which
  // instant or interval.
  const std::string cell_methods =
      spec.cell_method == CellMethod::Point
          ? std::string(cell_method_name(spec.cell_method)) + " (at the end of the step, time + 7 days)"
          : std::string(cell_method_name(spec.cell_method)) + " (over the step, from time to time + 7 days)";
  std::vector<Attribute> attrs = {
      {"units", std::string(spec.units)}, {"long_name", std::string(spec.long_name)}, {"cell_methods", cell_methods}};
  if (!spec.comment.empty()) attrs.push_back({"comment", std::string(spec.comment)});
  Variable v{std::string(spec.name), std::move(dims), {}, std::move(attrs)};
  if (spec.counts)
    v.data = stacked(hist, spec.counts, scale);
  else if (spec.reals)
    v.data = stacked_real(hist, spec.reals);
  else  // the one derived variable: stranded people, from the stock
    v.data = stacked_status(hist, shape, Status::Stranded, scale);
  return v;
}

/// CF `coordinates` attribute: the label variables that belong to a data variable's dims.
void attach_label_coordinates(Variable& v) {
  std::string coords;
  for (const auto& dim : v.dims) {
    if (dim == "origin") coords += " origin_label";
    if (dim == "location") coords += " location_label location_country";
    if (dim == "country") coords += " country_name";
  }
  if (!coords.empty()) v.attrs.push_back({"coordinates", coords.substr(1)});
}

Variable labels(std::string name, std::string dim, std::vector<std::string> values, std::string long_name) {
  return Variable{std::move(name), {std::move(dim)}, std::move(values), {{"long_name", std::move(long_name)}}};
}

}  // namespace

namespace {
output::Dataset dataset(const Simulation& sim, std::size_t first_step, bool provenance);
}  // namespace

output::Dataset Simulation::results() const { return dataset(*this, 0, true); }

output::Dataset Simulation::results_since(std::size_t first_step) const {
  return dataset(*this, std::min(first_step, steps_done()), false);
}

namespace {

/// A seed as an attribute: int64 as always when it fits (the same file as before), uint64 above
/// INT64_MAX, so that every seed 0..2^64-1 is recorded as itself and replays exactly.
output::AttributeValue seed_attribute(std::uint64_t seed) {
  if (seed <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(seed);
  return seed;
}

/// CF `history`: which version made the run, with its settings. No timestamp (`created_utc` holds it), so
/// runs with one build and seed give the same bytes on any number of threads or ranks.
std::string history(const Simulation& sim) {
  const auto& options = sim.options();
  return "migsim " + version() + " (commit " + git_commit() + "): run of scenario " + sim.scenario().params.name +
         ", seed " + std::to_string(options.seed) + ", scale " + std::to_string(options.scale) +
         (options.until ? ", until " + options.until->iso() : std::string());
}

void add_provenance(const Simulation& sim, output::Dataset& ds) {
  const Scenario& sc = sim.scenario();
  const RunStats run = sim.stats();
  const std::vector<output::Attribute> provenance = {{"Conventions", std::string("CF-1.9")},
                                                     {"title", "migsim run of scenario " + sc.params.name},
                                                     {"institution", std::string("migsim")},
                                                     {"source", "migsim " + version()},
                                                     {"scenario_name", sc.params.name},
                                                     {"scenario_source", sc.source_name},
                                                     {"scenario_yaml", sc.resolved_yaml()},
                                                     {"seed", seed_attribute(sim.options().seed)},
                                                     {"threads", static_cast<std::int64_t>(run.threads)},
                                                     {"mpi_ranks", static_cast<std::int64_t>(run.ranks)},
                                                     {"scale", sim.options().scale},
                                                     {"migsim_version", version()},
                                                     {"git_commit", git_commit()},
                                                     {"wall_time_seconds", run.wall_seconds},
                                                     {"agent_steps", static_cast<std::int64_t>(run.agent_steps)},
                                                     {"created_utc", utc_now()},
                                                     {"history", history(sim)}};
  ds.attrs.insert(ds.attrs.begin(), provenance.begin(), provenance.end());
  if (!sim.resumed_from().empty()) ds.attrs.push_back({"resumed_from_state", sim.resumed_from()});
  if (!sc.builtin_base.empty()) ds.attrs.push_back({"scenario_builtin", sc.builtin_base});
  for (const auto& [key, text] : sc.table_texts) {
    std::string name = "scenario_" + key;  // "tables.regions" -> "scenario_tables_regions"
    for (char& c : name)
      if (c == '.') c = '_';
    ds.attrs.push_back({name, text});
  }
}

/// `time` (the steps' starts, days since the scenario's start) and its CF bounds `time_bnds` [start, end).
void add_time(output::Dataset& ds, const Scenario& sc, std::size_t first_step, std::size_t steps) {
  std::vector<std::int64_t> days, bounds;
  const Calendar calendar = sc.calendar();
  for (std::size_t k = first_step; k < first_step + steps; ++k) {
    days.push_back(calendar.step_start(k) - sc.params.start);
    bounds.push_back(days.back());
    bounds.push_back(calendar.step_end(k) - sc.params.start);
  }
  ds.variables.push_back(
      Variable{"time",
               {"time"},
               std::move(days),
               {{"units", "days since " + sc.params.start.iso()},
                {"calendar", std::string("proleptic_gregorian")},
                {"standard_name", std::string("time")},
                {"axis", std::string("T")},
                {"bounds", std::string("time_bnds")},
                {"long_name", std::string("start of the step (stocks are counted at its end, flows over it)")}}});
  // CF cell boundaries: a flow is summed over [start, end) of its step, a stock counted at the end.
  ds.variables.push_back(Variable{"time_bnds", {"time", "nv"}, std::move(bounds), {}});
}

output::Dataset dataset(const Simulation& sim, std::size_t first_step, bool provenance) {
  const Scenario& sc = sim.scenario();
  const std::span<const StepAggregates> hist = std::span(sim.history()).subspan(first_step);
  const std::int64_t scale = sim.options().scale;
  output::Dataset ds;

  std::vector<std::string> origin_names, origin_labels, location_names, location_labels, location_countries;
  for (const auto& r : sc.origins) origin_names.push_back(r.name), origin_labels.push_back(r.label);
  for (std::size_t l = 0; l < sc.n_locations(); ++l) {
    location_names.push_back(sc.location(l).name);
    location_labels.push_back(sc.location(l).label);
    location_countries.push_back(sc.countries[sc.location(l).country].code);
  }
  std::vector<std::string> statuses, country_codes, country_names;
  for (std::size_t s = 0; s < kReportedStatuses; ++s) statuses.emplace_back(status_name(static_cast<Status>(s)));
  for (const auto& c : sc.countries) country_codes.push_back(c.code), country_names.push_back(c.name);

  ds.dims = {{"time", hist.size()},       {"origin", origin_names.size()},   {"location", location_names.size()},
             {"status", statuses.size()}, {"country", country_codes.size()}, {"nv", 2}};
  if (!sc.events.empty()) ds.dims.push_back({"event", sc.events.size()});
  add_time(ds, sc, first_step, hist.size());
  ds.variables.push_back(labels("origin", "origin", origin_names, "origin region"));
  ds.variables.push_back(labels("origin_label", "origin", origin_labels, "origin region name"));
  ds.variables.push_back(
      labels("location", "location", location_names, "where the person is: an origin or a destination"));
  ds.variables.push_back(labels("location_label", "location", location_labels, "location name"));
  ds.variables.push_back(labels("location_country", "location", location_countries,
                                "ISO 3166-1 alpha-2 code of the location's country (ZZ: other)"));
  ds.variables.push_back(labels("status", "status", statuses, "residence and legal status"));
  ds.variables.push_back(labels("country", "country", country_codes, "ISO 3166-1 alpha-2 country code"));
  ds.variables.push_back(labels("country_name", "country", country_names, "country name"));

  const OutputShape shape{sc.n_origins(), sc.n_locations(), sc.countries.size()};
  for (const auto& spec : kOutputs) ds.variables.push_back(output_variable(spec, hist, shape, scale));
  if (!sc.events.empty()) {
    std::vector<std::string> event_labels, event_types;
    for (const auto& e : sc.events) {
      event_labels.push_back(e.label);
      event_types.emplace_back(event_spec(e.type).name);
    }
    ds.variables.push_back(labels("event", "event", event_labels, "scenario event label"));
    ds.variables.push_back(labels("event_type", "event", event_types, "scenario event type"));
    std::vector<std::int64_t> state;
    for (const auto& step : hist) {  // events added during the run were not in force before
      state.insert(state.end(), step.policy_state.begin(), step.policy_state.end());
      state.resize(state.size() + sc.events.size() - step.policy_state.size(), 0);
    }
    ds.variables.push_back(Variable{"policy_state",
                                    {"time", "event"},
                                    std::move(state),
                                    {{"long_name", std::string("1 if the event was in force during the step")},
                                     {"flag_values", std::vector<std::int64_t>{0, 1}},
                                     {"flag_meanings", std::string("not_in_force in_force")},
                                     {"coordinates", std::string("event_type")}}});
  }

  for (auto& v : ds.variables)
    if (v.dims.size() > 1 && v.name != "policy_state") attach_label_coordinates(v);

  ds.attrs.push_back({"coordinates", std::string("origin_label location_label location_country country_name")});
  if (provenance) add_provenance(sim, ds);
  return ds;
}

}  // namespace

}  // namespace migsim
