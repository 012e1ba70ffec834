// The working-day calendar and civil dates.
#include "core/monitoring/calendar.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "core/common/error.h"
#include "core/forms/dates.h"

namespace doorstep::monitoring {
namespace {

// The civil-date arithmetic is the form language's (core/forms/dates.h).
void civil_from_days(int64_t z, int& year, int& month, int& day) {
  forms::dates::Civil civil = forms::dates::civil_from_days(z);
  year = static_cast<int>(civil.year);
  month = static_cast<int>(civil.month);
  day = static_cast<int>(civil.day);
}

int days_in_month(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::set<int64_t> dates_of(const nlohmann::json& json, const char* key, const std::string& where) {
  std::set<int64_t> out;
  if (!json.contains(key) || json[key].is_null()) return out;
  if (!json[key].is_array())
    throw Error(ErrorCode::InvalidArgument, where + ": \"" + key + "\" must be an array of dates");
  for (size_t i = 0; i < json[key].size(); ++i) {
    const auto& entry = json[key][i];
    auto date = entry.is_string() ? Date::parse(entry.get<std::string>()) : std::nullopt;
    if (!date)
      throw Error(ErrorCode::InvalidArgument, where + ": " + key + "[" + std::to_string(i) +
                                                  "] is not a date (YYYY-MM-DD): " + entry.dump());
    out.insert(date->days);
  }
  return out;
}

}  // namespace

std::optional<Date> Date::parse(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (iso[i] < '0' || iso[i] > '9') return std::nullopt;
  auto number = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (iso[i] - '0');
    return v;
  };
  int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
    return std::nullopt;
  return from_civil(year, month, day);
}

Date Date::from_civil(int year, int month, int day) {
  return Date{forms::dates::days_from_civil(year, static_cast<unsigned>(month),
                                            static_cast<unsigned>(day))};
}

std::string Date::to_string() const {
  int y, m, d;
  civil_from_days(days, y, m, d);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
  return text;
}

int Date::weekday() const {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  int64_t w = (days + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

int Date::year() const {
  int y, m, d;
  civil_from_days(days, y, m, d);
  return y;
}

Date Date::plus_months(int months) const {
  int y, m, d;
  civil_from_days(days, y, m, d);
  int total = y * 12 + (m - 1) + months;
  int year = total / 12, month = total % 12 + 1;
  return from_civil(year, month, std::min(d, days_in_month(year, month)));
}

WorkingCalendar::WorkingCalendar(std::set<int64_t> holidays, std::set<int64_t> workdays)
    : holidays_(std::move(holidays)), workdays_(std::move(workdays)) {
  for (int64_t day : holidays_)
    if (workdays_.count(day))
      throw Error(ErrorCode::InvalidArgument,
                  Date{day}.to_string() + " is both a holiday and a make-up working day");
}

WorkingCalendar WorkingCalendar::from_json(const nlohmann::json& json, const std::string& where) {
  if (!json.is_object())
    throw Error(
        ErrorCode::InvalidArgument,
        where + ": the calendar must be an object {\"holidays\": [...], \"workdays\": [...]}");
  return WorkingCalendar(dates_of(json, "holidays", where), dates_of(json, "workdays", where));
}

nlohmann::json WorkingCalendar::to_json() const {
  nlohmann::json holidays = nlohmann::json::array(), workdays = nlohmann::json::array();
  for (int64_t d : holidays_) holidays.push_back(Date{d}.to_string());
  for (int64_t d : workdays_) workdays.push_back(Date{d}.to_string());
  return {{"holidays", holidays}, {"workdays", workdays}};
}

bool WorkingCalendar::is_working_day(Date date) const {
  if (holidays_.count(date.days)) return false;
  if (workdays_.count(date.days)) return true;
  return date.weekday() < 5;
}

Date WorkingCalendar::add_working_days(Date from, int count) const {
  Date day = from;
  while (count > 0) {
    ++day.days;
    if (is_working_day(day)) --count;
  }
  return day;
}

int WorkingCalendar::working_days_between(Date from, Date to) const {
  int count = 0;
  for (Date day{from.days + 1}; day <= to; ++day.days)
    if (is_working_day(day)) ++count;
  return count;
}

Date today() {
  if (const char* pinned = std::getenv("DOORSTEP_TODAY"); pinned && *pinned) {
    if (auto date = Date::parse(pinned)) return *date;
    throw Error(ErrorCode::InvalidArgument,
                std::string("DOORSTEP_TODAY='") + pinned + "' is not a date (YYYY-MM-DD)");
  }
  constexpr int64_t kChinaOffsetSeconds = 8 * 3600;
  int64_t seconds = static_cast<int64_t>(std::time(nullptr)) + kChinaOffsetSeconds;
  return Date{seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400};
}

}  // namespace doorstep::monitoring
