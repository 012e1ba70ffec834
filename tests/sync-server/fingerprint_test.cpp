// `doorstep-server fingerprint`: the SHA-256 of the server certificate, as openssl computes it.
#include <doctest/doctest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep::test;

namespace {

// openssl's "sha256 Fingerprint=AB:CD:..." as lower-case hex without colons.
std::string openssl_fingerprint(const std::filesystem::path& cert) {
  auto result = run_process("/usr/bin/openssl",
                            {"x509", "-in", cert.string(), "-noout", "-fingerprint", "-sha256"});
  auto text = result.out.substr(result.out.find('=') + 1);
  std::string hex;
  for (char c : text)
    if (std::isxdigit(static_cast<unsigned char>(c)))
      hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return hex;
}

}  // namespace

TEST_CASE("fingerprint prints the SHA-256 of the server certificate, made once and kept") {
  TempDir dir;
  auto data = dir / "county";
  std::filesystem::create_directories(data);
  auto first = run_process(server_path(), {"fingerprint", "--data", data.string()});
  REQUIRE(first.exit_code == 0);
  auto cert = data / "tls" / "server.crt";
  CHECK(first.out == openssl_fingerprint(cert) + "\n");
  CHECK((std::filesystem::status(data / "tls" / "server.key").permissions() &
         std::filesystem::perms::others_read) == std::filesystem::perms::none);
  auto second = run_process(server_path(), {"fingerprint", "--data", data.string(), "--json"});
  REQUIRE(second.exit_code == 0);
  auto json = nlohmann::json::parse(second.out);
  CHECK(json["fingerprint"].get<std::string>() + "\n" == first.out);
  CHECK(json["algorithm"] == "sha256");
}

TEST_CASE("the fingerprint a server prints is the one of the certificate it presents") {
  TempDir dir;
  auto data = dir / "county";
  auto init = run_process(
      server_path(), {"init", "--data", data.string(), "--county", "640323", "--name", "Yanchi"});
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  LiveServer server(data);
  auto presented =
      run_process("/usr/bin/openssl",
                  {"s_client", "-connect", "127.0.0.1:" + std::to_string(server.port())}, "");
  write_file(dir / "presented.pem", presented.out);
  CHECK(openssl_fingerprint(dir / "presented.pem") == server.fingerprint());
  auto printed = run_process(server_path(), {"fingerprint", "--data", data.string()});
  CHECK(printed.out == server.fingerprint() + "\n");
}

TEST_CASE("fingerprint of a missing folder or a non-certificate fails with a message") {
  TempDir dir;
  auto missing = run_process(server_path(), {"fingerprint", "--data", (dir / "nope").string()});
  CHECK(missing.exit_code == 1);
  write_file(dir / "junk.pem", "not a certificate");
  auto junk = run_process(server_path(), {"fingerprint", "--cert", (dir / "junk.pem").string()});
  CHECK(junk.exit_code == 1);
  CHECK(junk.err.find("not a PEM certificate") != std::string::npos);
}
