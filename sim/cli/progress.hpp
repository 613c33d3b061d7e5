// A one-line progress bar for terminals; silent when stderr is not a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace migsim::cli {

class ProgressBar {
 public:
  /// Draws only if `enabled` and stderr is a terminal.
  explicit ProgressBar(bool enabled);
  void update(std::size_t done, std::size_t total, const std::string& label);
  /// Clears the line.
  void finish();

 private:
  bool active_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

/// 1234567 -> "1,234,567".
std::string group_digits(long long value);

}  // namespace migsim::cli
