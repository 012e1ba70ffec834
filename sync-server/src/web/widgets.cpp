// Shared page pieces.
#include "web/widgets.h"

#include <algorithm>
#include <ctime>

#include "core/monitoring/calendar.h"
#include "web/form_data.h"
#include "web/household_index.h"

namespace doorstep::server::web {

Markup level_badge(Lang lang, const std::string& level) {
  std::string css = level.empty() ? "none" : level;
  return html("<span class=\"badge level-{}\">{}</span>", css, level_label(lang, level));
}

Markup state_badge(Lang lang, const std::string& state) {
  if (state.empty()) return raw("");
  return html("<span class=\"badge state state-{}\">{}</span>", state,
              case_state_label(lang, state));
}

Markup overdue_badge(Lang lang) {
  return html("<span class=\"badge overdue\">{}</span>", pick(lang, "超期", "Overdue"));
}

std::string staff_or_device_role(Lang lang, const std::string& role) {
  if (role == "village-leader") return device_role_label(lang, role);
  if (role == "grid-worker") return device_role_label(lang, role);
  return staff_role_label(lang, role);
}

std::string time_of_ms(int64_t ms) {
  if (ms <= 0) return "";
  // China Standard Time (UTC+8, no daylight saving), the county's clock.
  std::time_t seconds = static_cast<std::time_t>(ms / 1000) + 8 * 3600;
  std::tm local{};
  gmtime_r(&seconds, &local);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d", local.tm_year + 1900,
                local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min);
  return text;
}

std::string time_of_iso(const std::string& iso) {
  std::tm utc{};
  if (iso.size() < 19 || iso[10] != 'T' ||
      std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                  &utc.tm_hour, &utc.tm_min, &utc.tm_sec) != 6)
    return iso;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return time_of_ms(static_cast<int64_t>(timegm(&utc)) * 1000);
}

std::string today_text() {
  return monitoring::today().to_string();
}

int64_t days_since(const std::string& date) {
  auto parsed = monitoring::Date::parse(date.substr(0, 10));
  if (!parsed) return 0;
  return monitoring::today().days - parsed->days;
}

std::string link_with(const StaffRequest& request,
                      const std::vector<std::pair<std::string, std::string>>& changes) {
  std::map<std::string, std::string> query = request.http.query;
  query.erase("msg");
  query.erase("lang");
  for (const auto& [name, value] : changes) {
    if (value.empty())
      query.erase(name);
    else
      query[name] = value;
  }
  std::string out = request.http.path;
  bool first = true;
  for (const auto& [name, value] : query) {
    out += (first ? "?" : "&") + url_encode(name) + "=" + url_encode(value);
    first = false;
  }
  return out;
}

size_t page_number(const StaffRequest& request) {
  std::string text = request.query("page");
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
    return 1;
  size_t page = std::stoul(text);
  return page == 0 ? 1 : page;
}

Markup pager(const StaffRequest& request, size_t total, size_t page, size_t per_page) {
  size_t pages = total == 0 ? 1 : (total + per_page - 1) / per_page;
  Markup previous =
      page > 1 ? html("<a rel=\"prev\" href=\"{}\">{}</a>",
                      link_with(request, {{"page", page - 1 == 1 ? "" : std::to_string(page - 1)}}),
                      request.t("上一页", "Previous"))
               : raw("");
  Markup next = page < pages ? html("<a rel=\"next\" href=\"{}\">{}</a>",
                                    link_with(request, {{"page", std::to_string(page + 1)}}),
                                    request.t("下一页", "Next"))
                             : raw("");
  return html("<nav class=\"pager\" aria-label=\"{}\">{}<span>{}</span>{}</nav>",
              request.t("分页", "Pages"), previous,
              request.lang == Lang::Zh
                  ? "第 " + std::to_string(page) + " / " + std::to_string(pages) + " 页，共 " +
                        std::to_string(total) + " 条"
                  : "Page " + std::to_string(page) + " of " + std::to_string(pages) + ", " +
                        std::to_string(total) + " in all",
              next);
}

Markup select_field(const std::string& id, const std::string& label, const std::string& name,
                    const Options& options, const std::string& selected) {
  Markup choices;
  for (const auto& [value, text] : options)
    choices += html("<option value=\"{}\"{}>{}</option>", value,
                    raw(value == selected ? " selected" : ""), text);
  return html(
      "<div class=\"field\"><label for=\"{}\">{}</label><select id=\"{}\" name=\"{}\">{}"
      "</select></div>",
      id, label, id, name, choices);
}

Markup text_field(const std::string& id, const std::string& label, const std::string& name,
                  const std::string& value, const std::string& extra_attributes) {
  return html(
      "<div class=\"field\"><label for=\"{}\">{}</label>"
      "<input id=\"{}\" name=\"{}\" value=\"{}\"{}></div>",
      id, label, id, name, value, raw(extra_attributes));
}

namespace {

// The text of `html` without its tags (entities kept: it stays valid in an attribute).
std::string without_tags(const std::string& html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag) out.push_back(c == '"' ? ' ' : c);
    if (c == '>') in_tag = false;
  }
  for (const char* arrow : {" ▲", " ▼"})  // a sorted column's mark
    for (size_t at; (at = out.find(arrow)) != std::string::npos;)
      out.erase(at, std::string(arrow).size());
  size_t first = out.find_first_not_of(' '), last = out.find_last_not_of(' ');
  return first == std::string::npos ? "" : out.substr(first, last - first + 1);
}

}  // namespace

Markup labelled_tables(const Markup& page) {
  const std::string& text = page.text;
  Markup out;
  size_t at = 0;
  while (true) {
    size_t head = text.find("<thead>", at);
    if (head == std::string::npos) break;
    size_t head_end = text.find("</thead>", head);
    size_t body_end = text.find("</tbody>", head_end);
    if (head_end == std::string::npos || body_end == std::string::npos) break;
    std::vector<std::string> labels;
    for (size_t th = text.find("<th", head + 7); th < head_end; th = text.find("<th", th + 3)) {
      size_t open_end = text.find('>', th);
      size_t close = text.find("</th>", open_end);
      labels.push_back(without_tags(text.substr(open_end + 1, close - open_end - 1)));
    }
    out.text.append(text, at, head_end - at);
    size_t column = 0, cursor = head_end;
    while (true) {
      size_t tr = text.find("<tr", cursor), td = text.find("<td", cursor),
             th = text.find("<th", cursor);
      size_t next = std::min({tr, td, th});
      if (next == std::string::npos || next > body_end) break;
      out.text.append(text, cursor, next + 3 - cursor);
      if (next == tr) {
        column = 0;
      } else if (next == th) {
        ++column;  // a row's header cell (the division, the question) keeps its own text
      } else {
        if (column < labels.size() && !labels[column].empty())
          out.text += " data-label=\"" + labels[column] + "\"";
        ++column;
      }
      cursor = next + 3;
    }
    out.text.append(text, cursor, body_end - cursor);
    at = body_end;
  }
  out.text.append(text, at, std::string::npos);
  return out;
}

Markup action_notice(const StaffRequest& request) {
  static const std::map<std::string, std::pair<const char*, const char*>> kMessages = {
      {"password", {"新密码已保存。", "Your new password is saved."}},
      {"advanced", {"监测对象状态已更新。", "The case moved on."}},
      {"measure", {"帮扶措施已记录。", "The measure is recorded."}},
      {"objection", {"异议已记录。", "The objection is recorded."}},
      {"settled", {"异议已处理。", "The objection is settled."}},
      {"resolved", {"冲突已解决。", "The conflict is resolved."}},
      {"revoked", {"设备已吊销。", "The device is revoked."}},
      {"imported", {"导入完成。", "The import is done."}},
  };
  auto it = kMessages.find(request.query("msg"));
  if (it == kMessages.end()) return raw("");
  return html("<div class=\"notice ok\" role=\"status\"><p>{}</p></div>",
              request.t(it->second.first, it->second.second));
}

Divisions Divisions::load(sync::CountyAuthority& county) {
  Divisions out;
  const nlohmann::json grids = county.grids();
  for (const auto& grid : grids)
    out.by_path[grid.value("path", "")] = {grid.value("name", ""), grid.value("level", "")};
  return out;
}

std::string Divisions::name(const std::string& path) const {
  auto it = by_path.find(path);
  return it == by_path.end() ? "" : it->second.first;
}

std::string Divisions::label(const std::string& path) const {
  std::string known = name(path);
  return known.empty() ? path : known + " (" + path + ")";
}

std::vector<std::string> Divisions::within(const std::string& scope,
                                           const std::string& level) const {
  std::vector<std::string> out;
  for (const auto& [path, info] : by_path)
    if (info.second == level && grid_in(path, scope)) out.push_back(path);
  return out;
}

Options area_options(const StaffRequest& request, const Divisions& divisions) {
  Options options = {{"", request.t("全部（我的范围）", "All (my scope)")}};
  for (const auto& [path, info] : divisions.by_path) {
    if (!request.in_scope(path) || path == request.staff.scope) continue;
    std::string indent = info.second == "village" ? "· " : info.second == "grid" ? "·· " : "";
    options.push_back({path, indent + divisions.label(path)});
  }
  return options;
}

}  // namespace doorstep::server::web
