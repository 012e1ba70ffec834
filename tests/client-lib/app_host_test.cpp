// `doorstep app` as a local host: only this machine, only the page that was given the
// one-time secret, only requests naming this host, and no request however malformed stops it.
// Real processes over real sockets.
#include <doctest/doctest.h>

#include <signal.h>

#include <fstream>
#include <regex>
#include <thread>

#include "tests/client-lib/app_helpers.h"
#include "tests/support/test_support.h"

using namespace doorstep::test;
using nlohmann::json;

TEST_CASE(
    "doorstep app prints its URL with a one-time secret first, and the secret opens one session") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  CHECK(app.output().rfind(app.url() + "\n", 0) == 0);

  auto first =
      http_request(app.port(), "POST", "/app/session", {}, json{{"secret", app.secret()}}.dump());
  REQUIRE(first.status == 200);
  std::string cookie = first.header("set-cookie");
  CHECK(cookie.find("ds_session_" + std::to_string(app.port()) + "=") == 0);
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(first.json()["csrf"].get<std::string>().size() == 64);

  // Spent: the same link opens nothing a second time, nor does a guess.
  auto again =
      http_request(app.port(), "POST", "/app/session", {}, json{{"secret", app.secret()}}.dump());
  CHECK(again.status == 403);
  CHECK(again.header("set-cookie").empty());
  CHECK(again.json()["error"]["message"].get<std::string>().find("used already") !=
        std::string::npos);
  auto guess = http_request(app.port(), "POST", "/app/session", {},
                            json{{"secret", std::string(64, '0')}}.dump());
  CHECK(guess.status == 403);

  // The page reloaded keeps its cookie and asks for its token again.
  std::string pair = cookie.substr(0, cookie.find(';'));
  auto token = http_request(app.port(), "GET", "/app/session", {{"Cookie", pair}});
  CHECK(token.status == 200);
  CHECK(token.json()["csrf"] == first.json()["csrf"]);
  CHECK(http_request(app.port(), "GET", "/app/session").status == 401);
  // Ctrl-C or SIGTERM stops it cleanly.
  CHECK(app.stop(SIGTERM) == 0);
}

TEST_CASE("every bridge call needs the session and its CSRF token") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);

  auto bare = http_request(app.port(), "POST", "/bridge/version", {}, "{}");
  CHECK(bare.status == 401);
  CHECK(bare.json()["error"]["code_name"] == "no_session");

  auto cookie_only =
      http_request(app.port(), "POST", "/bridge/version", {{"Cookie", page.cookie()}}, "{}");
  CHECK(cookie_only.status == 403);
  CHECK(cookie_only.json()["error"]["code_name"] == "bad_csrf_token");

  auto wrong_token = http_request(app.port(), "POST", "/bridge/version",
                                  {{"Cookie", page.cookie()}, {"X-Doorstep-CSRF", "0"}}, "{}");
  CHECK(wrong_token.status == 403);

  auto token_only =
      http_request(app.port(), "POST", "/bridge/version", {{"X-Doorstep-CSRF", page.csrf()}}, "{}");
  CHECK(token_only.status == 401);

  auto both = page.call("version");
  CHECK(both.status == 200);
  CHECK(both.json()["version"].is_string());

  // Uploads need both too; a device file needs the session.
  auto upload = http_request(app.port(), "POST", "/app/files?name=x.jpg",
                             {{"Cookie", page.cookie()}}, "jpeg bytes");
  CHECK(upload.status == 403);
  CHECK(http_request(app.port(), "GET", "/app/host").status == 401);
  CHECK(http_request(app.port(), "GET", "/app/host", {{"Cookie", page.cookie()}}).status == 200);
}

TEST_CASE("a request naming another host is refused: DNS rebinding finds nothing") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  std::string port = std::to_string(app.port());

  std::vector<std::string> hosts = {
      "evil.example:" + port,
      "evil.example",
      "127.0.0.1",
      "127.0.0.1:" + std::to_string(app.port() == 1 ? 2 : app.port() - 1),
      "192.168.1.20:" + port,
      ""};
  for (const auto& host : hosts) {
    CAPTURE(host);
    auto headers = page.session_headers();
    headers.push_back({"Host", host});
    auto call = http_request(app.port(), "POST", "/bridge/version", headers, "{}");
    CHECK(call.status == 403);
    CHECK(call.json()["error"]["code_name"] == "forbidden_origin");
    auto page_load = http_request(app.port(), "GET", "/", {{"Host", host}});
    CHECK(page_load.status == 403);
    CHECK(page_load.body.find("<script") == std::string::npos);
  }
  CHECK(http_request(app.port(), "GET", "/", {{"Host", "localhost:" + port}}).status == 200);

  // A page of another origin, even on this machine, is refused by its Origin.
  for (std::string origin : {"http://evil.example", "http://127.0.0.1:1", "null"}) {
    CAPTURE(origin);
    auto headers = page.session_headers();
    headers.push_back({"Origin", origin});
    CHECK(http_request(app.port(), "POST", "/bridge/version", headers, "{}").status == 403);
  }
  auto same = page.session_headers();
  same.push_back({"Origin", "http://127.0.0.1:" + port});
  CHECK(http_request(app.port(), "POST", "/bridge/version", same, "{}").status == 200);
  auto fetch_site = page.session_headers();
  fetch_site.push_back({"Sec-Fetch-Site", "cross-site"});
  CHECK(http_request(app.port(), "POST", "/bridge/version", fetch_site, "{}").status == 403);
}

TEST_CASE("the host sends no CORS header and a strict CSP, and its pages have no inline script") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  auto origin_headers = page.session_headers();
  origin_headers.push_back({"Origin", "http://evil.example"});
  std::vector<HttpReply> replies = {
      http_request(app.port(), "GET", "/"),
      http_request(app.port(), "GET", "/js/main.js"),
      http_request(app.port(), "OPTIONS", "/bridge/version",
                   {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "POST"}}),
      http_request(app.port(), "POST", "/bridge/version", origin_headers, "{}"),
      page.call("version"),
  };
  for (const auto& reply : replies) {
    CAPTURE(reply.status);
    for (const auto& [name, value] : reply.headers) CHECK(name.rfind("access-control-", 0) != 0);
    std::string csp = reply.header("content-security-policy");
    CHECK(csp.find("script-src 'self'") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(csp.find("unsafe-eval") == std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(reply.header("x-content-type-options") == "nosniff");
  }
  CHECK(replies[0].header("content-type") == "text/html; charset=utf-8");
  CHECK(replies[1].header("content-type") == "text/javascript; charset=utf-8");
  CHECK(replies[2].status == 403);  // a preflight from elsewhere: refused, not answered

  // Every page of the app loads its scripts from files: no inline script, no on* handler.
  std::regex inline_script(R"(<script(?![^>]*\bsrc=)[^>]*>)", std::regex::icase);
  std::regex handler(R"(<[^>]+\son[a-z]+\s*=)", std::regex::icase);
  int pages = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(source_dir() / "client-lib" / "app" / "web")) {
    if (entry.path().extension() != ".html") continue;
    ++pages;
    std::string html = read_file(entry.path());
    CAPTURE(entry.path());
    CHECK_FALSE(std::regex_search(html, inline_script));
    CHECK_FALSE(std::regex_search(html, handler));
  }
  CHECK(pages >= 1);
}

TEST_CASE("doorstep app refuses to listen anywhere but on loopback") {
  TempDir dir;
  for (std::string listen : {"0.0.0.0:0", "192.168.1.20:8080", "[::]:80", "example.org:80",
                             "127.0.0.1", "127.0.0.1:99999", "127.0.0.1:http"}) {
    CAPTURE(listen);
    auto result = run_cli({"app", "--db", (dir / "phone.db").string(), "--listen", listen});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--listen '" + listen + "'") != std::string::npos);
    CHECK(result.out.empty());
  }
}

TEST_CASE("malformed and oversized requests are answered, and the host keeps serving") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  AppClient page(app);
  std::string host = "Host: 127.0.0.1:" + std::to_string(app.port()) + "\r\n";

  auto garbage = parse_reply(raw_http(app.port(), "\x16\x03\x01 not http at all\r\n\r\n"));
  CHECK(garbage.status == 400);

  std::string huge_header =
      "GET / HTTP/1.1\r\n" + host + "X-Big: " + std::string(20000, 'a') + "\r\n\r\n";
  CHECK(parse_reply(raw_http(app.port(), huge_header)).status == 431);

  std::string many = "GET / HTTP/1.1\r\n" + host;
  for (int i = 0; i < 80; ++i) many += "X-Field-" + std::to_string(i) + ": 1\r\n";
  auto too_many = parse_reply(raw_http(app.port(), many + "\r\n"));
  CHECK(too_many.status == 431);
  CHECK(too_many.json()["error"]["message"].get<std::string>().find("64") != std::string::npos);

  std::string big_body = "POST /bridge/version HTTP/1.1\r\n" + host + "Cookie: " + page.cookie() +
                         "\r\nX-Doorstep-CSRF: " + page.csrf() +
                         "\r\nContent-Length: 104857600\r\n\r\n{";
  auto too_big = parse_reply(raw_http(app.port(), big_body));
  CHECK(too_big.status == 413);

  std::string session_body = "POST /app/session HTTP/1.1\r\n" + host +
                             "Content-Length: 100000\r\n\r\n" + std::string(100000, 'x');
  CHECK(parse_reply(raw_http(app.port(), session_body)).status == 413);

  auto nested = page.call("version", json::object());
  CHECK(nested.status == 200);
  std::string deep(10000, '[');
  auto deep_reply = http_request(app.port(), "POST", "/bridge/version", page.session_headers(),
                                 deep + std::string(10000, ']'));
  CHECK(deep_reply.status == 400);
  CHECK(deep_reply.json()["error"]["message"].get<std::string>().find("deeper than 64") !=
        std::string::npos);
  auto not_json =
      http_request(app.port(), "POST", "/bridge/version", page.session_headers(), "{\"a\":");
  CHECK(not_json.status == 400);
  auto not_object = page.call("version", json::array({1, 2}));
  CHECK(not_object.status == 400);
  CHECK(not_object.json()["error"]["code_name"] == "invalid_argument");

  // A client that connects and says nothing does not hold the host up.
  auto silent = std::thread([&] { raw_http(app.port(), "", 500); });
  silent.join();

  // Still serving, the same session.
  CHECK(page.call("version").status == 200);
  CHECK(http_request(app.port(), "GET", "/").status == 200);
}

TEST_CASE("the host serves its assets and nothing outside them") {
  TempDir dir;
  AppProcess app(dir / "phone.db");
  CHECK(http_request(app.port(), "GET", "/index.html").status == 200);
  CHECK(http_request(app.port(), "HEAD", "/").body.empty());
  for (std::string target :
       {"/../../../etc/passwd", "//etc/passwd", "/js/../../CMakeLists.txt",
        "/%2e%2e/%2e%2e/etc/passwd", "/app.css/../index.html", "/nothing.js", "/README"}) {
    CAPTURE(target);
    auto reply = http_request(app.port(), "GET", target);
    CHECK(reply.status == 404);
    CHECK(reply.body.find("root:") == std::string::npos);
  }
  // Files of the device are kept beside the database, by names the host gives them.
  AppClient page(app);
  auto headers = page.session_headers();
  headers[2] = {"Content-Type", "image/jpeg"};
  auto stored = http_request(app.port(), "POST", "/app/files?name=house.jpg", headers, "JPEG");
  REQUIRE(stored.status == 200);
  std::string name = stored.json()["name"];
  CHECK(std::regex_match(name, std::regex("[0-9a-f]{16}\\.jpg")));
  CHECK(read_file(stored.json()["path"].get<std::string>()) == "JPEG");
  auto back = http_request(app.port(), "GET", "/app/files/" + name, {{"Cookie", page.cookie()}});
  CHECK(back.status == 200);
  CHECK(back.body == "JPEG");
  CHECK(back.header("content-type") == "image/jpeg");
  CHECK(http_request(app.port(), "GET", "/app/files/../phone.db", {{"Cookie", page.cookie()}})
            .status == 404);
}
