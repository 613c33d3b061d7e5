// Safe creation of output files: only regular files or new paths are written, through a
// temporary file made exclusively (O_EXCL | O_NOFOLLOW, unpredictable name) in the target's
// folder and renamed into place when complete. See docs/reliability.md.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace migsim::output {

/// Checks, before any work, that `path` can be written: it names a file in an existing folder
/// in which a file can be created (tried with a temporary file that is removed at once), and
/// it is either absent or a regular file (never a device, FIFO, socket, folder or symbolic
/// link). Throws OutputError naming the path and what was found. Returns the temporary files
/// of earlier runs for the same target that were left behind (interrupted by SIGKILL or a
/// crash), so that the caller can report them; they are not removed.
std::vector<std::filesystem::path> check_output_target(const std::filesystem::path& path);

/// What is wrong with the name of an HDF5/netCDF-4 file to write (an output, a state): "" when it
/// ends in .h5, .nc, .hdf5 or .nc4 (any case), else what was expected and found. A run asked for
/// "results.csv" would otherwise write HDF5 under a CSV name.
std::string output_suffix_problem(const std::filesystem::path& path);

/// A warning naming `stale` temporary files (one line, no newline), or empty if none.
std::string stale_files_warning(const std::vector<std::filesystem::path>& stale);

/// What kind of file `status` describes: "a regular file", "a character device", "a FIFO"...
std::string file_kind(const std::filesystem::file_status& status);

/// Returns true when the caller wants the write abandoned (an interrupt): checked between
/// chunks of the write and before the rename.
using CancelCheck = std::function<bool()>;

/// Thrown by write_file_atomically and write_netcdf4 when `cancelled` said so; the temporary
/// file is removed and the target untouched.
class WriteCancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "write interrupted"; }
};

/// Writes `bytes` to `path` through an exclusive temporary file in the same folder (fsynced,
/// then renamed over `path`), after check_output_target; the target is checked again just
/// before the rename. Throws OutputError on failure and WriteCancelled when `cancelled`
/// returns true; either way `path` is untouched and the temporary file removed.
void write_file_atomically(const std::filesystem::path& path, const std::vector<char>& bytes,
                           const CancelCheck& cancelled = {});

namespace detail {
/// For tests only: replaces the random part of temporary names (to plant files at them);
/// an empty function restores the random names.
void set_temporary_name_source(std::function<std::string()> source);
}  // namespace detail

}  // namespace migsim::output
