#include "events/policies.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace migsim::detail {
namespace {

constexpr double kDaysPerYear = 365.25;
constexpr double kDaysPerMonth = kDaysPerYear / 12.0;

bool contains(const std::vector<int>& items, std::size_t value) {
  return std::find(items.begin(), items.end(), static_cast<int>(value)) != items.end();
}

/// The items sorted and joined: the same scope written in another order is the same scope.
std::string join_ints(std::vector<int> items) {
  std::sort(items.begin(), items.end());
  std::string out;
  for (int i : items) out += std::to_string(i) + ",";
  return out;
}

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

}  // namespace

Threshold to_threshold(double p) {
  if (!(p > 0)) return 0;
  if (p >= 1) return std::numeric_limits<Threshold>::max();
  return static_cast<Threshold>(p * 4294967296.0);
}

double step_probability(double rate, double days) { return -std::expm1(-rate * days / kDaysPerYear); }

Policies::Policies(const Scenario& sc) : sc_(sc) {
  for (const auto& e : sc.events)
    if (e.type == EventType::BanRule && std::find(ban_country_.begin(), ban_country_.end(),
                                                  static_cast<std::size_t>(e.country_index)) == ban_country_.end())
      ban_country_.push_back(static_cast<std::size_t>(e.country_index));
}

int Policies::ban_slot(std::size_t country) const {
  auto it = std::find(ban_country_.begin(), ban_country_.end(), country);
  return it == ban_country_.end() ? -1 : static_cast<int>(it - ban_country_.begin());
}

std::size_t Policies::counter(const std::string& key, int year) {
  auto [it, added] = counter_index_.try_emplace(key, counters_.size());
  if (added) counters_.push_back({});
  YearCount& c = counters_[it->second];
  if (c.year != year) c = {year, 0};
  return it->second;
}

int Policies::count_year(Date from, const Event& e) {
  // A step that starts in December but overlaps an event starting on 1 January counts in the
  // event's year, so a one-year quota is never drawn on twice.
  return std::max(from, e.start).year();
}

bool Policies::member(std::size_t country, Date from, Date until) const {
  bool in = false;
  for (const auto& e : sc_.events)
    if (e.type == EventType::EaeuAccession && e.country_index == static_cast<int>(country) && e.overlaps(from, until))
      in = true;
  return in;
}

bool Policies::covers_destination(const Event& e, std::size_t d) const {
  const auto& dest = sc_.destinations[d];
  if (!e.location_indices.empty()) return contains(e.location_indices, sc_.n_origins() + d);
  return e.country_index < 0 || static_cast<int>(dest.country) == e.country_index;
}

bool Policies::covers_citizen(const Event& e, std::size_t country) {
  return e.citizenship_indices.empty() || contains(e.citizenship_indices, country);
}

EntryRoute Policies::route(std::size_t o, std::size_t d, Date from, Date until) const {
  const std::size_t co = sc_.origins[o].country, cd = sc_.destinations[d].country;
  if (co == cd) return EntryRoute::Free;
  if (member(co, from, until) && member(cd, from, until)) return EntryRoute::Eaeu;
  for (const auto& e : sc_.events)
    if ((e.type == EventType::PermitFee || e.type == EventType::Quota) && e.overlaps(from, until) &&
        covers_destination(e, d) && covers_citizen(e, co))
      return EntryRoute::Permit;
  return EntryRoute::Free;
}

double Policies::currency_factor(std::size_t currency, Date date) const {
  double f = 1;
  for (const auto& e : sc_.events)
    if (e.type == EventType::ExchangeRate && e.currency_index == static_cast<int>(currency) &&
        e.overlaps(date, date.add_days(1)))
      f *= e.factor;
  return f;
}

std::vector<std::uint8_t> Policies::in_force(Date from, Date until) const {
  std::vector<std::uint8_t> flags;
  flags.reserve(sc_.events.size());
  for (const auto& e : sc_.events) {
    const bool once = !event_spec(e.type).has_end;
    flags.push_back(once ? (from <= e.start && e.start < until) : e.overlaps(from, until));
  }
  return flags;
}

Modifiers Policies::modifiers(Date from, Date until, const PolicyTables& tables) const {
  const std::size_t nO = sc_.n_origins(), nD = sc_.n_destinations(), nS = sc_.sectors.size();
  Modifiers m;
  m.wage.assign(nD * nS, 1.0);
  m.demand.assign(nD * nS, 1.0);
  m.home_wage.assign(nO, 1.0);
  m.home_unemployment.assign(nO, 1.0);
  m.return_factor.assign(nO * nD, 1.0);
  m.departure_factor.assign(nO * nD, 1.0);
  m.remigration.assign(nO, 1.0);
  for (const auto& e : sc_.events) {
    if (!e.overlaps(from, until)) continue;
    switch (e.type) {
      case EventType::WageShock:
      case EventType::LabourDemandShock: {
        auto& target = e.type == EventType::WageShock ? m.wage : m.demand;
        for (std::size_t d = 0; d < nD; ++d)
          if (covers_destination(e, d))
            for (std::size_t s = 0; s < nS; ++s)
              if (e.sector_indices.empty() || contains(e.sector_indices, s)) target[d * nS + s] *= e.factor;
        break;
      }
      case EventType::HomeInvestment:
        for (int l : e.location_indices) {
          m.home_wage[static_cast<std::size_t>(l)] *= e.wage_factor;
          m.home_unemployment[static_cast<std::size_t>(l)] *= e.unemployment_factor;
        }
        break;
      case EventType::ReturnShock:
        for (std::size_t o = 0; o < nO; ++o)
          if (covers_citizen(e, sc_.origins[o].country))
            for (std::size_t d = 0; d < nD; ++d)
              if (static_cast<int>(sc_.destinations[d].country) == e.country_index) {
                m.return_factor[o * nD + d] *= e.return_factor;
                m.departure_factor[o * nD + d] *= e.departure_factor;
              }
        break;
      case EventType::Displacement:
        for (std::size_t d = 0; d < nD; ++d)
          m.return_factor[static_cast<std::size_t>(e.location_index) * nD + d] *= e.return_factor;
        break;
      case EventType::ReintegrationProgramme:
        for (std::size_t o = 0; o < nO; ++o)
          if (e.location_indices.empty() || contains(e.location_indices, o)) m.remigration[o] *= e.remigration_factor;
        break;
      default:
        break;
    }
  }
  m.fee_usd_month = tables.fee_usd_month;  // resolved once, by compute
  return m;
}

void Policies::compute(Date from, Date until, std::int32_t step_days, double scale, PolicyTables& t) {
  const auto& p = sc_.params;
  const std::size_t nO = sc_.n_origins(), nD = sc_.n_destinations(), nS = sc_.sectors.size();
  const double days = step_days;

  t.route.assign(nO * nD, EntryRoute::Free);
  t.registration.assign(nO * nD, std::numeric_limits<Threshold>::max());
  t.uptake.assign(nO * nD, std::numeric_limits<Threshold>::max());
  t.fee_usd.assign(nO * nD, 0.0f);
  t.fee_usd_month.assign(nO * nD, 0.0);
  t.issue_cost_usd.assign(nO * nD, 0.0f);
  t.quota_pool.assign(nO * nD * nS, -1);
  t.pools.clear();
  t.crossing.assign(nO * nD, 0);
  t.evacuation.assign(nO * nD, -1);
  t.evacuations.clear();
  t.naturalise.assign(nO * nD, 0);
  t.naturalise_min_days.assign(nO * nD, 0);
  t.detection.assign(nD, to_threshold(step_probability(p.base_detection_rate, days)));
  t.conviction.assign(nD, 0);
  t.conviction_days.assign(nD, 0);
  t.ban_slots = ban_slots();
  t.ban_country = ban_country_;
  t.ban_slot_of_destination.assign(nD, -1);
  for (std::size_t d = 0; d < nD; ++d)
    t.ban_slot_of_destination[d] = static_cast<std::int16_t>(ban_slot(sc_.destinations[d].country));
  t.deportation_ban_days.assign(nO * t.ban_slots, 0);
  t.overstay.assign(nO * t.ban_slots * kOverstayTiers, OverstayTier{});
  t.amnesty.assign(nO * t.ban_slots, 0);
  t.any_amnesty = false;
  t.displacement.assign(nO, 0);
  t.displaced_abroad.assign(nO, 0);
  t.displaced_to.assign(nO, 0);
  t.displacement_active.assign(nO, 0);
  for (std::size_t o = 0; o < nO; ++o) t.displaced_to[o] = static_cast<std::uint8_t>(o);
  t.schemes.clear();
  t.detention_days = static_cast<std::int32_t>(std::lround(p.detention_days));
  t.permit_validity_days = static_cast<std::int32_t>(std::lround(p.permit_validity_months * kDaysPerMonth));
  t.lapse = to_threshold(step_probability(p.permit_lapse_rate, days));
  t.regularise = to_threshold(step_probability(p.regularisation_rate, days));
  t.irregular_wage_factor = static_cast<float>(p.irregular_wage_factor);

  for (std::size_t o = 0; o < nO; ++o)
    for (std::size_t d = 0; d < nD; ++d) t.route[o * nD + d] = route(o, d, from, until);

  std::map<std::string, std::size_t> pool_of_scope;
  for (std::size_t k = 0; k < sc_.events.size(); ++k) {
    const Event& e = sc_.events[k];
    const bool once = !event_spec(e.type).has_end;
    if (once ? !(from <= e.start && e.start < until) : !e.overlaps(from, until)) continue;
    switch (e.type) {
      case EventType::RegistrationDeadline: {
        const auto threshold = to_threshold(1.0 - std::exp(-e.days / p.registration_mean_days));
        for (std::size_t o = 0; o < nO; ++o)
          for (std::size_t d = 0; d < nD; ++d)
            if (static_cast<int>(sc_.destinations[d].country) == e.country_index)
              t.registration[o * nD + d] = threshold;
        break;
      }
      case EventType::PermitFee:
        for (std::size_t o = 0; o < nO; ++o)
          for (std::size_t d = 0; d < nD; ++d) {
            const std::size_t od = o * nD + d;
            if (t.route[od] != EntryRoute::Permit || !covers_destination(e, d) ||
                !covers_citizen(e, sc_.origins[o].country))
              continue;
            const std::size_t loc = nO + d;
            const auto currency = sc_.currency_of_location(loc);
            const double per_usd = sc_.per_usd[currency].at(from) * currency_factor(currency, from);
            const double migrant_wage = sc_.wages[loc].at(from) * p.migrant_wage_ratio;
            t.fee_usd_month[od] = e.amount / per_usd;
            t.fee_usd[od] = static_cast<float>(t.fee_usd_month[od] * days / kDaysPerMonth);
            t.issue_cost_usd[od] = static_cast<float>(e.issue_cost / per_usd);
            t.uptake[od] = to_threshold(std::exp(-p.permit_fee_sensitivity * e.amount / migrant_wage));
          }
        break;
      case EventType::Quota: {
        const std::string scope = std::to_string(e.country_index) + "|" + join_ints(e.location_indices) + "|" +
                                  join_ints(e.sector_indices) + "|" + join_ints(e.citizenship_indices);  // sorted lists
        auto [it, added] = pool_of_scope.try_emplace(scope, t.pools.size());
        if (added) t.pools.push_back({0, static_cast<std::size_t>(e.country_index), 0, {}});
        QuotaPool& pool = t.pools[it->second];
        pool.key = counter("quota:" + scope, count_year(from, e));
        const auto limit = static_cast<std::int64_t>(std::floor(e.limit / scale));
        pool.remaining = std::max<std::int64_t>(0, limit - counters_[pool.key].used);
        pool.on_refusal = e.on_refusal;
        for (std::size_t o = 0; o < nO; ++o)
          for (std::size_t d = 0; d < nD; ++d) {
            const std::size_t od = o * nD + d;
            if (t.route[od] != EntryRoute::Permit || static_cast<int>(sc_.destinations[d].country) != e.country_index ||
                !covers_destination(e, d) || !covers_citizen(e, sc_.origins[o].country))
              continue;
            for (std::size_t s = 0; s < nS; ++s)
              if (e.sector_indices.empty() || contains(e.sector_indices, s))
                t.quota_pool[od * nS + s] = static_cast<std::int16_t>(it->second);
          }
        break;
      }
      case EventType::BorderClosure: {
        const auto a = static_cast<std::size_t>(e.country_indices[0]),
                   b = static_cast<std::size_t>(e.country_indices[1]);
        std::uint8_t flags = 0;
        if (!e.exemptions.departures) flags |= kDeparturesBlocked;
        if (!e.exemptions.returns) flags |= kReturnsBlocked;
        if (!e.exemptions.deportations) flags |= kDeportationsBlocked;
        int pool = -1;
        if (e.evacuation_capacity > 0) {
          pool = static_cast<int>(t.evacuations.size());
          t.evacuations.push_back({k, e.evacuation_capacity * days / 7.0, 0});
        }
        for (std::size_t o = 0; o < nO; ++o)
          for (std::size_t d = 0; d < nD; ++d) {
            const std::size_t co = sc_.origins[o].country, cd = sc_.destinations[d].country;
            if (!((co == a && cd == b) || (co == b && cd == a))) continue;
            t.crossing[o * nD + d] |= flags;
            if (pool >= 0) t.evacuation[o * nD + d] = static_cast<std::int16_t>(pool);
          }
        break;
      }
      case EventType::NaturalisationRule:
        for (std::size_t o = 0; o < nO; ++o)
          for (std::size_t d = 0; d < nD; ++d)
            if (static_cast<int>(sc_.destinations[d].country) == e.country_index &&
                covers_citizen(e, sc_.origins[o].country)) {
              t.naturalise[o * nD + d] = to_threshold(step_probability(e.rate, days));
              t.naturalise_min_days[o * nD + d] = static_cast<std::int32_t>(std::lround(e.min_years * kDaysPerYear));
            }
        break;
      case EventType::Enforcement:
        for (std::size_t d = 0; d < nD; ++d)
          if (covers_destination(e, d)) {
            t.detection[d] = to_threshold(step_probability(e.rate, days));
            t.conviction[d] = to_threshold(e.conviction_share);
            t.conviction_days[d] = static_cast<std::int32_t>(std::lround(e.conviction_years * kDaysPerYear));
          }
        break;
      case EventType::BanRule: {
        const int found = ban_slot(static_cast<std::size_t>(e.country_index));
        if (found < 0) break;  // a country given ban rules after the start has no slot (checked by add_event)
        const auto slot = static_cast<std::size_t>(found);
        for (std::size_t o = 0; o < nO; ++o) {
          if (!covers_citizen(e, sc_.origins[o].country)) continue;
          const auto ban_days = static_cast<std::int32_t>(std::lround(e.years * kDaysPerYear));
          if (e.on == BanTrigger::Deportation) {
            t.deportation_ban_days[o * t.ban_slots + slot] = ban_days;
          } else {
            add_overstay_tier(&t.overstay[(o * t.ban_slots + slot) * kOverstayTiers],
                              static_cast<std::int32_t>(std::lround(e.min_overstay_days)), ban_days,
                              to_threshold(e.share));
          }
        }
        break;
      }
      case EventType::Amnesty: {
        const int slot = ban_slot(static_cast<std::size_t>(e.country_index));
        if (slot < 0) break;  // the country never bans anyone
        for (std::size_t o = 0; o < nO; ++o)
          if (covers_citizen(e, sc_.origins[o].country)) {
            t.amnesty[o * t.ban_slots + static_cast<std::size_t>(slot)] = to_threshold(e.share);
            t.any_amnesty = true;
          }
        break;
      }
      case EventType::Displacement: {
        const auto o = static_cast<std::size_t>(e.location_index);
        const double period = static_cast<double>(*e.end - e.start + 1);
        const double p_step = 1.0 - std::pow(1.0 - e.share, std::min(1.0, days / period));
        t.displacement[o] = to_threshold(p_step);
        t.displaced_abroad[o] = to_threshold(e.abroad_share);
        if (e.to_index >= 0) t.displaced_to[o] = static_cast<std::uint8_t>(e.to_index);
        t.displacement_active[o] = 1;
        break;
      }
      case EventType::BilateralScheme: {
        SchemeStep s;
        s.key = counter("scheme:" + e.label, count_year(from, e));
        s.destination = static_cast<std::size_t>(e.location_index) - nO;
        s.remaining =
            std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(e.places / scale)) - counters_[s.key].used);
        s.duration_days = static_cast<std::int32_t>(std::lround(e.duration_months * kDaysPerMonth));
        s.sector = e.sector_index >= 0 ? static_cast<unsigned>(e.sector_index) : 0u;
        s.travel_cost_usd = static_cast<float>(e.travel_cost_usd);
        s.overstay = to_threshold(e.overstay_share);
        t.schemes.push_back(s);
        break;
      }
      default:
        break;
    }
  }
  t.scheme_overstay.assign(nD, 0);
  for (const auto& e : sc_.events)
    if (e.type == EventType::BilateralScheme)
      t.scheme_overstay[static_cast<std::size_t>(e.location_index) - nO] = to_threshold(e.overstay_share);

  // Scheme applications: cumulative probabilities over the schemes an origin is eligible for.
  const std::size_t nK = t.schemes.size();
  t.scheme_apply.assign(nO * nK, 0);
  if (nK > 0) {
    std::size_t k = 0;
    std::vector<double> cumulative(nO, 0.0);
    for (const auto& e : sc_.events) {
      if (e.type != EventType::BilateralScheme || !e.overlaps(from, until)) continue;
      for (std::size_t o = 0; o < nO; ++o) {
        if (covers_citizen(e, sc_.origins[o].country) && t.schemes[k].remaining > 0)
          cumulative[o] = std::min(1.0, cumulative[o] + step_probability(e.application_rate, days));
        t.scheme_apply[o * nK + k] = to_threshold(cumulative[o]);
      }
      ++k;
    }
  }
}

void Policies::grant_evacuation_credit(PolicyTables& t, double scale) {
  evacuation_credit_.resize(sc_.events.size(), 0.0);
  std::vector<double> next(sc_.events.size(), 0.0);  // credit does not outlive its closure
  for (auto& pool : t.evacuations) {
    next[pool.event] = evacuation_credit_[pool.event] + pool.people_per_step;
    pool.capacity = static_cast<std::int64_t>(std::floor(next[pool.event] / scale));
  }
  evacuation_credit_ = std::move(next);
}

void Policies::record_permits(const QuotaPool& pool, std::int64_t agents) { counters_[pool.key].used += agents; }

void Policies::record_scheme(const SchemeStep& scheme, std::int64_t agents) { counters_[scheme.key].used += agents; }

void Policies::record_evacuations(const EvacuationPool& pool, double scale) {
  // Unused seats of a step are lost; only the fraction of an agent is carried over.
  evacuation_credit_[pool.event] -= static_cast<double>(pool.capacity) * scale;
}

}  // namespace migsim::detail
