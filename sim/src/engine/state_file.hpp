// Reading and writing state files: one HDF5 file per state, with a 4 KiB header block in front
// (HDF5's user block) that holds the format, the version that wrote it, its length and a hash of
// everything after the header. A reader checks those before HDF5 sees a byte, so a truncated,
// damaged or foreign file is refused cleanly.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "engine/snapshot.hpp"
#include "migsim/output_file.hpp"
#include "migsim/state.hpp"

namespace migsim::detail {

/// Writes `snapshot` (agents in id order) atomically to `path`.
void write_state_file(const Snapshot& snapshot, const std::filesystem::path& path,
                      const output::CancelCheck& cancelled = {});

struct StateFile {
  StateInfo info;
  Snapshot snapshot;  ///< its scenario rebuilt from the sources below
  std::string resolved_yaml;
  std::map<std::string, std::string> tables;  ///< table key -> CSV text
};

/// Reads and verifies a state file; ArgumentError naming the file and the problem.
StateFile read_state_file(const std::filesystem::path& path);

/// The state's scenario with `overrides` applied (as `--set` on the command line).
Scenario scenario_of_state(const StateFile& state, const std::vector<Override>& overrides);

}  // namespace migsim::detail
