// reintegration_programme and home_investment: policies of the origin country for its regions.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;
using K = FieldKind;

void modify_remigration(const Event& e, const Scenario& sc, Modifiers& m) {
  for (std::size_t o = 0; o < sc.n_origins(); ++o)
    if (e.location_indices.empty() || contains(e.location_indices, o)) m.remigration[o] *= e.remigration_factor;
}

void modify_home(const Event& e, const Scenario&, Modifiers& m) {
  for (int l : e.location_indices) {
    m.home_wage[static_cast<std::size_t>(l)] *= e.wage_factor;
    m.home_unemployment[static_cast<std::size_t>(l)] *= e.unemployment_factor;
  }
}

}  // namespace

EventKind reintegration_programme_kind() {
  EventKind kind{{EventType::ReintegrationProgramme,
                  "reintegration_programme",
                  "Support for returnees that lowers re-migration.",
                  "Multiplies the departure hazard of returnees (people at home who have migrated before) from the "
                  "covered origin regions while in force.",
                  "- type: reintegration_programme\n  label: migrant_ishker\n  start: 2019-01-01\n  end: 2019-12-31\n"
                  "  regions: [osh_oblast]\n  remigration_factor: 0.9\n",
                  {{"regions", K::RegionList, &E::regions, false, "all origins", "origin region names", 0, 0,
                    "Origin regions covered."},
                   factor_field("remigration_factor", &E::remigration_factor, true,
                                "Multiplier on returnees' departure hazard.")}}};
  kind.regions = RegionRole::Origin;
  kind.modify = modify_remigration;
  return kind;
}

EventKind home_investment_kind() {
  EventKind kind{
      {EventType::HomeInvestment,
       "home_investment",
       "Home-region wage or job uplift.",
       "Multiplies wages and unemployment of the covered origin regions in the home utility of the "
       "departure decision while in force.",
       "- type: home_investment\n  label: decree_4\n  start: 2021-01-29\n  regions: [batken]\n"
       "  wage_factor: 1.05\n  unemployment_factor: 0.9\n",
       {{"regions", K::RegionList, &E::regions, true, "", "origin region names", 0, 0, "Origin regions covered."},
        factor_field("wage_factor", &E::wage_factor, false, "Multiplier on home wages."),
        factor_field("unemployment_factor", &E::unemployment_factor, false, "Multiplier on home unemployment.")}}};
  kind.regions = RegionRole::Origin;
  kind.modify = modify_home;
  return kind;
}

}  // namespace migsim::detail
