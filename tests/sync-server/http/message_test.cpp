// HttpRequest target parsing and the error body shape.
#include <doctest/doctest.h>

#include "http/message.h"

using namespace doorstep::server;

TEST_CASE("a target splits into a decoded path and decoded query parameters") {
  HttpRequest r;
  r.target = "/v1/households?grid=640323.101&level=red&name=%E7%8E%8B+%E4%BA%94&flag";
  REQUIRE(r.parse_target());
  CHECK(r.path == "/v1/households");
  CHECK(r.query.at("grid") == "640323.101");
  CHECK(r.query.at("level") == "red");
  CHECK(r.query.at("name") == "王 五");
  CHECK(r.query.at("flag").empty());
}

TEST_CASE("error_response has the shape {error: {code, message}}") {
  auto response = error_response(403, "out_of_scope", "grid 640323.101.200.08 is not yours");
  CHECK(response.status == 403);
  CHECK(response.content_type == "application/json");
  auto body = nlohmann::json::parse(response.body);
  CHECK(body == nlohmann::json{{"error",
                                {{"code", "out_of_scope"},
                                 {"message", "grid 640323.101.200.08 is not yours"}}}});
}
