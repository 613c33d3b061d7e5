// Helpers shared by the GoogleTest files: message checks, file text, NaN-safe dataset comparison.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "migsim/dataset.hpp"
#include "migsim/outputs.hpp"

namespace migsim_test {

/// A new, empty folder for the running test, named after `prefix`, the process and the test (so
/// parallel ctest runs never share one); the fixture removes it in TearDown.
inline std::filesystem::path fresh_test_folder(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto folder =
      std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()) + "_" + info->name());
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

/// Index of a stock cell [origin][location][status], in the layout of migsim::OutputShape.
inline std::size_t stock_cell(std::size_t n_locations, std::size_t o, std::size_t l, std::size_t s) {
  return migsim::OutputShape{0, n_locations, 0}.stock(o, l, s);
}

inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not found in: " << text;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

/// Every variable of a dataset, with real data as bit patterns so that NaN (no quota in force)
/// compares equal to itself.
inline std::map<std::string, migsim::output::VariableData> variables_of(const migsim::output::Dataset& ds) {
  std::map<std::string, migsim::output::VariableData> out;
  for (const auto& v : ds.variables) {
    out[v.name] = v.data;
    if (const auto* reals = std::get_if<std::vector<double>>(&v.data)) {
      std::vector<std::int64_t> bits(reals->size());
      std::memcpy(bits.data(), reals->data(), reals->size() * sizeof(double));
      out[v.name] = bits;
    }
  }
  return out;
}

/// The names of the variables that differ between two results ("" when none does): a readable
/// failure message instead of two dumps of every array.
inline std::string differing(const migsim::output::Dataset& a, const migsim::output::Dataset& b) {
  const auto x = variables_of(a), y = variables_of(b);
  std::string names;
  for (const auto& [name, values] : x)
    if (!y.count(name) || !(y.at(name) == values)) names += name + " ";
  for (const auto& [name, values] : y)
    if (!x.count(name)) names += name + " ";
  return names;
}

}  // namespace migsim_test
