// Scope from the record at the county, end to end: a real server process, devices enrolled
// online, and changes a tampered phone could push (signed with its own certified key, stating
// a grid of its own for a household of another grid).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/store/store.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/forged_change_helpers.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGridA = "640323.101.200.01";
constexpr const char* kGridB = "640323.101.200.02";

// A county with grid workers A (kGridA) and B (kGridB) enrolled online; A has a household
// with a member, synced to the county.
struct TwoGrids {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path a = dir / "a.db", b = dir / "b.db";
  std::string household, member;

  TwoGrids() {
    auto init = run_process(server_path(), {"init", "--data", data.string(), "--county", "640323",
                                            "--name", "Yanchi", "--demo"});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  }
  std::string token(const std::string& scope) {
    auto made = run_process(server_path(), {"token", "create", "--data", data.string(), "--role",
                                            "grid-worker", "--scope", scope, "--json"});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    return json::parse(made.out)["token"];
  }
  void enroll(const LiveServer& server) {
    for (auto [db, grid] : {std::pair{a, kGridA}, std::pair{b, kGridB}}) {
      REQUIRE(run_cli({"init", "--db", db.string(), "--name", db.stem().string(), "--role",
                       "grid-worker", "--scope", grid})
                  .exit_code == 0);
      auto enrolled = run_cli({"enroll", "--db", db.string(), "--server", server.url(), "--token",
                               token(grid), "--fingerprint", server.fingerprint(), "--json"});
      REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
    }
    auto store = store::Store::open(a);
    household = store.add_household(kGridA, {{"head_name", "马兰"}, {"income", 4000}});
    member = store.add_member(household, {{"name", "马小兰"}, {"id_number", "640323200001011234"}});
    sync(a);
  }
  json sync(const std::filesystem::path& db) {
    auto result = run_cli({"sync", "--db", db.string(), "--json"});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return json::parse(result.out);
  }
  json at_county() {
    auto shown =
        run_process(server_path(), {"households", "--data", data.string(), household, "--json"});
    REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
    return json::parse(shown.out);
  }
};

}  // namespace

TEST_CASE(
    "a grid worker's edit of another grid's household, stating its own grid, is "
    "rejected out_of_scope by the county") {
  TwoGrids t;
  LiveServer server(t.data);
  t.enroll(server);
  auto forged = forge_change(t.b, t.household, kGridB,
                             {set_household_field(t.household, "head_name", "冒名"),
                              set_household_field(t.household, "income", 1)});
  auto ack = push_as(server, t.b, "forged-edit", {forged}, t.dir / "push.bin");
  CHECK(ack.stored == 0);
  REQUIRE(ack.rejected.size() == 1);
  CHECK(ack.rejected[0].code == static_cast<int>(ErrorCode::OutOfScope));
  CHECK(ack.rejected[0].reason.find(t.household) != std::string::npos);
  CHECK(ack.rejected[0].reason.find(kGridA) != std::string::npos);
  json shown = t.at_county();
  CHECK(shown["grid"] == kGridA);
  CHECK(shown["fields"]["head_name"] == "马兰");
  CHECK(shown["fields"]["income"] == 4000);
  // A's device never hears of the edit either: the two stay the same.
  t.sync(t.a);
  CHECK(store::Store::open(t.a).household(t.household)["fields"]["head_name"] == "马兰");
}

TEST_CASE(
    "a forged create of an existing household does not move it, and the forger cannot then "
    "read its members") {
  TwoGrids t;
  LiveServer server(t.data);
  t.enroll(server);
  auto forged = forge_change(t.b, t.household, kGridB,
                             {create_household(t.household, kGridB),
                              set_household_field(t.household, "head_name", "冒名")});
  auto ack = push_as(server, t.b, "forged-create", {forged}, t.dir / "push.bin");
  CHECK(ack.stored == 0);
  REQUIRE(ack.rejected.size() == 1);
  CHECK(ack.rejected[0].code == static_cast<int>(ErrorCode::OutOfScope));

  json shown = t.at_county();
  CHECK(shown["grid"] == kGridA);
  CHECK(shown["members"].size() == 1);
  // B pulls its grid: nothing of A's household, its members or their ID numbers.
  t.sync(t.b);
  auto b = store::Store::open(t.b);
  CHECK(b.households("", "").empty());
  CHECK_THROWS_AS(b.household(t.household), Error);
  // A still has its household and member, and so does the county's list of A's grid.
  t.sync(t.a);
  auto a = store::Store::open(t.a);
  REQUIRE(a.households("", "").size() == 1);
  CHECK(a.household(t.household)["members"].size() == 1);
  auto listed = run_process(server_path(), {"households", "--data", t.data.string(), "--grid",
                                            kGridA, "--all", "--json"});
  REQUIRE(listed.exit_code == 0);
  CHECK(json::parse(listed.out).size() == 1);
}
