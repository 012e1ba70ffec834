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
// The matching pass runs against an index of the county's members built when it starts: a
// member's ID number changed by a sync between two batches of rows (hold_county) is matched
// as it was then.
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
#include <functional>
#include <memory>
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
  // When set, the county is touched only while an object this returns is alive: the first
  // two passes over the file (hash, encoding, structure) run before it is first called, and
  // the matching pass holds it for at most kRowsPerHold rows at a time, so a server answers
  // syncs and pages between the batches of a long import. The caller's object takes the
  // county lock (and sets who writes, as the lock's other holders may change it). Unset: the
  // caller holds the county for the whole import (the command line, alone on its data).
  std::function<std::shared_ptr<void>()> hold_county;
};

// Rows matched (and their warnings raised) per hold of DepartmentImportOptions::hold_county.
inline constexpr size_t kRowsPerHold = 200;

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
