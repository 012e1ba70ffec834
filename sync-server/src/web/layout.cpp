// Layout: the page frame and the security headers.
#include "web/layout.h"

#include "web/form_data.h"
#include "web/widgets.h"

namespace doorstep::server::web {
namespace {

struct NavEntry {
  const char* path;
  const char* zh;
  const char* en;
  StaffRole least;  // the lowest role that sees it
};

constexpr NavEntry kNav[] = {
    {"/", "总览", "Overview", StaffRole::Village},
    {"/households", "农户", "Households", StaffRole::Village},
    {"/cases", "监测对象", "Cases", StaffRole::Village},
    {"/tasks", "任务", "Tasks", StaffRole::Village},
    {"/warnings", "预警", "Warnings", StaffRole::Village},
    {"/devices", "设备", "Devices", StaffRole::Village},
    {"/imports", "部门数据", "Imports", StaffRole::County},
};

}  // namespace

void add_security_headers(HttpResponse& response) {
  response.headers["content-security-policy"] = kContentSecurityPolicy;
  response.headers["x-content-type-options"] = "nosniff";
  response.headers["referrer-policy"] = "no-referrer";
  response.headers["x-frame-options"] = "DENY";
}

HttpResponse redirect_to(const std::string& location) {
  HttpResponse response;
  response.status = 303;
  response.content_type = "text/plain; charset=utf-8";
  response.headers["location"] = location;
  response.headers["cache-control"] = "no-store";
  add_security_headers(response);
  return response;
}

Markup csrf_field(const StaffRequest& request) {
  return html(R"(<input type="hidden" name="csrf" value="{}">)", request.session.csrf_token);
}

std::string lang_switch_url(const HttpRequest& request, Lang to) {
  std::string query;
  for (const auto& [name, value] : request.query) {
    if (name == "lang" || name == "msg") continue;
    query += (query.empty() ? "?" : "&") + url_encode(name) + "=" + url_encode(value);
  }
  query += std::string(query.empty() ? "?" : "&") + "lang=" + lang_code(to);
  return request.path + query;
}

Markup Layout::head(Lang lang, const std::string& title) const {
  return html(
      "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{} · {}</title><link rel=\"stylesheet\" href=\"{}\">"
      "<link rel=\"icon\" href=\"{}\" type=\"image/svg+xml\">"
      "<script src=\"{}\" defer></script></head>",
      lang == Lang::Zh ? "zh-CN" : "en", title, pick(lang, "防返贫监测", "Doorstep"),
      assets_.url("app.css"), assets_.url("favicon.svg"), assets_.url("app.js"));
}

HttpResponse Layout::finish(Markup document, int status) const {
  HttpResponse response =
      HttpResponse::text(status, std::move(document.text), "text/html; charset=utf-8");
  response.headers["cache-control"] = "no-store";
  add_security_headers(response);
  return response;
}

HttpResponse Layout::page(const StaffRequest& request, const Page& page) const {
  Lang lang = request.lang;
  Markup nav;
  for (const auto& entry : kNav) {
    if (request.staff.role < entry.least) continue;
    bool current = page.nav == entry.path;
    nav += html("<li><a href=\"{}\"{}>{}</a></li>", entry.path,
                raw(current ? " aria-current=\"page\"" : ""), pick(lang, entry.zh, entry.en));
  }
  Lang other = lang == Lang::Zh ? Lang::En : Lang::Zh;
  Markup document = head(lang, page.title);
  document += html(
      "<body><a class=\"skip\" href=\"#main\">{}</a>"
      "<header class=\"top\"><div class=\"bar\"><a class=\"brand\" href=\"/\">"
      "<img src=\"{}\" alt=\"\" width=\"28\" height=\"28\"><span>{}</span></a>"
      "<div class=\"who\"><span class=\"person\">{} · {} <span class=\"scope\">{}</span></span>"
      "<a class=\"lang\" href=\"{}\" lang=\"{}\">{}</a>"
      "<form method=\"post\" action=\"/logout\" class=\"logout\">{}"
      "<button type=\"submit\">{}</button></form></div></div>"
      "<nav aria-label=\"{}\"><ul>{}</ul></nav></header>"
      "<main id=\"main\"><h1>{}</h1>{}</main>"
      "<footer><p>{} · {}</p></footer></body></html>",
      pick(lang, "跳到正文", "Skip to content"), assets_.url("favicon.svg"), county_name_,
      request.staff.name, staff_role_label(lang, to_string(request.staff.role)),
      request.staff.scope, lang_switch_url(request.http, other), lang_code(other),
      pick(lang, "English", "中文"), csrf_field(request), pick(lang, "退出", "Log out"),
      pick(lang, "主导航", "Main"), nav, page.title, labelled_tables(page.body),
      pick(lang, "防止返贫动态监测", "Monitoring against a return to poverty"), county_name_);
  return finish(std::move(document), page.status);
}

HttpResponse Layout::bare(const HttpRequest& request, Lang lang, const Page& page) const {
  Lang other = lang == Lang::Zh ? Lang::En : Lang::Zh;
  Markup document = head(lang, page.title);
  document += html(
      "<body class=\"bare\"><header class=\"top\"><div class=\"bar\"><span class=\"brand\">"
      "<img src=\"{}\" alt=\"\" width=\"28\" height=\"28\"><span>{}</span></span>"
      "<div class=\"who\"><a class=\"lang\" href=\"{}\" lang=\"{}\">{}</a></div></div></header>"
      "<main id=\"main\"><h1>{}</h1>{}</main></body></html>",
      assets_.url("favicon.svg"), county_name_, lang_switch_url(request, other), lang_code(other),
      pick(lang, "English", "中文"), page.title, page.body);
  return finish(std::move(document), page.status);
}

HttpResponse Layout::error(const HttpRequest& http, const StaffRequest* request, Lang lang,
                           int status, const std::string& message) const {
  std::string title;
  switch (status) {
    case 400: title = pick(lang, "请求有误", "Bad request"); break;
    case 401: title = pick(lang, "请先登录", "Please log in"); break;
    case 403: title = pick(lang, "不能这样做", "Not allowed"); break;
    case 404: title = pick(lang, "没有找到", "Not found"); break;
    case 409: title = pick(lang, "现在不能这样做", "Not possible now"); break;
    case 413: title = pick(lang, "文件太大", "Too large"); break;
    case 429: title = pick(lang, "尝试次数过多", "Too many attempts"); break;
    case 503: title = pick(lang, "服务器忙", "The server is busy"); break;
    default: title = pick(lang, "出错了", "Something went wrong");
  }
  Markup body = html("<div class=\"notice error\" role=\"alert\"><p>{}</p></div>", message);
  if (request)
    body += html("<p><a href=\"/\" data-back>{}</a> · <a href=\"/\">{}</a></p>",
                 pick(lang, "返回", "Back"), pick(lang, "回到总览", "Go to the overview"));
  else
    body += html("<p><a href=\"/login\">{}</a></p>", pick(lang, "登录", "Log in"));
  Page page{title, "", body, status};
  return request ? this->page(*request, page) : bare(http, lang, page);
}

}  // namespace doorstep::server::web
