// What every agent rule sees: the agent being updated (held in registers, written back once) and
// the read-only context of the step (its tables, the policy tables, the agents' columns that the
// rules read or write for this agent only). Rules are small inlined functions over (Agent,
// StepContext); rules/agent_pass.hpp composes them in the order of docs/model.md.
#pragma once

#include <algorithm>
#include <cstdint>

#include "events/policies.hpp"
#include "migsim/random.hpp"
#include "migsim/status.hpp"
#include "model/agents.hpp"
#include "model/environment.hpp"
#include "rules/tally.hpp"

// The rules must compile into one loop body, or every byte store into the agent arrays forces
// the compiler to reload the tables; rare paths (a departure, a ban, a displacement) stay out of
// the loop body, keeping the common path of an agent at home short.
#define MIGSIM_INLINE __attribute__((always_inline)) inline
#define MIGSIM_COLD __attribute__((noinline, cold))

namespace migsim::detail {

inline constexpr auto kAtHome = static_cast<std::uint8_t>(Status::AtHome);
inline constexpr auto kReturned = static_cast<std::uint8_t>(Status::Returned);
inline constexpr auto kDisplaced = static_cast<std::uint8_t>(Status::Displaced);
inline constexpr auto kResident = static_cast<std::uint8_t>(Status::Resident);
inline constexpr auto kEaeuWorker = static_cast<std::uint8_t>(Status::EaeuWorker);
inline constexpr auto kPermitHolder = static_cast<std::uint8_t>(Status::PermitHolder);
inline constexpr auto kIrregular = static_cast<std::uint8_t>(Status::Irregular);
inline constexpr auto kDetained = static_cast<std::uint8_t>(Status::Detained);
inline constexpr auto kConvicted = static_cast<std::uint8_t>(Status::Convicted);
inline constexpr auto kStranded = static_cast<std::uint8_t>(Status::Stranded);
inline constexpr auto kSchemeWorker = static_cast<std::uint8_t>(Status::SchemeWorker);
inline constexpr auto kNaturalised = static_cast<std::uint8_t>(Status::Naturalised);
inline constexpr auto kExited = static_cast<std::uint8_t>(Status::Exited);

/// The agent being updated.
struct Agent {
  std::size_t id;    ///< global id: keys the agent's random draws and its place in queues
  std::size_t slot;  ///< index into this rank's agent arrays (== id in a single-process run)
  std::uint8_t origin, status, location, traits;
  std::uint32_t u[4];  ///< the four draws of the step (rules/draws.hpp)
  Tally& tally;
};

/// The step as the rules see it. Everything but the agent columns is read-only.
struct StepContext {
  const StepTables& t;
  const PolicyTables& pt;
  AgentStore& agents;
  const CounterRng& rng;
  std::uint32_t step;
  std::size_t nO, nD, nS;
  OutputShape shape;
  const std::size_t* destination_country;  ///< [d]

  /// The agent's destination index (it must be abroad).
  std::size_t destination(const Agent& a) const { return a.location - nO; }
  std::size_t od(const Agent& a, std::size_t d) const { return a.origin * nD + d; }
  /// Seeded priority in the allocation queues: the same for one agent and step in every run.
  std::uint32_t priority(std::size_t id) const { return rng.bits(Stream::Priority, id, step).v[0]; }
};

/// The part `share` of a probability `p`, both as 32-bit thresholds: a sub-interval of an
/// outcome's interval of one draw.
inline std::uint64_t part_of(std::uint64_t p, Threshold share) { return (p * share) >> 32; }

inline unsigned pick_threshold(const Threshold* cdf, std::size_t n, std::uint32_t draw) {
  unsigned k = 0;
  while (k + 1 < n && draw >= cdf[k]) ++k;
  return k;
}

/// A 32-bit draw as a float in [0, 1): 24 bits, so that rounding can never give 1.0f (which would
/// fall through to the last destination even if its share is zero).
inline float unit_float(std::uint32_t draw) { return static_cast<float>(draw >> 8) * 0x1.0p-24f; }

inline unsigned pick_float(const float* cdf, std::size_t n, float draw) {
  unsigned k = 0;
  while (k + 1 < n && draw >= cdf[k]) ++k;
  return k;
}

}  // namespace migsim::detail
