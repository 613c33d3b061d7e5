// permit_fee: the monthly patent fee and its one-off cost, which set the uptake of patents.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;

void compile(const Event& e, StepCompilation& c) {
  const auto& p = c.sc.params;
  PolicyTables& t = c.tables;
  const std::size_t nO = c.nO(), nD = c.nD();
  for (std::size_t o = 0; o < nO; ++o)
    for (std::size_t d = 0; d < nD; ++d) {
      const std::size_t od = o * nD + d;
      if (t.route[od] != EntryRoute::Permit || !covers_destination(c.sc, e, d) ||
          !covers_citizen(e, c.origin_country(o)))
        continue;
      const std::size_t loc = nO + d;
      const auto currency = c.sc.currency_of_location(loc);
      const double per_usd = c.sc.per_usd[currency].at(c.from) * c.policies.currency_factor(currency, c.from);
      const double migrant_wage = c.sc.wages[loc].at(c.from) * p.migrant_wage_ratio;
      t.fee_usd_month[od] = e.amount / per_usd;
      t.fee_usd[od] = static_cast<float>(t.fee_usd_month[od] * c.days / kDaysPerMonth);
      t.issue_cost_usd[od] = static_cast<float>(e.issue_cost / per_usd);
      t.uptake[od] = to_threshold(std::exp(-p.permit_fee_sensitivity * e.amount / migrant_wage));
    }
}

}  // namespace

EventKind permit_fee_kind() {
  EventKind kind{
      {EventType::PermitFee,
       "permit_fee",
       "Monthly patent fee (and one-off cost) for non-EAEU migrants, by destination region.",
       "A migrant who needs a permit takes a patent on arrival with probability "
       "`exp(-permits.fee_sensitivity * fee / wage)`, with the fee and the migrant wage (the region's average "
       "wage times `behaviour.work.migrant_wage_ratio`) in the region's currency per month, and "
       "otherwise works irregularly. Holders pay the fee every step from their earnings or savings; a holder "
       "without a job who cannot pay lets the patent lapse and becomes irregular. The expected fee also "
       "lowers the destination's utility in the departure decision. The one-off `issue_cost` is added to the "
       "travel debt. The first month is paid with the patent: a newcomer without a job or savings adds the fee "
       "to the debt for 30 days before the patent can lapse. Without any `permit_fee` or `quota` in force a "
       "destination admits everyone as a `resident`, with no permit and no cost.",
       "- type: permit_fee\n  label: moscow_patent_2015\n  start: 2015-01-01\n  regions: [moscow]\n"
       "  amount: 4000\n  issue_cost: 14500\n",
       {scope_country("Destination country (all its regions)."),
        scope_regions("Destination regions charging this fee."),
        number_field("amount", &E::amount, true, "", "local currency per month", 0, kBig, "Monthly patent fee."),
        number_field("issue_cost", &E::issue_cost, false, "0", "local currency", 0, kBig,
                     "One-off cost of obtaining the patent (medical test, translation, intermediaries)."),
        citizenships_field("Citizenships charged (default: every citizenship that needs a permit).")},
       true,
       false,
       true}};
  kind.compile = compile;
  kind.requires_permit = true;
  return kind;
}

}  // namespace migsim::detail
