// Residence and legal status of an agent: the one list that the engine, the output's `status`
// coordinate, the docs and the Python package read.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace migsim {

/// At home: AtHome (never migrated), Returned, Displaced (moved inside the country by a
/// displacement event). Abroad: every status from Resident on.
enum class Status : std::uint8_t {
  AtHome = 0,
  Returned = 1,
  Displaced = 2,
  Resident = 3,      ///< abroad where no permit regime is in force
  EaeuWorker = 4,    ///< EAEU citizen in an EAEU country, registered
  PermitHolder = 5,  ///< patent or quota work permit
  Irregular = 6,
  Detained = 7,
  Convicted = 8,      ///< serving a prison term abroad
  Stranded = 9,       ///< wants to return, border closed
  SchemeWorker = 10,  ///< on a bilateral scheme
  Naturalised = 11,   ///< took the destination's citizenship
  Exited = 255,       ///< past working age (not reported)
};

struct StatusSpec {
  Status status;
  std::string_view name;  ///< as in the output's `status` coordinate
  bool abroad;            ///< outside the origin country
  std::string_view description;
};

/// Every reported status, in code order (the code is the index).
inline constexpr std::array<StatusSpec, 12> kStatuses = {{
    {Status::AtHome, "at_home", false, "at home, never migrated"},
    {Status::Returned, "returned", false, "at home after at least one stay abroad"},
    {Status::Displaced, "displaced", false, "moved to another origin region by a displacement event"},
    {Status::Resident, "resident", true, "abroad where no permit regime is in force"},
    {Status::EaeuWorker, "eaeu_worker", true, "EAEU citizen working in another EAEU country, registered"},
    {Status::PermitHolder, "permit_holder", true, "holds a patent or a quota work permit"},
    {Status::Irregular, "irregular", true, "abroad without a valid permit or registration"},
    {Status::Detained, "detained", true, "detained abroad, awaiting deportation"},
    {Status::Convicted, "convicted", true, "serving a prison term abroad"},
    {Status::Stranded, "stranded", true, "wants to return but the border is closed"},
    {Status::SchemeWorker, "scheme_worker", true, "on a bilateral labour scheme"},
    {Status::Naturalised, "naturalised", true, "took the destination's citizenship (no longer a migrant worker)"},
}};
inline constexpr std::size_t kReportedStatuses = kStatuses.size();  ///< AtHome .. Naturalised

constexpr bool statuses_in_code_order() {
  for (std::size_t i = 0; i < kStatuses.size(); ++i)
    if (static_cast<std::size_t>(kStatuses[i].status) != i) return false;
  return true;
}
static_assert(statuses_in_code_order(), "kStatuses must list every reported status at its code");

inline constexpr bool is_abroad(Status s) {
  return s != Status::Exited && kStatuses[static_cast<std::size_t>(s)].abroad;
}
const char* status_name(Status status);

}  // namespace migsim
