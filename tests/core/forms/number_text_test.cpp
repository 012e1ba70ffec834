// Numbers as text: XPath's string() of a number reads back as the same number.
#include "core/forms/number_text.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace doorstep::forms;

TEST_CASE("string() of any finite number parses back to the same number") {
  const unsigned seed = 7064;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (!std::isfinite(x)) continue;
    std::string text = format_xpath_number(x);
    CAPTURE(text);
    CHECK(text.find('e') == std::string::npos);
    CHECK(parse_xpath_number(text) == (x == 0 ? 0.0 : x));
  }
  // Everyday values, including money with cents.
  std::uniform_int_distribution<int64_t> cents(-100000000, 100000000);
  for (int i = 0; i < 20000; ++i) {
    double x = static_cast<double>(cents(rng)) / 100;
    CHECK(parse_xpath_number(format_xpath_number(x)) == x);
  }
}

TEST_CASE("round_decimal to 2 places agrees with the decimal text of the value") {
  const unsigned seed = 112;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> thousandths(-10000000, 10000000);
  for (int i = 0; i < 20000; ++i) {
    int64_t t = thousandths(rng);
    double x = static_cast<double>(t) / 1000;
    CAPTURE(x);
    // The exact decimal answer: ties (last digit 5) go toward +infinity.
    int64_t q = t / 10, r = t % 10;
    if (r >= 5) ++q;
    if (r < -5) --q;
    CHECK(round_decimal(x, 2) == static_cast<double>(q) / 100);
  }
}
