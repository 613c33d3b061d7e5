#include "events/policies.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "events/kind.hpp"

namespace migsim::detail {

Threshold to_threshold(double p) {
  if (!(p > 0)) return 0;
  if (p >= 1) return std::numeric_limits<Threshold>::max();
  return static_cast<Threshold>(p * 4294967296.0);
}

double step_probability(double rate, double days) { return -std::expm1(-rate * days / kDaysPerYear); }

namespace {

/// Whether an event with an end is compiled in the step [from, until): from its start to its end, or
/// to the kind's last day acting if the kind has one.
bool acts_in(const Event& e, const EventKind& kind, Date from, Date until) {
  const std::optional<Date> last = kind.last_day_acting ? kind.last_day_acting(e) : e.end;
  return e.start < until && (!last || !(*last < from));
}

}  // namespace

std::size_t YearCounters::counter(const std::string& key, int year) {
  auto [it, added] = index_.try_emplace(key, counts_.size());
  if (added) counts_.push_back({});
  YearCount& c = counts_[it->second];
  if (c.year != year) c = {year, 0};
  return it->second;
}

std::vector<YearCounters::Entry> YearCounters::entries() const {
  std::vector<Entry> out(counts_.size());
  for (const auto& [key, index] : index_) out[index] = {key, counts_[index].year, counts_[index].used};
  return out;
}

void YearCounters::restore(const std::vector<Entry>& entries) {
  index_.clear();
  counts_.clear();
  for (const Entry& e : entries) {
    index_.emplace(e.key, counts_.size());
    counts_.push_back({e.year, e.used});
  }
}

int count_year(Date from, const Event& e) { return std::max(from, e.start).year(); }

Policies::Policies(const Scenario& sc) : sc_(sc) {
  for (const auto& e : sc.events)
    if (event_kind(e.type).keeps_ban_record &&
        std::find(ban_country_.begin(), ban_country_.end(), static_cast<std::size_t>(e.country_index)) ==
            ban_country_.end())
      ban_country_.push_back(static_cast<std::size_t>(e.country_index));
}

const std::vector<const EventKind*>& Policies::kinds() const {
  for (std::size_t k = kinds_.size(); k < sc_.events.size(); ++k) kinds_.push_back(&event_kind(sc_.events[k].type));
  return kinds_;
}

int Policies::ban_slot(std::size_t country) const {
  auto it = std::find(ban_country_.begin(), ban_country_.end(), country);
  return it == ban_country_.end() ? -1 : static_cast<int>(it - ban_country_.begin());
}

bool Policies::member(std::size_t country, Date from, Date until) const {
  bool in = false;
  const auto& kind = kinds();
  for (std::size_t k = 0; k < sc_.events.size(); ++k) {
    const Event& e = sc_.events[k];
    if (kind[k]->union_membership && e.country_index == static_cast<int>(country) && e.overlaps(from, until)) in = true;
  }
  return in;
}

EntryRoute Policies::route(std::size_t o, std::size_t d, Date from, Date until) const {
  const std::size_t co = sc_.origins[o].country, cd = sc_.destinations[d].country;
  if (co == cd) return EntryRoute::Free;
  if (member(co, from, until) && member(cd, from, until)) return EntryRoute::Eaeu;
  const auto& kind = kinds();
  for (std::size_t k = 0; k < sc_.events.size(); ++k) {
    const Event& e = sc_.events[k];
    if (kind[k]->requires_permit && e.overlaps(from, until) && covers_destination(sc_, e, d) && covers_citizen(e, co))
      return EntryRoute::Permit;
  }
  return EntryRoute::Free;
}

double Policies::currency_factor(std::size_t currency, Date date) const {
  double f = 1;
  const auto& kind = kinds();
  for (std::size_t k = 0; k < sc_.events.size(); ++k) {
    const auto factor = kind[k]->currency_factor;
    if (factor && sc_.events[k].overlaps(date, date.add_days(1))) f *= factor(sc_.events[k], currency);
  }
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
  m.layoff.assign(nD * nS, 0.0);
  m.recall.assign(nD * nS, 0.0);
  m.pay.assign(nD * nS, 1.0);
  m.transfers_held.assign(nD, 0.0);
  m.home_wage.assign(nO, 1.0);
  m.home_unemployment.assign(nO, 1.0);
  m.return_factor.assign(nO * nD, 1.0);
  m.legal_return_factor.assign(nO * nD, 1.0);
  m.irregular_return_factor.assign(nO * nD, 1.0);
  m.departure_factor.assign(nO * nD, 1.0);
  m.remigration.assign(nO, 1.0);
  const auto& kind = kinds();
  for (std::size_t k = 0; k < sc_.events.size(); ++k) {
    const auto modify = kind[k]->modify;
    if (modify && sc_.events[k].overlaps(from, until)) modify(sc_.events[k], sc_, m);
    const auto after_end = kind[k]->after_end;
    if (after_end && sc_.events[k].first_day_after_end_in(from, until)) after_end(sc_.events[k], sc_, m);
  }
  m.fee_usd_month = tables.fee_usd_month;  // resolved once, by compute
  return m;
}

/// The tables of a step in which no event is in force: the scenario's parameters alone.
void Policies::reset(PolicyTables& t, double days) const {
  const auto& p = sc_.params;
  const std::size_t nO = sc_.n_origins(), nD = sc_.n_destinations(), nS = sc_.sectors.size();
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
}

void Policies::compute(Date from, Date until, std::int32_t step_days, double scale, PolicyTables& t) {
  const std::size_t nO = sc_.n_origins(), nD = sc_.n_destinations();
  const double days = step_days;
  reset(t, days);
  for (std::size_t o = 0; o < nO; ++o)
    for (std::size_t d = 0; d < nD; ++d) t.route[o * nD + d] = route(o, d, from, until);

  StepCompilation step{sc_, from, until, days, scale, 0, t, counters_, *this};
  for (const EventKind& kind : event_kinds())
    if (kind.reset) kind.reset(step);
  const auto& kinds_of_events = kinds();
  for (std::size_t k = 0; k < sc_.events.size(); ++k) {
    const Event& e = sc_.events[k];
    const EventKind& kind = *kinds_of_events[k];
    const bool once = !kind.spec.has_end;
    if (!kind.compile || (once ? !(from <= e.start && e.start < until) : !acts_in(e, kind, from, until))) continue;
    step.event = k;
    kind.compile(e, step);
  }
  for (const EventKind& kind : event_kinds())
    if (kind.finish) kind.finish(step);
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

Policies::State Policies::state() const {
  State s{counters_.entries(), {}};
  for (std::size_t k = 0; k < evacuation_credit_.size(); ++k)
    if (evacuation_credit_[k] != 0) s.evacuation_credit.emplace_back(sc_.events[k].label, evacuation_credit_[k]);
  return s;
}

void Policies::restore(const State& s) {
  counters_.restore(s.counters);
  evacuation_credit_.assign(sc_.events.size(), 0.0);
  for (const auto& [label, credit] : s.evacuation_credit)
    for (std::size_t k = 0; k < sc_.events.size(); ++k)
      if (sc_.events[k].label == label) evacuation_credit_[k] = credit;
}

void Policies::record_permits(const QuotaPool& pool, std::int64_t agents) { counters_.add(pool.key, agents); }

void Policies::record_scheme(const SchemeStep& scheme, std::int64_t agents) { counters_.add(scheme.key, agents); }

void Policies::record_evacuations(const EvacuationPool& pool, double scale) {
  // Unused seats of a step are lost; only the fraction of an agent is carried over.
  evacuation_credit_[pool.event] -= static_cast<double>(pool.capacity) * scale;
}

}  // namespace migsim::detail
