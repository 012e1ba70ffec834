// Dashboard: the staff web dashboard of doorstep-server — login, sessions and the pages over
// the county record (docs/dashboard.md). It is the same server as the devices' API, on the
// same port: staff authenticate with a session cookie, devices with signed requests, and
// neither path accepts the other's credential.
//
// Every page and action runs for a logged-in staff member (StaffRequest), limited to their
// scope and role as a device of the same scope and role would be: a record outside the scope
// answers 404 exactly as one that does not exist, and what the role may not do is neither
// offered nor accepted. What a staff member changes in the county record is written by the
// county's replica as one op (signed by the county) with the staff member as its author and
// actor (Store::set_acting_person).
//
// Security (all of it tested in tests/sync-server/staff_*_test.cpp): the session cookie is
// HttpOnly, Secure, SameSite=Strict, Path=/ and carries a 256-bit random id; sessions expire
// when idle and absolutely (staff_sessions.h); every POST but the login needs the session's
// CSRF token (a form field "csrf" or the header X-CSRF-Token), else 403; a POST from another
// origin is refused 403; failed logins lock an account out and limit an address
// (login_guard.h), logged (never the password) and counted in /metrics; every answer carries
// the headers of layout.h.
//
// Ownership: borrows the CountyContext (which must outlive it); owns its assets, layout and
// household index. Thread-safety: handlers run on many threads; each takes the county lock
// for what it reads or writes, and runs Argon2 outside it. Failure: pages answer errors as
// HTML pages with the status of the failure (400 bad input, 403, 404, 409 a step the
// lifecycle refuses, 429, 503); never a crash.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "county/county_context.h"
#include "http/access_log.h"
#include "http/router.h"
#include "web/assets.h"
#include "web/layout.h"
#include "web/login_guard.h"
#include "web/staff_request.h"
#include "web/staff_sessions.h"

namespace doorstep::server::web {

class HouseholdIndex;

struct DashboardOptions {
  std::optional<std::filesystem::path> web_root;  // serve assets from here (development)
  SessionPolicy sessions;
  LoginPolicy login;
  AccessLog* log = nullptr;  // failed logins and lockouts are logged here (none: not logged)
};

inline constexpr const char* kSessionCookie = "__Host-doorstep_session";
inline constexpr const char* kLangCookie = "doorstep_lang";

class Dashboard {
 public:
  Dashboard(CountyContext& county, std::filesystem::path data_dir, DashboardOptions options);
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  // Adds /login, /logout, /password, /static/..., and every page.
  void add_routes(Router& router);

  using PageHandler = std::function<HttpResponse(StaffRequest&)>;
  // Adds a page (GET) or an action (POST) for logged-in staff. A POST larger than 64 KiB
  // (`body_limit` above it: an upload) is read only for a request with a live session.
  void add_page(Router& router, const std::string& method, const std::string& pattern,
                PageHandler handler, size_t body_limit = Router::kDefaultBodyLimit);

  CountyContext& county() { return county_; }
  const Layout& layout() const { return *layout_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // Under county().lock(): the household index, brought up to date with the county store.
  HouseholdIndex& household_index();
  // The county store writes as `request`'s staff member while this lives.
  class ActingAs {
   public:
    ActingAs(Dashboard& dashboard, const StaffRequest& request);
    ~ActingAs();
    ActingAs(const ActingAs&) = delete;
    ActingAs& operator=(const ActingAs&) = delete;

   private:
    store::Store& store_;
  };
  AccessLog* log() const { return options_.log; }
  // Under county().lock(): a new session of `staff`; returns its Set-Cookie header value.
  std::string open_session(const std::string& staff, const std::string& peer);
  // Logs a dashboard event (never a password).
  void event(const std::string& level, const std::string& name, nlohmann::json fields);

 private:
  struct Identified {
    StaffMember staff;
    StaffSession session;
  };
  std::optional<Identified> identify(const HttpRequest& request, int64_t now);
  HttpResponse serve_page(const HttpRequest& http, const PathParams& params,
                          const PageHandler& handler);
  HttpResponse login_form(const HttpRequest& http, Lang lang, int status, const std::string& name,
                          const std::string& error, const std::string& next);
  HttpResponse post_login(const HttpRequest& http);
  HttpResponse static_asset(const HttpRequest& http, const PathParams& params);

  CountyContext& county_;
  std::filesystem::path data_dir_;
  DashboardOptions options_;
  WebAssets assets_;
  std::unique_ptr<Layout> layout_;
  std::unique_ptr<HouseholdIndex> index_;
};

// The language of a request: ?lang=, else the doorstep_lang cookie, else Chinese.
Lang language_of(const HttpRequest& request);

}  // namespace doorstep::server::web
