// displacement: part of an origin region's people forced to move for a period.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;
using K = FieldKind;

std::string check(const Event& e, const Scenario&) {
  if (e.to_index >= 0 && e.to_index == e.location_index)
    return "to: expected a region other than the displaced region '" + e.region + "'";
  if (e.to.empty() && e.abroad_share < 1)
    return "to: missing; the displaced who stay in the country (abroad_share < 1) need a receiving origin region";
  return "";
}

void compile(const Event& e, StepCompilation& c) {
  PolicyTables& t = c.tables;
  const auto o = static_cast<std::size_t>(e.location_index);
  const double period = static_cast<double>(*e.end - e.start + 1);
  const double p_step = 1.0 - std::pow(1.0 - e.share, std::min(1.0, c.days / period));
  t.displacement[o] = to_threshold(p_step);
  t.displaced_abroad[o] = to_threshold(e.abroad_share);
  if (e.to_index >= 0) t.displaced_to[o] = static_cast<std::uint8_t>(e.to_index);
  t.displacement_active[o] = 1;
}

void modify(const Event& e, const Scenario& sc, Modifiers& m) {
  const std::size_t nD = sc.n_destinations();
  for (std::size_t d = 0; d < nD; ++d)
    m.return_factor[static_cast<std::size_t>(e.location_index) * nD + d] *= e.return_factor;
}

}  // namespace

EventKind displacement_kind() {
  EventKind kind{
      {EventType::Displacement,
       "displacement",
       "Conflict or disaster forcing part of an origin region's population to move for a period.",
       "Over the event period a share `share` of the region's people at home is displaced (spread evenly "
       "over the steps). A share `abroad_share` of them leave the country like other migrants; the rest move "
       "to the origin region `to` with status `displaced` and go home when the event ends. Migrants from the "
       "region return at `return_factor` times their usual hazard meanwhile.",
       "- type: displacement\n  label: batken_2021\n  start: 2021-04-28\n  end: 2021-06-30\n"
       "  region: batken\n  share: 0.05\n  to: osh_oblast\n  abroad_share: 0.1\n",
       {{"region", K::Region, &E::region, true, "", "origin region name", 0, 0, "Region hit."},
        number_field("share", &E::share, true, "", "fraction", 0, 1,
                     "Share of the region's people at home displaced over the period."),
        {"to", K::Region, &E::to, false, "", "origin region name", 0, 0,
         "Receiving origin region (required unless `abroad_share` is 1)."},
        number_field("abroad_share", &E::abroad_share, false, "0", "fraction", 0, 1,
                     "Share of the displaced who leave the country."),
        factor_field("return_factor", &E::return_factor, false, "Return hazard multiplier for the region's migrants.")},
       true,
       true}};
  kind.regions = RegionRole::Origin;
  kind.check = check;
  kind.compile = compile;
  kind.modify = modify;
  kind.end_sets_pace = true;
  return kind;
}

}  // namespace migsim::detail
