// Functions on select answers: space-separated choice values, as ODK stores them.
#include <doctest/doctest.h>

#include "tests/core/forms/expr_test_support.h"

using namespace doorstep::forms;
using namespace doorstep::forms::test;

TEST_CASE("selected finds one whole value among the space-separated answers") {
  Fields risks = {{"risk_factors", "u2 m1 u6"}};
  CHECK(eval_bool("selected(${risk_factors}, 'm1')", risks));
  CHECK(eval_bool("selected(${risk_factors}, ' u6 ')", risks));
  CHECK_FALSE(eval_bool("selected(${risk_factors}, 'u')", risks));
  CHECK_FALSE(eval_bool("selected(${risk_factors}, 'm')", risks));
  CHECK_FALSE(eval_bool("selected('', 'u1')"));
  CHECK(eval_bool("is-selected('a b', 'b')"));
}

TEST_CASE("count-selected and selected-at") {
  CHECK(eval_number("count-selected(${r})", {{"r", "u1 u2  m3"}}) == 3);
  CHECK(eval_number("count-selected('')") == 0);
  CHECK(eval_string("selected-at('u1 u2 m3', 0)") == "u1");
  CHECK(eval_string("selected-at('u1 u2 m3', 2)") == "m3");
  CHECK(eval_string("selected-at('u1 u2 m3', 3)") == "");
  CHECK(eval_string("selected-at('u1 u2 m3', -1)") == "");
}

TEST_CASE("jr:choice-name asks the form for the label in the session's language") {
  FormLikeContext form;
  form.fields["housing_grade"] = {"C"};
  form.labels["housing_grade/C"] = "C级（局部危险）";
  auto label = [&](const char* text) { return Expression::parse(text).evaluate(form).to_string(); };
  CHECK(label("jr:choice-name(${housing_grade}, '${housing_grade}')") == "C级（局部危险）");
  CHECK(label("jr:choice-name('C', 'housing_grade')") == "C级（局部危险）");
  CHECK(label("jr:choice-name('C', '/data/housing_grade')") == "C级（局部危险）");
  CHECK(label("jr:choice-name('Z', '${housing_grade}')").empty());
}
