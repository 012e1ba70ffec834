// The county's own risk levels kept by the server: where they live and how they got there.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/store/sqlite.h"
#include "core/sync/county_authority.h"
#include "tests/support/test_support.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

TEST_CASE("county levels an older server kept in server.db are moved to the county store once") {
  TempDir dir;
  auto data = dir / "county";
  auto run = [&](const std::vector<std::string>& args) {
    auto result = run_process(server_path(), args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return result.out;
  };
  run({"init", "--data", data.string(), "--county", "640323", "--name", "Yanchi", "--demo"});
  std::string household;
  {
    auto county = sync::CountyAuthority::open(data);
    household = county.store().add_household("640323.101.200.01", {{"head_name", "马兰"}});
  }
  // Opens server.db, where an older server kept the levels.
  run({"token", "create", "--data", data.string(), "--role", "grid-worker", "--scope",
       "640323.101.200.01"});
  {
    sqlite::Database server_db((data / "server.db").string(), false);
    server_db
        .cached(
            "INSERT INTO county_risk VALUES (?1, 'v', 1, 0, 'red', '{\"level\":\"red\"}', "
            "'household-monitoring@1', 'green', 0)")
        .bind(1, household)
        .run();
  }
  auto at_county = [&] {
    return json::parse(run({"households", "--data", data.string(), household, "--json"}));
  };
  json shown = at_county();
  CHECK(shown["risk"]["level"] == "red");
  CHECK(shown["risk"]["computed_by"] == "county");
  CHECK(shown["risk"]["device_level"] == "green");
  {
    sqlite::Database county_db((data / "county.db").string(), false);
    sqlite::Statement count(county_db, "SELECT count(*) FROM county_risk");
    REQUIRE(count.step());
    CHECK(count.int64(0) == 1);
  }
  // Moved once: a level written to server.db afterwards is not read.
  {
    sqlite::Database server_db((data / "server.db").string(), false);
    server_db.exec("UPDATE county_risk SET level = 'yellow'");
  }
  CHECK(at_county()["risk"]["level"] == "red");
}
