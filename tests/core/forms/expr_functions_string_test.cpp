// String functions count Unicode characters, so Chinese answers measure as people read them.
#include <doctest/doctest.h>

#include "tests/core/forms/expr_test_support.h"

using namespace doorstep::forms::test;

TEST_CASE("string-length counts characters, not bytes") {
  CHECK(eval_number("string-length('张三')") == 2);
  CHECK(eval_number("string-length(${name})", {{"name", "欧阳娜娜"}}) == 4);
  CHECK(eval_number("string-length('')") == 0);
  CHECK(eval_number("string-length()", {{".", "abc"}}) == 3);
  CHECK(error_of("string-length()").find("no current question") != std::string::npos);
}

TEST_CASE("substr and substring index characters") {
  CHECK(eval_string("substr('宁夏回族自治区', 0, 2)") == "宁夏");
  CHECK(eval_string("substr('hello', -2)") == "lo");
  CHECK(eval_string("substr('hello', 3, 1)") == "");
  CHECK(eval_string("substring('盐池县城', 2, 2)") == "池县");
  CHECK(eval_string("substring('12345', 1.5, 2.6)") == "234");
  CHECK(eval_string("substring('12345', 0 div 0, 3)") == "");
  // The birth date inside an ID number:
  CHECK(eval_string("substr(${id}, 6, 14)", {{"id", "11010519491231002X"}}) == "19491231");
}

TEST_CASE("translate maps characters one to one and deletes unmapped ones") {
  CHECK(eval_string("translate('２０２４', '０１２３４５６７８９', '0123456789')") == "2024");
  CHECK(eval_string("translate('hello', 'lo', 'L')") == "heLL");
  CHECK(eval_string("translate('a-b-c', '-', '')") == "abc");
}

TEST_CASE("normalize-space collapses XPath whitespace only") {
  CHECK(eval_string("normalize-space('  张  三 \n')") == "张 三");
  CHECK(eval_string("normalize-space('\ta\r\nb')") == "a b");
  CHECK(eval_string("normalize-space(' \f ')") == "\f");
}

TEST_CASE("concat and join take every value of a repeated field") {
  FormLikeContext form;
  form.fields["names"] = {"张三", "李四", "王五"};
  CHECK(doorstep::forms::Expression::parse("join('、', ${names})").evaluate(form).to_string() ==
        "张三、李四、王五");
  CHECK(doorstep::forms::Expression::parse("concat(${names}, '!')").evaluate(form).to_string() ==
        "张三李四王五!");
  CHECK(eval_string("concat()") == "");
  CHECK(eval_string("concat(1, true(), 'x')") == "1truex");
  CHECK(eval_string("join(', ', 'a', 'b')") == "a, b");
}

TEST_CASE("contains, starts-with, ends-with, substring-before and -after") {
  CHECK(eval_bool("contains('身份证号码', '证号')"));
  CHECK_FALSE(eval_bool("contains('abc', 'd')"));
  CHECK(eval_bool("starts-with('640323', '6403')"));
  CHECK(eval_bool("ends-with('11010519491231002X', 'X')"));
  CHECK(eval_string("substring-before('2024-03-05', '-')") == "2024");
  CHECK(eval_string("substring-after('2024-03-05', '-')") == "03-05");
  CHECK(eval_string("substring-after('abc', '')") == "abc");
}

TEST_CASE("regex matches the whole value, as ODK Collect does") {
  CHECK(eval_bool("regex('13912345678', '1[3-9][0-9]{9}')"));
  CHECK_FALSE(eval_bool("regex('1234', '[0-9]{3}')"));  // a search would find one
  CHECK(eval_bool("regex('1234', '.*[0-9]{3}')"));
  CHECK(eval_bool("regex(., '[\\u4e00-\\u9fa5]{2,4}')", {{".", "欧阳娜娜"}}));
  CHECK_FALSE(eval_bool("regex(., '[\\u4e00-\\u9fa5]{2,4}')", {{".", "Anna"}}));
  // A pattern computed at run time compiles then; a bad one is an evaluation error.
  CHECK(eval_bool("regex('abc', concat('a', 'b.'))"));
  CHECK(error_of("regex('abc', concat('[', ''))").find("invalid regular expression") !=
        std::string::npos);
}

TEST_CASE("regex refuses repetition counts over 1000 and patterns over 2000 bytes") {
  // Found by the expr fuzz target: libstdc++ reads a huge count with a signed overflow.
  CHECK(error_of("regex('1', '[0-9]{10600000000000000066}')").find("over 1000") !=
        std::string::npos);
  CHECK(error_of("regex('1', concat('[0-9]{1,', '99999}'))").find("over 1000") !=
        std::string::npos);
  CHECK(error_of("regex('1', '" + std::string(2001, 'a') + "')").find("longer than 2000") !=
        std::string::npos);
  CHECK(error_of("regex('1', '(1)\\2222222222222222222222')").find("back-reference") !=
        std::string::npos);
  CHECK(eval_bool("regex('aaa', 'a{1,1000}')"));
  CHECK(eval_bool("regex('{99999}', '\\{99999\\}')"));  // an escaped brace is a literal
}

TEST_CASE("regex refuses nested repetition and subjects over 2000 characters") {
  // Found by the expr fuzz target (the seed regex-nested-repetition.txt): nested quantifiers
  // ran for minutes on an empty answer; a 16,000-character answer overflowed the stack.
  for (const char* pattern :
       {"^s**+**{1,9}N8$", "(a+)+$", "(a|aa)*b*+", "((ab)*c)+", "a{2}{3}", "(?:x*)*"}) {
    INFO(pattern);
    CHECK(error_of(std::string("regex('aaaa', '") + pattern + "')").find("already repeated") !=
          std::string::npos);
  }
  // A control escape takes the next character, a backslash included: what follows is a
  // back-reference libstdc++ would read with an unchecked multiply.
  CHECK(error_of("regex('1', '\\c\\\\\\\\9826666666666666666666')").find("back-reference") !=
        std::string::npos);
  CHECK(eval_bool("regex('aaa', '^a*?$')"));                  // a lazy quantifier is one repetition
  CHECK(eval_bool("regex('ab12', '^(?:[a-z]+)[0-9]{2}$')"));  // a non-capturing group
  CHECK(eval_bool("regex('a+b', '^a[+*]b$')"));               // quantifier characters in a class
  CHECK(eval_bool("regex('1380013', '^1[3-9][0-9]{5}$')"));
  CHECK(eval_bool("regex('" + std::string(2000, 'a') + "', '(a|b)*')"));
  CHECK(error_of("regex('" + std::string(2001, 'a') + "', '(a|b)*')").find("at most 2000") !=
        std::string::npos);
}

TEST_CASE("string() of other types") {
  CHECK(eval_string("string(1 div 0)") == "Infinity");
  CHECK(eval_string("string(date('2024-02-29'))") == "2024-02-29");
  CHECK(eval_string("string(false())") == "false");
}
