// The output schema: every variable a run reports, with its dimensions, units, meaning and how
// a distributed run combines it. It drives the step aggregates, the reductions, the dataset
// written to files and returned to Python, `migsim info`, docs/outputs.md and the tests' lists.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "migsim/status.hpp"

namespace migsim {

/// Aggregates of one step, in agents (multiply by scale for people) except money, which is
/// already in people; flat row-major arrays in the layout of the schema's dims (OutputShape).
struct StepAggregates {
  std::vector<std::int64_t> population;  ///< [origin]
  std::vector<std::int64_t> stock;       ///< [origin][location][status]
  std::vector<std::int64_t> departures;  ///< [origin][location]
  std::vector<std::int64_t> returns;     ///< [location][origin]; every arrival home, incl. deportations and evacuations
  std::vector<std::int64_t> employed;    ///< [origin][location]
  std::vector<std::int64_t> entries;     ///< [origin]
  std::vector<std::int64_t> exits;       ///< [origin]
  std::vector<double> remittances_usd;   ///< [origin]
  std::vector<double> remittances_held_usd;  ///< [location][origin]

  // Institutions (agents unless noted).
  std::vector<std::int64_t> permits_issued;      ///< [country] new patents and quota permits
  std::vector<double> quota_remaining;           ///< [country] people; NaN where no quota is in force
  std::vector<std::int64_t> detentions;          ///< [location][origin]
  std::vector<std::int64_t> deportations;        ///< [location][origin]
  std::vector<std::int64_t> bans_active;         ///< [country][origin]
  std::vector<std::int64_t> blocked_departures;  ///< [origin][location]
  std::vector<std::int64_t> evacuated;           ///< [location][origin]
  std::vector<std::int64_t> naturalised;         ///< [location][origin]
  std::vector<double> fees_paid_usd;             ///< [location]
  std::vector<std::uint8_t> policy_state;        ///< [event] 1 if in force during the step
};

/// What a value is: people (integers in agents, times scale on output), money (USD, already in
/// people), or derived from other outputs when the dataset is built.
enum class OutputKind : std::uint8_t { Count, Money, Derived };
/// CF cell method over a step: a stock at its end (point) or a flow over it (sum).
enum class CellMethod : std::uint8_t { Point, Sum };
/// Where the values come from, which fixes how blocks and ranks combine them.
enum class OutputSource : std::uint8_t {
  Tallied,     ///< counted per block by the agent pass (and by allocations); summed over blocks, then ranks
  Allocated,   ///< counted by the serial allocations on the rank holding the agent; summed over ranks
  Replicated,  ///< computed alike on every rank; never summed
  Derived,     ///< computed from other outputs after the step
};

struct OutputSpec {
  std::string_view name;
  std::array<std::string_view, 3> dims;  ///< after `time`; "" where unused
  std::string_view units;
  std::string_view long_name;
  std::string_view standard_name;  ///< CF standard name, "" where none exists
  CellMethod cell_method;
  OutputKind kind;
  OutputSource source;
  std::vector<std::int64_t> StepAggregates::*counts = nullptr;  ///< integer storage
  std::vector<double> StepAggregates::*reals = nullptr;         ///< floating-point storage
  double fill = 0;                                              ///< value before anything is added
  std::string_view comment = {};

  constexpr std::size_t rank() const {
    std::size_t n = 0;
    for (auto d : dims) n += !d.empty();
    return n;
  }
};

/// Every output variable, in file order.
inline constexpr std::array<OutputSpec, 19> kOutputs = {{
    {"population",
     {"origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "working-age people by origin, at home or abroad, at the end of the step",
     "",
     CellMethod::Point,
     OutputKind::Count,
     OutputSource::Derived,
     &StepAggregates::population},
    {"stock",
     {"origin", "location", "status"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "people by origin, location and status at the end of the step",
     "",
     CellMethod::Point,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::stock},
    {"departures",
     {"origin", "location"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "departures from origin to destination during the step",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::departures},
    {"returns",
     {"location", "origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "returns from a destination to the origin during the step",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::returns},
    {"employed",
     {"origin", "location"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "migrants with a job at the end of the step",
     "",
     CellMethod::Point,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::employed},
    {"entries",
     {"origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "people reaching working age during the step",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Replicated,
     &StepAggregates::entries},
    {"exits",
     {"origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "people leaving working age during the step",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::exits},
    {"remittances_usd",
     {"origin"},
     "USD",
     "remittances sent home during the step, by origin",
     "",
     CellMethod::Sum,
     OutputKind::Money,
     OutputSource::Tallied,
     nullptr,
     &StepAggregates::remittances_usd},
    // Tallied as what could not be sent during the step, then turned into what is held at its end
    // by the serial release (engine/transfers.cpp).
    {"remittances_held_usd",
     {"location", "origin"},
     "USD",
     "remittances earned but not yet sent home because transfers are disrupted, at the end of the step",
     "",
     CellMethod::Point,
     OutputKind::Money,
     OutputSource::Tallied,
     nullptr,
     &StepAggregates::remittances_held_usd},
    {"permits_issued",
     {"country"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "new patents and quota work permits issued by the destination country during the step",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::permits_issued},
    {"quota_remaining",
     {"country"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "work permits left in the quota year after the step",
     "",
     CellMethod::Point,
     OutputKind::Count,
     OutputSource::Replicated,
     nullptr,
     &StepAggregates::quota_remaining,
     __builtin_nan(""),
     "NaN where no quota is in force"},
    {"detentions",
     {"location", "origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "irregular migrants detected and detained during the step",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::detentions},
    {"deportations",
     {"location", "origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "people deported home during the step (included in returns)",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::deportations},
    {"bans_active",
     {"country", "origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "people with an entry ban of the country in force at the start of the step",
     "",
     CellMethod::Point,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::bans_active},
    {"blocked_departures",
     {"origin", "location"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "people who chose a destination but could not go (closed border, ban, refused quota with on_refusal: stay)",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::blocked_departures},
    {"stranded",
     {"location", "origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "people who want to return but cannot (closed border), at the end of the step",
     "",
     CellMethod::Point,
     OutputKind::Derived,
     OutputSource::Derived},
    {"evacuated",
     {"location", "origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "stranded people brought home by evacuation during the step (included in returns)",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Allocated,
     &StepAggregates::evacuated},
    {"naturalised",
     {"location", "origin"},
     "1",  // a count of people (UDUNITS: dimensionless)
     "migrants who took the destination's citizenship during the step",
     "",
     CellMethod::Sum,
     OutputKind::Count,
     OutputSource::Tallied,
     &StepAggregates::naturalised},
    {"fees_paid",
     {"location"},
     "USD",
     "patent fees paid by migrants during the step",
     "",
     CellMethod::Sum,
     OutputKind::Money,
     OutputSource::Tallied,
     nullptr,
     &StepAggregates::fees_paid_usd},
}};

/// The CF cell method of a variable over a step, as written in docs and metadata.
constexpr std::string_view cell_method_name(CellMethod method) {
  return method == CellMethod::Point ? "time: point" : "time: sum";
}
constexpr std::string_view kind_name(OutputKind kind) {
  return kind == OutputKind::Count ? "count" : kind == OutputKind::Money ? "money" : "derived";
}

/// Position of a variable in kOutputs; a misspelt name does not compile where used as a constant.
constexpr std::size_t output_index(std::string_view name) {
  for (std::size_t i = 0; i < kOutputs.size(); ++i)
    if (kOutputs[i].name == name) return i;
  throw "no output variable of that name";
}

/// The extents of the output dimensions for one scenario, and the one place where the flat
/// index of a cell is computed.
struct OutputShape {
  std::size_t origins = 0, locations = 0, countries = 0;
  static constexpr std::size_t statuses = kReportedStatuses;

  /// Extent of a dimension named in kOutputs (0 for "").
  std::size_t extent(std::string_view dim) const {
    if (dim == "origin") return origins;
    if (dim == "location") return locations;
    if (dim == "country") return countries;
    if (dim == "status") return statuses;
    return dim.empty() ? 1 : 0;
  }
  /// Values per step of a variable.
  std::size_t size(const OutputSpec& spec) const {
    std::size_t n = 1;
    for (auto d : spec.dims) n *= extent(d);
    return n;
  }
  std::size_t stock(std::size_t o, std::size_t l, std::size_t s) const { return (o * locations + l) * statuses + s; }
  std::size_t origin_location(std::size_t o, std::size_t l) const { return o * locations + l; }
  std::size_t location_origin(std::size_t l, std::size_t o) const { return l * origins + o; }
  std::size_t country_origin(std::size_t c, std::size_t o) const { return c * origins + o; }
};

/// Aggregates of one step with every array sized for `shape` and set to its fill value.
StepAggregates empty_aggregates(const OutputShape& shape);

/// Markdown reference of every output variable (docs/outputs.md).
std::string output_reference_markdown();

}  // namespace migsim
