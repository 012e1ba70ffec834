// A monitoring season through the real CLIs and a real county server on loopback: a red visit
// raises a warning and a verify task on the phone before any sync; the grid worker verifies;
// the village leader verifies and publicises on their own device, offline, and syncs; the
// township review waits for the publicity days; the county approves with a type, records a
// measure, assists, and eliminates only after the observation period and a green revisit.
// A second red household left unverified is overdue and raises one escalation warning.
// DOORSTEP_TODAY moves the date for every process the test starts (docs/monitoring.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";
constexpr const char* kVillage = "640323.101.200";

std::filesystem::path form_path() {
  return source_dir() / "forms" / "household-monitoring.json";
}
json example(const std::string& level) {
  return json::parse(read_file(source_dir() / "forms" / "examples" / (level + "-household.json")));
}

void set_today(const char* date) {
  setenv("DOORSTEP_TODAY", date, 1);
}

struct Season {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path phone = dir / "li-wei.db";
  std::filesystem::path laptop = dir / "wang-fang.db";
  std::unique_ptr<LiveServer> server;
  int files = 0;

  Season() {
    set_today("2026-12-01");  // a Tuesday
    init_demo_county(data);
    server = std::make_unique<LiveServer>(data);
    enroll(phone, "li-wei", "grid-worker", kGrid);
    enroll(laptop, "wang-fang", "village-leader", kVillage);
  }
  ~Season() { unsetenv("DOORSTEP_TODAY"); }

  void enroll(const std::filesystem::path& db, const std::string& name, const std::string& role,
              const std::string& scope) {
    std::string token = create_token(data, role, scope);
    auto init =
        run_cli({"init", "--db", db.string(), "--name", name, "--role", role, "--scope", scope});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    auto enrolled = run_cli({"enroll", "--db", db.string(), "--server", server->url(), "--token",
                             token, "--fingerprint", server->fingerprint()});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  }
  json device(const std::filesystem::path& db, std::vector<std::string> args) const {
    args.insert(args.end(), {"--db", db.string(), "--json"});
    auto result = run_cli(args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return json::parse(result.out);
  }
  // A refusal: exit 1 and a message holding `expect`.
  void refused(const std::filesystem::path& program, std::vector<std::string> args,
               const std::string& expect) const {
    auto result = run_process(program, args);
    CHECK(result.exit_code == 1);
    CHECK_MESSAGE(result.err.find(expect) != std::string::npos, result.err);
  }
  json county(std::vector<std::string> args) const {
    args.insert(args.end(), {"--data", data.string()});
    if (std::find(args.begin(), args.end(), "--json") == args.end()) args.push_back("--json");
    auto result = run_process(server_path(), args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return result.out.empty() ? json() : json::parse(result.out);
  }
  std::string add_household() const {
    auto result = run_cli({"household", "add", "--db", phone.string(), "--grid", kGrid});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    std::string id = result.out;
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
    return id;
  }
  json visit(const std::string& household, const json& answers,
             const std::vector<std::string>& extra = {}) {
    auto path = dir / ("answers-" + std::to_string(++files) + ".json");
    write_file(path, answers.dump());
    std::vector<std::string> args = {"visit",      "--household",        household,
                                     "--form",     form_path().string(), "--answers",
                                     path.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return device(phone, args);
  }
  void sync(const std::filesystem::path& db) const {
    auto result = run_cli({"sync", "--db", db.string(), "--json"});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  }
};

}  // namespace

TEST_CASE(
    "a monitoring season: warning, verification, publicity, review, assistance, elimination") {
  Season s;
  std::string household = s.add_household();
  std::string other = s.add_household();

  // The red visit raises a warning and a verify task on the phone, before any sync.
  json visited = s.visit(household, example("red"));
  REQUIRE(visited["warning"].is_object());
  std::string case_id = visited["warning"]["case"];
  json tasks = s.device(s.phone, {"tasks", "--kind", "verify"})["tasks"];
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["kind"] == "verify");
  CHECK(tasks[0]["household"] == household);
  CHECK(tasks[0]["due"] == "2026-12-04");
  std::string task = tasks[0]["id"];
  // The visit (dated 2026-11-20, as the example says) puts the red household on the visit
  // schedule: a phone check-in 10 days on, overdue by today.
  json checkins = s.device(s.phone, {"tasks", "--kind", "checkin"})["tasks"];
  REQUIRE(checkins.size() == 1);
  CHECK(checkins[0]["household"] == household);
  CHECK(checkins[0]["due"] == "2026-11-30");
  // A second red household, which nobody will verify.
  json second = s.visit(other, example("red"));
  std::string overdue_case = second["warning"]["case"];
  s.sync(s.phone);

  // The grid worker does the verify task with a revisit the next day, and syncs.
  set_today("2026-12-02");
  s.visit(household, {{"visit_date", "2026-12-02"}},
          {"--prefill", "--task", task, "--verdict", "confirmed"});
  // the other household's
  CHECK(s.device(s.phone, {"tasks", "--kind", "verify"})["tasks"].size() == 1);
  s.sync(s.phone);

  // The village leader, on their own laptop: pulls, then verifies and publicises offline.
  s.sync(s.laptop);
  s.refused(cli_path(), {"case", "advance", case_id, "--db", s.phone.string(), "--to", "verified"},
            "village-leader");
  s.device(s.laptop, {"case", "advance", case_id, "--to", "verified"});
  json publicised = s.device(s.laptop, {"case", "advance", case_id, "--to", "publicised"});
  CHECK(publicised["state"] == "publicised");
  s.sync(s.laptop);
  CHECK(s.county({"case", "show", case_id, "--json"})["state"] == "publicised");

  // Township review: refused before the 5 days of publicity, allowed after.
  set_today("2026-12-04");
  s.refused(server_path(),
            {"case", "advance", case_id, "--data", s.data.string(), "--to", "township_reviewed",
             "--actor", "Zhao Min", "--role", "township"},
            "2026-12-07");
  set_today("2026-12-07");
  s.county({"case", "advance", case_id, "--to", "township_reviewed", "--actor", "Zhao Min",
            "--role", "township"});
  // The county approves with a type, records a measure, and assists.
  s.county(
      {"case", "advance", case_id, "--to", "approved", "--actor", "Ma Lan", "--type", "unstable"});
  s.refused(server_path(),
            {"case", "advance", case_id, "--data", s.data.string(), "--to", "assisting", "--actor",
             "Ma Lan"},
            "measure");
  s.county({"measure", "add", case_id, "--department", "medical_insurance", "--kind",
            "enrol the uninsured grandson", "--start", "2026-12-08", "--end", "2026-12-20"});
  s.county({"case", "advance", case_id, "--to", "assisting", "--actor", "Ma Lan"});

  // Elimination: refused inside the observation period; after it, refused while red rules
  // still fire; allowed once a green revisit has reached the county.
  set_today("2027-03-01");
  s.refused(server_path(),
            {"case", "advance", case_id, "--data", s.data.string(), "--to", "eliminated", "--actor",
             "Ma Lan"},
            "observation period");
  set_today("2027-06-10");
  s.refused(server_path(),
            {"case", "advance", case_id, "--data", s.data.string(), "--to", "eliminated", "--actor",
             "Ma Lan"},
            "red rule");
  json green = example("red");
  green["housing_grade"] = "A";
  green["members"][1]["in_school"] = "yes";
  green["members"][1].erase("out_of_school_reason");
  green["members"][2]["medical_insured"] = "yes";
  green["income_wage"] = 30000;
  green["income_previous_cycle"] = 39000;
  green["expense_medical"] = 0;
  green["risk_factors"] = "";
  green["visit_date"] = "2027-06-10";
  s.sync(s.phone);
  CHECK(s.visit(household, green)["risk"]["level"] == "green");
  s.sync(s.phone);
  json done = s.county({"case", "advance", case_id, "--to", "eliminated", "--actor", "Ma Lan"});
  json shown = s.county({"case", "show", case_id, "--json"});
  CHECK(shown["state"] == "eliminated");
  CHECK(shown["type"] == "unstable");
  CHECK(shown["measures"].size() == 1);
  struct Step {
    const char* to;
    const char* actor;
    const char* role;
  };
  const Step expected[] = {{"identified", "li-wei", nullptr},
                           {"verified", "wang-fang", "village-leader"},
                           {"publicised", "wang-fang", "village-leader"},
                           {"township_reviewed", "Zhao Min", "township"},
                           {"approved", "Ma Lan", "county"},
                           {"assisting", "Ma Lan", "county"},
                           {"eliminated", "Ma Lan", "county"}};
  const json& history = shown["history"];
  REQUIRE(history.size() == std::size(expected));
  for (size_t i = 0; i < history.size(); ++i) {
    INFO("history[" << i << "] = " << history[i].dump());
    CHECK(history[i]["to"] == expected[i].to);
    CHECK(history[i]["actor"] == expected[i].actor);
    if (expected[i].role) CHECK(history[i]["role"] == expected[i].role);
    CHECK(history[i]["at"].is_string());
  }
  // The phone learns the outcome with its next sync.
  s.sync(s.phone);
  CHECK(s.device(s.phone, {"case", "show", case_id})["state"] == "eliminated");

  // The other household was never verified: long overdue, one escalation warning for it
  // however often the county lists.
  json overdue = s.county({"cases", "--overdue", "--json"})["cases"];
  bool listed = false;
  for (const auto& c : overdue) listed = listed || c["id"] == overdue_case;
  CHECK(listed);
  s.county({"cases", "--overdue", "--json"});
  json warnings = s.county({"warnings", "--household", other, "--json"})["warnings"];
  int escalations = 0;
  for (const auto& w : warnings) escalations += w["source"] == "escalation" ? 1 : 0;
  CHECK(escalations == 1);
}
