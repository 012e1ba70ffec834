// Numbers as text in the expression language: XPath's number() grammar, XPath's string()
// of a number (never exponent notation: 1.23e21 is "1230000000000000000000"), and
// ODK Collect's decimal rounding used by round().
//
// Thread-safety: pure functions; nothing throws.
#pragma once

#include <string>
#include <string_view>

namespace doorstep::forms {

// XPath 1.0 number(string): optional XPath whitespace, an optional '-', digits with an
// optional '.' (".5" and "5." allowed), optional whitespace. Anything else (including ""
// "1e6", "Infinity", "+1") is NaN.
double parse_xpath_number(std::string_view text);

// XPath string(number): "NaN", "Infinity", "-Infinity", "0" for both zeros, integers
// without a decimal point, other numbers in the shortest decimal form that reads back
// as the same double, never in exponent notation.
std::string format_xpath_number(double value);

// round(value, places) as ODK Collect (JavaRosa) computes it: for places >= 0 the
// shortest decimal form of `value` is rounded half toward +infinity (2.5 -> 3, -2.5 -> -2,
// -12345.15 at 1 place -> -12345.1); for places < 0 the value is scaled, 0.5 added and the
// result truncated toward zero (round(-50.55, -2) is 0). NaN and infinities pass through;
// |places| > 30 yields NaN.
double round_decimal(double value, int places);

}  // namespace doorstep::forms
