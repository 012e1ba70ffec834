// Calendar arithmetic: days since 1970-01-01, ISO texts, format-date().
#include "core/forms/dates.h"

#include <doctest/doctest.h>

#include <random>

using namespace doorstep::forms::dates;

TEST_CASE("days and civil dates convert both ways for every day of 1800-2200") {
  int64_t first = days_from_civil(1800, 1, 1), last = days_from_civil(2200, 12, 31);
  int64_t expected = first;
  for (int64_t day = first; day <= last; ++day, ++expected) {
    Civil c = civil_from_days(day);
    REQUIRE(is_valid_date(c.year, static_cast<int>(c.month), static_cast<int>(c.day)));
    REQUIRE(days_from_civil(c.year, c.month, c.day) == expected);
  }
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2008, 9, 5) == 14127);
  CHECK(days_from_civil(1941, 12, 7) == -10252);
}

TEST_CASE("leap years follow the Gregorian rule") {
  CHECK(is_valid_date(2000, 2, 29));
  CHECK(is_valid_date(2024, 2, 29));
  CHECK_FALSE(is_valid_date(1900, 2, 29));
  CHECK_FALSE(is_valid_date(2023, 2, 29));
  CHECK_FALSE(is_valid_date(2024, 4, 31));
  CHECK_FALSE(is_valid_date(2024, 13, 1));
}

TEST_CASE("ISO texts parse to days and zones shift only date-times") {
  CHECK(parse("2024-02-29", 480)->days == days_from_civil(2024, 2, 29));
  CHECK_FALSE(parse("2024-02-29", 0)->has_time);
  CHECK(parse(" 1970-01-02\n", 0)->days == 1);
  CHECK(parse("1970-01-01T12:00", 0)->days == 0.5);
  CHECK(parse("1970-01-01T12:00:00Z", 480)->days == 0.5);
  CHECK(parse("1970-01-01T08:00:00+08:00", 0)->days == 0);
  CHECK(parse("1970-01-01T08:00:00", 480)->days == 0);  // local time at +08:00
  CHECK(parse("1970-01-01T00:00:00.500-0130", 0)->days == doctest::Approx((5400.5) / 86400));
  for (const char* bad :
       {"", "2024-02-30", "24-02-01", "2024/02/01", "2024-02-01T24:00", "2024-02-01T10:60",
        "2024-02-01T10:00:00+2", "2024-02-01x", "2024-02-01T10:00:00.", "Sat Nov 28 2026"})
    CHECK_MESSAGE(!parse(bad, 0).has_value(), bad);
}

TEST_CASE("format_date and format_date_time read back through parse") {
  const unsigned seed = 2260;
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> ms(-5000000000000LL, 5000000000000LL);
  for (int i = 0; i < 5000; ++i) {
    double days = static_cast<double>(ms(rng)) / 86400000.0;
    std::string text = format_date_time(days, 480);
    CAPTURE(text);
    REQUIRE(parse(text, 0).has_value());
    CHECK(parse(text, 0)->days == doctest::Approx(days).epsilon(1e-12));
    CHECK(parse(format_date(days), 0)->days == std::floor(days));
  }
}

TEST_CASE("format() of the ODK tokens") {
  double day = static_cast<double>(days_from_civil(2024, 3, 5)) + 0.5 + 1.0 / 86400 * 7.25;
  CHECK(format(day, "%Y-%m-%d %H:%M:%S.%3", 0) == "2024-03-05 12:00:07.250");
  CHECK(format(day, "%y/%n/%e %h %b %B %a %A", 0) == "24/3/5 12 Mar March Tue Tuesday");
  CHECK(format(day, "%H", 480) == "20");
  CHECK(format(day, "100%% %Q", 0) == "100% %Q");
}
