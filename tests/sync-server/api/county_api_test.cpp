// The production router of a county folder, in-process: raw request bytes (as a client
// sends them) through parse_http_request() and CountyApi's router, as a fuzz target drives
// it. Whatever the bytes, the answer is a JSON error or a success, never an exception.
#include <doctest/doctest.h>

#include "api/county_api.h"
#include "http/request_parser.h"
#include "tests/support/test_support.h"

using namespace doorstep;
using namespace doorstep::server;
using namespace doorstep::test;

namespace {

std::filesystem::path county_folder(const TempDir& dir) {
  auto data = dir / "county";
  auto init = run_process(server_path(), {"init", "--data", data.string(), "--county", "640323",
                                          "--name", "Yanchi", "--demo"});
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  return data;
}

HttpResponse answer(const CountyApi& api, const std::string& bytes) {
  auto parsed = parse_http_request(bytes, api.router());
  return parsed.request ? api.router().handle(*parsed.request) : *parsed.refusal;
}

std::string request(const std::string& method, const std::string& target,
                    const std::string& headers = "", const std::string& body = "") {
  return method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("the county's router answers invalid UTF-8 in every part of a request with JSON") {
  TempDir dir;
  CountyApi api(county_folder(dir), std::string(64, '0'));
  const std::string bad = "\xff\xc0\x80";
  for (const auto& bytes : {
           request("GET", "/v1/%ff"),
           request("GET", "/v1/" + bad),
           request("GET", "/v1/households?grid=%ff&" + bad + "=1"),
           request("GET", "/v1/%zz" + bad),
           request("PATCH", "/v1/enroll" + bad),
           request("POST", "/v1/enroll", "", "{\"token\": \"" + bad + "\"}"),
           request("POST", "/v1/enroll", "", "{\"token\": \"T\", \"request\": \"" + bad + "\"}"),
           request("POST", "/v1/enroll", "", bad),
           request("GET", "/v1/households", "Authorization: Doorstep-Signature " + bad + "\r\n"),
           request("GET", "/v1/households/%ff",
                   "Authorization: Doorstep-Signature device=" + bad + "\r\n"),
           request("POST", "/v1/sync/pull",
                   "X-Doorstep-Certificate: " + bad +
                       "\r\nAuthorization: Doorstep-Signature time=1,nonce=" +
                       std::string(32, '0') + ",signature=" + std::string(88, 'A') + "\r\n",
                   bad),
       }) {
    CAPTURE(bytes.substr(0, 80));
    auto response = answer(api, bytes);
    CHECK(response.status >= 400);
    CHECK(response.status < 500);
    auto body = nlohmann::json::parse(response.body);
    CHECK(body["error"]["code"].is_string());
    CHECK(body["error"]["message"].is_string());
  }
  CHECK(answer(api, request("GET", "/v1/health")).status == 200);
}
