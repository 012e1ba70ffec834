// The request handler as a plain function: routing, path parameters, body limits and the
// JSON error for every kind of failure, without a socket.
#include <doctest/doctest.h>

#include <tuple>

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

TEST_CASE("an error message holding invalid UTF-8 is still answered as a JSON error") {
  Router router;
  router.add("GET", "/v1/things/{id}", [](const HttpRequest&, const PathParams& p) -> HttpResponse {
    throw Error(ErrorCode::NotFound, "unknown thing '" + p.at("id") + "'");
  });
  router.add("POST", "/json", [](const HttpRequest& r, const PathParams&) {
    return HttpResponse::json(200, nlohmann::json::parse(r.body));
  });
  for (auto [method, target, body] :
       {std::tuple<const char*, const char*, const char*>{"GET", "/v1/things/%ff%fe", ""},
        {"GET", "/v1/\xff", ""},
        {"DELETE", "/v1/things/\xff", ""},
        {"GET", "/v1/%zz\xff", ""},
        {"POST", "/json", "{\"a\": \"\xff\"}"},
        {"POST", "/json", "\xff"}}) {
    CAPTURE(target);
    auto req = request(method, target, body);
    auto response = router.handle(req);
    CHECK(response.status >= 400);
    CHECK(response.status < 500);
    CHECK(error_of(response)["code"].is_string());
    CHECK(error_of(response)["message"].is_string());
  }
}

TEST_CASE("a handler that throws something unexpected still gets a 500 JSON answer") {
  Router router;
  router.add("GET", "/int",
             [](const HttpRequest&, const PathParams&) -> HttpResponse { throw 42; });
  router.add("GET", "/bad-extra", [](const HttpRequest&, const PathParams&) -> HttpResponse {
    throw HttpError(400, "x", "bad \xff", {{"detail", "\xfe"}});
  });
  auto int_req = request("GET", "/int");
  auto thrown = router.handle(int_req);
  CHECK(thrown.status == 500);
  CHECK(error_of(thrown)["code"] == "internal");
  auto extra_req = request("GET", "/bad-extra");
  auto extra = router.handle(extra_req);
  CHECK(extra.status == 400);
  CHECK(nlohmann::json::parse(extra.body)["detail"].is_string());
  CHECK(nlohmann::json::parse(last_resort_response().body)["error"]["code"] == "internal");
}

TEST_CASE("HEAD is answered as GET with the GET answer's length and no body") {
  Router router;
  router.add("GET", "/v1/health", [](const HttpRequest&, const PathParams&) {
    return HttpResponse::json(200, {{"status", "ok"}});
  });
  auto get_req = request("GET", "/v1/health");
  auto get = router.handle(get_req);
  auto head_req = request("HEAD", "/v1/health");
  auto head = router.handle(head_req);
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  REQUIRE(head.head_content_length.has_value());
  CHECK(*head.head_content_length == get.body.size());
  auto missing_req = request("HEAD", "/v1/nothing");
  auto missing = router.handle(missing_req);
  CHECK(missing.status == 404);
  CHECK(missing.body.empty());
}

TEST_CASE("a 405 carries an Allow header with the methods of that path") {
  Router router;
  auto ok = [](const HttpRequest&, const PathParams&) { return HttpResponse::json(200, {}); };
  router.add("GET", "/v1/things", ok);
  router.add("POST", "/v1/things", ok);
  router.add("POST", "/v1/sync", ok);
  auto put_req = request("PUT", "/v1/things");
  auto put = router.handle(put_req);
  CHECK(put.status == 405);
  CHECK(put.headers.at("allow") == "GET, HEAD, POST");
  auto head_req = request("HEAD", "/v1/sync");
  auto head = router.handle(head_req);
  CHECK(head.status == 405);
  CHECK(head.headers.at("allow") == "POST");
  CHECK(head.body.empty());
}

TEST_CASE("admit refuses a body beyond 64 KiB unless the route's admission check passes") {
  Router router;
  auto ok = [](const HttpRequest&, const PathParams&) { return HttpResponse::json(200, {}); };
  int checks = 0;
  router.add("POST", "/v1/sync/push", ok, 32 * 1024 * 1024, [&](const HttpRequest& head) {
    ++checks;
    if (head.header("authorization") != "good") throw HttpError(401, "unauthorized", "no");
  });
  router.add("POST", "/v1/enroll", ok);
  CHECK_THROWS_AS(router.add("POST", "/big", ok, 1024 * 1024), std::logic_error);
  HttpRequest head = request("POST", "/v1/sync/push");
  // Small bodies need no check (the handler authenticates them whole).
  auto small = router.admit(head, 1000);
  CHECK(!small.refusal);
  CHECK(checks == 0);
  auto large = router.admit(head, 30 * 1024 * 1024);
  REQUIRE(large.refusal);
  CHECK(large.refusal->status == 401);
  auto chunked = router.admit(head, std::nullopt);
  REQUIRE(chunked.refusal);
  CHECK(chunked.refusal->status == 401);
  head.headers["authorization"] = "good";
  auto admitted = router.admit(head, 30 * 1024 * 1024);
  CHECK(!admitted.refusal);
  CHECK(admitted.body_limit == 32 * 1024 * 1024);
  CHECK(checks == 3);
  auto too_large = router.admit(head, 33 * 1024 * 1024);
  REQUIRE(too_large.refusal);
  CHECK(too_large.refusal->status == 413);
  HttpRequest enroll = request("POST", "/v1/enroll");
  CHECK(router.admit(enroll, 70 * 1024).refusal->status == 413);
  CHECK(router.admit(enroll, std::nullopt).body_limit == Router::kDefaultBodyLimit);
}

TEST_CASE("admit refuses any Transfer-Encoding but exactly chunked") {
  Router router;
  router.add("POST", "/v1/enroll",
             [](const HttpRequest&, const PathParams&) { return HttpResponse::json(200, {}); });
  for (const char* encoding : {"gzip, chunked", "chunked, gzip", "gzip", "identity"}) {
    CAPTURE(encoding);
    HttpRequest head = request("POST", "/v1/enroll");
    head.headers["transfer-encoding"] = encoding;
    auto admission = router.admit(head, std::nullopt);
    REQUIRE(admission.refusal);
    CHECK(admission.refusal->status == 400);
    CHECK(error_of(*admission.refusal)["code"] == "unsupported_transfer_encoding");
  }
  HttpRequest chunked = request("POST", "/v1/enroll");
  chunked.headers["transfer-encoding"] = "Chunked";
  CHECK(!router.admit(chunked, std::nullopt).refusal);
}
