// Who may close a conflict, end to end: a grid worker and its village leader enrolled online
// at a real server edit one field concurrently; the worker's resolve is refused by its own
// device and, forged with its certified key, by the county; it proposes a value instead, which
// reaches the leader, whose resolve is taken everywhere.
#include <doctest/doctest.h>

#include <algorithm>
#include <tuple>

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

constexpr const char* kGrid = "640323.101.200.01";
constexpr const char* kVillage = "640323.101.200";

// A household of the worker's grid whose "income" the worker (5200) and the leader (4800)
// set concurrently; every side has synced, so all three hold the conflict.
struct ConflictAtCounty {
  TempDir dir;
  std::filesystem::path data;
  std::filesystem::path worker = dir / "worker.db", leader = dir / "leader.db";
  std::string household;

  ConflictAtCounty(const std::filesystem::path& county, const LiveServer& server) : data(county) {
    for (auto [db, role, scope] : {std::tuple{worker, "grid-worker", kGrid},
                                   std::tuple{leader, "village-leader", kVillage}}) {
      REQUIRE(run_cli({"init", "--db", db.string(), "--name", db.stem().string(), "--role", role,
                       "--scope", scope})
                  .exit_code == 0);
      auto enrolled =
          run_cli({"enroll", "--db", db.string(), "--server", server.url(), "--token",
                   create_token(data, role, scope), "--fingerprint", server.fingerprint()});
      REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
    }
    household = store::Store::open(worker).add_household(kGrid, {{"income", 4000}});
    sync(worker);
    sync(leader);
    cli({"household", "set", "--db", worker.string(), household, "income=5200"});
    cli({"household", "set", "--db", leader.string(), household, "income=4800"});
    sync(worker);
    sync(leader);
    sync(worker);
  }
  static ProcessResult cli(const std::vector<std::string>& args) {
    auto result = run_cli(args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return result;
  }
  static void sync(const std::filesystem::path& db) { cli({"sync", "--db", db.string()}); }
  json conflicts_at_county() const {
    auto shown =
        run_process(server_path(), {"households", "--data", data.string(), household, "--json"});
    REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
    return json::parse(shown.out)["conflicts"];
  }
};

}  // namespace

TEST_CASE(
    "a grid worker's resolve is refused naming who may resolve, and a village leader's is taken") {
  TempDir top;
  init_demo_county(top / "county");
  LiveServer server(top / "county");
  ConflictAtCounty t(top / "county", server);
  REQUIRE(t.conflicts_at_county().size() == 1);

  auto refused = run_cli({"conflicts", "resolve", "--db", t.worker.string(), t.household, "income",
                          "--value", "5000"});
  CHECK(refused.exit_code != 0);
  CHECK(refused.err.find("may be resolved by a village-leader or above; this device is a "
                         "grid-worker") != std::string::npos);
  CHECK(store::Store::open(t.worker).conflicts().size() == 1);

  // The worker proposes instead; the proposal reaches the leader by ordinary sync.
  auto proposed = ConflictAtCounty::cli({"conflicts", "propose", "--db", t.worker.string(),
                                         "--record", t.household, "--field", "income", "--value",
                                         "5000", "--note", "工资单核实", "--json"});
  CHECK(json::parse(proposed.out)["value"] == 5000);
  ConflictAtCounty::sync(t.worker);
  ConflictAtCounty::sync(t.leader);
  auto listed = ConflictAtCounty::cli({"conflicts", "list", "--db", t.leader.string(), "--json"});
  json conflicts = json::parse(listed.out);
  REQUIRE(conflicts.size() == 1);
  REQUIRE(conflicts[0]["proposals"].size() == 1);
  CHECK(conflicts[0]["proposals"][0]["value"] == 5000);
  CHECK(conflicts[0]["proposals"][0]["note"] == "工资单核实");
  CHECK(conflicts[0]["proposals"][0]["author"] == "worker");
  CHECK(conflicts[0]["values"].size() == 2);
  auto shown = ConflictAtCounty::cli({"conflicts", "list", "--db", t.leader.string()});
  CHECK(shown.out.find("proposed: 5000 by worker (工资单核实)") != std::string::npos);

  ConflictAtCounty::cli({"conflicts", "resolve", "--db", t.leader.string(), t.household, "income",
                         "--value", "5000"});
  ConflictAtCounty::sync(t.leader);
  CHECK(t.conflicts_at_county().empty());
  ConflictAtCounty::sync(t.worker);
  auto worker = store::Store::open(t.worker);
  CHECK(worker.conflicts().empty());
  CHECK(worker.household(t.household)["fields"]["income"] == 5000);
  for (const auto& db : {t.worker, t.leader}) ConflictAtCounty::cli({"check", "--db", db.string()});
  auto county_check = run_process(server_path(), {"digest", "--data", t.data.string()});
  CHECK(county_check.exit_code == 0);
}

TEST_CASE("a resolve op forged with a grid worker's certified key is rejected by the county") {
  TempDir top;
  init_demo_county(top / "county");
  LiveServer server(top / "county");
  ConflictAtCounty t(top / "county", server);
  json conflicts = store::Store::open(t.worker).conflicts();
  REQUIRE(conflicts.size() == 1);
  sync::Op resolve = set_household_field(t.household, "income", 5000);
  resolve.kind = sync::OpKind::Resolve;
  for (const auto& value : conflicts[0]["values"])
    resolve.pred.push_back(sync::OpId::parse(value["op"].get<std::string>()));
  std::sort(resolve.pred.begin(), resolve.pred.end());
  auto forged = forge_change(t.worker, t.household, kGrid, {resolve});
  auto ack = push_as(server, t.worker, "forged-resolve", {forged}, top / "push.bin");
  CHECK(ack.stored == 0);
  REQUIRE(ack.rejected.size() == 1);
  CHECK(ack.rejected[0].code == static_cast<int>(ErrorCode::OutOfScope));
  CHECK(ack.rejected[0].reason.find("the resolve of field 'income' of record " + t.household) !=
        std::string::npos);
  CHECK(ack.rejected[0].reason.find("(grid-worker) is refused: a village-leader or above may "
                                    "resolve it") != std::string::npos);
  CHECK(t.conflicts_at_county().size() == 1);
}
