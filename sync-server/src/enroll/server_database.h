// ServerDatabase: the server's own SQLite file in the county folder, DIR/server.db, holding
// what only the online server needs (enrollment tokens; the acks of batches pushed before
// they moved to the county store). The county's records, CA and devices live in the county
// store, which this file never duplicates; so do the server's tables that must commit with
// the county's changes (county/county_tables.h). Its table county_risk (migration 2) is no
// longer written: its rows were copied to the county store.
//
// Schema changes are numbered migrations applied on open (user_version); a file from a
// newer version is refused. WAL + synchronous=FULL: a committed write survives kill -9 and
// power loss, which the single-use guarantee of tokens depends on.
//
// Ownership: owns its connection. Thread-safety: one thread at a time (the server opens one
// per worker). Failure: doorstep::Error (SQLite domain; UnsupportedVersion for a newer file).
#pragma once

#include <filesystem>

#include "core/store/sqlite.h"

namespace doorstep::server {

class ServerDatabase {
 public:
  explicit ServerDatabase(const std::filesystem::path& data_dir);
  sqlite::Database& db() { return db_; }

  static std::filesystem::path path_in(const std::filesystem::path& data_dir);

 private:
  sqlite::Database db_;
};

}  // namespace doorstep::server
