// `check`: the materialized state must equal the fold of the op log; tampering is found.
#include <doctest/doctest.h>

#include "tests/core/replicas.h"

using doorstep::store::Store;
using doorstep::test::check_problems;
using doorstep::test::make_replica;
using doorstep::test::run_process;
using doorstep::test::TempDir;

namespace {

std::string make_device_with_data(const TempDir& dir) {
  Store store = make_replica(dir, "li");
  std::string h = store.add_household("640323.101.200.07", {{"head_name", "A"}, {"income", 1}});
  store.set_fields(h, {{"income", 2}});
  return h;
}

void tamper(const TempDir& dir, const char* sql) {
  doorstep::sqlite::Database db((dir / "li.db").string(), false);
  db.exec(sql);
}

}  // namespace

TEST_CASE("check passes on an untouched database, through the store and the CLI") {
  TempDir dir;
  make_device_with_data(dir);
  Store store = Store::open(dir / "li.db", {"secret of li", false});
  CHECK(check_problems(store) == "");
  auto cli = run_process(doorstep::test::cli_path(), {"check", "--db", (dir / "li.db").string()});
  CHECK(cli.exit_code == 0);
}

TEST_CASE("check finds a current value that is not the fold of the op log") {
  TempDir dir;
  make_device_with_data(dir);
  tamper(dir, "UPDATE field_values SET value = '99' WHERE field = 'income'");
  Store store = Store::open(dir / "li.db", {"secret of li", false});
  CHECK(check_problems(store).find("field_values") != std::string::npos);
  auto cli = run_process(doorstep::test::cli_path(), {"check", "--db", (dir / "li.db").string()});
  CHECK(cli.exit_code == 1);
  CHECK(cli.err.find("field_values") != std::string::npos);
}

TEST_CASE(
    "check finds a lost head, a stray record and a change body that does not match its hash") {
  TempDir dir;
  make_device_with_data(dir);
  tamper(dir,
         "DELETE FROM heads WHERE field = 'head_name';"
         "INSERT INTO records VALUES ('ffff', 'member', 'x', '', 'k');"
         "UPDATE changes SET body = CAST(substr(body, 1, length(body) - 1) || x'01' AS BLOB) WHERE "
         "seq = 2;");
  Store store = Store::open(dir / "li.db", {"secret of li", false});
  std::string problems = check_problems(store);
  CHECK(problems.find("heads: missing") != std::string::npos);
  CHECK(problems.find("records: unexpected ffff") != std::string::npos);
  CHECK(problems.find("does not match its hash") != std::string::npos);
}
