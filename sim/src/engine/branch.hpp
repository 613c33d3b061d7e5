// What a branch from a saved state may change. A state holds the past of a run: its agents were
// shaped by every input up to the state's date. A branch (a resumed run with edits, a fork with
// other policies) may change what acts only after that date; anything else is refused with a
// message naming the edit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "migsim/scenario.hpp"

namespace migsim::detail {

/// One input that shaped the first steps of a run, as text: a table, a parameter fixed at the
/// start, a field of an event in force before the state's date (its end only as far as the past
/// saw it), the order of those events, the countries with ban records.
struct PastInput {
  std::string name;
  std::string value;
  bool quote = true;           ///< show the values in messages (not for whole tables)
  std::string_view hint = {};  ///< appended when a branch changes it: how to make the change from the state's date on
};

/// The inputs that shaped the first `steps_done` steps of `sc`.
std::vector<PastInput> past_inputs(const Scenario& sc, std::size_t steps_done);

/// Hex digest of past_inputs, the seed and the scale: two states or runs with the same
/// fingerprint at the same step share their past.
std::string past_fingerprint(const Scenario& sc, std::size_t steps_done, std::uint64_t seed, std::int64_t scale);

/// Throws ArgumentError naming every edit of `branch` against `saved` that would have changed
/// one of the first `steps_done` steps (and a calendar too short to hold them).
void check_branch(const Scenario& saved, const Scenario& branch, std::size_t steps_done);

/// A 64-bit hash of bytes (FNV-1a over 8-byte words, then the remaining bytes), continuing from
/// `hash`: fast enough for whole state files, and it changes with any change of one word.
std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t hash = 14695981039346656037ull);
/// A hash as 16 lower-case hex digits (fingerprints, state file headers).
std::string hex64(std::uint64_t hash);

}  // namespace migsim::detail
