// The monitoring loop over HTTPS and serve's own sweep: a real served county, devices of
// different grids and roles making signed requests, and a server started on a day a step is
// overdue (docs/api.md, "The monitoring loop"; docs/monitoring.md, "The sweep").
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/sync-server/monitoring_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;
TEST_CASE(
    "over HTTPS a device sees the cases of its own scope only, and acts in its certified "
    "role") {
  ServedCounty county;
  std::string household = county.red_household("2026-11-02");
  std::string case_id = county.only_case()["id"];

  auto mine = county.request(county.li_wei, "GET", "/v1/cases");
  REQUIRE(mine.status == 200);
  REQUIRE(mine.json()["cases"].size() == 1);
  CHECK(mine.json()["cases"][0]["id"] == case_id);
  auto own_case = county.request(county.li_wei, "GET", "/v1/cases/" + case_id);
  REQUIRE(own_case.status == 200);
  CHECK(own_case.json()["household"] == household);
  CHECK(county.request(county.li_wei, "GET", "/v1/warnings").json()["warnings"].size() == 1);
  auto tasks = county.request(county.li_wei, "GET", "/v1/tasks?status=open");
  REQUIRE(tasks.status == 200);
  CHECK(tasks.json()["tasks"].size() == 1);

  // Another grid's worker: nothing listed, and the case is as unknown as one that does not
  // exist.
  auto others = county.request(county.zhang_min, "GET", "/v1/cases");
  REQUIRE(others.status == 200);
  CHECK(others.json()["cases"].empty());
  CHECK(county.request(county.zhang_min, "GET", "/v1/warnings").json()["warnings"].empty());
  CHECK(county.request(county.zhang_min, "GET", "/v1/tasks").json()["tasks"].empty());
  auto other_case = county.request(county.zhang_min, "GET", "/v1/cases/" + case_id);
  std::string unknown_id = household + "-" + std::string(16, '0');
  auto unknown = county.request(county.zhang_min, "GET", "/v1/cases/" + unknown_id);
  CHECK(other_case.status == 404);
  CHECK(unknown.status == 404);
  CHECK(other_case.json()["error"]["code"] == "not_found");
  auto without_id = [](const HttpResult& reply, const std::string& id) {
    auto message = reply.json()["error"]["message"].get<std::string>();
    return message.replace(message.find(id), id.size(), "ID");
  };
  CHECK(without_id(other_case, case_id) == without_id(unknown, unknown_id));
  auto wider = county.request(county.zhang_min, "GET", "/v1/cases?scope=640323.101.200");
  CHECK(wider.status == 403);
  CHECK(wider.json()["error"]["code"] == "out_of_scope");
  CHECK(county
            .request(county.zhang_min, "POST", "/v1/cases/" + case_id + "/advance",
                     R"({"to": "verified"})")
            .status == 404);
  CHECK(county.request(county.li_wei, "GET", "/v1/cases?state=approvd").status == 400);

  // The grid worker may not verify (403), whatever the body says of roles; the village
  // leader may, once the verify visit is done, and the history names the leader's device.
  county.verify(household, county.verify_task(case_id));
  auto by_worker = county.request(county.li_wei, "POST", "/v1/cases/" + case_id + "/advance",
                                  R"({"to": "verified", "role": "county", "actor": "county"})");
  CHECK(by_worker.status == 403);
  CHECK(by_worker.json()["error"]["code"] == "out_of_scope");
  auto not_json =
      county.request(county.leader, "POST", "/v1/cases/" + case_id + "/advance", R"({"to": )");
  CHECK(not_json.status == 400);
  auto no_to = county.request(county.leader, "POST", "/v1/cases/" + case_id + "/advance", "{}");
  CHECK(no_to.status == 400);
  auto skipped = county.request(county.leader, "POST", "/v1/cases/" + case_id + "/advance",
                                R"({"to": "approved", "type": "marginal"})");
  CHECK(skipped.status == 409);
  auto verified = county.request(county.leader, "POST", "/v1/cases/" + case_id + "/advance",
                                 R"({"to": "verified", "reason": "入户核实属实"})");
  REQUIRE(verified.status == 200);
  json detail = verified.json();
  CHECK(detail["state"] == "verified");
  const json history = detail["history"];
  CHECK(history.back()["actor"] == county.leader.name);
  CHECK(history.back()["role"] == "village-leader");
  CHECK(history.back()["reason"] == "入户核实属实");
  CHECK(county.ok({"case", "show", case_id, "--json"})["state"] == "verified");

  // Objections come during publicity, named after the device that relayed them.
  auto too_early = county.request(county.li_wei, "POST", "/v1/cases/" + case_id + "/objections",
                                  R"({"text": "收入未如实申报"})");
  CHECK(too_early.status == 409);
  REQUIRE(county
              .request(county.leader, "POST", "/v1/cases/" + case_id + "/advance",
                       R"({"to": "publicised"})")
              .status == 200);
  auto objected = county.request(county.li_wei, "POST", "/v1/cases/" + case_id + "/objections",
                                 R"({"text": "收入未如实申报"})");
  REQUIRE(objected.status == 201);
  CHECK(objected.json()["case"] == case_id);
  json objections = county.ok({"case", "show", case_id, "--json"})["objections"];
  REQUIRE(objections.size() == 1);
  CHECK(objections[0]["by"] == county.li_wei.name);
  CHECK(objections[0]["text"] == "收入未如实申报");
  CHECK(county
            .request(county.zhang_min, "POST", "/v1/cases/" + case_id + "/objections",
                     R"({"text": "x"})")
            .status == 404);
}

TEST_CASE("serve sweeps on its own every --monitor-every, logging each sweep's counts") {
  // A case opened on Monday 2 November, while the server sweeps nothing.
  ServedCounty county;
  county.red_household("2026-11-02");
  std::string case_id = county.only_case()["id"];
  CHECK(county.server->stop(SIGTERM) == 0);
  county.server.reset();
  auto bad = county.run({"serve", "--monitor-every", "10 min"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--monitor-every") != std::string::npos);

  // The server, started on a day the step is overdue (its environment is this process's),
  // sweeps at once and then every second: one escalation, however many sweeps.
  ::setenv("DOORSTEP_TODAY", "2026-11-09", 1);
  county.server =
      std::make_unique<LiveServer>(county.data, std::vector<std::string>{"--monitor-every", "1s"});
  ::unsetenv("DOORSTEP_TODAY");
  LiveServer& server = *county.server;
  auto sweeps = [&] {
    size_t count = 0;
    std::string log = server.log();
    for (size_t at = log.find("\"monitoring_sweep\""); at != std::string::npos;
         at = log.find("\"monitoring_sweep\"", at + 1))
      ++count;
    return count;
  };
  for (int i = 0; i < 100 && sweeps() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(sweeps() >= 3);
  std::string log = server.log();
  CHECK(log.find("\"escalations\":1") != std::string::npos);
  CHECK(log.find("\"escalations\":0") != std::string::npos);
  CHECK(log.find("monitoring_sweep_failed") == std::string::npos);
  json warnings = county.ok({"warnings", "--json"}, "2026-11-09")["warnings"];
  CHECK(escalations_of(warnings, case_id) == 1);
  CHECK(server.stop(SIGTERM) == 0);
}
