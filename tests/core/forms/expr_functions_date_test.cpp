// Dates are days since 1970-01-01; date-only values are calendar days, never shifted.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/core/forms/expr_test_support.h"

using namespace doorstep::forms;
using namespace doorstep::forms::test;

namespace {
Value eval_at(const std::string& text, double now_seconds, int offset_minutes,
              const Fields& fields = {}) {
  MapContext context;
  for (const auto& [name, value] : fields) context.set(name, value);
  context.set_now(now_seconds);
  context.set_utc_offset_minutes(offset_minutes);
  return Expression::parse(text).evaluate(context);
}
constexpr double kLateEvening = 1795908600.0;  // 2026-11-28T23:30:00Z
}  // namespace

TEST_CASE("today() is the calendar day at the context's offset, UTC by default") {
  CHECK(eval_at("today()", kLateEvening, 0).to_string() == "2026-11-28");
  CHECK(eval_at("today()", kLateEvening, 480).to_string() == "2026-11-29");  // Beijing
  CHECK(eval_at("today()", kLateEvening, 0).type() == Value::Type::Date);
}

TEST_CASE("now() is a date-time; format-date shows it at the context's offset") {
  Value now = eval_at("now()", kLateEvening, 0);
  CHECK(now.type() == Value::Type::DateTime);
  CHECK(now.to_string() == "2026-11-28T23:30:00.000+00:00");
  CHECK(eval_at("format-date(now(), '%Y-%m-%d %H:%M')", kLateEvening, 480).to_string() ==
        "2026-11-29 07:30");
}

TEST_CASE("a date text compares and subtracts as a date") {
  Fields dob = {{"dob", "2012-06-01"}};
  CHECK(eval_bool("${dob} < today()", dob));
  CHECK(eval_bool("today() - ${dob} > 365 * 14", dob));
  CHECK(eval_number("date('2024-03-01') - date('2024-02-01')") == 29);
  CHECK(eval_bool("date('2024-02-29') = '2024-02-29'"));
  CHECK(eval_string("date(date('2024-02-28') + 1)") == "2024-02-29");
}

TEST_CASE("date() accepts texts, numbers of days and date-times, and refuses non-dates") {
  CHECK(eval_string("date('2024-2-9')") == "2024-02-09");
  CHECK(eval_string("date(19000)") == "2022-01-08");
  CHECK(eval_string("date(-1.5)") == "1969-12-31");
  CHECK(eval_string("date('2024-02-29T23:00:00+08:00')") == "2024-02-29");
  CHECK(eval_string("date('')") == "");
  CHECK(error_of("date('2023-02-29')") ==
        "at offset 0: date(): '2023-02-29' is not a date (expected YYYY-MM-DD)");
  CHECK(error_of("date(true())").find("boolean") != std::string::npos);
  CHECK(error_of("date(1 div 0)").find("out of range") != std::string::npos);
}

TEST_CASE("format-date expands ODK's tokens") {
  CHECK(eval_string("format-date('2024-03-05', '%Y/%n/%e %b %a')") == "2024/3/5 Mar Tue");
  CHECK(eval_string("format-date('2024-03-05', '%y%m%d %B %A %%')") == "240305 March Tuesday %");
  CHECK(eval_string("format-date('2018-01-02T10:20:30.123', '%H:%M:%S.%3 %h')") ==
        "10:20:30.123 10");
  CHECK(eval_string("format-date(${d}, '%Y')", {{"d", ""}}) == "");
}

TEST_CASE("decimal-date-time and decimal-time") {
  CHECK(eval_number("decimal-date-time('1970-01-02T06:00:00Z')") == 1.25);
  CHECK(eval_number("decimal-time('2024-01-01T18:00:00Z')") == 0.75);
  CHECK(eval_number("decimal-time('06:00:00.000+08:00')") == doctest::Approx(22.0 / 24));
  CHECK(eval_at("decimal-time('06:00:00.000+08:00')", 0, 480).to_number() == 0.25);
  CHECK(std::isnan(eval_number("decimal-date-time(number(''))")));
}

TEST_CASE("date-time() keeps the time") {
  Value v = eval("date-time('2024-01-01T12:00:00Z')");
  CHECK(v.type() == Value::Type::DateTime);
  CHECK(v.to_number() == doctest::Approx(19723.5));
}
