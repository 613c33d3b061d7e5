// enforcement: detection of irregular migrants, detention and prison terms.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;

void compile(const Event& e, StepCompilation& c) {
  PolicyTables& t = c.tables;
  for (std::size_t d = 0; d < c.nD(); ++d)
    if (covers_destination(c.sc, e, d)) {
      t.detection[d] = to_threshold(step_probability(e.rate, c.days));
      t.conviction[d] = to_threshold(e.conviction_share);
      t.conviction_days[d] = static_cast<std::int32_t>(std::lround(e.conviction_years * kDaysPerYear));
    }
}

}  // namespace

EventKind enforcement_kind() {
  EventKind kind{
      {EventType::Enforcement,
       "enforcement",
       "Detection rate of irregular migrants by destination region.",
       "Each irregular migrant in a covered region is detected with the step probability of the annual "
       "hazard `rate`. A detected migrant is detained for `enforcement.detention_days` and then deported "
       "(ban rules apply); a share `conviction_share` is instead convicted and held in place for "
       "`conviction_years`, then deported. Without enforcement in force, "
       "`enforcement.base_detection_rate` applies.",
       "- type: enforcement\n  label: kz_after_2016\n  start: 2016-07-01\n  country: KZ\n  rate: 0.3\n"
       "  conviction_share: 0.01\n  conviction_years: 3\n",
       {scope_country("Destination country (all its regions)."), scope_regions("Destination regions covered."),
        number_field("rate", &E::rate, true, "", "1/year", 0, 365, "Detection hazard of an irregular migrant."),
        number_field("conviction_share", &E::conviction_share, false, "0", "fraction", 0, 1,
                     "Share of detections ending in a prison term."),
        number_field("conviction_years", &E::conviction_years, false, "1", "years", 0, 50,
                     "Length of the prison term, during which the migrant cannot leave.")},
       true,
       false,
       true}};
  kind.compile = compile;
  return kind;
}

}  // namespace migsim::detail
