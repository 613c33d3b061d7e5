// Tests for which files a scenario may read (issue 16): tables confined to the scenario's folder
// and those of the scenarios it extends, symbolic links resolved, unless outside paths are
// allowed; only regular files of bounded size holding UTF-8 text, and a message that says what
// kind of file was found instead of quoting it.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "../test_support.hpp"
#include "migsim/errors.hpp"
#include "migsim/scenario.hpp"
#include "scenario/text_file.hpp"

namespace {

using migsim_test::Contains;
using migsim_test::read_text;
using migsim_test::write_text;
namespace fs = std::filesystem;

const fs::path kTwoRegion = fs::path(MIGSIM_TEST_DATA) / "two-region";

/// A temporary folder holding a copy of two-region in `scenario/`, removed at the end.
class Folder : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = migsim_test::fresh_test_folder("migsim-files-");
    fs::create_directories(root_ / "scenario");
    for (const auto& entry : fs::directory_iterator(kTwoRegion))
      fs::copy_file(entry.path(), root_ / "scenario" / entry.path().filename());
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path scenario() const { return root_ / "scenario"; }

  /// The ScenarioError message of loading the scenario with `set` as an override ("" if it loads).
  std::string refusal(const std::string& set, bool allow_outside = false) const {
    try {
      migsim::load_scenario(scenario().string(), {migsim::parse_override(set)}, allow_outside);
    } catch (const migsim::ScenarioError& e) {
      return e.what();
    }
    return "";
  }

  fs::path root_;
};

TEST_F(Folder, ATableOutsideTheFolderIsRefusedUnlessAllowed) {
  fs::copy_file(scenario() / "regions.csv", root_ / "elsewhere.csv");
  for (const std::string& path : {std::string("../elsewhere.csv"), (root_ / "elsewhere.csv").string()}) {
    const std::string message = refusal("tables.regions=" + path);
    EXPECT_TRUE(Contains(message, "outside the scenario's folder " + fs::canonical(scenario()).string()));
    EXPECT_TRUE(Contains(message, "--allow-outside-paths"));
    EXPECT_EQ(refusal("tables.regions=" + path, true), "");
  }
  EXPECT_TRUE(Contains(refusal("tables.regions=/proc/self/environ"), "outside the scenario's folder"));
}

TEST_F(Folder, ASymbolicLinkLeadingOutIsRefusedAndOneStayingInsideIsRead) {
  fs::copy_file(scenario() / "regions.csv", root_ / "elsewhere.csv");
  fs::create_symlink(root_ / "elsewhere.csv", scenario() / "link-out.csv");
  fs::create_symlink(scenario() / "regions.csv", scenario() / "link-in.csv");
  EXPECT_TRUE(Contains(refusal("tables.regions=link-out.csv"), "outside the scenario's folder"));
  EXPECT_EQ(refusal("tables.regions=link-in.csv"), "");
}

TEST_F(Folder, AScenarioMayReadTheFoldersOfTheScenariosItExtends) {
  fs::create_directories(root_ / "derived");
  write_text(root_ / "derived" / "scenario.yaml",
             "extends: ../scenario\nname: derived\ntables:\n  regions: ../scenario/regions.csv\n");
  const migsim::Scenario sc = migsim::load_scenario((root_ / "derived").string());
  EXPECT_EQ(sc.params.name, "derived");
  write_text(root_ / "derived" / "scenario.yaml", "extends: ../scenario\ntables:\n  regions: ../../regions.csv\n");
  EXPECT_THROW(migsim::load_scenario((root_ / "derived").string()), migsim::ScenarioError);
}

TEST_F(Folder, ADerivedScenarioWithoutANameIsNamedAfterItsFileNotItsBase) {
  fs::create_directories(root_ / "derived");
  write_text(root_ / "derived" / "scenario.yaml", "extends: ../scenario\n");
  EXPECT_EQ(migsim::load_scenario((root_ / "derived").string()).params.name, "derived");
  write_text(root_ / "derived" / "what-if.yaml", "extends: ../scenario\n");
  EXPECT_EQ(migsim::load_scenario((root_ / "derived" / "what-if.yaml").string()).params.name, "what-if");
  write_text(root_ / "derived" / "named.yaml", "extends: ../scenario\nname: closure-test\n");
  EXPECT_EQ(migsim::load_scenario((root_ / "derived" / "named.yaml").string()).params.name, "closure-test");
  // A chain: the file loaded names the run, not the base in between.
  write_text(root_ / "derived" / "on-top.yaml", "extends: .\n");
  EXPECT_EQ(migsim::load_scenario((root_ / "derived" / "on-top.yaml").string()).params.name, "on-top");
  EXPECT_EQ(migsim::load_scenario(scenario().string()).params.name,
            migsim::load_scenario((kTwoRegion / "scenario.yaml").string()).params.name);
}

TEST_F(Folder, AnExtendsCycleIsNamedNotRecursedInto) {
  auto refusal_of = [](const fs::path& path) -> std::string {
    try {
      migsim::load_scenario(path.string());
    } catch (const migsim::ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  write_text(scenario() / "scenario.yaml", "extends: .\n");
  EXPECT_TRUE(Contains(refusal_of(scenario()), ":1: key 'extends': a cycle: "))
      << "was 'more than 8 levels (a cycle?)' after reading the file nine times";
  fs::create_directories(root_ / "a");
  fs::create_directories(root_ / "b");
  write_text(root_ / "a" / "scenario.yaml", "extends: ../b\n");
  write_text(root_ / "b" / "scenario.yaml", "extends: ../a\n");
  const std::string loop = refusal_of(root_ / "a");
  const std::string a = (root_ / "a" / "scenario.yaml").lexically_normal().string();
  const std::string b = (root_ / "b" / "scenario.yaml").lexically_normal().string();
  EXPECT_TRUE(Contains(loop, "a cycle: " + a + " extends " + b + " extends " + a)) << loop;
}

TEST_F(Folder, AScenarioKnowsTheNearestBuiltInItIsOrExtends) {
  EXPECT_EQ(migsim::load_scenario(scenario().string()).builtin_base, "") << "a folder of its own";
  EXPECT_EQ(migsim::load_scenario("quota-cut").builtin_base, "quota-cut") << "a built-in is its own base";
  fs::create_directories(root_ / "derived");
  write_text(root_ / "derived" / "scenario.yaml", "extends: quota-cut\nname: quota-third\n");
  EXPECT_EQ(migsim::load_scenario((root_ / "derived").string()).builtin_base, "quota-cut")
      << "the nearest built-in, not kyrgyzstan, which quota-cut extends";
  write_text(root_ / "derived" / "on-top.yaml", "extends: .\n");
  EXPECT_EQ(migsim::load_scenario((root_ / "derived" / "on-top.yaml").string()).builtin_base, "quota-cut")
      << "through a folder in between";
  // A folder next to the scenario wins over a built-in of the same name, and is no built-in.
  fs::create_directories(root_ / "derived" / "kyrgyzstan");
  fs::copy_file(scenario() / "scenario.yaml", root_ / "derived" / "kyrgyzstan" / "scenario.yaml");
  for (const auto& entry : fs::directory_iterator(scenario()))
    if (entry.path().extension() == ".csv")
      fs::copy_file(entry.path(), root_ / "derived" / "kyrgyzstan" / entry.path().filename());
  write_text(root_ / "derived" / "local.yaml", "extends: kyrgyzstan\n");
  EXPECT_EQ(migsim::load_scenario((root_ / "derived" / "local.yaml").string()).builtin_base, "");
}
TEST_F(Folder, ErrorsInAScenarioFileNotCalledScenarioYamlNameThatFile) {
  write_text(root_ / "scenario" / "what-if.yaml", "extends: .\ncalendar:\n  bogus: 1\n");
  std::string message;
  try {
    migsim::load_scenario((root_ / "scenario" / "what-if.yaml").string());
  } catch (const migsim::ScenarioError& e) {
    message = e.what();
  }
  EXPECT_TRUE(Contains(message, (root_ / "scenario" / "what-if.yaml").string() + ": key 'calendar.bogus'")) << message;
  write_text(root_ / "scenario" / "broken.yaml", "extends: .\nevents: [\n");
  try {
    migsim::load_scenario((root_ / "scenario" / "broken.yaml").string());
    ADD_FAILURE() << "a YAML syntax error was accepted";
  } catch (const migsim::ScenarioError& e) {
    EXPECT_TRUE(Contains(e.what(), (root_ / "scenario" / "broken.yaml").string())) << e.what();
  }
}

TEST_F(Folder, AnEventErrorInADerivedFileGivesItsPlaceInThatFile) {
  // The key path counts the events of the file named, not those it inherits before them.
  std::ofstream(scenario() / "scenario.yaml", std::ios::app)
      << "events:\n  - {type: permit_fee, label: base_fee, start: 2010-06-01, country: BB, amount: 5}\n";
  const auto base = migsim::load_scenario(scenario().string());
  ASSERT_EQ(base.events.size(), 1u);
  const auto error_of = [&](const std::string& events) {
    write_text(root_ / "scenario" / "what-if.yaml", "extends: .\nevents:\n" + events);
    try {
      migsim::load_scenario((root_ / "scenario" / "what-if.yaml").string());
    } catch (const migsim::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string first = "  - {type: permit_fee, label: fee_a, start: 2011-01-01, country: BB, amount: 10}\n";
  const std::string where = (root_ / "scenario" / "what-if.yaml").string();
  const std::string field =
      error_of(first + "  - {type: permit_fee, label: fee_b, start: 2011-01-01, country: BB, amont: 10}\n");
  EXPECT_TRUE(Contains(field, where + ":4: key 'events[1].amont' (label 'fee_b')")) << field;
  const std::string duplicate = error_of("  - {type: permit_fee, label: " + base.events[0].label +
                                         ", start: 2011-01-01, country: BB, amount: 10}\n");
  EXPECT_TRUE(Contains(duplicate, where + ":3: key 'events[0].label': duplicate label")) << duplicate;
}

TEST_F(Folder, AFifoIsRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo((scenario() / "pipe.csv").c_str(), 0666), 0);
  const auto started = std::chrono::steady_clock::now();
  const std::string message = refusal("tables.regions=pipe.csv");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_TRUE(Contains(message, "pipe.csv: it is a FIFO (named pipe); expected a regular file of text"));
}

TEST_F(Folder, ADeviceIsRefusedWithoutReadingIt) {
  // Like /dev/zero (1, 5): endless bytes; refused before any is read, not a bad_alloc.
  if (::mknod((scenario() / "zero.csv").c_str(), S_IFCHR | 0666, makedev(1, 5)) != 0)
    GTEST_SKIP() << "mknod is not permitted here: " << std::strerror(errno);
  EXPECT_TRUE(Contains(refusal("tables.regions=zero.csv"), "zero.csv: it is a character device"));
}

TEST_F(Folder, ABinaryFileIsNamedAsSuchAndNotQuoted) {
  write_text(scenario() / "binary.csv", std::string("\x7f"
                                                    "ELF\x02\x01\x01\0\0secret",
                                                    16));
  const std::string message = refusal("tables.regions=binary.csv");
  EXPECT_TRUE(Contains(message, "binary.csv:1: column 1: the control character 0x7F; expected text"));
  EXPECT_EQ(message.find("secret"), std::string::npos);
  write_text(scenario() / "nul.csv", std::string("name,label\nsecret\0x\n", 20));
  EXPECT_TRUE(Contains(refusal("tables.regions=nul.csv"), "nul.csv:2: column 7: a NUL byte; expected text"));
}

TEST_F(Folder, InvalidUtf8AndControlCharactersInALabelNameTheLine) {
  std::string regions = read_text(scenario() / "regions.csv");
  write_text(scenario() / "regions.csv", regions.replace(regions.find("Away"), 4, "Aw\xC3\x28y"));
  EXPECT_TRUE(Contains(refusal("run.seed=1"), "regions.csv:3: column 8: the byte 0xC3 is not valid UTF-8"));
  regions = read_text(kTwoRegion / "regions.csv");
  write_text(scenario() / "regions.csv", regions.replace(regions.find("Away"), 4, "Aw\x1b[2Jy"));
  EXPECT_TRUE(Contains(refusal("run.seed=1"), "regions.csv:3: column 8: the control character 0x1B"));
  regions = read_text(kTwoRegion / "regions.csv");
  write_text(scenario() / "regions.csv", regions.replace(regions.find("Away"), 4, "Ăway \xF0\x9F\x8C\x8D"));
  EXPECT_EQ(refusal("run.seed=1"), "");  // real UTF-8 is text
}

TEST(CheckText, AcceptsUtf8AndRefusesOverlongFormsSurrogatesAndTruncations) {
  EXPECT_NO_THROW(migsim::detail::check_text("Бишкек,Ош\tx\r\n€ 𝄞", "t"));
  for (const std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\xFF"})
    EXPECT_THROW(migsim::detail::check_text("ok" + bad, "t"), migsim::ScenarioError) << bad;
}

}  // namespace
