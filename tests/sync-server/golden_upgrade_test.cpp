// Upgrade in place: the golden databases of tests/data/golden/ (a county data folder and a
// grid worker's device database, written by an earlier version's own programs; see
// tests/data/golden/generate) open with this version, migrate, and read what that version
// read from them (expected.json); the device's pending changes still reach the county, and a
// new device pulls and verifies every change the county held (their signatures are of the
// old format).
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "core/store/store.h"
#include "core/sync/sync_state.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

// The golden versions, oldest first.
std::vector<std::string> golden_versions() {
  std::vector<std::string> versions;
  for (const auto& entry :
       std::filesystem::directory_iterator(source_dir() / "tests" / "data" / "golden"))
    if (entry.is_directory()) versions.push_back(entry.path().filename().string());
  std::sort(versions.begin(), versions.end());
  return versions;
}

// A copy of one golden version in a temporary folder (the repository's files stay as they are).
struct Golden {
  TempDir dir;
  std::filesystem::path county = dir / "county";
  std::filesystem::path device = dir / "device.db";
  json expected;

  explicit Golden(const std::string& version) {
    auto from = source_dir() / "tests" / "data" / "golden" / version;
    std::filesystem::copy(from / "county", county, std::filesystem::copy_options::recursive);
    std::filesystem::copy_file(from / "device.db", device);
    std::filesystem::copy_file(from / "device.db.secret", dir / "device.db.secret");
    std::filesystem::permissions(dir / "device.db.secret", std::filesystem::perms::owner_read |
                                                               std::filesystem::perms::owner_write);
    expected = json::parse(read_file(from / "expected.json"));
  }
  json cli(const std::vector<std::string>& args) const {
    auto result = run_cli(args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return json::parse(result.out);
  }
  json server(const std::vector<std::string>& args) const {
    auto result = run_process(server_path(), args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return json::parse(result.out);
  }
  json county_households() const {
    return server({"households", "--data", county.string(), "--all", "--json"});
  }
};

// Household ids with their head's name, the part of a listing both versions must agree on.
std::set<std::pair<std::string, std::string>> heads(const json& households) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& h : households) {
    std::string head;
    if (h.contains("head_name") && h["head_name"].is_string()) head = h["head_name"];
    if (h.contains("fields") && h["fields"].contains("head_name") &&
        h["fields"]["head_name"].is_string())
      head = h["fields"]["head_name"];
    out.insert({h["id"].get<std::string>(), head});
  }
  return out;
}

}  // namespace

TEST_CASE("the golden device database and county folder open, migrate and read as they were") {
  auto versions = golden_versions();
  REQUIRE_FALSE(versions.empty());
  for (const auto& version : versions) {
    CAPTURE(version);
    Golden golden(version);
    // The device: the same state (digest), consistent with its op log, the same households,
    // the same changes waiting.
    CHECK(golden.cli({"digest", "--db", golden.device.string(), "--json"})["digest"] ==
          golden.expected["device_digest"]["digest"]);
    auto checked = run_cli({"check", "--db", golden.device.string()});
    CHECK_MESSAGE(checked.exit_code == 0, checked.err);
    CHECK(heads(golden.cli({"household", "list", "--db", golden.device.string(), "--json"})) ==
          heads(golden.expected["device_households"]));
    json status = golden.cli({"status", "--db", golden.device.string(), "--json"});
    CHECK(status["pending"] == golden.expected["device_status"]["pending"]);
    CHECK(status["pending"].get<int>() > 0);
    CHECK(status["last_sync"]["at"] == golden.expected["device_status"]["last_sync"]["at"]);
    // The county: the same state and the same households.
    CHECK(golden.server({"digest", "--data", golden.county.string(), "--json"})["digest"] ==
          golden.expected["county_digest"]["digest"]);
    CHECK(heads(golden.county_households()) == heads(golden.expected["county_households"]));
  }
}

TEST_CASE(
    "after the upgrade the golden device syncs its waiting changes to the golden county, "
    "and a new device verifies every old change it pulls") {
  for (const auto& version : golden_versions()) {
    CAPTURE(version);
    Golden golden(version);
    LiveServer server(golden.county);
    // The golden device knew its county at another port: the same server (its TLS
    // certificate, which the device pinned, is in the county folder), moved.
    {
      auto store = store::Store::open(golden.device);
      sync::SyncState state(store.database());
      auto saved = json::parse(state.item("https_server").value());
      saved["url"] = server.url();
      state.set_item("https_server", saved.dump());
    }
    size_t before = golden.county_households().size();
    json synced = golden.cli({"sync", "--db", golden.device.string(), "--json"});
    CHECK(synced["pushed"] == golden.expected["device_status"]["pending"]);
    CHECK(synced["rejected_now"].empty());
    CHECK(synced["pending"] == 0);
    CHECK(golden.county_households().size() == before + 1);
    CHECK(golden.cli(
              {"digest", "--db", golden.device.string(), "--scope", kGrid, "--json"})["digest"] ==
          golden.server(
              {"digest", "--data", golden.county.string(), "--scope", kGrid, "--json"})["digest"]);

    // A new village leader's device pulls the village: every change signed by the old
    // version verifies (nothing refused) and its state equals the county's.
    auto leader = golden.dir / "leader.db";
    store::InitOptions options;
    options.name = "Ma Lin";
    options.role = "village-leader";
    options.scope = "640323.101.200";
    store::Store::create(leader, options);
    auto enrolled = run_cli({"enroll", "--db", leader.string(), "--server", server.url(), "--token",
                             create_token(golden.county, "village-leader", "640323.101.200"),
                             "--fingerprint", server.fingerprint()});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
    json pulled = golden.cli({"sync", "--db", leader.string(), "--json"});
    CHECK(pulled["pulled"].get<int>() > 0);
    CHECK(pulled["rejected_now"].empty());
    CHECK(golden.cli({"digest", "--db", leader.string(), "--scope", "640323.101.200",
                      "--json"})["digest"] ==
          golden.server({"digest", "--data", golden.county.string(), "--scope", "640323.101.200",
                         "--json"})["digest"]);
  }
}
