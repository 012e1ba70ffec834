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

int latest_of(const std::vector<Migration>& list) {
  return list.empty() ? 0 : list.back().number;
}

int latest_schema_version() {
  return latest_of(migrations());
}

int schema_version(sqlite::Database& db) {
  return static_cast<int>(single_int(db, kUserVersion));
}

void migrate(sqlite::Database& db, int target) {
  migrate(db, migrations(), target);
}

void migrate(sqlite::Database& db, const std::vector<Migration>& list, int target) {
  int previous = 0;
  for (const auto& m : list) {
    if (m.number <= previous)
      throw Error(ErrorCode::Internal, "migration " + std::to_string(m.number) +
                                           " is listed after migration " +
                                           std::to_string(previous) + "; numbers must ascend");
    previous = m.number;
  }
  int latest = latest_of(list);
  if (target < 0) target = latest;
  int current = schema_version(db);
  if (current > latest)
    throw Error(ErrorCode::UnsupportedVersion,
                "database '" + db.path() + "' has schema version " + std::to_string(current) +
                    ", newer than this Doorstep understands (up to " + std::to_string(latest) +
                    "); upgrade Doorstep to open it");
  int64_t application_id = single_int(db, kApplicationIdQuery);
  if (application_id != kApplicationId &&
      (application_id != 0 || current != 0 || single_int(db, kCountTables) != 0))
    throw Error(ErrorCode::Corrupt, "'" + db.path() + "' is not a Doorstep database");
  if (current >= target) return;
  sqlite::Transaction transaction(db);
  for (const auto& m : list)
    if (m.number > current && m.number <= target) db.exec(m.sql);
  // PRAGMAs take no bound parameters; the numbers are ours, not input.
  db.exec(("PRAGMA user_version = " + std::to_string(target)).c_str());
  db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
  transaction.commit();
}

}  // namespace doorstep::store
