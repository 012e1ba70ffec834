// Parsing expressions: XLSForm syntax, XPath precedence, what an Expression reports about
// itself, and errors that name the byte offset.
#include <doctest/doctest.h>

#include <random>

#include "tests/core/forms/expr_test_support.h"

using namespace doorstep::forms;
using namespace doorstep::forms::test;

TEST_CASE("operators follow XPath precedence and associate to the left") {
  CHECK(eval_number("1 + 2 * 3") == 7);
  CHECK(eval_number("10 - 4 - 3") == 3);
  CHECK(eval_number("2 * 3 div 8 * 2") == 1.5);
  CHECK(eval_number("1 - 10 mod 3 div 3") == doctest::Approx(2.0 / 3));
  CHECK(eval_bool("true() or true() and false()"));
  CHECK_FALSE(eval_bool("(true() or true()) and false()"));
  CHECK(eval_bool("-3 < 3 = 6 >= 6"));
  CHECK(eval_number("--1") == 1);
  CHECK(eval_number("-(8 * 5)") == -40);
}

TEST_CASE("operator words are operators only after a value") {
  CHECK(eval_number("5 mod 3") == 2);
  CHECK(eval_number("'1'div'1'") == 1);
  CHECK(eval_bool("1 and\r\n\t1"));
  CHECK(eval_number("6 div-2") == -3);
  CHECK(error_of("and(1)").find("unknown function 'and'") != std::string::npos);
}

TEST_CASE("function names may hold hyphens, dots and a prefix") {
  CHECK(eval_number("count-selected('a b')") == 2);
  CHECK(eval_bool("boolean-from-string('true')"));
  CHECK(eval_string("jr:choice-name('x', '${f}')").empty());
  CHECK(eval_string("if ('' != '', 'A', 'B')") == "B");
}

TEST_CASE("references are listed once each in order of first appearance") {
  auto e = Expression::parse("${b} + ${a} * ${b} + count-selected(${c})");
  CHECK(e.references() == std::vector<std::string>{"b", "a", "c"});
  CHECK_FALSE(e.uses_current());
  CHECK_FALSE(e.is_volatile());
  CHECK(e.text() == "${b} + ${a} * ${b} + count-selected(${c})");
}

TEST_CASE("an expression knows when it reads '.' or the clock") {
  CHECK(Expression::parse(". > 0").uses_current());
  CHECK(Expression::parse("string-length() > 2").uses_current());
  CHECK(Expression::parse("once(uuid())").uses_current());
  CHECK_FALSE(Expression::parse("string-length(${a})").uses_current());
  CHECK(Expression::parse("today() - ${dob}").is_volatile());
  CHECK(Expression::parse("concat(uuid(), 'x')").is_volatile());
  CHECK(Expression::parse("random() < 0.5").is_volatile());
}

TEST_CASE("a parsed expression can be copied and moved and still evaluates") {
  auto original = Expression::parse("${x} * 2");
  Expression copy = original;
  Expression moved = std::move(original);
  MapContext context;
  context.set("x", "21");
  CHECK(copy.evaluate(context).to_number() == 42);
  CHECK(moved.evaluate(context).to_number() == 42);
  CHECK(copy.references() == moved.references());
}

TEST_CASE("syntax errors name the byte offset where they are found") {
  CHECK(error_of("(1 + 2") == "at offset 6: expected ')', found end of expression");
  CHECK(error_of("1 +") ==
        "at offset 3: expected a value, a ${field} or a function call, found end of expression");
  CHECK(error_of("1 2") == "at offset 2: expected an operator or the end, found number 2");
  CHECK(error_of("concat('a', 'b") == "at offset 12: unterminated string (missing closing ')");
  CHECK(error_of("${a + 1") == "at offset 0: unterminated ${ (missing '}')");
  CHECK(error_of("$a") == "at offset 0: expected '{' after '$' (write ${name})");
  CHECK(error_of("${}") == "at offset 0: empty field name in ${}");
  CHECK(error_of("1 # 2") == "at offset 2: unexpected character '#'");
  CHECK(error_of("") == "at offset 0: empty expression");
  CHECK(error_of("/data/age > 3").find("at offset 0: XPath paths are not supported") == 0);
  CHECK(error_of("age > 3").find("at offset 0: unexpected name 'age'") == 0);
  CHECK(error_of("1 ! 2").find("at offset 2: unexpected '!'") == 0);
}

TEST_CASE("unknown functions and wrong argument counts are parse errors with the offset") {
  CHECK(error_of("1 + frobnicate(2)") == "at offset 4: unknown function 'frobnicate'");
  CHECK(error_of("if(1, 2)") == "at offset 0: if() takes 3 arguments, not 2");
  CHECK(error_of("x + round()") != "");
  CHECK(error_of("2 * round(1, 2, 3)") == "at offset 4: round() takes 1 to 2 arguments, not 3");
  CHECK(error_of("coalesce(1)") == "at offset 0: coalesce() takes at least 2 arguments, not 1");
  CHECK(error_of("true(5)") == "at offset 0: true() takes 0 arguments, not 1");
  CHECK(error_of("sum('3')") ==
        "at offset 4: sum() needs a field reference such as ${name} as argument 1");
  CHECK(error_of("regex(., '[0-9')").find("at offset 9: invalid regular expression") == 0);
  CHECK(error_of("weighted-checklist(1, 2, true())").find("factor/weight pairs") !=
        std::string::npos);
  CHECK(error_of("round(..)") == "at offset 6: '..' is only allowed in position(..)");
}

TEST_CASE("absurdly deep or long expressions are refused, not a stack overflow") {
  std::string deep(5000, '(');
  deep += "1" + std::string(5000, ')');
  CHECK(error_of(deep).find("nested too deeply") != std::string::npos);
  std::string minus(5000, '-');
  CHECK(error_of(minus + "1").find("nested too deeply") != std::string::npos);
  std::string chain = "1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  CHECK(error_of(chain).find("too many operators") != std::string::npos);
}

TEST_CASE("random inputs either parse or fail with InvalidExpression, never crash") {
  const unsigned seed = 20261128;
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::string alphabet = "${}()'\". ,+-*=!<>/abdivmorn0123456789xyz:_-中";
  const std::vector<std::string> words = {
      "${a}", "if(", "concat(", " div ", " and ",     "'x'",     "round(", ")",
      ",",    "1.5", ".",       "..",    "selected(", "today()", "regex(", "'[0-9]+'"};
  MapContext context;
  context.set("a", "3");
  context.set(".", "a b");
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    int length = static_cast<int>(rng() % 12);
    for (int k = 0; k < length; ++k) {
      if (rng() % 2)
        text += alphabet[rng() % alphabet.size()];
      else
        text += words[rng() % words.size()];
    }
    CAPTURE(text);
    try {
      Expression::parse(text).evaluate(context);
    } catch (const doorstep::Error& e) {
      CHECK(e.is(doorstep::ErrorCode::InvalidExpression));
    }
  }
}
