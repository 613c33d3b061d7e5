// ban_rule and amnesty: entry bans after deportation or overstay, and their lifting.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;
using K = FieldKind;

/// Rules with the same minimum overstay replace each other (the later wins); distinct minimums
/// form tiers, kept in ascending order. A rule beyond kOverstayTiers tiers pushes out the one with
/// the smallest minimum.
void add_overstay_tier(OverstayTier* tiers, std::int32_t min_days, std::int32_t ban_days, Threshold share) {
  std::size_t used = 0;
  while (used < kOverstayTiers && tiers[used].ban_days > 0) ++used;
  for (std::size_t i = 0; i < used; ++i)
    if (tiers[i].min_days == min_days) {
      tiers[i].ban_days = ban_days;
      tiers[i].share = share;
      return;
    }
  if (used == kOverstayTiers) {
    std::copy(tiers + 1, tiers + kOverstayTiers, tiers);
    --used;
  }
  tiers[used] = {min_days, ban_days, share};
  std::sort(tiers, tiers + used + 1, [](const auto& a, const auto& b) { return a.min_days < b.min_days; });
}

void compile_ban_rule(const Event& e, StepCompilation& c) {
  const int found = c.ban_slot(static_cast<std::size_t>(e.country_index));
  if (found < 0) return;  // a country given ban rules after the start has no slot (checked by add_event)
  PolicyTables& t = c.tables;
  const auto slot = static_cast<std::size_t>(found);
  for (std::size_t o = 0; o < c.nO(); ++o) {
    if (!covers_citizen(e, c.origin_country(o))) continue;
    const auto ban_days = static_cast<std::int32_t>(std::lround(e.years * kDaysPerYear));
    if (e.on == BanTrigger::Deportation) {
      t.deportation_ban_days[o * t.ban_slots + slot] = ban_days;
    } else {
      add_overstay_tier(&t.overstay[(o * t.ban_slots + slot) * kOverstayTiers],
                        static_cast<std::int32_t>(std::lround(e.min_overstay_days)), ban_days, to_threshold(e.share));
    }
  }
}

void compile_amnesty(const Event& e, StepCompilation& c) {
  const int slot = c.ban_slot(static_cast<std::size_t>(e.country_index));
  if (slot < 0) return;  // the country never bans anyone
  PolicyTables& t = c.tables;
  for (std::size_t o = 0; o < c.nO(); ++o)
    if (covers_citizen(e, c.origin_country(o))) {
      t.amnesty[o * t.ban_slots + static_cast<std::size_t>(slot)] = to_threshold(e.share);
      t.any_amnesty = true;
    }
}

}  // namespace

EventKind ban_rule_kind() {
  EventKind kind{
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
       {required_country("Country imposing the ban."),
        {"on", K::Choice, &E::on, true, "", "", 0, 0, "What triggers the ban.", "deportation|overstay"},
        number_field("years", &E::years, true, "", "years", 0, 100, "Length of the ban."),
        number_field("min_overstay_days", &E::min_overstay_days, false, "0", "days", 0, 36500,
                     "Overstay: irregular stay needed before a ban applies."),
        number_field("share", &E::share, false, "1", "fraction", 0, 1,
                     "Overstay: share of the qualifying leavers who are banned (exit checks and records are "
                     "incomplete: many leave by land through a third country)."),
        citizenships_field("Citizenships the rule applies to.")}}};
  kind.compile = compile_ban_rule;
  kind.keeps_ban_record = true;
  return kind;
}

EventKind amnesty_kind() {
  EventKind kind{
      {EventType::Amnesty,
       "amnesty",
       "Entry bans of some citizenships lifted on a date.",
       "In the step containing `start`, bans imposed by `country` on citizens of `citizenships` are "
       "lifted, each with probability `share` (the 2017-2019 and 2022 Russian amnesties cleared part of the "
       "list; court-ordered bans stayed).",
       "- type: amnesty\n  label: ru_amnesty_2022\n  start: 2022-07-27\n  country: RU\n  citizenships: [KG]\n",
       {required_country("Country lifting its bans."),
        {"citizenships", K::CountryList, &E::citizenships, true, "", "ISO codes", 0, 0,
         "Citizenships whose bans are lifted."},
        number_field("share", &E::share, false, "1", "fraction", 0, 1, "Share of the bans lifted.")},
       false}};
  kind.compile = compile_amnesty;
  return kind;
}

}  // namespace migsim::detail
