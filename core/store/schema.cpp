#include "core/store/schema.h"

#include "core/common/error.h"

namespace doorstep::store {
namespace {

constexpr const char* kUserVersion = "PRAGMA user_version";
constexpr const char* kApplicationIdQuery = "PRAGMA application_id";
constexpr const char* kCountTables = "SELECT count(*) FROM sqlite_master";

int64_t single_int(sqlite::Database& db, const char* sql) {
  sqlite::Statement statement(db, sql);
  int64_t value = statement.step() ? statement.int64(0) : 0;
  return value;
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

int schema_version(sqlite::Database& db) {
  return static_cast<int>(single_int(db, kUserVersion));
}

void migrate(sqlite::Database& db, int target) {
  if (target < 0) target = latest_schema_version();
  int current = schema_version(db);
  if (current > latest_schema_version())
    throw Error(ErrorCode::UnsupportedVersion,
                "database '" + db.path() + "' has schema version " + std::to_string(current) +
                    ", newer than this Doorstep understands (up to " +
                    std::to_string(latest_schema_version()) + "); upgrade Doorstep to open it");
  int64_t application_id = single_int(db, kApplicationIdQuery);
  if (application_id != kApplicationId &&
      (application_id != 0 || current != 0 || single_int(db, kCountTables) != 0))
    throw Error(ErrorCode::Corrupt, "'" + db.path() + "' is not a Doorstep database");
  if (current >= target) return;
  sqlite::Transaction transaction(db);
  for (int version = current + 1; version <= target; ++version)
    db.exec(migrations()[static_cast<size_t>(version - 1)]);
  // PRAGMAs take no bound parameters; the numbers are ours, not input.
  db.exec(("PRAGMA user_version = " + std::to_string(target)).c_str());
  db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
  transaction.commit();
}

}  // namespace doorstep::store
