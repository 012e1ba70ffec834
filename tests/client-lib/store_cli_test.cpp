// The store commands of `doorstep` as a user meets them: init, households, visits, history,
// conflicts, digest and check — and how each refuses bad input.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

using doorstep::test::run_cli;
using doorstep::test::source_dir;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

struct Device {
  TempDir dir;
  std::string db = (dir / "device.db").string();

  Device(const std::string& scope = "") {
    std::vector<std::string> args{"init", "--db", db, "--name", "Li Wei"};
    if (!scope.empty()) args.insert(args.end(), {"--scope", scope});
    auto result = run_cli(args);
    REQUIRE(result.exit_code == 0);
  }
  doorstep::test::ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.end(), {"--db", db});
    return run_cli(args);
  }
  json run_json(std::vector<std::string> args) const {
    args.push_back("--json");
    auto result = run(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
  }
  std::string add_household(const std::string& fields = "{}") const {
    return run_json({"household", "add", "--grid", "640323.101.200.07", "--set", fields})["id"];
  }
};

std::string shipped(const std::string& path) {
  return (source_dir() / path).string();
}

}  // namespace

TEST_CASE("init creates a device with a key, and a second init on the same file is refused") {
  Device device("640323.101");
  json identity = device.run_json({"household", "list"});
  CHECK(identity.is_array());
  auto again = run_cli({"init", "--db", device.db, "--name", "X"});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("already exists") != std::string::npos);
  CHECK(std::filesystem::exists(device.db + ".secret"));
  CHECK((std::filesystem::status(device.db + ".secret").permissions() &
         std::filesystem::perms::others_read) == std::filesystem::perms::none);
}

TEST_CASE("household add prints the new id and household show gives the documented shape") {
  Device device;
  std::string id =
      device.add_household(R"({"head_name": "王芳", "head_id_number": "640323198001010021"})");
  json shown = device.run_json({"household", "show", id});
  for (const char* key : {"id", "grid", "fields", "members", "risk", "conflicts", "visits"})
    CHECK_MESSAGE(shown.contains(key), key);
  CHECK(shown["id"] == id);
  CHECK(shown["grid"] == "640323.101.200.07");
  CHECK(shown["fields"]["head_name"] == "王芳");
  CHECK(shown["risk"].contains("level"));
  CHECK(shown["risk"].contains("rules"));
  auto plain = device.run({"household", "add", "--grid", "640323.101.200.07"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.size() == 17);  // 16 hex digits and a newline
}

TEST_CASE(
    "visit evaluates the shipped form, stores the risk, and the household is listed by level") {
  Device device;
  std::string id = device.add_household();
  json result = device.run_json({"visit", "--household", id, "--form",
                                 shipped("forms/household-monitoring.json"), "--answers",
                                 shipped("forms/examples/red-household.json"), "--params",
                                 shipped("forms/examples/params-2026.json")});
  CHECK(result["visit_id"].is_string());
  CHECK(result["risk"]["level"] == "red");
  CHECK_FALSE(result["risk"]["rules"].empty());
  json shown = device.run_json({"household", "show", id});
  REQUIRE(shown["visits"].size() == 1);
  CHECK(shown["visits"][0]["id"] == result["visit_id"]);
  CHECK(shown["visits"][0]["level"] == "red");
  for (const char* key : {"id", "time", "author", "level"}) CHECK(shown["visits"][0].contains(key));
  CHECK(shown["risk"]["level"] == "red");
  CHECK_FALSE(shown["members"].empty());

  json red = device.run_json({"household", "list", "--level", "red"});
  REQUIRE(red.size() == 1);
  for (const char* key : {"id", "head_name", "grid", "level"}) CHECK(red[0].contains(key));
  CHECK(device.run_json({"household", "list", "--level", "green"}).empty());
  CHECK(device.run_json({"household", "list", "--grid", "640323.101"}).size() == 1);
  CHECK(device.run_json({"household", "list", "--grid", "640323.102"}).empty());
}

TEST_CASE("a revisit with the same answers adds only the visit to the history") {
  Device device;
  std::string id = device.add_household();
  std::vector<std::string> visit{"visit",
                                 "--household",
                                 id,
                                 "--form",
                                 shipped("forms/household-monitoring.json"),
                                 "--answers",
                                 shipped("forms/examples/green-household.json")};
  device.run_json(visit);
  size_t before = device.run_json({"household", "history", id}).size();
  device.run_json(visit);
  CHECK(device.run_json({"household", "history", id}).size() == before + 1);
}

TEST_CASE("household set corrects fields and history shows who, when and what was superseded") {
  Device device;
  std::string id = device.add_household(R"({"income_wage": 4000})");
  auto set = device.run({"household", "set", id, "income_wage=5200", "head_name=王芳"});
  CHECK(set.exit_code == 0);
  json shown = device.run_json({"household", "show", id});
  CHECK(shown["fields"]["income_wage"] == 5200);
  CHECK(shown["fields"]["head_name"] == "王芳");
  json history = device.run_json({"household", "history", id, "--field", "income_wage"});
  REQUIRE(history.size() == 2);
  CHECK(history[1]["author"] == "Li Wei");
  CHECK(history[1]["supersedes"] == json::array({history[0]["op"]}));
  CHECK(history[1]["time"].is_string());
}

TEST_CASE("conflicts list is empty on one device and resolving a field without a conflict fails") {
  Device device;
  std::string id = device.add_household(R"({"income_wage": 4000})");
  CHECK(device.run_json({"conflicts", "list"}).empty());
  auto resolve = device.run({"conflicts", "resolve", id, "income_wage", "--value", "5000"});
  CHECK(resolve.exit_code == 1);
  CHECK(resolve.err.find("no conflict") != std::string::npos);
}

TEST_CASE("digest is 64 hex digits, per scope too, and check passes on a fresh database") {
  Device device;
  device.add_household(R"({"head_name": "A"})");
  auto digest = device.run({"digest"});
  CHECK(digest.exit_code == 0);
  CHECK(digest.out.size() == 65);
  auto scoped = device.run({"digest", "--scope", "640323.102"});
  CHECK(scoped.exit_code == 0);
  CHECK(scoped.out != digest.out);
  auto check = device.run({"check"});
  CHECK(check.exit_code == 0);
  CHECK(check.out == "ok\n");
  CHECK(device.run_json({"check"})["ok"] == true);
}

TEST_CASE("bad input is refused with a clear error and nothing is written") {
  Device device("640323.101");
  std::string id = device.add_household(R"({"head_name": "A"})");
  std::string digest = device.run({"digest"}).out;

  auto unknown = device.run({"household", "show", "0000000000000000"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("unknown household '0000000000000000'") != std::string::npos);
  auto unknown_visit = device.run({"visit", "--household", "0000000000000000", "--form",
                                   shipped("forms/household-monitoring.json"), "--answers",
                                   shipped("forms/examples/red-household.json")});
  CHECK(unknown_visit.exit_code == 1);
  CHECK(unknown_visit.err.find("unknown household") != std::string::npos);

  auto bad_grid = device.run({"household", "add", "--grid", "640323.101.2000.07"});
  CHECK(bad_grid.exit_code == 1);
  CHECK(bad_grid.err.find("village part of 4 digits at offset 11") != std::string::npos);
  auto out_of_scope = device.run({"household", "add", "--grid", "640323.102.200.07"});
  CHECK(out_of_scope.exit_code == 1);
  CHECK(out_of_scope.err.find("outside this device's scope") != std::string::npos);

  auto no_equals = device.run({"household", "set", id, "income"});
  CHECK(no_equals.exit_code == 2);
  CHECK(no_equals.err.find("bad FIELD=VALUE 'income'") != std::string::npos);
  auto empty_field = device.run({"household", "set", id, "=5"});
  CHECK(empty_field.exit_code == 2);
  auto bad_name = device.run({"household", "set", id, "ok=1", "bad name=2"});
  CHECK(bad_name.exit_code == 1);
  CHECK(bad_name.err.find("'bad name'") != std::string::npos);

  auto bad_level = device.run({"household", "list", "--level", "purple"});
  CHECK(bad_level.exit_code == 2);
  CHECK(device.run({"digest"}).out == digest);  // nothing of the failed edits was applied
}

TEST_CASE("a database from a newer Doorstep is refused with a clear error") {
  Device device;
  device.add_household();
  {
    // PRAGMA user_version lives at byte 60 of the SQLite header (big-endian).
    std::fstream file(device.db, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(60);
    const char future[4] = {0, 0, 0x7f, 0};
    file.write(future, 4);
  }
  auto result = device.run({"household", "list"});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("newer than this Doorstep understands") != std::string::npos);
}

TEST_CASE("a missing database is reported, not created") {
  TempDir dir;
  auto result = run_cli({"household", "list", "--db", (dir / "none.db").string()});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("does not exist") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST_CASE("household move takes a household to another grid with a reason kept in its history") {
  Device device("640323.101.200");  // a village leader's scope
  std::string id = device.add_household(R"({"head_name": "马兰"})");
  json moved = device.run_json({"household", "move", "--household", id, "--grid",
                                "640323.101.200.08", "--reason", "moved across the river"});
  CHECK(moved["grid"] == "640323.101.200.08");
  json shown = device.run_json({"household", "show", id});
  CHECK(shown["grid"] == "640323.101.200.08");
  CHECK(shown["fields"]["head_name"] == "马兰");
  json history = device.run_json({"household", "history", id, "--field", "grid"});
  REQUIRE(history.size() == 1);
  CHECK(history[0]["kind"] == "move");
  CHECK(history[0]["value"]["reason"] == "moved across the river");
  CHECK(device.run_json({"check"})["ok"] == true);

  auto outside = device.run({"household", "move", "--household", id, "--grid", "640323.101.201.01",
                             "--reason", "elsewhere"});
  CHECK(outside.exit_code == 1);
  CHECK(outside.err.find("outside this device's scope") != std::string::npos);
  auto no_reason =
      device.run({"household", "move", "--household", id, "--grid", "640323.101.200.07"});
  CHECK(no_reason.exit_code == 2);
  CHECK(no_reason.err.find("--reason") != std::string::npos);
  auto unknown = device.run({"household", "move", "--household", "0123456789abcdef", "--grid",
                             "640323.101.200.07", "--reason", "x"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("unknown household") != std::string::npos);
}
