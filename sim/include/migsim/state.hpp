// State files: the complete state of a simulation between two steps, written by
// Simulation::save_state (`migsim run --save-state-at`) and continued by Simulation::from_state
// (`migsim run --resume`). See docs/python.md ("Saved states and branches") and docs/reliability.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "migsim/calendar.hpp"
#include "migsim/scenario.hpp"

namespace migsim {

/// The layout of state files this build writes and reads; a state of another format is refused.
inline constexpr int kStateFormat = 1;

/// What a state file says about itself (its header and metadata, after its checksum is verified).
struct StateInfo {
  int format = 0;
  std::string migsim_version, git_commit, created_utc;
  std::string scenario_name, scenario_source;
  std::uint64_t seed = 0;
  std::int64_t scale = 1;
  std::size_t steps_done = 0;
  Date date;                 ///< the day the next step starts: a resumed run goes on from here
  std::size_t agents = 0;    ///< agents ever created
  std::string fingerprint;   ///< of what shaped the past (inputs, seed, scale, steps): equal = same past
  std::string resumed_from;  ///< the state the run that saved this one had continued from, or ""
  std::uintmax_t bytes = 0;
};

/// Whether the file starts like a state file (its first line); says nothing of its integrity.
bool looks_like_state_file(const std::filesystem::path& path);
/// Reads and verifies a state file's header and metadata; ArgumentError if it is not a state
/// file, is damaged or truncated, or was written by another version or format.
StateInfo read_state_info(const std::filesystem::path& path);
/// The scenario a state holds (as run, with the events added during the run), with `overrides`
/// applied like `--set`; ArgumentError as read_state_info for a bad file.
Scenario load_state_scenario(const std::filesystem::path& path, const std::vector<Override>& overrides = {});
/// A few lines for `migsim info`.
std::string describe_state(const StateInfo& info);

/// How a saved state is continued: what the branch changes and how it runs. Seed and scale come
/// from the state; giving others is refused (they shaped the past).
struct ResumeOptions {
  /// The scenario to continue with (default: the state's own). It may differ from the state's only
  /// in what acts after the state's date (see check in docs/python.md); otherwise ArgumentError.
  std::optional<Scenario> scenario;
  /// `--set` edits applied to that scenario (events.<label>.<field>=..., parameters).
  std::vector<Override> overrides;
  /// `--without` labels: events left out of the branch (only events that start on or after the
  /// state's date may go; an event that acted before it is history).
  std::vector<std::string> remove_events;
  std::optional<std::uint64_t> seed;
  std::optional<std::int64_t> scale;
  int threads = 0;
  std::optional<Date> until;
  bool distributed = false;
};

}  // namespace migsim
