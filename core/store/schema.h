// The store's schema and its numbered migrations.
//
// Every schema change is a migration: SQL text numbered 1, 2, 3, ... in
// core/store/migrations.cpp, never edited once released. PRAGMA user_version records the
// last one applied; opening a database applies the missing ones in one transaction, so an
// older database upgrades and a half-upgraded one cannot exist. A database whose version
// is newer than this build knows is refused (Error UnsupportedVersion) without being touched.
// PRAGMA application_id marks the file as Doorstep's, so a foreign SQLite file is refused.
//
// Thread-safety: call on a Database no other thread uses. Failure: doorstep::Error.
#pragma once

#include <string>
#include <vector>

#include "core/store/sqlite.h"

namespace doorstep::store {

// 'DSTP': PRAGMA application_id of every Doorstep database.
constexpr int kApplicationId = 0x44535450;

// The migrations, index 0 = migration 1. Defined in migrations.cpp.
const std::vector<const char*>& migrations();
int latest_schema_version();

int schema_version(sqlite::Database& db);

// Applies the migrations after the current version up to `target` (default: latest).
// Throws Error(UnsupportedVersion) for a database newer than this build, Error(Corrupt) for
// a file that is not a Doorstep database.
void migrate(sqlite::Database& db, int target = -1);

}  // namespace doorstep::store
