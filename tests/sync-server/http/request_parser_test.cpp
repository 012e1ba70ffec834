// parse_http_request: raw request bytes read as the transport reads them, without a socket.
#include <doctest/doctest.h>

#include "http/request_parser.h"
#include "http/router.h"

using namespace doorstep::server;

namespace {

Router echo_router() {
  Router router;
  router.add("POST", "/v1/echo", [](const HttpRequest& r, const PathParams&) {
    return HttpResponse::json(200, {{"body", r.body}});
  });
  return router;
}

}  // namespace

TEST_CASE("raw bytes become a request with lower-case headers and the decoded body") {
  auto router = echo_router();
  auto parsed = parse_http_request(
      "POST /v1/echo?x=1 HTTP/1.1\r\nHost: a\r\nX-Thing: 1\r\nX-Thing: 2\r\n"
      "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
      router);
  REQUIRE(parsed.request);
  CHECK(parsed.request->method == "POST");
  CHECK(parsed.request->target == "/v1/echo?x=1");
  CHECK(parsed.request->header("x-thing") == "1, 2");
  CHECK(parsed.request->body == "abcde");
  CHECK(router.handle(*parsed.request).status == 200);
}

TEST_CASE("malformed, incomplete or oversized raw requests are refused as the transport would") {
  auto router = echo_router();
  struct Case {
    std::string bytes;
    int status;
  };
  for (const auto& c : std::vector<Case>{
           {"THIS IS NOT HTTP\r\n\r\n", 400},
           {"POST /v1/echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 400},
           {"GET /v1/echo HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n", 431},
           {"POST /v1/echo HTTP/1.1\r\nContent-Length: 70000\r\n\r\n", 413},
           {"POST /v1/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n11000\r\n" +
                std::string(0x11000, 'x') + "\r\n0\r\n\r\n",
            413},
           {"POST /v1/echo HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400},
           {"POST /v1/echo HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400},
           {"", 400}}) {
    CAPTURE(c.bytes.substr(0, 60));
    auto parsed = parse_http_request(c.bytes, router);
    CHECK(!parsed.request);
    REQUIRE(parsed.refusal);
    CHECK(parsed.refusal->status == c.status);
    CHECK(nlohmann::json::parse(parsed.refusal->body)["error"]["code"].is_string());
  }
}
