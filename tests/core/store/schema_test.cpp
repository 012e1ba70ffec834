// Schema migrations: older databases upgrade, newer ones are refused untouched.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/store/schema.h"
#include "tests/core/replicas.h"

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

TEST_CASE("a database at version 6 upgrades through 7, 8 and 9 and gains the drafts table") {
  TempDir dir;
  { make_replica(dir, "li"); }
  {
    doorstep::sqlite::Database db((dir / "li.db").string(), false);
    db.exec(
        "DROP TABLE drafts; DROP TABLE household_risk; DROP TABLE forms; "
        "DROP INDEX field_values_id_numbers; PRAGMA user_version = 6;");
  }
  Store reopened = Store::open(dir / "li.db", {"secret of li", false});
  CHECK(doorstep::store::schema_version(reopened.database()) == 9);
  CHECK(doorstep::store::latest_schema_version() == 9);
  reopened.save_draft({{"form_id", "f"}, {"answers", json::object()}});
  CHECK(reopened.draft("f", "").has_value());
}
