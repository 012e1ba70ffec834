// Number functions and arithmetic with ODK's empty values (number('') is NaN).
#include <doctest/doctest.h>

#include <cmath>

#include "tests/core/forms/expr_test_support.h"

using namespace doorstep::forms;
using namespace doorstep::forms::test;

TEST_CASE("arithmetic on empty answers yields NaN, which compares false") {
  CHECK(std::isnan(eval_number("${a} + 1", {{"a", ""}})));
  CHECK_FALSE(eval_bool("${a} > 0", {{"a", ""}}));
  CHECK_FALSE(eval_bool("${a} <= 0", {{"a", ""}}));
  CHECK(eval_number("${a} * ${b}", {{"a", "12.5"}, {"b", "4"}}) == 50);
  CHECK(eval_number("7 div 2") == 3.5);
  CHECK(eval_number("-7 mod 3") == -1);
  CHECK(std::isinf(eval_number("1 div 0")));
}

TEST_CASE("relational operators compare numerically, equality of strings does not") {
  CHECK(eval_bool("'10' > '9'"));
  CHECK_FALSE(eval_bool("'abc' < 'abd'"));
  CHECK(eval_bool("${a} = 5", {{"a", "5.0"}}));
  CHECK_FALSE(eval_bool("${a} = '5'", {{"a", "5.0"}}));
  CHECK(eval_bool("6.1 - 7.8 = -1.7"));  // equal within 1e-12, as ODK Collect
}

TEST_CASE("number, int, floor, ceiling, abs") {
  CHECK(eval_number("number(' 42 ')") == 42);
  CHECK(std::isnan(eval_number("number('4,2')")));
  CHECK(eval_number("int(-3.9)") == -3);
  CHECK(eval_number("int('7.99')") == 7);
  CHECK(eval_number("floor(-1.5)") == -2);
  CHECK(eval_number("ceiling(1.01)") == 2);
  CHECK(eval_number("abs(-2.5)") == 2.5);
}

TEST_CASE("round rounds halves toward +infinity like ODK Collect, with places") {
  CHECK(eval_number("round(2.5)") == 3);
  CHECK(eval_number("round(-2.5)") == -2);
  CHECK(eval_number("round(5000 div 3, 2)") == 1666.67);
  CHECK(eval_number("round(1234.5678, -2)") == 1200);
  CHECK(std::isnan(eval_number("round('')")));
}

TEST_CASE("pow, sqrt, exp, log and trigonometry") {
  CHECK(eval_number("pow(2, 10)") == 1024);
  CHECK(eval_number("sqrt(16)") == 4);
  CHECK(eval_number("exp10(3)") == doctest::Approx(1000));
  CHECK(eval_number("log10(1000)") == doctest::Approx(3));
  CHECK(eval_number("log(exp(2))") == doctest::Approx(2));
  CHECK(eval_number("sin(pi() div 2)") == doctest::Approx(1));
  CHECK(eval_number("atan2(1, 1)") == doctest::Approx(M_PI / 4));
  CHECK(std::isnan(eval_number("sqrt(-1)")));
}

TEST_CASE("min and max skip empty values; NaN only when nothing is left") {
  CHECK(eval_number("max(1, ${a}, 3)", {{"a", ""}}) == 3);
  CHECK(eval_number("min(-4, -1, -3)") == -4);
  CHECK(std::isnan(eval_number("max('')")));
  FormLikeContext form;
  form.fields["age"] = {"34", "", "7", "61"};
  CHECK(Expression::parse("max(${age})").evaluate(form).to_number() == 61);
  CHECK(Expression::parse("min(${age})").evaluate(form).to_number() == 7);
}

TEST_CASE("sum, count and count-non-empty aggregate a repeat's instances") {
  FormLikeContext form;
  form.fields["income"] = {"1200", "", "800.5"};
  form.fields["members"] = {"", "", ""};
  CHECK(Expression::parse("sum(${income})").evaluate(form).to_number() == 2000.5);
  CHECK(Expression::parse("count(${members})").evaluate(form).to_number() == 3);
  CHECK(Expression::parse("count-non-empty(${income})").evaluate(form).to_number() == 2);
  CHECK(Expression::parse("sum(${income}) div count(${members})").evaluate(form).to_number() ==
        doctest::Approx(666.8333333));
  form.fields["none"] = {};
  CHECK(Expression::parse("sum(${none})").evaluate(form).to_number() == 0);
  CHECK(Expression::parse("count(${none})").evaluate(form).to_number() == 0);
}

TEST_CASE("random() is a number in [0, 1)") {
  for (int i = 0; i < 100; ++i) {
    double r = eval_number("random()");
    CHECK(r >= 0);
    CHECK(r < 1);
  }
}
