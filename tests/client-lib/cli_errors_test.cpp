// Errors that point at the user's input: a folder given where a file belongs is called a
// folder, messages name the option or file the user gave (not the C ABI parameter behind
// it), and text that is not UTF-8 is an invalid argument naming where it was, in the CLI and
// in the C ABI alike.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "doorstep.h"
#include "tests/support/test_support.h"

using doorstep::test::run_cli;
using doorstep::test::source_dir;
using doorstep::test::TempDir;
using doorstep::test::write_file;
using nlohmann::json;

namespace {

struct Device {
  TempDir dir;
  std::string db = (dir / "device.db").string();
  std::string form = (source_dir() / "forms/household-monitoring.json").string();
  std::string answers = (source_dir() / "forms/examples/green-household.json").string();
  std::string household;
  Device() {
    REQUIRE(run_cli({"init", "--db", db, "--name", "Li Wei"}).exit_code == 0);
    auto added = run_cli({"household", "add", "--db", db, "--grid", "640323.101.200.07", "--set",
                          R"({"head_name": "Ma"})", "--json"});
    REQUIRE(added.exit_code == 0);
    household = json::parse(added.out)["id"];
  }
};

bool mentions(const doorstep::test::ProcessResult& result, const std::string& text) {
  return result.err.find(text) != std::string::npos;
}

std::string message_of(const ds_error& error) {
  char* text = ds_error_message(&error);
  std::string copy(text);
  ds_free(text);
  return copy;
}

}  // namespace

TEST_CASE("a folder given as a file is named as a folder, with the option it came from") {
  Device device;
  std::string folder = device.dir.path().string();
  auto visit = run_cli({"visit", "--db", device.db, "--household", device.household, "--form",
                        device.form, "--answers", folder});
  CHECK(visit.exit_code == 1);
  CHECK(mentions(visit, "--answers " + folder + ": is a directory"));
  auto form = run_cli({"visit", "--db", device.db, "--household", device.household, "--form",
                       folder, "--answers", device.answers});
  CHECK(mentions(form, "--form " + folder + ": is a directory"));
  auto run = run_cli({"form", "run", device.form, "--answers", folder});
  CHECK(run.exit_code == 1);
  CHECK(mentions(run, "--answers " + folder + ": is a directory"));
  auto params =
      run_cli({"form", "run", device.form, "--answers", device.answers, "--params", folder});
  CHECK(mentions(params, "--params " + folder + ": is a directory"));
  auto check = run_cli({"form", "check", folder});
  CHECK(check.exit_code == 1);
  CHECK(mentions(check, "'" + folder + "': is a directory"));
  auto enroll = run_cli({"enroll", "--db", device.db, "--file", folder});
  CHECK(mentions(enroll, "--file " + folder + ": is a directory"));
  auto database = run_cli({"household", "list", "--db", folder});
  CHECK(database.exit_code == 1);
  CHECK(mentions(database, "the database '" + folder + "' is a directory"));
  auto init = run_cli({"init", "--db", folder, "--name", "Li Wei"});
  CHECK(mentions(init, "the database '" + folder + "' is a directory"));
  auto missing = run_cli({"form", "run", device.form, "--answers", folder + "/none.json"});
  CHECK(mentions(missing, "--answers " + folder + "/none.json: no such file"));
}

TEST_CASE("errors name the user's option or file, not the C ABI parameter behind it") {
  Device device;
  auto bad = device.dir / "bad.json";
  write_file(bad, "{\"head_name\": ");
  auto visit = run_cli({"visit", "--db", device.db, "--household", device.household, "--form",
                        device.form, "--answers", bad.string()});
  CHECK(visit.exit_code == 1);
  CHECK(mentions(visit, "--answers " + bad.string() + " is not valid JSON"));
  CHECK_FALSE(mentions(visit, "answers_json"));
  CHECK_FALSE(mentions(visit, "json.exception"));
  auto run = run_cli({"form", "run", device.form, "--answers", bad.string()});
  CHECK_FALSE(mentions(run, "answers_json"));
  CHECK(mentions(run, "--answers " + bad.string()));
  auto context = run_cli({"expr", "${a} + 1", "--context", "{\"a\": "});
  CHECK(context.exit_code == 1);
  CHECK(mentions(context, "--context is not valid JSON"));
  CHECK_FALSE(mentions(context, "context_json"));
  auto set = run_cli(
      {"household", "add", "--db", device.db, "--grid", "640323.101.200.07", "--set", "[1, 2]"});
  CHECK(set.exit_code == 1);
  CHECK(mentions(set, "--set must be a JSON object"));
  CHECK_FALSE(mentions(set, "fields_json"));
}

TEST_CASE("text that is not UTF-8 is an invalid argument naming where it was") {
  Device device;
  const std::string bad = "\"\xff\"";
  auto expr = run_cli({"expr", bad});
  CHECK(expr.exit_code == 1);
  CHECK(mentions(expr, "EXPR is not valid UTF-8 (byte 1)"));
  CHECK_FALSE(mentions(expr, "json.exception"));
  auto set =
      run_cli({"household", "set", "--db", device.db, device.household, "head_name=\xe7\x8e"});
  CHECK(set.exit_code == 2);
  CHECK(mentions(set, "FIELD=VALUE 'head_name=...' (argument 1): the value is not valid UTF-8"));
  auto resolve = run_cli({"conflicts", "resolve", "--db", device.db, device.household, "head_name",
                          "--value", "\xff"});
  CHECK(resolve.exit_code == 2);
  CHECK(mentions(resolve, "--value: the value is not valid UTF-8"));

  ds_error error{};
  CHECK(ds_expr_eval(bad.c_str(), nullptr, &error) == nullptr);
  CHECK(error.domain == DS_DOMAIN_DOORSTEP);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(error) == "expr is not valid UTF-8 (byte 1)");
  ds_error concat{};
  char* joined = ds_expr_eval("concat('a', ${x})", "{\"x\": \"\xff\"}", &concat);
  CHECK(joined == nullptr);
  CHECK(concat.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(concat).find("context_json is not valid JSON") != std::string::npos);
}
