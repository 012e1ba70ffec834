// The C ABI of expressions: results as JSON, errors as ds_error values, ownership.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "doorstep.h"

using nlohmann::json;

namespace {

// Takes ownership of a returned string (ds_free) and parses it.
json take_json(char* text) {
  REQUIRE(text != nullptr);
  std::string copy(text);
  ds_free(text);
  return json::parse(copy);
}

std::string message(const ds_error& error) {
  char* text = ds_error_message(&error);
  std::string copy(text);
  ds_free(text);
  return copy;
}

}  // namespace

TEST_CASE("ds_expr_eval returns the value and its type as JSON") {
  ds_error error{};
  CHECK(take_json(ds_expr_eval("${n} * 1.5", R"({"n": "4"})", &error)) ==
        json{{"value", 6}, {"type", "number"}});
  CHECK(take_json(ds_expr_eval("string-length('身份证号码')", nullptr, &error)) ==
        json{{"value", 5}, {"type", "number"}});
  CHECK(take_json(ds_expr_eval("coalesce(., 'none')", R"({".": ""})", &error)) ==
        json{{"value", "none"}, {"type", "string"}});
  CHECK(error.domain == 0);
}

TEST_CASE("ds_expr_eval_with pins the clock and the zone") {
  ds_error error{};
  const char* options = R"({"now": "2026-11-28T20:00:00Z", "utc_offset_minutes": 480})";
  CHECK(take_json(ds_expr_eval_with("today()", nullptr, options, &error))["value"] == "2026-11-29");
  CHECK(take_json(ds_expr_eval_with("format-date(now(), '%H:%M')", nullptr, options,
                                    &error))["value"] == "04:00");
  CHECK(ds_expr_eval_with("1", nullptr, R"({"zone": 8})", &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message(error).find("unknown key \"zone\"") != std::string::npos);
}

TEST_CASE("ds_expr_eval fails with an error naming the offset, never a crash") {
  ds_error error{};
  CHECK(ds_expr_eval("1 + * 2", nullptr, &error) == nullptr);
  CHECK(error.domain == DS_DOMAIN_DOORSTEP);
  CHECK(error.code == DS_ERR_INVALID_EXPRESSION);
  CHECK(message(error).find("at offset 4") != std::string::npos);

  ds_error null_error{};
  CHECK(ds_expr_eval(nullptr, nullptr, &null_error) == nullptr);
  CHECK(null_error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message(null_error).find("expr") != std::string::npos);

  ds_error context_error{};
  CHECK(ds_expr_eval("1", R"({"a": [1]})", &context_error) == nullptr);
  CHECK(context_error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message(context_error).find("\"a\"") != std::string::npos);

  // A NULL out_error is allowed.
  CHECK(ds_expr_eval(")", nullptr, nullptr) == nullptr);
}

TEST_CASE("ds_expr_check lists references without evaluating") {
  ds_error error{};
  json info = take_json(ds_expr_check("${b} + ${a} + ${b} > . and today() > date(${c})", &error));
  CHECK(info["references"] == json::array({"b", "a", "c"}));
  CHECK(info["uses_current"] == true);
  CHECK(info["volatile"] == true);
  CHECK(ds_expr_check("sum(", &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_EXPRESSION);
}
