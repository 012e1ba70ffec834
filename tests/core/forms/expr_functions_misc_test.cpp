// uuid, once, position, digest, base64-decode.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "tests/core/forms/expr_test_support.h"

using namespace doorstep::forms;
using namespace doorstep::forms::test;

TEST_CASE("uuid() is a random version-4 UUID; uuid(n) n random letters and digits") {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string id = eval_string("uuid()");
    CHECK(std::regex_match(
        id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
    seen.insert(id);
  }
  CHECK(seen.size() == 50);
  CHECK(std::regex_match(eval_string("uuid(12)"), std::regex("[0-9A-Za-z]{12}")));
}

TEST_CASE("once() keeps the current value and computes only when it is empty") {
  CHECK(eval_string("once(concat('a', 'b'))", {{".", ""}}) == "ab");
  CHECK(eval_string("once(concat('a', 'b'))", {{".", "kept"}}) == "kept");
}

TEST_CASE("position() is the 1-based index of the current repeat instance") {
  FormLikeContext form;
  form.current_position = 3;
  CHECK(Expression::parse("position(..)").evaluate(form).to_number() == 3);
  CHECK(Expression::parse("position() - 1").evaluate(form).to_number() == 2);
  CHECK(eval_number("position()") == 0);  // outside any repeat
}

TEST_CASE("digest() hashes UTF-8 text in base64 or hex") {
  CHECK(eval_string("digest('abc', 'SHA-256', 'hex')") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(eval_string("digest('abc', 'SHA-256')") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  CHECK(eval_string("digest('some text', 'MD5', 'hex')") == "552e21cd4cd9918678e3c1a0df491bc3");
  CHECK(error_of("digest('a', 'SHA-3')").find("unknown algorithm") != std::string::npos);
}

TEST_CASE("base64-decode() decodes UTF-8 text") {
  CHECK(eval_string("base64-decode('5L2g5aW9')") == "你好");
  CHECK(eval_string("base64-decode('YWI=')") == "ab");
  CHECK(eval_string("base64-decode('not base64!')") == "");
}

TEST_CASE("id-valid and id-birthdate in expressions") {
  CHECK(eval_bool("id-valid(.)", {{".", "11010519491231002X"}}));
  CHECK_FALSE(eval_bool("id-valid(.)", {{".", "110105194912310021"}}));
  CHECK(eval_string("id-birthdate('11010519491231002X')") == "1949-12-31");
  CHECK(eval_string("id-birthdate('bad')") == "");
  // Age in whole years on a pinned day (2026-11-28) from the ID number.
  CHECK(eval_number("int((today() - id-birthdate(${id})) div 365.25)",
                    {{"id", "11010519491231002X"}}) == 76);
}
