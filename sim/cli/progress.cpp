#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace migsim::cli {

ProgressBar::ProgressBar(bool enabled)
    : active_(enabled && isatty(fileno(stderr))), start_(std::chrono::steady_clock::now()), last_draw_() {}

void ProgressBar::update(std::size_t done, std::size_t total, const std::string& label) {
  if (!active_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  // Redrawing every step would cost more than a step; 10 frames per second is enough.
  if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(fraction * kWidth);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %3d%%  step %zu/%zu  %s  eta %.0fs ", bar.c_str(), static_cast<int>(fraction * 100),
               done, total, label.c_str(), eta);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!active_) return;
  std::fprintf(stderr, "\r%80s\r", "");
  std::fflush(stderr);
}

std::string group_digits(long long value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

}  // namespace migsim::cli
