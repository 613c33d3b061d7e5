// sector_ban: regions close sectors to foreign workers of some legal statuses (Russian regional
// bans on patent holders in taxis, retail, catering, education and other trades, 2015-2025).
#include <algorithm>
#include <limits>
#include <string>

#include "events/kind.hpp"
#include "migsim/status.hpp"

namespace migsim::detail {
namespace {

constexpr std::string_view kCoveredStatuses = "resident|eaeu_worker|permit_holder|irregular|scheme_worker";

/// The statuses the event covers as status codes (its default: permit holders).
std::vector<std::size_t> covered_statuses(const Event& e) {
  std::vector<std::size_t> codes;
  if (e.statuses.empty()) codes.push_back(static_cast<std::size_t>(Status::PermitHolder));
  for (const auto& name : e.statuses)
    for (const auto& s : kStatuses)
      if (s.name == name) codes.push_back(static_cast<std::size_t>(s.status));
  return codes;
}

void reset(StepCompilation& c) {
  c.tables.barred_sectors.assign(c.nO() * c.nD() * kReportedStatuses, 0);
  c.tables.any_sector_ban = false;
  c.tables.closed_share.clear();
  c.tables.ban_layoff.clear();
  c.tables.any_partial_sector_ban = false;
  c.tables.any_ban_layoff = false;
}

/// The part of a sector closed by two bans of different trades, taken as independent:
/// 1 - (1 - a)(1 - b), so the order of the bans does not matter and the part stays below 1.
Threshold combined(Threshold a, Threshold b) {
  const std::uint64_t sum = std::uint64_t{a} + b - ((std::uint64_t{a} * b) >> 32);
  return static_cast<Threshold>(std::min<std::uint64_t>(sum, std::numeric_limits<Threshold>::max()));
}

/// A ban of whole sectors: bits in the mask, checked every step.
void bar_sectors(std::uint8_t mask, std::size_t case_index, StepCompilation& c) {
  c.tables.barred_sectors[case_index] |= mask;
  c.tables.any_sector_ban = true;
}

/// A ban of a `share` of each sector's jobs (some trades of it): offers from that part are closed, and
/// in the step holding the start that part of the jobs ends.
void close_part_of_sectors(const Event& e, Threshold share, bool starts_now, std::size_t case_index,
                           StepCompilation& c) {
  PolicyTables& t = c.tables;
  const std::size_t nS = c.nS();
  if (t.closed_share.empty()) {
    t.closed_share.assign(c.nO() * c.nD() * kReportedStatuses * nS, 0);
    t.ban_layoff.assign(t.closed_share.size(), 0);
  }
  for (int s : e.sector_indices) {
    const std::size_t k = case_index * nS + static_cast<std::size_t>(s);
    t.closed_share[k] = combined(t.closed_share[k], share);
    if (starts_now) t.ban_layoff[k] = combined(t.ban_layoff[k], share);
  }
  t.any_partial_sector_ban = true;
  t.any_ban_layoff = t.any_ban_layoff || starts_now;
}

void compile(const Event& e, StepCompilation& c) {
  const std::vector<std::size_t> statuses = covered_statuses(e);
  std::uint8_t mask = 0;
  for (int s : e.sector_indices) mask = static_cast<std::uint8_t>(mask | (1u << s));
  const Threshold share = to_threshold(e.share);
  const bool starts_now = c.from <= e.start && e.start < c.until;
  const std::size_t nD = c.nD();
  for (std::size_t o = 0; o < c.nO(); ++o)
    for (std::size_t d = 0; d < nD; ++d) {
      if (!covers_destination(c.sc, e, d) || !covers_citizen(e, c.origin_country(o))) continue;
      for (std::size_t status : statuses) {
        const std::size_t case_index = (o * nD + d) * kReportedStatuses + status;
        if (e.share >= 1)
          bar_sectors(mask, case_index, c);
        else if (e.share > 0)
          close_part_of_sectors(e, share, starts_now, case_index, c);
      }
    }
}

}  // namespace

EventKind sector_ban_kind() {
  EventKind kind{
      {EventType::SectorBan,
       "sector_ban",
       "Destination regions close sectors to foreign workers of some legal statuses (and citizenships).",
       "While in force, workers of the covered statuses and citizenships in the covered regions lose a job in a "
       "barred sector in the first step of the ban, and cannot take one: a job offer they draw in a barred sector "
       "(offers come from the sectors in proportion to demand) is closed to them, so they find work only in the "
       "other sectors, at the rate of those sectors' share. Without work they spend savings and return home at the "
       "unemployed return hazard. The default covers patent holders (`permit_holder`), as the Russian regional "
       "bans do; EAEU workers are not covered unless listed. With `share` below 1 the ban closes that part of each "
       "listed sector's jobs (some of its trades: taxis among services, drinks and tobacco shops in trade): that part "
       "of the offers is closed, and that part of the covered workers employed in the sector lose their job in the "
       "step holding the start (only then: a worker who keeps a job keeps it). Destination choice does not yet "
       "anticipate a ban.",
       "- type: sector_ban\n  label: tyumen_transport_ban\n  start: 2022-01-01\n  regions: [tyumen_khmao]\n"
       "  sectors: [services]\n  statuses: [permit_holder]\n",
       {scope_country("Destination country (all its regions)."),
        scope_regions("Destination regions barring."),
        {"sectors", FieldKind::SectorList, &Event::sectors, true, "", "sector names", 0, 0,
         "Sectors closed to the covered workers."},
        {"statuses", FieldKind::ChoiceList, &Event::statuses, false, "[permit_holder]", "", 0, 0,
         "Legal statuses covered.", kCoveredStatuses},
        citizenships_field("Citizenships covered (default: all)."),
        number_field("share", &Event::share, false, "1", "fraction", 0, 1,
                     "Part of each listed sector's jobs closed (1: the whole sector; below 1: some of its trades).")},
       true,
       false,
       true}};
  kind.reset = reset;
  kind.compile = compile;
  return kind;
}

}  // namespace migsim::detail
