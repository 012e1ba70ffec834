// ImportRecords: the table department_imports.
#include "county/import_records.h"

#include "core/common/error.h"
#include "core/sync/hlc.h"
#include "county/county_tables.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

constexpr const char* kBegin =
    "INSERT INTO department_imports (started_at, status, actor, source, file_name, file_sha256, "
    "file_bytes, encoding, counts, report) VALUES (?1, 'running', ?2, ?3, ?4, ?5, ?6, ?7, '{}', "
    "'{}')";
constexpr const char* kFinish =
    "UPDATE department_imports SET finished_at = ?2, status = 'done', counts = ?3, report = ?4 "
    "WHERE id = ?1";
constexpr const char* kFail =
    "UPDATE department_imports SET finished_at = ?2, status = 'failed', report = ?3 WHERE id = ?1";
constexpr const char* kList =
    "SELECT id, started_at, finished_at, status, actor, source, file_name, file_sha256, "
    "file_bytes, encoding, counts, report FROM department_imports ORDER BY id DESC";
constexpr const char* kOne =
    "SELECT id, started_at, finished_at, status, actor, source, file_name, file_sha256, "
    "file_bytes, encoding, counts, report FROM department_imports WHERE id = ?1";

const char* const kCountNames[] = {"rows",    "matched",          "unmatched",    "ambiguous",
                                   "invalid", "warnings_created", "tasks_created"};

json record_of(const sqlite::Statement& row, bool with_report) {
  json counts = json::parse(row.text(10), nullptr, false);
  bool failed = row.text(3) == "failed";
  // A listing leaves the reports (of up to a row each) unread.
  json report = with_report || failed ? json::parse(row.text(11), nullptr, false) : json();
  json out = {{"id", row.int64(0)},
              {"status", row.text(3)},
              {"started_at", sync::to_iso8601(row.int64(1))},
              {"finished_at", row.is_null(2) ? json() : json(sync::to_iso8601(row.int64(2)))},
              {"actor", row.text(4)},
              {"source", row.text(5)},
              {"file", row.text(6)},
              {"sha256", row.text(7)},
              {"bytes", row.int64(8)},
              {"encoding", row.text(9)},
              {"counts", counts.is_object() ? counts : json::object()}};
  if (failed && report.is_object() && report.contains("error")) out["error"] = report["error"];
  if (with_report) out["report"] = report.is_object() ? report : json::object();
  return out;
}

}  // namespace

ImportRecords::ImportRecords(sqlite::Database& county_db, const std::filesystem::path& data_dir)
    : db_(county_db) {
  migrate_county_tables(db_, data_dir);
}

int64_t ImportRecords::begin(const ImportStart& start) {
  db_.cached(kBegin)
      .bind(1, sync::physical_now_ms())
      .bind(2, start.actor)
      .bind(3, start.source)
      .bind(4, start.file_name)
      .bind(5, start.sha256)
      .bind(6, static_cast<int64_t>(start.bytes))
      .bind(7, start.encoding)
      .run();
  return db_.last_insert_rowid();
}

void ImportRecords::finish(int64_t id, const json& report) {
  json counts = json::object();
  for (const char* name : kCountNames) {
    if (!report.contains(name)) continue;
    const json& value = report[name];
    counts[name] = value.is_array() ? json(value.size()) : value;
  }
  db_.cached(kFinish)
      .bind(1, id)
      .bind(2, sync::physical_now_ms())
      .bind(3, counts.dump())
      .bind(4, report.dump())
      .run();
}

void ImportRecords::fail(int64_t id, const std::string& error) {
  db_.cached(kFail)
      .bind(1, id)
      .bind(2, sync::physical_now_ms())
      .bind(3, json{{"error", error}}.dump(-1, ' ', false, json::error_handler_t::replace))
      .run();
}

json ImportRecords::list() const {
  json imports = json::array();
  auto& select = db_.cached(kList);
  while (select.step()) imports.push_back(record_of(select, false));
  select.reset();
  return {{"imports", imports}};
}

json ImportRecords::show(int64_t id) const {
  auto& select = db_.cached(kOne).bind(1, id);
  if (!select.step()) {
    select.reset();
    throw Error(ErrorCode::NotFound,
                "no import " + std::to_string(id) + " (doorstep-server imports lists them)");
  }
  json out = record_of(select, true);
  select.reset();
  return out;
}

}  // namespace doorstep::server
