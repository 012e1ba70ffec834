// Devices and the county server end to end: a real server process with TLS on a loopback
// port, real device databases, the real `doorstep` CLI (enroll, sync) and curl as an outside
// client.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/auth/request_signature.h"
#include "core/forms/form_evaluation.h"
#include "core/store/sqlite.h"
#include "core/store/store.h"
#include "core/sync/county_authority.h"
#include "core/sync/exchange.h"
#include "core/sync/messages.h"
#include "core/sync/outbox.h"
#include "core/sync/replica.h"
#include "core/sync/wire.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid1 = "640323.101.200.01";
constexpr const char* kGrid2 = "640323.101.200.02";
constexpr const char* kVillage = "640323.101.200";

struct County {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  County() {
    auto init = run_process(server_path(), {"init", "--data", data.string(), "--county", "640323",
                                            "--name", "Yanchi", "--demo"});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  }
  std::string token(const std::string& role, const std::string& scope,
                    const std::string& expires = "72h") {
    auto made =
        run_process(server_path(), {"token", "create", "--data", data.string(), "--role", role,
                                    "--scope", scope, "--expires", expires, "--json"});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    return json::parse(made.out)["token"];
  }
  json households() {
    auto listed =
        run_process(server_path(), {"households", "--data", data.string(), "--all", "--json"});
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
    return json::parse(listed.out);
  }
};

// A device database made as `doorstep init` makes it.
std::filesystem::path new_device(const County& county, const std::string& name,
                                 const std::string& role, const std::string& scope) {
  auto path = county.dir / (name + ".db");
  store::InitOptions options;
  options.name = name;
  options.role = role;
  options.scope = scope;
  store::Store::create(path, options);
  return path;
}

std::string add_household(const std::filesystem::path& db, const std::string& grid,
                          const std::string& head) {
  auto store = store::Store::open(db);
  return store.add_household(grid, {{"head_name", head}});
}

std::vector<std::string> household_ids(const json& list) {
  std::vector<std::string> ids;
  for (const auto& h : list) ids.push_back(h["id"]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

ProcessResult enroll(const std::filesystem::path& db, const LiveServer& server,
                     const std::string& token, const std::string& fingerprint = "") {
  return run_cli({"enroll", "--db", db.string(), "--server", server.url(), "--token", token,
                  "--fingerprint", fingerprint.empty() ? server.fingerprint() : fingerprint,
                  "--json"});
}

// Li Wei, a grid worker of kGrid1, enrolled online; returns the device's database.
std::filesystem::path enroll_worker(County& county, const LiveServer& server) {
  auto db = new_device(county, "li-wei", "grid-worker", kGrid1);
  REQUIRE(enroll(db, server, county.token("grid-worker", kGrid1)).exit_code == 0);
  return db;
}

// Two grid workers of one village (grids kGrid1 and kGrid2) and their village leader, each
// enrolled online with its own token.
struct Village {
  std::filesystem::path worker1, worker2, leader;
};
Village enroll_village(County& county, const LiveServer& server) {
  Village village{new_device(county, "worker-1", "grid-worker", kGrid1),
                  new_device(county, "worker-2", "grid-worker", kGrid2),
                  new_device(county, "leader", "village-leader", kVillage)};
  REQUIRE(enroll(village.worker1, server, county.token("grid-worker", kGrid1)).exit_code == 0);
  REQUIRE(enroll(village.worker2, server, county.token("grid-worker", kGrid2)).exit_code == 0);
  REQUIRE(enroll(village.leader, server, county.token("village-leader", kVillage)).exit_code == 0);
  return village;
}

json sync_ok(const std::filesystem::path& db, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"sync", "--db", db.string(), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto result = run_cli(args);
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  return json::parse(result.out);
}

// POST /v1/sync/push of `body` (a push frame, kept in `file` for curl), signed afresh by
// `replica`: each call is a resend of the batch, not a replayed request.
HttpResult signed_push(sync::Replica& replica, const LiveServer& server, const std::string& body,
                       const std::filesystem::path& file) {
  write_file(file, body);
  auto headers =
      auth::sign_request(replica.signer(), replica.certificate().der(), "POST", "/v1/sync/push",
                         body, server.fingerprint(), static_cast<int64_t>(std::time(nullptr)));
  return curl(server.url() + "/v1/sync/push", server.certificate(),
              {"-X", "POST", "-H", "Content-Type: application/x-doorstep-frame", "-H",
               "X-Doorstep-Certificate: " + headers.certificate, "-H",
               "Authorization: " + headers.authorization, "--data-binary", "@" + file.string()});
}

}  // namespace

TEST_CASE("a device enrolls online with a one-time token and the server's fingerprint") {
  County county;
  LiveServer server(county.data);
  auto token = county.token("grid-worker", kGrid1);
  auto device = new_device(county, "li-wei", "grid-worker", kGrid1);
  auto enrolled = enroll(device, server, token);
  REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  auto result = json::parse(enrolled.out);
  CHECK(result["role"] == "grid-worker");
  CHECK(result["scope"] == kGrid1);
  CHECK(result["fingerprint"] == server.fingerprint());

  SUBCASE("the token works once") {
    auto other = new_device(county, "wang-fang", "grid-worker", kGrid1);
    auto again = enroll(other, server, token);
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("already been used") != std::string::npos);
  }
  SUBCASE("the county lists the device") {
    auto listed =
        run_process(server_path(), {"device", "list", "--data", county.data.string(), "--json"});
    CHECK(listed.out.find(result["device"].get<std::string>()) != std::string::npos);
  }
}

TEST_CASE("enrollment is refused for a wrong fingerprint, an expired or an unknown token") {
  County county;
  LiveServer server(county.data);
  auto device = new_device(county, "li-wei", "grid-worker", kGrid1);
  auto wrong = enroll(device, server, county.token("grid-worker", kGrid1), std::string(64, 'a'));
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("not the pinned") != std::string::npos);

  auto expiring = county.token("grid-worker", kGrid1, "1s");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto expired = enroll(device, server, expiring);
  CHECK(expired.exit_code == 1);
  CHECK(expired.err.find("expired") != std::string::npos);

  auto unknown = enroll(device, server, "ABCD-ABCD-ABCD-ABCD-ABCD-ABCD");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("not known") != std::string::npos);
  // Nothing was spent or installed by the failures: a good token still works.
  auto good = enroll(device, server, county.token("grid-worker", kGrid1));
  CHECK_MESSAGE(good.exit_code == 0, good.err);
}

TEST_CASE("two grid workers and their village leader sync, each seeing only its scope") {
  County county;
  LiveServer server(county.data);
  auto [worker1, worker2, leader] = enroll_village(county, server);

  auto h1 = add_household(worker1, kGrid1, "Ma Lan");
  auto h2 = add_household(worker2, kGrid2, "Yang Jun");
  auto first = sync_ok(worker1);
  CHECK(first["pushed"] == 1);
  CHECK(first["rejected"].empty());
  CHECK(sync_ok(worker2)["pushed"] == 1);

  auto at_county = household_ids(county.households());
  CHECK(at_county == household_ids(json::array({{{"id", h1}}, {{"id", h2}}})));

  auto leader_sync = sync_ok(leader);
  CHECK(leader_sync["pulled"] == 3);  // the two households and the county settings
  CHECK(household_ids(store::Store::open(leader).households("", "")).size() == 2);
  // What it pulled is not sent back to the county.
  auto leader_again = sync_ok(leader);
  CHECK(leader_again["sent"] == 0);
  CHECK(leader_again["push_requests"] == 0);

  // The grid worker gets nothing of the other grid.
  auto again = sync_ok(worker1);
  CHECK(again["pulled"] == 0);
  CHECK(again["pushed"] == 0);
  auto own = household_ids(store::Store::open(worker1).households("", ""));
  CHECK(own == std::vector<std::string>{h1});

  // An edit by the leader reaches the grid worker of that grid, and only that one.
  {
    auto store = store::Store::open(leader);
    store.set_fields(h1, {{"phone", "13800000000"}});
  }
  CHECK(sync_ok(leader)["pushed"] == 1);
  CHECK(sync_ok(worker1)["pulled"] == 1);
  CHECK(sync_ok(worker2)["pulled"] == 0);
  CHECK(store::Store::open(worker1).household(h1)["fields"]["phone"] == "13800000000");
}

TEST_CASE("requests without, with a bad, or with a revoked credential are 401/403 JSON") {
  County county;
  LiveServer server(county.data);
  auto cert = server.certificate();
  write_file(county.dir / "pull.bin", "x");

  auto none = curl(server.url() + "/v1/sync/pull", cert,
                   {"-X", "POST", "--data-binary", "@" + (county.dir / "pull.bin").string()});
  CHECK(none.status == 401);
  CHECK(none.json()["error"]["code"] == "unauthorized");

  auto forged = curl(server.url() + "/v1/households", cert,
                     {"-H", "X-Doorstep-Certificate: AAAA", "-H",
                      "Authorization: Doorstep-Signature time=1,nonce=" + std::string(32, '0') +
                          ",signature=" + std::string(88, 'A')});
  CHECK(forged.status == 401);
  CHECK(forged.json()["error"]["message"].is_string());

  auto device = new_device(county, "li-wei", "grid-worker", kGrid1);
  auto enrolled = enroll(device, server, county.token("grid-worker", kGrid1));
  REQUIRE(enrolled.exit_code == 0);
  add_household(device, kGrid1, "Ma Lan");
  sync_ok(device);
  auto revoke = run_process(server_path(), {"device", "revoke", "--data", county.data.string(),
                                            json::parse(enrolled.out)["device"]});
  REQUIRE_MESSAGE(revoke.exit_code == 0, revoke.err);
  add_household(device, kGrid1, "Ma Qiang");
  auto refused = run_cli({"sync", "--db", device.string(), "--json"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("revoked") != std::string::npos);
  CHECK(county.households().size() == 1);
}

TEST_CASE("a replayed push batch changes nothing and is answered with its first ack") {
  County county;
  LiveServer server(county.data);
  auto db = enroll_worker(county, server);
  add_household(db, kGrid1, "Ma Lan");
  add_household(db, kGrid1, "Ma Qiang");

  auto store = store::Store::open(db);
  sync::Replica replica(store);
  auto page = sync::next_page_for(replica, "county", "", 0, 100);
  REQUIRE(page.changes.size() == 2);
  sync::PushMessage push;
  push.changes = page.changes;
  std::string body;
  // Writes the push under `batch` as the request body.
  auto prepare = [&](const std::string& batch) {
    push.batch = batch;
    auto frame = sync::encode_message(push);
    body.assign(frame.begin(), frame.end());
  };
  prepare("replay-test-1");

  auto send = [&] { return signed_push(replica, server, body, county.dir / "push.bin"); };
  auto first = send();
  REQUIRE(first.status == 200);
  auto ack_of = [](const auto& reply) {
    REQUIRE(reply.status == 200);
    return std::get<sync::AckMessage>(
        sync::decode_message(std::vector<uint8_t>(reply.body.begin(), reply.body.end())));
  };
  auto acked = [&](const std::filesystem::path& file, const char* sql) {
    sqlite::Database db(file.string(), false);
    auto& find = db.cached(sql).bind(1, replica.identity().device_id);
    REQUIRE(find.step());
    return std::get<sync::AckMessage>(sync::message_from_json(json::parse(find.text(0))));
  };
  // The ack is kept in the county store's own file, beside the changes it acknowledges.
  CHECK(acked(county.data / "county.db",
              "SELECT ack FROM server_pushed_batch WHERE device_id = ?1 AND "
              "batch = 'replay-test-1'")
            .stored == 2);
  auto digest = [&] {
    return run_process(server_path(), {"digest", "--data", county.data.string()}).out;
  };
  auto before = digest();
  auto second = send();
  CHECK(second.body == first.body);
  CHECK(ack_of(second).stored == 2);
  CHECK(digest() == before);
  CHECK(county.households().size() == 2);

  // The same changes under a new batch id are duplicates, still changing nothing.
  prepare("replay-test-2");
  auto dup = ack_of(send());
  CHECK(dup.stored == 0);
  CHECK(dup.duplicates == 2);
  CHECK(digest() == before);
}

TEST_CASE(
    "the acks an older server kept in server.db move into the county store and still "
    "answer their batch's replay") {
  County county;
  auto server = std::make_unique<LiveServer>(county.data);
  auto db = enroll_worker(county, *server);
  add_household(db, kGrid1, "Ma Lan");
  auto store = store::Store::open(db);
  sync::Replica replica(store);
  auto page = sync::next_page_for(replica, "county", "", 0, 100);
  REQUIRE(page.changes.size() == 1);
  sync::PushMessage push;
  push.batch = "pushed-long-ago";
  push.changes = page.changes;
  auto frame = sync::encode_message(push);
  std::string body(frame.begin(), frame.end());

  // The data folder as an older server left it: the batch acknowledged (5 stored) in
  // server.db's pushed_batch, the county tables at version 5.
  server->stop(SIGTERM);
  sync::AckMessage old_ack;
  old_ack.batch = push.batch;
  old_ack.stored = 5;
  {
    sqlite::Database server_db((county.data / "server.db").string(), false);
    server_db
        .cached(
            "INSERT INTO pushed_batch (device_id, batch, received_at, ack) VALUES (?1, ?2, 0, ?3)")
        .bind(1, replica.identity().device_id)
        .bind(2, old_ack.batch)
        .bind(3, sync::message_to_json(old_ack).dump())
        .run();
    sqlite::Database county_db((county.data / "county.db").string(), false);
    county_db.exec(
        "DROP TABLE server_device_pulls; "  // migration 7 made it
        "UPDATE server_schema SET version = 5");
  }
  server = std::make_unique<LiveServer>(county.data);
  auto reply = signed_push(replica, *server, body, county.dir / "push.bin");
  REQUIRE(reply.status == 200);
  auto kept = std::get<sync::AckMessage>(
      sync::decode_message(std::vector<uint8_t>(reply.body.begin(), reply.body.end())));
  CHECK(kept.batch == "pushed-long-ago");
  CHECK(kept.stored == 5);  // the first ack, not a new ingest
  CHECK(kept.duplicates == 0);
  CHECK(county.households().empty());
  sqlite::Database county_db((county.data / "county.db").string(), false);
  auto& moved = county_db.cached("SELECT ack FROM server_pushed_batch WHERE batch = ?1");
  moved.bind(1, old_ack.batch);
  CHECK(moved.step());
  moved.reset();
  auto& version = county_db.cached("SELECT version FROM server_schema");
  REQUIRE(version.step());
  CHECK(version.int64(0) == 7);
  version.reset();
}

TEST_CASE("malformed sync bodies are 400 JSON and harm nothing") {
  County county;
  LiveServer server(county.data);
  auto db = enroll_worker(county, server);
  auto store = store::Store::open(db);
  sync::Replica replica(store);
  for (std::string body : {std::string("\x07garbage"), std::string("\x00\xa1\x61", 3)}) {
    auto headers =
        auth::sign_request(replica.signer(), replica.certificate().der(), "POST", "/v1/sync/push",
                           body, server.fingerprint(), static_cast<int64_t>(std::time(nullptr)));
    write_file(county.dir / "bad.bin", body);
    auto reply = curl(server.url() + "/v1/sync/push", server.certificate(),
                      {"-X", "POST", "-H", "X-Doorstep-Certificate: " + headers.certificate, "-H",
                       "Authorization: " + headers.authorization, "--data-binary",
                       "@" + (county.dir / "bad.bin").string()});
    CHECK(reply.status == 400);
    CHECK(reply.json()["error"]["code"].is_string());
  }
  auto bad_enroll = curl(server.url() + "/v1/enroll", server.certificate(),
                         {"-X", "POST", "-d", "{\"token\": 5}"});
  CHECK(bad_enroll.status == 400);
  CHECK(curl(server.url() + "/v1/health", server.certificate()).status == 200);
}

namespace {

// A device pushes 600 households in batches of 2 while the server is stopped by `signal`
// part-way; returns the server's exit code. Afterwards every change the device recorded as
// acknowledged is at the county, the county store is consistent, and the next sync completes.
int interrupt_sync_and_recover(int signal) {
  County county;
  auto db = new_device(county, "li-wei", "grid-worker", kGrid1);
  int port = 0;
  {
    LiveServer server(county.data);
    port = server.port();
    REQUIRE(enroll(db, server, county.token("grid-worker", kGrid1)).exit_code == 0);
  }
  {
    auto store = store::Store::open(db);
    for (int i = 0; i < 600; ++i)
      store.add_household(kGrid1, {{"head_name", "H" + std::to_string(i)}});
  }
  int exit_code = -1;
  {
    LiveServer server(county.data, {}, port);
    // Stop the server once part of the push is in: watch the county store (a second SQLite
    // connection reads beside the server's writes) until it holds 100 of the 600 changes.
    std::thread stopper([&] {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (std::chrono::steady_clock::now() < deadline) {
        try {
          sqlite::Database watched((county.data / "county.db").string(), false);
          sqlite::Statement count(watched, "SELECT count(*) FROM changes WHERE household != ''");
          if (count.step() && count.int64(0) >= 100) break;
        } catch (const Error&) {
          // not there yet, or busy: look again
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      exit_code = server.stop(signal);
    });
    auto interrupted = run_cli({"sync", "--db", db.string(), "--batch-size", "2", "--json"});
    stopper.join();
    CHECK(interrupted.exit_code == 1);  // a sync cut short never reports success
  }
  {
    auto store = store::Store::open(db);
    sync::Replica replica(store);
    auto county_store = sync::CountyAuthority::open(county.data);
    std::string county_id = county_store.store().identity().device_id;
    auto hello = county_store.replica().hello();
    uint64_t acked =
        replica.state().checkpoint(county_id, hello.scope, sync::CheckpointKind::Acked);
    INFO("acknowledged through cursor " << acked);
    auto acknowledged = sync::changes_since(store, sync::Cursor{0}, acked);
    auto held = county_store.store().households("", "");
    std::set<std::string> at_county;
    for (const auto& h : held) at_county.insert(h["id"]);
    for (const auto& change : acknowledged.changes)
      CHECK(at_county.count(change.change.household) == 1);
    CHECK(held.size() < 600);  // it really was interrupted
    CHECK(county_store.store().check().empty());
  }
  LiveServer restarted(county.data, {}, port);
  auto finished = sync_ok(db, {"--batch-size", "50"});
  CHECK(finished["rejected"].empty());
  CHECK(county.households().size() == 600);
  return exit_code;
}

}  // namespace

TEST_CASE(
    "after SIGKILL during ingest every acknowledged batch is at the county and the next "
    "sync completes") {
  CHECK(interrupt_sync_and_recover(SIGKILL) == 128 + SIGKILL);
}

TEST_CASE("SIGTERM during ingest finishes the batch in hand, exits 0, and loses nothing") {
  CHECK(interrupt_sync_and_recover(SIGTERM) == 0);
}

TEST_CASE("the county record shows levels the server computed, not the ones a phone claimed") {
  County county;
  LiveServer server(county.data);
  auto db = enroll_worker(county, server);
  auto form = read_file(source_dir() / "forms" / "household-monitoring.json");
  auto answers = json::parse(read_file(source_dir() / "forms" / "examples" / "red-household.json"));
  auto expected = forms::evaluate_form(form, answers.dump(), "", "zh")["risk"]["level"];
  REQUIRE(expected.is_string());
  REQUIRE(expected != "green");

  std::string household = add_household(db, kGrid1, "Ma Lan");
  {
    auto store = store::Store::open(db);
    store::VisitInput visit;
    visit.household_id = household;
    visit.form_id = json::parse(form)["settings"]["form_id"];
    visit.form_version = json::parse(form)["settings"]["version"];
    visit.answers = answers;
    visit.risk = {{"level", "green"}, {"rules", json::array()}};  // what a wrong phone claims
    store.record_visit(visit);
  }
  CHECK(sync_ok(db)["pushed"] == 2);

  auto listed = county.households();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["level"] == expected);
  auto shown = run_process(server_path(),
                           {"households", "--data", county.data.string(), household, "--json"});
  REQUIRE(shown.exit_code == 0);
  auto detail = json::parse(shown.out);
  CHECK(detail["risk"]["level"] == expected);
  CHECK(detail["risk"]["computed_by"] == "county");
  CHECK(detail["risk"]["device_level"] == "green");
  auto summary = json::parse(run_process(server_path(), {"summary", "--data", county.data.string(),
                                                         "--by", "grid", "--json"})
                                 .out);
  CHECK(summary["totals"][expected.get<std::string>()] == 1);
  CHECK(summary["totals"]["green"] == 0);

  auto csv = county.dir / "county.csv";
  auto exported = run_process(server_path(), {"export", "--data", county.data.string(), "--format",
                                              "csv", "--out", csv.string()});
  REQUIRE(exported.exit_code == 0);
  // The export shows the county's level too (its columns: county_export_test.cpp).
  auto text = read_file(csv);
  CHECK(text.find(household + ",640323.101,") != std::string::npos);
  CHECK(text.find("," + expected.get<std::string>() + ",") != std::string::npos);
  CHECK(text.find(",green,") == std::string::npos);
}

TEST_CASE("the record endpoints answer a device within its scope and refuse outside it") {
  County county;
  LiveServer server(county.data);
  auto [worker1, worker2, leader] = enroll_village(county, server);
  auto h1 = add_household(worker1, kGrid1, "Ma Lan");
  auto h2 = add_household(worker2, kGrid2, "Yang Jun");
  sync_ok(worker1);
  sync_ok(worker2);

  // A signed GET as the device in `db`.
  auto get = [&](const std::filesystem::path& db, const std::string& target) {
    auto store = store::Store::open(db);
    sync::Replica replica(store);
    auto headers =
        auth::sign_request(replica.signer(), replica.certificate().der(), "GET", target, "",
                           server.fingerprint(), static_cast<int64_t>(std::time(nullptr)));
    return curl(server.url() + target, server.certificate(),
                {"-H", "X-Doorstep-Certificate: " + headers.certificate, "-H",
                 "Authorization: " + headers.authorization});
  };

  auto mine = get(worker1, "/v1/households");
  REQUIRE(mine.status == 200);
  CHECK(mine.json()["total"] == 1);
  CHECK(mine.json()["households"][0]["id"] == h1);
  auto village = get(leader, "/v1/households?grid=" + std::string(kVillage) + "&limit=1");
  REQUIRE(village.status == 200);
  CHECK(village.json()["total"] == 2);
  CHECK(village.json()["households"].size() == 1);
  CHECK(village.json()["next_offset"] == 1);
  CHECK(get(leader, "/v1/households/" + h2).json()["id"] == h2);
  auto summary = get(leader, "/v1/summary?by=grid");
  REQUIRE(summary.status == 200);
  CHECK(summary.json()["rows"].size() == 2);
  CHECK(summary.json()["totals"]["total"] == 2);

  auto other_grid = get(worker1, "/v1/households?grid=" + std::string(kGrid2));
  CHECK(other_grid.status == 403);
  CHECK(other_grid.json()["error"]["code"] == "out_of_scope");
  // A household of another grid and one that does not exist get the same answer: a device
  // cannot learn which ids exist outside its scope.
  auto other_household = get(worker1, "/v1/households/" + h2);
  auto unknown = get(worker1, "/v1/households/" + std::string(h2.size(), 'f'));
  CHECK(other_household.status == 404);
  CHECK(unknown.status == 404);
  CHECK(other_household.json()["error"]["code"] == "not_found");
  CHECK(unknown.json()["error"]["code"] == "not_found");
  auto without_id = [](const HttpResult& reply, const std::string& id) {
    auto message = reply.json()["error"]["message"].get<std::string>();
    return message.replace(message.find(id), id.size(), "ID");
  };
  CHECK(without_id(other_household, h2) == without_id(unknown, std::string(h2.size(), 'f')));
  CHECK(get(leader, "/v1/summary?by=planet").status == 400);
}

TEST_CASE("edits made by another process while a device syncs all reach the county") {
  County county;
  LiveServer server(county.data);
  auto [worker1, worker2, leader] = enroll_village(county, server);
  add_household(worker1, kGrid1, "Ma Lan");
  sync_ok(worker1);
  auto h = add_household(worker2, kGrid2, "Yang Jun");
  sync_ok(worker2);
  sync_ok(leader);

  // The leader syncs over and over (pulling the workers' edits) while another process writes
  // to its database; then one last sync, and every one of its edits is at the county.
  constexpr int kEdits = 12;
  std::thread writer([&, db = leader, h = h] {
    auto store = store::Store::open(db);
    for (int i = 0; i < kEdits; ++i) {
      store.add_household(kGrid1, {{"head_name", "leader-" + std::to_string(i)}});
      store.set_fields(h, {{"phone", std::to_string(i)}});
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
  });
  for (int i = 0; i < 6; ++i) {
    add_household(worker1, kGrid1, "w" + std::to_string(i));
    sync_ok(worker1);
    sync_ok(leader);
  }
  writer.join();
  sync_ok(leader);
  CHECK(county.households().size() == 2 + 6 + kEdits);
  auto store = store::Store::open(leader);
  CHECK(store.household(h)["fields"]["phone"] == std::to_string(kEdits - 1));
  auto last = sync_ok(leader);
  CHECK(last["sent"] == 0);
  CHECK(last["push_requests"] == 0);
  // The county holds the leader's last phone number too.
  CHECK(sync_ok(worker2)["pulled"].get<int>() >= 1);
  CHECK(store::Store::open(worker2).household(h)["fields"]["phone"] == std::to_string(kEdits - 1));
}

TEST_CASE("a sync with nothing new is one request; a wrong clock costs one retry, then is kept") {
  County county;
  LiveServer server(county.data);
  auto db = enroll_worker(county, server);
  add_household(db, kGrid1, "Ma Lan");
  auto first = sync_ok(db);
  CHECK(first["pushed"] == 1);
  CHECK(first["requests"] == 2);  // hello once (who the county is), then one round trip
  auto empty = sync_ok(db);
  CHECK(empty["requests"] == 1);
  CHECK(empty["sent"] == 0);

  // The device's saved clock correction is an hour off: the server refuses the signing time
  // with its own, the device signs again once and keeps the corrected offset.
  auto set_offset = [&](int64_t offset) {
    auto store = store::Store::open(db);
    sync::Replica replica(store);
    auto item = json::parse(*replica.state().item("https_server"));
    item["clock_offset"] = offset;
    replica.state().set_item("https_server", item.dump());
  };
  auto saved_offset = [&] {
    auto store = store::Store::open(db);
    sync::Replica replica(store);
    return json::parse(*replica.state().item("https_server"))["clock_offset"].get<int64_t>();
  };
  set_offset(3600);
  add_household(db, kGrid1, "Ma Qiang");
  auto corrected = sync_ok(db);
  CHECK(corrected["pushed"] == 1);
  CHECK(corrected["requests"] == 2);
  CHECK(std::llabs(saved_offset()) <= 5);
  CHECK(sync_ok(db)["requests"] == 1);
  CHECK(county.households().size() == 2);
}

TEST_CASE("a device learns a newer revocation list from its sync round trip") {
  County county;
  LiveServer server(county.data);
  auto [worker1, worker2, leader] = enroll_village(county, server);
  sync_ok(worker1);
  auto revoked_id = [&] {
    auto store = store::Store::open(worker2);
    return store.identity().device_id;
  }();
  auto revoke =
      run_process(server_path(), {"device", "revoke", "--data", county.data.string(), revoked_id});
  REQUIRE_MESSAGE(revoke.exit_code == 0, revoke.err);
  auto crl_of = [&](const std::filesystem::path& db) {
    auto store = store::Store::open(db);
    sync::Replica replica(store);
    return replica.revocation_list();
  };
  CHECK(crl_of(worker1).empty());
  CHECK(sync_ok(worker1)["requests"] == 1);
  auto crl = crl_of(worker1);
  REQUIRE(!crl.empty());
  {
    auto store = store::Store::open(worker1);
    sync::Replica replica(store);
    CHECK(replica.trust_store().revocation_list_number() >= 1);
  }
  // The revoked device's own round trip is refused.
  auto refused = run_cli({"sync", "--db", worker2.string(), "--json"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("revoked") != std::string::npos);
}

TEST_CASE("a device's next sync resumes its TLS session, still under the pinned fingerprint") {
  County county;
  LiveServer server(county.data);
  auto db = enroll_worker(county, server);
  add_household(db, kGrid1, "Ma Lan");
  auto first = sync_ok(db);
  CHECK(first["tls_resumed"] == false);
  auto second = sync_ok(db);
  CHECK(second["tls_resumed"] == true);
  CHECK(second["requests"] == 1);
  // Counted at the device's socket: a resumed handshake and one round trip.
  CHECK(second["bytes_up"].get<int>() > 0);
  CHECK(second["bytes_down"].get<int>() > 0);
  CHECK(second["bytes_up"].get<int>() + second["bytes_down"].get<int>() <
        first["bytes_up"].get<int>() + first["bytes_down"].get<int>());
  CHECK(sync_ok(db)["tls_resumed"] == true);

  // A device whose pin no longer matches the server is refused even with a saved session:
  // the session is offered only to the pinned server, and the certificate is checked anyway.
  {
    auto store = store::Store::open(db);
    sync::Replica replica(store);
    auto item = json::parse(*replica.state().item("https_server"));
    item["fingerprint"] = std::string(64, 'a');
    replica.state().set_item("https_server", item.dump());
  }
  auto refused = run_cli({"sync", "--db", db.string(), "--json"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("pinned") != std::string::npos);

  // A restarted server (new ticket keys) cannot resume: a full handshake, and the sync works.
  {
    auto store = store::Store::open(db);
    sync::Replica replica(store);
    auto item = json::parse(*replica.state().item("https_server"));
    item["fingerprint"] = server.fingerprint();
    replica.state().set_item("https_server", item.dump());
  }
  int port = server.port();
  server.stop(SIGTERM);
  LiveServer again(county.data, {}, port);
  auto after_restart = sync_ok(db);
  CHECK(after_restart["tls_resumed"] == false);
  CHECK(sync_ok(db)["tls_resumed"] == true);
}

TEST_CASE("POST /v1/sync answers bad frames 400 and a stale signing time 401 with its time") {
  County county;
  LiveServer server(county.data);
  auto db = enroll_worker(county, server);
  auto store = store::Store::open(db);
  sync::Replica replica(store);
  auto post = [&](const std::string& body, int64_t time) {
    // The device named in Authorization, no certificate header.
    auto headers =
        auth::sign_request(replica.signer(), replica.certificate().der(), "POST", "/v1/sync", body,
                           server.fingerprint(), time, replica.identity().device_id);
    write_file(county.dir / "sync.bin", body);
    return curl(server.url() + "/v1/sync", server.certificate(),
                {"-X", "POST", "-H", "Authorization: " + headers.authorization, "--data-binary",
                 "@" + (county.dir / "sync.bin").string()});
  };
  auto frame = [](const json& j) {
    auto bytes = sync::encode_frame(j);
    return std::string(bytes.begin(), bytes.end());
  };
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  sync::PullMessage pull;
  for (const auto& [body, what] : std::vector<std::pair<std::string, std::string>>{
           {std::string("\x07garbage"), "not a frame"},
           {frame(sync::message_to_json(pull)), "a pull, not a sync frame"},
           {frame({{"t", "sync"}, {"push", sync::message_to_json(pull)}}), "push is a pull"},
           {frame({{"t", "sync"}, {"crl", "new"}}), "crl is text"}}) {
    INFO(what);
    auto reply = post(body, now);
    CHECK(reply.status == 400);
    CHECK(reply.json()["error"]["code"].is_string());
    CHECK(reply.json()["error"]["message"].is_string());
  }
  // A good frame: the device's own scope, nothing to push; the answer has a page and the time.
  auto good = post(frame({{"t", "sync"}, {"pull", sync::message_to_json(pull)}}), now);
  REQUIRE(good.status == 200);
  auto answer =
      sync::decode_frame(reinterpret_cast<const uint8_t*>(good.body.data()), good.body.size());
  CHECK(answer["t"] == "synced");
  CHECK(answer["page"]["t"] == "page");
  CHECK(std::llabs(answer["time"].get<int64_t>() - now) <= 5);
  CHECK(!answer.contains("ack"));

  auto stale = post(frame({{"t", "sync"}}), now - 3600);
  CHECK(stale.status == 401);
  CHECK(stale.json()["error"]["code"] == "unauthorized");
  CHECK(std::llabs(stale.json()["time"].get<int64_t>() - now) <= 5);
}

TEST_CASE(
    "online enrollment gives the device the token's role and scope, or refuses a device "
    "holding households outside them") {
  County county;
  LiveServer server(county.data);
  // Initialised as a village leader, enrolled with a grid worker's token.
  auto db = new_device(county, "phone", "village-leader", kVillage);
  auto enrolled = enroll(db, server, county.token("grid-worker", kGrid1));
  REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  CHECK(json::parse(enrolled.out)["role"] == "grid-worker");
  CHECK(store::Store::open(db).identity().scope == kGrid1);
  auto outside = run_cli({"household", "add", "--db", db.string(), "--grid", kGrid2});
  CHECK(outside.exit_code == 1);
  CHECK(outside.err.find("outside this device's scope") != std::string::npos);

  // One that already holds a household of grid 2 is refused, and stays as it was.
  auto holding = new_device(county, "holding", "village-leader", kVillage);
  std::string household = add_household(holding, kGrid2, "Ma Lan");
  auto refused = enroll(holding, server, county.token("grid-worker", kGrid1));
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find(household) != std::string::npos);
  CHECK(refused.err.find(kGrid2) != std::string::npos);
  auto store = store::Store::open(holding);
  CHECK(store.identity().role == "village-leader");
  CHECK(store.identity().scope == kVillage);
  sync::Replica replica(store);
  CHECK_FALSE(replica.enrolled());
  auto unsynced = run_cli({"sync", "--db", holding.string()});
  CHECK(unsynced.exit_code == 1);
}

TEST_CASE(
    "the county levels of a push commit with its changes: with server.db locked every "
    "household still gets its level, and a replay leaves none without") {
  County county;
  LiveServer server(county.data);
  auto db = enroll_worker(county, server);
  auto form = read_file(source_dir() / "forms" / "household-monitoring.json");
  auto answers = json::parse(read_file(source_dir() / "forms" / "examples" / "red-household.json"));
  std::vector<std::string> households;
  {
    auto store = store::Store::open(db);
    for (int i = 0; i < 3; ++i) {
      households.push_back(store.add_household(kGrid1, {{"head_name", "h" + std::to_string(i)}}));
      store::VisitInput visit;
      visit.household_id = households.back();
      visit.form_id = json::parse(form)["settings"]["form_id"];
      visit.form_version = json::parse(form)["settings"]["version"];
      visit.answers = answers;
      visit.risk = {{"level", "green"}, {"rules", json::array()}};
      store.record_visit(visit);
    }
  }
  {
    // Another process holds server.db's write lock for the whole push. Where the levels were
    // committed there apart from the changes, the push stored the changes and its ack, failed
    // to write the levels, and its replay then applied nothing: households stayed without a
    // county level for good (the same state as a kill -9 between the two commits).
    sqlite::Database server_db((county.data / "server.db").string(), false);
    server_db.exec("BEGIN IMMEDIATE");
    run_cli({"sync", "--db", db.string(), "--json"});
    server_db.exec("ROLLBACK");
  }
  sync_ok(db);  // the replay, or a first success
  for (const auto& id : households) {
    CAPTURE(id);
    auto shown =
        run_process(server_path(), {"households", "--data", county.data.string(), id, "--json"});
    REQUIRE(shown.exit_code == 0);
    auto detail = json::parse(shown.out);
    CHECK(detail["risk"]["computed_by"] == "county");
    CHECK(detail["risk"]["level"] != "green");
  }
}
