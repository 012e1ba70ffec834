// A kept connection (ds_sync_connect): a long-lived host's syncs over one TLS connection to a
// real doorstep-server on loopback, counted by the server's own /metrics; every request on
// it still authenticated (a revoked device refused on the same connection); reopened after
// the server closed it or restarted; and through the app's bridge.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <regex>
#include <thread>

#include "doorstep.h"
#include "tests/client-lib/app_helpers.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

// The JSON a C ABI call returned (freed), failing the test with its error if it is NULL.
json taken(char* text, const ds_error& error) {
  if (text == nullptr) {
    char* message = ds_error_message(&error);
    std::string why = message;
    ds_free(message);
    FAIL_CHECK(why);
    return nullptr;
  }
  json out = json::parse(text);
  ds_free(text);
  return out;
}

std::string error_text(const ds_error& error) {
  char* message = ds_error_message(&error);
  std::string text = message;
  ds_free(message);
  return text;
}

// The server's count of TCP connections accepted (its /metrics, read by curl, whose own
// connection it counts too).
uint64_t connections_accepted(const LiveServer& server) {
  auto metrics = curl(server.url() + "/metrics", server.certificate());
  std::smatch m;
  REQUIRE(std::regex_search(metrics.body, m, std::regex("\\ndoorstep_connections_total (\\d+)")));
  return std::stoull(m[1]);
}

// A county, its server, and Li Wei's phone enrolled at it through the C ABI.
struct Phone {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path db = dir / "li-wei.db";
  std::unique_ptr<LiveServer> server;
  std::string device;

  explicit Phone(std::vector<std::string> serve_args = {}) {
    init_demo_county(data);
    server = std::make_unique<LiveServer>(data, serve_args);
    ds_error error{};
    ds_store* store = ds_store_init(
        db.c_str(), json{{"name", "Li Wei"}, {"scope", kGrid}}.dump().c_str(), &error);
    REQUIRE_MESSAGE(store != nullptr, error_text(error));
    ds_store_free(store);
    json enrolled = taken(ds_sync_enroll_online(db.c_str(), nullptr, server->url().c_str(),
                                                create_token(data, "grid-worker", kGrid).c_str(),
                                                server->fingerprint().c_str(), nullptr, &error),
                          error);
    device = enrolled["device"];
  }
  void add_household(const std::string& head) const {
    ds_error error{};
    ds_store* store = ds_store_open(db.c_str(), nullptr, &error);
    REQUIRE_MESSAGE(store != nullptr, error_text(error));
    char* id =
        ds_store_household_add(store, kGrid, json{{"head_name", head}}.dump().c_str(), &error);
    CHECK_MESSAGE(id != nullptr, error_text(error));
    ds_free(id);
    ds_store_free(store);
  }
  size_t county_households() const {
    auto listed =
        run_process(server_path(), {"households", "--data", data.string(), "--all", "--json"});
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
    return json::parse(listed.out).size();
  }
};

// A kept connection of `phone`, closed at the end of the scope.
struct Kept {
  ds_sync_connection* handle = nullptr;
  explicit Kept(const Phone& phone, const char* options = nullptr) {
    ds_error error{};
    handle = ds_sync_connect(phone.db.c_str(), nullptr, options, &error);
    REQUIRE_MESSAGE(handle != nullptr, error_text(error));
  }
  ~Kept() { ds_sync_connection_close(handle); }
  json sync() {
    ds_error error{};
    return taken(ds_sync_connection_sync(handle, nullptr, &error), error);
  }
};

}  // namespace

TEST_CASE(
    "a kept connection carries three syncs on one TLS connection, the later ones without a "
    "handshake") {
  Phone phone;
  phone.add_household("Ma Lan");
  uint64_t before = connections_accepted(*phone.server);
  Kept kept(phone);
  CHECK(connections_accepted(*phone.server) == before + 1);  // made offline: nothing opened

  json first = kept.sync();
  CHECK(first["pushed"] == 1);
  CHECK(first["tls_handshakes"] == 1);
  CHECK(first["connection"]["kept"] == false);

  json empty = kept.sync();
  CHECK(empty["tls_handshakes"] == 0);
  CHECK(empty["tls_handshake_up"] == 0);
  CHECK(empty["requests"] == 1);  // one round trip
  CHECK(empty["connection"]["kept"] == true);
  CHECK(empty["pushed"] == 0);
  CHECK(empty["pulled"] == 0);
  // Nothing but one request and its answer crossed the socket.
  CHECK(empty["bytes_up"].get<uint64_t>() + empty["bytes_down"].get<uint64_t>() <
        first["bytes_up"].get<uint64_t>() + first["bytes_down"].get<uint64_t>());

  phone.add_household("Ma Qiang");
  json third = kept.sync();
  CHECK(third["pushed"] == 1);
  CHECK(third["tls_handshakes"] == 0);
  CHECK(third["connection"]["handshakes"] == 1);
  CHECK(third["connection"]["syncs_without_handshake"] == 2);
  CHECK(phone.county_households() == 2);
  // The three syncs used one connection: the two curls of /metrics, and it.
  CHECK(connections_accepted(*phone.server) == before + 3);
}

TEST_CASE("a device revoked between two syncs is refused on the same kept connection") {
  Phone phone;
  Kept kept(phone);
  kept.sync();
  auto revoked =
      run_process(server_path(), {"device", "revoke", "--data", phone.data.string(), phone.device});
  REQUIRE_MESSAGE(revoked.exit_code == 0, revoked.err);
  phone.add_household("Ma Lan");
  ds_error error{};
  char* answer = ds_sync_connection_sync(kept.handle, nullptr, &error);
  CHECK(answer == nullptr);
  CHECK(error.domain == DS_DOMAIN_DOORSTEP);
  CHECK(error.code == DS_ERR_UNAUTHORIZED);
  CHECK(error_text(error).find("revoked") != std::string::npos);
  ds_free(answer);
  CHECK(phone.county_households() == 0);
}

TEST_CASE(
    "a kept connection the server closed when idle, or lost with the server, is opened "
    "again by the next sync") {
  // The server closes a connection idle for 1 s (its read timeout).
  Phone phone({"--timeout", "1"});
  Kept kept(phone);
  kept.sync();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  phone.add_household("Ma Lan");
  json after_idle = kept.sync();
  CHECK(after_idle["pushed"] == 1);
  CHECK(after_idle["tls_handshakes"] == 1);
  CHECK(after_idle["tls_resumed"] == true);  // the kept connection's newest ticket
  CHECK(after_idle["connection"]["kept"] == false);

  // The server killed and started again on the same port: the sync after it reconnects.
  int port = phone.server->port();
  phone.server->stop(SIGKILL);
  ds_error error{};
  phone.add_household("Ma Qiang");
  char* offline = ds_sync_connection_sync(kept.handle, nullptr, &error);
  CHECK(offline == nullptr);
  CHECK(error.domain == DS_DOMAIN_NETWORK);
  CHECK(ds_error_is_transient(&error));
  ds_free(offline);
  phone.server = std::make_unique<LiveServer>(phone.data, std::vector<std::string>{}, port);
  json back = kept.sync();
  CHECK(back["pushed"] == 1);
  CHECK(back["tls_handshakes"] == 1);
  json kept_again = kept.sync();
  CHECK(kept_again["tls_handshakes"] == 0);
  CHECK(phone.county_households() == 2);
}

TEST_CASE("ds_sync_connect refuses a device that is not enrolled and options it does not know") {
  TempDir dir;
  auto db = dir / "new.db";
  ds_error error{};
  ds_store* store = ds_store_init(db.c_str(), R"({"name": "Li Wei"})", &error);
  REQUIRE(store != nullptr);
  ds_store_free(store);
  CHECK(ds_sync_connect(db.c_str(), nullptr, nullptr, &error) == nullptr);
  CHECK(error.code == DS_ERR_UNAUTHORIZED);
  CHECK(error_text(error).find("enroll") != std::string::npos);
  for (const char* bad :
       {"[1]", R"({"timeout_seconds": 0})", R"({"timeout_seconds": "30"})", R"({"timeout": 30})"}) {
    CAPTURE(bad);
    ds_error refused{};
    CHECK(ds_sync_connect(db.c_str(), nullptr, bad, &refused) == nullptr);
    CHECK(refused.code == DS_ERR_INVALID_ARGUMENT);
    CHECK(error_text(refused).find("options_json") != std::string::npos);
  }
  ds_error none{};
  CHECK(ds_sync_connection_sync(nullptr, nullptr, &none) == nullptr);
  CHECK(none.code == DS_ERR_INVALID_ARGUMENT);
  ds_sync_connection_close(nullptr);  // allowed
}

TEST_CASE("the app keeps one connection to the county across its syncs") {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  init_demo_county(data);
  LiveServer server(data);
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  page.ok("store_init", {{"name", "Li Wei"}});
  page.ok("sync_enroll_online", {{"server_url", server.url()},
                                 {"token", create_token(data, "grid-worker", kGrid)},
                                 {"fingerprint", server.fingerprint()}});
  uint64_t before = connections_accepted(server);
  std::string connection = page.ok("sync_connect")["connection"];
  for (int i = 0; i < 3; ++i) {
    page.ok("store_household_add",
            {{"grid", kGrid}, {"fields", {{"head_name", "h" + std::to_string(i)}}}});
    json synced = page.ok("sync_connection_sync", {{"connection", connection}});
    CHECK(synced["pushed"] == 1);
    CHECK(synced["tls_handshakes"] == (i == 0 ? 1 : 0));
  }
  CHECK(connections_accepted(server) == before + 2);
  // The open store sees what the syncs did.
  CHECK(page.ok("sync_status")["pending"] == 0);
  page.ok("sync_connection_close", {{"connection", connection}});
  auto gone = page.call("sync_connection_sync", {{"connection", connection}});
  CHECK(gone.status == 404);
  CHECK(gone.json()["error"]["message"].get<std::string>().find("sync_connect") !=
        std::string::npos);
}
