// Store: the monitoring loop's records — warnings, cases (monitoring objects), tasks,
// objections, measures — and the county calendar. Every write is one change of the
// household (or, for the calendar, one county-level change), built in commit_local(); the
// lifecycle's rules are core/monitoring's, asked before an op is written.
//
// Records and fields (docs/monitoring.md, "Records"):
//   warning    source, trigger, level, rules, reason, escalated_to, created_at, created_by,
//              date, status (open | closed), case
//   case       state (the transition op's value: {"state", "from", "on", "actor", "role",
//              "reason", "type"}; the first, {"state": "identified"}), monitoring_type
//   task       kind, case, assignee, due, status (open | done | cancelled), result
//   objection  case, text, status (open | settled), date, by, note
//   measure    case, department, kind, start, end, ongoing, note, recorded_by
// Ids of warnings, cases and verify tasks derive from what raised them (derived_id), so two
// replicas raising for one trigger write one record.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/crypto/hash.h"
#include "core/monitoring/calendar.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/grid_path.h"
#include "core/store/op_log.h"
#include "core/store/store_impl.h"

namespace doorstep::store {
namespace {

using nlohmann::json;
namespace mon = doorstep::monitoring;

constexpr const char* kCalendarRecord = "calendar";
constexpr const char* kStateField = "state";

constexpr const char* kRecordsOfHousehold =
    "SELECT id FROM records WHERE household = ?1 AND type = ?2 ORDER BY id";
constexpr const char* kRecordsOfType =
    "SELECT r.id, r.household, h.grid FROM records r JOIN records h ON h.id = r.household "
    "AND h.type = 'household' WHERE r.type = ?1 ORDER BY h.grid, r.id";
constexpr const char* kNewestVisit =
    "SELECT id, wall, author FROM visits WHERE household = ?1 "
    "ORDER BY wall DESC, counter DESC, op_key DESC LIMIT 1";
constexpr const char* kHouseholdsAtLevel =
    "SELECT household FROM household_risk WHERE level IN ('red', 'yellow') ORDER BY household";
constexpr const char* kFieldsOfRecord =
    "SELECT field, value FROM field_values WHERE record_id = ?1";
constexpr const char* kChangesOfHousehold = "SELECT body, author FROM changes WHERE household = ?1";

int level_rank(const std::string& level) {
  if (level == "red") return 2;
  if (level == "yellow") return 1;
  return 0;
}

std::string text_of(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string first_case_id(const std::string& household) {
  return derived_id(household, "case|" + household);
}
std::string next_case_id(const std::string& household, const std::string& previous) {
  return derived_id(household, "case|" + household + "|" + previous);
}
std::string verify_task_id(const std::string& household, const std::string& case_id) {
  return derived_id(household, "task|verify|" + case_id);
}

// ---- what the records say, read from the materialized state ----

// A household's records and its chain of cases: what needs neither the county's settings
// nor its calendar.
struct CaseReader {
  const Store::Impl& impl;

  json fields(const std::string& id) const {
    json out = json::object();
    auto& select = impl.db->cached(kFieldsOfRecord).bind(1, id);
    while (select.step()) out[select.text(0)] = parse_value(select.text(1));
    select.reset();
    return out;
  }

  std::vector<std::string> records_of(const std::string& household, const char* type) const {
    std::vector<std::string> ids;
    auto& select = impl.db->cached(kRecordsOfHousehold).bind(1, household).bind(2, type);
    while (select.step()) ids.push_back(select.text(0));
    select.reset();
    return ids;
  }

  struct CaseState {
    std::string id;
    std::string household;
    std::string state;                // the provisional winner's, when in conflict
    std::vector<std::string> states;  // every head's, when in conflict
    bool conflict = false;
    bool exists = false;
    json head;  // the winning transition's value
    bool closed() const { return !conflict && (state == "eliminated" || state == "dismissed"); }
  };

  CaseState case_state(const std::string& id) const {
    CaseState out;
    out.id = id;
    auto row = impl.find_record(id);
    if (!row || row->type != "case") return out;
    out.exists = true;
    out.household = row->household;
    std::vector<sync::HeadValue> heads = field_heads(*impl.db, id, kStateField);
    if (heads.empty()) {
      out.state = "identified";
      out.head = json{{"state", "identified"}};
      return out;
    }
    out.conflict = sync::has_conflict(heads);
    out.head = parse_value(heads[sync::provisional_winner(heads)].value);
    out.state = text_of(out.head, "state");
    if (out.conflict)
      for (const auto& head : heads)
        out.states.push_back(text_of(parse_value(head.value), "state"));
    return out;
  }

  // The household's chain of cases, oldest first: the first case's id derives from the
  // household, each later one's from the one before it.
  std::vector<CaseState> chain(const std::string& household) const {
    std::vector<CaseState> out;
    std::string id = first_case_id(household);
    for (;;) {
      CaseState state = case_state(id);
      if (!state.exists) break;
      std::string next = next_case_id(household, id);
      out.push_back(std::move(state));
      id = next;
    }
    return out;
  }

  // The open case: the oldest one not definitively closed (a case whose state is in
  // conflict is open until the conflict is resolved, and a case opened after it joins it).
  std::optional<CaseState> open_case(const std::string& household) const {
    for (auto& state : chain(household))
      if (!state.closed()) return state;
    return std::nullopt;
  }

  // The id the next case of the household takes.
  std::string new_case_id(const std::string& household) const {
    auto cases = chain(household);
    return cases.empty() ? first_case_id(household) : next_case_id(household, cases.back().id);
  }
};

// What the records say with the county's lifecycle settings and calendar, on today's date.
struct MonitoringView : CaseReader {
  mon::LifecycleSettings settings;
  mon::WorkingCalendar calendar;
  mon::Date today;

  explicit MonitoringView(const Store::Impl& store)
      : CaseReader{store},
        settings(mon::LifecycleSettings::from_json(store.county_settings())),
        calendar(mon::WorkingCalendar::from_json(fields(kCalendarRecord), "the county calendar")),
        today(mon::today()) {}

  // The warnings of `case_id` (its household's warnings whose "case" names it, and those of a
  // later case that joined it).
  std::vector<std::pair<std::string, json>> warnings_of(const std::string& household,
                                                        const std::string& case_id) const {
    std::vector<std::pair<std::string, json>> out;
    for (const auto& id : records_of(household, "warning")) {
      json warning = fields(id);
      if (text_of(warning, "case") == case_id) out.emplace_back(id, std::move(warning));
    }
    return out;
  }

  std::vector<std::pair<std::string, json>> children(const std::string& household, const char* type,
                                                     const std::string& case_id) const {
    std::vector<std::pair<std::string, json>> out;
    for (const auto& id : records_of(household, type)) {
      json record = fields(id);
      if (text_of(record, "case") == case_id) out.emplace_back(id, std::move(record));
    }
    return out;
  }

  // The date the case entered its current state: the transition's, or for an identified case
  // the date of its first warning.
  mon::Date entered(const CaseState& state) const {
    if (auto on = mon::Date::parse(text_of(state.head, "on"))) return *on;
    std::optional<mon::Date> first;
    for (const auto& [id, warning] : warnings_of(state.household, state.id))
      if (auto date = mon::Date::parse(text_of(warning, "date")))
        if (!first || *date < *first) first = *date;
    return first.value_or(today);
  }

  // The civil date of the case's first warning ("" if it has none): the day it was opened,
  // on the county's calendar (created_at is the wall clock's instant).
  std::string opened_on(const CaseState& state) const {
    std::string first;
    for (const auto& [id, warning] : warnings_of(state.household, state.id)) {
      std::string date = text_of(warning, "date");
      if (mon::Date::parse(date) && (first.empty() || date < first)) first = date;
    }
    return first;
  }

  std::string opened_at(const CaseState& state) const {
    std::string first;
    for (const auto& [id, warning] : warnings_of(state.household, state.id)) {
      std::string at = text_of(warning, "created_at");
      if (!at.empty() && (first.empty() || at < first)) first = at;
    }
    return first;
  }

  json case_summary(const CaseState& state, const std::string& grid) const {
    json out = {{"id", state.id},
                {"household", state.household},
                {"grid", grid},
                {"state", state.state},
                {"type", nullptr},
                {"opened_at", opened_at(state)},
                {"opened", opened_on(state)},
                {"conflict", state.conflict}};
    if (state.conflict) out["states"] = state.states;
    if (auto type = impl.current_value(state.id, "monitoring_type"))
      out["type"] = parse_value(*type);
    mon::Date since = entered(state);
    out["entered"] = since.to_string();
    auto parsed = mon::case_state_from_string(state.state);
    std::optional<mon::Date> due;
    if (parsed) due = mon::step_deadline(*parsed, since, settings, calendar);
    out["due"] = due ? json(due->to_string()) : json();
    out["overdue"] = !state.conflict && due && due->days < today.days;
    return out;
  }

  json task_json(const std::string& id, const json& task, const std::string& household) const {
    std::string due = text_of(task, "due"), status = text_of(task, "status");
    auto due_date = mon::Date::parse(due);
    bool overdue = status == "open" && due_date && due_date->days < today.days;
    return {{"id", id},
            {"kind", text_of(task, "kind")},
            {"household", household},
            {"case", task.contains("case") ? task["case"] : json()},
            {"assignee", text_of(task, "assignee")},
            {"due", due},
            {"status", status},
            {"overdue", overdue},
            {"days_overdue", overdue ? today.days - due_date->days : 0},
            {"scheduled", false},
            {"result", task.contains("result") ? task["result"] : json()},
            {"prefill", task.contains("prefill") ? task["prefill"] : json()},
            {"values", task.contains("values") ? task["values"] : json()}};
  }

  json warning_json(const std::string& id, const json& warning,
                    const std::string& household) const {
    auto member = [&](const char* name) { return warning.contains(name) ? warning[name] : json(); };
    return {{"id", id},
            {"household", household},
            {"source", member("source")},
            {"level", member("level")},
            {"rules", warning.contains("rules") ? warning["rules"] : json::array()},
            {"status", member("status")},
            {"case", member("case")},
            {"created_at", member("created_at")},
            {"created_by", member("created_by")},
            {"date", member("date")},
            {"reason", member("reason")},
            {"escalated_to", member("escalated_to")},
            {"trigger", member("trigger")},
            {"values", member("values")}};
  }

  // Every record of `type` within `scope`: (id, household, household's grid).
  template <class Each>
  void each_of_type(const char* type, const std::string& scope, const std::string& household,
                    Each&& each) const {
    struct Row {
      std::string id, household, grid;
    };
    std::vector<Row> rows;
    auto& select = impl.db->cached(kRecordsOfType).bind(1, type);
    while (select.step()) {
      Row row{select.text(0), select.text(1), select.text(2)};
      if (!household.empty() && row.household != household) continue;
      if (!grid_within(row.grid, scope)) continue;
      rows.push_back(std::move(row));
    }
    select.reset();
    for (const auto& row : rows) each(row.id, row.household, row.grid);
  }
};

// A set op of one field of an existing record, unless it holds that value already (or the
// change sets it already).
void set_field(Store::Impl& impl, LocalChange& local, const std::string& type,
               const std::string& id, const std::string& field, const json& value) {
  std::string canonical = sync::canonical_json(value);
  for (auto& op : local.ops)
    if (op.record_id == id && op.field == field) {
      op.value = canonical;
      return;
    }
  bool conflict = false;
  if (auto current = impl.current_value(id, field, &conflict);
      current && *current == canonical && !conflict)
    return;
  sync::Op op;
  op.kind = sync::OpKind::Set;
  op.record_type = type;
  op.record_id = id;
  op.field = field;
  op.value = canonical;
  op.pred = head_ids(*impl.db, id, field);
  local.ops.push_back(std::move(op));
}

struct WarningInput {
  std::string trigger;  // what raised it: "visit:ID", "application:ID", "escalation:..."
  std::string source;   // rules | department | application | escalation
  std::string level;    // red | yellow (or the household's level; "" if it has none)
  json rules = json::array();
  std::string reason;
  std::string escalated_to;
  std::string created_at;  // ISO 8601
  std::string created_by;
  std::string date;  // YYYY-MM-DD
  json values;       // the data that raised it, or null
  json prefill;      // answers for the verify task's revisit, or null
};

// Raises a warning for `household` into `local`: the warning record, joined to the open case
// or to a new case (with the verify task for the household's grid). Nothing if the trigger
// raised one already. Returns {"warning", "case", "task"}.
json raise_into(Store::Impl& impl, const MonitoringView& view, LocalChange& local,
                const RecordRow& household, const WarningInput& input) {
  std::string warning_id = derived_id(household.id, "warning|" + input.trigger);
  if (impl.find_record(warning_id)) return json();
  for (const auto& op : local.ops)
    if (op.record_id == warning_id) return json();
  mon::Date date = mon::Date::parse(input.date).value_or(view.today);
  auto verify_task = [&](const std::string& task_id, const std::string& case_id) {
    json fields = {
        {"kind", "verify"},
        {"case", case_id},
        {"assignee", household.grid},
        {"due",
         view.calendar.add_working_days(date, view.settings.deadline_verify_days).to_string()},
        {"status", "open"}};
    if (input.prefill.is_object()) fields["prefill"] = input.prefill;
    if (!input.values.is_null()) fields["values"] = input.values;
    create_record(impl, local, "task", task_id, household.id, fields);
  };
  json task = nullptr;
  std::string case_id;
  if (auto open = view.open_case(household.id)) {
    case_id = open->id;
    // A warning with figures for the revisit asks for a verification of its own.
    if (input.prefill.is_object()) {
      std::string task_id = derived_id(household.id, "task|verify|" + warning_id);
      verify_task(task_id, case_id);
      task = task_id;
    }
  } else {
    case_id = view.new_case_id(household.id);
    create_record(impl, local, "case", case_id, household.id,
                  json{{kStateField, {{"state", "identified"}}}});
    std::string task_id = verify_task_id(household.id, case_id);
    verify_task(task_id, case_id);
    task = task_id;
  }
  json fields = {{"source", input.source},
                 {"trigger", input.trigger},
                 {"level", input.level},
                 {"rules", input.rules},
                 {"created_at", input.created_at},
                 {"created_by", input.created_by},
                 {"date", input.date},
                 {"status", "open"},
                 {"case", case_id}};
  if (!input.reason.empty()) fields["reason"] = input.reason;
  if (!input.escalated_to.empty()) fields["escalated_to"] = input.escalated_to;
  if (!input.values.is_null()) fields["values"] = input.values;
  create_record(impl, local, "warning", warning_id, household.id, fields);
  return {{"warning", warning_id}, {"case", case_id}, {"task", task}};
}

// The household's state as it will be once `ops` (a change being built) are applied: what
// the classifier reads to decide whether a visit raises a warning in the same change.
json projected_state(json state, const std::vector<sync::Op>& ops, const std::string& household) {
  json& fields = state["fields"];
  json& members = state["members"];
  auto member_at = [&](const std::string& id) -> json* {
    for (auto& member : members)
      if (member.value("id", std::string()) == id) return &member;
    return nullptr;
  };
  for (const auto& op : ops) {
    if (op.record_type == "visit" && op.kind == sync::OpKind::Create) {
      json visit = json::parse(op.value, nullptr, false);
      if (visit.is_object())
        state["form_version"] = text_of(visit, "form") + "@" + text_of(visit, "form_version");
      continue;
    }
    if (op.record_id == household && op.field != sync::kGridField && !op.field.empty()) {
      if (op.kind == sync::OpKind::Delete)
        fields.erase(op.field);
      else
        fields[op.field] = json::parse(op.value);
      continue;
    }
    if (op.record_type != "member") continue;
    if (op.kind == sync::OpKind::Create) {
      if (!member_at(op.record_id))
        members.push_back({{"id", op.record_id}, {"fields", json::object()}});
      continue;
    }
    json* member = member_at(op.record_id);
    if (!member) continue;  // a departed member
    if (op.field == "departure") {
      members.erase(std::remove_if(members.begin(), members.end(),
                                   [&](const json& m) {
                                     return m.value("id", std::string()) == op.record_id;
                                   }),
                    members.end());
      continue;
    }
    if (op.kind == sync::OpKind::Delete)
      (*member)["fields"].erase(op.field);
    else
      (*member)["fields"][op.field] = json::parse(op.value);
  }
  return state;
}

json rule_ids(const json& risk) {
  json ids = json::array();
  if (risk.is_object() && risk.contains("rules") && risk["rules"].is_array())
    for (const auto& rule : risk["rules"])
      if (rule.is_object() && rule.contains("id")) ids.push_back(rule["id"]);
  return ids;
}

std::string iso_now() {
  return sync::to_iso8601(sync::physical_now_ms());
}

std::string level_of(Store::Impl& impl, const std::string& household) {
  std::string level;
  auto& select =
      impl.db->cached("SELECT level FROM household_risk WHERE household = ?1").bind(1, household);
  if (select.step()) level = select.text(0);
  select.reset();
  return level;
}

json risk_of(Store::Impl& impl, const std::string& household) {
  json risk = nullptr;
  auto& select =
      impl.db->cached("SELECT risk FROM household_risk WHERE household = ?1").bind(1, household);
  if (select.step()) risk = parse_value(select.text(0));
  select.reset();
  return risk;
}

mon::Role role_of(const std::string& text, const char* where) {
  auto role = mon::role_from_string(text);
  if (!role)
    throw Error(ErrorCode::InvalidArgument,
                std::string(where) + " '" + text +
                    "' is not a role (grid-worker, village-leader, township, county)");
  return *role;
}

}  // namespace

// ---- helpers the store's other files share (store_impl.h) ----

std::string derived_id(const std::string& household, const std::string& what) {
  return household + "-" + crypto::to_hex(crypto::sha256(what)).substr(0, 16);
}

void check_text(const std::string& text, const char* what, size_t max, bool required) {
  if (required && text.empty())
    throw Error(ErrorCode::InvalidArgument, std::string(what) + " is empty");
  if (text.size() > max)
    throw Error(ErrorCode::InvalidArgument,
                std::string(what) + " is over " + std::to_string(max) + " bytes");
  try {
    sync::canonical_json(json(text));
  } catch (const json::exception&) {
    throw Error(ErrorCode::InvalidArgument, std::string(what) + " is not valid UTF-8 text");
  }
}

void check_date(const std::string& text, const char* what) {
  if (!mon::Date::parse(text))
    throw Error(ErrorCode::InvalidArgument,
                std::string(what) + " '" + text + "' is not a date (YYYY-MM-DD)");
}

void create_record(Store::Impl& impl, LocalChange& local, const std::string& type,
                   const std::string& id, const std::string& household, const json& fields) {
  sync::Op create;
  create.kind = sync::OpKind::Create;
  create.record_type = type;
  create.record_id = id;
  create.value = sync::canonical_json(json{{"household", household}});
  local.ops.push_back(std::move(create));
  for (const auto& [name, value] : fields.items()) {
    sync::Op op;
    op.kind = sync::OpKind::Set;
    op.record_type = type;
    op.record_id = id;
    op.field = name;
    op.value = sync::canonical_json(value);
    op.pred = head_ids(*impl.db, id, name);
    local.ops.push_back(std::move(op));
  }
}

RecordRow household_change(Store::Impl& impl, LocalChange& local, const std::string& id) {
  RecordRow household = impl.require_record(id, "household");
  if (household.type != "household")
    throw Error(ErrorCode::NotFound, "unknown household '" + id + "'");
  if (!grid_within(household.grid, impl.identity.scope))
    throw Error(ErrorCode::OutOfScope, "household " + household.id +
                                           " is outside this device's scope '" +
                                           impl.identity.scope + "'");
  local.household = household.id;
  local.grid = household.grid;
  return household;
}

std::optional<monitoring::CaseState> open_case_state(const Store::Impl& impl,
                                                     const std::string& household) {
  auto open = CaseReader{impl}.open_case(household);
  if (!open) return std::nullopt;
  return mon::case_state_from_string(open->state);
}

void monitor_visit(Store::Impl& impl, LocalChange& local, const RecordRow& household,
                   const std::string& visit_id, const VisitInput& visit) {
  MonitoringView view(impl);
  if (!visit.task.empty()) {
    auto row = impl.find_record(visit.task);
    if (!row || row->type != "task" || row->household != household.id)
      throw Error(ErrorCode::NotFound,
                  "--task '" + visit.task + "' is not a task of household " + household.id);
    json task = view.fields(visit.task);
    if (text_of(task, "status") != "open")
      throw Error(ErrorCode::Conflict,
                  "task " + visit.task + " is " + text_of(task, "status") + ", not open");
    json result = {{"visit", visit_id}, {"date", view.today.to_string()}, {"by", impl.author()}};
    if (text_of(task, "kind") == "verify") {
      if (visit.verdict != "confirmed" && visit.verdict != "dismissed")
        throw Error(ErrorCode::InvalidArgument,
                    "a verify task's visit needs --verdict confirmed|dismissed");
      result["verdict"] = visit.verdict;
    } else if (!visit.verdict.empty()) {
      throw Error(ErrorCode::InvalidArgument, "--verdict is for a verify task; task " + visit.task +
                                                  " is a " + text_of(task, "kind") + " task");
    }
    set_field(impl, local, "task", visit.task, "status", "done");
    set_field(impl, local, "task", visit.task, "result", result);
  } else if (!visit.verdict.empty()) {
    throw Error(ErrorCode::InvalidArgument, "--verdict needs the --task the visit does");
  }
  if (!impl.classifier) return;
  std::optional<json> risk =
      impl.classifier(projected_state(impl.household_state(household.id), local.ops, household.id),
                      impl.county_settings());
  if (!risk) return;
  std::string level = text_of(*risk, "level");
  if (level_rank(level) == 0) return;
  bool rose = level_rank(level) > level_rank(level_of(impl, household.id));
  if (!rose && view.open_case(household.id)) return;
  WarningInput input;
  input.trigger = "visit:" + visit_id;
  input.source = "rules";
  input.level = level;
  input.rules = rule_ids(*risk);
  input.created_at = iso_now();
  input.created_by = impl.author();
  input.date = view.today.to_string();
  raise_into(impl, view, local, household, input);
}

json Store::calendar() const {
  json fields = MonitoringView(*impl_).fields(kCalendarRecord);
  json out = {{"holidays", json::array()}, {"workdays", json::array()}};
  for (const char* key : {"holidays", "workdays"})
    if (fields.contains(key) && fields[key].is_array()) out[key] = fields[key];
  return out;
}

bool Store::set_calendar(const json& calendar) {
  if (impl_->identity.role != "county")
    throw Error(
        ErrorCode::Unauthorized,
        "only the county sets the calendar (this device's role is " + impl_->identity.role + ")");
  json normal = mon::WorkingCalendar::from_json(calendar, "calendar").to_json();
  bool changed = false;
  impl_->commit_local([&](LocalChange& local) {
    if (!impl_->find_record(kCalendarRecord)) {
      sync::Op create;
      create.kind = sync::OpKind::Create;
      create.record_type = "calendar";
      create.record_id = kCalendarRecord;
      create.value = sync::canonical_json(json{{"scope", "county"}});
      local.ops.push_back(std::move(create));
    }
    size_t before = local.ops.size();
    for (const char* key : {"holidays", "workdays"})
      set_field(*impl_, local, "calendar", kCalendarRecord, key, normal[key]);
    changed = local.ops.size() > before;
    if (!changed) local.ops.clear();
  });
  return changed;
}

json Store::add_application(const std::string& household_id, const std::string& reason) {
  check_text(reason, "--reason", 2000, true);
  json out;
  impl_->commit_local([&](LocalChange& local) {
    RecordRow household = household_change(*impl_, local, household_id);
    MonitoringView view(*impl_);
    WarningInput input;
    input.trigger = "application:" + crypto::to_hex(crypto::random_bytes(8));
    input.source = "application";
    input.level = level_of(*impl_, household.id);
    input.reason = reason;
    input.created_at = iso_now();
    input.created_by = impl_->author();
    input.date = view.today.to_string();
    out = raise_into(*impl_, view, local, household, input);
  });
  return out;
}

json Store::raise_warning(const WarningRequest& request) {
  static const std::set<std::string> kSources = {"department", "application", "rules"};
  if (!kSources.count(request.source))
    throw Error(ErrorCode::InvalidArgument,
                "warning source '" + request.source + "' is not department, application or rules");
  check_text(request.trigger, "the warning's trigger", 512, true);
  check_text(request.reason, "the warning's reason", 2000, false);
  if (!request.level.empty() && level_rank(request.level) == 0)
    throw Error(ErrorCode::InvalidArgument,
                "warning level '" + request.level + "' is not red or yellow");
  if (!request.rules.is_array())
    throw Error(ErrorCode::InvalidArgument, "the warning's rules must be an array");
  if (!request.prefill.is_null() && !request.prefill.is_object())
    throw Error(ErrorCode::InvalidArgument, "the warning's prefill must be an object of answers");
  try {
    sync::canonical_json(json{{"v", request.values}, {"p", request.prefill}, {"r", request.rules}});
  } catch (const json::exception&) {
    throw Error(ErrorCode::InvalidArgument, "the warning's values are not valid UTF-8 JSON");
  }
  json out = {{"warning", nullptr}, {"case", nullptr}, {"task", nullptr}, {"created", false}};
  impl_->commit_local([&](LocalChange& local) {
    RecordRow household = household_change(*impl_, local, request.household);
    MonitoringView view(*impl_);
    WarningInput input;
    input.trigger = request.source + ":" + request.trigger;
    input.source = request.source;
    input.level = request.level.empty() ? level_of(*impl_, household.id) : request.level;
    input.rules = request.rules;
    input.reason = request.reason;
    input.values = request.values;
    input.prefill = request.prefill;
    input.created_at = iso_now();
    input.created_by = impl_->author();
    input.date = view.today.to_string();
    json raised = raise_into(*impl_, view, local, household, input);
    if (raised.is_null()) {
      out["warning"] = derived_id(household.id, "warning|" + input.trigger);
      return;
    }
    out = raised;
    out["created"] = true;
  });
  return out;
}

// ---- the listings' selections, shared by the listings and their scans ----
namespace {

using ListedItem = std::function<void(json item, const std::string& grid)>;

void select_warnings(const MonitoringView& view, const MonitoringFilter& filter,
                     const ListedItem& each) {
  view.each_of_type(
      "warning", filter.scope, filter.household,
      [&](const std::string& id, const std::string& household, const std::string& grid) {
        json warning = view.fields(id);
        std::string status = text_of(warning, "status");
        if (!filter.status.empty() ? status != filter.status : (!filter.all && status != "open"))
          return;
        each(view.warning_json(id, warning, household), grid);
      });
}

void select_cases(const MonitoringView& view, const MonitoringFilter& filter,
                  const ListedItem& each) {
  view.each_of_type(
      "case", filter.scope, filter.household,
      [&](const std::string& id, const std::string&, const std::string& grid) {
        auto state = view.case_state(id);
        if (!filter.state.empty() ? state.state != filter.state : (!filter.all && state.closed()))
          return;
        json summary = view.case_summary(state, grid);
        // A case opened while an older one was reopened by a concurrent transition joins
        // that one: a household has one open case.
        if (!state.closed()) {
          auto open = view.open_case(state.household);
          if (open && open->id != id) {
            if (!filter.all) return;
            summary["joined_to"] = open->id;
          }
        }
        if (filter.overdue && !summary["overdue"].get<bool>()) return;
        each(std::move(summary), grid);
      });
}

void select_tasks(const MonitoringView& view, const MonitoringFilter& filter,
                  const ListedItem& each) {
  view.each_of_type(
      "task", filter.scope, filter.household,
      [&](const std::string& id, const std::string& household, const std::string& grid) {
        json task = view.task_json(id, view.fields(id), household);
        std::string status = task["status"].get<std::string>();
        if (!filter.status.empty() ? status != filter.status : (!filter.all && status != "open"))
          return;
        if (filter.overdue && !task["overdue"].get<bool>()) return;
        each(std::move(task), grid);
      });
}

// A scan's item: the listing's, with its household's grid.
void scan_with_grid(void (*select)(const MonitoringView&, const MonitoringFilter&,
                                   const ListedItem&),
                    const Store::Impl& impl, const MonitoringFilter& filter,
                    const std::function<void(const json&)>& each) {
  MonitoringView view(impl);
  select(view, filter, [&](json item, const std::string& grid) {
    item["grid"] = grid;
    each(item);
  });
}

}  // namespace

json Store::warnings(const MonitoringFilter& filter) const {
  MonitoringView view(*impl_);
  json list = json::array();
  select_warnings(view, filter,
                  [&](json item, const std::string&) { list.push_back(std::move(item)); });
  std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
    return text_of(a, "created_at") > text_of(b, "created_at");
  });
  return {{"warnings", list}};
}

json Store::cases(const MonitoringFilter& filter) const {
  MonitoringView view(*impl_);
  json list = json::array();
  select_cases(view, filter,
               [&](json item, const std::string&) { list.push_back(std::move(item)); });
  std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
    bool ao = a["overdue"].get<bool>(), bo = b["overdue"].get<bool>();
    if (ao != bo) return ao;
    std::string ad = a["due"].is_string() ? a["due"].get<std::string>() : "9999";
    std::string bd = b["due"].is_string() ? b["due"].get<std::string>() : "9999";
    return ad < bd;
  });
  return {{"cases", list}};
}

void Store::scan_warnings(const MonitoringFilter& filter,
                          const std::function<void(const json&)>& each) const {
  scan_with_grid(select_warnings, *impl_, filter, each);
}

void Store::scan_cases(const MonitoringFilter& filter,
                       const std::function<void(const json&)>& each) const {
  scan_with_grid(select_cases, *impl_, filter, each);
}

void Store::scan_tasks(const MonitoringFilter& filter,
                       const std::function<void(const json&)>& each) const {
  scan_with_grid(select_tasks, *impl_, filter, each);
}

json Store::case_detail(const std::string& case_id) const {
  MonitoringView view(*impl_);
  auto state = view.case_state(case_id);
  if (!state.exists) throw Error(ErrorCode::NotFound, "unknown case '" + case_id + "'");
  RecordRow household = impl_->require_record(state.household, "household");
  json out = view.case_summary(state, household.grid);
  if (!state.closed())
    if (auto open = view.open_case(state.household); open && open->id != case_id)
      out["joined_to"] = open->id;
  json factors = json::array(), warnings = json::array();
  for (const auto& [id, warning] : view.warnings_of(state.household, case_id)) {
    warnings.push_back(view.warning_json(id, warning, state.household));
    if (warning.contains("rules") && warning["rules"].is_array())
      for (const auto& rule : warning["rules"])
        if (std::find(factors.begin(), factors.end(), rule) == factors.end())
          factors.push_back(rule);
  }
  out["risk_factors"] = factors;
  out["warnings"] = warnings;
  json measures = json::array(), tasks = json::array(), objections = json::array();
  for (auto& [id, measure] : view.children(state.household, "measure", case_id)) {
    measure["id"] = id;
    measures.push_back(measure);
  }
  for (const auto& [id, task] : view.children(state.household, "task", case_id))
    tasks.push_back(view.task_json(id, task, state.household));
  for (auto& [id, objection] : view.children(state.household, "objection", case_id)) {
    objection["id"] = id;
    objections.push_back(objection);
  }
  out["measures"] = measures;
  out["tasks"] = tasks;
  out["objections"] = objections;
  // The history: every op on the case's state, from the signed changes that hold them.
  struct Entry {
    sync::Hlc time;
    std::string key;
    json value;
  };
  std::vector<Entry> entries;
  auto& select = impl_->db->cached(kChangesOfHousehold).bind(1, state.household);
  while (select.step()) {
    sync::Change change = sync::decode_change(select.blob(0));
    std::string author = select.text(1);
    for (size_t i = 0; i < change.ops.size(); ++i) {
      const sync::Op& op = change.ops[i];
      if (op.record_id != case_id || op.field != kStateField) continue;
      json value = parse_value(op.value);
      json entry = {{"from", value.contains("from") ? value["from"] : json()},
                    {"to", text_of(value, "state")},
                    {"actor", value.contains("actor") ? value["actor"] : json(author)},
                    {"role", value.contains("role") ? value["role"] : json()},
                    {"at", sync::to_iso8601(op.time.wall_ms)},
                    {"on", value.contains("on") ? value["on"] : json()},
                    {"reason", value.contains("reason") ? value["reason"] : json()},
                    {"kind", sync::to_string(op.kind)},
                    {"author", author}};
      if (value.contains("type")) entry["type"] = value["type"];
      entries.push_back({op.time, change.op_id(i).key(), std::move(entry)});
    }
  }
  select.reset();
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.time.wall_ms, a.time.counter, a.key) <
           std::tie(b.time.wall_ms, b.time.counter, b.key);
  });
  json history = json::array();
  for (auto& entry : entries) history.push_back(std::move(entry.value));
  out["history"] = history;
  json next = nullptr;
  if (auto parsed = mon::case_state_from_string(state.state); parsed && !state.conflict)
    if (auto role = mon::next_step_role(*parsed)) {
      static const std::map<std::string, std::string> kNext = {
          {"identified", "verified"},          {"verified", "publicised"},
          {"publicised", "township_reviewed"}, {"township_reviewed", "approved"},
          {"approved", "assisting"},           {"assisting", "eliminated"}};
      next = {{"to", kNext.at(state.state)}, {"role", mon::to_string(*role)}};
    }
  out["next"] = next;
  return out;
}

json Store::tasks(const MonitoringFilter& filter, const TaskListing& listing) const {
  check_task_kind(listing.kind);
  MonitoringView view(*impl_);
  json list = json::array();
  select_tasks(view, filter, [&](json item, const std::string&) {
    if (!listing.kind.empty() && item["kind"] != listing.kind) return;
    list.push_back(std::move(item));
  });
  if (listing.schedule) append_scheduled_tasks(*this, filter, listing, list);
  std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
    bool ao = a["overdue"].get<bool>(), bo = b["overdue"].get<bool>();
    if (ao != bo) return ao;
    return a["due"].get<std::string>() < b["due"].get<std::string>();
  });
  return {{"tasks", list}};
}

json Store::advance_case(const std::string& case_id, const CaseAdvance& request) {
  auto to = mon::case_state_from_string(request.to);
  if (!to || *to == mon::CaseState::Identified)
    throw Error(ErrorCode::InvalidArgument,
                "--to '" + request.to +
                    "' is not a state a case moves to (verified, publicised, township_reviewed, "
                    "approved, assisting, eliminated, dismissed)");
  mon::Role own = role_of(impl_->identity.role, "this device's role");
  mon::Role acting = request.role.empty() ? own : role_of(request.role, "--role");
  if (acting > own)
    throw Error(ErrorCode::OutOfScope, std::string("this device is a ") + mon::to_string(own) +
                                           "; it cannot act as a " + mon::to_string(acting));
  std::string actor = request.actor.empty() ? impl_->author() : request.actor;
  check_text(actor, "--actor", 256, true);
  check_text(request.reason, "--reason", 2000, false);
  impl_->commit_local([&](LocalChange& local) {
    MonitoringView view(*impl_);
    auto state = view.case_state(case_id);
    if (!state.exists) throw Error(ErrorCode::NotFound, "unknown case '" + case_id + "'");
    RecordRow household = impl_->require_record(state.household, "household");
    if (!grid_within(household.grid, impl_->identity.scope))
      throw Error(ErrorCode::OutOfScope, "case " + case_id + " is of household " + household.id +
                                             " at grid " + household.grid +
                                             ", outside this device's scope '" +
                                             impl_->identity.scope + "'");
    if (state.conflict)
      throw Error(ErrorCode::Conflict, "case " + case_id +
                                           " has concurrent transitions in conflict; resolve "
                                           "its field 'state' first (doorstep conflicts)");
    if (auto open = view.open_case(household.id); open && open->id != case_id && !state.closed())
      throw Error(ErrorCode::Conflict, "case " + case_id + " joined case " + open->id +
                                           " of the same household, which is open again; "
                                           "advance that one");
    mon::CaseState from = *mon::case_state_from_string(state.state);
    // A step this role may not take (one a higher role could) is refused as out of scope;
    // a step not in the table, or whose condition is unmet, as a conflict with the state.
    if (!mon::role_may_take(from, *to, acting) && mon::role_may_take(from, *to, mon::Role::County))
      throw Error(ErrorCode::OutOfScope, "case " + case_id + ": moving a " + state.state +
                                             " case to " + request.to + " needs the role " +
                                             mon::to_string(*mon::next_step_role(from)) +
                                             " or above, not " + mon::to_string(acting));
    local.household = household.id;
    local.grid = household.grid;
    mon::CaseFacts facts;
    facts.state = from;
    facts.entered = view.entered(state);
    auto tasks = view.children(household.id, "task", case_id);
    for (const auto& [id, task] : tasks)
      if (text_of(task, "kind") == "verify" && text_of(task, "status") == "done")
        facts.verify_task_done = true;
    for (const auto& [id, objection] : view.children(household.id, "objection", case_id))
      if (text_of(objection, "status") == "open") facts.open_objection = true;
    auto measures = view.children(household.id, "measure", case_id);
    facts.measures = static_cast<int>(measures.size());
    for (const auto& [id, measure] : measures) {
      bool ongoing = measure.value("ongoing", false);
      auto end = mon::Date::parse(text_of(measure, "end"));
      if (!ongoing && !(end && end->days <= view.today.days)) facts.measures_settled = false;
    }
    json risk = risk_of(*impl_, household.id);
    if (risk.is_object() && risk.contains("rules") && risk["rules"].is_array())
      for (const auto& rule : risk["rules"])
        if (rule.is_object() && text_of(rule, "level") == "red") facts.red_rule_firing = true;
    if (risk.is_object() && risk.contains("income") && risk["income"].is_object()) {
      const json& income = risk["income"];
      if (income.contains("per_capita") && income["per_capita"].is_number() &&
          income.contains("monitoring_threshold") && income["monitoring_threshold"].is_number())
        facts.income_at_threshold =
            income["per_capita"].get<double>() >= income["monitoring_threshold"].get<double>();
    }
    mon::TransitionRequest ask;
    ask.to = *to;
    ask.actor = acting;
    ask.type = request.type;
    ask.reason = request.reason;
    if (auto refusal = mon::refuse_transition(facts, ask, view.settings, view.calendar, view.today))
      throw Error(ErrorCode::Conflict, "case " + case_id + ": " + *refusal);
    json value = {{"state", request.to},
                  {"from", state.state},
                  {"on", view.today.to_string()},
                  {"actor", actor},
                  {"role", mon::to_string(acting)}};
    if (!request.reason.empty()) value["reason"] = request.reason;
    if (*to == mon::CaseState::Approved) value["type"] = request.type;
    set_field(*impl_, local, "case", case_id, kStateField, value);
    if (*to == mon::CaseState::Approved)
      set_field(*impl_, local, "case", case_id, "monitoring_type", request.type);
    if (mon::is_closed(*to)) {
      // A closed case closes its warnings and what it still asked of the grid worker.
      for (const auto& [id, warning] : view.warnings_of(household.id, case_id))
        if (text_of(warning, "status") == "open")
          set_field(*impl_, local, "warning", id, "status", "closed");
      for (const auto& [id, task] : tasks)
        if (text_of(task, "status") == "open")
          set_field(*impl_, local, "task", id, "status", "cancelled");
    }
    if (*to == mon::CaseState::Assisting) {
      // The follow-up visit and, at the end of the observation period, the visit that
      // checks whether the risk is eliminated.
      create_record(*impl_, local, "task", derived_id(household.id, "task|follow_up|" + case_id),
                    household.id,
                    {{"kind", "follow_up"},
                     {"case", case_id},
                     {"assignee", household.grid},
                     {"due", mon::Date{view.today.days + view.settings.follow_up_days}.to_string()},
                     {"status", "open"}});
      create_record(*impl_, local, "task",
                    derived_id(household.id, "task|elimination_check|" + case_id), household.id,
                    {{"kind", "elimination_check"},
                     {"case", case_id},
                     {"assignee", household.grid},
                     {"due", view.today.plus_months(view.settings.observation_months).to_string()},
                     {"status", "open"}});
    }
  });
  return case_detail(case_id);
}

std::string Store::object_case(const std::string& case_id, const std::string& text,
                               const std::string& by) {
  check_text(text, "--text", 2000, true);
  check_text(by, "the objection's author", 256, false);
  std::string author = by.empty() ? impl_->author() : by;
  std::string id;
  impl_->commit_local([&](LocalChange& local) {
    MonitoringView view(*impl_);
    auto state = view.case_state(case_id);
    if (!state.exists) throw Error(ErrorCode::NotFound, "unknown case '" + case_id + "'");
    RecordRow household = impl_->require_record(state.household, "household");
    if (!grid_within(household.grid, impl_->identity.scope))
      throw Error(ErrorCode::OutOfScope, "case " + case_id + " is outside this device's scope '" +
                                             impl_->identity.scope + "'");
    if (state.state != "publicised")
      throw Error(ErrorCode::Conflict, "case " + case_id + " is " + state.state +
                                           "; objections are recorded during publicity");
    local.household = household.id;
    local.grid = household.grid;
    id = new_record_id(household.id);
    create_record(*impl_, local, "objection", id, household.id,
                  {{"case", case_id},
                   {"text", text},
                   {"status", "open"},
                   {"date", view.today.to_string()},
                   {"by", author}});
  });
  return id;
}

void Store::settle_objection(const std::string& objection_id, const std::string& note) {
  check_text(note, "--note", 2000, true);
  if (role_of(impl_->identity.role, "this device's role") < mon::Role::VillageLeader)
    throw Error(ErrorCode::OutOfScope,
                "settling an objection needs the role village-leader or above");
  impl_->commit_local([&](LocalChange& local) {
    auto row = impl_->find_record(objection_id);
    if (!row || row->type != "objection")
      throw Error(ErrorCode::NotFound, "unknown objection '" + objection_id + "'");
    if (!grid_within(row->grid, impl_->identity.scope))
      throw Error(ErrorCode::OutOfScope, "objection " + objection_id +
                                             " is outside this device's scope '" +
                                             impl_->identity.scope + "'");
    if (impl_->current_value(objection_id, "status") != sync::canonical_json("open"))
      throw Error(ErrorCode::Conflict, "objection " + objection_id + " is settled already");
    local.household = row->household;
    local.grid = row->grid;
    set_field(*impl_, local, "objection", objection_id, "status", "settled");
    set_field(*impl_, local, "objection", objection_id, "note", note);
    set_field(*impl_, local, "objection", objection_id, "settled_by", impl_->author());
  });
}

std::string Store::add_measure(const std::string& case_id, const MeasureInput& measure) {
  if (role_of(impl_->identity.role, "this device's role") < mon::Role::Township)
    throw Error(ErrorCode::OutOfScope, "recording a measure needs the role township or above");
  check_text(measure.department, "--department", 64, true);
  check_text(measure.kind, "--kind", 500, true);
  check_text(measure.note, "--note", 2000, false);
  check_date(measure.start, "--start");
  if (!measure.end.empty()) {
    check_date(measure.end, "--end");
    if (measure.end < measure.start)
      throw Error(ErrorCode::InvalidArgument,
                  "--end " + measure.end + " is before --start " + measure.start);
  }
  std::string id;
  impl_->commit_local([&](LocalChange& local) {
    MonitoringView view(*impl_);
    auto state = view.case_state(case_id);
    if (!state.exists) throw Error(ErrorCode::NotFound, "unknown case '" + case_id + "'");
    RecordRow household = impl_->require_record(state.household, "household");
    if (!grid_within(household.grid, impl_->identity.scope))
      throw Error(ErrorCode::OutOfScope, "case " + case_id + " is outside this device's scope '" +
                                             impl_->identity.scope + "'");
    if (state.conflict || (state.state != "approved" && state.state != "assisting"))
      throw Error(ErrorCode::Conflict, "case " + case_id + " is " + state.state +
                                           "; measures are recorded once it is approved");
    local.household = household.id;
    local.grid = household.grid;
    id = new_record_id(household.id);
    json fields = {{"case", case_id},
                   {"department", measure.department},
                   {"kind", measure.kind},
                   {"start", measure.start},
                   {"ongoing", measure.ongoing},
                   {"recorded_by", impl_->author()},
                   {"date", view.today.to_string()}};
    if (!measure.end.empty()) fields["end"] = measure.end;
    if (!measure.note.empty()) fields["note"] = measure.note;
    create_record(*impl_, local, "measure", id, household.id, fields);
  });
  return id;
}

json Store::monitor() {
  if (impl_->identity.role != "county")
    throw Error(ErrorCode::Unauthorized,
                "only the county runs the monitoring sweep (this device's role is " +
                    impl_->identity.role + ")");
  json escalations = json::array(), raised = json::array();
  // Escalations: each open case whose step is past its deadline, once per case, step and
  // date it entered that step.
  std::vector<std::string> overdue_cases;
  {
    MonitoringView view(*impl_);
    view.each_of_type("case", "", "",
                      [&](const std::string& id, const std::string&, const std::string& grid) {
                        auto state = view.case_state(id);
                        if (state.closed() || state.conflict) return;
                        json summary = view.case_summary(state, grid);
                        if (summary["overdue"].get<bool>()) overdue_cases.push_back(id);
                      });
  }
  for (const auto& case_id : overdue_cases) {
    impl_->commit_local([&](LocalChange& local) {
      MonitoringView view(*impl_);
      auto state = view.case_state(case_id);
      RecordRow household = impl_->require_record(state.household, "household");
      local.household = household.id;
      local.grid = household.grid;
      mon::Date since = view.entered(state);
      auto parsed = *mon::case_state_from_string(state.state);
      WarningInput input;
      input.trigger = "escalation:" + case_id + ":" + state.state + ":" + since.to_string();
      input.source = "escalation";
      input.level = level_of(*impl_, household.id);
      input.escalated_to = mon::to_string(mon::escalation_level(parsed));
      auto due = mon::step_deadline(parsed, since, view.settings, view.calendar);
      input.reason = "the step after " + state.state + " was due on " +
                     (due ? due->to_string() : std::string("?")) + " and is not done";
      input.created_at = iso_now();
      input.created_by = impl_->author();
      input.date = view.today.to_string();
      json out = raise_into(*impl_, view, local, household, input);
      if (!out.is_null()) escalations.push_back(out["warning"]);
    });
  }
  // Rules warnings the county's own classification calls for.
  std::vector<std::string> households;
  {
    auto& select = impl_->db->cached(kHouseholdsAtLevel);
    while (select.step()) households.push_back(select.text(0));
    select.reset();
  }
  for (const auto& id : households) {
    impl_->commit_local([&](LocalChange& local) {
      MonitoringView view(*impl_);
      if (view.open_case(id)) return;
      std::string visit_id, author;
      int64_t wall = 0;
      auto& select = impl_->db->cached(kNewestVisit).bind(1, id);
      if (select.step()) {
        visit_id = select.text(0);
        wall = select.int64(1);
        author = select.text(2);
      }
      select.reset();
      if (visit_id.empty()) return;
      // A visit from before the household's last case changed state was weighed by that
      // case (dismissed on it, or eliminated after it): it raises nothing again.
      auto cases = view.chain(id);
      if (!cases.empty()) {
        for (const auto& head : field_heads(*impl_->db, cases.back().id, kStateField))
          if (head.time.wall_ms >= wall) return;
      }
      std::string trigger = "visit:" + visit_id;
      if (impl_->find_record(derived_id(id, "warning|" + trigger))) return;
      RecordRow household = impl_->require_record(id, "household");
      local.household = household.id;
      local.grid = household.grid;
      json risk = risk_of(*impl_, id);
      WarningInput input;
      input.trigger = trigger;
      input.source = "rules";
      input.level = text_of(risk, "level");
      input.rules = rule_ids(risk);
      input.created_at = sync::to_iso8601(wall);
      input.created_by = impl_->author();
      input.date = view.today.to_string();
      json out = raise_into(*impl_, view, local, household, input);
      if (!out.is_null()) raised.push_back(out["warning"]);
    });
  }
  return {{"escalations", escalations}, {"warnings", raised}};
}

}  // namespace doorstep::store
