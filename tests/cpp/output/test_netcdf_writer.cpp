// Tests for Dataset::check and write_netcdf4: the file is read back with the plain HDF5 API
// and checked for the netCDF-4 conventions that netCDF-C and h5netcdf rely on.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../test_support.hpp"
#include "migsim/dataset.hpp"
#include "migsim/errors.hpp"

namespace migsim::output {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPhonyPrefix = "This is a netCDF dimension but not a netCDF variable.";

// ---------------------------------------------------------------------------------------
// Reading helpers

/// Closes an HDF5 identifier at scope exit.
class Id {
 public:
  Id(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  ~Id() {
    if (id_ >= 0) closer_(id_);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

Id open_file(const fs::path& path) { return Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose); }

Id open_dataset(const Id& file, const std::string& name) {
  return Id(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
}

std::vector<hsize_t> shape_of(const Id& file, const std::string& name) {
  const Id ds = open_dataset(file, name);
  const Id space(H5Dget_space(ds.get()), H5Sclose);
  std::vector<hsize_t> shape(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr);
  return shape;
}

hsize_t element_count(const Id& file, const std::string& name) {
  hsize_t count = 1;
  for (const hsize_t size : shape_of(file, name)) count *= size;
  return count;
}

template <typename T>
std::vector<T> read_numbers(const Id& file, const std::string& name, hid_t memory_type) {
  const Id ds = open_dataset(file, name);
  std::vector<T> values(element_count(file, name));
  EXPECT_GE(H5Dread(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  return values;
}

std::vector<std::string> read_strings(const Id& file, const std::string& name) {
  const Id ds = open_dataset(file, name);
  const Id type(H5Dget_type(ds.get()), H5Tclose);
  EXPECT_TRUE(H5Tis_variable_str(type.get()) > 0) << name << " is not a variable-length string";
  EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_UTF8);
  const Id memory_type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory_type.get(), H5T_VARIABLE);
  H5Tset_cset(memory_type.get(), H5T_CSET_UTF8);  // HDF5 does not convert between csets
  std::vector<char*> raw(element_count(file, name));
  EXPECT_GE(H5Dread(ds.get(), memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  std::vector<std::string> values(raw.begin(), raw.end());
  const Id space(H5Dget_space(ds.get()), H5Sclose);
  H5Dvlen_reclaim(memory_type.get(), space.get(), H5P_DEFAULT, raw.data());
  return values;
}

/// A text attribute as netCDF reads it: a fixed-size string of exactly the text's length.
std::string read_text_attribute(hid_t location, const std::string& name) {
  const Id attr(H5Aopen(location, name.c_str(), H5P_DEFAULT), H5Aclose);
  EXPECT_TRUE(attr.valid()) << "missing attribute " << name;
  const Id type(H5Aget_type(attr.get()), H5Tclose);
  EXPECT_EQ(H5Tget_class(type.get()), H5T_STRING);
  EXPECT_EQ(H5Tis_variable_str(type.get()), 0) << name << " should be fixed-size text";
  const Id space(H5Aget_space(attr.get()), H5Sclose);
  if (H5Sget_simple_extent_type(space.get()) == H5S_NULL) return "";
  std::string text(H5Tget_size(type.get()), '\0');
  EXPECT_GE(H5Aread(attr.get(), type.get(), text.data()), 0);
  return text;
}

template <typename T>
T read_scalar_attribute(hid_t location, const std::string& name, hid_t memory_type) {
  const Id attr(H5Aopen(location, name.c_str(), H5P_DEFAULT), H5Aclose);
  EXPECT_TRUE(attr.valid()) << "missing attribute " << name;
  T value{};
  EXPECT_GE(H5Aread(attr.get(), memory_type, &value), 0);
  return value;
}

// ---------------------------------------------------------------------------------------
// Fixtures

std::string big_text() {
  std::string text(100 * 1024, 'y');
  text.replace(0, 16, "scenario: demo\n#");
  text.back() = 'Z';
  return text;
}

Dataset small_dataset() {
  Dataset ds;
  ds.dims = {{"time", 3}, {"origin", 2}, {"country", 2}};
  ds.variables.push_back(
      {"time",
       {"time"},
       std::vector<std::int64_t>{0, 31, 59},
       {{"units", std::string("days since 2010-01-01")}, {"calendar", std::string("proleptic_gregorian")}}});
  ds.variables.push_back({"origin", {"origin"}, std::vector<std::string>{"SYR", "Côte d'Ivoire"}, {}});
  ds.variables.push_back({"population",
                          {"time", "origin"},
                          std::vector<std::int64_t>{1, 2, 3, 4, 5, 6},
                          {{"long_name", std::string("population")}}});
  ds.variables.push_back({"remittances_usd",
                          {"time", "origin"},
                          std::vector<double>{0.5, 1.5, 2.5, 3.5, 4.5, 5.5},
                          {{"units", std::string("USD")}}});
  ds.variables.push_back({"weight", {"country"}, std::vector<double>{0.25, 0.75}, {}});
  ds.attrs = {{"title", std::string("migsim test")},
              {"seed", std::int64_t{-42}},
              {"scale", 0.125},
              {"note", std::string()},
              {"scenario", big_text()}};
  return ds;
}

class NetcdfWriterTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = migsim_test::fresh_test_folder("migsim_writer_"); }
  void TearDown() override { fs::remove_all(dir_); }

  /// Everything in the test folder, hidden temporary files included.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

// ---------------------------------------------------------------------------------------
// Dataset::check

TEST(DatasetCheck, AcceptsWellFormedDataset) {
  const Dataset ds = small_dataset();
  EXPECT_NO_THROW(ds.check());
  ASSERT_NE(ds.find_dim("origin"), nullptr);
  EXPECT_EQ(ds.find_dim("origin")->size, 2u);
  EXPECT_EQ(ds.find_dim("nope"), nullptr);
  ASSERT_NE(ds.find_variable("weight"), nullptr);
  EXPECT_EQ(ds.find_variable("weight")->dims, std::vector<std::string>{"country"});
  EXPECT_EQ(ds.find_variable("nope"), nullptr);
}

void expect_check_error(const Dataset& ds, const std::string& fragment) {
  try {
    ds.check();
    ADD_FAILURE() << "check() accepted a dataset that should fail with: " << fragment;
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(DatasetCheck, RejectsUnknownDimension) {
  Dataset ds = small_dataset();
  ds.variables[2].dims = {"time", "destination"};
  expect_check_error(ds, "variable \"population\" uses dimension \"destination\"");
}

TEST(DatasetCheck, RejectsDataSizeMismatch) {
  Dataset ds = small_dataset();
  ds.variables[3].data = std::vector<double>{1.0, 2.0};
  expect_check_error(ds, "variable \"remittances_usd\" has 2 values");
}

TEST(DatasetCheck, RejectsCoordinateVariableWithOtherDims) {
  Dataset ds = small_dataset();
  ds.variables[1].dims = {"time"};
  ds.variables[1].data = std::vector<std::string>{"a", "b", "c"};
  expect_check_error(ds, "variable \"origin\" has the name of a dimension");
}

TEST(DatasetCheck, RejectsDuplicateNames) {
  Dataset dims = small_dataset();
  dims.dims.push_back({"origin", 2});
  expect_check_error(dims, "duplicate dimension name \"origin\"");

  Dataset vars = small_dataset();
  vars.variables.push_back(vars.variables[4]);
  expect_check_error(vars, "duplicate variable name \"weight\"");

  Dataset attrs = small_dataset();
  attrs.attrs.push_back({"seed", std::int64_t{1}});
  expect_check_error(attrs, "duplicate global attribute name \"seed\"");
}

TEST(DatasetCheck, RejectsNamesHdf5CannotStore) {
  Dataset slash = small_dataset();
  slash.variables[4].name = "a/b";
  expect_check_error(slash, "\"a/b\" has an invalid name");

  Dataset reserved = small_dataset();
  reserved.variables[2].attrs.push_back({"DIMENSION_LIST", 1.0});
  expect_check_error(reserved, "reserved");
}

// ---------------------------------------------------------------------------------------
// write_netcdf4: content

TEST_F(NetcdfWriterTest, RoundTripsValuesDimensionsAndAttributes) {
  const fs::path path = dir_ / "out.nc";
  write_netcdf4(small_dataset(), path);

  const Id file = open_file(path);
  ASSERT_TRUE(file.valid());
  EXPECT_EQ(shape_of(file, "population"), (std::vector<hsize_t>{3, 2}));
  EXPECT_EQ(read_numbers<std::int64_t>(file, "population", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(read_numbers<double>(file, "remittances_usd", H5T_NATIVE_DOUBLE),
            (std::vector<double>{0.5, 1.5, 2.5, 3.5, 4.5, 5.5}));
  EXPECT_EQ(read_numbers<std::int64_t>(file, "time", H5T_NATIVE_INT64), (std::vector<std::int64_t>{0, 31, 59}));
  EXPECT_EQ(read_strings(file, "origin"), (std::vector<std::string>{"SYR", "Côte d'Ivoire"}));

  const Id time = open_dataset(file, "time");
  EXPECT_EQ(read_text_attribute(time.get(), "units"), "days since 2010-01-01");
  EXPECT_EQ(read_text_attribute(time.get(), "calendar"), "proleptic_gregorian");
  const Id remittances = open_dataset(file, "remittances_usd");
  EXPECT_EQ(read_text_attribute(remittances.get(), "units"), "USD");

  EXPECT_EQ(read_text_attribute(file.get(), "title"), "migsim test");
  EXPECT_EQ(read_scalar_attribute<std::int64_t>(file.get(), "seed", H5T_NATIVE_INT64), -42);
  EXPECT_EQ(read_scalar_attribute<double>(file.get(), "scale", H5T_NATIVE_DOUBLE), 0.125);
  EXPECT_EQ(read_text_attribute(file.get(), "note"), "");
  EXPECT_EQ(read_text_attribute(file.get(), "scenario"), big_text());
}

TEST_F(NetcdfWriterTest, WritesDimensionsAsAttachedScales) {
  const fs::path path = dir_ / "out.nc";
  write_netcdf4(small_dataset(), path);

  const Id file = open_file(path);
  const Id time = open_dataset(file, "time");
  const Id origin = open_dataset(file, "origin");
  const Id country = open_dataset(file, "country");
  const Id population = open_dataset(file, "population");
  const Id weight = open_dataset(file, "weight");
  EXPECT_GT(H5DSis_scale(time.get()), 0);
  EXPECT_GT(H5DSis_scale(origin.get()), 0);
  EXPECT_GT(H5DSis_scale(country.get()), 0);
  EXPECT_EQ(H5DSis_scale(population.get()), 0);
  EXPECT_GT(H5DSis_attached(population.get(), time.get(), 0), 0);
  EXPECT_GT(H5DSis_attached(population.get(), origin.get(), 1), 0);
  EXPECT_GT(H5DSis_attached(weight.get(), country.get(), 0), 0);

  // A dimension without a coordinate variable is netCDF-C's "phony" dimension dataset.
  char name[128] = {};
  ASSERT_GT(H5DSget_scale_name(country.get(), name, sizeof name), 0);
  EXPECT_EQ(std::string(name), std::string(kPhonyPrefix) + "         2");
  EXPECT_EQ(shape_of(file, "country"), (std::vector<hsize_t>{2}));
  EXPECT_EQ(read_scalar_attribute<int>(country.get(), "_Netcdf4Dimid", H5T_NATIVE_INT), 2);
  EXPECT_EQ(read_scalar_attribute<int>(origin.get(), "_Netcdf4Dimid", H5T_NATIVE_INT), 1);
}

TEST_F(NetcdfWriterTest, TracksCreationOrderAsNetcdfExpects) {
  const fs::path path = dir_ / "out.nc";
  write_netcdf4(small_dataset(), path);

  const Id file = open_file(path);
  const Id root(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
  const Id gcpl(H5Gget_create_plist(root.get()), H5Pclose);
  unsigned link_order = 0, attr_order = 0;
  H5Pget_link_creation_order(gcpl.get(), &link_order);
  H5Pget_attr_creation_order(gcpl.get(), &attr_order);
  EXPECT_EQ(link_order, unsigned{H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED});
  EXPECT_EQ(attr_order, unsigned{H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED});
}

TEST_F(NetcdfWriterTest, ChunksAndCompressesOnlyLargeMultiDimensionalVariables) {
  Dataset ds = small_dataset();
  ds.dims.push_back({"location", 2000});
  std::vector<std::int64_t> stock(3 * 2 * 2000);
  for (std::size_t i = 0; i < stock.size(); ++i) stock[i] = static_cast<std::int64_t>(i);
  ds.variables.push_back({"stock", {"time", "origin", "location"}, stock, {}});
  const fs::path path = dir_ / "out.nc";
  write_netcdf4(ds, path);

  const Id file = open_file(path);
  EXPECT_EQ(read_numbers<std::int64_t>(file, "stock", H5T_NATIVE_INT64), stock);
  const Id big = open_dataset(file, "stock");
  const Id big_dcpl(H5Dget_create_plist(big.get()), H5Pclose);
  EXPECT_EQ(H5Pget_layout(big_dcpl.get()), H5D_CHUNKED);
  std::vector<hsize_t> chunk(3);
  H5Pget_chunk(big_dcpl.get(), 3, chunk.data());
  EXPECT_GE(chunk[0], 1u);
  EXPECT_EQ(chunk[2], 2000u);
  EXPECT_EQ(H5Pget_nfilters(big_dcpl.get()), 2);  // shuffle + deflate

  const Id small = open_dataset(file, "population");
  const Id small_dcpl(H5Dget_create_plist(small.get()), H5Pclose);
  EXPECT_EQ(H5Pget_layout(small_dcpl.get()), H5D_CONTIGUOUS);
}

TEST_F(NetcdfWriterTest, WritesZeroSizeDimensions) {
  Dataset ds = small_dataset();
  ds.dims[0].size = 0;
  ds.variables[0].data = std::vector<std::int64_t>{};
  ds.variables[2].data = std::vector<std::int64_t>{};
  ds.variables[3].data = std::vector<double>{};
  const fs::path path = dir_ / "out.nc";
  write_netcdf4(ds, path);

  const Id file = open_file(path);
  EXPECT_EQ(shape_of(file, "population"), (std::vector<hsize_t>{0, 2}));
  EXPECT_EQ(shape_of(file, "time"), (std::vector<hsize_t>{0}));
}

// ---------------------------------------------------------------------------------------
// write_netcdf4: failures and atomicity

TEST_F(NetcdfWriterTest, InvalidDatasetThrowsAndWritesNothing) {
  Dataset ds = small_dataset();
  ds.variables[2].dims = {"time", "nowhere"};
  EXPECT_THROW(write_netcdf4(ds, dir_ / "out.nc"), OutputError);
  EXPECT_TRUE(entries().empty());
}

TEST_F(NetcdfWriterTest, MissingDirectoryThrowsAndLeavesNothing) {
  const fs::path path = dir_ / "missing" / "out.nc";
  try {
    write_netcdf4(small_dataset(), path);
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot write " + path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("no such directory"), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(dir_ / "missing"));  // the caller creates folders, not the writer
  EXPECT_TRUE(entries().empty());
}

TEST_F(NetcdfWriterTest, OverwritesExistingFile) {
  const fs::path path = dir_ / "out.nc";
  std::ofstream(path) << "not an HDF5 file";
  write_netcdf4(small_dataset(), path);

  Dataset second = small_dataset();
  second.variables[2].data = std::vector<std::int64_t>{10, 20, 30, 40, 50, 60};
  write_netcdf4(second, path);

  const Id file = open_file(path);
  ASSERT_TRUE(file.valid());
  EXPECT_EQ(read_numbers<std::int64_t>(file, "population", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(entries(), std::vector<std::string>{"out.nc"});
}

TEST_F(NetcdfWriterTest, LeavesNoTemporaryFileAfterSuccess) {
  write_netcdf4(small_dataset(), dir_ / "a.nc");
  write_netcdf4(small_dataset(), dir_ / "b.nc");
  EXPECT_EQ(entries(), (std::vector<std::string>{"a.nc", "b.nc"}));
}

TEST_F(NetcdfWriterTest, FailedRenameRemovesTemporaryFile) {
  // A non-empty directory cannot be replaced by a file, so the last step fails.
  fs::create_directories(dir_ / "out.nc" / "keep");
  EXPECT_THROW(write_netcdf4(small_dataset(), dir_ / "out.nc"), OutputError);
  EXPECT_EQ(entries(), std::vector<std::string>{"out.nc"});
  EXPECT_TRUE(fs::is_directory(dir_ / "out.nc" / "keep"));
}

TEST_F(NetcdfWriterTest, FailureKeepsExistingFileAndReportsReason) {
  // The target name fits in NAME_MAX but the temporary name derived from it does not.
  const fs::path path = dir_ / (std::string(247, 'n') + ".h5");
  std::ofstream(path) << "previous contents";
  try {
    write_netcdf4(small_dataset(), path);
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("cannot write " + path.string() + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("File name too long"), std::string::npos) << message;
  }
  EXPECT_EQ(entries(), std::vector<std::string>{path.filename().string()});
  std::ifstream in(path);
  const std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, "previous contents");
}

/// Caps the size of files this process may write (RLIMIT_FSIZE), so writes past it fail with
/// EFBIG like on a full disk; restores the limit and the SIGXFSZ handler afterwards.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &previous_);
    rlimit limited = previous_;
    limited.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &previous_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit previous_{};
  void (*previous_handler_)(int) = SIG_DFL;
};

TEST_F(NetcdfWriterTest, DiskWriteFailureRemovesTemporaryFileAndReleasesHandles) {
  Dataset ds = small_dataset();
  ds.dims.push_back({"sample", 500000});
  ds.variables.push_back({"draws", {"sample"}, std::vector<double>(500000, 0.5), {}});  // 4 MB, uncompressed
  const fs::path path = dir_ / "out.nc";
  {
    const FileSizeLimit limit(256 * 1024);
    try {
      write_netcdf4(ds, path);
      FAIL() << "expected OutputError";
    } catch (const OutputError& e) {
      EXPECT_NE(std::string(e.what()).find("File too large"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(entries().empty());
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);

  write_netcdf4(ds, path);  // the library is still usable afterwards
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
  EXPECT_EQ(entries(), std::vector<std::string>{"out.nc"});
}

TEST_F(NetcdfWriterTest, RestoresHdf5ErrorPrinting) {
  H5E_auto2_t before = nullptr;
  void* before_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &before, &before_data);
  EXPECT_THROW(write_netcdf4(small_dataset(), dir_ / std::string(250, 'n')), OutputError);
  write_netcdf4(small_dataset(), dir_ / "out.nc");
  H5E_auto2_t after = nullptr;
  void* after_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &after, &after_data);
  EXPECT_EQ(after, before);
  EXPECT_EQ(after_data, before_data);
}

}  // namespace
}  // namespace migsim::output
