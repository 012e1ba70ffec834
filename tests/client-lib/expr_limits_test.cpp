// Expressions at their limits, through the C ABI and `doorstep expr`: contexts and batch
// lines nested absurdly deep are refused with a message naming the byte offset (never a
// crash), and the batch goes on with the next line.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "doorstep.h"
#include "tests/support/test_support.h"

using doorstep::test::run_cli;
using nlohmann::json;

namespace {

std::string nested_arrays(size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

std::string message_of(const ds_error& error) {
  char* text = ds_error_message(&error);
  std::string copy(text);
  ds_free(text);
  return copy;
}

}  // namespace

TEST_CASE("ds_expr_eval_request evaluates one {expr, context} request like ds_expr_eval_with") {
  ds_error error{};
  char* result =
      ds_expr_eval_request(R"({"expr": "${x} * 2", "context": {"x": "21"}})", nullptr, &error);
  REQUIRE(result != nullptr);
  CHECK(json::parse(result) == json{{"value", 42}, {"type", "number"}});
  ds_free(result);

  CHECK(ds_expr_eval_request(R"({"context": null})", nullptr, &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(error).find("the request must be {\"expr\"") != std::string::npos);
  CHECK(ds_expr_eval_request(nullptr, nullptr, &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
}

TEST_CASE("a context nested 60,000 levels is refused with the offset, not a stack overflow") {
  ds_error error{};
  std::string context = R"({"x": )" + nested_arrays(60'000) + "}";
  CHECK(ds_expr_eval_with("1", context.c_str(), nullptr, &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(error) == "context_json is nested deeper than 64 levels (at byte 69)");

  std::string request = R"({"expr": "1", "context": )" + context + "}";
  CHECK(ds_expr_eval_request(request.c_str(), nullptr, &error) == nullptr);
  CHECK(message_of(error).find("the request is nested deeper than 64 levels") != std::string::npos);
}

TEST_CASE(
    "doorstep expr --batch answers a line nested 60,000 levels deep with an error and goes on") {
  std::string deep = R"({"expr": "1", "context": {"x": )" + nested_arrays(60'000) + "}}";
  std::string input = deep + "\n" + R"({"expr": "1 + 1", "context": null})" + "\n";
  auto result = run_cli({"expr", "--batch"}, input);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  std::istringstream lines(result.out);
  std::vector<json> out;
  for (std::string line; std::getline(lines, line);) out.push_back(json::parse(line));
  REQUIRE(out.size() == 2);
  CHECK(out[0]["error"].get<std::string>().rfind(
            "line 1: the request is nested deeper than 64 levels (at byte ", 0) == 0);
  CHECK(out[1] == json{{"value", 2}, {"type", "number"}});

  auto single = run_cli({"expr", "1", "--context", R"({"x": )" + nested_arrays(60'000) + "}"});
  CHECK(single.exit_code == 1);
  CHECK(single.err.find("--context is nested deeper than 64 levels") != std::string::npos);
}
