#include "core/forms/dates.h"

#include <cmath>
#include <cstdio>

namespace doorstep::forms::dates {
namespace {

constexpr double kMillisPerDay = 86400000.0;

bool is_xpath_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Reads exactly `count` digits at text[pos]; advances pos.
bool read_digits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

bool consume(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

const char* const kMonthShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kMonthLong[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
const char* const kDayShort[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const kDayLong[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                "Thursday", "Friday", "Saturday"};

struct Parts {
  Civil date;
  int hour, minute, second, millis;
  int weekday;  // 0 = Sunday
};

Parts split(double days, int offset_minutes) {
  double local_ms = std::floor(days * kMillisPerDay + 0.5) + offset_minutes * 60000.0;
  double day = std::floor(local_ms / kMillisPerDay);
  int64_t ms_of_day = static_cast<int64_t>(local_ms - day * kMillisPerDay);
  Parts p{};
  p.date = civil_from_days(static_cast<int64_t>(day));
  p.hour = static_cast<int>(ms_of_day / 3600000);
  p.minute = static_cast<int>(ms_of_day / 60000 % 60);
  p.second = static_cast<int>(ms_of_day / 1000 % 60);
  p.millis = static_cast<int>(ms_of_day % 1000);
  int64_t w = (static_cast<int64_t>(day) + 4) % 7;  // 1970-01-01 was a Thursday
  p.weekday = static_cast<int>(w < 0 ? w + 7 : w);
  return p;
}

void append_padded(std::string& out, int64_t value, int width) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*lld", width, static_cast<long long>(value));
  out += buffer;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{y + (m <= 2), m, d};
}

bool is_valid_date(int64_t year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int last = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= last;
}

std::optional<ParsedDate> parse(std::string_view text, int offset_minutes) {
  size_t begin = 0, end = text.size();
  while (begin < end && is_xpath_space(text[begin])) ++begin;
  while (end > begin && is_xpath_space(text[end - 1])) --end;
  text = text.substr(begin, end - begin);

  size_t pos = 0;
  int year, month, day;
  if (!read_digits(text, pos, 4, year) || !consume(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !consume(text, pos, '-') ||
      !read_digits(text, pos, 2, day) || !is_valid_date(year, month, day))
    return std::nullopt;
  double days = static_cast<double>(days_from_civil(year, month, day));
  if (pos == text.size()) return ParsedDate{days, false};

  if (!consume(text, pos, 'T')) return std::nullopt;
  int hour, minute, second = 0;
  double fraction = 0;
  if (!read_digits(text, pos, 2, hour) || !consume(text, pos, ':') ||
      !read_digits(text, pos, 2, minute))
    return std::nullopt;
  if (consume(text, pos, ':')) {
    if (!read_digits(text, pos, 2, second)) return std::nullopt;
    if (consume(text, pos, '.')) {
      double scale = 0.1;
      size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        fraction += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
        ++digits;
      }
      if (digits == 0) return std::nullopt;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;

  int zone_minutes = offset_minutes;
  if (pos < text.size()) {
    if (consume(text, pos, 'Z')) {
      zone_minutes = 0;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int sign = text[pos] == '-' ? -1 : 1;
      ++pos;
      int zh, zm = 0;
      if (!read_digits(text, pos, 2, zh)) return std::nullopt;
      if (pos < text.size()) {
        consume(text, pos, ':');
        if (!read_digits(text, pos, 2, zm)) return std::nullopt;
      }
      if (zh > 23 || zm > 59) return std::nullopt;
      zone_minutes = sign * (zh * 60 + zm);
    }
    if (pos != text.size()) return std::nullopt;
  }
  double seconds_of_day = hour * 3600.0 + minute * 60.0 + second + fraction;
  days += (seconds_of_day - zone_minutes * 60.0) / 86400.0;
  return ParsedDate{days, true};
}

std::string format_date(double days) {
  Civil c = civil_from_days(static_cast<int64_t>(std::floor(days)));
  std::string out;
  if (c.year < 0) out += '-';
  append_padded(out, c.year < 0 ? -c.year : c.year, 4);
  out += '-';
  append_padded(out, c.month, 2);
  out += '-';
  append_padded(out, c.day, 2);
  return out;
}

std::string format_date_time(double days, int offset_minutes) {
  std::string out = format(days, "%Y-%m-%dT%H:%M:%S.%3", offset_minutes);
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  out += offset_minutes < 0 ? '-' : '+';
  append_padded(out, off / 60, 2);
  out += ':';
  append_padded(out, off % 60, 2);
  return out;
}

std::string format(double days, std::string_view pattern, int offset_minutes) {
  Parts p = split(days, offset_minutes);
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c != '%' || i + 1 == pattern.size()) {
      out += c;
      continue;
    }
    char f = pattern[++i];
    switch (f) {
      case 'Y': append_padded(out, p.date.year, 4); break;
      case 'y': append_padded(out, ((p.date.year % 100) + 100) % 100, 2); break;
      case 'm': append_padded(out, p.date.month, 2); break;
      case 'n': out += std::to_string(p.date.month); break;
      case 'b': out += kMonthShort[p.date.month - 1]; break;
      case 'B': out += kMonthLong[p.date.month - 1]; break;
      case 'd': append_padded(out, p.date.day, 2); break;
      case 'e': out += std::to_string(p.date.day); break;
      case 'H': append_padded(out, p.hour, 2); break;
      case 'h': out += std::to_string(p.hour); break;
      case 'M': append_padded(out, p.minute, 2); break;
      case 'S': append_padded(out, p.second, 2); break;
      case '3': append_padded(out, p.millis, 3); break;
      case 'a': out += kDayShort[p.weekday]; break;
      case 'A': out += kDayLong[p.weekday]; break;
      case '%': out += '%'; break;
      default: out += '%'; out += f;
    }
  }
  return out;
}

}  // namespace doorstep::forms::dates
