// quota: an annual limit on work permits, served from pools shared by quotas of one scope.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;
using K = FieldKind;

/// The items sorted and joined: the same scope written in another order is the same scope.
std::string join_ints(std::vector<int> items) {
  std::sort(items.begin(), items.end());
  std::string out;
  for (int i : items) out += std::to_string(i) + ",";
  return out;
}

/// The pool of the event's scope (created on first use in the step) takes the applications of the
/// sectors it covers on the routes that need a permit.
void compile(const Event& e, StepCompilation& c) {
  PolicyTables& t = c.tables;
  const std::size_t nD = c.nD(), nS = c.nS();
  const std::string scope = std::to_string(e.country_index) + "|" + join_ints(e.location_indices) + "|" +
                            join_ints(e.sector_indices) + "|" + join_ints(e.citizenship_indices);
  const auto found = std::find_if(t.pools.begin(), t.pools.end(), [&](const QuotaPool& p) { return p.scope == scope; });
  const auto index = static_cast<std::size_t>(found - t.pools.begin());
  if (found == t.pools.end()) t.pools.push_back({0, static_cast<std::size_t>(e.country_index), 0, {}, scope});
  QuotaPool& pool = t.pools[index];
  pool.key = c.counters.counter("quota:" + scope, count_year(c.from, e));
  const auto limit = static_cast<std::int64_t>(std::floor(e.limit / c.scale));
  pool.remaining = std::max<std::int64_t>(0, limit - c.counters.used(pool.key));
  pool.on_refusal = e.on_refusal;
  for (std::size_t o = 0; o < c.nO(); ++o)
    for (std::size_t d = 0; d < nD; ++d) {
      const std::size_t od = o * nD + d;
      if (t.route[od] != EntryRoute::Permit || !in_country(c.sc, e, d) || !covers_destination(c.sc, e, d) ||
          !covers_citizen(e, c.origin_country(o)))
        continue;
      for (std::size_t s = 0; s < nS; ++s)
        if (e.sector_indices.empty() || contains(e.sector_indices, s))
          t.quota_pool[od * nS + s] = static_cast<std::int16_t>(index);
    }
}

}  // namespace

EventKind quota_kind() {
  EventKind kind{
      {EventType::Quota,
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
       {required_country("Destination country whose permits are limited."),
        number_field("limit", &E::limit, true, "", "people per calendar year", 0, kBig,
                     "Work permits that may be issued in a calendar year."),
        scope_regions("Destination regions of `country` covered (default: all of them)."),
        sectors_field("Sectors covered: applicants draw the sector of the job they seek (default: all)."),
        citizenships_field("Citizenships covered (default: every citizenship that needs a permit)."),
        {"on_refusal", K::Choice, &E::on_refusal, false, "irregular", "", 0, 0,
         "What a refused applicant does: go as an irregular migrant, or stay at home.", "irregular|stay"}}}};
  kind.compile = compile;
  kind.requires_permit = true;
  return kind;
}

}  // namespace migsim::detail
