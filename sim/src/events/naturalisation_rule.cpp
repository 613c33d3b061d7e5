// naturalisation_rule: legal residents acquire the destination's citizenship.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;

void compile(const Event& e, StepCompilation& c) {
  PolicyTables& t = c.tables;
  const std::size_t nD = c.nD();
  for (std::size_t o = 0; o < c.nO(); ++o)
    for (std::size_t d = 0; d < nD; ++d)
      if (in_country(c.sc, e, d) && covers_citizen(e, c.origin_country(o))) {
        t.naturalise[o * nD + d] = to_threshold(step_probability(e.rate, c.days));
        t.naturalise_min_days[o * nD + d] = static_cast<std::int32_t>(std::lround(e.min_years * kDaysPerYear));
      }
}

}  // namespace

EventKind naturalisation_rule_kind() {
  EventKind kind{
      {EventType::NaturalisationRule,
       "naturalisation_rule",
       "Legal residents acquire citizenship.",
       "While in force, legal residents (EAEU workers, permit holders and residents of countries without a "
       "permit regime) of the covered citizenships who have "
       "been abroad at least `min_years` naturalise at the annual hazard `rate`. Naturalised people stay "
       "where they are and leave the migrant population; they are reported with status `naturalised`.",
       "- type: naturalisation_rule\n  label: ru_citizenship\n  start: 2010-01-01\n  country: RU\n"
       "  rate: 0.03\n  min_years: 3\n",
       {required_country("Country granting citizenship."),
        number_field("rate", &E::rate, true, "", "1/year", 0, 365, "Naturalisation hazard of an eligible resident."),
        number_field("min_years", &E::min_years, false, "0", "years", 0, 100, "Time abroad needed before."),
        citizenships_field("Citizenships covered.")}}};
  kind.compile = compile;
  return kind;
}

}  // namespace migsim::detail
