// Tests for Date (strict ISO parsing, month arithmetic) and the step Calendar.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "migsim/calendar.hpp"

namespace {

using migsim::Calendar;
using migsim::Date;
using migsim::StepUnit;

Date ymd(int y, unsigned m, unsigned d) { return Date::from_ymd(y, m, d); }

Date parsed(const std::string& text) {
  Date out;
  EXPECT_TRUE(Date::parse(text, out)) << text;
  return out;
}

TEST(Date, ParseAcceptsValidDatesAndRoundTrips) {
  EXPECT_EQ(parsed("1970-01-01").days(), 0);
  EXPECT_EQ(parsed("1970-01-02").days(), 1);
  EXPECT_EQ(parsed("1969-12-31").days(), -1);
  EXPECT_EQ(parsed("2000-03-01") - parsed("2000-02-28"), 2);  // 2000 is a leap year
  EXPECT_EQ(parsed("1900-03-01") - parsed("1900-02-28"), 1);  // 1900 is not
  for (const char* text : {"2020-02-29", "2000-02-29", "2021-12-31", "2010-01-01", "1999-06-15"}) {
    Date d = parsed(text);
    EXPECT_EQ(d.iso(), text);
    EXPECT_EQ(d, Date::from_ymd(d.year(), d.month(), static_cast<unsigned>(d.ymd().day())));
  }
  Date d = parsed("2021-07-04");
  EXPECT_EQ(d.year(), 2021);
  EXPECT_EQ(d.month(), 7u);
  EXPECT_EQ(d, ymd(2021, 7, 4));
}

TEST(Date, ParseRejectsMalformedOrImpossibleDates) {
  const std::vector<std::string> bad = {
      "2021-02-30",   // no such day
      "2019-02-29",   // not a leap year
      "2021-04-31",   // April has 30 days
      "2021-13-01",   // no month 13
      "2021-00-10",   // no month 0
      "2021-01-00",   // no day 0
      "2021-1-01",    // month not zero-padded
      "2021-01-1",    // day not zero-padded
      "21-01-01",     // two-digit year
      "abc",          // not a date
      "",             // empty
      "2021/01/01",   // wrong separators
      "20210101",     // no separators
      " 2021-01-01",  // leading space
      "2021-01-01 ",  // trailing space
      "2021-01-0x",   // junk in the day
      "2021-01-01T00:00",
      "-001-01-01",  // a sign is not a digit: strict YYYY
      "2021--1-01",
      "2021-01--1",
  };
  for (const auto& text : bad) {
    Date out = ymd(1999, 9, 9);
    EXPECT_FALSE(Date::parse(text, out)) << "'" << text << "' was accepted as " << out.iso();
    EXPECT_EQ(out, ymd(1999, 9, 9)) << "a rejected parse must leave the output untouched: '" << text << "'";
  }
}

TEST(Date, AddMonthsClampsToTheLastDayOfShortMonths) {
  EXPECT_EQ(ymd(2021, 1, 31).add_months(1), ymd(2021, 2, 28));
  EXPECT_EQ(ymd(2020, 1, 31).add_months(1), ymd(2020, 2, 29));  // leap year
  EXPECT_EQ(ymd(2021, 3, 31).add_months(1), ymd(2021, 4, 30));
  EXPECT_EQ(ymd(2021, 1, 31).add_months(2), ymd(2021, 3, 31));  // no clamping on the way
  EXPECT_EQ(ymd(2021, 3, 31).add_months(-1), ymd(2021, 2, 28));
  EXPECT_EQ(ymd(2021, 12, 15).add_months(1), ymd(2022, 1, 15));  // year roll-over
  EXPECT_EQ(ymd(2021, 1, 15).add_months(-1), ymd(2020, 12, 15));
  EXPECT_EQ(ymd(2021, 5, 10).add_months(0), ymd(2021, 5, 10));
  EXPECT_EQ(ymd(2020, 2, 29).add_months(12), ymd(2021, 2, 28));
}

TEST(StepUnit, ParsesAndPrintsEveryUnit) {
  for (StepUnit unit : {StepUnit::Day, StepUnit::Week, StepUnit::Month}) {
    bool ok = false;
    EXPECT_EQ(migsim::parse_step_unit(migsim::to_string(unit), ok), unit);
    EXPECT_TRUE(ok);
  }
  for (const char* text : {"weeks", "Week", "fortnight", ""}) {
    bool ok = true;
    migsim::parse_step_unit(text, ok);
    EXPECT_FALSE(ok) << text;
  }
}

TEST(Calendar, DailyStepCountIncludesBothEnds) {
  Calendar leap(ymd(2020, 1, 1), ymd(2020, 12, 31), StepUnit::Day);
  EXPECT_EQ(leap.steps(), 366u);
  Calendar plain(ymd(2021, 1, 1), ymd(2021, 12, 31), StepUnit::Day);
  EXPECT_EQ(plain.steps(), 365u);
  EXPECT_EQ(plain.step_start(10), ymd(2021, 1, 11));
  EXPECT_EQ(plain.step_days(10), 1);
  EXPECT_EQ(plain.step_end(364), ymd(2022, 1, 1));
}

TEST(Calendar, WeeklyStepsStartEverySevenDaysWhileOnOrBeforeEnd) {
  // 2020-12-30 is day 364 = 52 * 7 after 2020-01-01, so it is the 53rd step start.
  Calendar year(ymd(2020, 1, 1), ymd(2020, 12, 31), StepUnit::Week);
  EXPECT_EQ(year.steps(), 53u);
  EXPECT_EQ(year.step_start(52), ymd(2020, 12, 30));
  EXPECT_EQ(year.step_end(52), ymd(2021, 1, 6));  // the last step ends one unit after its start
  for (std::size_t k = 0; k < year.steps(); ++k) {
    EXPECT_EQ(year.step_start(k) - year.start(), static_cast<std::int32_t>(7 * k));
    EXPECT_EQ(year.step_days(k), 7);
  }
  Calendar short_by_one(ymd(2020, 1, 1), ymd(2020, 12, 29), StepUnit::Week);
  EXPECT_EQ(short_by_one.steps(), 52u);
  Calendar one(ymd(2020, 1, 1), ymd(2020, 1, 1), StepUnit::Week);
  EXPECT_EQ(one.steps(), 1u);
  Calendar kyrgyzstan(ymd(2010, 1, 1), ymd(2025, 12, 31), StepUnit::Week);
  EXPECT_EQ(kyrgyzstan.steps(), static_cast<std::size_t>((ymd(2025, 12, 31) - ymd(2010, 1, 1)) / 7 + 1));
}

TEST(Calendar, MonthlyStepsHaveTheirRealLength) {
  Calendar cal(ymd(2020, 1, 1), ymd(2020, 12, 31), StepUnit::Month);
  ASSERT_EQ(cal.steps(), 12u);
  const std::int32_t lengths[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int32_t total = 0;
  for (std::size_t k = 0; k < 12; ++k) {
    EXPECT_EQ(cal.step_start(k), ymd(2020, static_cast<unsigned>(k + 1), 1));
    EXPECT_EQ(cal.step_days(k), lengths[k]) << "month " << k + 1;
    total += cal.step_days(k);
  }
  EXPECT_EQ(total, 366);
  EXPECT_EQ(cal.step_end(11), ymd(2021, 1, 1));
}

TEST(Calendar, MonthlyStepsFromThe31stClampWithoutDrifting) {
  Calendar cal(ymd(2021, 1, 31), ymd(2021, 12, 31), StepUnit::Month);
  ASSERT_EQ(cal.steps(), 12u);
  EXPECT_EQ(cal.step_start(1), ymd(2021, 2, 28));
  EXPECT_EQ(cal.step_start(2), ymd(2021, 3, 31));  // back to the 31st, not stuck at the 28th
  EXPECT_EQ(cal.step_start(3), ymd(2021, 4, 30));
  EXPECT_EQ(cal.step_start(11), ymd(2021, 12, 31));
  EXPECT_EQ(cal.step_days(0), 28);
  EXPECT_EQ(cal.step_days(1), 31);
  // Steps tile time: each ends where the next starts.
  for (std::size_t k = 0; k + 1 < cal.steps(); ++k) EXPECT_EQ(cal.step_end(k), cal.step_start(k + 1));
}

TEST(Calendar, StepsUntilCountsStepsStartingOnOrBeforeTheDate) {
  Calendar cal(ymd(2020, 1, 1), ymd(2020, 12, 31), StepUnit::Week);
  EXPECT_EQ(cal.steps_until(ymd(2019, 12, 31)), 0u);
  EXPECT_EQ(cal.steps_until(ymd(2020, 1, 1)), 1u);
  EXPECT_EQ(cal.steps_until(ymd(2020, 1, 7)), 1u);
  EXPECT_EQ(cal.steps_until(ymd(2020, 1, 8)), 2u);
  EXPECT_EQ(cal.steps_until(ymd(2020, 12, 30)), 53u);
  EXPECT_EQ(cal.steps_until(ymd(2020, 12, 31)), 53u);
  EXPECT_EQ(cal.steps_until(ymd(2030, 1, 1)), cal.steps());
  for (std::size_t k = 0; k < cal.steps(); ++k) {
    EXPECT_EQ(cal.steps_until(cal.step_start(k)), k + 1);
    EXPECT_EQ(cal.steps_until(cal.step_start(k).add_days(-1)), k);
  }
}

}  // namespace
