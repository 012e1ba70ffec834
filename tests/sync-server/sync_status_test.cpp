// `doorstep status` and the rejected changes it keeps, across real syncs: the real server on
// loopback, the real `doorstep` CLI, device databases written through the core's store.
#include <doctest/doctest.h>

#include <signal.h>

#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "core/store/store.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";
constexpr const char* kVillage = "640323.101.200";

// A county, its running server, and Li Wei's phone enrolled at it.
struct Phone {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path db = dir / "li-wei.db";
  std::unique_ptr<LiveServer> server;

  Phone() {
    init_demo_county(data);
    server = std::make_unique<LiveServer>(data);
    db = enroll("li-wei", "grid-worker", kGrid);
  }
  std::filesystem::path enroll(const std::string& name, const std::string& role,
                               const std::string& scope) {
    auto path = dir / (name + ".db");
    store::InitOptions options;
    options.name = name;
    options.role = role;
    options.scope = scope;
    store::Store::create(path, options);
    auto enrolled =
        run_cli({"enroll", "--db", path.string(), "--server", server->url(), "--token",
                 create_token(data, role, scope), "--fingerprint", server->fingerprint()});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
    return path;
  }
  // A household of `members` members written as an older version without limits would have
  // (the county allows 500 a household); returns its id.
  std::string crowded_household(size_t members) const {
    auto store = store::Store::open(db);
    sync::ChangeLimits none{uint64_t{1} << 40, uint64_t{1} << 40, uint64_t{1} << 40,
                            uint64_t{1} << 40};
    store.set_change_limits(none);
    json list = json::array();
    for (size_t i = 0; i < members; ++i) list.push_back({{"name", "m" + std::to_string(i)}});
    return store.add_household(kGrid, {{"head_name", "crowded"}, {"members", list}});
  }
  std::string device_id() const { return store::Store::open(db).identity().device_id; }
  // `doorstep sync --json`, which must complete with `exit_code`.
  json sync(int exit_code, const std::filesystem::path& device = {}) const {
    auto result = run_cli({"sync", "--db", (device.empty() ? db : device).string(), "--json"});
    REQUIRE_MESSAGE(result.exit_code == exit_code, result.err);
    return json::parse(result.out);
  }
  json status(const std::filesystem::path& device = {}) const {
    auto result = run_cli({"status", "--db", (device.empty() ? db : device).string(), "--json"});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return json::parse(result.out);
  }
  std::set<std::string> county_heads() const {
    auto listed =
        run_process(server_path(), {"households", "--data", data.string(), "--all", "--json"});
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
    std::set<std::string> heads;
    for (const auto& h : json::parse(listed.out)) heads.insert(h["head_name"]);
    return heads;
  }
};

bool is_iso8601(const json& value) {
  static const std::regex kTime(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  return value.is_string() && std::regex_match(value.get<std::string>(), kTime);
}

}  // namespace

TEST_CASE("a rejected change stays in the status across syncs, which exit 3, until dismissed") {
  Phone phone;
  std::string household = phone.crowded_household(501);
  std::string change = phone.device_id() + ".1";
  {
    auto store = store::Store::open(phone.db);
    store.add_household(kGrid, {{"head_name", "ordinary"}});
  }

  json first = phone.sync(3);
  CHECK(first["ok"] == false);
  CHECK(first["pushed"] == 1);
  REQUIRE(first["rejected"].size() == 1);
  CHECK(first["rejected"][0]["change"] == change);
  CHECK(first["rejected_now"][0]["change"] == change);

  json status = phone.status();
  REQUIRE(status["rejected"].size() == 1);
  const json rejected = status["rejected"][0];
  CHECK(rejected["change"] == change);
  CHECK(rejected["household"] == household);
  CHECK(rejected["reason"].get<std::string>().find("500 (max_members_per_household)") !=
        std::string::npos);
  CHECK(is_iso8601(rejected["at"]));
  CHECK(status["ok"] == false);
  CHECK(status["pending"] == 0);

  // Two more syncs offer it again; the county refuses it again, and it stays listed, with
  // the time it was first refused.
  for (int i = 0; i < 2; ++i) {
    json again = phone.sync(3);
    CHECK(again["offered_again"] == 1);
    CHECK(again["taken_again"] == 0);
    json later = phone.status();
    REQUIRE(later["rejected"].size() == 1);
    CHECK(later["rejected"][0]["change"] == change);
    CHECK(later["rejected"][0]["at"] == rejected["at"]);
  }
  auto human = run_cli({"status", "--db", phone.db.string()});
  CHECK(human.exit_code == 0);
  CHECK(human.out.find("1 change was not taken and wait") != std::string::npos);
  CHECK(human.out.find(change + " (household " + household) != std::string::npos);
  auto human_sync = run_cli({"sync", "--db", phone.db.string()});
  CHECK(human_sync.exit_code == 3);
  CHECK(human_sync.err.find("1 rejected change(s) wait for you") != std::string::npos);

  auto dismissed = run_cli({"rejected", "dismiss", change, "--db", phone.db.string(), "--reason",
                            "split into two households on paper"});
  REQUIRE_MESSAGE(dismissed.exit_code == 0, dismissed.err);
  CHECK(dismissed.out.find("dismissed " + change) != std::string::npos);
  CHECK(phone.status()["rejected"].empty());
  CHECK(phone.status()["ok"] == true);
  json after = phone.sync(0);
  CHECK(after["ok"] == true);
  CHECK(after["offered_again"] == 0);
  CHECK(after["rejected"].empty());

  // The dismissal is kept, with its reason and time.
  auto all = run_cli({"rejected", "list", "--db", phone.db.string(), "--all", "--json"});
  REQUIRE(all.exit_code == 0);
  auto list = json::parse(all.out);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["dismissal"] == "split into two households on paper");
  CHECK(is_iso8601(list[0]["dismissed_at"]));
  auto outstanding = run_cli({"rejected", "list", "--db", phone.db.string(), "--json"});
  CHECK(json::parse(outstanding.out).empty());
  CHECK(phone.county_heads() == std::set<std::string>{"ordinary"});
}

TEST_CASE("a rejected change the county takes on a later sync leaves the list by itself") {
  Phone phone;
  phone.crowded_household(600);
  phone.sync(3);
  REQUIRE(phone.status()["rejected"].size() == 1);

  // The county raises its limit; the same server address comes back.
  int port = phone.server->port();
  phone.server->stop(SIGTERM);
  auto settings = json::parse(read_file(phone.data / "settings.json"));
  settings["max_members_per_household"] = 1000;
  write_file(phone.data / "settings.json", settings.dump(2));
  phone.server = std::make_unique<LiveServer>(phone.data, std::vector<std::string>{}, port);

  json synced = phone.sync(0);
  CHECK(synced["ok"] == true);
  CHECK(synced["offered_again"] == 1);
  CHECK(synced["taken_again"] == 1);
  CHECK(phone.status()["rejected"].empty());
  CHECK(phone.county_heads() == std::set<std::string>{"crowded"});
  // Nothing is offered again after that.
  CHECK(phone.sync(0)["offered_again"] == 0);
}

TEST_CASE("each rejected change is offered again and leaves the list only when it is taken") {
  Phone phone;
  std::string device = phone.device_id();
  phone.crowded_household(501);
  phone.sync(3);
  phone.crowded_household(502);
  // The second sync refuses the new one and offers the first again; the third, right after,
  // offers both: neither is taken, so both stay.
  CHECK(phone.sync(3)["offered_again"] == 1);
  json third = phone.sync(3);
  CHECK(third["offered_again"] == 2);
  CHECK(third["taken_again"] == 0);
  json status = phone.status();
  std::set<std::string> listed;
  for (const auto& r : status["rejected"]) listed.insert(r["change"]);
  CHECK(listed == std::set<std::string>{device + ".1", device + ".2"});
}

TEST_CASE("pending counts the changes the county has not acknowledged, last_sync the server") {
  Phone phone;
  json before = phone.status();
  CHECK(before["pending"] == 0);
  CHECK(before["last_sync"]["at"].is_null());
  CHECK(before["last_sync"]["server"].is_null());
  CHECK(before["conflicts"] == 0);
  for (const char* head : {"Ma Lan", "Yang Jun"}) {
    auto added = run_cli({"household", "add", "--db", phone.db.string(), "--grid", kGrid, "--set",
                          json{{"head_name", head}}.dump()});
    REQUIRE(added.exit_code == 0);
  }
  CHECK(phone.status()["pending"] == 2);
  auto human = run_cli({"status", "--db", phone.db.string()});
  CHECK(human.out.find("2 changes wait to be sent to the county") != std::string::npos);
  CHECK(human.out.find("never synced") != std::string::npos);

  json synced = phone.sync(0);
  CHECK(synced["pending"] == 0);
  json after = phone.status();
  CHECK(after["pending"] == 0);
  CHECK(after["last_sync"]["server"] == phone.server->url());
  CHECK(is_iso8601(after["last_sync"]["at"]));
  CHECK(synced["last_sync"] == after["last_sync"]);

  // A village leader relays a grid worker's bundle: what it holds of others is pending too.
  auto leader = phone.enroll("leader", "village-leader", kVillage);
  REQUIRE(
      run_cli({"identity", "--db", leader.string(), "--out", (phone.dir / "leader.pem").string()})
          .exit_code == 0);
  CHECK(phone.sync(0, leader)["pulled"] == 3);  // with the county settings
  CHECK(phone.status(leader)["pending"] == 0);
  REQUIRE(run_cli({"household", "add", "--db", phone.db.string(), "--grid", kGrid, "--set",
                   json{{"head_name", "Bai Yu"}}.dump()})
              .exit_code == 0);
  auto bundle = (phone.dir / "to-leader.bundle").string();
  REQUIRE(run_cli({"bundle", "export", "--db", phone.db.string(), "--to",
                   (phone.dir / "leader.pem").string(), "--out", bundle})
              .exit_code == 0);
  auto imported = run_cli({"bundle", "import", "--db", leader.string(), bundle, "--json"});
  REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
  CHECK(json::parse(imported.out)["ok"] == true);
  // The bundle holds all three of Li Wei's households; the leader has two from the county.
  CHECK(json::parse(imported.out)["imported"] == 1);
  CHECK(phone.status(leader)["pending"] == 1);
  json relayed = phone.sync(0, leader);
  CHECK(relayed["pushed"] == 1);
  CHECK(phone.status(leader)["pending"] == 0);
  CHECK(phone.county_heads().count("Bai Yu") == 1);
}

TEST_CASE("status and rejected dismiss refuse bad arguments with a clear error") {
  Phone phone;
  phone.crowded_household(501);
  phone.sync(3);
  std::string change = phone.device_id() + ".1";
  std::string db = phone.db.string();

  auto unknown =
      run_cli({"rejected", "dismiss", "0123456789abcdef.7", "--db", db, "--reason", "x"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("change 0123456789abcdef.7 is not among the rejected changes") !=
        std::string::npos);
  auto malformed = run_cli({"rejected", "dismiss", "seven", "--db", db, "--reason", "x"});
  CHECK(malformed.exit_code == 1);
  CHECK(malformed.err.find("'seven' is not a change id (ORIGIN.SEQ") != std::string::npos);
  auto empty = run_cli({"rejected", "dismiss", change, "--db", db, "--reason", ""});
  CHECK(empty.exit_code == 1);
  CHECK(empty.err.find("dismissing change " + change + " needs a reason") != std::string::npos);
  auto blank = run_cli({"rejected", "dismiss", change, "--db", db, "--reason", "  "});
  CHECK(blank.exit_code == 1);
  auto no_reason = run_cli({"rejected", "dismiss", change, "--db", db});
  CHECK(no_reason.exit_code == 2);
  CHECK(no_reason.err.find("--reason") != std::string::npos);
  auto no_id = run_cli({"rejected", "dismiss", "--db", db, "--reason", "x"});
  CHECK(no_id.exit_code == 2);
  CHECK(no_id.err.find("missing ID") != std::string::npos);
  // None of them changed anything.
  REQUIRE(phone.status()["rejected"].size() == 1);

  REQUIRE(run_cli({"rejected", "dismiss", change, "--db", db, "--reason", "done"}).exit_code == 0);
  auto twice = run_cli({"rejected", "dismiss", change, "--db", db, "--reason", "again"});
  CHECK(twice.exit_code == 1);
  CHECK(twice.err.find("was dismissed already") != std::string::npos);

  auto missing = run_cli({"status", "--db", (phone.dir / "nowhere.db").string()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("nowhere.db") != std::string::npos);
  auto extra = run_cli({"status", "--db", db, "surplus"});
  CHECK(extra.exit_code == 2);
}
