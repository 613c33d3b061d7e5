// Policies: the scenario's events compiled, step by step, into tables the agent pass reads
// (routes, thresholds, quota pools, closures, bans) and into the multipliers the environment
// applies (wages, demand, exchange rates, return and departure factors). What each event type
// does is its kind's (events/kind.hpp, one file per type); this class runs them in scenario order
// and keeps the state that outlives a step: permits issued per quota year, scheme places filled,
// evacuation credit.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "migsim/scenario.hpp"

namespace migsim::detail {

using Threshold = std::uint32_t;
Threshold to_threshold(double probability);
/// Per-step probability of an event with annual hazard `rate` over `days`.
double step_probability(double rate, double days);

/// How a citizen of an origin enters a destination.
enum class EntryRoute : std::uint8_t {
  Free = 0,    ///< no permit regime in force: legal resident
  Eaeu = 1,    ///< both countries in the EAEU: register by the deadline
  Permit = 2,  ///< needs a patent (fee) and/or a quota permit
};

/// Crossing flags of a closed border, per (origin, destination).
inline constexpr std::uint8_t kDeparturesBlocked = 1, kReturnsBlocked = 2, kDeportationsBlocked = 4;

inline constexpr std::int32_t kNever = INT32_MAX;
inline constexpr std::size_t kOverstayTiers = 4;

struct OverstayTier {
  std::int32_t min_days = 0;
  std::int32_t ban_days = 0;
  Threshold share = 0;  ///< chance that a qualifying leaver is banned
};

struct QuotaPool {
  std::size_t key = 0;  ///< index of the pool's scope in the yearly counters
  std::size_t country = 0;
  std::int64_t remaining = 0;  ///< agents that may still receive a permit this calendar year
  Refusal on_refusal = Refusal::Irregular;
  std::string scope;  ///< country, regions, sectors and citizenships: quotas of one scope share a count
};

struct SchemeStep {
  std::size_t key = 0;
  std::size_t destination = 0;  ///< destination index
  std::int64_t remaining = 0;   ///< agents
  std::int32_t duration_days = 0;
  unsigned sector = 0;
  float travel_cost_usd = 0;
  Threshold overstay = 0;
};

struct EvacuationPool {
  std::size_t event = 0;       ///< index of the border_closure event
  double people_per_step = 0;  ///< capacity of this step in people
  std::int64_t capacity = 0;   ///< agents this step (set by grant_evacuation_credit)
};

/// Everything the agent pass needs from the policies of one step. Indices: od = o * nD + d.
struct PolicyTables {
  std::vector<EntryRoute> route;         ///< [od]
  std::vector<Threshold> registration;   ///< [od] EAEU arrival registers in time
  std::vector<Threshold> uptake;         ///< [od] permit route: takes a patent/permit
  std::vector<float> fee_usd;            ///< [od] patent fee this step
  std::vector<double> fee_usd_month;     ///< [od] the same per month, for the destination choice
  std::vector<float> issue_cost_usd;     ///< [od]
  std::vector<std::int16_t> quota_pool;  ///< [od * nS + sector] -> pools index or -1
  std::vector<QuotaPool> pools;
  std::vector<std::uint8_t> crossing;    ///< [od] kDeparturesBlocked | ...
  std::vector<std::int16_t> evacuation;  ///< [od] -> evacuations index or -1
  std::vector<EvacuationPool> evacuations;
  std::vector<Threshold> naturalise;              ///< [od]
  std::vector<std::int32_t> naturalise_min_days;  ///< [od]
  std::vector<Threshold> detection;               ///< [d]
  std::vector<Threshold> conviction;              ///< [d]
  std::vector<std::int32_t> conviction_days;      ///< [d]

  std::size_t ban_slots = 0;
  std::vector<std::size_t> ban_country;               ///< [slot] -> country
  std::vector<std::int16_t> ban_slot_of_destination;  ///< [d] -> slot or -1
  std::vector<std::int32_t> deportation_ban_days;     ///< [o * ban_slots + slot], 0 = none
  /// Overstay ban tiers per (o, slot): ban days for an irregular stay of at least min days;
  /// [(o * ban_slots + slot) * kOverstayTiers + i], ascending by min days, unused tiers ban 0.
  std::vector<OverstayTier> overstay;
  std::vector<Threshold> amnesty;  ///< [o * ban_slots + slot] share of bans lifted
  bool any_amnesty = false;

  std::vector<Threshold> displacement;            ///< [o] displaced this step
  std::vector<Threshold> displaced_abroad;        ///< [o]
  std::vector<std::uint8_t> displaced_to;         ///< [o] location
  std::vector<std::uint8_t> displacement_active;  ///< [o]

  std::vector<SchemeStep> schemes;
  std::vector<Threshold> scheme_apply;     ///< [o * schemes.size() + k], cumulative over k
  std::vector<Threshold> scheme_overstay;  ///< [d] for scheme workers whose stay ends

  /// [(od) * kReportedStatuses + status] bit mask of sectors closed to workers of that status
  /// (sector_ban); any_sector_ban is false when every mask is 0.
  std::vector<std::uint8_t> barred_sectors;
  bool any_sector_ban = false;
  /// [((od) * kReportedStatuses + status) * nS + sector] the part of a sector's jobs closed to workers
  /// of that status by bans with `share` below 1, as a threshold; empty without such bans.
  std::vector<Threshold> closed_share;
  /// The same layout: the part of such jobs ended this step (the step that holds a partial ban's start).
  std::vector<Threshold> ban_layoff;
  bool any_partial_sector_ban = false;
  bool any_ban_layoff = false;  ///< a partial ban starts this step (ban_layoff not all 0)

  std::int32_t detention_days = 0;
  std::int32_t permit_validity_days = 0;
  Threshold lapse = 0;
  Threshold regularise = 0;
  float irregular_wage_factor = 1;
};

/// Multipliers the environment applies; location-indexed vectors cover destinations only.
struct Modifiers {
  std::vector<double> wage;                     ///< [d * nS + sector]
  std::vector<double> demand;                   ///< [d * nS + sector]
  std::vector<double> layoff;                   ///< [d * nS + sector], share of jobs ended per week
  std::vector<double> recall;                   ///< [d * nS + sector], share of those out of work called back
  std::vector<double> pay;                      ///< [d * nS + sector], share of earnings received
  std::vector<double> transfers_held;           ///< [d], share of remittances that cannot be sent
  std::vector<double> home_wage;                ///< [o]
  std::vector<double> home_unemployment;        ///< [o]
  std::vector<double> return_factor;            ///< [od], every status (and the stranded once the border opens)
  std::vector<double> legal_return_factor;      ///< [od], residents, EAEU workers and permit holders only
  std::vector<double> irregular_return_factor;  ///< [od], irregular migrants only
  std::vector<double> departure_factor;         ///< [od]
  std::vector<double> remigration;              ///< [o]
  std::vector<double> fee_usd_month;            ///< [od], for the destination choice
};

/// Counts that restart every calendar year (quota permits issued per scope, scheme places filled
/// per scheme), kept across steps.
class YearCounters {
 public:
  /// The counter of `key`, restarted from 0 if it last counted another year than `year`.
  std::size_t counter(const std::string& key, int year);
  std::int64_t used(std::size_t counter) const { return counts_[counter].used; }
  void add(std::size_t counter, std::int64_t agents) { counts_[counter].used += agents; }

  /// A counter as saved in a state file.
  struct Entry {
    std::string key;
    int year = 0;
    std::int64_t used = 0;
  };
  /// Every counter, in the order of first use.
  std::vector<Entry> entries() const;
  /// Replaces every counter by `entries` (from entries()).
  void restore(const std::vector<Entry>& entries);

 private:
  struct YearCount {
    int year = 0;
    std::int64_t used = 0;
  };
  std::map<std::string, std::size_t> index_;
  std::vector<YearCount> counts_;
};

/// The calendar year in which an event in force during a step starting `from` counts: a step that
/// starts in December but overlaps an event starting on 1 January counts in the event's year, so
/// a one-year quota is never drawn on twice.
int count_year(Date from, const Event& e);

struct EventKind;

class Policies {
 public:
  /// `scenario` must outlive the Policies; events appended to it later are picked up.
  explicit Policies(const Scenario& scenario);

  std::size_t ban_slots() const { return ban_country_.size(); }
  int ban_slot(std::size_t country) const;

  /// Fills `t` for the step [from, until): the scenario's parameters, then each event in force
  /// compiled by its kind, in scenario order. Its only effect on the Policies is to start new
  /// calendar-year counts; calling it twice for one step is harmless.
  void compute(Date from, Date until, std::int32_t step_days, double scale, PolicyTables& t);
  /// Adds this step's evacuation seats to the credit of each closure and sets the pools'
  /// capacity in agents; call once per step.
  void grant_evacuation_credit(PolicyTables& t, double scale);
  /// The multipliers for [from, until); `tables` must be this step's compute() result (its fees).
  Modifiers modifiers(Date from, Date until, const PolicyTables& tables) const;
  double currency_factor(std::size_t currency, Date date) const;
  /// How citizens of `origin` enter destination `d` during [from, until): free (no regime in
  /// force), as EAEU workers (both countries members), or with a permit (a fee or quota applies).
  EntryRoute route(std::size_t origin, std::size_t d, Date from, Date until) const;

  /// Book-keeping after the serial allocations of a step.
  void record_permits(const QuotaPool& pool, std::int64_t agents);
  void record_scheme(const SchemeStep& scheme, std::int64_t agents);
  void record_evacuations(const EvacuationPool& pool, double scale);

  /// Which events are in force for [from, until), in scenario order.
  std::vector<std::uint8_t> in_force(Date from, Date until) const;

  /// The policy state that outlives a step, for state files and forks: the yearly counters and
  /// the evacuation credit of each closure, by event label (a branch may add or drop events
  /// that have not started, which moves the others in the list).
  struct State {
    std::vector<YearCounters::Entry> counters;
    std::vector<std::pair<std::string, double>> evacuation_credit;  ///< (event label, people)
  };
  State state() const;
  /// Restores state(); credit of labels the scenario no longer has is dropped (their events
  /// had not started, so it is zero).
  void restore(const State& state);

 private:
  bool member(std::size_t country, Date from, Date until) const;
  void reset(PolicyTables& t, double days) const;
  /// The kind of each event of the scenario, looked up once (events may be added during a run).
  const std::vector<const EventKind*>& kinds() const;

  const Scenario& sc_;
  std::vector<std::size_t> ban_country_;  ///< slot -> country
  YearCounters counters_;
  std::vector<double> evacuation_credit_;  ///< per event, people (fraction of an agent carried over)
  mutable std::vector<const EventKind*> kinds_;
};

}  // namespace migsim::detail
