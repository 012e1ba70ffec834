// The form session's view of one household: relevance cascading through groups, required
// questions, constraints with messages in the session's language, calculations and defaults.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "tests/core/forms/form_builders.h"

using namespace doorstep::test;
using doorstep::forms::FormSession;

namespace {

json yes_no(const std::string& name, json extra = json::object()) {
  return item("select_one yes_no", name, std::move(extra));
}

}  // namespace

TEST_CASE("a question is visible only while its relevant expression holds") {
  FormSession s(load(form_json(json::array(
      {yes_no("has_car"), item("integer", "cars", {{"relevant", "${has_car} = 'yes'"}})}))));
  CHECK_FALSE(s.question("cars", -1).visible);
  s.set_answer("has_car", -1, "yes");
  CHECK(s.question("cars", -1).visible);
  s.set_answer("has_car", -1, "no");
  CHECK_FALSE(s.question("cars", -1).visible);
}

TEST_CASE("relevance cascades: a hidden group hides everything inside it, however deep") {
  json inner = group("inner", json::array({item("text", "deep", {{"relevant", "true()"}})}));
  FormSession s(
      load(form_json(json::array({yes_no("open"),
                                  group("outer", json::array({item("text", "shallow"), inner}),
                                        {{"relevant", "${open} = 'yes'"}}),
                                  calculate("echo", "concat('[', ${deep}, ']')")}))));
  for (const char* name : {"outer", "shallow", "inner", "deep"}) {
    CAPTURE(name);
    CHECK_FALSE(s.question(name, -1).visible);
  }
  s.set_answer("open", -1, "yes");
  s.set_answer("deep", -1, "value");
  CHECK(s.question("deep", -1).visible);
  CHECK(s.question("echo", -1).value == "[value]");
  // Hiding the group again hides the answer from everything that reads it.
  s.set_answer("open", -1, "no");
  CHECK_FALSE(s.question("deep", -1).visible);
  CHECK(s.question("echo", -1).value == "[]");
  // ... and it comes back when the group does.
  s.set_answer("open", -1, "yes");
  CHECK(s.question("echo", -1).value == "[value]");
}

TEST_CASE("a visible required question without a value blocks finalising, a hidden one does not") {
  FormSession s(load(form_json(
      json::array({yes_no("gate", {{"required", true}}),
                   item("text", "why", {{"required", true}, {"relevant", "${gate} = 'no'"}})}))));
  auto snap = s.snapshot();
  CHECK_FALSE(snap.can_finalise);
  CHECK(s.question("gate", -1).missing);
  CHECK(s.question("gate", -1).error == "This question is required.");
  s.set_answer("gate", -1, "yes");
  CHECK(s.snapshot().can_finalise);
  s.set_answer("gate", -1, "no");
  CHECK_FALSE(s.snapshot().can_finalise);
  CHECK(s.question("why", -1).missing);
  s.set_answer("why", -1, "because");
  CHECK(s.snapshot().can_finalise);
}

TEST_CASE("required may be an expression over other answers") {
  FormSession s(load(form_json(
      json::array({item("integer", "n"), item("text", "detail", {{"required", "${n} > 3"}})}))));
  CHECK_FALSE(s.question("detail", -1).required);
  s.set_answer("n", -1, "4");
  CHECK(s.question("detail", -1).required);
  CHECK_FALSE(s.snapshot().can_finalise);
}

TEST_CASE("a failed constraint shows its message in the session's language") {
  json message = {{"zh", "年龄应在0到120岁之间"}, {"en", "Age must be between 0 and 120"}};
  auto form = load(form_json(json::array(
      {item("integer", "age",
            {{"constraint", ". >= 0 and . <= 120"}, {"constraint_message", message}})})));
  FormSession en(form, {}, "en");
  en.set_answer("age", -1, "130");
  CHECK(en.question("age", -1).error == "Age must be between 0 and 120");
  CHECK_FALSE(en.snapshot().can_finalise);
  en.set_answer("age", -1, "120");
  CHECK(en.question("age", -1).error.empty());
  CHECK(en.snapshot().can_finalise);

  FormSession zh(form, {}, "zh");
  zh.set_answer("age", -1, "-1");
  CHECK(zh.question("age", -1).error == "年龄应在0到120岁之间");
  zh.set_language("en");
  CHECK(zh.question("age", -1).error == "Age must be between 0 and 120");
}

TEST_CASE("a constraint without a message gets a default one; an empty answer is not checked") {
  FormSession s(load(form_json(json::array({item("integer", "n", {{"constraint", ". > 5"}})}))));
  CHECK(s.question("n", -1).error.empty());
  s.set_answer("n", -1, "2");
  CHECK(s.question("n", -1).error == "The answer is not accepted.");
  s.clear_answer("n", -1);
  CHECK(s.question("n", -1).error.empty());
}

TEST_CASE("a constraint reading another answer is re-checked when that answer changes") {
  FormSession s(load(form_json(json::array(
      {item("integer", "total"), item("integer", "part", {{"constraint", ". <= ${total}"}})}))));
  s.set_answer("total", -1, "10");
  s.set_answer("part", -1, "8");
  CHECK(s.question("part", -1).error.empty());
  s.set_answer("total", -1, "5");
  CHECK_FALSE(s.question("part", -1).error.empty());
}

TEST_CASE("calculations chain and follow every change of what they read") {
  FormSession s(load(
      form_json(json::array({item("decimal", "a"), item("decimal", "b"),
                             calculate("sum", "${a} + ${b}"), calculate("double", "${sum} * 2"),
                             calculate("label", "if(${double} > 10, 'big', 'small')")}))));
  s.set_answer("a", -1, "2");
  s.set_answer("b", -1, "1.5");
  CHECK(s.question("sum", -1).value == "3.5");
  CHECK(s.question("double", -1).value == "7");
  CHECK(s.question("label", -1).value == "small");
  s.set_answer("b", -1, "4");
  CHECK(s.question("label", -1).value == "big");
}

TEST_CASE("answers of the wrong type are refused with a message naming the question") {
  FormSession s(load(form_json(json::array(
      {item("integer", "n"), item("decimal", "d"), item("date", "when"), yes_no("yn"),
       item("geopoint", "where"), calculate("c", "1"), item("select_multiple yes_no", "many")}))));
  auto refused = [&](const std::string& name, const std::string& value, const std::string& text) {
    CAPTURE(name);
    CAPTURE(value);
    try {
      s.set_answer(name, -1, value);
      FAIL("accepted");
    } catch (const doorstep::Error& e) {
      CHECK(e.is(doorstep::ErrorCode::InvalidArgument));
      CHECK(std::string(e.what()).find(text) != std::string::npos);
    }
  };
  refused("n", "1.5", "'n' needs a whole number");
  refused("d", "abc", "'d' needs a number");
  refused("when", "2023-02-29", "'when' needs a date");
  refused("yn", "maybe", "'maybe' is not a choice of 'yn'");
  refused("where", "91 10", "'where' needs 'latitude longitude");
  refused("c", "5", "'c' is a calculate and cannot be answered");
  refused("nope", "1", "unknown question 'nope'");
  CHECK_NOTHROW(s.set_answer("n", -1, ""));  // clearing is always allowed
}

TEST_CASE("a refused answer leaves the session as it was") {
  FormSession s(
      load(form_json(json::array({item("integer", "n"), calculate("twice", "${n} * 2")}))));
  s.set_answer("n", -1, "4");
  CHECK_THROWS_AS(s.set_answer("n", -1, "four"), doorstep::Error);
  CHECK(s.question("n", -1).value == "4");
  CHECK(s.question("twice", -1).value == "8");
}

TEST_CASE("select_multiple answers are kept as space-separated names, each once") {
  FormSession s(load(form_json(json::array(
      {item("select_multiple yes_no", "many"), calculate("n", "count-selected(${many})")}))));
  s.set_answer("many", -1, "  no   yes no ");
  CHECK(s.question("many", -1).value == "no yes");
  CHECK(s.question("n", -1).value == "2");
}

TEST_CASE("a literal default is an initial answer; a dynamic default follows until answered") {
  FormSession s(
      load(form_json(json::array({item("integer", "n", {{"default", "3"}}), item("integer", "base"),
                                  item("integer", "derived", {{"default", "${base} + 1"}})}))));
  CHECK(s.question("n", -1).value == "3");
  CHECK(s.question("n", -1).answered);
  s.clear_answer("n", -1);
  CHECK(s.question("n", -1).value.empty());

  s.set_answer("base", -1, "10");
  CHECK(s.question("derived", -1).value == "11");
  CHECK_FALSE(s.question("derived", -1).answered);
  s.set_answer("derived", -1, "20");
  s.set_answer("base", -1, "30");
  CHECK(s.question("derived", -1).value == "20");
  s.clear_answer("derived", -1);
  CHECK(s.question("derived", -1).value == "31");
}

TEST_CASE("parameters are read as ${name}, with the form's default unless the county overrides") {
  json params = {{"limit", {{"default", 100}}}};
  auto form =
      load(form_json(json::array({item("integer", "x"), calculate("over", "${x} > ${limit}")}),
                     {{"params", params}}));
  FormSession by_default(form);
  by_default.set_answer("x", -1, "150");
  CHECK(by_default.question("over", -1).value == "true");
  FormSession county(form, {{"limit", "200"}});
  county.set_answer("x", -1, "150");
  CHECK(county.question("over", -1).value == "false");
  CHECK_THROWS_AS(FormSession(form, {{"limt", "1"}}), doorstep::Error);
}
