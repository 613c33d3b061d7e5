// border_closure: crossings blocked between two countries, and evacuation of the stranded.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;
using K = FieldKind;

std::string check(const Event& e, const Scenario&) {
  if (e.country_indices.size() != 2 || e.country_indices[0] == e.country_indices[1]) {
    std::string found;
    for (const auto& code : e.countries) found += (found.empty() ? "" : ", ") + code;
    return "countries: expected two different country codes, found [" + found + "]";
  }
  // A schedule entry before evacuation_from would never act: say so rather than ignore it.
  if (e.evacuation_from && !e.evacuation_schedule.empty() && e.evacuation_schedule.front().from < *e.evacuation_from)
    return "evacuation_schedule[0].from: expected a date on or after evacuation_from (" + e.evacuation_from->iso() +
           "), found " + e.evacuation_schedule.front().from.iso();
  if (e.evacuation_until && !e.end)
    return "evacuation_until: expected a closure with an end (the day it reopens), found none";
  return "";
}

/// The last day the closure acts: its end, or the last day of evacuation if that is later (the
/// seats then serve those still stranded after the border reopened). None: in force for good.
std::optional<Date> last_day_acting(const Event& e) {
  if (!e.end || !e.evacuation_until) return e.end;
  return std::max(*e.end, *e.evacuation_until);
}

/// The weekly evacuation capacity on `date`: none before evacuation_from, then the last schedule
/// step from on or before it, else evacuation_capacity.
double evacuation_capacity(const Event& e, Date date) {
  if (e.evacuation_from && date < *e.evacuation_from) return 0;
  if (const std::optional<Date> last = last_day_acting(e); last && *last < date) return 0;
  double capacity = e.evacuation_capacity;
  for (const auto& step : e.evacuation_schedule)
    if (!(date < step.from)) capacity = step.capacity;
  return capacity;
}

void compile(const Event& e, StepCompilation& c) {
  PolicyTables& t = c.tables;
  const auto a = static_cast<std::size_t>(e.country_indices[0]), b = static_cast<std::size_t>(e.country_indices[1]);
  std::uint8_t flags = 0;
  if (e.overlaps(c.from, c.until)) {  // else only the evacuation after the re-opening
    if (!e.exemptions.departures) flags |= kDeparturesBlocked;
    if (!e.exemptions.returns) flags |= kReturnsBlocked;
    if (!e.exemptions.deportations) flags |= kDeportationsBlocked;
  }
  int pool = -1;
  if (const double capacity = evacuation_capacity(e, c.from); capacity > 0) {
    pool = static_cast<int>(t.evacuations.size());
    t.evacuations.push_back({c.event, capacity * c.days / 7.0, 0});
  }
  const std::size_t nD = c.nD();
  for (std::size_t o = 0; o < c.nO(); ++o)
    for (std::size_t d = 0; d < nD; ++d) {
      const std::size_t co = c.origin_country(o), cd = c.sc.destinations[d].country;
      if (!((co == a && cd == b) || (co == b && cd == a))) continue;
      t.crossing[o * nD + d] |= flags;
      if (pool >= 0) t.evacuation[o * nD + d] = static_cast<std::int16_t>(pool);
    }
}

}  // namespace

EventKind border_closure_kind() {
  EventKind kind{
      {EventType::BorderClosure,
       "border_closure",
       "Border closed between two countries, with exemptions and evacuation capacity.",
       "While in force, nobody crosses between the two countries in the directions not exempted: would-be "
       "migrants are blocked (`blocked_departures`); migrants who decide to return wait for the border if "
       "employed or with savings to wait (`behaviour.return.closure_hold_out_weeks`), and the others become "
       "stranded (`stranded`), keep paying living costs and do not work; deportations wait in detention. Each step, "
       "`evacuation_capacity` (per week, prorated to the step length) brings stranded people home in order "
       "of waiting time (ties in a seeded random order), from `evacuation_from` on (organising the first "
       "flights and buses takes weeks); `evacuation_schedule` changes the capacity from given dates on (flights "
       "and buses organised week by week), to the closure's end or the later `evacuation_until`. When the border "
       "reopens the stranded go home over the following weeks (`behaviour.return.reopening_rate`), and those "
       "who do not keep their place in the queue while the evacuation lasts.",
       "- type: border_closure\n  label: covid_closure_ru\n  start: 2020-03-20\n  end: 2020-08-01\n"
       "  countries: [KG, RU]\n  evacuation_capacity: 2000\n",
       {{"countries", K::CountryList, &E::countries, true, "", "two ISO codes", 0, 0,
         "The two countries whose common border closes."},
        {"exemptions", K::ChoiceList, &E::exemptions, false, "[]", "", 0, 0,
         "Crossings still allowed: `departures` (outward from the origin country), `returns` (home), "
         "`deportations`.",
         "departures|returns|deportations"},
        number_field("evacuation_capacity", &E::evacuation_capacity, false, "0", "people per week", 0, kBig,
                     "Charter flights and buses home for stranded people."),
        {"evacuation_from", K::OptionalDate, &E::evacuation_from, false, "", "", 0, 0,
         "The first day of organised evacuation (from the first step that starts on or after it); before it "
         "nobody is evacuated, so the stranded queue. Without it evacuation runs from the closure's start. A "
         "planner's what-if on the size of the airlift changes `evacuation_capacity` and keeps this date."},
        {"evacuation_until", K::OptionalDate, &E::evacuation_until, false, "", "", 0, 0,
         "The last day of organised evacuation if the border reopens before it (the steps that start on or "
         "before it): after the closure's end the seats keep serving those stranded during it (who otherwise go "
         "home at `behaviour.return.reopening_rate`), so a closure shortened in a what-if does not leave its "
         "stranded without seats. Evacuation lasts to the end or to this day, whichever is later (a longer "
         "closure keeps its airlift; to stop it early, an `evacuation_schedule` entry of capacity 0). Without "
         "it evacuation ends with the closure. Needs an `end`."},
        {"evacuation_schedule", K::Schedule, &E::evacuation_schedule, false, "", "people per week", 0, kBig,
         "The evacuation capacity from each date on (from the first step that starts on or after it), as a "
         "list of `{from: DATE, capacity: N}` with dates increasing, none before `evacuation_from`; before the "
         "first date `evacuation_capacity` applies. Evacuations that build up "
         "over weeks, e.g. `[{from: 2020-04-10, capacity: 500}, {from: 2020-05-15, capacity: 2500}]`."}}}};
  kind.check = check;
  kind.compile = compile;
  kind.last_day_acting = last_day_acting;
  return kind;
}

}  // namespace migsim::detail
