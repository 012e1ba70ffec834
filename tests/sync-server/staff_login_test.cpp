// The dashboard's login and its security properties over real HTTPS: the session cookie's
// flags, wrong passwords, lockout and the limit per address, CSRF refusal, the security
// headers, logout and expiry, one-time passwords.
#include <doctest/doctest.h>

#include <regex>
#include <thread>

#include "tests/sync-server/staff_web_helpers.h"

using namespace doorstep;
using namespace doorstep::test;

namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

void check_security_headers(const WebAnswer& answer) {
  CHECK(answer.header("content-security-policy") == kCsp);
  CHECK(answer.header("x-content-type-options") == "nosniff");
  CHECK(answer.header("referrer-policy") == "no-referrer");
}

}  // namespace

TEST_CASE(
    "a right password answers 303 to / with a HttpOnly Secure SameSite=Strict 256-bit cookie") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  auto login = browser.post("/login", {{"name", "王芳"}, {"password", kStaffPassword}});
  CHECK(login.status == 303);
  CHECK(login.header("location") == "/");
  std::string cookie = login.header("set-cookie");
  INFO(cookie);
  std::smatch match;
  REQUIRE(std::regex_match(cookie, match,
                           std::regex("__Host-doorstep_session=([0-9a-f]{64}); Path=/; HttpOnly; "
                                      "Secure; SameSite=Strict")));
  check_security_headers(login);
  auto overview = browser.get("/");
  CHECK(overview.status == 200);
  CHECK(overview.body.find("王芳") != std::string::npos);
  // Two logins get two different random ids.
  StaffBrowser other(county);
  auto again = other.post("/login", {{"name", "王芳"}, {"password", kStaffPassword}});
  CHECK(again.header("set-cookie") != cookie);
  // The server keeps only a hash of the id.
  CHECK(county.server->log().find(match[1].str()) == std::string::npos);
}

TEST_CASE("a wrong password answers 401 with the login page and its error, and no cookie") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  auto wrong = browser.post("/login", {{"name", "王芳"}, {"password", "not the password"}});
  CHECK(wrong.status == 401);
  CHECK(wrong.header("set-cookie").empty());
  CHECK(wrong.header("content-type") == "text/html; charset=utf-8");
  CHECK(wrong.body.find("id=\"login-error\"") != std::string::npos);
  CHECK(wrong.body.find("action=\"/login\"") != std::string::npos);
  auto unknown = browser.post("/login", {{"name", "nobody"}, {"password", kStaffPassword}});
  CHECK(unknown.status == 401);
  // An unknown name reads exactly like a wrong password (the name typed is kept in the form).
  auto without_name = [](std::string page, const std::string& name) {
    return page.replace(page.find("value=\"" + name + "\""), name.size() + 8, "");
  };
  CHECK(without_name(unknown.body, "nobody") == without_name(wrong.body, "王芳"));
  // The password is never logged; the failure is, with the name.
  std::string log = county.server->log();
  CHECK(log.find("not the password") == std::string::npos);
  CHECK(log.find("staff_login_failed") != std::string::npos);
  CHECK(browser.get("/").status == 303);
}

TEST_CASE("pages without a session go to the login, and a POST without one is refused") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  for (const char* page : {"/", "/households", "/cases", "/tasks", "/warnings", "/devices",
                           "/imports", "/households/0123456789abcdef"}) {
    auto answer = browser.get(page);
    CAPTURE(page);
    CHECK(answer.status == 303);
    CHECK(answer.header("location").rfind("/login?next=", 0) == 0);
    check_security_headers(answer);
  }
  auto post = browser.post("/logout", {});
  CHECK(post.status == 401);
  // A forged cookie is no session.
  auto forged = browser.get("/", {"-H", "Cookie: __Host-doorstep_session=" + std::string(64, 'a')});
  CHECK(forged.status == 303);
}

TEST_CASE(
    "every page carries the CSP and headers, is not cached and has no inline script or style") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  check_security_headers(browser.get("/login"));
  browser.log_in("王芳");
  for (const char* path :
       {"/", "/households", "/cases", "/tasks", "/warnings", "/devices", "/imports", "/password",
        "/publicity?village=640323.101.200", "/no-such-page-of-the-dashboard/x"}) {
    CAPTURE(path);
    auto page = browser.get(path);
    if (std::string(path).rfind("/no-such", 0) == 0) {
      CHECK(page.status == 404);
      continue;
    }
    CHECK(page.status == 200);
    check_security_headers(page);
    CHECK(page.header("cache-control") == "no-store");
    CHECK(page.header("x-frame-options") == "DENY");
    // Scripts only from files, no style attributes or elements, nothing from elsewhere.
    CHECK_FALSE(std::regex_search(page.body, std::regex("<script(?![^>]*\\ssrc=\"/static/)")));
    CHECK(page.body.find("style=") == std::string::npos);
    CHECK(page.body.find("<style") == std::string::npos);
    CHECK(page.body.find("http://") == std::string::npos);
    CHECK_FALSE(std::regex_search(page.body, std::regex("(src|href)=\"https?://")));
    CHECK(page.body.size() < 200 * 1024);
  }
}

TEST_CASE("a POST without the session's CSRF token is refused 403 and does nothing") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  browser.log_in("王芳");
  std::string token = browser.csrf();
  auto none = browser.post("/logout", {});
  CHECK(none.status == 403);
  check_security_headers(none);
  auto wrong = browser.post("/logout", {{"csrf", std::string(64, '0')}});
  CHECK(wrong.status == 403);
  auto as_json = browser.post("/logout", {}, {"-H", "Accept: application/json"});
  CHECK(as_json.status == 403);
  CHECK(as_json.body.find("\"csrf_token\"") != std::string::npos);
  CHECK(browser.get("/").status == 200);  // still logged in
  // Another session's token does not do either.
  StaffBrowser other(county);
  other.log_in("李强");
  CHECK(browser.post("/logout", {{"csrf", other.csrf()}}).status == 403);
  // From another origin, even with the token.
  auto cross = browser.post("/logout", {{"csrf", token}}, {"-H", "Origin: https://evil.example"});
  CHECK(cross.status == 403);
  auto cross_site =
      browser.post("/logout", {{"csrf", token}}, {"-H", "Sec-Fetch-Site: cross-site"});
  CHECK(cross_site.status == 403);
  CHECK(browser.get("/").status == 200);
  // The token in the header works as well as in the form.
  auto out = browser.post("/logout", {}, {"-H", "X-CSRF-Token: " + token});
  CHECK(out.status == 303);
  CHECK(out.header("location") == "/login");
}

TEST_CASE("logout ends the session at the server: the old cookie opens nothing") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  browser.log_in("马兰");
  std::string cookie = browser.session_cookie();
  REQUIRE(cookie.size() == 64);
  auto out = browser.post("/logout", {{"csrf", browser.csrf()}});
  CHECK(out.status == 303);
  CHECK(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
  StaffBrowser replay(county);
  auto again = replay.get("/", {"-H", "Cookie: __Host-doorstep_session=" + cookie});
  CHECK(again.status == 303);
}

TEST_CASE("five wrong passwords lock the account: then even the right one answers 429") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  for (int i = 0; i < 5; ++i)
    CHECK(browser.post("/login", {{"name", "李强"}, {"password", "guess " + std::to_string(i)}})
              .status == 401);
  auto locked = browser.post("/login", {{"name", "李强"}, {"password", kStaffPassword}});
  CHECK(locked.status == 429);
  CHECK(locked.header("set-cookie").empty());
  CHECK(std::atoi(locked.header("retry-after").c_str()) > 0);
  CHECK(browser.post("/login", {{"name", "李强"}, {"password", "guess 9"}}).status == 429);
  // Other accounts are not locked.
  StaffBrowser other(county);
  other.log_in("王芳");
  // Logged without any password; counted in /metrics.
  std::string log = county.server->log();
  CHECK(log.find("staff_locked_out") != std::string::npos);
  CHECK(log.find("guess") == std::string::npos);
  CHECK(log.find(kStaffPassword) == std::string::npos);
  auto metrics = curl(county.server->url() + "/metrics", county.server->certificate());
  CHECK(metrics.body.find("doorstep_staff_lockouts_total 1") != std::string::npos);
  CHECK(metrics.body.find("doorstep_staff_logins_total{outcome=\"wrong\"} 5") != std::string::npos);
  CHECK(metrics.body.find("doorstep_staff_logins_total{outcome=\"locked_out\"} 2") !=
        std::string::npos);
}

TEST_CASE("an address with twenty failed logins is refused 429 whatever the name") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  for (int i = 0; i < 20; ++i)
    CHECK(browser.post("/login", {{"name", "guess-" + std::to_string(i)}, {"password", "x"}})
              .status == 401);
  CHECK(browser.post("/login", {{"name", "王芳"}, {"password", kStaffPassword}}).status == 429);
  CHECK(county.server->log().find("staff_login_address_limited") != std::string::npos);
}

TEST_CASE("a session idle longer than --session-idle ends, and a disabled account's at once") {
  StaffCounty county;
  county.serve({"--monitor-every", "0", "--session-idle", "2s"});
  StaffBrowser idle(county);
  idle.log_in("马兰");
  CHECK(idle.get("/").status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  CHECK(idle.get("/").status == 303);
  StaffBrowser busy(county);
  busy.log_in("王芳");
  CHECK(busy.get("/").status == 200);
  county.run({"staff", "disable", "--name", "王芳"});
  CHECK(busy.get("/").status == 303);
  CHECK(busy.post("/login", {{"name", "王芳"}, {"password", kStaffPassword}}).status == 401);
}

TEST_CASE("a one-time password logs in only to choose a new one") {
  StaffCounty county;
  auto added = county.run({"staff", "add", "--name", "张伟", "--role", "village", "--scope",
                           "640323.101.201", "--json"});
  std::string once = nlohmann::json::parse(added)["password"];
  county.serve();
  StaffBrowser browser(county);
  auto login = browser.post("/login", {{"name", "张伟"}, {"password", once}});
  CHECK(login.status == 303);
  CHECK(login.header("location") == "/password");
  CHECK(browser.get("/").header("location") == "/password");
  auto form = browser.get("/password");
  REQUIRE(form.status == 200);
  std::string token = csrf_in(form.body);
  auto mismatch = browser.post(
      "/password",
      {{"csrf", token}, {"current", once}, {"new", "a brand new one"}, {"confirm", "another"}});
  CHECK(mismatch.status == 400);
  auto changed = browser.post("/password", {{"csrf", token},
                                            {"current", once},
                                            {"new", "a brand new one"},
                                            {"confirm", "a brand new one"}});
  CHECK(changed.status == 303);
  CHECK(browser.get("/").status == 200);
  StaffBrowser later(county);
  CHECK(later.post("/login", {{"name", "张伟"}, {"password", once}}).status == 401);
  later.log_in("张伟", "a brand new one");
}

TEST_CASE("assets are the server's own, with an ETag, a year's cache for their version and 304") {
  StaffCounty county;
  auto root = county.dir / "web-root";
  std::filesystem::create_directories(root);
  write_file(root / "app.css", "body { color: red }\n");
  county.serve();
  StaffBrowser browser(county);
  auto login = browser.get("/login");
  std::smatch match;
  REQUIRE(std::regex_search(login.body, match,
                            std::regex("href=\"(/static/app\\.css\\?v=([0-9a-f]{16}))\"")));
  auto css = browser.get(match[1].str());
  CHECK(css.status == 200);
  CHECK(css.header("content-type") == "text/css; charset=utf-8");
  CHECK(css.header("etag") == "\"" + match[2].str() + "\"");
  CHECK(css.header("cache-control") == "public, max-age=31536000, immutable");
  check_security_headers(css);
  auto unversioned = browser.get("/static/app.css");
  CHECK(unversioned.header("cache-control") == "no-cache");
  auto again = browser.get("/static/app.css", {"-H", "If-None-Match: " + css.header("etag")});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(browser.get("/static/../county.json").status == 404);
  CHECK(browser.get("/static/nothing.js").status == 404);
  // --web-root serves the files of a folder instead, edits included.
  county.server.reset();
  county.serve({"--monitor-every", "0", "--web-root", root.string()});
  CHECK(browser.get("/static/app.css").body == "body { color: red }\n");
  write_file(root / "app.css", "body { color: blue }\n");
  CHECK(browser.get("/static/app.css").body == "body { color: blue }\n");
}

TEST_CASE(
    "answers outside the pages carry the security headers too: a 404, an asset not found, "
    "the API's JSON") {
  StaffCounty county;
  county.serve();
  StaffBrowser browser(county);
  auto check_default_headers = [](const WebAnswer& answer) {
    CHECK(answer.header("content-security-policy") ==
          "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    CHECK(answer.header("x-content-type-options") == "nosniff");
    CHECK(answer.header("referrer-policy") == "no-referrer");
    CHECK(answer.header("x-frame-options") == "DENY");
  };
  auto unknown = browser.get("/no-such-page");
  CHECK(unknown.status == 404);
  check_default_headers(unknown);
  auto asset = browser.get("/static/nothing.js");
  CHECK(asset.status == 404);
  check_security_headers(asset);
  auto api = browser.get("/v1/summary");
  CHECK(api.status == 401);
  check_default_headers(api);
  // A page keeps its own policy, not the default.
  check_security_headers(browser.get("/login"));
}
