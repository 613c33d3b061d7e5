// bilateral_scheme: fixed places per year of fixed duration to one destination.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;
using K = FieldKind;

void compile(const Event& e, StepCompilation& c) {
  SchemeStep s;
  s.key = c.counters.counter("scheme:" + e.label, count_year(c.from, e));
  s.destination = static_cast<std::size_t>(e.location_index) - c.nO();
  s.remaining =
      std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(e.places / c.scale)) - c.counters.used(s.key));
  s.duration_days = static_cast<std::int32_t>(std::lround(e.duration_months * kDaysPerMonth));
  s.sector = e.sector_index >= 0 ? static_cast<unsigned>(e.sector_index) : 0u;
  s.travel_cost_usd = static_cast<float>(e.travel_cost_usd);
  s.overstay = to_threshold(e.overstay_share);
  c.tables.schemes.push_back(s);
}

/// After all events: the overstay share of each scheme's destination, and the cumulative
/// application thresholds over the schemes an origin is eligible for.
void finish(StepCompilation& c) {
  PolicyTables& t = c.tables;
  const std::size_t nO = c.nO();
  t.scheme_overstay.assign(c.nD(), 0);
  for (const auto& e : c.sc.events)
    if (e.type == EventType::BilateralScheme)
      t.scheme_overstay[static_cast<std::size_t>(e.location_index) - nO] = to_threshold(e.overstay_share);
  const std::size_t nK = t.schemes.size();
  t.scheme_apply.assign(nO * nK, 0);
  if (nK == 0) return;
  std::size_t k = 0;
  std::vector<double> cumulative(nO, 0.0);
  for (const auto& e : c.sc.events) {
    if (e.type != EventType::BilateralScheme || !e.overlaps(c.from, c.until)) continue;
    for (std::size_t o = 0; o < nO; ++o) {
      if (covers_citizen(e, c.origin_country(o)) && t.schemes[k].remaining > 0)
        cumulative[o] = std::min(1.0, cumulative[o] + step_probability(e.application_rate, c.days));
      t.scheme_apply[o * nK + k] = to_threshold(cumulative[o]);
    }
    ++k;
  }
}

}  // namespace

EventKind bilateral_scheme_kind() {
  EventKind kind{
      {EventType::BilateralScheme,
       "bilateral_scheme",
       "Fixed places per year of fixed duration to one destination (seasonal or employment-permit schemes).",
       "People at home of the covered citizenships apply at `application_rate`; applicants of a step are "
       "recruited in seeded random order while the calendar year's places last. Recruits travel at the "
       "scheme's cost, work in `sector` for `duration_months` as scheme workers and then go home (or stay "
       "on as irregular migrants with probability `overstay_share`). The route need not exist in "
       "routes.csv.",
       "- type: bilateral_scheme\n  label: uk_seasonal_pilot\n  start: 2022-01-01\n  region: other\n"
       "  places: 1000\n  duration_months: 6\n  citizenships: [KG]\n  sector: agriculture\n",
       {{"region", K::Region, &E::region, true, "", "region name", 0, 0, "Destination region of the scheme."},
        number_field("places", &E::places, true, "", "people per calendar year", 0, kBig, "Places per year."),
        number_field("duration_months", &E::duration_months, true, "", "months", 0.25, 120, "Length of a stay."),
        citizenships_field("Citizenships eligible."),
        {"sector", K::SectorName, &E::sector, false, "first sector", "sector name", 0, 0,
         "Sector of the scheme's jobs."},
        number_field("application_rate", &E::application_rate, false, "0.05", "1/year", 0, 365,
                     "Hazard with which an eligible person at home applies."),
        number_field("overstay_share", &E::overstay_share, false, "0", "fraction", 0, 1,
                     "Share of workers who stay on irregularly at the end of the stay."),
        number_field("travel_cost_usd", &E::travel_cost_usd, false, "0", "USD", 0, kBig,
                     "Travel cost paid by the worker (employer-paid: 0).")}}};
  kind.compile = compile;
  kind.finish = finish;
  return kind;
}

}  // namespace migsim::detail
