// `doorstep-server staff add / list / disable / passwd`: the dashboard's accounts through the
// real command on a real county folder.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/store/sqlite.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

struct StaffCounty {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  StaffCounty() { init_demo_county(data); }
  ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.end(), {"--data", data.string()});
    return run_process(server_path(), args);
  }
  std::string password_file(const std::string& password) const {
    auto path = dir / "password.txt";
    write_file(path, password + "\n");
    return path.string();
  }
  // The stored hash of `name`.
  std::string hash_of(const std::string& name) const {
    sqlite::Database db((data / "county.db").string(), false);
    sqlite::Statement query(db, "SELECT password_hash FROM staff_accounts WHERE name = ?1");
    query.bind(1, name);
    REQUIRE(query.step());
    return query.text(0);
  }
};

}  // namespace

TEST_CASE("staff add without a password file prints a one-time password once and list never does") {
  StaffCounty county;
  auto added = county.run(
      {"staff", "add", "--name", "王芳", "--role", "county", "--scope", "640323", "--json"});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  json out = json::parse(added.out);
  std::string password = out["password"];
  CHECK(password.size() == 19);
  CHECK(out["must_change_password"] == true);
  CHECK(out["role"] == "county");
  // Only an Argon2id hash is kept; it does not hold the password.
  std::string hash = county.hash_of("王芳");
  CHECK(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CHECK(hash.find(password) == std::string::npos);
  auto listed = county.run({"staff", "list", "--json"});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find(password) == std::string::npos);
  json accounts = json::parse(listed.out);
  REQUIRE(accounts.size() == 1);
  CHECK(accounts[0]["name"] == "王芳");
  CHECK_FALSE(accounts[0].contains("password"));
  // Two accounts made alike have different salts.
  REQUIRE(county
              .run({"staff", "add", "--name", "li", "--role", "township", "--scope", "640323.101",
                    "--password-file", county.password_file(password)})
              .exit_code == 0);
  CHECK(county.hash_of("li") != hash);
}

TEST_CASE("a staff scope must be a division of the county at the role's level") {
  StaffCounty county;
  auto unknown =
      county.run({"staff", "add", "--name", "a", "--role", "township", "--scope", "640323.999"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("640323.999") != std::string::npos);
  CHECK(unknown.err.find("not a division") != std::string::npos);
  auto wrong_level = county.run(
      {"staff", "add", "--name", "a", "--role", "township", "--scope", "640323.101.200"});
  CHECK(wrong_level.exit_code == 1);
  CHECK(wrong_level.err.find("is a village") != std::string::npos);
  auto bad_role =
      county.run({"staff", "add", "--name", "a", "--role", "province", "--scope", "640323"});
  CHECK(bad_role.exit_code == 2);
  CHECK(bad_role.err.find("province") != std::string::npos);
  auto village =
      county.run({"staff", "add", "--name", "a", "--role", "village", "--scope", "640323.101.200"});
  CHECK(village.exit_code == 0);
  auto again =
      county.run({"staff", "add", "--name", "a", "--role", "village", "--scope", "640323.101.200"});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("already") != std::string::npos);
}

TEST_CASE("a password from a file must keep the policy, and the error does not show it") {
  StaffCounty county;
  auto short_one = county.run({"staff", "add", "--name", "a", "--role", "county", "--scope",
                               "640323", "--password-file", county.password_file("abc123")});
  CHECK(short_one.exit_code == 1);
  CHECK(short_one.err.find("at least 10") != std::string::npos);
  CHECK(short_one.err.find("abc123") == std::string::npos);
  auto ok = county.run({"staff", "add", "--name", "a", "--role", "county", "--scope", "640323",
                        "--password-file", county.password_file("correct horse battery")});
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("correct horse") == std::string::npos);
  CHECK(ok.out.find("one-time password") == std::string::npos);
}

TEST_CASE("staff disable and passwd change the account, and an unknown name is named") {
  StaffCounty county;
  REQUIRE(county
              .run({"staff", "add", "--name", "li", "--role", "township", "--scope", "640323.101",
                    "--password-file", county.password_file("a long enough one")})
              .exit_code == 0);
  std::string before = county.hash_of("li");
  auto passwd = county.run({"staff", "passwd", "--name", "li", "--json"});
  REQUIRE(passwd.exit_code == 0);
  json changed = json::parse(passwd.out);
  CHECK(changed["must_change_password"] == true);
  CHECK(changed["password"].get<std::string>().size() == 19);
  CHECK(county.hash_of("li") != before);
  REQUIRE(county.run({"staff", "disable", "--name", "li"}).exit_code == 0);
  json listed = json::parse(county.run({"staff", "list", "--json"}).out);
  CHECK(listed[0]["disabled"] == true);
  auto unknown = county.run({"staff", "disable", "--name", "nobody"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("nobody") != std::string::npos);
}
