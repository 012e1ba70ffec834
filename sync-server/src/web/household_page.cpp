// /households/{id}: one household — members, current answers with who changed what when,
// the risk level with the rules that fired and the values that made them fire, visits with
// their answers, the field history, conflicts with a resolve action for the roles that may,
// the case with its history, tasks, measures and warnings. POST /households/{id}/resolve
// closes a conflict as the staff member.
#include <algorithm>
#include <set>

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

constexpr size_t kVisitsShown = 20;
constexpr size_t kHistoryShown = 300;

// Everything the page shows, read under the county lock.
struct HouseholdView {
  json household;
  json history;
  json conflicts = json::array();
  json cases;
  json current_case;  // case_detail of the household's open (else newest) case, or null
  json tasks;
  json warnings;
  json risk;
  FormLabels labels;
  Divisions divisions;
};

FormLabels default_form_labels(store::Store& store) {
  auto forms = store.forms();
  return forms.empty() ? FormLabels() : FormLabels(forms.back().second);
}

HouseholdView load(Dashboard& dashboard, const StaffRequest& request, const std::string& id) {
  auto& store = dashboard.county().authority().store();
  HouseholdView view;
  try {
    view.household = store.household(id);
  } catch (const Error& e) {
    if (e.is(ErrorCode::NotFound)) throw Error(ErrorCode::NotFound, "no such household");
    throw;
  }
  // Outside the scope it is as if it did not exist.
  if (!request.in_scope(json_text(view.household, "grid")))
    throw Error(ErrorCode::NotFound, "no such household");
  view.history = store.history(id, "");
  const json all_conflicts = store.conflicts();
  for (const auto& conflict : all_conflicts)
    if (json_text(conflict, "household") == id) view.conflicts.push_back(conflict);
  store::MonitoringFilter mine;
  mine.household = id;
  mine.all = true;
  view.cases = store.cases(mine)["cases"];
  view.tasks = store.tasks(mine)["tasks"];
  view.warnings = store.warnings(mine)["warnings"];
  if (const HouseholdEntry* entry = dashboard.household_index().find(id);
      entry && !entry->case_id.empty())
    view.current_case = store.case_detail(entry->case_id);
  if (auto risk = dashboard.county().risk().risk_of(id)) view.risk = *risk;
  view.labels = default_form_labels(store);
  view.divisions = Divisions::load(dashboard.county().authority());
  return view;
}

// (record, field) -> the newest op that set it: who changed what when.
std::map<std::pair<std::string, std::string>, json> latest_ops(const json& history) {
  std::map<std::pair<std::string, std::string>, json> latest;
  for (const auto& op : history) {
    std::string field = json_text(op, "field");
    if (field.empty()) continue;
    latest[{json_text(op, "record"), field}] = op;  // the history is in time order
  }
  return latest;
}

Markup conflicts_section(const StaffRequest& request, const HouseholdView& view,
                         const store::Store& store, const std::string& id) {
  if (view.conflicts.empty()) return raw("");
  Lang lang = request.lang;
  Markup items;
  for (const auto& conflict : view.conflicts) {
    std::string record = json_text(conflict, "record"), field = json_text(conflict, "field");
    sync::MergeRule rule = store.field_merge_rule(field);
    bool may = sync::may_resolve(device_role(request.staff.role), rule);
    Markup choices;
    int n = 0;
    for (const auto& value : conflict["values"]) {
      std::string op = json_text(value, "op");
      std::string input_id = "c-" + std::to_string(items.text.size()) + "-" + std::to_string(n);
      choices += html(
          "<li><input type=\"radio\" name=\"op\" value=\"{}\" id=\"{}\"{}{}>"
          "<label for=\"{}\"><strong>{}</strong> <span class=\"sub\">{} · {}</span></label></li>",
          op, input_id, raw(n == 0 ? " checked" : ""), raw(may ? "" : " disabled"), input_id,
          view.labels.value(lang, field, value["value"]), json_text(value, "author"),
          time_of_iso(json_text(value, "time")));
      ++n;
    }
    Markup proposals;
    for (const auto& proposal : conflict["proposals"])
      proposals +=
          html("<li>{} <strong>{}</strong>{}</li>", json_text(proposal, "author"),
               view.labels.value(lang, field, proposal["value"]),
               json_text(proposal, "note").empty() ? raw("")
                                                   : html("：{}", json_text(proposal, "note")));
    std::string who = json_text(conflict, "type") == "member" ? request.t("成员", "member")
                                                              : request.t("户", "household");
    items += html(
        "<form method=\"post\" action=\"/households/{}/resolve\" class=\"conflict card\">{}"
        "<input type=\"hidden\" name=\"record\" value=\"{}\">"
        "<input type=\"hidden\" name=\"field\" value=\"{}\">"
        "<fieldset><legend>{}（{}）</legend><ul class=\"choices\">{}</ul></fieldset>{}{}</form>",
        id, csrf_field(request), record, field, view.labels.question(lang, field), who, choices,
        proposals.text.empty() ? raw("")
                               : html("<p class=\"sub\">{}</p><ul>{}</ul>",
                                      request.t("建议值：", "Proposed:"), proposals),
        may ? html("<button type=\"submit\" class=\"primary\">{}</button>",
                   request.t("以所选值解决冲突", "Resolve with the chosen value"))
            : html("<p class=\"hint\">{}{}</p>",
                   request.t("此冲突须由以下角色或更高级别解决：", "Resolved by a "),
                   device_role_label(lang, std::string(crypto::role_name(rule.resolver)))));
  }
  return html(
      "<section id=\"conflicts\" class=\"alert-section\"><h2>{}</h2>"
      "<p>{}</p>{}</section>",
      request.t("待解决的冲突", "Conflicts to resolve"),
      request.t("同一字段在不同设备上被同时修改，两个值都已保留。请选择正确的值。",
                "The same field was changed on two devices at once; both values are kept. "
                "Choose the right one."),
      items);
}

Markup risk_section(const StaffRequest& request, const HouseholdView& view) {
  Lang lang = request.lang;
  const json& risk = view.risk.is_object() ? view.risk : view.household["risk"];
  std::string level = json_text(risk, "level");
  Markup rules;
  if (risk.contains("rules") && risk["rules"].is_array())
    for (const auto& rule : risk["rules"]) {
      Markup values;
      if (rule.contains("values") && rule["values"].is_object())
        for (const auto& [field, value] : rule["values"].items())
          values += html("<li>{}：{}</li>", view.labels.question(lang, field),
                         value.is_array() ? value.dump() : view.labels.value(lang, field, value));
      rules += html("<li>{} {}<ul class=\"values\">{}</ul></li>",
                    level_badge(lang, json_text(rule, "level")),
                    view.labels.rule(lang, json_text(rule, "id")), values);
    }
  Markup income;
  if (risk.contains("income") && risk["income"].is_object()) {
    const json& money = risk["income"];
    income =
        html("<p>{} <strong>{}</strong> {} · {} {}</p>",
             request.t("人均可支配收入", "Per-capita income"), money.value("per_capita", json()),
             request.t("元", "yuan"), request.t("监测标准", "monitoring threshold"),
             money.value("monitoring_threshold", json()));
  }
  return html(
      "<section id=\"risk\"><h2>{}</h2><p class=\"big\">{} {}</p>{}{}</section>",
      request.t("风险等级", "Risk level"), level_badge(lang, level),
      json_text(risk, "monitoring_type").empty()
          ? std::string()
          : monitoring_type_label(lang, json_text(risk, "monitoring_type")),
      income,
      rules.text.empty()
          ? html("<p class=\"empty\">{}</p>", request.t("没有触发的规则。", "No rule fired."))
          : html("<h3>{}</h3><ul class=\"rules\">{}</ul>",
                 request.t("触发的规则及其取值", "Rules that fired, with their values"), rules));
}

Markup members_section(const StaffRequest& request, const HouseholdView& view) {
  Lang lang = request.lang;
  std::vector<std::string> columns = {"name",      "id_number",      "relation",       "age",
                                      "health",    "disability",     "labour_ability", "employment",
                                      "in_school", "medical_insured"};
  Markup head;
  for (const auto& column : columns)
    head += html("<th scope=\"col\">{}</th>", view.labels.question(lang, column));
  Markup rows;
  for (const auto& member : view.household["members"]) {
    Markup cells;
    for (const auto& column : columns) {
      json value = member["fields"].contains(column) ? member["fields"][column] : json();
      cells += html("<td>{}</td>", view.labels.value(lang, column, value));
    }
    rows += html("<tr>{}</tr>", cells);
  }
  Markup former;
  if (view.household.contains("former_members"))
    for (const auto& member : view.household["former_members"])
      former += html("<li>{} · {}</li>", member["fields"].value("name", json()),
                     member["fields"].value("departure", json()));
  return html(
      "<section id=\"members\"><h2>{}</h2><div class=\"table-wrap\"><table class=\"data\">"
      "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>{}</section>",
      request.t("家庭成员", "Members"), head, rows,
      former.text.empty()
          ? raw("")
          : html("<h3>{}</h3><ul>{}</ul>", request.t("已迁出/去世成员", "Former members"), former));
}

Markup answers_section(const StaffRequest& request, const HouseholdView& view,
                       const std::string& id) {
  Lang lang = request.lang;
  auto latest = latest_ops(view.history);
  std::vector<std::string> fields;
  for (const auto& [field, value] : view.household["fields"].items()) fields.push_back(field);
  std::sort(fields.begin(), fields.end(), [&](const std::string& a, const std::string& b) {
    return std::make_pair(view.labels.order(a), a) < std::make_pair(view.labels.order(b), b);
  });
  Markup rows;
  for (const auto& field : fields) {
    auto op = latest.find({id, field});
    rows += html("<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"who\">{}</td></tr>",
                 view.labels.question(lang, field),
                 view.labels.value(lang, field, view.household["fields"][field]),
                 op == latest.end() ? std::string()
                                    : json_text(op->second, "author") + " · " +
                                          time_of_iso(json_text(op->second, "time")));
  }
  return html(
      "<section id=\"answers\"><h2>{}</h2><div class=\"table-wrap\"><table class=\"data pairs\">"
      "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}"
      "</th></tr></thead><tbody>{}</tbody></table></div></section>",
      request.t("当前信息", "Current answers"), request.t("问题", "Question"),
      request.t("当前值", "Value"), request.t("最后修改（人 · 时间）", "Last changed (by · when)"),
      rows);
}

Markup visits_section(const StaffRequest& request, const HouseholdView& view) {
  Lang lang = request.lang;
  std::vector<const json*> visits;
  for (const auto& op : view.history)
    if (json_text(op, "type") == "visit" && json_text(op, "kind") == "create")
      visits.push_back(&op);
  std::reverse(visits.begin(), visits.end());  // newest first
  Markup items;
  for (size_t i = 0; i < visits.size() && i < kVisitsShown; ++i) {
    const json& op = *visits[i];
    const json& content = op["value"];
    Markup answers;
    if (content.contains("answers") && content["answers"].is_object()) {
      std::vector<std::string> names;
      for (const auto& [name, value] : content["answers"].items())
        if (name != "members") names.push_back(name);
      std::sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
        return view.labels.order(a) < view.labels.order(b);
      });
      for (const auto& name : names)
        answers += html("<dt>{}</dt><dd>{}</dd>", view.labels.question(lang, name),
                        view.labels.value(lang, name, content["answers"][name]));
      if (content["answers"].contains("members") && content["answers"]["members"].is_array())
        answers += html("<dt>{}</dt><dd>{}</dd>", request.t("成员人数", "Members"),
                        content["answers"]["members"].size());
    }
    std::string level = content.contains("risk") && content["risk"].is_object()
                            ? json_text(content["risk"], "level")
                            : "";
    items += html(
        "<details class=\"visit\"><summary>{} · {} {}</summary><dl class=\"answers\">{}"
        "</dl></details>",
        time_of_iso(json_text(op, "time")), json_text(op, "author"),
        level.empty() ? raw("") : level_badge(lang, level), answers);
  }
  return html("<section id=\"visits\"><h2>{}</h2>{}</section>", request.t("走访记录", "Visits"),
              items.text.empty()
                  ? html("<p class=\"empty\">{}</p>", request.t("还没有走访。", "No visit yet."))
                  : items);
}

Markup case_section(const StaffRequest& request, const HouseholdView& view) {
  Lang lang = request.lang;
  Markup body;
  if (view.current_case.is_object()) {
    const json& detail = view.current_case;
    Markup steps;
    for (const auto& step : detail["history"])
      steps += html(
          "<li>{}{} · {}{}{}{}</li>",
          json_text(step, "from").empty()
              ? raw("")
              : html("{} → ", case_state_label(lang, json_text(step, "from"))),
          case_state_label(lang, json_text(step, "to")), step.value("actor", json()),
          json_text(step, "role").empty()
              ? raw("")
              : html("（{}）", staff_or_device_role(lang, json_text(step, "role"))),
          json_text(step, "on").empty() ? raw("") : html(" · {}", json_text(step, "on")),
          json_text(step, "reason").empty() ? raw("") : html(" · {}", json_text(step, "reason")));
    body += html("<p>{} {}{} · <a href=\"/cases/{}\">{}</a></p><ol class=\"steps\">{}</ol>",
                 state_badge(lang, json_text(detail, "state")),
                 json_text(detail, "due").empty()
                     ? std::string()
                     : std::string(request.t("期限 ", "due ")) + json_text(detail, "due"),
                 detail.value("overdue", false) ? html(" {}", overdue_badge(lang)) : raw(""),
                 json_text(detail, "id"), request.t("办理此监测对象", "Open the case"), steps);
    Markup measures;
    for (const auto& measure : detail["measures"])
      measures +=
          html("<li>{} · {} · {}–{}</li>",
               find_department_source(json_text(measure, "department"))
                   ? find_department_source(json_text(measure, "department"))->label
                   : json_text(measure, "department"),
               json_text(measure, "kind"), json_text(measure, "start"), json_text(measure, "end"));
    if (!measures.text.empty())
      body += html("<h3>{}</h3><ul>{}</ul>", request.t("帮扶措施", "Measures"), measures);
  } else {
    body += html("<p class=\"empty\">{}</p>", request.t("没有监测对象。", "No case."));
  }
  Markup tasks;
  for (const auto& task : view.tasks)
    tasks += html("<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                  task_kind_label(lang, json_text(task, "kind")),
                  status_label(lang, json_text(task, "status")), json_text(task, "due"),
                  task.value("overdue", false) ? html(" {}", overdue_badge(lang)) : raw(""),
                  json_text(task, "assignee"));
  if (!tasks.text.empty())
    body += html(
        "<h3>{}</h3><div class=\"table-wrap\"><table class=\"data compact\"><thead><tr>"
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
        "<th scope=\"col\">{}</th></tr></thead><tbody>{}</tbody></table></div>",
        request.t("任务", "Tasks"), request.t("类型", "Kind"), request.t("状态", "Status"),
        request.t("期限", "Due"), request.t("负责网格", "Grid"), tasks);
  Markup warnings;
  for (const auto& warning : view.warnings) {
    Markup rules;
    if (warning.contains("rules") && warning["rules"].is_array())
      for (const auto& rule : warning["rules"])
        if (rule.is_string())
          rules += html("<li>{}</li>", view.labels.rule(lang, rule.get<std::string>()));
    warnings +=
        html("<li>{} {} · {} · {}{}<ul class=\"values\">{}</ul></li>",
             level_badge(lang, json_text(warning, "level")),
             warning_source_label(lang, json_text(warning, "source")),
             time_of_iso(json_text(warning, "created_at")),
             status_label(lang, json_text(warning, "status")),
             json_text(warning, "reason").empty() ? raw("")
                                                  : html(" · {}", json_text(warning, "reason")),
             rules);
  }
  if (!warnings.text.empty())
    body +=
        html("<h3>{}</h3><ul class=\"warnings\">{}</ul>", request.t("预警", "Warnings"), warnings);
  return html("<section id=\"case\"><h2>{}</h2>{}</section>",
              request.t("监测与帮扶", "Case, tasks and warnings"), body);
}

// At most 160 bytes of `text` (cut between UTF-8 characters), with "…" when cut.
std::string shortened(std::string text) {
  if (text.size() <= 160) return text;
  size_t end = 160;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

Markup history_section(const StaffRequest& request, const HouseholdView& view) {
  Lang lang = request.lang;
  Markup rows;
  size_t shown = 0;
  for (auto it = view.history.rbegin(); it != view.history.rend() && shown < kHistoryShown; ++it) {
    const json& op = *it;
    if (json_text(op, "field").empty()) continue;
    ++shown;
    rows += html("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                 time_of_iso(json_text(op, "time")), json_text(op, "author"), json_text(op, "type"),
                 view.labels.question(lang, json_text(op, "field")), json_text(op, "kind"),
                 shortened(op["value"].is_object() || op["value"].is_array()
                               ? op["value"].dump(-1, ' ', false, json::error_handler_t::replace)
                               : view.labels.value(lang, json_text(op, "field"), op["value"])));
  }
  return html(
      "<section id=\"history\"><h2>{}</h2><details><summary>{}</summary>"
      "<div class=\"table-wrap\"><table class=\"data compact\"><thead><tr>"
      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>"
      "</thead><tbody>{}</tbody></table></div></details></section>",
      request.t("修改历史", "Field history"),
      lang == Lang::Zh ? "显示最近 " + std::to_string(shown) + " 条修改"
                       : "Show the latest " + std::to_string(shown) + " edits",
      request.t("时间", "When"), request.t("修改人", "Who"), request.t("记录", "Record"),
      request.t("字段", "Field"), request.t("操作", "Kind"), request.t("值", "Value"), rows);
}

}  // namespace

void add_household_pages(Dashboard& dashboard, Router& router) {
  dashboard.add_page(router, "GET", "/households/{id}", [&dashboard](StaffRequest& request) {
    const std::string& id = request.params.at("id");
    Lang lang = request.lang;
    Markup body;
    std::string title;
    {
      auto guard = dashboard.county().lock();
      HouseholdView view = load(dashboard, request, id);
      const json& fields = view.household["fields"];
      title = fields.contains("head_name") && fields["head_name"].is_string()
                  ? fields["head_name"].get<std::string>()
                  : id;
      std::string grid = json_text(view.household, "grid");
      const json& risk = view.risk.is_object() ? view.risk : view.household["risk"];
      body += action_notice(request);
      body += html(
          "<p class=\"lead\">{} · {} · {}</p>"
          "<nav class=\"jump\" aria-label=\"{}\"><a href=\"#risk\">{}</a><a "
          "href=\"#members\">{}</a>"
          "<a href=\"#answers\">{}</a><a href=\"#visits\">{}</a><a href=\"#case\">{}</a>"
          "<a href=\"#history\">{}</a></nav>",
          level_badge(lang, json_text(risk, "level")), view.divisions.label(leading_parts(grid, 3)),
          view.divisions.label(grid), request.t("本页目录", "On this page"),
          request.t("风险", "Risk"), request.t("成员", "Members"), request.t("信息", "Answers"),
          request.t("走访", "Visits"), request.t("监测", "Case"), request.t("历史", "History"));
      body += conflicts_section(request, view, dashboard.county().authority().store(), id);
      body += risk_section(request, view);
      body += members_section(request, view);
      body += answers_section(request, view, id);
      body += visits_section(request, view);
      body += case_section(request, view);
      body += history_section(request, view);
    }
    return dashboard.layout().page(request, {title, "/households", body});
  });
  dashboard.add_page(
      router, "POST", "/households/{id}/resolve", [&dashboard](StaffRequest& request) {
        const std::string& id = request.params.at("id");
        std::string record = request.field("record"), field = request.field("field"),
                    op = request.field("op");
        if (record.empty() || field.empty() || op.empty())
          throw Error(ErrorCode::InvalidArgument,
                      request.t("请选择一个值。", "Choose one of the values."));
        auto guard = dashboard.county().lock();
        auto& store = dashboard.county().authority().store();
        json household;
        try {
          household = store.household(id);
        } catch (const Error& e) {
          if (e.is(ErrorCode::NotFound)) throw Error(ErrorCode::NotFound, "no such household");
          throw;
        }
        if (!request.in_scope(json_text(household, "grid")))
          throw Error(ErrorCode::NotFound, "no such household");
        json chosen;
        bool found = false;
        const json conflicts = store.conflicts();
        for (const auto& conflict : conflicts) {
          if (json_text(conflict, "household") != id || json_text(conflict, "record") != record ||
              json_text(conflict, "field") != field)
            continue;
          for (const auto& value : conflict["values"])
            if (json_text(value, "op") == op) {
              chosen = value["value"];
              found = true;
            }
        }
        if (!found)
          throw Error(ErrorCode::Conflict,
                      request.t("这个冲突已不存在或已被解决，请刷新页面。",
                                "This conflict is gone or resolved already; reload the page."));
        sync::MergeRule rule = store.field_merge_rule(field);
        if (!sync::may_resolve(device_role(request.staff.role), rule))
          throw Error(
              ErrorCode::OutOfScope,
              std::string(request.t("此冲突须由以下角色或更高级别解决：",
                                    "This conflict is resolved by a ")) +
                  device_role_label(request.lang, std::string(crypto::role_name(rule.resolver))));
        {
          Dashboard::ActingAs acting(dashboard, request);
          store.resolve(record, field, chosen);
        }
        dashboard.event("info", "staff_resolved_conflict",
                        {{"name", request.staff.name}, {"record", record}, {"field", field}});
        return redirect_to("/households/" + id + "?msg=resolved");
      });
}

}  // namespace doorstep::server::web
