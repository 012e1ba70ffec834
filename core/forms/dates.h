// Calendar arithmetic for the expression language: dates are days since 1970-01-01 (a
// whole number for a date, a fraction for a date-time), as ODK Collect counts them.
//
// A date-only text ("2024-02-29") is a calendar day and is never shifted by a time zone.
// A date-time text without a zone is local time at `offset_minutes` east of UTC; with "Z" or
// "+08:00" it is that instant. Doorstep's default offset is 0 (UTC), so that a phone and
// the county server compute the same value.
//
// Thread-safety: pure functions. Failure: parse() returns std::nullopt; nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace doorstep::forms::dates {

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};
Civil civil_from_days(int64_t days);

// True if year-month-day is a real calendar date (February 29 only in leap years).
bool is_valid_date(int64_t year, int month, int day);

struct ParsedDate {
  double days;    // since the epoch; whole for a date-only text
  bool has_time;  // the text had a time part
};

// Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH[:MM]|-HH[:MM]]" (surrounding
// XPath whitespace allowed). Returns nullopt for anything else, including impossible dates
// such as 1983-09-31 and times such as 24:00.
std::optional<ParsedDate> parse(std::string_view text, int offset_minutes);

// "YYYY-MM-DD" of the day containing `days` (floor).
std::string format_date(double days);

// "YYYY-MM-DDTHH:MM:SS.mmm+HH:MM" of the instant `days`, shown at `offset_minutes`.
std::string format_date_time(double days, int offset_minutes);

// format-date(): expands %Y %y %m %n %b %B %d %e %H %h %M %S %3 %a %A %% in `pattern` for
// the instant `days` shown at `offset_minutes`; any other character is copied.
std::string format(double days, std::string_view pattern, int offset_minutes);

}  // namespace doorstep::forms::dates
