// Sync by bundle files with the real programs: grid workers' and village leaders' devices
// (`doorstep`) and the county (`doorstep-server`), each with its own files, exchanging
// bundles the way USB sticks carry them — and relays, strangers and damaged files trying to
// slip something past the county.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/crypto/keys.h"
#include "core/crypto/sealed_bundle.h"
#include "core/store/sqlite.h"
#include "core/store/store.h"
#include "core/sync/exchange.h"
#include "core/sync/messages.h"
#include "core/sync/replica.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/forged_change_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.07";
constexpr const char* kOtherGrid = "640323.101.200.08";
constexpr const char* kVillage = "640323.101.200";

ProcessResult server(const std::vector<std::string>& args) {
  return run_process(server_path(), args);
}

json parse_out(const ProcessResult& r) {
  INFO(r.err);
  REQUIRE(!r.out.empty());
  return json::parse(r.out);
}

// A county folder and enrolled devices, all through the command lines.
struct Field {
  TempDir dir;
  std::string data = (dir / "county").string();
  std::string county_cert = (dir / "county.pem").string();

  Field() {
    REQUIRE(server({"init", "--data", data, "--county", "640323", "--name", "Yanchi", "--demo"})
                .exit_code == 0);
    REQUIRE(server({"grid", "add", "--data", data, kGrid}).exit_code == 0);
    REQUIRE(server({"grid", "add", "--data", data, kOtherGrid}).exit_code == 0);
    REQUIRE(server({"identity", "--data", data, "--out", county_cert}).exit_code == 0);
  }

  // Creates and enrolls a device; returns its database path. `store_scope` may be wider than
  // the certified `scope` to model a device that tries to write outside it (a tampered app
  // that widens its own scope again after enrollment narrowed it).
  std::string device(const std::string& name, const std::string& role, const std::string& scope,
                     std::string store_scope = "") {
    if (store_scope.empty()) store_scope = scope;
    std::string db = (dir / (name + ".db")).string();
    std::string req = (dir / (name + ".req")).string();
    std::string enrollment = (dir / (name + ".enroll")).string();
    REQUIRE(run_cli({"init", "--db", db, "--name", name, "--role", role, "--scope", store_scope})
                .exit_code == 0);
    REQUIRE(run_cli({"enroll", "--db", db, "--request-out", req}).exit_code == 0);
    auto issued = server({"device", "issue", "--data", data, "--request", req, "--role", role,
                          "--scope", scope, "--name", name, "--out", enrollment});
    INFO(issued.err);
    REQUIRE(issued.exit_code == 0);
    REQUIRE(run_cli({"enroll", "--db", db, "--file", enrollment}).exit_code == 0);
    REQUIRE(run_cli({"identity", "--db", db, "--out", db + ".pem"}).exit_code == 0);
    if (store_scope != scope) {
      sqlite::Database file(db, false);
      file.cached("UPDATE device SET scope = ?1").bind(1, store_scope).run();
    }
    return db;
  }

  std::string household(const std::string& db, const std::string& grid, const std::string& name) {
    auto r = run_cli({"household", "add", "--db", db, "--grid", grid, "--set",
                      json{{"head_name", name}}.dump(), "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out)["id"];
  }

  std::string visit(const std::string& db, const std::string& household) {
    auto forms = source_dir() / "forms";
    auto r = run_cli({"visit", "--db", db, "--household", household, "--form",
                      (forms / "household-monitoring.json").string(), "--answers",
                      (forms / "examples" / "red-household.json").string(), "--params",
                      (forms / "examples" / "params-2026.json").string(), "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out)["visit_id"];
  }

  std::string export_to(const std::string& db, const std::string& to_pem, const std::string& name) {
    std::string out = (dir / name).string();
    auto r = run_cli({"bundle", "export", "--db", db, "--to", to_pem, "--out", out, "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return out;
  }

  ProcessResult import_at_county(const std::string& file) {
    return server({"bundle", "import", "--data", data, file, "--json"});
  }
};

// Seals `changes` (wire form) into a bundle from the device at `db` to `recipient_pem`, the
// way a dishonest relay would write one.
std::string forge_bundle(const std::string& db, const std::string& recipient_pem,
                         const std::vector<std::string>& changes) {
  store::Store store = store::Store::open(db);
  sync::Replica replica(store);
  auto recipient = crypto::Certificate::from_pem(read_file(recipient_pem));
  crypto::SealedBundleWriter writer(replica.certificate(), replica.signer(), recipient);
  sync::PushMessage push;
  push.batch = "forged";
  for (const auto& c : changes) push.changes.emplace_back(c.begin(), c.end());
  for (const auto& [id, der] : replica.state().certificates())
    push.certificates.emplace_back(der.begin(), der.end());
  writer.add_chunk(sync::encode_message(replica.hello()), false);
  writer.add_chunk(sync::encode_message(push), false);
  writer.add_chunk(sync::encode_message(sync::EndMessage{2, ""}), true);
  return writer.bytes();
}

std::vector<sync::SignedChange> held_changes(const std::string& db) {
  store::Store store = store::Store::open(db);
  return sync::changes_since(store, sync::Cursor{}, 100000).changes;
}

}  // namespace

TEST_CASE(
    "a grid worker's visit reaches the county through the village leader with its origin signature "
    "intact") {
  Field f;
  std::string worker = f.device("worker", "grid-worker", kGrid);
  std::string leader = f.device("leader", "village-leader", kVillage);
  std::string id = f.household(worker, kGrid, "Zhao");
  f.visit(worker, id);

  auto to_leader = f.export_to(worker, leader + ".pem", "w-to-l.bundle");
  auto imported = run_cli({"bundle", "import", "--db", leader, to_leader, "--json"});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  auto at_leader = json::parse(imported.out);
  CHECK(at_leader["imported"].get<int>() >= 2);
  CHECK(at_leader["rejected"].empty());

  auto to_county = f.export_to(leader, f.county_cert, "l-to-c.bundle");
  auto report = parse_out(f.import_at_county(to_county));
  CHECK(report["imported"] == at_leader["imported"]);
  CHECK(report["rejected"].empty());
  CHECK(report["complete"] == true);

  // Same digest on the worker's phone and at the county.
  auto phone = run_cli({"digest", "--db", worker, "--scope", kGrid});
  auto county = server({"digest", "--data", f.data, "--scope", kGrid});
  CHECK(phone.out == county.out);
  // Every change at the county is the worker's own, and verifies against the worker's key.
  store::Store worker_store = store::Store::open(worker);
  auto key = worker_store.identity().public_key;
  auto at_county = held_changes(f.data + "/county.db");
  size_t from_worker = 0;
  for (const auto& c : at_county) {
    if (c.change.origin != worker_store.identity().device_id) continue;
    ++from_worker;
    CHECK(sync::signature_valid(c, key));
  }
  CHECK(from_worker == held_changes(worker).size());

  // Acknowledgements flow back: after the county's bundle to the leader, the leader's next
  // export to the county is empty; after the leader's to the worker, the worker's is too.
  auto back = (f.dir / "c-to-l.bundle").string();
  REQUIRE(server({"bundle", "export", "--data", f.data, "--to", leader + ".pem", "--out", back})
              .exit_code == 0);
  REQUIRE(run_cli({"bundle", "import", "--db", leader, back}).exit_code == 0);
  auto again = run_cli({"bundle", "export", "--db", leader, "--to", f.county_cert, "--out",
                        (f.dir / "again.bundle").string(), "--json"});
  CHECK(json::parse(again.out)["changes"] == 0);
}

TEST_CASE(
    "a relay that alters an op or injects one under another device's name is rejected with a "
    "reason") {
  Field f;
  std::string worker = f.device("worker", "grid-worker", kGrid);
  std::string leader = f.device("leader", "village-leader", kVillage);
  f.household(worker, kGrid, "Zhao");
  REQUIRE(run_cli({"bundle", "import", "--db", leader,
                   f.export_to(worker, leader + ".pem", "a.bundle")})
              .exit_code == 0);

  auto held = held_changes(leader);
  REQUIRE(held.size() == 1);
  sync::SignedChange altered = held[0];
  altered.change.ops.back().value = sync::canonical_json("Someone else");
  sync::SignedChange injected = held[0];
  injected.change.seq = 77;  // a change the worker never made, under the worker's name
  std::string file = (f.dir / "forged.bundle").string();
  write_file(file,
             forge_bundle(leader, f.county_cert, {sync::encode(altered), sync::encode(injected)}));
  auto r = f.import_at_county(file);
  auto report = parse_out(r);
  CHECK(report["imported"] == 0);
  REQUIRE(report["rejected"].size() == 2);
  for (const auto& rejected : report["rejected"]) {
    CHECK(rejected["reason"].get<std::string>().find("signature does not verify") !=
          std::string::npos);
    CHECK(rejected["op"].get<std::string>().rfind(held[0].change.origin + ".", 0) == 0);
  }
  // The honest bundle still goes through afterwards.
  auto honest = parse_out(f.import_at_county(f.export_to(leader, f.county_cert, "honest.bundle")));
  CHECK(honest["imported"] == 1);
}

TEST_CASE("a bundle for someone else cannot be decrypted by the county or another device") {
  Field f;
  std::string worker = f.device("worker", "grid-worker", kGrid);
  std::string leader = f.device("leader", "village-leader", kVillage);
  std::string other = f.device("other", "grid-worker", kOtherGrid);
  f.household(worker, kGrid, "Zhao");
  auto bundle = f.export_to(worker, leader + ".pem", "for-leader.bundle");
  auto at_county = f.import_at_county(bundle);
  CHECK(at_county.exit_code == 1);
  CHECK(at_county.err.find("addressed to another recipient") != std::string::npos);
  auto at_other = run_cli({"bundle", "import", "--db", other, bundle, "--json"});
  CHECK(at_other.exit_code == 1);
  CHECK(at_other.err.find("addressed to another recipient") != std::string::npos);
  // The plaintext is nowhere in the file.
  CHECK(read_file(bundle).find("Zhao") == std::string::npos);
}

TEST_CASE("tampered and truncated bundles import nothing wrong and say what happened") {
  Field f;
  std::string worker = f.device("worker", "grid-worker", kGrid);
  for (int i = 0; i < 3; ++i) f.household(worker, kGrid, "H" + std::to_string(i));
  std::string file = f.export_to(worker, f.county_cert, "w.bundle");
  std::string bytes = read_file(file);

  std::string tampered = bytes;
  // A byte inside the push (the end message is the last few dozen bytes).
  tampered[bytes.size() - 200] = static_cast<char>(tampered[bytes.size() - 200] ^ 0x01);
  write_file(f.dir / "tampered.bundle", tampered);
  auto t = f.import_at_county((f.dir / "tampered.bundle").string());
  CHECK(t.exit_code == 1);
  auto report = parse_out(t);
  CHECK(report["complete"] == false);
  CHECK(report["imported"] == 0);
  CHECK(report["problem"].get<std::string>().find("fails authentication") != std::string::npos);

  write_file(f.dir / "short.bundle", bytes.substr(0, bytes.size() - 100));
  auto s = f.import_at_county((f.dir / "short.bundle").string());
  CHECK(s.exit_code == 1);
  CHECK(s.err.find("bundle incomplete") != std::string::npos);
  CHECK(parse_out(s)["imported"] == 0);

  write_file(f.dir / "header.bundle", bytes.substr(0, 40));
  auto h = f.import_at_county((f.dir / "header.bundle").string());
  CHECK(h.exit_code == 1);
  CHECK(h.err.find("truncated") != std::string::npos);

  // The whole file still imports afterwards, once.
  CHECK(parse_out(f.import_at_county(file))["imported"] == 3);
  CHECK(parse_out(f.import_at_county(file))["duplicates"] == 3);
  auto county = server({"digest", "--data", f.data, "--scope", kGrid});
  CHECK(county.out == run_cli({"digest", "--db", worker, "--scope", kGrid}).out);
}

TEST_CASE("a revoked device is refused directly and through a relay") {
  Field f;
  std::string worker = f.device("worker", "grid-worker", kGrid);
  std::string leader = f.device("leader", "village-leader", kVillage);
  f.household(worker, kGrid, "Zhao");
  REQUIRE(run_cli({"bundle", "import", "--db", leader,
                   f.export_to(worker, leader + ".pem", "a.bundle")})
              .exit_code == 0);

  auto devices = json::parse(server({"device", "list", "--data", f.data, "--json"}).out);
  std::string worker_id;
  for (const auto& d : devices)
    if (d["name"] == "worker") worker_id = d["id"];
  REQUIRE(!worker_id.empty());
  REQUIRE(server({"device", "revoke", "--data", f.data, worker_id}).exit_code == 0);
  devices = json::parse(server({"device", "list", "--data", f.data, "--json"}).out);
  for (const auto& d : devices)
    if (d["id"] == worker_id) CHECK_FALSE(d["revoked"].is_null());

  auto direct = f.import_at_county(f.export_to(worker, f.county_cert, "direct.bundle"));
  CHECK(direct.exit_code == 1);
  CHECK(direct.err.find("revoked") != std::string::npos);

  auto relayed =
      parse_out(f.import_at_county(f.export_to(leader, f.county_cert, "relayed.bundle")));
  CHECK(relayed["imported"] == 0);
  REQUIRE(relayed["rejected"].size() == 1);
  CHECK(relayed["rejected"][0]["reason"].get<std::string>().find("revoked") != std::string::npos);

  // The revocation travels down to the village leader with the county's next bundle.
  auto down = (f.dir / "down.bundle").string();
  REQUIRE(server({"bundle", "export", "--data", f.data, "--to", leader + ".pem", "--out", down})
              .exit_code == 0);
  REQUIRE(run_cli({"bundle", "import", "--db", leader, down}).exit_code == 0);
  f.household(worker, kGrid, "Later");
  auto refused = run_cli({"bundle", "import", "--db", leader,
                          f.export_to(worker, leader + ".pem", "late.bundle"), "--json"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("revoked") != std::string::npos);
}

TEST_CASE("an op outside the sender's certified scope is rejected with a reason") {
  Field f;
  // The phone's store allows the whole village, but the county certified grid 07 only.
  std::string worker = f.device("worker", "grid-worker", kGrid, kVillage);
  f.household(worker, kGrid, "Inside");
  f.household(worker, kOtherGrid, "Outside");
  auto report = parse_out(f.import_at_county(f.export_to(worker, f.county_cert, "w.bundle")));
  CHECK(report["imported"] == 1);
  REQUIRE(report["rejected"].size() == 1);
  CHECK(report["rejected"][0]["reason"].get<std::string>().find(
            "outside the scope " + std::string(kGrid)) != std::string::npos);
}

TEST_CASE("a change a device refuses from a bundle stays in its status, naming the file") {
  Field f;
  // The worker's store allows the whole village, but the county certified grid 07 only.
  std::string worker = f.device("worker", "grid-worker", kGrid, kVillage);
  std::string leader = f.device("leader", "village-leader", kVillage);
  f.household(worker, kGrid, "Inside");
  std::string outside = f.household(worker, kOtherGrid, "Outside");
  std::string file = f.export_to(worker, leader + ".pem", "w.bundle");
  auto imported = run_cli({"bundle", "import", "--db", leader, file, "--json"});
  CHECK(imported.exit_code == 3);
  auto report = parse_out(imported);
  CHECK(report["imported"] == 1);
  CHECK(report["ok"] == false);
  REQUIRE(report["outstanding"].size() == 1);

  auto status = parse_out(run_cli({"status", "--db", leader, "--json"}));
  REQUIRE(status["rejected"].size() == 1);
  const json& kept = status["rejected"][0];
  CHECK(kept["household"] == outside);
  CHECK(kept["source"] == "bundle");
  CHECK(kept["reason"].get<std::string>().find("in bundle " + file + ": ") == 0);
  CHECK(kept["reason"].get<std::string>().find("outside the scope " + std::string(kGrid)) !=
        std::string::npos);
  // Until dismissed, every import says so; once dismissed, the same bundle again does not
  // bring the rejection back.
  f.household(worker, kGrid, "Later");
  CHECK(run_cli({"bundle", "import", "--db", leader,
                 f.export_to(worker, leader + ".pem", "later.bundle")})
            .exit_code == 3);
  std::string change = kept["change"];
  REQUIRE(run_cli({"rejected", "dismiss", change, "--db", leader, "--reason",
                   "the worker re-registered the household in grid 07"})
              .exit_code == 0);
  auto again = run_cli({"bundle", "import", "--db", leader, file, "--json"});
  CHECK(again.exit_code == 0);
  CHECK(parse_out(again)["ok"] == true);
  CHECK(parse_out(run_cli({"status", "--db", leader, "--json"}))["rejected"].empty());
}

TEST_CASE("bad input to the sync commands is refused with a clear error") {
  Field f;
  std::string worker = f.device("worker", "grid-worker", kGrid);
  auto usage = run_cli({"enroll", "--db", worker});
  CHECK(usage.exit_code == 2);
  CHECK(usage.err.find("--request-out") != std::string::npos);

  write_file(f.dir / "junk.bundle", "this is not a bundle");
  auto junk = run_cli({"bundle", "import", "--db", worker, (f.dir / "junk.bundle").string()});
  CHECK(junk.exit_code == 1);
  CHECK(junk.err.find("not a Doorstep bundle") != std::string::npos);

  auto missing = f.import_at_county((f.dir / "nope.bundle").string());
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("cannot read bundle") != std::string::npos);

  write_file(f.dir / "bad.req",
             "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
  auto bad_request = server({"device", "issue", "--data", f.data, "--request",
                             (f.dir / "bad.req").string(), "--role", "grid-worker", "--scope",
                             kGrid, "--name", "x", "--out", (f.dir / "x.enroll").string()});
  CHECK(bad_request.exit_code == 1);
  CHECK(bad_request.err.find("certificate request") != std::string::npos);
  auto bad_role = server({"device", "issue", "--data", f.data, "--request",
                          (f.dir / "worker.req").string(), "--role", "king", "--scope", kGrid,
                          "--name", "x", "--out", (f.dir / "x.enroll").string()});
  CHECK(bad_role.exit_code == 2);
  CHECK(bad_role.err.find("unknown role 'king'") != std::string::npos);

  // An enrollment file for another device is refused.
  std::string other = f.device("other", "grid-worker", kOtherGrid);
  auto wrong = run_cli({"enroll", "--db", worker, "--file", (f.dir / "other.enroll").string()});
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("not this device") != std::string::npos);
  CHECK(server({"init", "--data", f.data, "--county", "640323", "--name", "again"}).exit_code == 1);
  CHECK(server({"init", "--data", (f.dir / "x").string(), "--county", "64", "--name", "x"})
            .exit_code == 1);
}

TEST_CASE(
    "an edit of another grid's or village's household stating the sender's own grid is "
    "rejected out_of_scope at the county, by a grid worker or a leader's bundle") {
  Field f;
  const std::string far_grid = "640323.101.201.01";  // a grid of another village
  REQUIRE(server({"grid", "add", "--data", f.data, far_grid}).exit_code == 0);
  std::string owner = f.device("owner", "grid-worker", kGrid);
  std::string far_owner = f.device("far-owner", "grid-worker", far_grid);
  std::string worker = f.device("worker", "grid-worker", kOtherGrid);
  std::string leader = f.device("leader", "village-leader", kVillage);
  std::string household = f.household(owner, kGrid, "马兰");
  std::string far_household = f.household(far_owner, far_grid, "李军");
  for (const auto& db : {owner, far_owner})
    REQUIRE(f.import_at_county(f.export_to(db, f.county_cert, db + ".bundle")).exit_code == 0);
  auto digest = [&] { return server({"digest", "--data", f.data}).out; };
  std::string before = digest();

  // Grid worker of kOtherGrid edits kGrid's household, stating its own grid.
  auto by_worker = forge_change(worker, household, kOtherGrid,
                                {set_household_field(household, "head_name", "冒名")});
  write_file(f.dir / "worker-forged.bundle",
             forge_bundle(worker, f.county_cert, {sync::encode(by_worker)}));
  // The village leader edits a household of another village, stating a grid of its own.
  auto by_leader =
      forge_change(leader, far_household, kGrid, {set_household_field(far_household, "income", 1)});
  write_file(f.dir / "leader-forged.bundle",
             forge_bundle(leader, f.county_cert, {sync::encode(by_leader)}));

  for (const auto& [file, id] : {std::pair{"worker-forged.bundle", household},
                                 std::pair{"leader-forged.bundle", far_household}}) {
    CAPTURE(file);
    auto report = parse_out(f.import_at_county((f.dir / file).string()));
    CHECK(report["imported"] == 0);
    REQUIRE(report["rejected"].size() == 1);
    CHECK(report["rejected"][0]["reason"].get<std::string>().find(id) != std::string::npos);
    CHECK(report["rejected"][0]["reason"].get<std::string>().find("not at grid") !=
          std::string::npos);
  }
  CHECK(digest() == before);
}
