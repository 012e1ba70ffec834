// The store's schema and its numbered migrations.
//
// Every schema change is a migration: SQL text numbered 1, 2, 3, ... in
// core/store/migrations.cpp, never edited once released. Numbers are handed out ahead of
// the work, so the list may skip one still being written elsewhere: the numbers only have to
// ascend. PRAGMA user_version records the highest one applied; opening a database applies,
// in order, those above it in one transaction, so an older database upgrades and a
// half-upgraded one cannot exist. (A number filled in later is below the version of a
// database that skipped it: such a migration must land before a release that skips it.) A database
// whose version is newer than this build knows is refused (Error UnsupportedVersion) without being
// touched. PRAGMA application_id marks the file as Doorstep's, so a foreign SQLite file is refused.
//
// Thread-safety: call on a Database no other thread uses. Failure: doorstep::Error.
#pragma once

#include <string>
#include <vector>

#include "core/store/sqlite.h"

namespace doorstep::store {

// 'DSTP': PRAGMA application_id of every Doorstep database.
constexpr int kApplicationId = 0x44535450;

struct Migration {
  int number;       // >= 1, ascending through the list, possibly with gaps
  const char* sql;  // one or more statements
};

// The migrations in ascending order of number. Defined in migrations.cpp.
const std::vector<Migration>& migrations();
// The highest migration number.
int latest_schema_version();

int schema_version(sqlite::Database& db);

// Applies the migrations after the current version up to `target` (default: latest).
// Throws Error(UnsupportedVersion) for a database newer than this build, Error(Corrupt) for
// a file that is not a Doorstep database.
void migrate(sqlite::Database& db, int target = -1);
// The same with another list of migrations (tests of the runner). Error(Internal) for a list
// whose numbers do not ascend from 1.
void migrate(sqlite::Database& db, const std::vector<Migration>& list, int target);

}  // namespace doorstep::store
