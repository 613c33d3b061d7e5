// Agents as a structure of arrays: one vector per attribute, indexed by agent id.
// 21 bytes per agent plus 4 per country with ban rules; ids are never reused so random streams
// stay tied to one person.
#pragma once

#include <cstdint>
#include <vector>

namespace migsim::detail {

/// Bit layout of AgentStore::traits.
struct Traits {
  static constexpr std::uint8_t kFemale = 1u << 0;
  static constexpr std::uint8_t kSkillShift = 1, kSkillMask = 3u << kSkillShift;  // 0 low, 1 medium, 2 high
  static constexpr std::uint8_t kEmployed = 1u << 3;
  static constexpr std::uint8_t kSectorShift = 4, kSectorMask = 7u << kSectorShift;  // up to 8 sectors
  static constexpr std::uint8_t kBanned = 1u << 7;  // some ban_until entry may still be in the future

  static constexpr unsigned skill(std::uint8_t t) { return (t & kSkillMask) >> kSkillShift; }
  static constexpr unsigned sector(std::uint8_t t) { return (t & kSectorMask) >> kSectorShift; }
  static constexpr bool female(std::uint8_t t) { return t & kFemale; }
  static constexpr bool employed(std::uint8_t t) { return t & kEmployed; }
  static constexpr std::uint8_t make(bool female, unsigned skill) {
    return static_cast<std::uint8_t>((female ? kFemale : 0) | (skill << kSkillShift));
  }
  static constexpr std::uint8_t with_job(std::uint8_t t, unsigned sector) {
    return static_cast<std::uint8_t>((t & ~kSectorMask) | kEmployed | (sector << kSectorShift));
  }
  static constexpr std::uint8_t without_job(std::uint8_t t) { return static_cast<std::uint8_t>(t & ~kEmployed); }
  static constexpr bool banned(std::uint8_t t) { return t & kBanned; }
};

struct AgentStore {
  std::vector<std::uint8_t> status;     ///< migsim::Status
  std::vector<std::uint8_t> origin;     ///< origin region index
  std::vector<std::uint8_t> location;   ///< location index: origins first, then destinations
  std::vector<std::uint8_t> traits;     ///< Traits bits
  std::vector<std::uint8_t> trips;      ///< completed departures (saturating)
  std::vector<std::int32_t> birth_day;  ///< days since calendar start (negative: born before)
  std::vector<std::int32_t> moved_day;  ///< day of the last departure or return
  std::vector<float> savings_usd;       ///< savings abroad; negative while travel debt is unpaid
  /// Day tied to the legal status: irregular since, permit expiry, release from detention or
  /// prison, end of a scheme stay, stranded since.
  std::vector<std::int32_t> status_day;
  /// Day each ban ends, [id * ban_slots + slot]; one slot per country with ban rules.
  std::vector<std::int32_t> ban_until;
  std::size_t ban_slots = 0;

  std::size_t size() const { return status.size(); }
  void reserve(std::size_t n);
  void resize(std::size_t n);
  std::size_t bytes() const;
};

/// Calls f(name, &AgentStore::column) for every per-agent column (ban_until, ban_slots entries per
/// agent, is not one): the one list that copies, state files and memory accounting walk.
template <typename F>
void for_each_column_member(F&& f) {
  f("status", &AgentStore::status), f("origin", &AgentStore::origin), f("location", &AgentStore::location);
  f("traits", &AgentStore::traits), f("trips", &AgentStore::trips), f("birth_day", &AgentStore::birth_day);
  f("moved_day", &AgentStore::moved_day), f("savings_usd", &AgentStore::savings_usd);
  f("status_day", &AgentStore::status_day);
}

/// Calls f(name, column) for every per-agent column of `store`.
template <typename Store, typename F>
void for_each_column(Store& store, F&& f) {
  for_each_column_member([&](const char* name, auto member) { f(name, store.*member); });
}

}  // namespace migsim::detail
