// return_shock: multipliers on returns from, and departures to, one destination country.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;
using K = FieldKind;

bool covers(const Event& e, std::string_view status) {
  return e.statuses.empty() || std::find(e.statuses.begin(), e.statuses.end(), status) != e.statuses.end();
}

/// The return multiplier the event scales: every status's, or that of legal or irregular migrants only.
std::vector<double>& return_factors(const Event& e, Modifiers& m) {
  const bool legal = covers(e, "legal"), irregular = covers(e, "irregular");
  if (legal && irregular) return m.return_factor;
  return irregular ? m.irregular_return_factor : m.legal_return_factor;
}

void modify(const Event& e, const Scenario& sc, Modifiers& m) {
  const std::size_t nD = sc.n_destinations();
  std::vector<double>& returns = return_factors(e, m);
  for (std::size_t o = 0; o < sc.n_origins(); ++o)
    if (covers_citizen(e, sc.origins[o].country))
      for (std::size_t d = 0; d < nD; ++d)
        if (in_country(sc, e, d)) {
          returns[o * nD + d] *= e.return_factor;
          m.departure_factor[o * nD + d] *= e.departure_factor;
        }
}

}  // namespace

EventKind return_shock_kind() {
  EventKind kind{
      {EventType::ReturnShock,
       "return_shock",
       "Multiplier on the return hazard (and departures) of citizens in one destination country.",
       "While in force, the return hazard of migrants of the covered citizenships and `statuses` in `country` "
       "is multiplied by `return_factor`, and their departures towards `country` by `departure_factor` (the "
       "other destinations' shares rise accordingly; departures have no status). A shock that covers both "
       "statuses also multiplies the hazard at which the stranded go home once the border reopens.",
       "- type: return_shock\n  label: mobilisation_fear\n  start: 2022-09-21\n  end: 2022-12-31\n"
       "  country: RU\n  citizenships: [KG]\n  return_factor: 3\n  departure_factor: 0.5\n",
       {required_country("Destination country."),
        {"citizenships", K::CountryList, &E::citizenships, true, "", "ISO codes", 0, 0, "Citizenships affected."},
        factor_field("return_factor", &E::return_factor, false, "Multiplier on the return hazard."),
        factor_field("departure_factor", &E::departure_factor, false, "Multiplier on departures to `country`."),
        {"statuses", K::ChoiceList, &E::statuses, false, "[legal, irregular]", "", 0, 0,
         "Whose returns: `legal` (residents, EAEU workers, permit holders) and `irregular` (no legal grounds "
         "to stay, e.g. those on Russia's register of controlled persons).",
         "legal|irregular"}}}};
  kind.modify = modify;
  return kind;
}

}  // namespace migsim::detail
