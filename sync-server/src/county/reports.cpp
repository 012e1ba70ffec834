// The county's reports, each one pass over the store's households, cases, warnings or tasks.
#include "county/reports.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/common/error.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/grid_path.h"
#include "county/area_counts.h"
#include "county/department_sources.h"
#include "county/register.h"

namespace doorstep::server {
namespace {

using monitoring::Date;
using nlohmann::json;

const std::vector<std::string> kLevels = {"red", "yellow", "green", "unsurveyed"};
const std::vector<std::string> kAgeBuckets = {"0-7", "8-30", "31-90", ">90"};
const std::vector<std::string> kWarningSources = {"rules", "department", "application",
                                                  "escalation"};
const std::vector<std::string> kTaskKinds = {"verify", "revisit", "follow_up", "elimination_check"};
// What the overdue report counts: the stored tasks' kinds and the schedule's check-ins.
const std::vector<std::string> kOverdueKinds = {"verify", "revisit", "follow_up",
                                                "elimination_check", "checkin"};
const std::vector<std::string> kCaseTypes = {"unstable", "marginal", "sudden"};

std::string text_of(const json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_risk_level(const std::string& level) {
  return level == "red" || level == "yellow";
}

json counts_of(const std::vector<std::string>& keys) {
  json counts = json::object();
  for (const auto& key : keys) counts[key] = 0;
  return counts;
}

json report_header(const ReportSources& sources, const std::string& name, const std::string& scope,
                   Date today) {
  return {{"report", name},
          {"scope", scope},
          {"scope_name", scope.empty() ? std::string() : sources.names.name_of(scope)},
          {"as_of", today.to_string()}};
}

// ---- levels: households by level x monitoring type x area ----

json level_counts() {
  json counts = counts_of(kLevels);
  counts["total"] = 0;
  return counts;
}

json levels_report(const ReportSources& sources, const std::string& scope, Date today) {
  json zero = level_counts();
  zero["by_type"] = json::object();
  AreaCounts counts(zero);
  store::HouseholdScan scan;
  scan.grid_prefix = scope;
  sources.store.scan_households(scan, [&](const store::HouseholdOverview& household) {
    // Unsurveyed: never visited, or visited with a form the county cannot classify with.
    std::string level = "unsurveyed", type = "none";
    if (household.visited)
      if (auto county = sources.risk.level_of(household.id);
          county && (is_risk_level(county->level) || county->level == "green")) {
        level = county->level;
        if (!county->monitoring_type.empty()) type = county->monitoring_type;
      }
    counts.add(household.grid, [&](json& area) {
      bump(area, level);
      bump(area, "total");
      json& by_type = area["by_type"];
      if (!by_type.contains(type)) by_type[type] = level_counts();
      bump(by_type[type], level);
      bump(by_type[type], "total");
    });
  });
  json out = report_header(sources, "levels", scope, today);
  out["levels"] = kLevels;
  out["totals"] = counts.totals();
  out["areas"] = counts.areas(sources.names);
  return out;
}

// ---- cases: by state, and open cases by age ----

std::string age_bucket(int64_t days) {
  if (days <= 7) return "0-7";
  if (days <= 30) return "8-30";
  if (days <= 90) return "31-90";
  return ">90";
}

json cases_report(const ReportSources& sources, const std::string& scope, Date today) {
  json zero = {{"total", 0},
               {"open", 0},
               {"closed", 0},
               {"by_state", counts_of(register_steps())},
               {"by_age", counts_of(kAgeBuckets)}};
  AreaCounts counts(zero);
  store::MonitoringFilter filter;
  filter.scope = scope;
  filter.all = true;
  sources.store.scan_cases(filter, [&](const json& summary) {
    if (summary.contains("joined_to")) return;  // the duplicate of an open case
    std::string state = text_of(summary, "state");
    auto parsed = monitoring::case_state_from_string(state);
    // As the store says: a case whose state is in conflict is open until it is resolved.
    bool closed = parsed && monitoring::is_closed(*parsed) && !summary.value("conflict", false);
    auto opened = Date::parse(text_of(summary, "opened"));
    counts.add(text_of(summary, "grid"), [&](json& area) {
      bump(area, "total");
      bump(area, closed ? "closed" : "open");
      bump(area["by_state"], state);
      if (!closed && opened) bump(area["by_age"], age_bucket(today.days - opened->days));
    });
  });
  json out = report_header(sources, "cases", scope, today);
  out["states"] = register_steps();
  out["age_buckets"] = kAgeBuckets;
  out["totals"] = counts.totals();
  out["areas"] = counts.areas(sources.names);
  return out;
}

// ---- warnings: by source and department ----

// The department whose data raised a warning: the import's values name it, and so does the
// trigger ("department:medical-insurance|ID|...") of one without values.
std::string department_of(const json& warning) {
  if (text_of(warning, "source") != "department") return "";
  auto values = warning.find("values");
  if (values != warning.end()) {
    std::string source = text_of(*values, "source");
    if (!source.empty()) return source;
  }
  std::string trigger = text_of(warning, "trigger");
  const std::string prefix = "department:";
  if (trigger.rfind(prefix, 0) == 0) {
    std::string rest = trigger.substr(prefix.size());
    std::string source = rest.substr(0, rest.find('|'));
    if (!source.empty()) return source;
  }
  return "unknown";
}

json status_counts() {
  return {{"total", 0}, {"open", 0}, {"closed", 0}};
}

void count_status(json& counts, const std::string& status) {
  bump(counts, "total");
  bump(counts, status);
}

json warnings_report(const ReportSources& sources, const std::string& scope, Date today) {
  json zero = status_counts();
  zero["by_source"] = json::object();
  for (const auto& source : kWarningSources) zero["by_source"][source] = status_counts();
  zero["by_department"] = json::object();
  AreaCounts counts(zero);
  store::MonitoringFilter filter;
  filter.scope = scope;
  filter.all = true;
  sources.store.scan_warnings(filter, [&](const json& warning) {
    std::string source = text_of(warning, "source");
    if (source.empty()) source = "unknown";
    std::string status = text_of(warning, "status") == "closed" ? "closed" : "open";
    std::string department = department_of(warning);
    counts.add(text_of(warning, "grid"), [&](json& area) {
      count_status(area, status);
      json& by_source = area["by_source"];
      if (!by_source.contains(source)) by_source[source] = status_counts();
      count_status(by_source[source], status);
      if (department.empty()) return;
      json& by_department = area["by_department"];
      if (!by_department.contains(department)) by_department[department] = status_counts();
      count_status(by_department[department], status);
    });
  });
  json out = report_header(sources, "warnings", scope, today);
  out["sources"] = kWarningSources;
  json departments = json::array();
  const json seen = counts.totals()["by_department"];
  for (const auto& [id, unused] : seen.items()) {
    const DepartmentSource* known = find_department_source(id);
    departments.push_back({{"id", id}, {"label", known ? known->label : std::string()}});
  }
  out["departments"] = departments;
  out["totals"] = counts.totals();
  out["areas"] = counts.areas(sources.names);
  return out;
}

// ---- overdue: what is past its due date, by area ----

json overdue_report(const ReportSources& sources, const std::string& scope, Date today) {
  json zero = {{"total", 0},
               {"by_kind", counts_of(kOverdueKinds)},
               {"oldest_due", nullptr},
               {"most_days_overdue", 0}};
  AreaCounts counts(zero);
  std::vector<OverdueItem> entries;
  overdue_entries(sources.store, scope, today, [&](const OverdueItem& entry) {
    counts.add(entry.grid, [&](json& area) {
      bump(area, "total");
      bump(area["by_kind"], entry.kind);
      std::string due = entry.due.to_string();
      if (area["oldest_due"].is_null() || due < area["oldest_due"].get<std::string>())
        area["oldest_due"] = due;
      if (entry.days_overdue > area["most_days_overdue"].get<int64_t>())
        area["most_days_overdue"] = entry.days_overdue;
    });
    entries.push_back(entry);
  });
  std::sort(entries.begin(), entries.end(), [](const OverdueItem& a, const OverdueItem& b) {
    return std::tie(b.days_overdue, a.grid, a.id) < std::tie(a.days_overdue, b.grid, b.id);
  });
  json list = json::array();
  for (const auto& entry : entries) {
    json item = {{"source", entry.source},
                 {"id", entry.id},
                 {"kind", entry.kind},
                 {"household", entry.household},
                 {"case", entry.case_id.empty() ? json() : json(entry.case_id)},
                 {"due", entry.due.to_string()},
                 {"days_overdue", entry.days_overdue}};
    item.update(sources.names.divisions_of(entry.grid));
    list.push_back(std::move(item));
  }
  json out = report_header(sources, "overdue", scope, today);
  out["kinds"] = kOverdueKinds;
  out["totals"] = counts.totals();
  out["areas"] = counts.areas(sources.names);
  out["entries"] = list;
  return out;
}

// ---- new_risk: households that became red or yellow this month ----

struct NewRisk {
  std::string grid;
  std::string since;  // the earliest qualifying warning's date
  std::set<std::string> sources;
};

json new_risk_report(const ReportSources& sources, const std::string& scope, Date today) {
  std::string month = today.to_string().substr(0, 7);
  std::string first_day = month + "-01", last_day = today.to_string();
  struct Candidate {
    std::string id, household, grid, case_id, source, date;
  };
  std::vector<Candidate> candidates;
  // Each case's first warning (by the time it was raised), to tell a department warning that
  // opened a case from one that joined a case open already.
  std::map<std::string, std::pair<std::string, std::string>> first_of_case;
  store::MonitoringFilter filter;
  filter.scope = scope;
  filter.all = true;
  sources.store.scan_warnings(filter, [&](const json& warning) {
    std::string id = text_of(warning, "id"), case_id = text_of(warning, "case");
    std::string created = text_of(warning, "created_at");
    if (!case_id.empty()) {
      auto& first = first_of_case[case_id];
      if (first.second.empty() || std::tie(created, id) < std::tie(first.first, first.second))
        first = {created, id};
    }
    std::string source = text_of(warning, "source"), date = text_of(warning, "date");
    if ((source != "rules" && source != "department") || !is_risk_level(text_of(warning, "level")))
      return;
    if (date < first_day || date > last_day) return;
    candidates.push_back(
        {id, text_of(warning, "household"), text_of(warning, "grid"), case_id, source, date});
  });
  std::map<std::pair<std::string, std::string>, NewRisk> households;  // (grid, id) -> found
  for (const auto& candidate : candidates) {
    if (candidate.source == "department" && first_of_case[candidate.case_id].second != candidate.id)
      continue;
    NewRisk& found = households[{candidate.grid, candidate.household}];
    found.grid = candidate.grid;
    if (found.since.empty() || candidate.date < found.since) found.since = candidate.date;
    found.sources.insert(candidate.source);
  }
  AreaCounts counts({{"red", 0}, {"yellow", 0}, {"total", 0}});
  json list = json::array();
  for (const auto& [key, found] : households) {
    const std::string& household = key.second;
    auto county = sources.risk.level_of(household);
    if (!county || !is_risk_level(county->level)) continue;
    counts.add(found.grid, [&](json& area) {
      bump(area, county->level);
      bump(area, "total");
    });
    json fields = sources.store.household_state(household)["fields"];
    json item = {{"household", household},
                 {"head_name", text_of(fields, "head_name")},
                 {"level", county->level},
                 {"since", found.since},
                 {"sources", found.sources}};
    item.update(sources.names.divisions_of(found.grid));
    list.push_back(std::move(item));
  }
  json out = report_header(sources, "new_risk", scope, today);
  out["month"] = month;
  out["from"] = first_day;
  out["to"] = last_day;
  out["totals"] = counts.totals();
  out["areas"] = counts.areas(sources.names);
  out["households"] = list;
  return out;
}

// ---- eliminated: cases eliminated this year ----

json eliminated_report(const ReportSources& sources, const std::string& scope, Date today) {
  int year = today.year();
  RegisterFilter filter;
  filter.scope = scope;
  filter.state = "eliminated";
  filter.dates = "entered";
  filter.from = Date::from_civil(year, 1, 1).to_string();
  filter.to = Date::from_civil(year, 12, 31).to_string();
  json zero = {{"total", 0}, {"by_type", counts_of(kCaseTypes)}};
  AreaCounts counts(zero);
  json list = json::array();
  scan_register(sources.store, sources.names, filter, [&](const json& entry) {
    std::string type = text_of(entry, "type");
    if (type.empty()) type = "none";
    counts.add(text_of(entry, "grid"), [&](json& area) {
      bump(area, "total");
      bump(area["by_type"], type);
    });
    std::string eliminated = text_of(entry["dates"], "eliminated");
    if (eliminated.empty()) eliminated = text_of(entry, "entered");
    auto from = Date::parse(text_of(entry, "opened")), to = Date::parse(eliminated);
    json item = {{"case", entry["case"]},
                 {"household", entry["household"]},
                 {"head_name", entry["head_name"]},
                 {"type", entry["type"]},
                 {"opened", entry["opened"]},
                 {"eliminated", eliminated},
                 {"days_monitored", from && to ? json(to->days - from->days) : json()},
                 {"departments", entry["departments"]}};
    item.update(sources.names.divisions_of(text_of(entry, "grid")));
    list.push_back(std::move(item));
  });
  json out = report_header(sources, "eliminated", scope, today);
  out["year"] = year;
  out["from"] = filter.from;
  out["to"] = filter.to;
  out["types"] = kCaseTypes;
  out["totals"] = counts.totals();
  out["areas"] = counts.areas(sources.names);
  out["cases"] = list;
  return out;
}

}  // namespace

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> kNames = {"levels",  "cases",    "warnings",
                                                  "overdue", "new_risk", "eliminated"};
  return kNames;
}

void check_report_name(const std::string& name, const std::string& option) {
  const auto& names = report_names();
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::string known;
  for (const auto& each : names) known += (known.empty() ? "" : ", ") + each;
  throw Error(ErrorCode::InvalidArgument,
              option + " '" + name + "' is not a report (" + known + ")");
}

json build_report(const ReportSources& sources, const std::string& name, const std::string& scope,
                  Date today) {
  check_report_name(name, "report");
  if (!scope.empty()) {
    try {
      store::validate_grid_scope(scope);
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidArgument, std::string("scope: ") + e.what());
    }
  }
  if (name == "levels") return levels_report(sources, scope, today);
  if (name == "cases") return cases_report(sources, scope, today);
  if (name == "warnings") return warnings_report(sources, scope, today);
  if (name == "overdue") return overdue_report(sources, scope, today);
  if (name == "new_risk") return new_risk_report(sources, scope, today);
  return eliminated_report(sources, scope, today);
}

void overdue_entries(const store::Store& store, const std::string& scope, Date today,
                     const std::function<void(const OverdueItem&)>& each) {
  store::MonitoringFilter filter;
  filter.scope = scope;
  filter.status = "open";
  store.scan_tasks(filter, [&](const json& task) {
    auto due = Date::parse(text_of(task, "due"));
    if (!due || !(*due < today)) return;
    OverdueItem entry;
    entry.source = "task";
    entry.id = text_of(task, "id");
    entry.kind = text_of(task, "kind");
    entry.household = text_of(task, "household");
    entry.case_id = text_of(task, "case");
    entry.grid = text_of(task, "grid");
    entry.due = *due;
    entry.days_overdue = today.days - due->days;
    each(entry);
  });
  store::HouseholdScan scan;
  scan.grid_prefix = scope;
  store.scan_schedule(scan, [&](const store::HouseholdOverview& household,
                                const std::vector<store::ScheduledContact>& contacts) {
    for (const auto& contact : contacts) {
      auto due = Date::parse(contact.due);
      if (!due || !(*due < today)) continue;
      OverdueItem entry;
      entry.source = "schedule";
      entry.id = contact.id;
      entry.kind = contact.kind;
      entry.household = household.id;
      entry.grid = contact.grid;
      entry.due = *due;
      entry.days_overdue = today.days - due->days;
      each(entry);
    }
  });
}

}  // namespace doorstep::server
