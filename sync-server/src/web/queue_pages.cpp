// The working queues: /tasks and /warnings, each counted by department (a task's kind, a
// warning's source and, for department data, the department) and by area (village), and
// listed overdue (or oldest) first.
#include <algorithm>
#include <functional>
#include <tuple>

#include "core/common/error.h"
#include "core/store/grid_path.h"
#include "county/department_sources.h"
#include "web/dashboard.h"
#include "web/form_labels.h"
#include "web/household_index.h"
#include "web/json_text.h"
#include "web/overview_counts.h"
#include "web/pages.h"
#include "web/widgets.h"

namespace doorstep::server::web {
namespace {

using nlohmann::json;

constexpr size_t kRowsPerPage = 50;

// The department of a department-data warning (its trigger begins "department:SOURCE|").
std::string department_of(const json& warning) {
  std::string trigger = json_text(warning, "trigger");
  const std::string prefix = "department:";
  if (trigger.rfind(prefix, 0) != 0) return "";
  return trigger.substr(prefix.size(), trigger.find('|') - prefix.size());
}

std::string department_label(const std::string& id) {
  if (const DepartmentSource* source = find_department_source(id)) return source->label;
  return id;
}

// A count table: rows (key, label, total, overdue) linking to the list filtered by the key.
Markup count_table(const StaffRequest& request, const char* zh, const char* en,
                   const std::vector<std::tuple<std::string, std::string, int64_t, int64_t>>& rows,
                   const std::string& parameter, const char* overdue_zh, const char* overdue_en) {
  Markup body;
  for (const auto& [key, label, total, overdue] : rows)
    body += html(
        "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td class=\"num\">{}</td>"
        "<td class=\"num{}\">{}</td></tr>",
        link_with(request, {{parameter, key}, {"page", ""}}), label, total,
        overdue > 0 ? " alert" : "", overdue);
  return html(
      "<section class=\"panel\"><h2>{}</h2><div class=\"table-wrap\"><table class=\"data "
      "compact\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}"
      "</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>{}</tbody></table>"
      "</div></section>",
      request.t(zh, en), request.t(zh, en), request.t("数量", "Count"),
      request.t(overdue_zh, overdue_en), body);
}

using CountRows = std::vector<std::tuple<std::string, std::string, int64_t, int64_t>>;

CountRows rows_of(const std::map<std::string, std::pair<int64_t, int64_t>>& counts,
                  const std::function<std::string(const std::string&)>& label) {
  CountRows rows;
  for (const auto& [key, count] : counts)
    rows.emplace_back(key, label(key), count.first, count.second);
  return rows;
}

}  // namespace

void add_queue_pages(Dashboard& dashboard, Router& router) {
  dashboard.add_page(router, "GET", "/tasks", [&dashboard](StaffRequest& request) {
    Lang lang = request.lang;
    std::string area = request.area();
    std::string kind = request.query("kind");
    bool overdue = request.query("overdue") == "1";
    size_t page = page_number(request);
    store::MonitoringFilter filter;
    filter.scope = area;
    filter.overdue = overdue;
    json tasks;
    std::map<std::string, std::string> names;
    Divisions divisions;
    {
      auto guard = dashboard.county().lock();
      const json listed = dashboard.county().authority().store().tasks(filter)["tasks"];
      tasks = listed;
      HouseholdIndex& index = dashboard.household_index();
      for (const auto& task : tasks)
        if (const HouseholdEntry* entry = index.find(json_text(task, "household")))
          names[entry->id] = entry->head_name;
      divisions = Divisions::load(dashboard.county().authority());
    }
    std::map<std::string, std::pair<int64_t, int64_t>> by_kind, by_area;
    json shown = json::array();
    for (const auto& task : tasks) {
      bool late = task.value("overdue", false);
      auto& k = by_kind[json_text(task, "kind")];
      ++k.first;
      k.second += late;
      auto& a = by_area[leading_parts(json_text(task, "assignee"), 3)];
      ++a.first;
      a.second += late;
      if (kind.empty() || json_text(task, "kind") == kind) shown.push_back(task);
    }
    Markup rows;
    for (size_t i = (page - 1) * kRowsPerPage; i < shown.size() && i < page * kRowsPerPage; ++i) {
      const json& task = shown[i];
      std::string household = json_text(task, "household");
      rows += html(
          "<tr><td>{}{}</td><td>{}</td><td><a href=\"/households/{}\">{}</a></td>"
          "<td>{}</td><td>{}</td><td>{}</td></tr>",
          json_text(task, "due"),
          task.value("overdue", false) ? html(" {}", overdue_badge(lang)) : raw(""),
          task_kind_label(lang, json_text(task, "kind")), household,
          names[household].empty() ? household : names[household],
          divisions.label(leading_parts(json_text(task, "assignee"), 3)),
          json_text(task, "assignee"),
          json_text(task, "case").empty()
              ? raw("")
              : html("<a href=\"/cases/{}\">{}</a>", json_text(task, "case"),
                     request.t("监测对象", "case")));
    }
    Markup body = html(
        "<div class=\"panels\">{}{}</div>",
        count_table(
            request, "按任务类型", "By kind",
            rows_of(by_kind, [&](const std::string& key) { return task_kind_label(lang, key); }),
            "kind", "超期", "Overdue"),
        count_table(request, "按村", "By village",
                    rows_of(by_area, [&](const std::string& key) { return divisions.label(key); }),
                    "area", "超期", "Overdue"));
    body += html(
        "<form method=\"get\" action=\"/tasks\" class=\"filters\">{}{}"
        "<div class=\"field check\"><input type=\"checkbox\" id=\"t-overdue\" name=\"overdue\" "
        "value=\"1\"{}><label for=\"t-overdue\">{}</label></div>"
        "<div class=\"actions\"><button type=\"submit\" class=\"primary\">{}</button></div></form>",
        select_field("t-area", request.t("区域", "Area"), "area", area_options(request, divisions),
                     request.query("area")),
        select_field("t-kind", request.t("任务类型", "Kind"), "kind",
                     {{"", request.t("全部", "All")},
                      {"verify", task_kind_label(lang, "verify")},
                      {"follow_up", task_kind_label(lang, "follow_up")},
                      {"elimination_check", task_kind_label(lang, "elimination_check")},
                      {"revisit", task_kind_label(lang, "revisit")}},
                     kind),
        raw(overdue ? " checked" : ""), request.t("只看超期", "Overdue only"),
        request.t("筛选", "Filter"));
    body +=
        shown.empty()
            ? html("<p class=\"empty\">{}</p>", request.t("没有未完成的任务。", "No open task."))
            : html(
                  "<div class=\"table-wrap\"><table class=\"data\"><caption>{}</caption>"
                  "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                  "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                  "<th scope=\"col\">{}</th></tr></thead><tbody>{}</tbody></table></div>",
                  request.t("超期的排在前面", "Overdue first"), request.t("期限", "Due"),
                  request.t("类型", "Kind"), request.t("农户", "Household"),
                  request.t("村", "Village"), request.t("网格", "Grid"),
                  request.t("监测对象", "Case"), rows);
    body += pager(request, shown.size(), page, kRowsPerPage);
    return dashboard.layout().page(request, {request.t("任务", "Tasks"), "/tasks", body});
  });

  dashboard.add_page(router, "GET", "/warnings", [&dashboard](StaffRequest& request) {
    Lang lang = request.lang;
    std::string area = request.area();
    std::string source = request.query("source");
    std::string status = request.query("status");
    if (!status.empty() && status != "open" && status != "closed")
      throw Error(ErrorCode::InvalidArgument, "status must be open or closed");
    size_t page = page_number(request);
    store::MonitoringFilter filter;
    filter.scope = area;
    filter.status = status;
    json warnings;
    std::map<std::string, std::string> names, household_grid;
    Divisions divisions;
    FormLabels labels;
    {
      auto guard = dashboard.county().lock();
      const json listed = dashboard.county().authority().store().warnings(filter)["warnings"];
      warnings = listed;
      HouseholdIndex& index = dashboard.household_index();
      for (const auto& warning : warnings)
        if (const HouseholdEntry* entry = index.find(json_text(warning, "household"))) {
          names[entry->id] = entry->head_name;
          household_grid[entry->id] = entry->grid;
        }
      divisions = Divisions::load(dashboard.county().authority());
      auto forms = dashboard.county().authority().store().forms();
      if (!forms.empty()) labels = FormLabels(forms.back().second);
    }
    // The longest waiting first: open warnings are worked oldest first.
    std::vector<const json*> shown;
    std::map<std::string, std::pair<int64_t, int64_t>> by_source, by_area;
    for (const auto& warning : warnings) {
      std::string key = json_text(warning, "source");
      std::string department = department_of(warning);
      if (!department.empty()) key += ":" + department;
      bool old = days_since(json_text(warning, "created_at")) > 30;
      auto& s = by_source[key];
      ++s.first;
      s.second += old;
      auto& a = by_area[leading_parts(household_grid[json_text(warning, "household")], 3)];
      ++a.first;
      a.second += old;
      if (source.empty() || key == source || json_text(warning, "source") == source)
        shown.push_back(&warning);
    }
    std::stable_sort(shown.begin(), shown.end(), [](const json* a, const json* b) {
      return json_text(*a, "created_at") < json_text(*b, "created_at");
    });
    auto source_label = [&](const std::string& key) {
      auto colon = key.find(':');
      std::string label = warning_source_label(lang, key.substr(0, colon));
      if (colon != std::string::npos) label += " · " + department_label(key.substr(colon + 1));
      return label;
    };
    Markup rows;
    for (size_t i = (page - 1) * kRowsPerPage; i < shown.size() && i < page * kRowsPerPage; ++i) {
      const json& warning = *shown[i];
      std::string household = json_text(warning, "household");
      std::string key = json_text(warning, "source");
      if (!department_of(warning).empty()) key += ":" + department_of(warning);
      Markup rules;
      if (warning.contains("rules") && warning["rules"].is_array())
        for (const auto& rule : warning["rules"])
          if (rule.is_string())
            rules += html("<li>{}</li>", labels.rule(lang, rule.get<std::string>()));
      int64_t age = days_since(json_text(warning, "created_at"));
      rows += html(
          "<tr><td>{}<div class=\"sub\">{}</div></td><td>{} {}</td>"
          "<td><a href=\"/households/{}\">{}</a><div class=\"sub\">{}</div></td>"
          "<td><ul class=\"values\">{}</ul>{}</td><td>{}</td></tr>",
          time_of_iso(json_text(warning, "created_at")),
          lang == Lang::Zh ? std::to_string(age) + " 天" : std::to_string(age) + " days",
          level_badge(lang, json_text(warning, "level")), source_label(key), household,
          names[household].empty() ? household : names[household],
          divisions.label(leading_parts(household_grid[household], 3)), rules,
          json_text(warning, "reason"),
          json_text(warning, "case").empty()
              ? raw("")
              : html("<a href=\"/cases/{}\">{}</a>", json_text(warning, "case"),
                     request.t("监测对象", "case")));
    }
    Markup body = html(
        "<div class=\"panels\">{}{}</div>",
        count_table(request, "按来源（部门）", "By source (department)",
                    rows_of(by_source, source_label), "source", "超过30天", "Older than 30 days"),
        count_table(request, "按村", "By village",
                    rows_of(by_area, [&](const std::string& key) { return divisions.label(key); }),
                    "area", "超过30天", "Older than 30 days"));
    Options sources = {{"", request.t("全部", "All")}};
    for (const char* s : {"rules", "department", "application", "escalation"})
      sources.push_back({s, warning_source_label(lang, s)});
    body += html(
        "<form method=\"get\" action=\"/warnings\" class=\"filters\">{}{}{}"
        "<div class=\"actions\"><button type=\"submit\" class=\"primary\">{}</button></div></form>",
        select_field("w-area", request.t("区域", "Area"), "area", area_options(request, divisions),
                     request.query("area")),
        select_field("w-source", request.t("来源", "Source"), "source", sources,
                     source.find(':') == std::string::npos ? source : "department"),
        select_field("w-status", request.t("状态", "Status"), "status",
                     {{"", request.t("未处理", "Open")}, {"closed", request.t("已关闭", "Closed")}},
                     status),
        request.t("筛选", "Filter"));
    body += shown.empty()
                ? html("<p class=\"empty\">{}</p>", request.t("没有预警。", "No warning."))
                : html(
                      "<div class=\"table-wrap\"><table class=\"data\"><caption>{}</caption>"
                      "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                      "</tr></thead><tbody>{}</tbody></table></div>",
                      request.t("等待最久的排在前面", "Longest waiting first"),
                      request.t("预警时间", "Raised"), request.t("等级与来源", "Level and source"),
                      request.t("农户", "Household"), request.t("原因", "Why"),
                      request.t("监测对象", "Case"), rows);
    body += pager(request, shown.size(), page, kRowsPerPage);
    return dashboard.layout().page(request, {request.t("预警", "Warnings"), "/warnings", body});
  });
}

}  // namespace doorstep::server::web
