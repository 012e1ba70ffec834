// The server's HTTP boundary against hostile and broken clients: a real server process on a
// loopback port, real TLS, raw connections (TlsClient), curl and the real CLI. Whatever a
// client sends, the server answers with JSON (or closes) and keeps serving, and no client
// without a credential makes it hold more than a small body.
#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/auth/request_signature.h"
#include "core/crypto/certificate.h"
#include "core/crypto/device_key.h"
#include "core/store/store.h"
#include "core/sync/messages.h"
#include "core/sync/replica.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"
#include "tests/sync-server/tls_client_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

struct County {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  County() {
    auto init = run_process(server_path(), {"init", "--data", data.string(), "--county", "640323",
                                            "--name", "Yanchi", "--demo"});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  }
  std::string token() {
    auto made = run_process(server_path(), {"token", "create", "--data", data.string(), "--role",
                                            "grid-worker", "--scope", kGrid, "--json"});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    return json::parse(made.out)["token"];
  }
  // A grid worker's device database, enrolled online at `server`.
  std::filesystem::path enrolled_device(const LiveServer& server) {
    auto db = dir / "device.db";
    store::InitOptions options;
    options.name = "li-wei";
    options.role = "grid-worker";
    options.scope = kGrid;
    store::Store::create(db, options);
    auto enrolled = run_cli({"enroll", "--db", db.string(), "--server", server.url(), "--token",
                             token(), "--fingerprint", server.fingerprint(), "--json"});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
    return db;
  }
};

// A request `method target` with `headers` ("Name: value\r\n" each) and `body`.
std::string http_request(const std::string& method, const std::string& target,
                         const std::string& headers = "", const std::string& body = "") {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
         (body.empty() ? "" : "Content-Length: " + std::to_string(body.size()) + "\r\n") + "\r\n" +
         body;
}

// Sends `bytes` on a fresh connection and returns the first response (waiting up to 20 s).
std::string exchange(int port, const std::string& bytes) {
  TlsClient client(port);
  client.send(bytes);
  return client.receive_response(std::chrono::seconds(20));
}

std::string random_nonce() {
  static std::atomic<uint64_t> counter{0};
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx",
                static_cast<unsigned long long>(std::time(nullptr)),
                static_cast<unsigned long long>(++counter));
  return text;
}

// An Authorization that names an enrolled device with the current time and a fresh nonce,
// but whose signature is garbage: it passes every check a request's head allows.
std::string plausible_authorization(const std::string& device_id) {
  return "Authorization: Doorstep-Signature device=" + device_id +
         ",time=" + std::to_string(std::time(nullptr)) + ",nonce=" + random_nonce() +
         ",signature=" + std::string(86, 'A') + "==\r\n";
}

// The server's peak resident memory (VmHWM) in kB.
long peak_resident_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// Polls `ready` (every 20 ms, up to 20 s): conditions the server reaches asynchronously.
template <class Ready>
bool eventually(Ready ready) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE(
    "invalid UTF-8 anywhere in an unauthenticated request is answered as JSON, never a crash") {
  County county;
  LiveServer server(county.data);
  const std::string bad = "\xff\xfe";
  struct Vector {
    const char* what;
    std::string bytes;
  };
  std::vector<Vector> vectors = {
      {"path", http_request("GET", "/v1/%ff")},
      {"raw path", http_request("GET", "/v1/" + bad)},
      {"query", http_request("GET", "/v1/households?grid=%ff")},
      {"target", http_request("GET", "/v1/%zz" + bad)},
      {"method on a path", http_request("DELETE", "/v1/health/" + bad)},
      {"enroll JSON", http_request("POST", "/v1/enroll", "", "{\"token\": \"" + bad + "\"}")},
      {"enroll name",
       http_request("POST", "/v1/enroll", "", "{\"token\": \"x\", \"request\": \"" + bad + "\"}")},
      {"Authorization header", http_request("GET", "/v1/households",
                                            "Authorization: Doorstep-Signature " + bad + "=1\r\n")},
      {"Authorization device",
       http_request("GET", "/v1/sync/hello",
                    "Authorization: Doorstep-Signature device=" + bad + ",time=1\r\n")},
      {"certificate header",
       http_request("GET", "/v1/sync/hello",
                    "X-Doorstep-Certificate: " + bad +
                        "\r\nAuthorization: Doorstep-Signature "
                        "time=1,nonce=" +
                        std::string(32, '0') + ",signature=" + std::string(88, 'A') + "\r\n")},
  };
  for (const auto& vector : vectors) {
    CAPTURE(vector.what);
    auto reply = exchange(
        server.port(), vector.bytes + http_request("GET", "/v1/health", "Connection: close\r\n"));
    int status = http_status_of(reply);
    CHECK(status >= 400);
    CHECK(status < 500);
    auto body = json::parse(
        http_body_of(reply).substr(0, std::stoul(http_header_of(reply, "content-length"))), nullptr,
        false);
    CHECK(body["error"]["code"].is_string());
    CHECK(body["error"]["message"].is_string());
    REQUIRE(server.running());
    CHECK(curl(server.url() + "/v1/health", server.certificate()).status == 200);
  }
  CHECK(server.stop(SIGTERM) == 0);
  // Every line of the log is still JSON.
  std::istringstream lines(server.log());
  for (std::string line; std::getline(lines, line);) CHECK(json::accept(line));
}

TEST_CASE(
    "invalid UTF-8 in an authenticated request (frame text, household id) is answered as JSON") {
  County county;
  LiveServer server(county.data);
  auto db = county.enrolled_device(server);
  auto store = store::Store::open(db);
  sync::Replica replica(store);
  auto signed_curl = [&](const std::string& method, const std::string& target,
                         const std::string& body) {
    auto headers = auth::sign_request(
        replica.signer(), replica.certificate().der(), method, target, body, server.fingerprint(),
        static_cast<int64_t>(std::time(nullptr)), replica.identity().device_id);
    std::vector<std::string> args = {"-X", method, "-H", "Authorization: " + headers.authorization};
    if (!body.empty()) {
      write_file(county.dir / "body.bin", body);
      args.insert(args.end(), {"--data-binary", "@" + (county.dir / "body.bin").string()});
    }
    return curl(server.url() + target, server.certificate(), args);
  };
  sync::PullMessage pull;
  pull.scope = "640323.\xff";
  auto frame = sync::encode_message(pull);
  auto scope = signed_curl("POST", "/v1/sync/pull", std::string(frame.begin(), frame.end()));
  CHECK(scope.status == 400);
  CHECK(scope.json()["error"]["message"].is_string());
  auto household = signed_curl("GET", "/v1/households/%ff%fe", "");
  CHECK(household.status == 404);
  CHECK(household.json()["error"]["code"] == "not_found");
  auto grid = signed_curl("GET", "/v1/households?grid=%ff", "");
  CHECK(grid.status == 400);
  CHECK(grid.json()["error"]["code"].is_string());
  REQUIRE(server.running());
  CHECK(curl(server.url() + "/v1/health", server.certificate()).status == 200);
}

TEST_CASE("a push without a valid credential in its head is refused before its body is sent") {
  County county;
  LiveServer server(county.data);
  auto db = county.enrolled_device(server);
  std::string device_id = store::Store::open(db).identity().device_id;
  const std::string big = "Content-Length: 31457280\r\n";
  struct Head {
    const char* what;
    std::string headers;
  };
  for (const auto& head : std::vector<Head>{
           {"no credential", big},
           {"chunked, no credential", "Transfer-Encoding: chunked\r\n"},
           {"an unknown device",
            big + "Authorization: Doorstep-Signature device=" + std::string(64, 'a') +
                ",time=" + std::to_string(std::time(nullptr)) + ",nonce=" + random_nonce() +
                ",signature=" + std::string(86, 'A') + "==\r\n"},
           {"a stale time", big + "Authorization: Doorstep-Signature device=" + device_id +
                                ",time=1000,nonce=" + random_nonce() +
                                ",signature=" + std::string(86, 'A') + "==\r\n"}}) {
    CAPTURE(head.what);
    for (const char* target : {"/v1/sync/push", "/v1/sync"}) {
      CAPTURE(target);
      TlsClient client(server.port());
      // Only the head: the server must answer without waiting for the 30 MB.
      REQUIRE(client.send("POST " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" +
                          head.headers + "\r\n"));
      auto reply = client.receive_response(std::chrono::seconds(20));
      CHECK(http_status_of(reply) == 401);
      CHECK(http_body_of(reply).find("\"unauthorized\"") != std::string::npos);
    }
  }
  // A head that checks out is let in: the body is read (and the bad signature refused then).
  TlsClient client(server.port());
  std::string body(100 * 1024, 'x');
  REQUIRE(client.send(
      "POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n" + plausible_authorization(device_id) + "\r\n" + body));
  auto reply = client.receive_response(std::chrono::seconds(20));
  CHECK(http_status_of(reply) == 401);
  CHECK(http_body_of(reply).find("does not verify") != std::string::npos);
}

// Under AddressSanitizer freed memory waits in a quarantine of up to 256 MiB before it is
// reused, which is the sanitizer's memory, not the server's: the server under test runs
// without it, so the bound below measures what the server holds in either build.
class ServerWithoutQuarantine {
 public:
  ServerWithoutQuarantine() {
#if defined(__SANITIZE_ADDRESS__)
    const char* old = std::getenv("ASAN_OPTIONS");
    if (old != nullptr) saved_ = old;
    had_ = old != nullptr;
    std::string options = saved_.empty() ? "" : saved_ + ":";
    setenv("ASAN_OPTIONS",
           (options + "quarantine_size_mb=0:thread_local_quarantine_size_kb=0").c_str(), 1);
#endif
  }
  ~ServerWithoutQuarantine() {
#if defined(__SANITIZE_ADDRESS__)
    if (had_)
      setenv("ASAN_OPTIONS", saved_.c_str(), 1);
    else
      unsetenv("ASAN_OPTIONS");
#endif
  }

 private:
  std::string saved_;
  bool had_ = false;
};

TEST_CASE("64 unauthenticated 30 MB uploads at once leave the server answering, under 150 MB") {
  County county;
  std::optional<LiveServer> started;
  {
    ServerWithoutQuarantine environment;
    started.emplace(county.data);
  }
  LiveServer& server = *started;
  // What the server holds before any upload: under AddressSanitizer its shadow memory and
  // allocator metadata alone are over 100 MB, so the sanitized build bounds the growth.
  REQUIRE(curl(server.url() + "/v1/health", server.certificate()).status == 200);
  long before_kb = peak_resident_kb(server.pid());
  constexpr int kUploads = 64;
  constexpr size_t kBody = 30 * 1024 * 1024;
  const std::string chunk(1024 * 1024, 'x');
  std::vector<std::unique_ptr<TlsClient>> clients;
  for (int i = 0; i < kUploads; ++i) clients.push_back(std::make_unique<TlsClient>(server.port()));
  std::atomic<int> refused{0};
  std::vector<std::thread> uploads;
  for (int i = 0; i < kUploads; ++i)
    uploads.emplace_back([&, i] {
      auto& client = *clients[i];
      const char* target = i % 2 ? "/v1/sync" : "/v1/sync/push";
      if (!client.send("POST " + std::string(target) + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                       std::to_string(kBody) + "\r\n\r\n"))
        return;
      // Stream the body like a client that ignores early answers would, until the server
      // answers or closes.
      for (size_t sent = 0; sent < kBody && !client.readable(); sent += chunk.size())
        if (!client.send(chunk)) break;
      if (http_status_of(client.receive_response(std::chrono::seconds(30))) == 401) ++refused;
    });
  for (auto& upload : uploads) upload.join();
  CHECK(refused == kUploads);
  CHECK(curl(server.url() + "/v1/health", server.certificate()).status == 200);
  long peak_kb = peak_resident_kb(server.pid());
  MESSAGE("server VmHWM after 64 unauthenticated 30 MB uploads: " << peak_kb << " kB");
  CHECK(peak_kb > 0);
  MESSAGE("before the uploads: " << before_kb << " kB");
  CHECK(peak_kb - before_kb < 100 * 1024);
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(peak_kb < 150 * 1024);
#endif
}

TEST_CASE("beyond --max-body-memory a push is answered 503 with Retry-After before its body") {
  County county;
  LiveServer server(county.data, {"--max-body-memory", "40"});
  auto db = county.enrolled_device(server);
  std::string device_id = store::Store::open(db).identity().device_id;
  auto head = [&] {
    return "POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Length: 31457280\r\n" +
           plausible_authorization(device_id) + "\r\n";
  };
  TlsClient first(server.port());
  REQUIRE(first.send(head()));  // admitted: 30 MiB of the 40 are now reserved for it
  auto reserved = [&] {
    auto metrics = curl(server.url() + "/metrics", server.certificate());
    return metrics.body.find("doorstep_request_body_bytes 31457280\n") != std::string::npos;
  };
  REQUIRE(eventually(reserved));
  TlsClient second(server.port());
  REQUIRE(second.send(head()));
  auto reply = second.receive_response(std::chrono::seconds(20));
  CHECK(http_status_of(reply) == 503);
  CHECK(http_header_of(reply, "retry-after") == "1");
  CHECK(http_body_of(reply).find("\"busy\"") != std::string::npos);
  CHECK(curl(server.url() + "/v1/health", server.certificate()).status == 200);
}

TEST_CASE("beyond --max-connections a connection is answered 503 with Retry-After") {
  County county;
  LiveServer server(county.data, {"--max-connections", "2"});
  auto first = std::make_unique<TlsClient>(server.port());
  TlsClient second(server.port());
  auto reply = exchange(server.port(), http_request("GET", "/v1/health"));
  CHECK(http_status_of(reply) == 503);
  CHECK(http_header_of(reply, "retry-after") == "1");
  CHECK(http_body_of(reply).find("\"busy\"") != std::string::npos);
  first.reset();  // one connection fewer: the server serves again
  CHECK(eventually([&] {
    return http_status_of(exchange(
               server.port(), http_request("GET", "/v1/health", "Connection: close\r\n"))) == 200;
  }));
}

TEST_CASE("after a 413 a client dripping bytes is dropped by one deadline, not kept by each byte") {
  County county;
  LiveServer server(county.data, {"--timeout", "2"});
  TlsClient client(server.port());
  REQUIRE(client.send("POST /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"));
  auto start = std::chrono::steady_clock::now();
  std::string reply;
  bool closed = false;
  // One byte every 100 ms, each well within the 2 s the old code waited per read.
  while (!closed && std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
    if (!client.send("x")) break;
    reply += client.receive(std::chrono::milliseconds(100), &closed);
  }
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(http_status_of(reply) == 413);
  CHECK(waited < 20.0);  // the deadline is 2 s; the old code never let go
}

TEST_CASE("HEAD is answered like GET without a body, and a 405 names the allowed methods") {
  County county;
  LiveServer server(county.data);
  auto head = exchange(server.port(), http_request("HEAD", "/v1/health", "Connection: close\r\n"));
  CHECK(http_status_of(head) == 200);
  CHECK(std::stoul(http_header_of(head, "content-length")) > 0);
  CHECK(http_body_of(head).empty());
  auto head_post =
      exchange(server.port(), http_request("HEAD", "/v1/sync", "Connection: close\r\n"));
  CHECK(http_status_of(head_post) == 405);
  CHECK(http_header_of(head_post, "allow") == "POST");
  CHECK(http_body_of(head_post).empty());
  auto wrong = curl(server.url() + "/v1/health", server.certificate(), {"-X", "DELETE", "-i"});
  CHECK(wrong.status == 405);
  CHECK(wrong.body.find("allow: GET, HEAD\r\n") != std::string::npos);
}

TEST_CASE("TLS 1.2 offers only ECDHE with AEAD ciphers, in the server's order") {
  County county;
  LiveServer server(county.data);
  for (const char* cbc : {"ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA",
                          "ECDHE-ECDSA-AES128-SHA", "AES128-SHA256"}) {
    CAPTURE(cbc);
    CHECK_THROWS(TlsClient(server.port(), cbc));
    CHECK(curl(server.url() + "/v1/health", server.certificate(),
               {"--tlsv1.2", "--tls-max", "1.2", "--ciphers", cbc})
              .status == 0);
  }
  for (const char* aead : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                           "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    CAPTURE(aead);
    CHECK(TlsClient(server.port(), aead).cipher() == aead);
  }
  // The client prefers ChaCha20; the server's order (AES-GCM first) decides.
  TlsClient both(server.port(), "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256");
  CHECK(both.cipher() == "ECDHE-ECDSA-AES128-GCM-SHA256");
  auto v13 = curl(server.url() + "/v1/health", server.certificate(), {"--tlsv1.3"});
  CHECK(v13.status == 200);
}

TEST_CASE("a Transfer-Encoding other than exactly chunked is 400, never an undecoded body") {
  County county;
  LiveServer server(county.data);
  for (const char* encoding : {"gzip, chunked", "chunked, gzip", "gzip", "chunked, chunked"}) {
    CAPTURE(encoding);
    auto reply = exchange(server.port(),
                          "POST /v1/enroll HTTP/1.1\r\nHost: x\r\n"
                          "Transfer-Encoding: " +
                              std::string(encoding) + "\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    CHECK(http_status_of(reply) == 400);
    CHECK(http_body_of(reply).find("\"unsupported_transfer_encoding\"") != std::string::npos);
  }
  // Plain chunked still reaches the handler (which finds the token missing).
  auto chunked = exchange(server.port(),
                          "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nConnection: "
                          "close\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "2\r\n{}\r\n0\r\n\r\n");
  CHECK(http_status_of(chunked) == 400);
  CHECK(http_body_of(chunked).find("token") != std::string::npos);
}

TEST_CASE("an enroll name over 64 characters or with control characters is 400 naming it") {
  County county;
  LiveServer server(county.data);
  auto key = crypto::generate_ed25519();
  std::string csr = crypto::make_certificate_request(key.get(), "Li Wei");
  std::string token = county.token();
  auto enroll = [&](const json& name) {
    json body = {{"token", token}, {"request", csr}, {"name", name}};
    write_file(county.dir / "enroll.json", body.dump());
    return curl(server.url() + "/v1/enroll", server.certificate(),
                {"-X", "POST", "--data-binary", "@" + (county.dir / "enroll.json").string()});
  };
  std::string wang;
  for (int i = 0; i < 65; ++i) wang += "王";
  for (const json& name : {json(std::string(65, 'a')), json(wang), json(std::string("Li\0Wei", 6)),
                           json("Li\nWei"), json("Li\x1b[31mWei"), json(42)}) {
    CAPTURE(name.dump());
    auto refused = enroll(name);
    CHECK(refused.status == 400);
    CHECK(refused.json()["error"]["code"] == "invalid_argument");
    CHECK(refused.json()["error"]["message"].get<std::string>().find("\"name\"") !=
          std::string::npos);
  }
  // Nothing was spent: the token still enrolls, with a name of 64 characters.
  auto accepted = enroll(wang.substr(3));
  REQUIRE(accepted.status == 200);
  auto certificate =
      crypto::Certificate::from_pem(accepted.json()["device_certificate"].get<std::string>());
  CHECK(certificate.common_name() == wang.substr(3));
}

TEST_CASE("serve refuses a --max-connections or --max-body-memory out of range") {
  County county;
  for (auto [option, value] : {std::pair{"--max-connections", "0"},
                               {"--max-connections", "lots"},
                               {"--max-body-memory", "0"},
                               {"--max-body-memory", "70000"}}) {
    CAPTURE(option);
    CAPTURE(value);
    auto refused =
        run_process(server_path(), {"serve", "--data", county.data.string(), option, value});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find(option) != std::string::npos);
  }
}
