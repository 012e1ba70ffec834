// Schema migrations: older databases upgrade, newer ones are refused untouched.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/store/schema.h"
#include "core/sync/sync_state.h"
#include "tests/core/replicas.h"
#include "tests/support/test_support.h"

using doorstep::Error;
using doorstep::ErrorCode;
using doorstep::store::Store;
using doorstep::test::make_replica;
using doorstep::test::TempDir;
using nlohmann::json;

TEST_CASE("a database created at schema version 1 opens, upgrades and keeps its data") {
  TempDir dir;
  std::string h;
  {
    Store store = make_replica(dir, "li");
    h = store.add_household("640323.101.200.07", {{"head_name", "A"}});
  }
  {
    // Take the file back to version 1: undo what migrations 2 to 9 did (5 dropped the ops
    // table, which version 1 filled with a row per op; 6 added household_grids, which the
    // upgrade fills from the households held: check() compares it with the log; 7 added
    // household_risk and forms; 8 added drafts; 9 indexed ID numbers).
    doorstep::sqlite::Database db((dir / "li.db").string(), false);
    db.exec(
        "DROP INDEX field_values_id_numbers;"
        "DROP TABLE drafts; DROP TABLE household_risk; DROP TABLE forms;"
        "DROP TABLE household_grids;"
        "DROP TABLE merge_rules; DROP INDEX changes_by_household; DROP INDEX changes_by_grid;"
        "DROP INDEX records_by_household_type;"
        "CREATE INDEX records_by_household ON records (household);"
        "CREATE TABLE ops (key TEXT PRIMARY KEY, change_id INTEGER NOT NULL, kind INTEGER NOT "
        "NULL, record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, value "
        "TEXT NOT NULL, pred TEXT NOT NULL, wall INTEGER NOT NULL, counter INTEGER NOT NULL, "
        "form_version TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE INDEX ops_by_record ON ops (record_id, field);"
        "INSERT INTO ops VALUES ('k.1.0', 1, 1, 'household', 'r', '', '{}', '', 0, 0, '');"
        "PRAGMA user_version = 1;");
    CHECK(doorstep::store::schema_version(db) == 1);
  }
  Store reopened = Store::open(dir / "li.db", {"secret of li", false});
  CHECK(doorstep::store::schema_version(reopened.database()) ==
        doorstep::store::latest_schema_version());
  CHECK(reopened.household(h)["fields"]["head_name"] == "A");
  CHECK(reopened.history(h, "head_name").size() == 1);  // read from the change bodies
  doorstep::sqlite::Statement ops(reopened.database(),
                                  "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'ops%'");
  REQUIRE(ops.step());
  CHECK(ops.int64(0) == 0);
  CHECK(reopened.check().empty());
  reopened.set_merge_rules({{"income", doorstep::sync::FieldRule::Lww}});
  CHECK(reopened.merge_rule("income") == doorstep::sync::FieldRule::Lww);
}

TEST_CASE("a database from a newer version is refused clearly and left untouched") {
  TempDir dir;
  { make_replica(dir, "li"); }
  int future = doorstep::store::latest_schema_version() + 1;
  {
    doorstep::sqlite::Database db((dir / "li.db").string(), false);
    db.exec(("PRAGMA user_version = " + std::to_string(future)).c_str());
  }
  try {
    Store::open(dir / "li.db", {"secret of li", false});
    FAIL("opened a database from the future");
  } catch (const Error& e) {
    CHECK(e.is(ErrorCode::UnsupportedVersion));
    CHECK(std::string(e.what()).find("newer") != std::string::npos);
  }
  doorstep::sqlite::Database db((dir / "li.db").string(), false);
  CHECK(doorstep::store::schema_version(db) == future);
}

TEST_CASE("a SQLite file that is not a Doorstep database is refused") {
  TempDir dir;
  {
    doorstep::sqlite::Database db((dir / "other.db").string(), true);
    db.exec("CREATE TABLE t (x)");
  }
  CHECK_THROWS_WITH_AS(Store::open(dir / "other.db"), doctest::Contains("not a Doorstep database"),
                       Error);
}

TEST_CASE("opening a missing database says so, and init refuses to overwrite one") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(Store::open(dir / "none.db"), doctest::Contains("does not exist"), Error);
  { make_replica(dir, "li"); }
  CHECK_THROWS_WITH_AS(make_replica(dir, "li"), doctest::Contains("already exists"), Error);
}

TEST_CASE("the migration runner accepts a gap in the numbers and refuses numbers out of order") {
  TempDir dir;
  std::vector<doorstep::store::Migration> with_gap{
      {1, "CREATE TABLE one (x);"}, {2, "CREATE TABLE two (x);"}, {4, "CREATE TABLE four (x);"}};
  {
    doorstep::sqlite::Database db((dir / "gap.db").string(), true);
    doorstep::store::migrate(db, {with_gap[0], with_gap[1]}, -1);
    CHECK(doorstep::store::schema_version(db) == 2);
    doorstep::store::migrate(db, with_gap, -1);  // 3 does not exist: 4 follows 2
    CHECK(doorstep::store::schema_version(db) == 4);
    doorstep::sqlite::Statement tables(
        db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('one', 'two', 'four')");
    REQUIRE(tables.step());
    CHECK(tables.int64(0) == 3);
    doorstep::store::migrate(db, with_gap, -1);  // nothing left to apply
    CHECK(doorstep::store::schema_version(db) == 4);
  }
  doorstep::sqlite::Database other((dir / "order.db").string(), true);
  CHECK_THROWS_WITH_AS(doorstep::store::migrate(other, {with_gap[1], with_gap[0]}, -1),
                       doctest::Contains("numbers must ascend"), Error);
  CHECK(doorstep::store::schema_version(other) == 0);
}

TEST_CASE("a database at version 6 upgrades through 7 to 10 and gains the drafts table") {
  TempDir dir;
  { make_replica(dir, "li"); }
  {
    doorstep::sqlite::Database db((dir / "li.db").string(), false);
    db.exec(
        "DROP TABLE drafts; DROP TABLE household_risk; DROP TABLE forms; "
        "DROP INDEX field_values_id_numbers; PRAGMA user_version = 6;");
  }
  Store reopened = Store::open(dir / "li.db", {"secret of li", false});
  CHECK(doorstep::store::schema_version(reopened.database()) == 10);
  CHECK(doorstep::store::latest_schema_version() == 10);
  reopened.save_draft({{"form_id", "f"}, {"answers", json::object()}});
  CHECK(reopened.draft("f", "").has_value());
}

TEST_CASE("migration 10 creates the sync tables, and keeps those a database already holds") {
  TempDir dir;
  { make_replica(dir, "li"); }
  {
    // Version 9 as a database looked before anything synced: no sync tables yet.
    doorstep::sqlite::Database db((dir / "li.db").string(), false);
    db.exec(
        "DROP TABLE sync_items; DROP TABLE sync_certificates; DROP TABLE sync_checkpoints; "
        "DROP TABLE sync_rejections; PRAGMA user_version = 9;");
  }
  {
    Store reopened = Store::open(dir / "li.db", {"secret of li", false});
    CHECK(doorstep::store::schema_version(reopened.database()) == 10);
    doorstep::sync::SyncState state(reopened.database());
    state.set_item("k", "v");
    state.set_checkpoint("county", "640323", doorstep::sync::CheckpointKind::Acked, 7);
  }
  {
    // Version 9 holding them (created on first use then): kept, with what they hold.
    doorstep::sqlite::Database db((dir / "li.db").string(), false);
    db.exec("PRAGMA user_version = 9;");
  }
  Store again = Store::open(dir / "li.db", {"secret of li", false});
  CHECK(doorstep::store::schema_version(again.database()) == 10);
  doorstep::sync::SyncState state(again.database());
  CHECK(state.item("k") == std::optional<std::string>("v"));
  CHECK(state.checkpoint("county", "640323", doorstep::sync::CheckpointKind::Acked) == 7);
}

TEST_CASE("the store's tables are created by its numbered migrations and nowhere else in core") {
  // core/sync/county_authority.cpp is the county server's code (its tables live in the
  // county's database only) and moves to sync-server/ with them.
  const std::set<std::string> allowed = {"core/store/migrations.cpp",
                                         "core/sync/county_authority.cpp"};
  std::set<std::string> creating;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(doorstep::test::source_dir() / "core")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find("CREATE TABLE") == std::string::npos) continue;
    creating.insert(
        std::filesystem::relative(entry.path(), doorstep::test::source_dir()).generic_string());
  }
  for (const auto& file : creating) {
    CAPTURE(file);
    CHECK(allowed.count(file) == 1);
  }
  CHECK(creating.count("core/store/migrations.cpp") == 1);
}
