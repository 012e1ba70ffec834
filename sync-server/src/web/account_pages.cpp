// /password: a staff member chooses a new password (after a one-time password, or at will).
#include "core/common/error.h"
#include "web/dashboard.h"
#include "web/pages.h"
#include "web/password_hash.h"

namespace doorstep::server::web {
namespace {

Markup password_form(const StaffRequest& request, const std::string& error) {
  Markup body;
  if (request.staff.must_change_password)
    body += html("<div class=\"notice\"><p>{}</p></div>",
                 request.t("您正在使用一次性密码，请先设置自己的新密码。",
                           "You logged in with a one-time password: choose your own first."));
  if (!error.empty())
    body += html("<div class=\"notice error\" role=\"alert\"><p>{}</p></div>", error);
  body += html(
      "<form method=\"post\" action=\"/password\" class=\"card narrow\">{}"
      "<label for=\"current\">{}</label>"
      "<input id=\"current\" name=\"current\" type=\"password\" autocomplete=\"current-password\" "
      "required>"
      "<label for=\"new\">{}</label>"
      "<input id=\"new\" name=\"new\" type=\"password\" autocomplete=\"new-password\" "
      "minlength=\"10\" required aria-describedby=\"new-hint\">"
      "<p class=\"hint\" id=\"new-hint\">{}</p>"
      "<label for=\"confirm\">{}</label>"
      "<input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" "
      "minlength=\"10\" required>"
      "<button type=\"submit\" class=\"primary\">{}</button></form>",
      csrf_field(request), request.t("当前密码", "Current password"),
      request.t("新密码", "New password"), request.t("至少 10 个字符。", "At least 10 characters."),
      request.t("再输入一次新密码", "New password again"), request.t("保存", "Save"));
  return body;
}

}  // namespace

void add_account_pages(Dashboard& dashboard, Router& router) {
  dashboard.add_page(router, "GET", "/password", [&dashboard](StaffRequest& request) {
    return dashboard.layout().page(
        request, {request.t("修改密码", "Change password"), "", password_form(request, "")});
  });
  dashboard.add_page(router, "POST", "/password", [&dashboard](StaffRequest& request) {
    auto again = [&](const std::string& error) {
      return dashboard.layout().page(request, {request.t("修改密码", "Change password"), "",
                                               password_form(request, error), 400});
    };
    std::string current = request.field("current"), fresh = request.field("new");
    if (fresh != request.field("confirm"))
      return again(request.t("两次输入的新密码不一致。", "The two new passwords differ."));
    if (fresh == current)
      return again(request.t("新密码不能与当前密码相同。",
                             "The new password must differ from the current one."));
    try {
      check_password_policy(fresh);
    } catch (const Error& e) {
      return again(e.what());
    }
    std::string hash;
    {
      auto guard = dashboard.county().lock();
      hash = StaffAccounts(dashboard.county().authority().store().database())
                 .login_hash(request.staff.name);
    }
    if (!verify_login(hash, current))
      return again(request.t("当前密码不正确。", "The current password is wrong."));
    std::string cookie;
    {
      auto guard = dashboard.county().lock();
      auto& db = dashboard.county().authority().store().database();
      sqlite::Transaction transaction(db);
      // Ends every session of the account (a stolen one too), then opens this one again.
      StaffAccounts(db).set_password(request.staff.name, fresh, false, CountyContext::now());
      cookie = dashboard.open_session(request.staff.name, request.http.peer_address);
      transaction.commit();
    }
    dashboard.event("info", "staff_password_changed", {{"name", request.staff.name}});
    HttpResponse response = redirect_to("/?msg=password");
    response.headers["set-cookie"] = cookie;
    return response;
  });
}

}  // namespace doorstep::server::web
