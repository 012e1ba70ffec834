// Boolean and choice functions, and how node-sets compare.
#include <doctest/doctest.h>

#include "tests/core/forms/expr_test_support.h"

using namespace doorstep::forms;
using namespace doorstep::forms::test;

TEST_CASE("if evaluates only the branch it takes") {
  CHECK(eval_string("if(${a} > 5, 'big', 'small')", {{"a", "7"}}) == "big");
  CHECK(eval_string("if(${a} > 5, 'big', 'small')", {{"a", ""}}) == "small");
  CHECK(eval_string("if(true(), 'x', date('not a date'))") == "x");
  CHECK(error_of("if(false(), 'x', date('not a date'))").find("is not a date") !=
        std::string::npos);
}

TEST_CASE("and/or short-circuit and convert their operands to booleans") {
  CHECK_FALSE(eval_bool("false() and date('no')"));
  CHECK(eval_bool("true() or date('no')"));
  CHECK(eval_bool("'' or 17"));
  CHECK_FALSE(eval_bool("${a} and true()", {{"a", ""}}));
}

TEST_CASE("not and boolean of strings: any non-empty text is true, even 'false'") {
  CHECK(eval_bool("boolean('false')"));
  CHECK(eval_bool("not('')"));
  CHECK_FALSE(eval_bool("not(${a})", {{"a", "no"}}));
  CHECK(eval_bool("boolean-from-string('1')"));
  CHECK_FALSE(eval_bool("boolean-from-string('True')"));
  CHECK_FALSE(eval_bool("boolean-from-string('yes')"));
}

TEST_CASE("coalesce returns the first non-empty value; NaN counts as empty") {
  CHECK(eval_string("coalesce(${a}, ${b})", {{"a", ""}, {"b", "x"}}) == "x");
  CHECK(eval_string("coalesce(${a}, 'd')", {{"a", "0"}}) == "0");
  CHECK(eval_string("coalesce(${a} * 2, 0)", {{"a", ""}}) == "0");
  CHECK(eval_string("coalesce('', '', 'third')") == "third");
  CHECK(eval_string("coalesce('', '')") == "");
}

TEST_CASE("checklist counts true factors within bounds; -1 is no bound") {
  CHECK(eval_bool("checklist(2, -1, ${a} > 1, ${b} = 'x', false())", {{"a", "3"}, {"b", "x"}}));
  CHECK_FALSE(eval_bool("checklist(-1, 1, true(), true())"));
  CHECK(eval_bool("weighted-checklist(3, 10, true(), 2, false(), 5, true(), 1.5)"));
  CHECK_FALSE(eval_bool("weighted-checklist(4, 10, true(), 2, false(), 5, true(), 1.5)"));
}

TEST_CASE("a repeated field compares true if any instance matches (XPath node-sets)") {
  FormLikeContext form;
  form.fields["relation"] = {"head", "spouse", "child"};
  form.fields["age"] = {"45", "43", "12"};
  form.fields["empty"] = {};
  auto eval_form = [&](const char* text) {
    return Expression::parse(text).evaluate(form).to_boolean();
  };
  CHECK(eval_form("${relation} = 'child'"));
  CHECK(eval_form("${relation} != 'head'"));
  CHECK_FALSE(eval_form("${relation} = 'parent'"));
  CHECK(eval_form("${age} < 15"));
  CHECK_FALSE(eval_form("${age} > 50"));
  CHECK(eval_form("${age} = 43"));
  CHECK_FALSE(eval_form("${empty} = ''"));
  CHECK(eval_form("${relation} = ${relation}"));
  CHECK(eval_form("${age} = true()"));
  CHECK_FALSE(eval_form("${empty} = true()"));
}

TEST_CASE("parameters are reached as ${name} before fields") {
  FormLikeContext form;
  form.params["poverty_line"] = "5000";
  form.fields["income_per_capita"] = {"4200"};
  CHECK(Expression::parse("${income_per_capita} < ${poverty_line}").evaluate(form).to_boolean());
  CHECK_THROWS_AS(Expression::parse("${nope} < 1").evaluate(form), doorstep::Error);
}
