// Dashboard: sessions, the login, the page wrapper and the static assets.
#include "web/dashboard.h"

#include "core/common/error.h"
#include "web/household_index.h"
#include "web/pages.h"
#include "web/password_hash.h"

namespace doorstep::server::web {
namespace {

using nlohmann::json;

std::string cookie_of(const HttpRequest& request, const std::string& name) {
  auto cookies = parse_cookies(request.header("cookie"));
  auto it = cookies.find(name);
  return it == cookies.end() ? std::string() : it->second;
}

std::string session_cookie(const std::string& id) {
  return std::string(kSessionCookie) + "=" + id + "; Path=/; HttpOnly; Secure; SameSite=Strict";
}

std::string expired_session_cookie() {
  return std::string(kSessionCookie) + "=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0";
}

// A path of this server to go to after the login: "/..." but not "//..." (another host).
std::string safe_next(const std::string& next) {
  if (next.size() < 1 || next.size() > 2000 || next[0] != '/' ||
      (next.size() > 1 && (next[1] == '/' || next[1] == '\\')))
    return "/";
  for (unsigned char c : next)
    if (c < 0x20 || c == 0x7f) return "/";
  return next;
}

// A state-changing request must come from a page of this server. A browser says where it
// comes from in Sec-Fetch-Site and Origin; under Referrer-Policy: no-referrer, Chromium sends
// "Origin: null" for a form of the same origin, so "null" counts only with a same-origin
// Sec-Fetch-Site. Requests with neither (curl, old browsers) still need the CSRF token.
bool from_this_origin(const HttpRequest& request) {
  std::string site = request.header("sec-fetch-site");
  if (!site.empty() && site != "same-origin" && site != "none") return false;
  std::string origin = request.header("origin");
  if (origin.empty()) return true;
  if (origin == "null") return site == "same-origin";
  return origin == "https://" + request.header("host");
}

bool wants_json(const HttpRequest& request) {
  std::string accept = request.header("accept");
  return accept.find("application/json") != std::string::npos &&
         accept.find("text/html") == std::string::npos;
}

}  // namespace

Lang language_of(const HttpRequest& request) {
  auto it = request.query.find("lang");
  std::string code = it != request.query.end() ? it->second : cookie_of(request, kLangCookie);
  return code == "en" ? Lang::En : Lang::Zh;
}

Dashboard::Dashboard(CountyContext& county, std::filesystem::path data_dir,
                     DashboardOptions options)
    : county_(county),
      data_dir_(std::move(data_dir)),
      options_(std::move(options)),
      assets_(options_.web_root) {
  std::string name;
  {
    auto guard = county_.lock();
    name = county_.authority().name();
  }
  layout_ = std::make_unique<Layout>(assets_, name);
  index_ = std::make_unique<HouseholdIndex>(county_.authority().store());
}

Dashboard::~Dashboard() = default;

HouseholdIndex& Dashboard::household_index() {
  index_->refresh();
  return *index_;
}

Dashboard::ActingAs::ActingAs(Dashboard& dashboard, const StaffRequest& request)
    : store_(dashboard.county().authority().store()) {
  store_.set_acting_person(request.staff.name);
}

Dashboard::ActingAs::~ActingAs() {
  try {
    store_.set_acting_person("");
  } catch (const Error&) {
    // "" is always accepted.
  }
}

void Dashboard::event(const std::string& level, const std::string& name, json fields) {
  if (options_.log) options_.log->event(level, name, std::move(fields));
}

std::string Dashboard::open_session(const std::string& staff, const std::string& peer) {
  auto session = StaffSessions(county_.authority().store().database(), options_.sessions)
                     .open(staff, address_of_peer(peer), CountyContext::now());
  return session_cookie(session.id);
}

std::optional<Dashboard::Identified> Dashboard::identify(const HttpRequest& request, int64_t now) {
  std::string id = cookie_of(request, kSessionCookie);
  if (id.empty()) return std::nullopt;
  auto guard = county_.lock();
  auto& db = county_.authority().store().database();
  StaffSessions sessions(db, options_.sessions);
  auto session = sessions.find(id, now);
  if (!session) return std::nullopt;
  auto member = StaffAccounts(db).find(session->staff);
  if (!member || member->disabled) {
    sessions.close(id);
    return std::nullopt;
  }
  session->id = id;
  return Identified{*member, *session};
}

void Dashboard::add_page(Router& router, const std::string& method, const std::string& pattern,
                         PageHandler handler, size_t body_limit) {
  BodyAdmission admission;
  if (body_limit > Router::kUnauthenticatedBodyLimit)
    admission = [this](const HttpRequest& head) {
      if (!identify(head, CountyContext::now()))
        throw HttpError(401, "unauthorized", "log in to the dashboard first");
    };
  router.add(
      method, pattern,
      [this, handler = std::move(handler)](const HttpRequest& http, const PathParams& params) {
        return serve_page(http, params, handler);
      },
      body_limit, std::move(admission));
}

HttpResponse Dashboard::serve_page(const HttpRequest& http, const PathParams& params,
                                   const PageHandler& handler) {
  Lang lang = language_of(http);
  HttpResponse response;
  std::optional<StaffRequest> request;
  try {
    auto who = identify(http, CountyContext::now());
    if (!who) {
      if (http.method == "GET" || http.method == "HEAD") {
        response = redirect_to("/login?next=" + url_encode(http.target));
      } else {
        response = layout_->error(
            http, nullptr, lang, 401,
            pick(lang, "登录已过期，请重新登录。", "Your session has ended; log in again."));
      }
    } else {
      request.emplace(StaffRequest{http, params, lang, who->staff, who->session, {}, {}});
      bool post = http.method == "POST";
      if (who->staff.must_change_password && http.path != "/password" && http.path != "/logout") {
        response =
            post ? layout_->error(http, &*request, lang, 403,
                                  pick(lang, "请先设置新密码。", "Choose a new password first."))
                 : redirect_to("/password");
      } else if (post && !from_this_origin(http)) {
        response = layout_->error(http, &*request, lang, 403,
                                  pick(lang, "请求来自其他网站，已拒绝。",
                                       "The request came from another site; it was refused."));
      } else {
        if (post) {
          std::string type = http.header("content-type");
          if (type.find("multipart/form-data") != std::string::npos) {
            for (auto& part : parse_multipart(type, http.body)) {
              if (part.filename.empty())
                request->form[part.name] = part.body;
              else
                request->files.push_back(std::move(part));
            }
          } else {
            request->form = parse_urlencoded(http.body);
          }
          std::string token = request->field("csrf");
          if (token.empty()) token = http.header("x-csrf-token");
          if (!secrets_equal(token, who->session.csrf_token)) {
            HttpResponse refused =
                wants_json(http)
                    ? error_response(403, "csrf_token",
                                     "the request lacks this session's CSRF token")
                    : layout_->error(http, &*request, lang, 403,
                                     pick(lang, "页面已过期，请刷新后重试。",
                                          "The page was out of date; reload it and try again."));
            add_security_headers(refused);
            refused.device = "staff:" + who->staff.name;
            return refused;
          }
        }
        response = handler(*request);
      }
    }
  } catch (const HttpError& e) {
    response = layout_->error(http, request ? &*request : nullptr, lang, e.status(), e.what());
  } catch (const Error& e) {
    int status = 500;
    std::string message = e.what();
    if (e.domain() == ErrorDomain::Doorstep) {
      switch (static_cast<ErrorCode>(e.code())) {
        case ErrorCode::NotFound:
          status = 404;
          message = pick(lang, "没有这条记录，或它不在您的范围内。",
                         "There is no such record within your scope.");
          break;
        case ErrorCode::InvalidArgument:
        case ErrorCode::Corrupt: status = 400; break;
        case ErrorCode::OutOfScope:
        case ErrorCode::Unauthorized: status = 403; break;
        case ErrorCode::Conflict: status = 409; break;
        case ErrorCode::Busy: status = 503; break;
        default: status = 500;
      }
    } else if (e.domain() == ErrorDomain::SQLite && e.transient()) {
      status = 503;
    }
    if (status == 500) {
      event("error", "dashboard_failed", {{"path", http.path}, {"error", e.what()}});
      message = pick(lang, "服务器出错，已记录。", "The server failed; the error is logged.");
    }
    response = layout_->error(http, request ? &*request : nullptr, lang, status, message);
    if (status == 503) response.headers["retry-after"] = "1";
  } catch (const std::exception& e) {
    event("error", "dashboard_failed", {{"path", http.path}, {"error", e.what()}});
    response = layout_->error(
        http, request ? &*request : nullptr, lang, 500,
        pick(lang, "服务器出错，已记录。", "The server failed; the error is logged."));
  }
  add_security_headers(response);
  if (auto it = http.query.find("lang"); it != http.query.end() &&
                                         (it->second == "en" || it->second == "zh") &&
                                         !response.headers.count("set-cookie"))
    response.headers["set-cookie"] = std::string(kLangCookie) + "=" + it->second +
                                     "; Path=/; Secure; SameSite=Strict; Max-Age=31536000";
  if (request) response.device = "staff:" + request->staff.name;
  return response;
}

HttpResponse Dashboard::login_form(const HttpRequest& http, Lang lang, int status,
                                   const std::string& name, const std::string& error,
                                   const std::string& next) {
  Markup body;
  if (!error.empty())
    body += html("<div class=\"notice error\" role=\"alert\" id=\"login-error\"><p>{}</p></div>",
                 error);
  body += html(
      "<form method=\"post\" action=\"/login\" class=\"login card\">"
      "<input type=\"hidden\" name=\"next\" value=\"{}\">"
      "<label for=\"name\">{}</label>"
      "<input id=\"name\" name=\"name\" autocomplete=\"username\" required value=\"{}\"{}>"
      "<label for=\"password\">{}</label>"
      "<input id=\"password\" name=\"password\" type=\"password\" "
      "autocomplete=\"current-password\" required{}>"
      "<button type=\"submit\" class=\"primary\">{}</button></form>"
      "<p class=\"hint\">{}</p>",
      next, pick(lang, "用户名", "Name"), name, raw(error.empty() ? " autofocus" : ""),
      pick(lang, "密码", "Password"), raw(error.empty() ? "" : " autofocus"),
      pick(lang, "登录", "Log in"),
      pick(lang, "账号由县级管理员用 doorstep-server staff add 创建。",
           "Accounts are made by the county's administrator with doorstep-server staff add."));
  return layout_->bare(http, lang, {pick(lang, "工作人员登录", "Staff login"), "", body, status});
}

HttpResponse Dashboard::post_login(const HttpRequest& http) {
  Lang lang = language_of(http);
  FormFields form;
  try {
    form = parse_urlencoded(http.body);
  } catch (const Error& e) {
    return layout_->error(http, nullptr, lang, 400, e.what());
  }
  std::string name = form["name"], password = form["password"], next = safe_next(form["next"]);
  if (!from_this_origin(http))
    return layout_->error(http, nullptr, lang, 403,
                          pick(lang, "请求来自其他网站，已拒绝。",
                               "The request came from another site; it was refused."));
  if (name.empty() || password.empty() || name.size() > 256 || password.size() > 1024)
    return login_form(http, lang, 401, name.size() > 256 ? "" : name,
                      pick(lang, "请输入用户名和密码。", "Enter your name and password."), next);
  std::string address = address_of_peer(http.peer_address);
  int64_t now = CountyContext::now();
  std::string hash;
  {
    auto guard = county_.lock();
    StaffAccounts accounts(county_.authority().store().database());
    LoginGuard login_guard(accounts, options_.login);
    if (auto refusal = login_guard.refusal(name, address, now)) {
      bool locked = refusal->why == LoginRefusal::Why::AccountLocked;
      county_.metrics().count_staff_login(locked ? "locked_out" : "address_limited");
      event("warning", locked ? "staff_login_locked_out" : "staff_login_address_limited",
            {{"name", name}, {"peer", address}, {"retry_after", refusal->retry_after}});
      HttpResponse response = login_form(
          http, lang, 429, name,
          locked ? pick(lang, "该账号因多次登录失败已被暂时锁定，请稍后再试。",
                        "This account is locked for a while after repeated failed logins; "
                        "try again later.")
                 : pick(lang, "此地址登录失败次数过多，请稍后再试。",
                        "Too many failed logins from this address; try again later."),
          next);
      response.headers["retry-after"] = std::to_string(refusal->retry_after);
      return response;
    }
    hash = accounts.login_hash(name);
  }
  // Argon2 (tens of milliseconds) runs outside the county lock.
  bool matches = verify_login(hash, password);
  auto guard = county_.lock();
  auto& db = county_.authority().store().database();
  StaffAccounts accounts(db);
  LoginGuard login_guard(accounts, options_.login);
  auto member = matches ? accounts.find(name) : std::nullopt;
  if (!member || member->disabled) {
    bool locked_now = false;
    {
      sqlite::Transaction transaction(db);
      locked_now = login_guard.record_failure(name, address, now);
      transaction.commit();
    }
    county_.metrics().count_staff_login("wrong");
    event(
        "warning", "staff_login_failed",
        {{"name", name}, {"peer", address}, {"failures", login_guard.recent_failures(name, now)}});
    if (locked_now) {
      county_.metrics().count_staff_lockout();
      event("warning", "staff_locked_out",
            {{"name", name}, {"peer", address}, {"failures", options_.login.account_failures}});
    }
    return login_form(http, lang, 401, name,
                      pick(lang, "用户名或密码不正确。", "The name or the password is wrong."),
                      next);
  }
  StaffSession session;
  {
    sqlite::Transaction transaction(db);
    login_guard.record_success(name, now);
    session = StaffSessions(db, options_.sessions).open(name, address, now);
    transaction.commit();
  }
  county_.metrics().count_staff_login("ok");
  event("info", "staff_login", {{"name", name}, {"peer", address}});
  HttpResponse response = redirect_to(member->must_change_password ? "/password" : next);
  response.headers["set-cookie"] = session_cookie(session.id);
  response.device = "staff:" + name;
  return response;
}

HttpResponse Dashboard::static_asset(const HttpRequest& http, const PathParams& params) {
  auto asset = assets_.find(params.at("name"));
  HttpResponse response;
  if (!asset) {
    response = HttpResponse::text(404, "no such asset\n", "text/plain; charset=utf-8");
  } else {
    std::string version = asset->etag.substr(1, asset->etag.size() - 2);
    auto v = http.query.find("v");
    bool immutable = v != http.query.end() && v->second == version;
    if (http.header("if-none-match") == asset->etag) {
      response = HttpResponse::text(304, "", asset->content_type);
    } else {
      response = HttpResponse::text(200, std::move(asset->body), asset->content_type);
    }
    response.headers["etag"] = asset->etag;
    response.headers["cache-control"] =
        immutable ? "public, max-age=31536000, immutable" : "no-cache";
  }
  add_security_headers(response);
  return response;
}

void Dashboard::add_routes(Router& router) {
  router.add("GET", "/static/{name}", [this](const HttpRequest& http, const PathParams& params) {
    return static_asset(http, params);
  });
  router.add("GET", "/login", [this](const HttpRequest& http, const PathParams&) {
    if (identify(http, CountyContext::now())) return redirect_to("/");
    auto next = http.query.find("next");
    HttpResponse response = login_form(http, language_of(http), 200, "", "",
                                       safe_next(next == http.query.end() ? "/" : next->second));
    if (auto lang = http.query.find("lang"); lang != http.query.end())
      response.headers["set-cookie"] = std::string(kLangCookie) + "=" +
                                       (lang->second == "en" ? "en" : "zh") +
                                       "; Path=/; Secure; SameSite=Strict; Max-Age=31536000";
    return response;
  });
  router.add("POST", "/login",
             [this](const HttpRequest& http, const PathParams&) { return post_login(http); });
  add_page(router, "POST", "/logout", [this](StaffRequest& request) {
    {
      auto guard = county_.lock();
      StaffSessions(county_.authority().store().database(), options_.sessions)
          .close(request.session.id);
    }
    event("info", "staff_logout", {{"name", request.staff.name}});
    HttpResponse response = redirect_to("/login");
    response.headers["set-cookie"] = expired_session_cookie();
    return response;
  });
  add_account_pages(*this, router);
  add_overview_page(*this, router);
  add_household_list_pages(*this, router);
  add_household_pages(*this, router);
  add_case_pages(*this, router);
  add_queue_pages(*this, router);
  add_device_pages(*this, router);
  add_import_pages(*this, router);
}

}  // namespace doorstep::server::web
