// Value: XPath 1.0 conversions with ODK's rules for empty values and dates.
#include "core/forms/value.h"

#include <doctest/doctest.h>

#include <cmath>

#include "core/forms/number_text.h"

using doorstep::forms::Value;

TEST_CASE("numbers print as XPath prints them, never in exponent notation") {
  CHECK(Value::number(5).to_string() == "5");
  CHECK(Value::number(-0.0).to_string() == "0");
  CHECK(Value::number(0.1 + 0.2).to_string() == "0.30000000000000004");
  CHECK(Value::number(1.23e21).to_string() == "1230000000000000000000");
  CHECK(Value::number(1.23e-18).to_string() == "0.00000000000000000123");
  CHECK(Value::number(-12345.6789).to_string() == "-12345.6789");
  CHECK(Value::number(NAN).to_string() == "NaN");
  CHECK(Value::number(-INFINITY).to_string() == "-Infinity");
}

TEST_CASE("strings convert to numbers by XPath's grammar only") {
  CHECK(Value::string(" -12.5 \n").to_number() == -12.5);
  CHECK(Value::string(".5").to_number() == 0.5);
  CHECK(Value::string("5.").to_number() == 5);
  CHECK(std::isnan(Value::string("").to_number()));
  CHECK(std::isnan(Value::string("1e6").to_number()));
  CHECK(std::isnan(Value::string("+1").to_number()));
  CHECK(std::isnan(Value::string("Infinity").to_number()));
  CHECK(std::isnan(Value::string("1,5").to_number()));
  CHECK(std::isnan(Value::string("- 1").to_number()));
}

TEST_CASE("a date text converts to its days since the epoch") {
  CHECK(Value::string("1970-01-02").to_number() == 1);
  CHECK(Value::string("2008-09-05").to_number() == 14127);
  CHECK(Value::string("1970-01-01T12:00:00Z").to_number() == 0.5);
  CHECK(std::isnan(Value::string("1983-09-31").to_number()));
  CHECK(Value::date(14127).to_string() == "2008-09-05");
  CHECK(Value::date(-1).to_string() == "1969-12-31");
  CHECK(Value::date_time(0.5).to_string() == "1970-01-01T12:00:00.000+00:00");
}

TEST_CASE("booleans: non-empty strings, non-zero numbers, dates are true") {
  CHECK(Value::string("false").to_boolean());
  CHECK_FALSE(Value::string("").to_boolean());
  CHECK_FALSE(Value::number(NAN).to_boolean());
  CHECK_FALSE(Value::number(-0.0).to_boolean());
  CHECK(Value::number(-1).to_boolean());
  CHECK(Value::date(0).to_boolean());
}

TEST_CASE("a node-set converts through its first value; its boolean follows ODK") {
  CHECK(Value::node_set({"3", "4"}).to_number() == 3);
  CHECK(Value::node_set({"a", "b"}).to_string() == "a");
  CHECK(Value::node_set({}).to_string().empty());
  CHECK(std::isnan(Value::node_set({}).to_number()));
  CHECK_FALSE(Value::node_set({}).to_boolean());
  CHECK_FALSE(Value::node_set({""}).to_boolean());  // an unanswered field
  CHECK(Value::node_set({"", ""}).to_boolean());
  CHECK(Value::node_set({"x"}).node_values() == std::vector<std::string>{"x"});
  CHECK(Value::number(2).node_values() == std::vector<std::string>{"2"});
}

TEST_CASE("round() rounds the shortest decimal form, ties toward +infinity") {
  using doorstep::forms::round_decimal;
  CHECK(round_decimal(2.5, 0) == 3);
  CHECK(round_decimal(-2.5, 0) == -2);
  CHECK(round_decimal(12345.15, 1) == 12345.2);
  CHECK(round_decimal(-12345.15, 1) == -12345.1);
  CHECK(round_decimal(1.005, 2) == 1.01);  // 1.005 is 1.00499999... in binary
  CHECK(round_decimal(9.995, 2) == 10);
  CHECK(round_decimal(12350.12345, -2) == 12400);
  CHECK(round_decimal(-50.55, -2) == 0);
  CHECK(std::isnan(round_decimal(1, 31)));
  CHECK(std::isinf(round_decimal(INFINITY, 2)));
}
