// Warnings: a question's `warning` expression flags an answer that looks wrong but may stand
// (an age that contradicts the ID number); it never blocks finalising.
#include <doctest/doctest.h>

#include "core/forms/form_evaluation.h"
#include "tests/core/forms/form_builders.h"
#include "tests/support/test_support.h"

using namespace doorstep::test;
using doorstep::forms::FormSession;
using doorstep::forms::load_form;

namespace {

// The shipped form's age check, in small: the age must be the ID's birth year away from 2026.
json id_and_age() {
  return form_json(json::array(
      {item("text", "id_number"),
       item(
           "integer", "age",
           {{"warning", "id-valid(${id_number}) and . != 2026 - int(substr(${id_number}, 6, 10))"},
            {"warning_message", {{"zh", "年龄与身份证不符"}, {"en", "The age contradicts the ID"}}},
            {"required", true}})}));
}

}  // namespace

TEST_CASE("a warning holds while its expression is true and follows the answers it reads") {
  FormSession s(load(id_and_age()), {}, "en");
  s.set_answer("age", -1, "40");
  CHECK(s.question("age", -1).warning.empty());  // no ID yet: nothing to contradict
  s.set_answer("id_number", -1, "640323200006150015");
  CHECK(s.question("age", -1).warning == "The age contradicts the ID");
  s.set_answer("age", -1, "26");
  CHECK(s.question("age", -1).warning.empty());
  s.set_answer("id_number", -1, "640323197503121237");
  CHECK(s.question("age", -1).warning == "The age contradicts the ID");
}

TEST_CASE("a warning does not block finalising and is listed in the snapshot's warnings") {
  FormSession s(load(id_and_age()), {}, "zh");
  s.set_answer("id_number", -1, "640323200006150015");
  s.set_answer("age", -1, "40");
  auto snapshot = doorstep::forms::snapshot_to_json(s, s.snapshot());
  CHECK(snapshot["can_finalise"] == true);
  CHECK(snapshot["errors"].empty());
  REQUIRE(snapshot["warnings"].size() == 1);
  CHECK(snapshot["warnings"][0] == json{{"name", "age"}, {"message", "年龄与身份证不符"}});
  for (const auto& q : snapshot["questions"])
    if (q["name"] == "age") CHECK(q["warning"] == "年龄与身份证不符");
}

TEST_CASE("a warning inside a repeat names its instance; without a message a default is used") {
  json form = form_json(json::array(
      {repeat("people", json::array({item("integer", "age", {{"warning", ". > 100"}})}))}));
  FormSession s(load(form), {}, "en");
  s.add_repeat_instance("people");
  s.add_repeat_instance("people");
  s.set_answer("age", 1, "104");
  CHECK(s.question("age", 0).warning.empty());
  CHECK(s.question("age", 1).warning == "Please check this answer.");
  auto snapshot = doorstep::forms::snapshot_to_json(s, s.snapshot());
  REQUIRE(snapshot["warnings"].size() == 1);
  CHECK(snapshot["warnings"][0]["instance"] == 1);
}

TEST_CASE("the loader checks a warning like any expression") {
  auto result = load_form(
      form_json(json::array({item("integer", "age", {{"warning", "${nobody} > 1"}})})).dump(2),
      "w.json");
  REQUIRE(result.issues.size() == 1);
  CHECK(result.issues[0].message.find("${nobody}") != std::string::npos);
  CHECK(result.issues[0].message.find("warning") != std::string::npos);
}

TEST_CASE("the shipped form warns when a member's age contradicts the birth date in the ID") {
  auto form = doorstep::forms::load_form_or_throw(
      read_file(source_dir() / "forms/household-monitoring.json"), "household-monitoring.json");
  FormSession s(form, {}, "en");
  s.set_clock(1780000000);  // 2026-05-28
  s.add_repeat_instance("members");
  s.set_answer("id_number", 0, "640323200006150015");  // born 2000-06-15: 25 on that day
  CHECK(s.question("age", 0).value == "25");
  CHECK(s.question("age", 0).warning.empty());
  s.set_answer("age", 0, "40");
  CHECK(s.question("age", 0).warning ==
        "The age does not match the birth date in the ID number; please check");
  CHECK(s.question("age", 0).error.empty());
}
