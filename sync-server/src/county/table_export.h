// The county's exports as tables: what `doorstep-server export --what` names — the
// households (county_export.h), the register (register.h), the warnings, the tasks, or one
// report (reports.h) — written row by row to a table sink, CSV or XLSX (docs/reports.md,
// "Exports"). The columns of each are a contract, with Chinese and English headers.
//
// Streaming: the households, the register, the warnings and the tasks go to the sink as the
// store's scans read them; a report is built whole first (it is small: counts per division,
// or the few households and cases it lists).
//
// Ownership: borrows the sources and the sink. Thread-safety: as the Store. Failure:
// check_table_export() throws Error(InvalidArgument) naming --what, --lang, --report or
// --scope and the value; the export throws what the store or the sink throws.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/monitoring/calendar.h"
#include "core/store/store.h"
#include "county/county_risk.h"
#include "county/division_names.h"
#include "county/table_rows.h"

namespace doorstep::server {

struct TableExportOptions {
  std::string what = "households";  // households | register | warnings | tasks | report
  std::string scope;                // grid prefix ("" = the whole county)
  std::string language = "zh";      // of the header row: zh | en
  std::string report;               // what = report: the report's name
};

// households, register, warnings, tasks, report.
const std::vector<std::string>& export_subjects();

void check_table_export(const TableExportOptions& options);

// The sheet's name of an export ("households", "register", ... or the report's name).
std::string export_title(const TableExportOptions& options);

// Writes the export to `sink` (begin, the rows, finish) and returns the number of rows
// (header excluded). `today` dates the reports.
size_t export_table(const store::Store& store, const CountyRisk& risk, const DivisionNames& names,
                    const TableExportOptions& options, monitoring::Date today, TableSink& sink);

}  // namespace doorstep::server
