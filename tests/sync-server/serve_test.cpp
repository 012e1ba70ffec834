// `doorstep-server serve` as a client meets it: a real server process on a loopback port,
// real TLS, curl and openssl as outside clients.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep::test;

namespace {

std::filesystem::path county_folder(const TempDir& dir) {
  auto data = dir / "county";
  auto init = run_process(server_path(), {"init", "--data", data.string(), "--county", "640323",
                                          "--name", "Yanchi", "--demo"});
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  return data;
}

// Sends raw bytes over TLS with openssl s_client and returns what came back.
std::string raw_tls_exchange(int port, const std::string& bytes) {
  auto result = run_process(
      "/usr/bin/openssl",
      {"s_client", "-quiet", "-ign_eof", "-connect", "127.0.0.1:" + std::to_string(port)}, bytes);
  return result.out;
}

}  // namespace

TEST_CASE("the server answers GET /v1/health over TLS with its version") {
  TempDir dir;
  LiveServer server(county_folder(dir));
  auto health = curl(server.url() + "/v1/health", server.certificate());
  REQUIRE(health.status == 200);
  CHECK(health.json()["status"] == "ok");
  CHECK(health.json()["version"].is_string());
}

TEST_CASE("the server refuses TLS older than 1.2 and accepts 1.2 and 1.3") {
  TempDir dir;
  LiveServer server(county_folder(dir));
  auto old = curl(server.url() + "/v1/health", server.certificate(), {"--tls-max", "1.1"});
  CHECK(old.status == 0);
  auto v12 =
      curl(server.url() + "/v1/health", server.certificate(), {"--tlsv1.2", "--tls-max", "1.2"});
  CHECK(v12.status == 200);
  auto v13 = curl(server.url() + "/v1/health", server.certificate(), {"--tlsv1.3"});
  CHECK(v13.status == 200);
}

TEST_CASE("unknown endpoints and wrong methods are answered 404 and 405 with a JSON error") {
  TempDir dir;
  LiveServer server(county_folder(dir));
  auto missing = curl(server.url() + "/v1/nothing-here", server.certificate());
  CHECK(missing.status == 404);
  CHECK(missing.json()["error"]["code"] == "no_such_endpoint");
  CHECK(missing.json()["error"]["message"].get<std::string>().find("/v1/nothing-here") !=
        std::string::npos);
  auto wrong = curl(server.url() + "/v1/health", server.certificate(), {"-X", "DELETE"});
  CHECK(wrong.status == 405);
  CHECK(wrong.json()["error"]["code"] == "method_not_allowed");
}

TEST_CASE("an oversized body is refused with 413 JSON and the server keeps serving") {
  TempDir dir;
  auto data = county_folder(dir);
  LiveServer server(data);
  write_file(dir / "big.bin", std::string(5 * 1024 * 1024, 'x'));
  auto big = curl(server.url() + "/v1/health", server.certificate(),
                  {"-X", "POST", "--data-binary", "@" + (dir / "big.bin").string()});
  CHECK(big.status == 413);
  CHECK(big.json()["error"]["code"] == "body_too_large");
  // Chunked: no Content-Length to refuse up front, so the limit stops the read.
  auto chunked = curl(server.url() + "/v1/health", server.certificate(),
                      {"-X", "POST", "-H", "Transfer-Encoding: chunked", "--data-binary",
                       "@" + (dir / "big.bin").string()});
  CHECK(chunked.status == 413);
  CHECK(chunked.json()["error"]["code"] == "body_too_large");
  CHECK(curl(server.url() + "/v1/health", server.certificate()).status == 200);
}

TEST_CASE("malformed HTTP is answered 400 with a JSON error, then the connection closes") {
  TempDir dir;
  LiveServer server(county_folder(dir));
  auto reply = raw_tls_exchange(server.port(), "THIS IS NOT HTTP\r\n\r\n");
  CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(reply.find("\"malformed_http\"") != std::string::npos);
  auto huge_header = raw_tls_exchange(
      server.port(), "GET /v1/health HTTP/1.1\r\nX-Pad: " + std::string(40000, 'a') + "\r\n\r\n");
  CHECK(huge_header.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(huge_header.find("\"headers_too_large\"") != std::string::npos);
  auto bad_target = curl(server.url() + "/v1/%zz", server.certificate());
  CHECK(bad_target.status == 400);
  CHECK(bad_target.json()["error"]["code"] == "bad_target");
  CHECK(curl(server.url() + "/v1/health", server.certificate()).status == 200);
}

TEST_CASE("GET /metrics counts requests by route and status in Prometheus text") {
  TempDir dir;
  LiveServer server(county_folder(dir));
  for (int i = 0; i < 3; ++i) curl(server.url() + "/v1/health", server.certificate());
  curl(server.url() + "/v1/nope", server.certificate());
  auto metrics = curl(server.url() + "/metrics", server.certificate());
  REQUIRE(metrics.status == 200);
  CHECK(
      metrics.body.find("doorstep_http_requests_total{route=\"/v1/health\",status=\"200\"} 3\n") !=
      std::string::npos);
  CHECK(metrics.body.find("doorstep_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n") !=
        std::string::npos);
  CHECK(metrics.body.find("# TYPE doorstep_sync_duration_seconds histogram") != std::string::npos);
  CHECK(metrics.body.find("doorstep_changes_ingested_total 0") != std::string::npos);
}

TEST_CASE("every request is logged as one JSON line") {
  TempDir dir;
  LiveServer server(county_folder(dir));
  curl(server.url() + "/v1/health", server.certificate());
  curl(server.url() + "/v1/nope", server.certificate());
  CHECK(server.stop(SIGTERM) == 0);
  int requests = 0;
  std::istringstream lines(server.log());
  for (std::string line; std::getline(lines, line);) {
    auto entry = nlohmann::json::parse(line);  // every line is JSON
    CHECK(entry.contains("ts"));
    if (entry["event"] != "request") continue;
    ++requests;
    CHECK(entry["method"] == "GET");
    CHECK(entry["status"].is_number());
    CHECK(entry["ms"].is_number());
  }
  CHECK(requests == 2);
}

TEST_CASE("a client that connects and sends nothing is disconnected after the timeout") {
  TempDir dir;
  LiveServer server(county_folder(dir), {"--timeout", "1"});
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(server.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  auto start = std::chrono::steady_clock::now();
  char byte;
  ssize_t n = ::read(fd, &byte, 1);  // blocks until the server gives up on us
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  CHECK(n <= 0);
  CHECK(waited < 5.0);
  CHECK(curl(server.url() + "/v1/health", server.certificate()).status == 200);
}

TEST_CASE("SIGTERM and SIGINT stop the server cleanly with exit code 0") {
  TempDir dir;
  auto data = county_folder(dir);
  {
    LiveServer server(data);
    CHECK(server.stop(SIGTERM) == 0);
    CHECK(server.log().find("\"event\":\"stopped\"") != std::string::npos);
  }
  LiveServer again(data);
  CHECK(again.stop(SIGINT) == 0);
}

TEST_CASE("serve refuses a missing county folder and a bad --listen") {
  TempDir dir;
  auto missing = run_process(server_path(), {"serve", "--data", (dir / "nope").string()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("no county") != std::string::npos);
  auto data = county_folder(dir);
  auto bad = run_process(server_path(), {"serve", "--data", data.string(), "--listen", "nope"});
  CHECK(bad.exit_code == 2);
  auto bad_host =
      run_process(server_path(), {"serve", "--data", data.string(), "--listen", "banana:80"});
  CHECK(bad_host.exit_code == 1);
  CHECK(bad_host.err.find("banana") != std::string::npos);
  auto no_workers =
      run_process(server_path(), {"serve", "--data", data.string(), "--workers", "0"});
  CHECK(no_workers.exit_code == 2);
  CHECK(no_workers.err.find("--workers") != std::string::npos);
}

TEST_CASE("--workers sets the request workers; the server serves with one") {
  TempDir dir;
  LiveServer server(county_folder(dir), {"--workers", "1"});
  auto health = curl(server.url() + "/v1/health", server.certificate());
  CHECK(health.status == 200);
  CHECK(server.stop(SIGTERM) == 0);
}
