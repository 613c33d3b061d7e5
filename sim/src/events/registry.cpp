// The event schema: every event type with its fields, units, defaults and an example. The
// parser, the resolved-YAML writer and docs/scenarios.md are all driven by this table.
#include <sstream>

#include "migsim/events.hpp"

namespace migsim {
namespace {

using E = Event;
using K = FieldKind;
constexpr double kBig = 1e12;

EventFieldSpec country(std::string_view description) {
  return {"country", K::Country, &E::country, true, "", "ISO code", 0, 0, description};
}
EventFieldSpec scope_country(std::string_view what) {
  return {"country", K::Country, &E::country, false, "", "ISO code", 0, 0, what};
}
EventFieldSpec scope_regions(std::string_view what) {
  return {"regions", K::RegionList, &E::regions, false, "", "region names", 0, 0, what};
}
EventFieldSpec citizenships(std::string_view what) {
  return {"citizenships", K::CountryList, &E::citizenships, false, "all", "ISO codes", 0, 0, what};
}
EventFieldSpec sectors(std::string_view what) {
  return {"sectors", K::SectorList, &E::sectors, false, "all", "sector names", 0, 0, what};
}
EventFieldSpec number(std::string_view name, double E::*member, bool required, std::string_view default_text,
                      std::string_view unit, double min, double max, std::string_view description) {
  return {name, K::Number, member, required, default_text, unit, min, max, description};
}
EventFieldSpec factor(std::string_view name, double E::*member, bool required, std::string_view description) {
  return number(name, member, required, required ? "" : "1", "multiplier", 0, 1000, description);
}

std::vector<EventTypeSpec> build_schema() {
  std::vector<EventTypeSpec> s;
  s.push_back({EventType::Quota,
               "quota",
               "Annual limit on work permits for non-EAEU citizens in a destination country.",
               "Migrants who need a permit (citizens not in the EAEU with the destination) apply when they decide to "
               "go there, and again when a permit expires (`permits.validity_months`). Applicants of one step are "
               "served in a random priority order that depends only on the seed, the agent and the step, until the "
               "limit for the calendar year is reached; the limit (in people, so `limit / scale` agents) is never "
               "exceeded. Refused applicants go anyway as irregular migrants, or stay at home (counted in "
               "`blocked_departures`), by `on_refusal`. Events with the same country, regions, sectors and "
               "citizenships share one count of permits issued per calendar year, so a lower limit from mid-year "
               "only leaves what the earlier limit had not used up to it.",
               "- type: quota\n  label: ru_work_permits_2014\n  start: 2014-01-01\n  end: 2014-12-31\n  country: RU\n"
               "  limit: 30000\n  citizenships: [KG]\n  on_refusal: irregular\n",
               {country("Destination country whose permits are limited."),
                number("limit", &E::limit, true, "", "people per calendar year", 0, kBig,
                       "Work permits that may be issued in a calendar year."),
                scope_regions("Destination regions of `country` covered (default: all of them)."),
                sectors("Sectors covered: applicants draw the sector of the job they seek (default: all)."),
                citizenships("Citizenships covered (default: every citizenship that needs a permit)."),
                {"on_refusal", K::Choice, &E::on_refusal, false, "irregular", "", 0, 0,
                 "What a refused applicant does: go as an irregular migrant, or stay at home.", "irregular|stay"}}});
  s.push_back({EventType::PermitFee,
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
                number("amount", &E::amount, true, "", "local currency per month", 0, kBig, "Monthly patent fee."),
                number("issue_cost", &E::issue_cost, false, "0", "local currency", 0, kBig,
                       "One-off cost of obtaining the patent (medical test, translation, intermediaries)."),
                citizenships("Citizenships charged (default: every citizenship that needs a permit).")},
               true,
               false,
               true});
  s.push_back(
      {EventType::RegistrationDeadline,
       "registration_deadline",
       "Days within which an arriving EAEU worker must register, or become irregular.",
       "An arriving EAEU worker registers in time with probability `1 - exp(-days / "
       "permits.registration_mean_days)` and otherwise becomes irregular (overstay counted from arrival). Without a "
       "deadline in force every EAEU worker is registered.",
       "- type: registration_deadline\n  label: ru_registration_30_days\n  start: 2015-08-12\n  country: RU\n  "
       "days: 30\n",
       {country("Destination country setting the deadline."),
        number("days", &E::days, true, "", "days", 0, 3650, "Registration deadline after arrival.")}});
  s.push_back({EventType::EaeuAccession,
               "eaeu_accession",
               "A country joins the Eurasian Economic Union (free movement of labour among members).",
               "From `start` (until `end`, if the country leaves), citizens of a member country working in another "
               "member country need no permit or quota: they are EAEU workers subject only to registration. Patent "
               "holders of the acceding country in member countries become EAEU workers on the date. Declare every "
               "member, including destination countries.",
               "- type: eaeu_accession\n  label: kyrgyzstan_joins\n  start: 2015-08-12\n  country: KG\n",
               {country("The member country.")}});
  s.push_back({EventType::Enforcement,
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
                number("rate", &E::rate, true, "", "1/year", 0, 365, "Detection hazard of an irregular migrant."),
                number("conviction_share", &E::conviction_share, false, "0", "fraction", 0, 1,
                       "Share of detections ending in a prison term."),
                number("conviction_years", &E::conviction_years, false, "1", "years", 0, 50,
                       "Length of the prison term, during which the migrant cannot leave.")},
               true,
               false,
               true});
  s.push_back(
      {EventType::BanRule,
       "ban_rule",
       "Entry ban of N years after deportation or overstay.",
       "While the rule is in force, a migrant deported from `country` (`on: deportation`), or an irregular "
       "migrant who leaves it after at least `min_overstay_days` of irregular stay (`on: overstay`), is "
       "banned from re-entering it for `years`. Overstay rules with different `min_overstay_days` are tiers "
       "(up to 4): the one with the longest minimum that the stay reached applies, to a `share` of the leavers. A "
       "banned person who chooses "
       "that country is blocked and "
       "stays at home (`blocked_departures`).",
       "- type: ban_rule\n  label: ru_overstay_ban\n  start: 2014-01-01\n  country: RU\n  on: overstay\n"
       "  years: 3\n  min_overstay_days: 30\n",
       {country("Country imposing the ban."),
        {"on", K::Choice, &E::on, true, "", "", 0, 0, "What triggers the ban.", "deportation|overstay"},
        number("years", &E::years, true, "", "years", 0, 100, "Length of the ban."),
        number("min_overstay_days", &E::min_overstay_days, false, "0", "days", 0, 36500,
               "Overstay: irregular stay needed before a ban applies."),
        number("share", &E::share, false, "1", "fraction", 0, 1,
               "Overstay: share of the qualifying leavers who are banned (exit checks and records are "
               "incomplete: many leave by land through a third country)."),
        citizenships("Citizenships the rule applies to.")}});
  s.push_back({EventType::Amnesty,
               "amnesty",
               "Entry bans of some citizenships lifted on a date.",
               "In the step containing `start`, bans imposed by `country` on citizens of `citizenships` are "
               "lifted, each with probability `share` (the 2017-2019 and 2022 Russian amnesties cleared part of the "
               "list; court-ordered bans stayed).",
               "- type: amnesty\n  label: ru_amnesty_2022\n  start: 2022-07-27\n  country: RU\n  citizenships: [KG]\n",
               {country("Country lifting its bans."),
                {"citizenships", K::CountryList, &E::citizenships, true, "", "ISO codes", 0, 0,
                 "Citizenships whose bans are lifted."},
                number("share", &E::share, false, "1", "fraction", 0, 1, "Share of the bans lifted.")},
               false});
  s.push_back({EventType::BorderClosure,
               "border_closure",
               "Border closed between two countries, with exemptions and evacuation capacity.",
               "While in force, nobody crosses between the two countries in the directions not exempted: would-be "
               "migrants are blocked (`blocked_departures`); migrants who decide to return become stranded "
               "(`stranded`), keep paying living costs and do not work; deportations wait in detention. Each step, "
               "`evacuation_capacity` (per week, prorated to the step length) brings stranded people home in order "
               "of waiting time (ties in a seeded random order). When the border reopens the stranded return.",
               "- type: border_closure\n  label: covid_closure_ru\n  start: 2020-03-20\n  end: 2020-08-01\n"
               "  countries: [KG, RU]\n  evacuation_capacity: 2000\n",
               {{"countries", K::CountryList, &E::countries, true, "", "two ISO codes", 0, 0,
                 "The two countries whose common border closes."},
                {"exemptions", K::ChoiceList, &E::exemptions, false, "[]", "", 0, 0,
                 "Crossings still allowed: `departures` (outward from the origin country), `returns` (home), "
                 "`deportations`.",
                 "departures|returns|deportations"},
                number("evacuation_capacity", &E::evacuation_capacity, false, "0", "people per week", 0, kBig,
                       "Charter flights and buses home for stranded people.")}});
  s.push_back({EventType::ExchangeRate,
               "exchange_rate",
               "Multiplier on a currency's units per USD.",
               "Multiplies the exchange-rate table of `currency` while in force (factor > 1 weakens the currency): "
               "it changes wages in USD, remittances and the exchange-rate loss in the return hazard.",
               "- type: exchange_rate\n  label: rouble_falls\n  start: 2026-01-01\n  currency: RUB\n  factor: 1.5\n",
               {{"currency", K::Currency, &E::currency, true, "", "ISO 4217", 0, 0, "Currency affected."},
                factor("factor", &E::factor, true, "Multiplier on units of currency per USD.")}});
  s.push_back({EventType::WageShock,
               "wage_shock",
               "Multiplier on wages by destination region and sector.",
               "Multiplies the wage table of the covered regions (for the covered sectors) while in force, in the "
               "earnings of migrants and in the expected income of the destination choice. Factors of overlapping "
               "shocks multiply.",
               "- type: wage_shock\n  label: construction_slump\n  start: 2015-01-01\n  end: 2015-12-31\n"
               "  country: RU\n  sectors: [construction]\n  factor: 0.8\n",
               {scope_country("Destination country (all its regions)."), scope_regions("Destination regions covered."),
                sectors("Sectors covered."), factor("factor", &E::factor, true, "Multiplier on wages.")},
               true,
               false,
               true});
  s.push_back({EventType::LabourDemandShock,
               "labour_demand_shock",
               "Multiplier on labour demand by destination region and sector.",
               "While in force, job finding in the covered regions is multiplied by the demand factor (sectors "
               "weighted by their shares) and job loss in a covered sector is divided by it; the job chance in the "
               "destination choice moves with it. Factors of overlapping shocks multiply.",
               "- type: labour_demand_shock\n  label: covid_demand\n  start: 2020-04-01\n  end: 2020-09-30\n"
               "  country: RU\n  factor: 0.5\n",
               {scope_country("Destination country (all its regions)."), scope_regions("Destination regions covered."),
                sectors("Sectors covered."), factor("factor", &E::factor, true, "Multiplier on labour demand.")},
               true,
               false,
               true});
  s.push_back({EventType::BilateralScheme,
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
                number("places", &E::places, true, "", "people per calendar year", 0, kBig, "Places per year."),
                number("duration_months", &E::duration_months, true, "", "months", 0.25, 120, "Length of a stay."),
                citizenships("Citizenships eligible."),
                {"sector", K::SectorName, &E::sector, false, "first sector", "sector name", 0, 0,
                 "Sector of the scheme's jobs."},
                number("application_rate", &E::application_rate, false, "0.05", "1/year", 0, 365,
                       "Hazard with which an eligible person at home applies."),
                number("overstay_share", &E::overstay_share, false, "0", "fraction", 0, 1,
                       "Share of workers who stay on irregularly at the end of the stay."),
                number("travel_cost_usd", &E::travel_cost_usd, false, "0", "USD", 0, kBig,
                       "Travel cost paid by the worker (employer-paid: 0).")}});
  s.push_back({EventType::NaturalisationRule,
               "naturalisation_rule",
               "Legal residents acquire citizenship.",
               "While in force, legal residents (EAEU workers, permit holders and residents of countries without a "
               "permit regime) of the covered citizenships who have "
               "been abroad at least `min_years` naturalise at the annual hazard `rate`. Naturalised people stay "
               "where they are and leave the migrant population; they are reported with status `naturalised`.",
               "- type: naturalisation_rule\n  label: ru_citizenship\n  start: 2010-01-01\n  country: RU\n"
               "  rate: 0.03\n  min_years: 3\n",
               {country("Country granting citizenship."),
                number("rate", &E::rate, true, "", "1/year", 0, 365, "Naturalisation hazard of an eligible resident."),
                number("min_years", &E::min_years, false, "0", "years", 0, 100, "Time abroad needed before."),
                citizenships("Citizenships covered.")}});
  s.push_back(
      {EventType::ReintegrationProgramme,
       "reintegration_programme",
       "Support for returnees that lowers re-migration.",
       "Multiplies the departure hazard of returnees (people at home who have migrated before) from the "
       "covered origin regions while in force.",
       "- type: reintegration_programme\n  label: migrant_ishker\n  start: 2019-01-01\n  end: 2019-12-31\n"
       "  regions: [osh_oblast]\n  remigration_factor: 0.9\n",
       {{"regions", K::RegionList, &E::regions, false, "all origins", "origin region names", 0, 0,
         "Origin regions covered."},
        factor("remigration_factor", &E::remigration_factor, true, "Multiplier on returnees' departure hazard.")}});
  s.push_back(
      {EventType::HomeInvestment,
       "home_investment",
       "Home-region wage or job uplift.",
       "Multiplies wages and unemployment of the covered origin regions in the home utility of the "
       "departure decision while in force.",
       "- type: home_investment\n  label: decree_4\n  start: 2021-01-29\n  regions: [batken]\n"
       "  wage_factor: 1.05\n  unemployment_factor: 0.9\n",
       {{"regions", K::RegionList, &E::regions, true, "", "origin region names", 0, 0, "Origin regions covered."},
        factor("wage_factor", &E::wage_factor, false, "Multiplier on home wages."),
        factor("unemployment_factor", &E::unemployment_factor, false, "Multiplier on home unemployment.")}});
  s.push_back(
      {EventType::ReturnShock,
       "return_shock",
       "Multiplier on the return hazard (and departures) of citizens in one destination country.",
       "While in force, the return hazard of migrants of the covered citizenships in `country` is multiplied "
       "by `return_factor`, and their departures towards `country` by `departure_factor` (the other "
       "destinations' shares rise accordingly).",
       "- type: return_shock\n  label: mobilisation_fear\n  start: 2022-09-21\n  end: 2022-12-31\n"
       "  country: RU\n  citizenships: [KG]\n  return_factor: 3\n  departure_factor: 0.5\n",
       {country("Destination country."),
        {"citizenships", K::CountryList, &E::citizenships, true, "", "ISO codes", 0, 0, "Citizenships affected."},
        factor("return_factor", &E::return_factor, false, "Multiplier on the return hazard."),
        factor("departure_factor", &E::departure_factor, false, "Multiplier on departures to `country`.")}});
  s.push_back(
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
        number("share", &E::share, true, "", "fraction", 0, 1,
               "Share of the region's people at home displaced over the period."),
        {"to", K::Region, &E::to, false, "", "origin region name", 0, 0,
         "Receiving origin region (required unless `abroad_share` is 1)."},
        number("abroad_share", &E::abroad_share, false, "0", "fraction", 0, 1,
               "Share of the displaced who leave the country."),
        factor("return_factor", &E::return_factor, false, "Return hazard multiplier for the region's migrants.")},
       true,
       true});
  return s;
}

}  // namespace

std::span<const EventTypeSpec> event_schema() {
  static const std::vector<EventTypeSpec> schema = build_schema();
  return schema;
}

const EventTypeSpec& event_spec(EventType type) {
  for (const auto& spec : event_schema())
    if (spec.type == type) return spec;
  return event_schema().front();  // unreachable: every type has a spec
}

const EventTypeSpec* find_event_type(std::string_view name) {
  for (const auto& spec : event_schema())
    if (spec.name == name) return &spec;
  return nullptr;
}

std::string event_reference_markdown() {
  std::ostringstream out;
  out << "Every event has `type`, `start` (date) and optionally `label` (a unique identifier `[a-z0-9_]+`; default "
         "`<type>_<position>`), `source` (a citation) and, except where noted, `end` (inclusive; omitted = "
         "open-ended). An event is in force during a step if its period overlaps the step. Where several events "
         "of one level type (quota, fee, deadline, enforcement, ban rule, naturalisation) cover the same case, the "
         "one later in the list wins; factors of shocks multiply. A misspelt or misplaced field is an error.\n\n";
  for (const auto& spec : event_schema()) {
    out << "### `" << spec.name << "`\n\n" << spec.summary << "\n\n" << spec.mechanics << "\n\n";
    if (spec.country_or_regions) out << "Give either `country` (all its destination regions) or `regions`.\n\n";
    if (!spec.has_end)
      out << "No `end`: the event happens once, in the step containing `start`.\n\n";
    else if (spec.end_required)
      out << "`end` is required.\n\n";
    out << "| field | required | default | unit | description |\n|---|---|---|---|---|\n";
    for (const auto& f : spec.fields) {
      std::string description(f.description);
      if (!f.choices.empty()) {
        std::string choices(f.choices);
        for (auto& c : choices)
          if (c == '|') c = ',';
        description += " One of: " + choices + ".";
      }
      out << "| `" << f.name << "` | " << (f.required ? "yes" : "no") << " | "
          << (f.default_text.empty() ? "" : "`" + std::string(f.default_text) + "`") << " | " << f.unit << " | "
          << description << " |\n";
    }
    out << "\nExample:\n\n```yaml\n" << spec.example << "```\n\n";
  }
  return out.str();
}

}  // namespace migsim
