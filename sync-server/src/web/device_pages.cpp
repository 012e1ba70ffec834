// /devices: the county's enrolled devices within the staff member's scope — role, scope, last
// push received, last sync (the later of the last push and the last pull), rejected changes —
// with a revoke action; enrollment tokens made here are shown
// once, as text and as a QR code for the phone to scan.
#include <algorithm>
#include <ctime>
#include <set>

#include "core/common/error.h"
#include "core/store/grid_path.h"
#include "enroll/enrollment_tokens.h"
#include "web/dashboard.h"
#include "web/form_data.h"
#include "web/json_text.h"
#include "web/overview_counts.h"
#include "web/pages.h"
#include "web/qr_svg.h"
#include "web/widgets.h"

namespace doorstep::server::web {
namespace {

using nlohmann::json;

// Per device: the newest push received and the changes refused in the last 30 days (their
// acks, server_pushed_batch, county_tables.h).
constexpr const char* kPushes =
    "SELECT device_id, max(received_at) FROM server_pushed_batch GROUP BY device_id";
constexpr const char* kPulls = "SELECT device_id, pulled_at FROM server_device_pulls";
constexpr const char* kRecentAcks =
    "SELECT device_id, ack FROM server_pushed_batch WHERE received_at >= ?1";

bool may_manage(const StaffRequest& request) {
  return request.at_least(StaffRole::Township);
}

// The device roles a staff member may make tokens for: up to their own rank.
std::vector<std::string> token_roles(const StaffRequest& request) {
  std::vector<std::string> roles = {"grid-worker", "village-leader"};
  if (request.at_least(StaffRole::Township)) roles.push_back("township");
  if (request.at_least(StaffRole::County)) roles.push_back("county");
  return roles;
}

struct DeviceActivity {
  int64_t last_push = 0;  // unix seconds; 0 = never
  int64_t last_pull = 0;
  int64_t rejected = 0;
  int64_t last_sync() const { return std::max(last_push, last_pull); }
};

std::map<std::string, DeviceActivity> activity_of(sqlite::Database& db) {
  std::map<std::string, DeviceActivity> out;
  {
    sqlite::Statement query(db, kPushes);
    while (query.step()) out[query.text(0)].last_push = query.int64(1);
  }
  {
    sqlite::Statement query(db, kPulls);
    while (query.step()) out[query.text(0)].last_pull = query.int64(1);
  }
  sqlite::Statement acks(db, kRecentAcks);
  acks.bind(1, static_cast<int64_t>(std::time(nullptr)) - 30 * 86400);
  while (acks.step()) {
    json ack = json::parse(acks.text(1), nullptr, false);
    if (ack.is_object() && ack.contains("rejected") && ack["rejected"].is_array())
      out[acks.text(0)].rejected += static_cast<int64_t>(ack["rejected"].size());
  }
  return out;
}

// What the staff did to devices (server table staff_actions, StaffAccounts::record_action):
// the newest tokens made and devices revoked whose scope is within the viewer's, newest first.
constexpr size_t kActionsRead = 500;
constexpr size_t kActionsShown = 50;

Markup recent_actions(const StaffRequest& request, const json& actions,
                      const Divisions& divisions) {
  Markup rows;
  size_t shown = 0;
  for (const auto& action : actions) {
    if (shown == kActionsShown) break;
    std::string kind = json_text(action, "action");
    const json& detail = action["detail"];
    std::string scope, what, target;
    if (kind == "token_created") {
      scope = json_text(action, "target");
      what = request.t("新建登记码", "Enrollment token made");
      target = device_role_label(request.lang, detail.is_object() ? json_text(detail, "role") : "");
    } else if (kind == "device_revoked") {
      scope = detail.is_object() ? json_text(detail, "scope") : "";
      what = request.t("吊销设备", "Device revoked");
      target = (detail.is_object() ? json_text(detail, "name") : "") + " · " +
               json_text(action, "target");
    } else {
      continue;  // imports are listed on /imports
    }
    if (scope.empty() || !request.in_scope(scope)) continue;
    ++shown;
    rows += html(
        "<tr><td>{}</td><td>{}<div class=\"sub\">{}</div></td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        time_of_ms(action.value("at", int64_t{0}) * 1000), json_text(action, "staff"),
        staff_role_label(request.lang, json_text(action, "role")), what, target,
        divisions.label(scope));
  }
  if (shown == 0) return raw("");
  return html(
      "<section class=\"staff-actions\" aria-labelledby=\"actions-title\"><h2 "
      "id=\"actions-title\">{}</h2><div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{}</tbody>"
      "</table></div></section>",
      request.t("最近的设备操作", "Recent device actions"), request.t("时间", "When"),
      request.t("工作人员", "Staff"), request.t("操作", "Action"), request.t("对象", "Of"),
      request.t("范围", "Scope"), rows);
}

Markup token_form(const StaffRequest& request, const Divisions& divisions) {
  Lang lang = request.lang;
  Options roles;
  for (const auto& role : token_roles(request))
    roles.push_back({role, device_role_label(lang, role)});
  Options scopes;
  for (const auto& [path, info] : divisions.by_path)
    if (request.in_scope(path))
      scopes.push_back(
          {path, division_level_label(lang, info.second) + " · " + divisions.label(path)});
  return html(
      "<form method=\"post\" action=\"/devices/tokens\" class=\"card action bounded\">{}<h2>{}</h2>"
      "<p class=\"hint\">{}</p>{}{}{}<button type=\"submit\" class=\"primary\">{}</button></form>",
      csrf_field(request), request.t("新设备登记码", "New enrollment token"),
      request.t("登记码只能使用一次，在有效期内由设备扫码或输入。",
                "A token works once, within its lifetime: the device scans it or types it."),
      select_field("t-role", request.t("设备角色", "Role"), "role", roles, "grid-worker"),
      select_field("t-scope", request.t("工作范围", "Scope"), "scope", scopes, ""),
      select_field("t-expires", request.t("有效期", "Valid for"), "expires",
                   {{"24h", request.t("24 小时", "24 hours")},
                    {"72h", request.t("3 天", "3 days")},
                    {"7d", request.t("7 天", "7 days")}},
                   "72h"),
      request.t("生成登记码", "Make a token"));
}

}  // namespace

void add_device_pages(Dashboard& dashboard, Router& router) {
  dashboard.add_page(router, "GET", "/devices", [&dashboard](StaffRequest& request) {
    Lang lang = request.lang;
    json devices;
    std::map<std::string, DeviceActivity> activity;
    Divisions divisions;
    json actions;
    std::string own;
    {
      auto guard = dashboard.county().lock();
      own = dashboard.county().authority().store().identity().device_id;
      const json all = dashboard.county().authority().devices();
      devices = all;
      activity = activity_of(dashboard.county().authority().store().database());
      divisions = Divisions::load(dashboard.county().authority());
      actions =
          StaffAccounts(dashboard.county().authority().store().database()).actions(kActionsRead);
    }
    Markup rows;
    int shown = 0;
    for (const auto& device : devices) {
      std::string scope = json_text(device, "scope");
      if (!request.in_scope(scope)) continue;
      ++shown;
      std::string id = json_text(device, "id");
      bool revoked = !device["revoked"].is_null();
      const DeviceActivity& seen = activity[id];
      Markup action;
      // The county's own replica is not revoked from here: it signs the county's record.
      if (!revoked && may_manage(request) && id != own)
        action = html(
            "<form method=\"post\" action=\"/devices/{}/revoke\" class=\"inline\" "
            "data-confirm>{}<button type=\"submit\" class=\"danger\" aria-label=\"{} {}\">"
            "{}</button></form>",
            id, csrf_field(request), request.t("吊销", "Revoke"), json_text(device, "name"),
            request.t("吊销", "Revoke"));
      rows += html(
          "<tr{}><td>{}<div class=\"sub code\">{}</div></td><td>{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td><td class=\"last-sync\">{}</td><td class=\"num{}\">{}</td><td>{}</td></tr>",
          raw(revoked ? " class=\"revoked\"" : ""), json_text(device, "name"), id,
          device_role_label(lang, json_text(device, "role")), divisions.label(scope),
          time_of_ms(device.value("issued", int64_t{0}) * 1000),
          revoked ? html("<span class=\"badge overdue\">{}</span>", request.t("已吊销", "revoked"))
                  : html("{}", time_of_ms(seen.last_push * 1000)),
          time_of_ms(seen.last_sync() * 1000), seen.rejected > 0 ? " alert" : "", seen.rejected,
          action);
    }
    Markup body = action_notice(request);
    body += html(
        "<div class=\"table-wrap\"><table class=\"data devices\"><thead><tr><th "
        "scope=\"col\">{}</th>"
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
        "<th scope=\"col\">{}</th></tr></thead><tbody>{}</tbody></table></div>",
        request.t("设备", "Device"), request.t("角色", "Role"), request.t("范围", "Scope"),
        request.t("登记时间", "Enrolled"), request.t("最近上传", "Last push received"),
        request.t("最近同步（上传或下载）", "Last sync (push or pull)"),
        request.t("30天内被拒绝的修改", "Rejected changes, 30 days"), request.t("操作", "Action"),
        shown == 0 ? html("<tr><td colspan=\"8\" class=\"empty\">{}</td></tr>",
                          request.t("范围内还没有设备。", "No device in your scope yet."))
                   : rows);
    if (may_manage(request)) body += token_form(request, divisions);
    body += recent_actions(request, actions, divisions);
    return dashboard.layout().page(request, {request.t("设备", "Devices"), "/devices", body});
  });

  dashboard.add_page(router, "POST", "/devices/tokens", [&dashboard](StaffRequest& request) {
    Lang lang = request.lang;
    if (!may_manage(request))
      throw Error(ErrorCode::OutOfScope,
                  request.t("登记设备须乡镇或县级办理。",
                            "Enrolling devices is for township or county staff."));
    std::string role = request.field("role"), scope = request.field("scope");
    std::string expires = request.field("expires").empty() ? "72h" : request.field("expires");
    auto roles = token_roles(request);
    if (std::find(roles.begin(), roles.end(), role) == roles.end())
      throw Error(ErrorCode::InvalidArgument, "role '" + role + "' is not one you may enroll");
    store::validate_grid_scope(scope);
    if (!request.in_scope(scope)) throw Error(ErrorCode::NotFound, "scope outside yours");
    int64_t lifetime = parse_duration(expires);
    if (lifetime > 7 * 86400)
      throw Error(ErrorCode::InvalidArgument, "a token is valid for at most 7 days");
    std::string token;
    int64_t now = CountyContext::now();
    std::string fingerprint = dashboard.county().server_fingerprint();
    Divisions divisions;
    {
      auto guard = dashboard.county().lock();
      divisions = Divisions::load(dashboard.county().authority());
      if (!divisions.by_path.count(scope))
        throw Error(ErrorCode::InvalidArgument,
                    "scope " + scope + " is not a division of the county");
      auto& server_db = dashboard.county().server_database().db();
      {
        sqlite::Transaction transaction(server_db);
        token = EnrollmentTokens(dashboard.county().server_database())
                    .create(role, scope, lifetime, now);
        transaction.commit();
      }
      StaffAccounts(dashboard.county().authority().store().database())
          .record_action(request.staff, "token_created", scope,
                         {{"role", role}, {"expires_at", now + lifetime}}, now);
    }
    std::string server = "https://" + request.http.header("host");
    std::string uri = "doorstep://enroll?server=" + url_encode(server) +
                      "&token=" + url_encode(token) + "&fingerprint=" + fingerprint;
    Markup body = html(
        "<div class=\"token card\"><p>{}</p><p class=\"token-text\" id=\"token\">{}</p>"
        "<div class=\"qr-wrap\">{}</div><dl class=\"facts\"><dt>{}</dt><dd>{}</dd><dt>{}</dt>"
        "<dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd class=\"code wrap\">{}</dd></dl>"
        "<p class=\"hint\">{}</p><pre class=\"code wrap\">doorstep enroll --db phone.db --server "
        "{} "
        "--token {} --fingerprint {}</pre><p><a href=\"/devices\">{}</a></p></div>",
        request.t("登记码只显示这一次，请让设备扫描二维码，或把登记码读给使用者。",
                  "The token is shown this once: let the device scan the code, or read the token "
                  "out."),
        token, raw(qr_svg(uri, request.t("登记二维码", "Enrollment QR code"))),
        request.t("角色", "Role"), device_role_label(lang, role), request.t("范围", "Scope"),
        divisions.label(scope), request.t("有效期至", "Valid until"),
        time_of_ms((now + lifetime) * 1000),
        request.t("服务器证书指纹", "Server certificate fingerprint"), fingerprint,
        request.t("命令行登记：", "On the command line:"), server, token, fingerprint,
        request.t("返回设备列表", "Back to the devices"));
    dashboard.event("info", "staff_token_created",
                    {{"name", request.staff.name}, {"role", role}, {"scope", scope}});
    return dashboard.layout().page(
        request, {request.t("新设备登记码", "New enrollment token"), "/devices", body, 201});
  });

  dashboard.add_page(router, "POST", "/devices/{id}/revoke", [&dashboard](StaffRequest& request) {
    const std::string& id = request.params.at("id");
    if (!may_manage(request))
      throw Error(ErrorCode::OutOfScope,
                  request.t("吊销设备须乡镇或县级办理。",
                            "Revoking devices is for township or county staff."));
    auto guard = dashboard.county().lock();
    auto& county = dashboard.county().authority();
    const json devices = county.devices();
    const json* found = nullptr;
    for (const auto& device : devices)
      if (json_text(device, "id") == id) found = &device;
    if (!found || !request.in_scope(json_text(*found, "scope")))
      throw Error(ErrorCode::NotFound, "no such device");
    if (id == county.store().identity().device_id)
      throw Error(ErrorCode::OutOfScope,
                  request.t("县级数据库自身的设备不能在这里吊销。",
                            "The county's own replica cannot be revoked here."));
    county.revoke_device(id);
    StaffAccounts(county.store().database())
        .record_action(request.staff, "device_revoked", id,
                       {{"name", json_text(*found, "name")}, {"scope", json_text(*found, "scope")}},
                       CountyContext::now());
    dashboard.event("info", "staff_device_revoked", {{"name", request.staff.name}, {"device", id}});
    return redirect_to("/devices?msg=revoked");
  });
}

}  // namespace doorstep::server::web
