// The server's own tables in the county store's file (DIR/county.db): what must commit in the
// same transaction as the changes it derives from — the ack of each pushed batch
// (server_pushed_batch) and the county's risk level of each household (county_risk) — and the
// record of each department data import (department_imports, import_records.h), and the
// dashboard's staff accounts, sessions, failed logins and actions (migration 5,
// web/staff_accounts.h), and when each device last pulled (server_device_pulls, migration 7).
// The
// core store owns the file's schema (PRAGMA user_version); these tables have numbered
// migrations of their own, tracked in the one-row table server_schema.
//
// Thread-safety: uses the caller's Database, one thread at a time. Failure: doorstep::Error
// (SQLite domain; UnsupportedVersion for tables from a newer server).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/store/sqlite.h"

namespace doorstep::server {

// Brings the server's tables in `county_db` to the latest version, in one transaction.
// Levels an older server kept in DIR/server.db are copied over by the migration that
// creates county_risk.
void migrate_county_tables(sqlite::Database& county_db, const std::filesystem::path& data_dir);

// Records that `device_id` pulled at `at` (unix seconds; an earlier time than the one kept
// changes nothing). Throws the SQLite Error of the write.
void record_device_pull(sqlite::Database& county_db, const std::string& device_id, int64_t at);

}  // namespace doorstep::server
