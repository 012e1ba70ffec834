// ImportRecords: the record of every department data import, kept by the server in the
// county store's file (table department_imports, server migration 4, county_tables.h) — who
// imported, when, which file (its name and SHA-256), which source, the counts and the whole
// report — for `doorstep-server imports` and `import show`.
//
// An import is recorded as "running" when it starts and "done" (with its report) or "failed"
// (with the error) when it ends, so an import killed half-way stays visible as running; the
// warnings it raised are kept, and importing the file again raises only the ones missing.
//
// JSON of a record: {"id", "status", "started_at", "finished_at" (ISO 8601 or null), "actor",
// "source", "file", "sha256", "bytes", "encoding", "counts": {"rows", "matched", "unmatched",
// "ambiguous", "invalid", "warnings_created", "tasks_created"}, "error" (failed only)}; the
// record shown alone adds "report".
//
// Ownership: borrows the caller's Database. Thread-safety: one thread at a time. Failure:
// doorstep::Error (SQLite domain; NotFound for an unknown import id).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/store/sqlite.h"

namespace doorstep::server {

struct ImportStart {
  std::string actor;
  std::string source;
  std::string file_name;
  std::string sha256;
  uint64_t bytes = 0;
  std::string encoding;
};

class ImportRecords {
 public:
  // Brings the server's tables of `county_db` up to date (migrate_county_tables).
  ImportRecords(sqlite::Database& county_db, const std::filesystem::path& data_dir);

  // Records an import that starts now; returns its id (1, 2, ...).
  int64_t begin(const ImportStart& start);
  // Records its end with its report (the counts are read from it).
  void finish(int64_t id, const nlohmann::json& report);
  void fail(int64_t id, const std::string& error);

  // {"imports": [record, ...]}, newest first.
  nlohmann::json list() const;
  // One record with its "report". Error(NotFound) for an unknown id.
  nlohmann::json show(int64_t id) const;

 private:
  sqlite::Database& db_;
};

}  // namespace doorstep::server
