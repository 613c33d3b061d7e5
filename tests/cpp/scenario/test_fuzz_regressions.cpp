// The scenario loader's fuzz findings, kept (issue 16): every input in tests/data/fuzz-regressions
// (archive format of tests/fuzz/scenario_archive.hpp) is loaded as the fuzzer loads it and must be
// refused with a migsim::Error or load and reload from its resolved YAML; the built-in and test
// scenarios, packed the same way, must load. Under `make test-sanitize` this also checks them for
// memory errors and undefined behaviour.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "../test_support.hpp"
#include "scenario_archive.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path kRegressions = fs::path(MIGSIM_TEST_DATA) / "fuzz-regressions";

/// A folder packed as the fuzz seeds are (tools/fuzz_seeds.py): scenario.yaml and CSV tables.
std::string packed(const fs::path& folder) {
  migsim_fuzz::Files files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().filename() == "scenario.yaml" || entry.path().extension() == ".csv")
      files[entry.path().filename().string()] = migsim_test::read_text(entry.path());
  return migsim_fuzz::pack(files);
}

}  // namespace

TEST(FuzzRegressions, EveryKeptInputIsRefusedCleanlyOrLoads) {
  std::set<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(kRegressions))
    if (entry.is_regular_file() && entry.path().filename() != "README.md") inputs.insert(entry.path());
  ASSERT_GE(inputs.size(), 5u) << "the regression corpus is missing: " << kRegressions;
  for (const auto& input : inputs) {
    SCOPED_TRACE(input.filename().string());
    std::string problem;
    EXPECT_NO_THROW(problem = migsim_fuzz::finding(migsim_test::read_text(input)));
    EXPECT_EQ(problem, "");
  }
}

TEST(FuzzRegressions, TheArchiveFormatHoldsAWholeScenario) {
  const std::string text = packed(fs::path(MIGSIM_TEST_DATA) / "two-region");
  const auto files = migsim_fuzz::unpack(text);
  EXPECT_EQ(files.size(), 9u);
  EXPECT_EQ(migsim_fuzz::pack(files), text);
  const migsim::Scenario sc = migsim_fuzz::load_archive(text);
  EXPECT_EQ(sc.params.name, "two-region");
  EXPECT_EQ(migsim_fuzz::finding(text), "");
  // A table the archive lacks is a TableError naming it, not a read from disk.
  auto without = files;
  without.erase("regions.csv");
  EXPECT_THROW(migsim_fuzz::load_archive(migsim_fuzz::pack(without)), migsim::TableError);
}

TEST(FuzzRegressions, AnArchiveExtendsABaseInASubfolderOrABuiltIn) {
  auto base = migsim_fuzz::unpack(packed(fs::path(MIGSIM_TEST_DATA) / "two-region"));
  migsim_fuzz::Files files{{"scenario.yaml", "extends: base\nname: derived\nrun:\n  seed: 11\n"}};
  for (const auto& [name, content] : base) files["base/" + name] = content;
  const migsim::Scenario derived = migsim_fuzz::load_archive(migsim_fuzz::pack(files));
  EXPECT_EQ(derived.params.name, "derived");
  EXPECT_EQ(derived.params.seed, 11);
  EXPECT_EQ(migsim_fuzz::finding(migsim_fuzz::pack(files)), "");
  const std::string builtin = "extends: no-eaeu\nname: derived\n";
  EXPECT_EQ(migsim_fuzz::load_archive(builtin).events.size(),
            migsim::load_scenario(std::string("no-eaeu")).events.size());
  EXPECT_EQ(migsim_fuzz::finding(builtin), "");
}
