// How every number the engine writes back as text (resolved scenarios, state files, messages,
// the parameter reference) is spelled, so one value always reads the same.
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace migsim::detail {

/// The shortest text that reads back to the same double ("3000", "0.015", "1e-07"), except that
/// a whole number below 10^15 is written in full ("700000", not the shorter "7e+05"), as a
/// planner typed it.
inline std::string number_text(double value) {
  char buffer[64];
  const bool whole = std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15;
  auto [end, ec] = whole ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                         : std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

}  // namespace migsim::detail
