// Agents as a structure of arrays: one vector per attribute, indexed by agent id.
// 17 bytes per agent; ids are never reused so random streams stay tied to one person.
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

  std::size_t size() const { return status.size(); }
  void reserve(std::size_t n);
  void resize(std::size_t n);
  std::size_t bytes() const;
};

}  // namespace migsim::detail
