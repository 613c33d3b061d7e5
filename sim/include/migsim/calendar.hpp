// Real dates and the step calendar. Events and inputs are dated; steps are derived from dates.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace migsim {

/// Mean days per year and per month, for converting annual rates and monthly amounts to steps.
inline constexpr double kDaysPerYear = 365.25;
inline constexpr double kDaysPerMonth = kDaysPerYear / 12.0;

/// A calendar date, stored as days since 1970-01-01 (proleptic Gregorian).
class Date {
 public:
  constexpr Date() = default;
  explicit constexpr Date(std::int32_t days_since_epoch) : days_(days_since_epoch) {}
  static Date from_ymd(int year, unsigned month, unsigned day);
  /// Parses strict ISO "YYYY-MM-DD"; returns false if malformed or not a real date.
  static bool parse(std::string_view text, Date& out);

  constexpr std::int32_t days() const { return days_; }
  std::chrono::year_month_day ymd() const;
  int year() const;
  unsigned month() const;
  std::string iso() const;
  Date add_months(int months) const;
  constexpr Date add_days(std::int32_t n) const { return Date(days_ + n); }

  friend constexpr auto operator<=>(Date, Date) = default;
  friend constexpr std::int32_t operator-(Date a, Date b) { return a.days_ - b.days_; }

 private:
  std::int32_t days_ = 0;
};

enum class StepUnit { Day, Week, Month };

StepUnit parse_step_unit(std::string_view text, bool& ok);
std::string_view to_string(StepUnit unit);

/// The dates at which steps start, from `start` while <= `end`. Step k covers
/// [starts[k], starts[k+1]); the last step ends one unit after its start.
class Calendar {
 public:
  Calendar(Date start, Date end, StepUnit unit);
  std::size_t steps() const { return starts_.size(); }
  Date start() const { return start_; }
  Date end() const { return end_; }
  StepUnit unit() const { return unit_; }
  Date step_start(std::size_t k) const { return starts_[k]; }
  Date step_end(std::size_t k) const;
  /// Length of step k in days (months vary).
  std::int32_t step_days(std::size_t k) const { return step_end(k) - starts_[k]; }
  /// Number of steps that start on or before `until`.
  std::size_t steps_until(Date until) const;

 private:
  Date start_, end_;
  StepUnit unit_;
  std::vector<Date> starts_;
};

}  // namespace migsim
