// The overview (/): counts by level and monitoring type per township, with drill-down to
// village and grid; cases by state; open warnings by source and age; what is overdue; what
// changed in the last 30 days; the home visits and phone check-ins past due per division (the
// visit schedule's due dates, kept in the household index; counted as county/overdue_list.h).
#include <algorithm>
#include <chrono>
#include <map>

#include "core/store/grid_path.h"
#include "county/overdue_list.h"
#include "web/dashboard.h"
#include "web/household_index.h"
#include "web/overview_counts.h"
#include "web/pages.h"
#include "web/widgets.h"

namespace doorstep::server::web {
namespace {

// The level shares of a division as a bar (SVG: its widths are attributes, which the CSP
// allows, unlike inline styles).
Markup level_bar(Lang lang, const LevelCounts& counts) {
  if (counts.total == 0) return raw("");
  Markup rects;
  double x = 0;
  auto part = [&](int64_t n, const char* css) {
    if (n == 0) return;
    double width = 100.0 * static_cast<double>(n) / static_cast<double>(counts.total);
    rects += html("<rect class=\"{}\" x=\"{}\" y=\"0\" width=\"{}\" height=\"10\"/>", css,
                  static_cast<int>(x * 100) / 100.0, static_cast<int>(width * 100) / 100.0);
    x += width;
  };
  part(counts.red, "bar-red");
  part(counts.yellow, "bar-yellow");
  part(counts.green, "bar-green");
  part(counts.none, "bar-none");
  std::string label = std::string(pick(lang, "红", "red ")) + std::to_string(counts.red) +
                      pick(lang, "，黄", ", yellow ") + std::to_string(counts.yellow) +
                      pick(lang, "，绿", ", green ") + std::to_string(counts.green) +
                      pick(lang, "，未调查", ", not surveyed ") + std::to_string(counts.none);
  return html(
      "<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" "
      "role=\"img\" aria-label=\"{}\">{}</svg>",
      label, rects);
}

Markup stat(const std::string& label, int64_t value, const std::string& href,
            const std::string& css = "") {
  return html(
      "<a class=\"stat {}\" href=\"{}\"><span class=\"value\">{}</span>"
      "<span class=\"label\">{}</span></a>",
      css, href, value, label);
}

Markup breadcrumb(const StaffRequest& request, const Divisions& divisions,
                  const std::string& area) {
  Markup crumbs;
  int from = parts_of(request.staff.scope), to = parts_of(area);
  for (int parts = from; parts <= to; ++parts) {
    std::string path = leading_parts(area, parts);
    std::string name = divisions.name(path).empty() ? path : divisions.name(path);
    if (parts == to)
      crumbs +=
          html("<li aria-current=\"page\">{} <span class=\"code\">{}</span></li>", name, path);
    else
      crumbs += html("<li><a href=\"/?area={}\">{}</a></li>", path, name);
  }
  return html("<nav class=\"crumbs\" aria-label=\"{}\"><ol>{}</ol></nav>",
              request.t("所在区域", "Area"), crumbs);
}

Markup divisions_table(const StaffRequest& request, const Divisions& divisions,
                       const OverviewCounts& counts, const std::string& area) {
  Lang lang = request.lang;
  int child_parts = parts_of(area) + 1;
  static const char* kLevels[] = {"", "county", "township", "village", "grid"};
  std::string child_level = child_parts <= 4 ? kLevels[child_parts] : "";
  Markup rows;
  // Every division of the next level, with households or not.
  std::map<std::string, LevelCounts> shown = counts.by_division;
  for (const auto& path : divisions.within(area, child_level))
    if (parts_of(path) == child_parts) shown.try_emplace(path);
  for (const auto& [path, row] : shown) {
    std::string name = divisions.name(path).empty() ? path : divisions.name(path);
    std::string href = child_parts < 4 ? "/?area=" + path : "/households?area=" + path;
    rows += html(
        "<tr><th scope=\"row\"><a href=\"{}\">{}</a> <span class=\"code\">{}</span></th>"
        "<td class=\"num\">{}</td><td class=\"num red\">{}</td><td class=\"num yellow\">{}</td>"
        "<td class=\"num green\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"barcell\">{}</td></tr>",
        href, name, path, row.total, row.red, row.yellow, row.green, row.none, row.unstable,
        row.marginal, row.sudden, level_bar(lang, row));
  }
  if (shown.empty()) return raw("");
  return html(
      "<section><h2>{}</h2><div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
      "<th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
      "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
      "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
      "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
      "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th></tr></thead>"
      "<tbody>{}</tbody></table></div></section>",
      lang == Lang::Zh ? "按" + division_level_label(lang, child_level) + "统计"
                       : "By " + division_level_label(lang, child_level),
      division_level_label(lang, child_level), request.t("户数", "Households"),
      level_label(lang, "red"), level_label(lang, "yellow"), level_label(lang, "green"),
      level_label(lang, ""), monitoring_type_label(lang, "unstable"),
      monitoring_type_label(lang, "marginal"), monitoring_type_label(lang, "sudden"),
      request.t("分布", "Levels"), rows);
}

// The overdue counts of the divisions one level below `area` (the area itself when it is a
// grid): together they count what is overdue within the area once.
// The home visits and phone check-ins past due in each division one level below `area` (a
// grid's own for a grid): every division of the county there, zeros included, and any other
// a household with one past due lives at — the counts county/overdue_list.h gives, read off
// the household index instead of the schedule of every household at each view.
std::vector<AreaCount> overdue_visits_below(const HouseholdIndex& index, const Divisions& divisions,
                                            const std::string& area, const std::string& today) {
  static const char* kLevels[] = {"", "county", "township", "village", "grid"};
  int child_parts = std::min(parts_of(area) + 1, 4);
  std::map<std::string, AreaCount> areas;
  auto at = [&](const std::string& path) -> AreaCount& {
    AreaCount& count = areas[path];
    if (count.code.empty()) {
      count.level = kLevels[child_parts];
      count.code = path;
      count.name = divisions.name(path);
    }
    return count;
  };
  for (const auto& [path, division] : divisions.by_path)
    if (parts_of(path) == child_parts && store::grid_within(path, area)) at(path);
  index.each_in(area, [&](const HouseholdEntry& entry) {
    bool visit = entry.visit_overdue(today), checkin = entry.checkin_overdue(today);
    if (!visit && !checkin) return;
    std::string prefix = leading_parts(entry.grid, child_parts);
    if (prefix.empty()) return;
    AreaCount& count = at(prefix);
    count.visit += visit ? 1 : 0;
    count.checkin += checkin ? 1 : 0;
  });
  std::vector<AreaCount> out;
  out.reserve(areas.size());
  for (auto& [path, count] : areas) out.push_back(std::move(count));
  return out;
}

// The visits and check-ins past due in each division below `area`, each linking to its
// households with a visit overdue.
Markup overdue_visits_section(const StaffRequest& request, const Divisions& divisions,
                              const std::vector<AreaCount>& below, const std::string& area) {
  static const char* kLevels[] = {"", "county", "township", "village", "grid"};
  Markup rows;
  for (const AreaCount& count : below) {
    std::string name = divisions.name(count.code).empty() ? count.code : divisions.name(count.code);
    rows += html(
        "<tr><th scope=\"row\"><a href=\"/households?visit_overdue=1&amp;area={}\">{}</a> "
        "<span class=\"code\">{}</span></th><td class=\"num{}\">{}</td>"
        "<td class=\"num{}\">{}</td></tr>",
        count.code, name, count.code, raw(count.visit > 0 ? " alert" : ""), count.visit,
        raw(count.checkin > 0 ? " alert" : ""), count.checkin);
  }
  if (below.empty()) return raw("");
  return html(
      "<section class=\"panel overdue-visits\"><h2>{}</h2><div class=\"table-wrap\"><table "
      "class=\"data compact\"><thead><tr><th scope=\"col\">{}</th>"
      "<th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr>"
      "</thead><tbody>{}</tbody></table></div></section>",
      request.t("超期走访（按区域）", "Overdue visits by area"),
      division_level_label(request.lang, kLevels[std::min(parts_of(area) + 1, 4)]),
      request.t("入户走访", "Home visits"), request.t("电话回访", "Phone check-ins"), rows);
}

Markup cases_section(const StaffRequest& request, const OverviewCounts& counts,
                     const std::string& area) {
  static const char* kStates[] = {"identified", "verified",  "publicised", "township_reviewed",
                                  "approved",   "assisting", "eliminated", "dismissed"};
  Markup items;
  for (const char* state : kStates) {
    auto it = counts.cases_by_state.find(state);
    int64_t n = it == counts.cases_by_state.end() ? 0 : it->second;
    items += html(
        "<li><a href=\"/cases?state={}&amp;area={}\">{}<span class=\"count\">{}</span>"
        "</a></li>",
        state, area, state_badge(request.lang, state), n);
  }
  return html("<section class=\"panel\"><h2>{}</h2><ul class=\"states\">{}</ul></section>",
              request.t("监测对象（按状态）", "Cases by state"), items);
}

Markup warnings_section(const StaffRequest& request, const OverviewCounts& counts,
                        const std::string& area) {
  Lang lang = request.lang;
  Markup rows;
  for (const char* source : {"rules", "department", "application", "escalation"}) {
    auto it = counts.warnings_by_source.find(source);
    std::vector<int64_t> ages =
        it == counts.warnings_by_source.end() ? std::vector<int64_t>(3, 0) : it->second;
    rows += html(
        "<tr><th scope=\"row\"><a href=\"/warnings?source={}&amp;area={}\">{}</a></th>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        source, area, warning_source_label(lang, source), ages[0], ages[1], ages[2]);
  }
  return html(
      "<section class=\"panel\"><h2>{}</h2><div class=\"table-wrap\"><table class=\"data "
      "compact\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}"
      "</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th>"
      "</tr></thead><tbody>{}</tbody></table></div></section>",
      request.t("未处理预警（按来源和时长）", "Open warnings by source and age"),
      request.t("来源", "Source"), request.t("7天内", "≤ 7 days"), request.t("8–30天", "8–30 days"),
      request.t("30天以上", "> 30 days"), rows);
}

}  // namespace

void add_overview_page(Dashboard& dashboard, Router& router) {
  dashboard.add_page(router, "GET", "/", [&dashboard](StaffRequest& request) {
    std::string area = request.area();
    std::string today = today_text();
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    OverviewCounts counts;
    Divisions divisions;
    std::vector<AreaCount> overdue;
    {
      auto guard = dashboard.county().lock();
      counts = count_overview(dashboard.household_index(), area, today, now_ms);
      divisions = Divisions::load(dashboard.county().authority());
      overdue = overdue_visits_below(dashboard.household_index(), divisions, area, today);
    }
    int64_t overdue_visits = 0;
    for (const AreaCount& count : overdue) overdue_visits += count.visit + count.checkin;
    Lang lang = request.lang;
    std::string in_area = "area=" + area;
    Markup body = action_notice(request);
    body += breadcrumb(request, divisions, area);
    body += html(
        "<section class=\"stats\" aria-label=\"{}\">{}{}{}{}{}{}{}{}{}</section>",
        request.t("概况", "Summary"),
        stat(request.t("农户", "Households"), counts.all.total, "/households?" + in_area),
        stat(level_label(lang, "red"), counts.all.red, "/households?level=red&" + in_area, "red"),
        stat(level_label(lang, "yellow"), counts.all.yellow, "/households?level=yellow&" + in_area,
             "yellow"),
        stat(level_label(lang, "green"), counts.all.green, "/households?level=green&" + in_area,
             "green"),
        stat(level_label(lang, ""), counts.all.none, "/households?level=none&" + in_area, "none"),
        stat(request.t("在办监测对象", "Open cases"), counts.open_cases, "/cases?" + in_area),
        stat(request.t("未处理预警", "Open warnings"), counts.open_warnings,
             "/warnings?" + in_area),
        stat(request.t("超期（任务＋环节）", "Overdue (tasks + steps)"),
             counts.overdue_tasks + counts.overdue_cases, "/households?overdue=1&" + in_area,
             counts.overdue_tasks + counts.overdue_cases > 0 ? "alert" : ""),
        stat(request.t("超期走访（入户＋电话）", "Overdue visits (home + phone)"), overdue_visits,
             "/households?visit_overdue=1&" + in_area, overdue_visits > 0 ? "alert" : ""));
    body += divisions_table(request, divisions, counts, area);
    body += html("<div class=\"panels\">{}{}{}",
                 overdue_visits_section(request, divisions, overdue, area),
                 cases_section(request, counts, area), warnings_section(request, counts, area));
    body += html(
        "<section class=\"panel\"><h2>{}</h2><dl class=\"facts\">"
        "<dt>{}</dt><dd><a href=\"/tasks?overdue=1&amp;{}\">{}</a></dd>"
        "<dt>{}</dt><dd><a href=\"/cases?overdue=1&amp;{}\">{}</a></dd>"
        "<dt>{}</dt><dd><a href=\"/tasks?{}\">{}</a></dd>"
        "<dt>{}</dt><dd><a href=\"/households?conflicts=1&amp;{}\">{}</a></dd></dl></section>",
        request.t("待办与超期", "To do and overdue"), request.t("超期任务", "Overdue tasks"),
        in_area, counts.overdue_tasks, request.t("超期环节", "Overdue case steps"), in_area,
        counts.overdue_cases, request.t("未完成任务", "Open tasks"), in_area, counts.open_tasks,
        request.t("待解决冲突", "Conflicts to resolve"), in_area, counts.conflicts);
    body += html(
        "<section class=\"panel\"><h2>{}</h2><dl class=\"facts\">"
        "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl></section></div>",
        request.t("近30天变化", "Last 30 days"), request.t("走访的农户", "Households visited"),
        counts.visited_30_days, request.t("新增预警（未处理）", "New warnings (still open)"),
        counts.warnings_30_days, request.t("新纳入监测对象", "Cases opened"),
        counts.cases_opened_30_days);
    return dashboard.layout().page(request, {request.t("总览", "Overview"), "/", body});
  });
}

}  // namespace doorstep::server::web
