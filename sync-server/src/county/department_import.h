// The department data cross-check (部门信息比对): a department's CSV file matched row by row,
// by ID number, against every member of the county; each matched row whose values call for
// it (department_sources.h) raises a warning with source "department" through
// Store::raise_warning, which opens a case with a verify task for the household's grid (or
// joins the open one, with a verify task of its own) carrying the department's figures as
// the revisit's prefill — so the grid worker's phone receives it at its next sync
// (docs/monitoring.md, "Department data").
//
// The file is read three times, never held whole: once for its SHA-256 and encoding, once to
// check its structure and header (a file-level problem stops the import before anything is
// written), once to match. Each row is counted once: matched, unmatched, ambiguous (its
// number is on two or more members) or invalid (with its line and the reason). Blank rows
// are skipped and not counted.
//
// Idempotent: a warning's trigger is the source, the normalised ID number and the row's
// risk-relevant values, so importing a file again raises nothing new, and a changed row
// raises a new warning. Each warning is one change of its household, committed on its own:
// an import killed half-way keeps what it raised, and its record stays "running"
// (import_records.h).
//
// Ownership: borrows the county. Thread-safety: as the county's Store, one thread at a time.
// Failure: doorstep::Error(InvalidArgument) naming the file and line (or the mapping file) for
// a file that cannot be imported: not UTF-8 or GBK, a quoted field never closed, no header, a
// required column missing, two columns giving the same value, a bad mapping file;
// NotFound for a file that cannot be read. Nothing is written then.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/sync/county_authority.h"

namespace doorstep::server {

struct DepartmentImportOptions {
  std::string source;  // a department_sources() id: civil-affairs, medical-insurance, ...
  std::filesystem::path file;
  // A JSON file {"columns": {"THEIR HEADER": "our_name"}} renaming a department's headers.
  std::optional<std::filesystem::path> mapping;
  bool dry_run = false;          // match and report only: no warning, no import record
  std::string actor = "county";  // who imports, kept in the import record
  // Where the unmatched rows go (the caller's stream, e.g. a file for the department): a CSV
  // of the file's header and each unmatched row, after a first column with its line number.
  std::ostream* unmatched_out = nullptr;
};

// The report: {"rows", "matched", "unmatched", "ambiguous", "invalid": [{"line", "reason"}],
// "warnings_created", "tasks_created"} and what else helps the county: "import" (the record's
// id, null for a dry run), "dry_run", "source", "file", "sha256", "encoding", "risky" (matched
// rows that call for a warning), "unmatched_lines", "ambiguous_rows": [{"line", "members"}],
// "warnings": [{"line", "member", "household", "rules", "level", "warning", "task",
// "created"}], "members_indexed", "members_without_valid_id", "medical_cost_yuan".
nlohmann::json import_department_data(sync::CountyAuthority& county,
                                      const std::filesystem::path& data_dir,
                                      const DepartmentImportOptions& options);

}  // namespace doorstep::server
