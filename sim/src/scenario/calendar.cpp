#include "migsim/calendar.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace migsim {

namespace ch = std::chrono;

Date Date::from_ymd(int y, unsigned m, unsigned d) {
  return Date(
      static_cast<std::int32_t>(ch::sys_days(ch::year{y} / ch::month{m} / ch::day{d}).time_since_epoch().count()));
}

bool Date::parse(std::string_view text, Date& out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return false;  // from_chars alone would accept a sign
  auto number = [&](std::size_t pos, std::size_t len, int& value) {
    auto first = text.data() + pos;
    auto [ptr, ec] = std::from_chars(first, first + len, value);
    return ec == std::errc() && ptr == first + len;
  };
  int y = 0, m = 0, d = 0;
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return false;
  ch::year_month_day ymd{ch::year{y}, ch::month{static_cast<unsigned>(m)}, ch::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  out = Date(static_cast<std::int32_t>(ch::sys_days(ymd).time_since_epoch().count()));
  return true;
}

ch::year_month_day Date::ymd() const { return ch::year_month_day{ch::sys_days{ch::days{days_}}}; }
int Date::year() const { return static_cast<int>(ymd().year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymd().month()); }

std::string Date::iso() const {
  auto v = ymd();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(v.year()), static_cast<unsigned>(v.month()),
                static_cast<unsigned>(v.day()));
  return buf;
}

Date Date::add_months(int n) const {
  auto v = ymd();
  ch::year_month_day moved = v.year() / v.month() / v.day() + ch::months{n};
  // Clamp the 31st to the last day of shorter months.
  if (!moved.ok()) moved = moved.year() / moved.month() / ch::last;
  return Date(static_cast<std::int32_t>(ch::sys_days(moved).time_since_epoch().count()));
}

StepUnit parse_step_unit(std::string_view text, bool& ok) {
  ok = true;
  if (text == "day") return StepUnit::Day;
  if (text == "week") return StepUnit::Week;
  if (text == "month") return StepUnit::Month;
  ok = false;
  return StepUnit::Week;
}

std::string_view to_string(StepUnit unit) {
  switch (unit) {
    case StepUnit::Day:
      return "day";
    case StepUnit::Week:
      return "week";
    case StepUnit::Month:
      return "month";
  }
  return "week";
}

namespace {
Date advance(Date d, StepUnit unit, int k) {
  switch (unit) {
    case StepUnit::Day:
      return d.add_days(k);
    case StepUnit::Week:
      return d.add_days(7 * k);
    case StepUnit::Month:
      return d.add_months(k);
  }
  return d;
}
}  // namespace

Calendar::Calendar(Date start, Date end, StepUnit unit) : start_(start), end_(end), unit_(unit) {
  // Months are counted from the start date so that day-of-month clamping never accumulates.
  for (int k = 0;; ++k) {
    Date d = advance(start, unit, k);
    if (d > end) break;
    starts_.push_back(d);
  }
}

Date Calendar::step_end(std::size_t k) const { return advance(start_, unit_, static_cast<int>(k) + 1); }

std::size_t Calendar::steps_until(Date until) const {
  return static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), until) - starts_.begin());
}

}  // namespace migsim
