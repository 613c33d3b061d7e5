// Tests for output_file.hpp (safe output files) and describe_file_isolated (damaged files):
// devices, FIFOs and symbolic links are never written through, temporary files are created
// exclusively, stale ones are reported, a cancelled write leaves nothing, and a damaged file
// is reported instead of crashing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../test_support.hpp"
#include "migsim/dataset.hpp"
#include "migsim/errors.hpp"
#include "migsim/file_info.hpp"
#include "migsim/output_file.hpp"

namespace migsim::output {
namespace {

namespace fs = std::filesystem;
using migsim_test::Contains;
using migsim_test::read_text;
using migsim_test::write_text;

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = migsim_test::fresh_test_folder("migsim_output_file_"); }
  void TearDown() override {
    detail::set_temporary_name_source({});
    fs::remove_all(dir_);
  }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  /// The message of the OutputError that writing `path` throws ("" if none).
  static std::string refusal(const fs::path& path) {
    try {
      write_file_atomically(path, std::vector<char>{'n', 'e', 'w'});
    } catch (const OutputError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

const std::vector<char> kBytes = {'d', 'a', 't', 'a'};

TEST_F(OutputFileTest, WritesANewPathAndReplacesARegularFile) {
  write_file_atomically(dir_ / "a.h5", kBytes);
  write_text(dir_ / "b.h5", "old");
  write_file_atomically(dir_ / "b.h5", kBytes);
  EXPECT_EQ(read_text(dir_ / "a.h5"), "data");
  EXPECT_EQ(read_text(dir_ / "b.h5"), "data");
  EXPECT_EQ(entries(), (std::vector<std::string>{"a.h5", "b.h5"}));
}

TEST_F(OutputFileTest, RefusesACharacterDeviceAndLeavesIt) {
  const fs::path device = dir_ / "null";
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
    GTEST_SKIP() << "mknod is not permitted here: " << std::strerror(errno);
  EXPECT_TRUE(Contains(refusal(device), "it is a character device"));
  EXPECT_TRUE(fs::is_character_file(fs::symlink_status(device)));
  EXPECT_EQ(entries(), std::vector<std::string>{"null"});
}

TEST_F(OutputFileTest, RefusesAFifoWithoutOpeningIt) {
  const fs::path fifo = dir_ / "pipe.h5";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0666), 0);
  EXPECT_TRUE(Contains(refusal(fifo), "it is a FIFO"));
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
}

TEST_F(OutputFileTest, RefusesASymbolicLinkAndKeepsWhatItPointsTo) {
  write_text(dir_ / "victim", "precious");
  fs::create_symlink(dir_ / "victim", dir_ / "out.h5");
  EXPECT_TRUE(Contains(refusal(dir_ / "out.h5"), "it is a symbolic link"));
  EXPECT_EQ(read_text(dir_ / "victim"), "precious");
  EXPECT_TRUE(fs::is_symlink(dir_ / "out.h5"));
}

TEST_F(OutputFileTest, RefusesAFolderAndAMissingFolder) {
  fs::create_directories(dir_ / "folder.h5");
  EXPECT_TRUE(Contains(refusal(dir_ / "folder.h5"), "it is a folder"));
  EXPECT_TRUE(Contains(refusal(dir_ / "missing" / "x.h5"), "no such directory"));
  EXPECT_THROW(check_output_target(""), OutputError);
}

TEST_F(OutputFileTest, WritesOnlyUnderAnHdf5OrNetcdfName) {
  // A run asked for "results.csv" wrote HDF5 under a CSV name.
  EXPECT_TRUE(Contains(refusal(dir_ / "results.csv"),
                       "expected a file ending in .h5, .nc, .hdf5 or .nc4 (HDF5, netCDF-4), found '.csv'; "
                       "`migsim table` writes tables"));
  EXPECT_TRUE(Contains(refusal(dir_ / "results"), "found no extension"));
  EXPECT_EQ(entries(), std::vector<std::string>{}) << "refused before any file was made";
  for (const char* name : {"a.h5", "b.nc", "c.hdf5", "d.nc4", "E.NC"}) EXPECT_EQ(refusal(dir_ / name), "") << name;
  EXPECT_EQ(output_suffix_problem("x.H5"), "");
}

TEST_F(OutputFileTest, NeverWritesThroughASymbolicLinkPlantedAtTheTemporaryName) {
  // The first name tried is taken by a link to a file elsewhere; O_EXCL | O_NOFOLLOW refuse it
  // and the writer moves on to another name.
  write_text(dir_ / "victim", "precious");
  fs::create_symlink(dir_ / "victim", dir_ / ".out.h5.planted.tmp");
  std::vector<std::string> names = {"planted", "planted", "fresh1", "fresh2"};
  detail::set_temporary_name_source([&names] {
    const std::string next = names.front();
    if (names.size() > 1) names.erase(names.begin());
    return next;
  });
  write_file_atomically(dir_ / "out.h5", kBytes);
  EXPECT_EQ(read_text(dir_ / "victim"), "precious");
  EXPECT_EQ(read_text(dir_ / "out.h5"), "data");
  EXPECT_TRUE(fs::is_symlink(dir_ / ".out.h5.planted.tmp"));
  EXPECT_EQ(entries(), (std::vector<std::string>{".out.h5.planted.tmp", "out.h5", "victim"}));
}

TEST_F(OutputFileTest, TemporaryNamesAreUnpredictable) {
  std::vector<std::string> seen;
  detail::set_temporary_name_source({});
  for (int k = 0; k < 3; ++k) {
    write_text(dir_ / ".x.h5.tmp-1", "");  // the old predictable pattern is not used
    write_file_atomically(dir_ / "x.h5", kBytes);
  }
  EXPECT_EQ(entries(), (std::vector<std::string>{".x.h5.tmp-1", "x.h5"}));
}

TEST_F(OutputFileTest, ReportsStaleTemporaryFilesOfTheSameTarget) {
  write_text(dir_ / ".out.h5.0123456789ab.tmp", "");
  write_text(dir_ / ".out.h5.tmp-4242", "");
  write_text(dir_ / ".other.h5.0123456789ab.tmp", "");
  write_text(dir_ / ".out.h5.not-hex.tmp", "");
  const auto stale = check_output_target(dir_ / "out.h5");
  ASSERT_EQ(stale.size(), 2u);
  EXPECT_EQ(stale[0].filename(), ".out.h5.0123456789ab.tmp");
  EXPECT_EQ(stale[1].filename(), ".out.h5.tmp-4242");
  const std::string warning = stale_files_warning(stale);
  EXPECT_TRUE(Contains(warning, (dir_ / ".out.h5.tmp-4242").string()));
  EXPECT_EQ(stale_files_warning({}), "");
  EXPECT_FALSE(fs::exists(dir_ / "out.h5"));  // checking writes nothing
}

TEST_F(OutputFileTest, ACancelledWriteLeavesNoFileAndKeepsTheOldOne) {
  write_text(dir_ / "out.h5", "old");
  int asked = 0;
  EXPECT_THROW(write_file_atomically(dir_ / "out.h5", kBytes, [&asked] { return ++asked > 1; }), WriteCancelled);
  EXPECT_EQ(read_text(dir_ / "out.h5"), "old");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.h5"});
  EXPECT_THROW(write_file_atomically(dir_ / "new.h5", kBytes, [] { return true; }), WriteCancelled);
  EXPECT_EQ(entries(), std::vector<std::string>{"out.h5"});
}

// ---------------------------------------------------------------------------------------
// Damaged files: describe_file_isolated reports them, whatever the bytes

Dataset tiny_dataset() {
  Dataset ds;
  ds.dims = {{"time", 3}, {"country", 2}};
  ds.variables.push_back({"time", {"time"}, std::vector<std::int64_t>{0, 7, 14}, {{"units", std::string("days")}}});
  ds.variables.push_back({"population", {"time", "country"}, std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}, {}});
  ds.attrs = {{"title", std::string("migsim test")}, {"seed", std::uint64_t{1} << 63}};
  return ds;
}

TEST_F(OutputFileTest, DescribesAGoodFileInAChildProcess) {
  write_netcdf4(tiny_dataset(), dir_ / "good.h5");
  const std::string text = describe_file_isolated(dir_ / "good.h5");
  EXPECT_TRUE(Contains(text, "population (time=3 x origin=2)"));
  EXPECT_TRUE(Contains(text, "seed: 9223372036854775808"));  // 2^63, unsigned, as written
}

TEST_F(OutputFileTest, DamagedFilesAreReportedNotCrashedOn) {
  write_netcdf4(tiny_dataset(), dir_ / "good.h5");
  const std::string good = read_text(dir_ / "good.h5");
  std::mt19937 random(16);
  for (int k = 0; k < 60; ++k) {
    std::string bad = good;
    if (k % 4 == 3) {
      bad.resize(random() % bad.size());
    } else {
      for (int flip = 0; flip < 1 + k % 8; ++flip) bad[random() % bad.size()] ^= static_cast<char>(1 + random() % 255);
    }
    write_text(dir_ / "bad.h5", bad);
    try {
      describe_file_isolated(dir_ / "bad.h5", 20);  // a described file is fine too
    } catch (const OutputError& e) {
      EXPECT_TRUE(Contains(e.what(), (dir_ / "bad.h5").string()));
    }
  }
}

}  // namespace
}  // namespace migsim::output
