// The county's size limits across a real sync: a change beyond them that a phone holds (made
// by an older version, which did not check) neither blocks the phone's later changes nor
// costs the county more than a rejection. The real server, the real `doorstep` CLI, device
// databases written through the core's store.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <random>
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

// A county and its running server, and Li Wei's phone enrolled at it.
struct EnrolledPhone {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path db = dir / "li-wei.db";
  std::unique_ptr<LiveServer> server;

  EnrolledPhone() {
    init_demo_county(data);
    std::string token = create_token(data, "grid-worker", kGrid);
    store::InitOptions options;
    options.name = "li-wei";
    options.scope = kGrid;
    store::Store::create(db, options);
    server = std::make_unique<LiveServer>(data);
    auto enrolled = run_cli({"enroll", "--db", db.string(), "--server", server->url(), "--token",
                             token, "--fingerprint", server->fingerprint()});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  }
  // The phone's store as an older version without limits wrote to it.
  store::Store unlimited_store() const {
    auto store = store::Store::open(db);
    sync::ChangeLimits none{uint64_t{1} << 40, uint64_t{1} << 40, uint64_t{1} << 40,
                            uint64_t{1} << 40};
    store.set_change_limits(none);
    return store;
  }
  // `doorstep sync --json`; it exits 3 while a rejected change is outstanding.
  json sync(int exit_code = 0) const {
    auto result = run_cli({"sync", "--db", db.string(), "--json"});
    REQUIRE_MESSAGE(result.exit_code == exit_code, result.err);
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

std::string random_text(size_t size) {
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
  std::mt19937 random(11);
  std::string text(size, 'a');
  for (auto& c : text) c = kLetters[random() % 64];
  return text;
}

const json* find_change(const json& list, const std::string& origin, uint64_t seq) {
  for (const auto& entry : list)
    if (entry["origin"] == origin && entry["seq"] == seq) return &entry;
  return nullptr;
}

}  // namespace

TEST_CASE(
    "a stored change over max_change_bytes is kept as rejected and the later ones still sync") {
  EnrolledPhone phone;
  std::string device;
  {
    auto store = phone.unlimited_store();
    device = store.identity().device_id;
    store.add_household(kGrid, {{"head_name", "before"}});
    // A 48 MB notes answer, accepted by a version without limits: change seq 2.
    store.add_household(kGrid, {{"head_name", "huge"}, {"notes", random_text(48 << 20)}});
    store.add_household(kGrid, {{"head_name", "after"}});
  }
  json first = phone.sync(3);
  CHECK(first["pushed"] == 2);
  const json* stuck = find_change(first["rejected"], device, 2);
  REQUIRE(stuck != nullptr);
  CHECK((*stuck)["source"] == "unsent");
  CHECK((*stuck)["reason"].get<std::string>().find("change " + device + ".2 has") !=
        std::string::npos);
  CHECK((*stuck)["reason"].get<std::string>().find("(max_change_bytes)") != std::string::npos);
  CHECK(find_change(first["rejected_now"], device, 2) != nullptr);
  CHECK(phone.county_heads() == std::set<std::string>{"before", "after"});

  // Later edits still go, and the stuck change stays listed, not dropped.
  phone.unlimited_store().add_household(kGrid, {{"head_name", "later"}});
  json second = phone.sync(3);
  CHECK(second["pushed"] == 1);
  CHECK(second["rejected"].size() == 1);
  CHECK(find_change(second["rejected"], device, 2) != nullptr);
  CHECK(phone.county_heads() == std::set<std::string>{"before", "after", "later"});

  auto human = run_cli({"sync", "--db", phone.db.string()});
  CHECK(human.exit_code == 3);
  CHECK(human.out.find("  " + device + ".2 (household ") != std::string::npos);
}

TEST_CASE("a pushed household of 20,000 members is rejected by the county cheaply, with a reason") {
  EnrolledPhone phone;
  std::string device;
  {
    auto store = phone.unlimited_store();
    device = store.identity().device_id;
    json members = json::array();
    for (int i = 0; i < 20000; ++i) members.push_back({{"name", "m" + std::to_string(i)}});
    store.add_household(kGrid, {{"head_name", "crowded"}, {"members", members}});
    store.add_household(kGrid, {{"head_name", "ordinary"}});
  }
  auto started = std::chrono::steady_clock::now();
  json synced = phone.sync(3);
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string status = read_file("/proc/" + std::to_string(phone.server->pid()) + "/status");
  auto peak = status.find("VmHWM:");
  MESSAGE("sync with the 20,000-member change took "
          << took << " s; server peak "
          << (peak == std::string::npos
                  ? "?"
                  : status.substr(peak + 6, status.find('\n', peak) - peak - 6)));
  CHECK(synced["pushed"] == 1);
  const json* rejected = find_change(synced["rejected_now"], device, 1);
  REQUIRE(rejected != nullptr);
  CHECK((*rejected)["source"] == "server");
  CHECK((*rejected)["reason"].get<std::string>().find("registers 20000 members") !=
        std::string::npos);
  CHECK((*rejected)["reason"].get<std::string>().find("500 (max_members_per_household)") !=
        std::string::npos);
  CHECK(find_change(synced["rejected"], device, 1) != nullptr);
  CHECK(phone.county_heads() == std::set<std::string>{"ordinary"});
}

TEST_CASE("the county's settings.json sets the limits its server and its devices keep") {
  EnrolledPhone phone;
  auto settings = json::parse(read_file(phone.data / "settings.json"));
  CHECK(settings["max_visit_bytes"] == 1024 * 1024);
  CHECK(settings["max_text_answer_bytes"] == 64 * 1024);
  CHECK(settings["max_members_per_household"] == 500);
  CHECK(settings["max_change_bytes"] == 8 * 1024 * 1024);
  // A device enrolled under settings with a smaller limit keeps that one.
  phone.server.reset();
  settings["max_text_answer_bytes"] = 100;
  write_file(phone.data / "settings.json", settings.dump(2));
  LiveServer server(phone.data);
  auto other = phone.dir / "wang-fang.db";
  store::InitOptions options;
  options.name = "wang-fang";
  options.scope = kGrid;
  store::Store::create(other, options);
  std::string token = create_token(phone.data, "grid-worker", kGrid);
  REQUIRE(run_cli({"enroll", "--db", other.string(), "--server", server.url(), "--token", token,
                   "--fingerprint", server.fingerprint()})
              .exit_code == 0);
  auto refused = run_cli({"household", "add", "--db", other.string(), "--grid", kGrid, "--set",
                          json{{"head_name", std::string(101, 'x')}}.dump()});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("100 (max_text_answer_bytes)") != std::string::npos);
  // A county whose settings name a bad limit does not serve; it says which.
  server.stop(SIGTERM);
  settings["max_change_bytes"] = "big";
  write_file(phone.data / "settings.json", settings.dump(2));
  auto bad =
      run_process(server_path(), {"households", "--data", phone.data.string(), "--all", "--json"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("max_change_bytes") != std::string::npos);
}
