// sector_ban: regions close sectors to foreign workers of some legal statuses (Russian regional
// bans on patent holders in taxis, retail, catering, education and other trades, 2015-2025).
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
}

void compile(const Event& e, StepCompilation& c) {
  std::uint8_t mask = 0;
  for (int s : e.sector_indices) mask = static_cast<std::uint8_t>(mask | (1u << s));
  const std::vector<std::size_t> statuses = covered_statuses(e);
  const std::size_t nD = c.nD();
  for (std::size_t o = 0; o < c.nO(); ++o)
    for (std::size_t d = 0; d < nD; ++d) {
      if (!covers_destination(c.sc, e, d) || !covers_citizen(e, c.origin_country(o))) continue;
      for (std::size_t status : statuses) c.tables.barred_sectors[(o * nD + d) * kReportedStatuses + status] |= mask;
      c.tables.any_sector_ban = true;
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
       "bans do; EAEU workers are not covered unless listed. Destination choice does not yet anticipate a ban.",
       "- type: sector_ban\n  label: tyumen_transport_ban\n  start: 2022-01-01\n  regions: [tyumen_khmao]\n"
       "  sectors: [services]\n  statuses: [permit_holder]\n",
       {scope_country("Destination country (all its regions)."),
        scope_regions("Destination regions barring."),
        {"sectors", FieldKind::SectorList, &Event::sectors, true, "", "sector names", 0, 0,
         "Sectors closed to the covered workers."},
        {"statuses", FieldKind::ChoiceList, &Event::statuses, false, "[permit_holder]", "", 0, 0,
         "Legal statuses covered.", kCoveredStatuses},
        citizenships_field("Citizenships covered (default: all).")},
       true,
       false,
       true}};
  kind.reset = reset;
  kind.compile = compile;
  return kind;
}

}  // namespace migsim::detail
