// The server's tables in county.db and their numbered migrations.
#include "county/county_tables.h"

#include <array>

#include "core/common/error.h"
#include "enroll/server_database.h"

namespace doorstep::server {
namespace {

constexpr const char* kCreateSchemaTable =
    "CREATE TABLE IF NOT EXISTS server_schema ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)";
constexpr const char* kSchemaVersion = "SELECT version FROM server_schema WHERE id = 1";
constexpr const char* kSetSchemaVersion =
    "INSERT INTO server_schema (id, version) VALUES (1, ?1) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version";

// Migration N brings the version from N-1 to N. Append; never edit a released one.
constexpr std::array<const char*, 7> kMigrations = {
    // 1: the ack of each pushed batch, in the transaction of the changes it answers (a
    // server before these migrations created it on its own: IF NOT EXISTS).
    R"sql(
CREATE TABLE IF NOT EXISTS server_pushed_batch (
  device_id TEXT NOT NULL,
  batch TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  ack TEXT NOT NULL,              -- the ack JSON answered the first time
  PRIMARY KEY (device_id, batch)
);
)sql",
    // 2: the county's risk level of each household, computed from a pushed visit in the
    // transaction that stores the visit (it lived in server.db, committed apart from it).
    R"sql(
CREATE TABLE county_risk (
  household TEXT PRIMARY KEY,
  visit TEXT NOT NULL,            -- the newest visit evaluated
  wall_ms INTEGER NOT NULL,       -- its HLC time, to keep only the newest
  counter INTEGER NOT NULL,
  level TEXT NOT NULL,            -- red | yellow | green, as the county computed it
  risk TEXT NOT NULL,             -- the form engine's risk JSON (level, rules)
  form_version TEXT NOT NULL,     -- FORM_ID@VERSION
  device_level TEXT NOT NULL,     -- what the phone had computed ("" if nothing)
  evaluated_at INTEGER NOT NULL
);
)sql",
    // 3: the county's levels are the county store's own (household_risk, store migration 7:
    // the form's rules over each household's merged state, kept with every change); the
    // table of levels computed from single visits is gone.
    R"sql(
DROP TABLE county_risk;
)sql",
    // 4: the record of every department data import (county/import_records.h): who, when,
    // which file (name, SHA-256), which source, the counts and the whole report.
    R"sql(
CREATE TABLE department_imports (
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,    -- ms since the epoch
  finished_at INTEGER,            -- null while it runs (or if it was killed)
  status TEXT NOT NULL,           -- running | done | failed
  actor TEXT NOT NULL,
  source TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  encoding TEXT NOT NULL,
  counts TEXT NOT NULL,           -- {"rows", "matched", ...} JSON
  report TEXT NOT NULL            -- the import's JSON report ('{}' until it ends)
);
)sql",
    // 5: the staff of the web dashboard (web/staff_accounts.h, web/staff_sessions.h): their
    // accounts with Argon2id password hashes, server-side sessions (only the SHA-256 of each
    // session id is kept), failed logins (lockout and the per-address limit) and the staff's
    // actions that are not ops of the county record (tokens made, devices revoked).
    R"sql(
CREATE TABLE staff_accounts (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,             -- county | township | village
  scope TEXT NOT NULL,            -- a division of the county: its grid path prefix
  password_hash TEXT NOT NULL,    -- Argon2id, encoded ($argon2id$v=19$m=..,t=..,p=..$SALT$HASH)
  must_change_password INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,    -- unix seconds
  password_changed_at INTEGER NOT NULL,
  disabled_at INTEGER,
  last_login_at INTEGER
);
CREATE TABLE staff_sessions (
  id_hash TEXT PRIMARY KEY,       -- hex SHA-256 of the session id the cookie carries
  staff TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL,
  peer TEXT NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff);
CREATE TABLE staff_login_failures (
  at INTEGER NOT NULL,
  name TEXT NOT NULL,             -- the name as typed (an account or not)
  address TEXT NOT NULL           -- the client's IP address
);
CREATE INDEX staff_login_failures_by_name ON staff_login_failures (name, at);
CREATE INDEX staff_login_failures_by_address ON staff_login_failures (address, at);
CREATE TABLE staff_actions (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  staff TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,           -- token_created | device_revoked | import
  target TEXT NOT NULL,
  detail TEXT NOT NULL            -- JSON
);
)sql",
    // 6: the acks of batches pushed before migration 1, which an older server kept in
    // server.db's pushed_batch, are copied into server_pushed_batch (copy_old_acks), where
    // the replay of such a batch is answered from; server.db's table is read no more.
    R"sql(
-- rows copied by copy_old_acks
)sql",
    // 7: when each device last pulled (a page answered), so that the dashboard's "last sync"
    // is the later of its last push (server_pushed_batch) and its last pull.
    R"sql(
CREATE TABLE server_device_pulls (
  device_id TEXT PRIMARY KEY,
  pulled_at INTEGER NOT NULL      -- unix seconds
);
)sql",
};

constexpr const char* kOldAcks = "SELECT device_id, batch, received_at, ack FROM pushed_batch";
constexpr const char* kInsertAck =
    "INSERT OR IGNORE INTO server_pushed_batch (device_id, batch, received_at, ack) "
    "VALUES (?1, ?2, ?3, ?4)";

constexpr const char* kRecordPull =
    "INSERT INTO server_device_pulls (device_id, pulled_at) VALUES (?1, ?2) "
    "ON CONFLICT (device_id) DO UPDATE SET pulled_at = max(pulled_at, excluded.pulled_at)";

constexpr const char* kOldLevels =
    "SELECT household, visit, wall_ms, counter, level, risk, form_version, device_level, "
    "evaluated_at FROM county_risk";
constexpr const char* kInsertLevel =
    "INSERT OR IGNORE INTO county_risk (household, visit, wall_ms, counter, level, risk, "
    "form_version, device_level, evaluated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

// The levels an older server kept in server.db (its migration 2), if it has any.
void copy_old_levels(sqlite::Database& county_db, const std::filesystem::path& data_dir) {
  if (!std::filesystem::exists(ServerDatabase::path_in(data_dir))) return;
  sqlite::Database old(ServerDatabase::path_in(data_dir).string(), false);
  sqlite::Statement has_table(old,
                              "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                              "name = 'county_risk'");
  if (!has_table.step()) return;
  sqlite::Statement rows(old, kOldLevels);
  while (rows.step()) {
    auto& insert = county_db.cached(kInsertLevel);
    for (int column : {0, 1, 4, 5, 6, 7}) insert.bind(column + 1, rows.text(column));
    for (int column : {2, 3, 8}) insert.bind(column + 1, rows.int64(column));
    insert.run();
  }
}

// The acks an older server kept in server.db (its migration 1), if it has any.
void copy_old_acks(sqlite::Database& county_db, const std::filesystem::path& data_dir) {
  if (!std::filesystem::exists(ServerDatabase::path_in(data_dir))) return;
  sqlite::Database old(ServerDatabase::path_in(data_dir).string(), false);
  sqlite::Statement has_table(old,
                              "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                              "name = 'pushed_batch'");
  if (!has_table.step()) return;
  sqlite::Statement rows(old, kOldAcks);
  while (rows.step())
    county_db.cached(kInsertAck)
        .bind(1, rows.text(0))
        .bind(2, rows.text(1))
        .bind(3, rows.int64(2))
        .bind(4, rows.text(3))
        .run();
}

}  // namespace

void migrate_county_tables(sqlite::Database& county_db, const std::filesystem::path& data_dir) {
  {
    // Up to date (the usual case): no write lock taken, so that the county's read commands
    // run beside a serving server.
    sqlite::Statement known(county_db,
                            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'server_schema'");
    if (known.step()) {
      auto& current = county_db.cached(kSchemaVersion);
      bool latest = current.step() && current.int64(0) == static_cast<int64_t>(kMigrations.size());
      current.reset();
      if (latest) return;
    }
  }
  sqlite::Transaction transaction(county_db);
  county_db.exec(kCreateSchemaTable);
  auto& select = county_db.cached(kSchemaVersion);
  int64_t version = select.step() ? select.int64(0) : 0;
  select.reset();
  if (version > static_cast<int64_t>(kMigrations.size()))
    throw Error(ErrorCode::UnsupportedVersion,
                county_db.path() + " holds server tables of version " + std::to_string(version) +
                    ", newer than this server knows (" + std::to_string(kMigrations.size()) +
                    "); upgrade doorstep-server");
  if (version == static_cast<int64_t>(kMigrations.size())) return;
  for (auto v = static_cast<size_t>(version); v < kMigrations.size(); ++v) {
    county_db.exec(kMigrations[v]);
    if (v + 1 == 2) copy_old_levels(county_db, data_dir);
    if (v + 1 == 6) copy_old_acks(county_db, data_dir);
  }
  county_db.cached(kSetSchemaVersion).bind(1, static_cast<int64_t>(kMigrations.size())).run();
  transaction.commit();
}

void record_device_pull(sqlite::Database& county_db, const std::string& device_id, int64_t at) {
  county_db.cached(kRecordPull).bind(1, device_id).bind(2, at).run();
}

}  // namespace doorstep::server
