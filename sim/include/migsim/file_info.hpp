// Human-readable summary of an output file, for `migsim info`.
#pragma once

#include <filesystem>
#include <string>

namespace migsim::output {

/// Lists a file's global attributes and variables (shape, units). Throws OutputError if the
/// file cannot be read as HDF5.
std::string describe_file(const std::filesystem::path& path);

/// describe_file in a child process (fork), so that a damaged file whose metadata makes the
/// HDF5 library crash, hang (more than `timeout_seconds`; the metadata of a sound file reads in milliseconds) or
/// exhaust memory is reported as an OutputError ("damaged file") instead of ending the program. For single-threaded
/// callers (the `migsim` program).
std::string describe_file_isolated(const std::filesystem::path& path, int timeout_seconds = 10);

}  // namespace migsim::output
