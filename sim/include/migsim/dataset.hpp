// A small in-memory model of a netCDF-4 dataset: named dimensions, variables and attributes.
// The engine fills one; the HDF5 writer and the Python bindings both consume it, so every
// output variable is declared once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "migsim/output_file.hpp"

namespace migsim::output {

/// A text, a number, or an array of integers (CF `flag_values`); uint64 (NC_UINT64) only for
/// values above INT64_MAX, such as seeds of 2^63 and more.
using AttributeValue = std::variant<std::string, double, std::int64_t, std::uint64_t, std::vector<std::int64_t>>;

struct Attribute {
  std::string name;
  AttributeValue value;
};

struct Dimension {
  std::string name;
  std::size_t size = 0;
};

/// Row-major data; the variant alternative decides the HDF5 type
/// (int64 -> NC_INT64, double -> NC_DOUBLE, string -> NC_STRING, variable length).
using VariableData = std::variant<std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>>;

struct Variable {
  std::string name;
  std::vector<std::string> dims;  // names of Dimensions, outermost first
  VariableData data;
  std::vector<Attribute> attrs;
};

struct Dataset {
  std::vector<Dimension> dims;
  /// A variable whose name equals a dimension name (and whose only dim is that dimension)
  /// is that dimension's coordinate variable (an HDF5 dimension scale).
  std::vector<Variable> variables;
  std::vector<Attribute> attrs;

  const Dimension* find_dim(const std::string& name) const;
  const Variable* find_variable(const std::string& name) const;
  /// Throws OutputError if a variable names an unknown dimension or its data size
  /// differs from the product of its dimension sizes.
  void check() const;
};

/// Writes `dataset` as an HDF5 file laid out as netCDF-4 (dimension scales, dimensions
/// without a coordinate variable as netCDF "phony" dimension datasets), readable by
/// `xarray.open_dataset(path)` with no options. Written to a temporary file in the same
/// folder and renamed into place only when complete; on any failure the temporary file is
/// removed and OutputError is thrown, so `path` is either complete or untouched. Only a
/// regular file or a new path is written (write_file_atomically in output_file.hpp);
/// `cancelled` is asked between chunks of the write (WriteCancelled when it says so).
void write_netcdf4(const Dataset& dataset, const std::filesystem::path& path, const CancelCheck& cancelled = {});

}  // namespace migsim::output
