// Writes a Dataset as an HDF5 file laid out the way netCDF-C lays out netCDF-4 files, so
// netCDF-C (netCDF4-python, ncdump) and h5netcdf both read it as a netCDF-4 dataset.
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "migsim/dataset.hpp"
#include "migsim/errors.hpp"
#include "migsim/output_file.hpp"
#include "output/hdf5_support.hpp"

namespace migsim::output {

namespace {

Handle copy_type(hid_t type) { return Handle(H5Tcopy(type), H5Tclose, "copying datatype"); }

/// netCDF NC_STRING: variable-length UTF-8 string.
Handle make_vlen_string_type() {
  Handle type = copy_type(H5T_C_S1);
  check(H5Tset_size(type.get(), H5T_VARIABLE), "creating string datatype");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "creating string datatype");
  return type;
}

/// netCDF NC_CHAR text attribute: fixed-size string of exactly the text's length, as
/// netCDF-C writes it (NULLTERM pad, no terminator stored).
Handle make_text_type(std::size_t length) {
  Handle type = copy_type(H5T_C_S1);
  // HDF5 rejects size 0; an empty text is marked by a null dataspace instead.
  check(H5Tset_size(type.get(), std::max<std::size_t>(length, 1)), "creating text datatype");
  check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "creating text datatype");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "creating text datatype");
  return type;
}

// ---------------------------------------------------------------------------------------
// Attributes

void write_attribute(hid_t location, const std::string& name, hid_t file_type, hid_t space, hid_t memory_type,
                     const void* value) {
  const std::string what = "writing attribute '" + name + "'";
  Handle attr(H5Acreate2(location, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
  if (value != nullptr) check(H5Awrite(attr.get(), memory_type, value), what);
}

void write_text_attribute(hid_t location, const std::string& name, const std::string& text) {
  const Handle type = make_text_type(text.size());
  const Handle space(H5Screate(text.empty() ? H5S_NULL : H5S_SCALAR), H5Sclose, "creating dataspace");
  write_attribute(location, name, type.get(), space.get(), type.get(), text.empty() ? nullptr : text.data());
}

void write_attribute(hid_t location, const Attribute& attr) {
  const Handle scalar(H5Screate(H5S_SCALAR), H5Sclose, "creating dataspace");
  std::visit(
      [&](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          write_text_attribute(location, attr.name, value);
        } else if constexpr (std::is_same_v<T, double>) {
          write_attribute(location, attr.name, H5T_IEEE_F64LE, scalar.get(), H5T_NATIVE_DOUBLE, &value);
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          write_attribute(location, attr.name, H5T_STD_U64LE, scalar.get(), H5T_NATIVE_UINT64, &value);
        } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
          const Handle space = make_dataspace({static_cast<hsize_t>(value.size())});
          write_attribute(location, attr.name, H5T_STD_I64LE, space.get(), H5T_NATIVE_INT64, value.data());
        } else {
          write_attribute(location, attr.name, H5T_STD_I64LE, scalar.get(), H5T_NATIVE_INT64, &value);
        }
      },
      attr.value);
}

void write_attributes(hid_t location, const std::vector<Attribute>& attrs) {
  for (const Attribute& attr : attrs) write_attribute(location, attr);
}

void write_int_attribute(hid_t location, const std::string& name, const std::vector<int>& values) {
  const hsize_t count = values.size();
  const Handle space =
      values.size() == 1 ? Handle(H5Screate(H5S_SCALAR), H5Sclose, "creating dataspace") : make_dataspace({count});
  write_attribute(location, name, H5T_NATIVE_INT, space.get(), H5T_NATIVE_INT, values.data());
}

/// Provenance attribute netCDF-C reads to recognise a netCDF-4 file (h5netcdf writes its
/// own in the same key=value form).
void write_provenance(hid_t root) {
  unsigned major = 0, minor = 0, release = 0;
  check(H5get_libversion(&major, &minor, &release), "reading HDF5 version");
  const std::string text =
      "version=2,hdf5=" + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
  write_text_attribute(root, "_NCProperties", text);
}

// ---------------------------------------------------------------------------------------
// Variables

constexpr std::size_t kChunkingMinElements = 4096;
constexpr std::size_t kTargetChunkBytes = std::size_t{1} << 20;
constexpr unsigned kDeflateLevel = 4;

std::size_t element_bytes(const VariableData& data) {
  // A variable-length string element is stored as a 16-byte global heap reference.
  return std::holds_alternative<std::vector<std::string>>(data) ? 16 : 8;
}

std::vector<hsize_t> shape_of(const Dataset& dataset, const Variable& var) {
  std::vector<hsize_t> shape;
  for (const std::string& dim : var.dims) shape.push_back(dataset.find_dim(dim)->size);
  return shape;
}

hsize_t element_count(const std::vector<hsize_t>& shape) {
  hsize_t count = 1;
  for (const hsize_t size : shape) count *= size;
  return count;
}

/// Whole records along the outermost (time) dimension, as many as fit in about
/// kTargetChunkBytes; inner dimensions are halved only if one record is already too big.
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& shape, std::size_t elem_bytes) {
  std::vector<hsize_t> chunk = shape;
  chunk[0] = 1;
  const auto chunk_bytes = [&] { return element_count(chunk) * elem_bytes; };
  for (std::size_t d = 1; d < chunk.size() && chunk_bytes() > kTargetChunkBytes; ++d) {
    while (chunk[d] > 1 && chunk_bytes() > kTargetChunkBytes) chunk[d] = (chunk[d] + 1) / 2;
  }
  chunk[0] = std::clamp<hsize_t>(kTargetChunkBytes / chunk_bytes(), 1, shape[0]);
  return chunk;
}

Handle make_dataset_creation_plist(const std::vector<hsize_t>& shape, std::size_t elem_bytes) {
  Handle dcpl = make_plist(H5P_DATASET_CREATE);
  // Timestamps would make identical runs produce different bytes.
  check(H5Pset_obj_track_times(dcpl.get(), false), "configuring dataset");
  check(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "configuring dataset");
  if (shape.size() >= 2 && element_count(shape) > kChunkingMinElements) {
    const std::vector<hsize_t> chunk = chunk_shape(shape, elem_bytes);
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "configuring chunking");
    check(H5Pset_shuffle(dcpl.get()), "configuring compression");
    check(H5Pset_deflate(dcpl.get(), kDeflateLevel), "configuring compression");
  } else {
    check(H5Pset_layout(dcpl.get(), H5D_CONTIGUOUS), "configuring dataset");
  }
  return dcpl;
}

Handle file_type_of(const VariableData& data) {
  if (std::holds_alternative<std::vector<std::int64_t>>(data)) return copy_type(H5T_STD_I64LE);
  if (std::holds_alternative<std::vector<double>>(data)) return copy_type(H5T_IEEE_F64LE);
  return make_vlen_string_type();
}

void write_values(hid_t dataset, const VariableData& data, const std::string& what) {
  std::visit(
      [&](const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        // Zero-size dataspaces have nothing to write.
        if (values.empty()) return;
        if constexpr (std::is_same_v<T, std::string>) {
          std::vector<const char*> pointers;
          pointers.reserve(values.size());
          for (const std::string& value : values) pointers.push_back(value.c_str());
          const Handle memory_type = make_vlen_string_type();
          check(H5Dwrite(dataset, memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), what);
        } else {
          const hid_t memory_type = std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
          check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what);
        }
      },
      data);
}

/// Creates the dataset for `var` and writes its values (attributes are left to the caller
/// so dimension-scale bookkeeping attributes come first, as netCDF-C orders them).
Handle create_variable(hid_t group, const Dataset& dataset, const Variable& var) {
  const std::string what = "writing variable '" + var.name + "'";
  const std::vector<hsize_t> shape = shape_of(dataset, var);
  const Handle space = make_dataspace(shape);
  const Handle dcpl = make_dataset_creation_plist(shape, element_bytes(var.data));
  const Handle type = file_type_of(var.data);
  Handle ds(H5Dcreate2(group, var.name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
            H5Dclose, what);
  write_values(ds.get(), var.data, what);
  return ds;
}

// ---------------------------------------------------------------------------------------
// Dimensions

/// netCDF-C's marker for a dimension scale that is not a variable, followed by the length
/// formatted as "%10d" exactly as netCDF-C writes it.
std::string phony_dimension_name(std::size_t size) {
  char length[32];
  std::snprintf(length, sizeof length, "%10zu", size);
  return std::string("This is a netCDF dimension but not a netCDF variable.") + length;
}

/// A dimension without a coordinate variable: an unwritten float dataset of the
/// dimension's length, marked as a scale so readers list it as a dimension only.
Handle create_phony_dimension(hid_t group, const Dimension& dim) {
  const std::string what = "writing dimension '" + dim.name + "'";
  const Handle space = make_dataspace({dim.size});
  Handle dcpl = make_plist(H5P_DATASET_CREATE);
  check(H5Pset_obj_track_times(dcpl.get(), false), what);
  check(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), what);
  Handle ds(H5Dcreate2(group, dim.name.c_str(), H5T_IEEE_F32BE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
            H5Dclose, what);
  check(H5DSset_scale(ds.get(), phony_dimension_name(dim.size).c_str()), what);
  return ds;
}

/// One dimension scale per dimension, in dimension order (index = netCDF dimension id):
/// the coordinate variable if there is one, a phony dimension dataset otherwise.
std::vector<Handle> create_dimension_scales(hid_t group, const Dataset& dataset) {
  std::vector<Handle> scales;
  scales.reserve(dataset.dims.size());
  for (std::size_t id = 0; id < dataset.dims.size(); ++id) {
    const Dimension& dim = dataset.dims[id];
    const Variable* coord = dataset.find_variable(dim.name);
    Handle scale = coord != nullptr ? create_variable(group, dataset, *coord) : create_phony_dimension(group, dim);
    if (coord != nullptr) {
      check(H5DSset_scale(scale.get(), coord->name.c_str()), "marking '" + coord->name + "' as a dimension scale");
    }
    // Fixes the dimension ids on read, independent of the order readers discover scales.
    write_int_attribute(scale.get(), "_Netcdf4Dimid", {static_cast<int>(id)});
    if (coord != nullptr) write_attributes(scale.get(), coord->attrs);
    scales.push_back(std::move(scale));
  }
  return scales;
}

std::size_t dimension_id(const Dataset& dataset, const std::string& name) {
  return static_cast<std::size_t>(dataset.find_dim(name) - dataset.dims.data());
}

void write_data_variable(hid_t group, const Dataset& dataset, const Variable& var, const std::vector<Handle>& scales) {
  const Handle ds = create_variable(group, dataset, var);
  std::vector<int> dimids;
  for (unsigned axis = 0; axis < var.dims.size(); ++axis) {
    const std::size_t id = dimension_id(dataset, var.dims[axis]);
    dimids.push_back(static_cast<int>(id));
    check(H5DSattach_scale(ds.get(), scales[id].get(), axis),
          "attaching dimension '" + var.dims[axis] + "' to variable '" + var.name + "'");
  }
  // netCDF-C writes the dimension ids of multi-dimensional variables so it need not
  // match scales on open.
  if (dimids.size() > 1) write_int_attribute(ds.get(), "_Netcdf4Coordinates", dimids);
  write_attributes(ds.get(), var.attrs);
}

// ---------------------------------------------------------------------------------------
// File image
//
// The file is built in memory (core driver without backing store) and written out with
// plain POSIX I/O. HDF5 1.10 cannot recover from a failed H5Fclose (a metadata flush that
// hits a full disk leaves a half-closed file that crashes the library at exit), so HDF5
// must never touch the disk itself.

void write_contents(hid_t file, const Dataset& dataset) {
  const Handle root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose, "opening root group");
  write_provenance(root.get());
  write_attributes(root.get(), dataset.attrs);
  const std::vector<Handle> scales = create_dimension_scales(root.get(), dataset);
  for (const Variable& var : dataset.variables) {
    const bool is_coordinate = dataset.find_dim(var.name) != nullptr;  // already written
    if (!is_coordinate) write_data_variable(root.get(), dataset, var, scales);
  }
}

/// The complete netCDF-4 file as bytes.
std::vector<char> build_file_image(const Dataset& dataset, const std::string& name) {
  Handle file = create_in_memory_file(name);
  write_contents(file.get(), dataset);
  return take_file_image(std::move(file));
}

}  // namespace

void write_netcdf4(const Dataset& dataset, const std::filesystem::path& path, const CancelCheck& cancelled) {
  const std::string failure = "cannot write " + path.string() + ": ";
  try {
    dataset.check();
  } catch (const OutputError& e) {
    throw OutputError(failure + e.what());
  }
  check_output_target(path);  // before the image is built: a bad target fails fast
  std::vector<char> image;
  try {
    const std::lock_guard lock(hdf5_mutex());
    const QuietHdf5Errors quiet;
    image = build_file_image(dataset, path.filename().string());
  } catch (const WriteFailure& e) {
    throw OutputError(failure + e.what());
  }
  write_file_atomically(path, image, cancelled);
}

}  // namespace migsim::output
