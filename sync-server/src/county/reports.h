// The county's reports: one JSON document per report, each counting what the county store
// holds within a scope by township, village and grid (docs/reports.md has every member):
//
//   levels      households by level (red, yellow, green, unsurveyed) and monitoring type
//   cases       cases by state, and open cases by age (days since opened)
//   warnings    warnings by source and, for department data, by department
//   overdue     what is past its due date (overdue_entries()), by kind
//   new_risk    households that became red or yellow this month
//   eliminated  cases eliminated this year
//
// Every report is {"report": NAME, "scope", "as_of": TODAY, "totals": {...}, "areas":
// [{"level", "code", "name", ...}], ...}; the same function answers the command line, the
// HTTPS route and the export, and report_table() shows any of them as a table.
//
// Streaming: the households come from Store::scan_households, the warnings, cases and tasks
// from the store's scans of them; what is held grows with the divisions (and, for the lists
// of new_risk, overdue and eliminated, with what they list), not with the county.
//
// Ownership: borrows the store, the county's risk levels and the names. Thread-safety: as the
// Store (one thread at a time). Failure: Error(InvalidArgument) naming an unknown report or a
// bad scope; the store's errors otherwise.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/monitoring/calendar.h"
#include "core/store/store.h"
#include "county/county_risk.h"
#include "county/division_names.h"
#include "county/table_rows.h"

namespace doorstep::server {

struct ReportSources {
  const store::Store& store;
  const CountyRisk& risk;
  const DivisionNames& names;
};

// levels, cases, warnings, overdue, new_risk, eliminated.
const std::vector<std::string>& report_names();

// Throws Error(InvalidArgument) naming `option` (e.g. "--name") unless `name` is a report.
void check_report_name(const std::string& name, const std::string& option);

// The report `name` for the households within `scope` ("" = the whole store) on `today`.
nlohmann::json build_report(const ReportSources& sources, const std::string& name,
                            const std::string& scope, monitoring::Date today);

// Something past its due date, as the overdue report counts it.
struct OverdueItem {
  std::string source;  // what it is: "task" (a stored task) | "schedule" (a visit schedule's entry)
  std::string id;
  // a task's kind: verify | revisit | follow_up | elimination_check; a schedule entry's:
  // revisit (a home visit) | checkin (a phone check-in)
  std::string kind;
  std::string household;
  std::string case_id;  // "" when none
  std::string grid;     // the household's grid
  monitoring::Date due;
  int64_t days_overdue = 0;  // days from its due date to today
};

// The one place the overdue report reads from: each open stored task of a household within
// `scope` whose due date is before `today` (Store::scan_tasks), then each overdue entry of
// the visit schedule (Store::scan_schedule: home visits and phone check-ins, as the phones
// and `doorstep-server overdue` list them).
void overdue_entries(const store::Store& store, const std::string& scope, monitoring::Date today,
                     const std::function<void(const OverdueItem&)>& each);

// A report as a table: its areas' counts (levels, cases, warnings, overdue) or its list
// (new_risk, eliminated). `report` is what build_report() returned.
Table report_table(const nlohmann::json& report);

}  // namespace doorstep::server
