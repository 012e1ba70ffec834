// The county's working-day calendar: Monday to Friday, minus public holidays, plus the
// make-up working days (调休) that move a weekend day into the working week. Deadlines of the
// monitoring loop count working days on it (docs/monitoring.md).
//
// Dates are civil dates (proleptic Gregorian) without time or zone, held as days since
// 1970-01-01, so that every replica counts the same days whatever its clock's zone.
//
// Thread-safety: immutable after construction. Failure: parse() and from_json() throw
// Error(InvalidArgument) naming the entry that is not an ISO date (YYYY-MM-DD) or that is
// both a holiday and a make-up working day.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace doorstep::monitoring {

struct Date {
  int64_t days = 0;  // since 1970-01-01

  static std::optional<Date> parse(std::string_view iso);  // "2026-10-01"
  static Date from_civil(int year, int month, int day);
  std::string to_string() const;
  int weekday() const;  // 0 = Monday ... 6 = Sunday
  int year() const;
  // The same day `months` months later (the last day of the month when it has fewer days).
  Date plus_months(int months) const;

  friend bool operator==(Date a, Date b) { return a.days == b.days; }
  friend bool operator<(Date a, Date b) { return a.days < b.days; }
  friend bool operator<=(Date a, Date b) { return a.days <= b.days; }
};

class WorkingCalendar {
 public:
  WorkingCalendar() = default;
  // Error(InvalidArgument) if a date is in both sets.
  WorkingCalendar(std::set<int64_t> holidays, std::set<int64_t> workdays);
  // {"holidays": ["2026-10-01", ...], "workdays": ["2026-09-27", ...]}; `where` names the
  // source in errors.
  static WorkingCalendar from_json(const nlohmann::json& json, const std::string& where);
  nlohmann::json to_json() const;

  bool is_working_day(Date date) const;
  // The `count`-th working day after `from` (count >= 0; 0 gives `from` itself).
  Date add_working_days(Date from, int count) const;
  // Working days in (from, to]: 0 when to <= from.
  int working_days_between(Date from, Date to) const;

 private:
  std::set<int64_t> holidays_;
  std::set<int64_t> workdays_;
};

// Today's civil date: DOORSTEP_TODAY (YYYY-MM-DD) when it is set — for tests, demos and
// training — else the system clock's date in UTC+8 (China Standard Time, the zone of every
// county Doorstep serves). Error(InvalidArgument) for a DOORSTEP_TODAY that is not a date.
Date today();

}  // namespace doorstep::monitoring
