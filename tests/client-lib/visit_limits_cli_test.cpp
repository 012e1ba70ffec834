// `doorstep visit` against the county's size limits (defaults: 1 MiB a visit, 64 KiB a text
// answer, 500 members a household): a visit that the county would refuse is refused where it
// is made, fast, with an error naming the answer or the file and the setting, and nothing is
// stored.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

using doorstep::test::read_file;
using doorstep::test::run_cli;
using doorstep::test::source_dir;
using doorstep::test::TempDir;
using doorstep::test::write_file;
using nlohmann::json;

namespace {

// A device with one household, and the shipped form and green household's answers.
struct VisitingDevice {
  TempDir dir;
  std::string db = (dir / "device.db").string();
  std::string form = (source_dir() / "forms/household-monitoring.json").string();
  json answers = json::parse(read_file(source_dir() / "forms/examples/green-household.json"));
  std::string household;

  VisitingDevice() {
    REQUIRE(run_cli({"init", "--db", db, "--name", "Li Wei"}).exit_code == 0);
    auto added = run_cli({"household", "add", "--db", db, "--grid", "640323.101.200.07", "--set",
                          R"({"head_name": "马建国"})", "--json"});
    REQUIRE_MESSAGE(added.exit_code == 0, added.err);
    household = json::parse(added.out)["id"];
  }
  doorstep::test::ProcessResult visit(const json& given) const {
    auto path = dir / "answers.json";
    write_file(path, given.dump());
    return run_cli({"visit", "--db", db, "--household", household, "--form", form, "--answers",
                    path.string()});
  }
  size_t visits() const {
    auto shown = run_cli({"household", "show", "--db", db, household, "--json"});
    REQUIRE(shown.exit_code == 0);
    return json::parse(shown.out)["visits"].size();
  }
};

}  // namespace

TEST_CASE("a text answer over max_text_answer_bytes is refused naming the answer and the limit") {
  VisitingDevice device;
  json answers = device.answers;
  answers["notes"] = std::string(100 * 1024, 'x');
  auto refused = device.visit(answers);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("answers.notes") != std::string::npos);
  CHECK(refused.err.find("102400 bytes") != std::string::npos);
  CHECK(refused.err.find("65536 (max_text_answer_bytes)") != std::string::npos);
  answers["members"][1]["name"] = std::string(70 * 1024, 'y');
  answers.erase("notes");
  auto member = device.visit(answers);
  CHECK(member.exit_code == 1);
  CHECK(member.err.find("answers.members[1].name") != std::string::npos);
  CHECK(device.visits() == 0);
}

TEST_CASE("a 48 MB answers file is refused unread, naming the file and max_visit_bytes") {
  VisitingDevice device;
  json answers = device.answers;
  answers["notes"] = std::string(48 * 1024 * 1024, 'x');
  auto path = device.dir / "huge.json";
  write_file(path, answers.dump());
  auto started = std::chrono::steady_clock::now();
  auto refused = run_cli({"visit", "--db", device.db, "--household", device.household, "--form",
                          device.form, "--answers", path.string()});
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("--answers " + path.string()) != std::string::npos);
  CHECK(refused.err.find("max_visit_bytes 1048576") != std::string::npos);
  CHECK(refused.err.find("not read") != std::string::npos);
  MESSAGE("refused in " << std::chrono::duration<double>(took).count() << " s");
  CHECK(device.visits() == 0);
}

TEST_CASE("answers over max_visit_bytes in a file the size guard lets through are refused too") {
  VisitingDevice device;
  json answers = device.answers;
  // Many short answers: no text is too long, the whole is.
  for (int i = 0; i < 40; ++i) answers["extra_" + std::to_string(i)] = std::string(30000, 'z');
  auto refused = device.visit(answers);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("1048576 (max_visit_bytes)") != std::string::npos);
  CHECK(device.visits() == 0);
}

TEST_CASE("more members than max_members_per_household are refused before the form runs") {
  VisitingDevice device;
  json answers = device.answers;
  json member = answers["members"][1];
  member.erase("id_number");
  answers["members"] = json::array();
  for (int i = 0; i < 600; ++i) {
    member["name"] = "member " + std::to_string(i);
    answers["members"].push_back(member);
  }
  auto refused = device.visit(answers);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("answers.members lists 600 members") != std::string::npos);
  CHECK(refused.err.find("500 (max_members_per_household)") != std::string::npos);
  CHECK(device.visits() == 0);
}

TEST_CASE("a visit within the limits is stored as before") {
  VisitingDevice device;
  auto stored = device.visit(device.answers);
  CHECK_MESSAGE(stored.exit_code == 0, stored.err);
  CHECK(device.visits() == 1);
}
