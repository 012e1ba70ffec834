// The forms part of the C ABI: checking and loading definitions, sessions, the one-call
// evaluation, and how each refuses bad arguments.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "doorstep.h"
#include "tests/support/test_support.h"

using nlohmann::json;

namespace {

json take(char* text) {
  REQUIRE(text != nullptr);
  json out = json::parse(text);
  ds_free(text);
  return out;
}

std::string message(const ds_error& e) {
  char* text = ds_error_message(&e);
  std::string out = text;
  ds_free(text);
  return out;
}

const char* kForm = R"FORM({
  "settings": {"form_id": "t", "version": "1", "default_language": "en"},
  "params": {"limit": {"default": 10}},
  "survey": [
    {"type": "integer", "name": "n", "label": {"en": "N", "zh": "数"}, "constraint": ". < 100"},
    {"type": "begin_repeat", "name": "people", "children": [
      {"type": "integer", "name": "age", "required": true}
    ]},
    {"type": "calculate", "name": "total", "calculation": "sum(${age})"}
  ],
  "rules": [{"id": "r.big", "level": "red", "when": "${total} > ${limit}",
             "message": {"en": "too old", "zh": "年龄太大"}}]
})FORM";

}  // namespace

TEST_CASE("ds_form_check reports issues as JSON with file, line and column") {
  ds_error error{};
  json ok = take(ds_form_check(kForm, "t.json", &error));
  CHECK(ok["valid"] == true);
  json bad = take(ds_form_check("{\"survey\": 3}", "x.json", &error));
  CHECK(bad["valid"] == false);
  CHECK(bad["errors"][0]["file"] == "x.json");
  CHECK(bad["errors"][0]["column"] == 12);
  CHECK(ds_form_check(nullptr, "x", &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
}

TEST_CASE("ds_form_load fails with DS_ERR_INVALID_FORM listing every issue") {
  ds_error error{};
  CHECK(ds_form_load("{\"survey\": [{\"type\": \"x\", \"name\": \"a\"}, {\"type\": \"y\", "
                     "\"name\": \"b\"}]}",
                     "f.json", &error) == nullptr);
  CHECK(error.domain == DS_DOMAIN_DOORSTEP);
  CHECK(error.code == DS_ERR_INVALID_FORM);
  std::string text = message(error);
  CHECK(text.find("f.json:1:22: unknown type 'x'") != std::string::npos);
  CHECK(text.find("\nf.json:1:50: unknown type 'y'") != std::string::npos);
}

TEST_CASE("a session through the C ABI: answers, repeats, snapshot, answers back") {
  ds_error error{};
  ds_form* form = ds_form_load(kForm, "t.json", &error);
  REQUIRE(form != nullptr);
  ds_form_session* session = ds_form_session_new(form, "{\"limit\": 50}", "zh", &error);
  REQUIRE(session != nullptr);
  ds_form_free(form);  // the session keeps what it needs

  CHECK(ds_form_session_add_repeat(session, "people", &error) == 0);
  CHECK(ds_form_session_add_repeat(session, "people", &error) == 1);
  CHECK(ds_form_session_set_answer(session, "age", 0, "30", &error));
  CHECK(ds_form_session_set_answer(session, "age", 1, "25", &error));
  json q = take(ds_form_session_question(session, "age", 1, &error));
  CHECK(q["value"] == "25");
  CHECK(q["instance"] == 1);

  json snap = take(ds_form_session_snapshot(session, &error));
  CHECK(snap["calculated"]["total"] == "55");
  CHECK(snap["risk"]["level"] == "red");
  CHECK(snap["risk"]["rules"][0]["message"] == "年龄太大");
  CHECK(snap["can_finalise"] == true);

  CHECK(ds_form_session_remove_repeat(session, "people", 0, &error));
  snap = take(ds_form_session_snapshot(session, &error));
  CHECK(snap["risk"]["level"] == "green");

  CHECK_FALSE(ds_form_session_set_answer(session, "n", -1, "x", &error));
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message(error).find("需要填写整数") != std::string::npos);
  CHECK(ds_form_session_add_repeat(session, "n", &error) == -1);
  CHECK_FALSE(ds_form_session_remove_repeat(session, "people", 7, &error));

  json errors =
      take(ds_form_session_apply_answers(session, "{\"n\": 500, \"people\": [{}]}", &error));
  CHECK(errors.empty());
  json n = take(ds_form_session_question(session, "n", -1, &error));
  CHECK(n["error"] == "答案不符合要求");  // no message in the form: the default, in zh
  json answers = take(ds_form_session_answers(session, &error));
  CHECK(answers["n"] == "500");
  CHECK(answers["people"].size() == 2);
  CHECK(answers["people"][0]["age"] == "25");
  ds_form_session_free(session);
  ds_form_session_free(nullptr);
  ds_form_free(nullptr);
}

TEST_CASE("ds_form_evaluate returns the snapshot in one call") {
  ds_error error{};
  json snap = take(
      ds_form_evaluate(kForm, "{\"people\": [{\"age\": 4}, {\"age\": 9}]}", nullptr, "en", &error));
  CHECK(snap["calculated"]["total"] == "13");
  CHECK(snap["risk"]["level"] == "red");
  CHECK(snap["risk"]["rules"][0]["id"] == "r.big");
  CHECK(ds_form_evaluate(kForm, "[1]", nullptr, "en", &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(ds_form_evaluate(kForm, nullptr, "{\"nolimit\": 1}", nullptr, &error) == nullptr);
  CHECK(message(error).find("unknown parameter 'nolimit'") != std::string::npos);
}
