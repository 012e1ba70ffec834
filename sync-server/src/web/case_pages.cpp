// The cases (监测对象) register: /cases by state with deadlines and overdue flags;
// /cases/{id} with its history and the workflow actions the staff member's role may take
// (POST /cases/{id}/advance, /measures, /objections, /objections/{objection}/settle); and
// /publicity, a village's publicity list (村级公示), printable.
#include <set>

#include "core/common/error.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/grid_path.h"
#include "county/department_sources.h"
#include "county/publicity_list.h"
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
namespace mon = doorstep::monitoring;

constexpr size_t kCasesPerPage = 50;
constexpr const char* kStates[] = {"identified", "verified",  "publicised", "township_reviewed",
                                   "approved",   "assisting", "eliminated", "dismissed"};

// The case's detail if its household is within the staff member's scope; NotFound otherwise,
// the same answer as for a case that does not exist. Under the county lock.
json case_in_scope(Dashboard& dashboard, const StaffRequest& request, const std::string& id) {
  json detail;
  try {
    detail = dashboard.county().authority().store().case_detail(id);
  } catch (const Error& e) {
    if (e.is(ErrorCode::NotFound)) throw Error(ErrorCode::NotFound, "no such case");
    throw;
  }
  if (!request.in_scope(json_text(detail, "grid")))
    throw Error(ErrorCode::NotFound, "no such case");
  return detail;
}

Markup state_tabs(const StaffRequest& request, const std::map<std::string, int64_t>& counts,
                  const std::string& current) {
  Markup tabs =
      html("<li><a href=\"{}\"{}>{}</a></li>",
           link_with(request, {{"state", ""}, {"page", ""}, {"all", ""}}),
           raw(current.empty() ? " aria-current=\"true\"" : ""), request.t("全部在办", "All open"));
  for (const char* state : kStates) {
    auto it = counts.find(state);
    tabs += html("<li><a href=\"{}\"{}>{} <span class=\"count\">{}</span></a></li>",
                 link_with(request, {{"state", state}, {"page", ""}, {"all", ""}}),
                 raw(current == state ? " aria-current=\"true\"" : ""),
                 case_state_label(request.lang, state), it == counts.end() ? 0 : it->second);
  }
  return html("<nav class=\"tabs\" aria-label=\"{}\"><ul>{}</ul></nav>",
              request.t("按状态", "By state"), tabs);
}

Markup transition_form(const StaffRequest& request, const json& detail, const std::string& to) {
  Lang lang = request.lang;
  const std::string& id = json_text(detail, "id");
  Markup extra;
  if (to == "approved")
    extra += select_field("type-" + to, request.t("监测类型", "Monitoring type"), "type",
                          {{"unstable", monitoring_type_label(lang, "unstable")},
                           {"marginal", monitoring_type_label(lang, "marginal")},
                           {"sudden", monitoring_type_label(lang, "sudden")}},
                          json_text(detail, "type"));
  bool dismiss = to == "dismissed";
  extra += html(
      "<div class=\"field\"><label for=\"reason-{}\">{}</label>"
      "<textarea id=\"reason-{}\" name=\"reason\" rows=\"2\" maxlength=\"2000\"{}>"
      "</textarea></div>",
      to,
      dismiss ? request.t("排除理由（必填）", "Reason (required)")
              : request.t("说明（可选）", "Note (optional)"),
      to, raw(dismiss ? " required" : ""));
  return html(
      "<form method=\"post\" action=\"/cases/{}/advance\" class=\"card action {}\"{}>{}"
      "<input type=\"hidden\" name=\"to\" value=\"{}\"><h3>{}</h3>{}"
      "<button type=\"submit\" class=\"{}\">{}</button></form>",
      id, dismiss ? "danger" : "", raw(dismiss ? " data-confirm" : ""), csrf_field(request), to,
      transition_label(lang, to), extra, dismiss ? "danger" : "primary",
      transition_label(lang, to));
}

Markup actions_section(const StaffRequest& request, const json& detail) {
  Lang lang = request.lang;
  auto from = mon::case_state_from_string(json_text(detail, "state"));
  if (!from || mon::is_closed(*from))
    return html("<section id=\"actions\"><h2>{}</h2><p class=\"empty\">{}</p></section>",
                request.t("办理", "Actions"),
                request.t("此监测对象已结束。", "This case is closed."));
  if (detail.value("conflict", false))
    return html(
        "<section id=\"actions\"><h2>{}</h2><div class=\"notice error\"><p>{}</p>"
        "<p><a href=\"/households/{}#conflicts\">{}</a></p></div></section>",
        request.t("办理", "Actions"),
        request.t("此监测对象的状态有并发冲突，请先在农户页面解决。",
                  "Concurrent transitions of this case are in conflict; resolve them on "
                  "the household's page first."),
        json_text(detail, "household"), request.t("去解决", "Resolve it"));
  mon::Role mine = monitoring_role(request.staff.role);
  Markup forms;
  if (detail["next"].is_object()) {
    std::string to = json_text(detail["next"], "to");
    auto target = mon::case_state_from_string(to);
    if (target && mon::role_may_take(*from, *target, mine))
      forms += transition_form(request, detail, to);
  }
  if (mon::role_may_take(*from, mon::CaseState::Dismissed, mine))
    forms += transition_form(request, detail, "dismissed");
  std::string state = json_text(detail, "state");
  if ((state == "approved" || state == "assisting") && request.at_least(StaffRole::Township)) {
    Options departments;
    for (const auto& source : department_sources())
      departments.push_back({source.id, source.label});
    departments.push_back({"other", request.t("其他", "Other")});
    forms += html(
        "<form method=\"post\" action=\"/cases/{}/measures\" class=\"card action\">{}<h3>{}</h3>"
        "{}{}<div class=\"row\">{}{}</div>"
        "<div class=\"field check\"><input type=\"checkbox\" id=\"m-ongoing\" name=\"ongoing\" "
        "value=\"1\"><label for=\"m-ongoing\">{}</label></div>{}"
        "<button type=\"submit\" class=\"primary\">{}</button></form>",
        json_text(detail, "id"), csrf_field(request), request.t("记录帮扶措施", "Record a measure"),
        select_field("m-department", request.t("责任部门", "Department"), "department", departments,
                     ""),
        text_field("m-kind", request.t("措施内容", "What is done"), "kind", "",
                   " required maxlength=\"500\""),
        text_field("m-start", request.t("开始日期", "Start"), "start", today_text(),
                   " type=\"date\" required"),
        text_field("m-end", request.t("结束日期（可空）", "End (optional)"), "end", "",
                   " type=\"date\""),
        request.t("长期措施（如养老金、公益岗位）", "Ongoing by design (a pension, a post)"),
        text_field("m-note", request.t("备注", "Note"), "note", "", " maxlength=\"2000\""),
        request.t("记录", "Record"));
  }
  if (state == "publicised")
    forms += html(
        "<form method=\"post\" action=\"/cases/{}/objections\" class=\"card action\">{}<h3>{}</h3>"
        "<div class=\"field\"><label for=\"o-text\">{}</label><textarea id=\"o-text\" "
        "name=\"text\" rows=\"2\" required maxlength=\"2000\"></textarea></div>"
        "<button type=\"submit\">{}</button></form>",
        json_text(detail, "id"), csrf_field(request), request.t("登记异议", "Record an objection"),
        request.t("异议内容", "The objection"), request.t("登记", "Record"));
  if (forms.text.empty()) {
    std::string needed = detail["next"].is_object() ? json_text(detail["next"], "role") : "";
    forms = html("<p class=\"empty\">{}{}</p>",
                 request.t("下一步须由以下角色办理：", "The next step is for a "),
                 staff_or_device_role(lang, needed));
  }
  return html("<section id=\"actions\"><h2>{}</h2><div class=\"actions-grid\">{}</div></section>",
              request.t("办理", "Actions"), forms);
}

std::string department_name(const std::string& id) {
  const DepartmentSource* source = find_department_source(id);
  return source ? source->label : id;
}

Markup detail_body(const StaffRequest& request, const json& detail, const FormLabels& labels,
                   const Divisions& divisions, const HouseholdEntry* household) {
  Lang lang = request.lang;
  Markup factors;
  for (const auto& rule : detail["risk_factors"])
    if (rule.is_string())
      factors += html("<li>{}</li>", labels.rule(lang, rule.get<std::string>()));
  Markup steps;
  for (const auto& step : detail["history"])
    steps +=
        html("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
             step.value("on", json()), case_state_label(lang, json_text(step, "from")),
             case_state_label(lang, json_text(step, "to")), step.value("actor", json()),
             staff_or_device_role(lang, json_text(step, "role")), step.value("reason", json()));
  Markup tasks;
  for (const auto& task : detail["tasks"])
    tasks += html("<li>{} · {} · {}{}</li>", task_kind_label(lang, json_text(task, "kind")),
                  status_label(lang, json_text(task, "status")), json_text(task, "due"),
                  task.value("overdue", false) ? html(" {}", overdue_badge(lang)) : raw(""));
  Markup measures;
  for (const auto& measure : detail["measures"])
    measures += html(
        "<li>{} · {} · {} – {}{} · {}</li>", department_name(json_text(measure, "department")),
        json_text(measure, "kind"), json_text(measure, "start"), json_text(measure, "end"),
        measure.value("ongoing", false) ? html(" ({})", request.t("长期", "ongoing")) : raw(""),
        json_text(measure, "recorded_by"));
  Markup objections;
  for (const auto& objection : detail["objections"]) {
    bool open = json_text(objection, "status") == "open";
    Markup settle;
    if (open && request.at_least(StaffRole::Village))
      settle = html(
          "<form method=\"post\" action=\"/cases/{}/objections/{}/settle\" class=\"inline\">{}"
          "<label for=\"s-{}\">{}</label><input id=\"s-{}\" name=\"note\" required "
          "maxlength=\"2000\"><button type=\"submit\">{}</button></form>",
          json_text(detail, "id"), json_text(objection, "id"), csrf_field(request),
          json_text(objection, "id"), request.t("处理说明", "How it was settled"),
          json_text(objection, "id"), request.t("处理", "Settle"));
    objections +=
        html("<li>{} · {} · {}{}{}</li>", json_text(objection, "date"), json_text(objection, "by"),
             json_text(objection, "text"),
             open ? html(" <span class=\"badge overdue\">{}</span>", request.t("未处理", "open"))
                  : html(" · {}", json_text(objection, "note")),
             settle);
  }
  Markup warnings;
  for (const auto& warning : detail["warnings"])
    warnings +=
        html("<li>{} {} · {}{}</li>", level_badge(lang, json_text(warning, "level")),
             warning_source_label(lang, json_text(warning, "source")),
             time_of_iso(json_text(warning, "created_at")),
             json_text(warning, "reason").empty() ? raw("")
                                                  : html(" · {}", json_text(warning, "reason")));
  std::string grid = json_text(detail, "grid");
  auto section = [&](const char* zh, const char* en, const Markup& items) {
    return items.text.empty() ? raw("") : html("<h3>{}</h3><ul>{}</ul>", request.t(zh, en), items);
  };
  return html(
      "<dl class=\"facts\"><dt>{}</dt><dd><a href=\"/households/{}\">{}</a></dd>"
      "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{}</dd>"
      "<dt>{}</dt><dd>{}{}</dd><dt>{}</dt><dd>{}</dd></dl>{}"
      "<section><h2>{}</h2><div class=\"table-wrap\"><table class=\"data compact\"><thead><tr>"
      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>"
      "<tbody>{}</tbody></table></div>{}{}{}{}</section>",
      request.t("农户", "Household"), json_text(detail, "household"),
      household && !household->head_name.empty() ? household->head_name
                                                 : json_text(detail, "household"),
      request.t("所在", "Where"),
      divisions.label(leading_parts(grid, 3)) + " · " +
          (divisions.name(grid).empty() ? grid : divisions.name(grid)),
      request.t("状态", "State"), state_badge(lang, json_text(detail, "state")),
      detail.value("conflict", false)
          ? html("<span class=\"badge overdue\">{}</span>", request.t("冲突", "conflict"))
          : raw(""),
      request.t("监测类型", "Type"),
      json_text(detail, "type").empty() ? std::string()
                                        : monitoring_type_label(lang, json_text(detail, "type")),
      request.t("本环节期限", "Step due"), json_text(detail, "due"),
      detail.value("overdue", false) ? html(" {}", overdue_badge(lang)) : raw(""),
      request.t("纳入日期", "Opened"), time_of_iso(json_text(detail, "opened_at")),
      factors.text.empty() ? raw("")
                           : html("<h2>{}</h2><ul class=\"rules\">{}</ul>",
                                  request.t("风险因素", "Risk factors"), factors),
      request.t("办理记录", "History"), request.t("日期", "Date"), request.t("从", "From"),
      request.t("到", "To"), request.t("办理人", "Actor"), request.t("角色", "Role"),
      request.t("说明", "Reason"), steps, section("预警", "Warnings", warnings),
      section("任务", "Tasks", tasks), section("帮扶措施", "Measures", measures),
      section("异议", "Objections", objections));
}

HttpResponse done(const std::string& id, const char* msg) {
  return redirect_to("/cases/" + id + "?msg=" + msg);
}

}  // namespace

void add_case_pages(Dashboard& dashboard, Router& router) {
  dashboard.add_page(router, "GET", "/cases", [&dashboard](StaffRequest& request) {
    Lang lang = request.lang;
    std::string area = request.area();
    std::string state = request.query("state");
    if (!state.empty() && !mon::case_state_from_string(state))
      throw Error(ErrorCode::InvalidArgument, "state '" + state + "' is not a case state");
    bool overdue = request.query("overdue") == "1";
    size_t page = page_number(request);
    store::MonitoringFilter filter;
    filter.scope = area;
    filter.state = state;
    filter.overdue = overdue;
    filter.all = !state.empty() && mon::is_closed(*mon::case_state_from_string(state));
    json cases;
    std::map<std::string, int64_t> counts;
    std::map<std::string, std::string> names;
    Divisions divisions;
    {
      auto guard = dashboard.county().lock();
      const json listed = dashboard.county().authority().store().cases(filter)["cases"];
      cases = listed;
      HouseholdIndex& index = dashboard.household_index();
      index.each_in(area, [&](const HouseholdEntry& entry) {
        if (!entry.case_id.empty()) ++counts[entry.case_state];
      });
      size_t first = (page - 1) * kCasesPerPage;
      for (size_t i = first; i < cases.size() && i < first + kCasesPerPage; ++i)
        if (const HouseholdEntry* entry = index.find(json_text(cases[i], "household")))
          names[entry->id] = entry->head_name;
      divisions = Divisions::load(dashboard.county().authority());
    }
    Markup rows;
    size_t first = (page - 1) * kCasesPerPage;
    for (size_t i = first; i < cases.size() && i < first + kCasesPerPage; ++i) {
      const json& row = cases[i];
      std::string household = json_text(row, "household");
      rows += html(
          "<tr><td><a href=\"/cases/{}\">{}</a></td><td>{}</td><td>{}{}</td><td>{}</td>"
          "<td>{}</td><td>{}{}</td></tr>",
          json_text(row, "id"), names[household].empty() ? household : names[household],
          divisions.label(leading_parts(json_text(row, "grid"), 3)),
          state_badge(lang, json_text(row, "state")),
          row.value("conflict", false)
              ? html(" <span class=\"badge overdue\">{}</span>", request.t("冲突", "conflict"))
              : raw(""),
          json_text(row, "type").empty() ? std::string()
                                         : monitoring_type_label(lang, json_text(row, "type")),
          json_text(row, "opened_at").substr(0, 10), json_text(row, "due"),
          row.value("overdue", false) ? html(" {}", overdue_badge(lang)) : raw(""));
    }
    Markup body = state_tabs(request, counts, state);
    Options areas = area_options(request, divisions);
    body += html(
        "<form method=\"get\" action=\"/cases\" class=\"filters\">{}{}"
        "<div class=\"field check\"><input type=\"checkbox\" id=\"c-overdue\" name=\"overdue\" "
        "value=\"1\"{}><label for=\"c-overdue\">{}</label></div>"
        "<div class=\"actions\"><button type=\"submit\" class=\"primary\">{}</button></div></form>",
        state.empty() ? raw("")
                      : html("<input type=\"hidden\" name=\"state\" value=\"{}\">", state),
        select_field("c-area", request.t("区域", "Area"), "area", areas, request.query("area")),
        raw(overdue ? " checked" : ""), request.t("只看超期", "Overdue only"),
        request.t("筛选", "Filter"));
    std::string village = parts_of(area) == 3 ? area : "";
    if (!village.empty())
      body +=
          html("<p><a class=\"button\" href=\"/publicity?village={}\">{}</a></p>", village,
               request.t("本村公示名单（可打印）", "This village's publicity list (printable)"));
    body += cases.empty()
                ? html("<p class=\"empty\">{}</p>", request.t("没有监测对象。", "No case."))
                : html(
                      "<div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
                      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                      "</tr></thead><tbody>{}</tbody></table></div>",
                      request.t("户主", "Household"), request.t("村", "Village"),
                      request.t("状态", "State"), request.t("类型", "Type"),
                      request.t("纳入", "Opened"), request.t("本环节期限", "Step due"), rows);
    body += pager(request, cases.size(), page, kCasesPerPage);
    return dashboard.layout().page(request, {request.t("监测对象", "Cases"), "/cases", body});
  });

  dashboard.add_page(router, "GET", "/cases/{id}", [&dashboard](StaffRequest& request) {
    const std::string& id = request.params.at("id");
    Markup body = action_notice(request);
    std::string title;
    {
      auto guard = dashboard.county().lock();
      json detail = case_in_scope(dashboard, request, id);
      auto& store = dashboard.county().authority().store();
      auto forms = store.forms();
      FormLabels labels = forms.empty() ? FormLabels() : FormLabels(forms.back().second);
      Divisions divisions = Divisions::load(dashboard.county().authority());
      const HouseholdEntry* household =
          dashboard.household_index().find(json_text(detail, "household"));
      title = std::string(request.t("监测对象", "Case")) + " · " +
              (household && !household->head_name.empty() ? household->head_name
                                                          : json_text(detail, "household"));
      body += detail_body(request, detail, labels, divisions, household);
      body += actions_section(request, detail);
      std::string grid = json_text(detail, "grid");
      if (json_text(detail, "state") == "publicised")
        body +=
            html("<p><a class=\"button\" href=\"/publicity?village={}\">{}</a></p>",
                 leading_parts(grid, 3),
                 request.t("本村公示名单（可打印）", "The village's publicity list (printable)"));
    }
    return dashboard.layout().page(request, {title, "/cases", body});
  });

  dashboard.add_page(router, "POST", "/cases/{id}/advance", [&dashboard](StaffRequest& request) {
    const std::string& id = request.params.at("id");
    store::CaseAdvance advance;
    advance.to = request.field("to");
    advance.type = request.field("type");
    advance.reason = request.field("reason");
    advance.actor = request.staff.name;
    advance.role = mon::to_string(monitoring_role(request.staff.role));
    if (advance.to != "approved") advance.type.clear();
    auto guard = dashboard.county().lock();
    case_in_scope(dashboard, request, id);
    {
      Dashboard::ActingAs acting(dashboard, request);
      dashboard.county().authority().store().advance_case(id, advance);
    }
    dashboard.event("info", "staff_case_advanced",
                    {{"name", request.staff.name}, {"case", id}, {"to", advance.to}});
    return done(id, "advanced");
  });

  dashboard.add_page(router, "POST", "/cases/{id}/measures", [&dashboard](StaffRequest& request) {
    const std::string& id = request.params.at("id");
    if (!request.at_least(StaffRole::Township))
      throw Error(ErrorCode::OutOfScope,
                  request.t("记录帮扶措施须乡镇或县级办理。",
                            "Recording a measure is for township or county staff."));
    store::MeasureInput measure;
    measure.department = request.field("department");
    measure.kind = request.field("kind");
    measure.start = request.field("start");
    measure.end = request.field("end");
    measure.ongoing = request.field("ongoing") == "1";
    measure.note = request.field("note");
    auto guard = dashboard.county().lock();
    case_in_scope(dashboard, request, id);
    {
      Dashboard::ActingAs acting(dashboard, request);
      dashboard.county().authority().store().add_measure(id, measure);
    }
    return done(id, "measure");
  });

  dashboard.add_page(router, "POST", "/cases/{id}/objections", [&dashboard](StaffRequest& request) {
    const std::string& id = request.params.at("id");
    auto guard = dashboard.county().lock();
    case_in_scope(dashboard, request, id);
    {
      Dashboard::ActingAs acting(dashboard, request);
      dashboard.county().authority().store().object_case(id, request.field("text"),
                                                         request.staff.name);
    }
    return done(id, "objection");
  });

  dashboard.add_page(router, "POST", "/cases/{id}/objections/{objection}/settle",
                     [&dashboard](StaffRequest& request) {
                       const std::string& id = request.params.at("id");
                       const std::string& objection = request.params.at("objection");
                       auto guard = dashboard.county().lock();
                       json detail = case_in_scope(dashboard, request, id);
                       bool of_case = false;
                       for (const auto& item : detail["objections"])
                         if (json_text(item, "id") == objection) of_case = true;
                       if (!of_case) throw Error(ErrorCode::NotFound, "no such objection");
                       {
                         Dashboard::ActingAs acting(dashboard, request);
                         dashboard.county().authority().store().settle_objection(
                             objection, request.field("note"));
                       }
                       return done(id, "settled");
                     });

  dashboard.add_page(router, "GET", "/publicity", [&dashboard](StaffRequest& request) {
    std::string village = request.query("village");
    if (village.empty() || parts_of(village) != 3)
      throw Error(ErrorCode::InvalidArgument,
                  request.t("请指定一个村（village=县.乡镇.村）。",
                            "Name a village (village=COUNTY.TOWNSHIP.VILLAGE)."));
    store::validate_grid_scope(village);
    // A village outside the scope, or a village of a township officer's other townships: as
    // if it did not exist.
    if (!request.in_scope(village)) throw Error(ErrorCode::NotFound, "village outside the scope");
    PublicityList list;
    {
      auto guard = dashboard.county().lock();
      Divisions divisions = Divisions::load(dashboard.county().authority());
      std::map<std::string, std::string> names;
      for (const auto& [path, info] : divisions.by_path) names[path] = info.first;
      list = publicity_list(dashboard.county().authority().store(), names, village);
    }
    Markup rows;
    for (const auto& entry : list.entries)
      rows += html(
          "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td></tr>",
          entry.number, entry.head_name, entry.place, entry.admission, entry.start, entry.end);
    Markup body = html(
        "<div class=\"publicity\"><p class=\"lead\">{} · {}{}</p>"
        "<p class=\"no-print\"><button type=\"button\" data-print>{}</button></p>"
        "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">{}</th>"
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{}</tbody></table>"
        "</div><p>{}</p></div>",
        list.village_name.empty() ? list.village : list.village_name,
        request.t("制表日期 ", "made on "), list.made_on, request.t("打印", "Print"),
        request.t("序号", "No."), request.t("户主姓名", "Head of household"),
        request.t("所在村组", "Village and grid"), request.t("纳入方式", "How it came"),
        request.t("公示开始", "Publicity from"), request.t("公示截止", "Until"), rows,
        request.lang == Lang::Zh
            ? "公示期 " + std::to_string(list.publicity_days) +
                  " 天。如有异议，请在公示期内向村委会反映。"
            : "Publicity lasts " + std::to_string(list.publicity_days) +
                  " days. Objections go to the village committee within that time.");
    return dashboard.layout().page(
        request, {request.t("村级公示名单", "Village publicity list"), "/cases", body});
  });
}

}  // namespace doorstep::server::web
