#include "core/forms/number_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace doorstep::forms {
namespace {

bool is_xpath_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The shortest round-trip digits of |value| (no leading zeros) and the decimal exponent
// such that |value| = 0.DIGITS * 10^exponent.
void shortest_digits(double value, std::string& digits, int& exponent) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(value),
                              std::chars_format::scientific);
  std::string_view text(buffer, static_cast<size_t>(result.ptr - buffer));
  size_t e = text.find('e');
  std::string_view mantissa = text.substr(0, e);
  int exp10 = std::atoi(std::string(text.substr(e + 1)).c_str());
  digits.clear();
  for (char c : mantissa)
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  exponent = exp10 + 1;
}

}  // namespace

double parse_xpath_number(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && is_xpath_space(text[begin])) ++begin;
  while (end > begin && is_xpath_space(text[end - 1])) --end;
  if (begin == end) return std::numeric_limits<double>::quiet_NaN();
  std::string_view body = text.substr(begin, end - begin);
  size_t pos = 0;
  bool negative = false;
  if (body[pos] == '-') {
    negative = true;
    ++pos;
  }
  size_t int_digits = 0, frac_digits = 0;
  while (pos < body.size() && body[pos] >= '0' && body[pos] <= '9') ++pos, ++int_digits;
  if (pos < body.size() && body[pos] == '.') {
    ++pos;
    while (pos < body.size() && body[pos] >= '0' && body[pos] <= '9') ++pos, ++frac_digits;
  }
  if (pos != body.size() || int_digits + frac_digits == 0)
    return std::numeric_limits<double>::quiet_NaN();
  std::string_view digits = body.substr(negative ? 1 : 0);
  double value = 0;
  // from_chars does not accept a leading '.', nor a trailing one in every library: normalise.
  std::string normal;
  if (digits.front() == '.') normal += '0';
  normal += digits;
  if (normal.back() == '.') normal.pop_back();
  auto result = std::from_chars(normal.data(), normal.data() + normal.size(), value);
  if (result.ec == std::errc::result_out_of_range)
    value = std::numeric_limits<double>::infinity();  // only for absurdly long literals
  return negative ? -value : value;
}

std::string format_xpath_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  if (value == 0) return "0";
  std::string digits;
  int exponent;
  shortest_digits(value, digits, exponent);
  std::string out;
  if (value < 0) out += '-';
  if (exponent <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent), '0');
    out += digits;
  } else if (static_cast<size_t>(exponent) >= digits.size()) {
    out += digits;
    out.append(static_cast<size_t>(exponent) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(exponent));
    out += '.';
    out += digits.substr(static_cast<size_t>(exponent));
  }
  return out;
}

double round_decimal(double value, int places) {
  if (std::isnan(value) || std::isinf(value)) return value;
  if (places > 30 || places < -30) return std::numeric_limits<double>::quiet_NaN();
  if (places < 0) {
    double scaled = value / std::pow(10.0, -places);
    double rounded = std::trunc(scaled + 0.5);
    return rounded * std::pow(10.0, -places);
  }
  if (value == 0) return value;
  // Decimal rounding on the shortest representation, as BigDecimal(Double.toString(x)).
  std::string digits;
  int exponent;  // value = 0.digits * 10^exponent
  shortest_digits(value, digits, exponent);
  long keep = static_cast<long>(exponent) + places;  // digits kept before the cut
  if (keep >= static_cast<long>(digits.size())) return value;
  bool negative = value < 0;
  bool round_away;  // away from zero in magnitude
  if (keep < 0) {
    round_away = false;
  } else {
    char first_dropped = digits[static_cast<size_t>(keep)];
    bool rest_nonzero =
        digits.find_first_not_of('0', static_cast<size_t>(keep) + 1) != std::string::npos;
    if (first_dropped > '5' || (first_dropped == '5' && rest_nonzero))
      round_away = true;
    else if (first_dropped == '5')
      round_away = !negative;  // a tie goes toward +infinity
    else
      round_away = false;
  }
  std::string kept = keep > 0 ? digits.substr(0, static_cast<size_t>(keep)) : std::string();
  int kept_exponent = exponent;
  if (keep < 0) {
    kept.clear();
  }
  if (round_away) {
    int i = static_cast<int>(kept.size()) - 1;
    while (i >= 0 && kept[static_cast<size_t>(i)] == '9') kept[static_cast<size_t>(i--)] = '0';
    if (i >= 0) {
      ++kept[static_cast<size_t>(i)];
    } else {
      kept.insert(kept.begin(), '1');
      ++kept_exponent;
    }
  }
  if (kept.empty() || kept.find_first_not_of('0') == std::string::npos)
    return negative ? -0.0 : 0.0;
  std::string text = "0." + kept + "e" + std::to_string(kept_exponent);
  double result = std::strtod(text.c_str(), nullptr);
  return negative ? -result : result;
}

}  // namespace doorstep::forms
