// Lookup and validation of the in-memory netCDF dataset model (see dataset.hpp).
#include "migsim/dataset.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <set>
#include <string_view>

#include "migsim/errors.hpp"

namespace migsim::output {

namespace {

[[noreturn]] void invalid(const std::string& message) { throw OutputError("invalid output dataset: " + message); }

std::string in_quotes(std::string_view name) {
  // Appended piecewise: GCC 12 reports a false -Wrestrict for "\"" + std::string at -O3.
  std::string quoted = "\"";
  quoted += name;
  quoted += '"';
  return quoted;
}

// Attribute names the writer or netCDF readers use for their own bookkeeping: a user
// attribute of that name would clash with the dimension-scale machinery or be hidden.
// clang-format off
constexpr std::array<std::string_view, 11> kReservedAttributeNames = {
    "CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST",           // HDF5 dimension scales
    "_Netcdf4Dimid", "_Netcdf4Coordinates", "_NCProperties",       // netCDF-4 bookkeeping
    "_nc3_strict", "_IsNetcdf4", "_SuperblockVersion", "_Format",  // netCDF-C virtual/hidden
};
// clang-format on

// Names become HDF5 link or attribute names: '/' would be read as a path separator, "."
// names the group itself, and an embedded NUL would silently truncate the name.
void check_name(std::string_view name, const std::string& what) {
  if (name.empty()) invalid(what + " has an empty name");
  if (name == "." || name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    invalid(what + " " + in_quotes(name) + " has an invalid name (no '/', NUL or \".\")");
  }
}

void check_attributes(const std::vector<Attribute>& attrs, const std::string& owner) {
  std::set<std::string_view> seen;
  for (const Attribute& attr : attrs) {
    const std::string what = owner + "attribute";
    check_name(attr.name, what);
    if (!seen.insert(attr.name).second) {
      invalid("duplicate " + what + " name " + in_quotes(attr.name));
    }
    if (std::find(kReservedAttributeNames.begin(), kReservedAttributeNames.end(), attr.name) !=
        kReservedAttributeNames.end()) {
      invalid(what + " " + in_quotes(attr.name) + " uses a name reserved by netCDF-4/HDF5");
    }
    // Text attributes are read back as C strings: an embedded NUL would truncate them.
    if (const auto* text = std::get_if<std::string>(&attr.value);
        text != nullptr && text->find('\0') != std::string::npos) {
      invalid(what + " " + in_quotes(attr.name) + " contains a NUL character");
    }
  }
}

std::string describe_dims(const Dataset& dataset, const Variable& var) {
  std::string text = "(";
  for (std::size_t i = 0; i < var.dims.size(); ++i) {
    if (i > 0) text += ", ";
    text += var.dims[i];
    if (const Dimension* dim = dataset.find_dim(var.dims[i])) {
      text += '=';
      text += std::to_string(dim->size);
    }
  }
  text += ')';
  return text;
}

/// Product of the variable's dimension sizes; nullopt if it overflows size_t.
std::optional<std::size_t> expected_size(const Dataset& dataset, const Variable& var) {
  std::size_t count = 1;
  for (const std::string& dim_name : var.dims) {
    const std::size_t size = dataset.find_dim(dim_name)->size;
    if (size != 0 && count > std::numeric_limits<std::size_t>::max() / size) {
      return std::nullopt;
    }
    count *= size;
  }
  return count;
}

std::size_t data_size(const VariableData& data) {
  return std::visit([](const auto& values) { return values.size(); }, data);
}

void check_dims_exist(const Dataset& dataset, const Variable& var, const std::string& what) {
  for (const std::string& dim_name : var.dims) {
    if (dataset.find_dim(dim_name) == nullptr) {
      invalid(what + " uses dimension " + in_quotes(dim_name) + ", which is not defined");
    }
  }
}

// The writer turns a variable named like a dimension into that dimension's HDF5 scale,
// which only works for a 1-D variable along its own dimension.
void check_coordinate_shape(const Dataset& dataset, const Variable& var, const std::string& what) {
  if (dataset.find_dim(var.name) == nullptr) return;
  if (var.dims.size() != 1 || var.dims.front() != var.name) {
    invalid(what + " has the name of a dimension, so it is that dimension's coordinate " +
            "variable and must have dims (" + var.name + "), but has " + describe_dims(dataset, var));
  }
}

void check_data_size(const Dataset& dataset, const Variable& var, const std::string& what) {
  const std::optional<std::size_t> expected = expected_size(dataset, var);
  if (!expected) {
    invalid(what + " has dimensions " + describe_dims(dataset, var) + " too large to address");
  }
  const std::size_t actual = data_size(var.data);
  if (actual != *expected) {
    invalid(what + " has " + std::to_string(actual) + " values but its dimensions " + describe_dims(dataset, var) +
            " need " + std::to_string(*expected));
  }
}

// Strings are stored NUL-terminated, so an embedded NUL would silently truncate the value.
void check_string_values(const Variable& var, const std::string& what) {
  const auto* strings = std::get_if<std::vector<std::string>>(&var.data);
  if (strings == nullptr) return;
  const auto with_nul = std::find_if(strings->begin(), strings->end(),
                                     [](const std::string& s) { return s.find('\0') != std::string::npos; });
  if (with_nul != strings->end()) {
    invalid(what + " has a string value containing a NUL character (index " +
            std::to_string(with_nul - strings->begin()) + ")");
  }
}

void check_variable(const Dataset& dataset, const Variable& var) {
  const std::string what = "variable " + in_quotes(var.name);
  check_dims_exist(dataset, var, what);
  check_coordinate_shape(dataset, var, what);
  check_data_size(dataset, var, what);
  check_string_values(var, what);
  check_attributes(var.attrs, what + " ");
}

}  // namespace

const Dimension* Dataset::find_dim(const std::string& name) const {
  const auto it = std::find_if(dims.begin(), dims.end(), [&](const Dimension& dim) { return dim.name == name; });
  return it == dims.end() ? nullptr : &*it;
}

const Variable* Dataset::find_variable(const std::string& name) const {
  const auto it =
      std::find_if(variables.begin(), variables.end(), [&](const Variable& var) { return var.name == name; });
  return it == variables.end() ? nullptr : &*it;
}

void Dataset::check() const {
  std::set<std::string_view> dim_names;
  for (const Dimension& dim : dims) {
    check_name(dim.name, "dimension");
    if (!dim_names.insert(dim.name).second) {
      invalid("duplicate dimension name " + in_quotes(dim.name));
    }
  }
  std::set<std::string_view> var_names;
  for (const Variable& var : variables) {
    check_name(var.name, "variable");
    if (!var_names.insert(var.name).second) {
      invalid("duplicate variable name " + in_quotes(var.name));
    }
    check_variable(*this, var);
  }
  check_attributes(attrs, "global ");
}

}  // namespace migsim::output
