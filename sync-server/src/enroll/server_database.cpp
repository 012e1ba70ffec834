// ServerDatabase: opening, durability settings and migrations of DIR/server.db.
#include "enroll/server_database.h"

#include <array>

#include "core/common/error.h"

namespace doorstep::server {
namespace {

// Migration N brings user_version from N-1 to N.
constexpr std::array<const char*, 2> kMigrations = {
    R"sql(
CREATE TABLE enrollment_token (
  hash TEXT PRIMARY KEY,          -- hex SHA-256 of the normalized token; the token itself is not kept
  role TEXT NOT NULL,
  scope TEXT NOT NULL,
  created_at INTEGER NOT NULL,    -- unix seconds
  expires_at INTEGER NOT NULL,
  used_at INTEGER,                -- set once, when redeemed
  device_id TEXT                  -- the device that redeemed it
);
CREATE TABLE pushed_batch (
  device_id TEXT NOT NULL,
  batch TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  ack TEXT NOT NULL,              -- the ack JSON answered the first time
  PRIMARY KEY (device_id, batch)
);
)sql",
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
};

constexpr const char* kUserVersion = "PRAGMA user_version";

}  // namespace

std::filesystem::path ServerDatabase::path_in(const std::filesystem::path& data_dir) {
  return data_dir / "server.db";
}

ServerDatabase::ServerDatabase(const std::filesystem::path& data_dir)
    : db_(path_in(data_dir).string(), true) {
  db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  sqlite::Transaction transaction(db_);
  auto& version_query = db_.cached(kUserVersion);
  version_query.step();
  int64_t version = version_query.int64(0);
  version_query.reset();
  if (version > static_cast<int64_t>(kMigrations.size()))
    throw Error(ErrorCode::UnsupportedVersion,
                path_in(data_dir).string() + " has schema version " + std::to_string(version) +
                    ", newer than this server knows (" + std::to_string(kMigrations.size()) +
                    "); upgrade doorstep-server");
  for (auto v = static_cast<size_t>(version); v < kMigrations.size(); ++v) {
    db_.exec(kMigrations[v]);
    // PRAGMA takes no bound parameters; the value is our own constant.
    db_.exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
  }
  transaction.commit();
}

}  // namespace doorstep::server
