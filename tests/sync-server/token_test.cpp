// `doorstep-server token create` from the command line.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

using namespace doorstep::test;

TEST_CASE("token create prints a token, or {\"token\": ...} with --json, and refuses bad input") {
  TempDir dir;
  auto data = dir / "county";
  std::filesystem::create_directories(data);
  auto plain = run_process(server_path(), {"token", "create", "--data", data.string(), "--role",
                                           "grid-worker", "--scope", "640323.101.200.07"});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.size() == 30);
  auto json = run_process(server_path(),
                          {"token", "create", "--data", data.string(), "--role", "village-leader",
                           "--scope", "640323.101.200", "--expires", "1h", "--json"});
  REQUIRE(json.exit_code == 0);
  auto parsed = nlohmann::json::parse(json.out);
  CHECK(parsed["token"].get<std::string>().size() == 29);
  CHECK(parsed["token"].get<std::string>() + "\n" != plain.out);
  auto bad_role = run_process(server_path(), {"token", "create", "--data", data.string(), "--role",
                                              "mayor", "--scope", "640323"});
  CHECK(bad_role.exit_code == 1);
  CHECK(bad_role.err.find("mayor") != std::string::npos);
  auto bad_expiry =
      run_process(server_path(), {"token", "create", "--data", data.string(), "--role",
                                  "grid-worker", "--scope", "640323", "--expires", "soon"});
  CHECK(bad_expiry.exit_code == 1);
  auto no_scope = run_process(
      server_path(), {"token", "create", "--data", data.string(), "--role", "grid-worker"});
  CHECK(no_scope.exit_code == 2);
}
