// Human-readable summary of an output file, for `migsim info`.
#pragma once

#include <filesystem>
#include <string>

namespace migsim::output {

/// Lists a file's global attributes and variables (shape, units). Throws OutputError if the
/// file cannot be read as HDF5.
std::string describe_file(const std::filesystem::path& path);

}  // namespace migsim::output
