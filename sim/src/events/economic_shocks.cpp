// exchange_rate, wage_shock, labour_demand_shock: multipliers on the economy of the destinations;
// transfer_disruption: remittances that cannot be sent home from them for a while.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;
using K = FieldKind;

/// A currency cannot be worth nothing: a factor of 0 would make every price in it infinite in USD.
std::string check_exchange_rate(const Event& e, const Scenario&) {
  if (!(e.factor > 0)) return "factor: expected a number above 0 (units of currency per USD), found 0";
  return "";
}

double currency_factor(const Event& e, std::size_t currency) {
  return e.currency_index == static_cast<int>(currency) ? e.factor : 1.0;
}

/// Multiplies `target` [d * nS + sector] by the factor in the covered regions and sectors.
void multiply(const Event& e, const Scenario& sc, std::vector<double>& target) {
  const std::size_t nS = sc.sectors.size();
  for (std::size_t d = 0; d < sc.n_destinations(); ++d)
    if (covers_destination(sc, e, d))
      for (std::size_t s = 0; s < nS; ++s)
        if (e.sector_indices.empty() || contains(e.sector_indices, s)) target[d * nS + s] *= e.factor;
}

/// Applies `apply(d * nS + sector)` to every covered region and sector.
template <typename Apply>
void for_covered(const Event& e, const Scenario& sc, Apply apply) {
  const std::size_t nS = sc.sectors.size();
  for (std::size_t d = 0; d < sc.n_destinations(); ++d)
    if (covers_destination(sc, e, d))
      for (std::size_t s = 0; s < nS; ++s)
        if (e.sector_indices.empty() || contains(e.sector_indices, s)) apply(d * nS + s);
}

void modify_wage(const Event& e, const Scenario& sc, Modifiers& m) { multiply(e, sc, m.wage); }

/// Demand moves hiring and the job-loss hazard; lay-offs end existing jobs at a weekly rate (the
/// chances of surviving overlapping shocks multiply), and unpaid leave or arrears cut the pay of
/// the jobs that remain.
void modify_demand(const Event& e, const Scenario& sc, Modifiers& m) {
  multiply(e, sc, m.demand);
  if (e.layoff_rate > 0)
    for_covered(e, sc, [&](std::size_t k) { m.layoff[k] = 1.0 - (1.0 - m.layoff[k]) * (1.0 - e.layoff_rate); });
  if (e.unpaid_share > 0) for_covered(e, sc, [&](std::size_t k) { m.pay[k] *= 1.0 - e.unpaid_share; });
}

/// A recall happens when the shock ends, so a shock that never ends cannot have one.
std::string check_demand(const Event& e, const Scenario&) {
  if (e.recall_share > 0 && !e.end)
    return "recall_share: expected an `end` (staff are called back when the shock ends)";
  return "";
}

/// Once a shock is over, its employers call back a share of those out of work in its regions whose last
/// job was in one of its sectors (overlapping recalls combine like independent chances).
void recall_staff(const Event& e, const Scenario& sc, Modifiers& m) {
  if (e.recall_share > 0)
    for_covered(e, sc, [&](std::size_t k) { m.recall[k] = 1.0 - (1.0 - m.recall[k]) * (1.0 - e.recall_share); });
}

/// Shares held back by overlapping disruptions combine like independent losses.
void modify_transfers(const Event& e, const Scenario& sc, Modifiers& m) {
  for (std::size_t d = 0; d < sc.n_destinations(); ++d)
    if (covers_destination(sc, e, d)) m.transfers_held[d] = 1.0 - (1.0 - m.transfers_held[d]) * (1.0 - e.held_share);
}

}  // namespace

EventKind exchange_rate_kind() {
  EventKind kind{{EventType::ExchangeRate,
                  "exchange_rate",
                  "Multiplier on a currency's units per USD.",
                  "Multiplies the exchange-rate table of `currency` while in force (factor > 1 weakens the currency): "
                  "it changes wages in USD, remittances and the exchange-rate loss in the return hazard.",
                  "- type: exchange_rate\n  label: rouble_falls\n  start: 2026-01-01\n  currency: RUB\n  factor: 1.5\n",
                  {{"currency", K::Currency, &E::currency, true, "", "ISO 4217", 0, 0, "Currency affected."},
                   factor_field("factor", &E::factor, true, "Multiplier on units of currency per USD.")}}};
  kind.check = check_exchange_rate;
  kind.currency_factor = currency_factor;
  return kind;
}

EventKind wage_shock_kind() {
  EventKind kind{
      {EventType::WageShock,
       "wage_shock",
       "Multiplier on wages by destination region and sector.",
       "Multiplies the wage table of the covered regions (for the covered sectors) while in force, in the "
       "earnings of migrants and in the expected income of the destination choice. Factors of overlapping "
       "shocks multiply.",
       "- type: wage_shock\n  label: construction_slump\n  start: 2015-01-01\n  end: 2015-12-31\n"
       "  country: RU\n  sectors: [construction]\n  factor: 0.8\n",
       {scope_country("Destination country (all its regions)."), scope_regions("Destination regions covered."),
        sectors_field("Sectors covered."), factor_field("factor", &E::factor, true, "Multiplier on wages.")},
       true,
       false,
       true}};
  kind.modify = modify_wage;
  return kind;
}

EventKind labour_demand_shock_kind() {
  EventKind kind{
      {EventType::LabourDemandShock,
       "labour_demand_shock",
       "Multiplier on labour demand by destination region and sector.",
       "While in force, job finding in the covered regions is multiplied by the demand factor (sectors "
       "weighted by their shares) and job loss in a covered sector is divided by it; the job chance in the "
       "destination choice moves with it. A sudden shock (a lockdown) also acts on existing jobs: "
       "`layoff_rate` ends that share of the jobs in the covered regions and sectors each week (lay-offs, "
       "closures), and `unpaid_share` of the pay of the jobs that remain is not received (unpaid leave, wage "
       "arrears), so earnings and remittances fall within the week. When it ends, `recall_share` of those out of "
       "work in the covered regions whose last job was in a covered sector get that job back in the step that "
       "holds the first day after the end (employers reopening call back their staff). Factors of overlapping "
       "shocks multiply.",
       "- type: labour_demand_shock\n  label: covid_demand\n  start: 2020-04-01\n  end: 2020-09-30\n"
       "  country: RU\n  factor: 0.5\n  layoff_rate: 0.05\n  unpaid_share: 0.2\n  recall_share: 0.5\n",
       {scope_country("Destination country (all its regions)."), scope_regions("Destination regions covered."),
        sectors_field("Sectors covered."), factor_field("factor", &E::factor, true, "Multiplier on labour demand."),
        number_field("layoff_rate", &E::layoff_rate, false, "0", "fraction per week", 0, 1,
                     "Share of the jobs in the covered regions and sectors that end each week while in force."),
        number_field("unpaid_share", &E::unpaid_share, false, "0", "fraction", 0, 1,
                     "Share of the pay of the remaining jobs not received while in force (unpaid leave, "
                     "arrears)."),
        number_field("recall_share", &E::recall_share, false, "0", "fraction", 0, 1,
                     "Share of those out of work in the covered regions, last employed in a covered sector, who "
                     "get that job back once the shock ends (needs an `end`).")},
       true,
       false,
       true}};
  kind.modify = modify_demand;
  kind.after_end = recall_staff;
  kind.check = check_demand;
  return kind;
}

EventKind transfer_disruption_kind() {
  EventKind kind{
      {EventType::TransferDisruption,
       "transfer_disruption",
       "Remittances from destination regions held back for a while (transfer points closed).",
       "While in force, `held_share` of what migrants in the covered regions would send home cannot be sent "
       "(money-transfer points and banks closed in a lockdown, couriers and travellers who carry cash stopped "
       "at a closed border): it is held, outside the migrants' savings, and sent once no disruption covers "
       "the region, each week a share 1 - exp(-1 / `behaviour.remittances.catch_up_weeks`) of what is held, "
       "so the transfers missed come home later instead of being lost. The output `remittances_held_usd` is "
       "what is held at the end of each step. Shares of overlapping disruptions combine like independent "
       "losses.",
       "- type: transfer_disruption\n  label: transfer_points_closed\n  start: 2020-03-30\n  end: 2020-05-11\n"
       "  country: RU\n  held_share: 0.4\n",
       {scope_country("Destination country (all its regions)."), scope_regions("Destination regions covered."),
        number_field("held_share", &E::held_share, true, "", "fraction", 0, 1,
                     "Share of the remittances from the covered regions that cannot be sent while in force.")},
       true,
       false,
       true}};
  kind.modify = modify_transfers;
  return kind;
}

}  // namespace migsim::detail
