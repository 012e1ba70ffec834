// Date functions: today, now, date, date-time, decimal-date-time, decimal-time,
// format-date, format-date-time. Dates are days since 1970-01-01 (see dates.h); the
// context's UTC offset (Doorstep's default: 0) places today() and date-times in a day.
#include <cmath>
#include <limits>

#include "core/forms/dates.h"
#include "core/forms/expr_functions.h"

namespace doorstep::forms {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double local_day(double days, const EvalContext& context) {
  return std::floor(days + context.utc_offset_minutes() / 1440.0);
}

Value fn_today(const CallArgs& a) {
  double days = a.context().now_seconds() / 86400.0;
  return Value::date(local_day(days, a.context()));
}

Value fn_now(const CallArgs& a) {
  return Value::date_time(a.context().now_seconds() / 86400.0);
}

// What a value means as a date: a Date or DateTime as is, a number of days, a date text.
// "" and NaN are "no date" (ODK returns them unchanged); anything else fails, as in ODK.
struct DateInput {
  bool empty = false;  // "" or NaN: no date
  Value original;
  double days = kNaN;
  bool has_time = false;
};

DateInput read_date(const CallArgs& a, size_t i) {
  DateInput in;
  Value v = a.value(i);
  in.original = v;
  switch (v.type()) {
    case Value::Type::Date: in.days = v.number_value(); return in;
    case Value::Type::DateTime:
      in.days = v.number_value();
      in.has_time = true;
      return in;
    case Value::Type::Number: {
      double n = v.number_value();
      if (std::isnan(n)) {
        in.empty = true;
        return in;
      }
      if (std::isinf(n) || std::fabs(n) > 2147483647.0)
        a.fail("the number " + v.to_string() + " is out of range for a date");
      in.days = n;
      in.has_time = true;
      return in;
    }
    case Value::Type::Boolean: a.fail("a boolean cannot be converted to a date");
    case Value::Type::String:
    case Value::Type::NodeSet: {
      std::string text = v.to_string();
      if (text.empty()) {
        in.empty = true;
        return in;
      }
      auto parsed = dates::parse(text, a.context().utc_offset_minutes());
      if (!parsed) a.fail("'" + text + "' is not a date (expected YYYY-MM-DD)");
      in.days = parsed->days;
      in.has_time = parsed->has_time;
      return in;
    }
  }
  return in;
}

Value empty_result(const DateInput& in) {
  return in.original.type() == Value::Type::Number ? Value::number(kNaN) : Value::string("");
}

Value fn_date(const CallArgs& a) {
  DateInput in = read_date(a, 0);
  if (in.empty) return empty_result(in);
  if (in.original.type() == Value::Type::Number) return Value::date(std::trunc(in.days));
  return Value::date(in.has_time ? local_day(in.days, a.context()) : in.days);
}

Value fn_date_time(const CallArgs& a) {
  DateInput in = read_date(a, 0);
  if (in.empty) return empty_result(in);
  return Value::date_time(in.days);
}

Value fn_decimal_date_time(const CallArgs& a) {
  DateInput in = read_date(a, 0);
  if (in.empty) return empty_result(in);
  return Value::number(in.days);
}

// The fraction of the local day; also accepts a time of day alone ("06:30:00.000+08:00"),
// the value of a time question.
Value fn_decimal_time(const CallArgs& a) {
  Value v = a.value(0);
  if (v.type() == Value::Type::String || v.type() == Value::Type::NodeSet) {
    std::string text = v.to_string();
    if (text.size() >= 5 && text[2] == ':') {
      auto parsed = dates::parse("1970-01-01T" + text, a.context().utc_offset_minutes());
      if (!parsed) a.fail("'" + text + "' is not a time");
      double local = parsed->days + a.context().utc_offset_minutes() / 1440.0;
      return Value::number(local - std::floor(local));
    }
  }
  DateInput in = read_date(a, 0);
  if (in.empty) return empty_result(in);
  double local =
      in.days +
      (in.original.type() == Value::Type::Number ? 0 : a.context().utc_offset_minutes() / 1440.0);
  return Value::number(local - std::floor(local));
}

Value fn_format_date(const CallArgs& a) {
  DateInput in = read_date(a, 0);
  std::string pattern = a.string(1);
  if (in.empty) return Value::string("");
  // A calendar date has no zone; a date-time is shown in the context's zone.
  int offset = in.has_time ? a.context().utc_offset_minutes() : 0;
  return Value::string(dates::format(in.days, pattern, offset));
}

const FunctionDef kDate[] = {
    {"today", 0, 0, fn_today, true},
    {"now", 0, 0, fn_now, true},
    {"date", 1, 1, fn_date},
    {"date-time", 1, 1, fn_date_time},
    {"decimal-date-time", 1, 1, fn_decimal_date_time},
    {"decimal-time", 1, 1, fn_decimal_time},
    {"format-date", 2, 2, fn_format_date},
    {"format-date-time", 2, 2, fn_format_date},
};

}  // namespace

std::span<const FunctionDef> date_functions() {
  return kDate;
}

}  // namespace doorstep::forms
