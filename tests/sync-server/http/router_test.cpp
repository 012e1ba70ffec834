// The request handler as a plain function: routing, path parameters, body limits and the
// JSON error for every kind of failure, without a socket.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "http/router.h"

using namespace doorstep;
using namespace doorstep::server;

namespace {

HttpRequest request(const std::string& method, const std::string& target,
                    const std::string& body = "") {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  return r;
}

nlohmann::json error_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body)["error"];
}

}  // namespace

TEST_CASE("a route with a {param} segment captures it and names the route in the response") {
  Router router;
  router.add("GET", "/v1/households/{id}", [](const HttpRequest& r, const PathParams& p) {
    return HttpResponse::json(200, {{"id", p.at("id")}, {"level", r.query.at("level")}});
  });
  auto req = request("GET", "/v1/households/h%2D42?level=red");
  auto response = router.handle(req);
  CHECK(response.status == 200);
  CHECK(response.route == "/v1/households/{id}");
  auto body = nlohmann::json::parse(response.body);
  CHECK(body["id"] == "h-42");
  CHECK(body["level"] == "red");
}

TEST_CASE("no route is 404, a route with another method is 405, both as JSON errors") {
  Router router;
  router.add("GET", "/v1/health",
             [](const HttpRequest&, const PathParams&) { return HttpResponse::json(200, {}); });
  auto missing_req = request("GET", "/v1/other");
  auto missing = router.handle(missing_req);
  CHECK(missing.status == 404);
  CHECK(error_of(missing)["code"] == "no_such_endpoint");
  auto wrong_req = request("PUT", "/v1/health");
  auto wrong = router.handle(wrong_req);
  CHECK(wrong.status == 405);
  CHECK(error_of(wrong)["code"] == "method_not_allowed");
  auto empty_param_req = request("GET", "/v1/health/");
  CHECK(router.handle(empty_param_req).status == 404);
}

TEST_CASE("each route has its own body limit, and a larger body is 413") {
  Router router;
  auto echo = [](const HttpRequest& r, const PathParams&) {
    return HttpResponse::json(200, {{"size", r.body.size()}});
  };
  router.add("POST", "/small", echo, 10);
  router.add("POST", "/large", echo, 1000);
  CHECK(router.body_limit("POST", "/small") == 10);
  CHECK(router.body_limit("POST", "/large?x=1") == 1000);
  CHECK(router.body_limit("POST", "/unknown") == Router::kDefaultBodyLimit);
  auto too_big = request("POST", "/small", std::string(11, 'x'));
  auto response = router.handle(too_big);
  CHECK(response.status == 413);
  CHECK(error_of(response)["code"] == "body_too_large");
  auto fits = request("POST", "/large", std::string(11, 'x'));
  CHECK(router.handle(fits).status == 200);
}

TEST_CASE("errors thrown by handlers become JSON errors with the status their code implies") {
  struct Case {
    ErrorCode code;
    int status;
    const char* name;
  };
  for (auto c :
       {Case{ErrorCode::InvalidArgument, 400, "invalid_argument"},
        Case{ErrorCode::Unauthorized, 401, "unauthorized"},
        Case{ErrorCode::OutOfScope, 403, "out_of_scope"},
        Case{ErrorCode::NotFound, 404, "not_found"}, Case{ErrorCode::Conflict, 409, "conflict"},
        Case{ErrorCode::Busy, 503, "busy"}, Case{ErrorCode::Internal, 500, "internal"}}) {
    CAPTURE(c.name);
    Router router;
    router.add("GET", "/fail", [c](const HttpRequest&, const PathParams&) -> HttpResponse {
      throw Error(c.code, "what went wrong");
    });
    auto req = request("GET", "/fail");
    auto response = router.handle(req);
    CHECK(response.status == c.status);
    CHECK(error_of(response)["code"] == c.name);
    CHECK(error_of(response)["message"] == "what went wrong");
    CHECK(response.route == "/fail");
  }
}

TEST_CASE("bad JSON in a handler is 400 malformed_json, an unexpected exception 500") {
  Router router;
  router.add("POST", "/json", [](const HttpRequest& r, const PathParams&) {
    return HttpResponse::json(200, nlohmann::json::parse(r.body));
  });
  router.add("GET", "/boom", [](const HttpRequest&, const PathParams&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  auto bad_req = request("POST", "/json", "{\"a\": ");
  auto bad = router.handle(bad_req);
  CHECK(bad.status == 400);
  CHECK(error_of(bad)["code"] == "malformed_json");
  auto boom_req = request("GET", "/boom");
  auto boom = router.handle(boom_req);
  CHECK(boom.status == 500);
  CHECK(error_of(boom)["code"] == "internal");
}

TEST_CASE("a target with a broken percent escape or no leading slash is 400 bad_target") {
  Router router;
  for (const char* target : {"/v1/%zz", "/v1/%4", "no-slash", "/v1/x?a=%"}) {
    CAPTURE(target);
    auto req = request("GET", target);
    auto response = router.handle(req);
    CHECK(response.status == 400);
    CHECK(error_of(response)["code"] == "bad_target");
  }
}
