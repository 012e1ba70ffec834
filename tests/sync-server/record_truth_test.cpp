// The household record is the truth: a household's level comes from its merged state on the
// phone and at the county alike, a revisit never removes what it leaves out, and the county's
// settings reach every phone. The real `doorstep` and `doorstep-server`, a real server on
// loopback, real SQLite files.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

std::filesystem::path form_path() {
  return source_dir() / "forms" / "household-monitoring.json";
}
json example(const std::string& level) {
  return json::parse(read_file(source_dir() / "forms" / "examples" / (level + "-household.json")));
}

// A county with its running server, and Li Wei's phone enrolled at it for kGrid.
struct County {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path db = dir / "li-wei.db";
  std::unique_ptr<LiveServer> server;
  int files = 0;

  County() {
    init_demo_county(data);
    std::string token = create_token(data, "grid-worker", kGrid);
    auto init = run_cli({"init", "--db", db.string(), "--name", "li-wei", "--scope", kGrid});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    server = std::make_unique<LiveServer>(data);
    auto enrolled = run_cli({"enroll", "--db", db.string(), "--server", server->url(), "--token",
                             token, "--fingerprint", server->fingerprint()});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  }
  json cli(const std::vector<std::string>& args) const {
    auto result = run_cli(args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return json::parse(result.out);
  }
  json county(const std::vector<std::string>& args) const {
    auto result = run_process(server_path(), args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return json::parse(result.out);
  }
  std::string add_household() const {
    auto result = run_cli({"household", "add", "--db", db.string(), "--grid", kGrid});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    std::string id = result.out;
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
    return id;
  }
  json visit(const std::string& household, const json& answers,
             const std::vector<std::string>& extra = {}) {
    auto path = dir / ("answers-" + std::to_string(++files) + ".json");
    write_file(path, answers.dump());
    std::vector<std::string> args = {"visit",       "--db",   db.string(),          "--household",
                                     household,     "--form", form_path().string(), "--answers",
                                     path.string(), "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  }
  json show(const std::string& household) const {
    return cli({"household", "show", "--db", db.string(), household, "--json"});
  }
  json at_county(const std::string& household) const {
    return county({"households", "--data", data.string(), household, "--json"});
  }
  json sync() const { return cli({"sync", "--db", db.string(), "--json"}); }
};

std::string level_of(const json& household) {
  const json& level = household["risk"]["level"];
  return level.is_string() ? level.get<std::string>() : "none";
}

}  // namespace

TEST_CASE("a red household stays red after a revisit that gives only a visit date, or no members") {
  County county;
  std::string id = county.add_household();
  CHECK(county.visit(id, example("red"))["risk"]["level"] == "red");
  county.sync();
  REQUIRE(level_of(county.at_county(id)) == "red");

  // A monthly revisit that says only when it happened: everything else is as it was.
  json revisit = county.visit(id, {{"visit_date", "2026-12-01"}}, {"--prefill"});
  CHECK(revisit["risk"]["level"] == "red");
  json shown = county.show(id);
  CHECK(level_of(shown) == "red");
  CHECK(shown["members"].size() == 3);
  CHECK(shown["fields"]["visit_date"] == "2026-12-01");

  // A revisit whose answers hold an empty roster removes no one: the members, their ID
  // numbers, the uninsured one and the child out of school are all still there.
  json empty_roster = example("red");
  empty_roster["members"] = json::array();
  CHECK(county.visit(id, empty_roster)["risk"]["level"] == "red");
  shown = county.show(id);
  CHECK(level_of(shown) == "red");
  REQUIRE(shown["members"].size() == 3);
  std::set<std::string> fired;
  for (const auto& rule : shown["risk"]["rules"]) fired.insert(rule["id"].get<std::string>());
  CHECK(fired.count("red.medical") == 1);
  CHECK(fired.count("red.school") == 1);
  std::set<std::string> id_numbers;
  for (const auto& m : shown["members"]) id_numbers.insert(m["fields"]["id_number"]);
  const json red = example("red");
  for (const auto& m : red["members"])
    CHECK(id_numbers.count(m["id_number"].get<std::string>()) == 1);

  // And the county, which evaluates the same merged state, agrees.
  county.sync();
  json at_county = county.at_county(id);
  CHECK(level_of(at_county) == "red");
  CHECK(at_county["members"].size() == 3);
  CHECK(at_county["risk"]["computed_by"] == "county");
}

TEST_CASE("a member leaves only by an explicit op, with reason and date, and stops counting") {
  County county;
  std::string id = county.add_household();
  county.visit(id, example("red"));
  json shown = county.show(id);
  std::string uninsured;
  for (const auto& m : shown["members"])
    if (m["fields"]["medical_insured"] == "no") uninsured = m["id"];
  REQUIRE(!uninsured.empty());
  json left = county.cli({"household", "member-leave", "--db", county.db.string(), "--member",
                          uninsured, "--reason", "deceased", "--date", "2026-11-28", "--json"});
  CHECK(left["reason"] == "deceased");
  shown = county.show(id);
  CHECK(shown["members"].size() == 2);
  REQUIRE(shown["former_members"].size() == 1);
  CHECK(shown["former_members"][0]["fields"]["departure"]["reason"] == "deceased");
  CHECK(shown["former_members"][0]["fields"]["departure"]["date"] == "2026-11-28");
  for (const auto& rule : shown["risk"]["rules"]) CHECK(rule["id"] != "red.medical");
  // In the history, with its author.
  json history = county.cli(
      {"household", "history", "--db", county.db.string(), id, "--field", "departure", "--json"});
  REQUIRE(history.size() == 1);
  CHECK(history[0]["record"] == uninsured);
  // Twice is refused; a bad reason or date is named.
  auto again = run_cli({"household", "member-leave", "--db", county.db.string(), "--member",
                        uninsured, "--reason", "deceased", "--date", "2026-11-28"});
  CHECK(again.exit_code != 0);
  CHECK(again.err.find("left the household already") != std::string::npos);
  auto bad = run_cli({"household", "member-leave", "--db", county.db.string(), "--member",
                      shown["members"][0]["id"], "--reason", "vanished", "--date", "2026-11-28"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("--reason 'vanished'") != std::string::npos);
  auto bad_date = run_cli({"household", "member-leave", "--db", county.db.string(), "--member",
                           shown["members"][0]["id"], "--reason", "moved_out", "--date", "28.11"});
  CHECK(bad_date.exit_code != 0);
  CHECK(bad_date.err.find("--date '28.11'") != std::string::npos);
  // At the county too, after a sync.
  county.sync();
  CHECK(county.at_county(id)["members"].size() == 2);
}

TEST_CASE("defaults and calculations the form computes are stored like answers") {
  County county;
  std::string id = county.add_household();
  json answers = example("red");
  answers.erase("visit_date");
  for (auto& m : answers["members"]) m.erase("age");
  county.visit(id, answers);
  json shown = county.show(id);
  // The visit date defaults to today; the age comes from the ID number; the per-capita
  // income is calculated.
  REQUIRE(shown["fields"].contains("visit_date"));
  CHECK(shown["fields"]["visit_date"].get<std::string>().size() == 10);
  CHECK(shown["fields"]["income_per_capita"] == 3000);
  for (const auto& m : shown["members"]) {
    REQUIRE(m["fields"].contains("age"));
    CHECK(m["fields"]["age"].is_number_integer());
  }
}

TEST_CASE("county settings reach every phone and re-classify households the same everywhere") {
  County county;
  std::map<std::string, std::string> households;  // id -> what it is
  for (const char* level : {"red", "yellow", "green"}) {
    std::string id = county.add_household();
    county.visit(id, example(level));
    households[id] = level;
  }
  // Generated households around the thresholds: incomes and expenses drawn with a fixed seed.
  const unsigned seed = 20261201;
  std::mt19937 random(seed);
  INFO("seed " << seed);
  for (int i = 0; i < 9; ++i) {
    json answers = example(i % 2 ? "green" : "yellow");
    answers["income_wage"] = std::uniform_int_distribution<int>(0, 24000)(random);
    answers["income_business"] = std::uniform_int_distribution<int>(0, 6000)(random);
    answers["income_previous_cycle"] = std::uniform_int_distribution<int>(5000, 30000)(random);
    std::string id = county.add_household();
    county.visit(id, answers);
    households[id] = "generated " + std::to_string(i);
  }
  county.sync();
  std::map<std::string, std::string> before;
  for (const auto& [id, what] : households) {
    INFO(what);
    before[id] = level_of(county.show(id));
    CHECK(level_of(county.at_county(id)) == before[id]);
  }

  json set = county.county({"settings", "set", "--data", county.data.string(), "poverty_line=6000",
                            "monitoring_threshold=9000", "--json"});
  CHECK(set["changed"] == 2);
  json settings = county.county({"settings", "show", "--data", county.data.string(), "--json"});
  REQUIRE(settings["poverty_line"].size() == 1);
  CHECK(settings["poverty_line"].begin().value() == 6000);
  CHECK(settings["monitoring_threshold"].begin().value() == 9000);

  // The county re-classified at once; the phone after its next sync, to the same levels.
  county.sync();
  int changed = 0;
  for (const auto& [id, what] : households) {
    INFO(what);
    std::string at_county = level_of(county.at_county(id));
    std::string on_phone = level_of(county.show(id));
    CHECK(on_phone == at_county);
    CHECK(on_phone != "none");
    if (on_phone != before[id]) ++changed;
  }
  CHECK(changed > 0);
  // The yellow example's per-capita income is below the new poverty line.
  for (const auto& [id, what] : households)
    if (what == "yellow") CHECK(level_of(county.show(id)) == "red");

  // An offline evaluation with --params still decides for itself.
  auto params = county.dir / "params.json";
  write_file(params, R"({"poverty_line": 4000, "monitoring_threshold": 5000})");
  std::string id = county.add_household();
  json offline = county.visit(id, example("yellow"), {"--params", params.string()});
  CHECK(offline["visit_risk"]["level"] == "yellow");
}

TEST_CASE("settings set refuses what it does not know, and a device may not write settings") {
  County county;
  auto unknown = run_process(server_path(),
                             {"settings", "set", "--data", county.data.string(), "colour=blue"});
  CHECK(unknown.exit_code != 0);
  CHECK(unknown.err.find("colour") != std::string::npos);
  auto bad = run_process(server_path(),
                         {"settings", "set", "--data", county.data.string(), "poverty_line=-3"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("poverty_line") != std::string::npos);
  auto days = run_process(server_path(), {"settings", "set", "--data", county.data.string(),
                                          "home_visit_interval_days=367"});
  CHECK(days.exit_code != 0);
  CHECK(days.err.find("home_visit_interval_days") != std::string::npos);
  json settings = county.county({"settings", "show", "--data", county.data.string(), "--json"});
  CHECK(settings["poverty_line"].empty());
  CHECK(settings["home_visit_interval_days"] == 30);
}
