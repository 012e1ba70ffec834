// `doorstep expr` as a user and a script meet it: the real binary, through the C ABI.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/test_support.h"

using doorstep::test::run_cli;
using nlohmann::json;

TEST_CASE("doorstep expr prints the value of an expression over a context") {
  auto sum = run_cli({"expr", "${a} + ${b} * 2", "--context", R"({"a": "1", "b": "20"})"});
  CHECK(sum.exit_code == 0);
  CHECK(sum.out == "41\n");

  auto text = run_cli({"expr", "concat(., '!')", "--context", R"({".": "你好"})"});
  CHECK(text.exit_code == 0);
  CHECK(text.out == "你好!\n");

  auto typed = run_cli({"expr", "date('2024-02-28') + 1 = date('2024-02-29')", "--json"});
  CHECK(typed.exit_code == 0);
  CHECK(json::parse(typed.out) == json{{"value", true}, {"type", "boolean"}});
}

TEST_CASE("doorstep expr --json writes special numbers and dates as strings") {
  auto nan = run_cli({"expr", "number('')", "--json"});
  CHECK(json::parse(nan.out) == json{{"value", "NaN"}, {"type", "number"}});
  auto inf = run_cli({"expr", "-1 div 0", "--json"});
  CHECK(json::parse(inf.out) == json{{"value", "-Infinity"}, {"type", "number"}});
  auto date = run_cli({"expr", "id-birthdate('11010519491231002X')", "--json"});
  CHECK(json::parse(date.out) == json{{"value", "1949-12-31"}, {"type", "date"}});
  // The value key comes first, as documented.
  CHECK(nan.out.rfind("{\"value\":", 0) == 0);
}

TEST_CASE("doorstep expr pins today() with --now and --utc-offset") {
  auto utc = run_cli({"expr", "today()", "--now", "2026-11-28T23:30:00Z"});
  CHECK(utc.out == "2026-11-28\n");
  auto beijing =
      run_cli({"expr", "today()", "--now", "2026-11-28T23:30:00Z", "--utc-offset", "480"});
  CHECK(beijing.out == "2026-11-29\n");
  auto bad = run_cli({"expr", "today()", "--utc-offset", "eight"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("doorstep expr refuses a syntax error with the offset and exit status 1") {
  auto result = run_cli({"expr", "if(${a} > 1, 'x'"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(result.err.find("at offset 16") != std::string::npos);

  auto unknown = run_cli({"expr", "frobnicate(1)"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("unknown function 'frobnicate'") != std::string::npos);

  auto missing_field = run_cli({"expr", "${nowhere} + 1"});
  CHECK(missing_field.exit_code == 1);
  CHECK(missing_field.err.find("${nowhere}") != std::string::npos);

  auto bad_context = run_cli({"expr", "1", "--context", "{not json"});
  CHECK(bad_context.exit_code == 1);
  CHECK(bad_context.err.find("--context is not valid JSON") != std::string::npos);

  auto no_expr = run_cli({"expr"});
  CHECK(no_expr.exit_code == 2);
}

TEST_CASE("doorstep expr --batch answers every line, errors included, in order") {
  std::string input = R"({"expr": "1 + 1", "context": null})"
                      "\n"
                      R"({"expr": "${x} * 2", "context": {"x": "21"}})"
                      "\n"
                      R"({"expr": "1 +", "context": null})"
                      "\n"
                      "this is not json\n"
                      "\n"
                      R"x({"expr": "selected(., 'b')", "context": {".": "a b c"}})x"
                      "\n";
  auto result = run_cli({"expr", "--batch"}, input);
  CHECK(result.exit_code == 0);
  std::istringstream lines(result.out);
  std::vector<json> out;
  for (std::string line; std::getline(lines, line);) out.push_back(json::parse(line));
  REQUIRE(out.size() == 5);
  CHECK(out[0] == json{{"value", 2}, {"type", "number"}});
  CHECK(out[1] == json{{"value", 42}, {"type", "number"}});
  CHECK(out[2]["error"].get<std::string>().find("at offset 3") != std::string::npos);
  CHECK(out[3]["error"].get<std::string>().find("line 4") != std::string::npos);
  CHECK(out[4] == json{{"value", true}, {"type", "boolean"}});
}

namespace {

// The case's expression with the upstream test's coercion written into it.
std::string coerced_expr(const json& c) {
  std::string expr = c["expr"].get<std::string>();
  std::string coerce = c.value("coerce_to", "");
  return coerce.empty() ? expr : coerce + "(" + expr + ")";
}

bool matches(const json& c, const json& got) {
  std::string compare = c["compare"].get<std::string>();
  if (compare == "error") return got.contains("error");
  if (!got.contains("value")) return false;
  const json& want = c["expected"];
  const json& value = got["value"];
  std::string type = c["result_type"].get<std::string>();
  if (type == "number") {
    if (got["type"] != "number") return false;
    if (want.is_string() || value.is_string()) return want == value;
    double tolerance = compare == "approx" ? c["tolerance"].get<double>() : 1e-9;
    if (compare == "round") {
      double scale = std::pow(10.0, c["round_decimals"].get<int>());
      return std::fabs(std::round(value.get<double>() * scale) / scale - want.get<double>()) < 1e-9;
    }
    return std::fabs(value.get<double>() - want.get<double>()) <= tolerance;
  }
  if (type == "boolean") return got["type"] == "boolean" && value == want;
  if (type == "date") return got["type"] == "date" && value == want;
  if (type == "string") return got["type"] == "string" && value == want;
  return true;  // date-times are compared in the core conformance test
}

}  // namespace

TEST_CASE("doorstep expr --batch answers a sample of the conformance vectors like the core") {
  std::ifstream in(doorstep::test::external_testdata_dir() / "xpath_cases.json");
  REQUIRE(in.good());
  json cases = json::parse(in)["cases"];
  std::vector<json> sample;
  size_t index = 0;
  for (const auto& c : cases) {
    if (c["tier"] != "core" || c["compare"] == "regex" || c["id"] == "ox-1734") continue;
    if (index++ % 7 == 0) sample.push_back(c);  // every 7th core case: about 210 lines
  }
  std::string input;
  for (const auto& c : sample)
    input += json{{"expr", coerced_expr(c)}, {"context", c["context"]}}.dump() + "\n";
  auto result = run_cli({"expr", "--batch"}, input);
  REQUIRE(result.exit_code == 0);
  std::istringstream lines(result.out);
  size_t i = 0;
  for (std::string line; std::getline(lines, line); ++i) {
    REQUIRE(i < sample.size());
    CAPTURE(sample[i]["id"]);
    CAPTURE(sample[i]["expr"]);
    CAPTURE(line);
    CHECK(matches(sample[i], json::parse(line)));
  }
  CHECK(i == sample.size());
  CHECK(sample.size() > 150);
}
