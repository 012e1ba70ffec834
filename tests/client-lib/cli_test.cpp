// The command-line shell as a user meets it: version, help, and how it refuses mistakes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "doorstep.h"
#include "tests/support/test_support.h"

using doorstep::test::run_cli;

TEST_CASE("doorstep --version prints the same version as ds_version()") {
  auto result = run_cli({"--version"});
  CHECK(result.exit_code == 0);
  CHECK(result.out == std::string("doorstep ") + ds_version() + "\n");

  auto json = run_cli({"--version", "--json"});
  CHECK(json.exit_code == 0);
  CHECK(nlohmann::json::parse(json.out)["version"] == ds_version());
}

TEST_CASE("doorstep help lists the commands, and help COMMAND shows its usage") {
  auto overview = run_cli({"help"});
  CHECK(overview.exit_code == 0);
  CHECK(overview.out.find("version") != std::string::npos);
  CHECK(overview.out.find("--db PATH") != std::string::npos);

  auto one = run_cli({"help", "version"});
  CHECK(one.exit_code == 0);
  CHECK(one.out.rfind("usage: PROGRAM version", 0) != 0);
  CHECK(one.out.find("doorstep version [--json]") != std::string::npos);
}

TEST_CASE("an unknown command exits 2 with a one-line error and a hint") {
  auto result = run_cli({"frobnicate"});
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "doorstep: unknown command 'frobnicate'\n"
        "hint: see 'doorstep help' for the list of commands\n");
}

TEST_CASE("an unknown option exits 2 and points at the command's help") {
  auto result = run_cli({"version", "--frobnicate"});
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "doorstep: unknown option '--frobnicate'\nhint: see 'doorstep help version'\n");

  auto global = run_cli({"--frobnicate"});
  CHECK(global.exit_code == 2);
  CHECK(global.err.find("unknown option '--frobnicate'") != std::string::npos);
}

TEST_CASE("help for a command that does not exist exits 2") {
  auto result = run_cli({"help", "nope"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("no such command 'nope'") != std::string::npos);
}
