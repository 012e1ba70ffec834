// The county's overdue list against the grid workers' phones: two phones of two grids visit
// and call their households and sync with a real county served on loopback; on a later day
// `doorstep-server overdue --json` lists the same overdue visits, check-ins and tasks —
// same households, kinds, due dates and ids — as the phones' own `doorstep tasks --json`,
// with the grid worker responsible and the counts per township, village and grid. And the
// command's options and the cadence settings refuse what they do not know.
// DOORSTEP_TODAY moves the date for every process the test starts.
#include <doctest/doctest.h>

#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "tests/sync-server/monitoring_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kLater = "2026-12-21";
constexpr const char* kTownship = "640323.101";

json example(const std::string& level) {
  return json::parse(read_file(source_dir() / "forms" / "examples" / (level + "-household.json")));
}

// `doorstep ARGS --db DEVICE --json` on `today`, which must succeed.
json on_phone(const Device& device, std::vector<std::string> args, const std::string& today = "") {
  args.insert(args.end(), {"--db", device.db.string(), "--json"});
  std::vector<std::string> env;
  if (!today.empty()) env.push_back("DOORSTEP_TODAY=" + today);
  auto result = run_process(cli_path(), args, "", env);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

struct Grids : ServedCounty {
  int answers = 0;

  std::string add(const Device& device, const std::string& grid) {
    return on_phone(device, {"household", "add", "--grid", grid})["id"];
  }
  void visit(const Device& device, const std::string& household, const std::string& level,
             const std::string& date) {
    json given = example(level);
    given["visit_date"] = date;
    auto path = dir / ("visit-" + std::to_string(++answers) + ".json");
    write_file(path, given.dump());
    on_phone(device,
             {"visit", "--household", household, "--form", form_path().string(), "--answers",
              path.string()},
             date);
  }
  std::string device_id(const std::string& name) const {
    const json devices = ok({"device", "list", "--json"});
    for (const auto& device : devices)
      if (device["name"] == name) return device["id"];
    FAIL("no device named " << name);
    return "";
  }
};

using Entry = std::tuple<std::string, std::string, std::string, std::string>;  // kind, ...

// The phone's overdue entries as (kind in the county's words, household, due, id).
std::set<Entry> overdue_on_phone(const json& tasks) {
  std::set<Entry> out;
  for (const auto& task : tasks) {
    if (!task["overdue"].get<bool>()) continue;
    std::string kind = !task["scheduled"].get<bool>() ? "task"
                       : task["kind"] == "revisit"    ? "visit"
                                                      : "checkin";
    out.emplace(kind, task["household"].get<std::string>(), task["due"].get<std::string>(),
                task["id"].get<std::string>());
  }
  return out;
}

std::set<Entry> overdue_at_county(const json& listed) {
  std::set<Entry> out;
  for (const auto& entry : listed["overdue"])
    out.emplace(entry["kind"].get<std::string>(), entry["household"].get<std::string>(),
                entry["due"].get<std::string>(), entry["id"].get<std::string>());
  return out;
}

const json* area(const json& listed, const std::string& code) {
  for (const auto& a : listed["by_area"])
    if (a["code"] == code) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("the county's overdue list agrees with the devices'") {
  Grids county;
  // Li Wei's grid: a green household visited on 20 November and called on 1 December; a red
  // one visited on 20 November, whose verify task nobody does.
  std::string green = county.add(county.li_wei, kGrid);
  county.visit(county.li_wei, green, "green", "2026-11-20");
  on_phone(county.li_wei, {"checkin", "--household", green, "--date", "2026-12-01"}, "2026-12-01");
  std::string red = county.add(county.li_wei, kGrid);
  county.visit(county.li_wei, red, "red", "2026-11-20");
  // Zhang Min's grid: a household visited on 1 October, and one visited yesterday.
  std::string autumn = county.add(county.zhang_min, kOtherGrid);
  county.visit(county.zhang_min, autumn, "green", "2026-10-01");
  std::string fresh = county.add(county.zhang_min, kOtherGrid);
  county.visit(county.zhang_min, fresh, "green", "2026-12-20");
  county.sync(county.li_wei);
  county.sync(county.zhang_min);

  // Three weeks later, with no sync since: each phone's list from its own data, the county's
  // from what it received.
  json li_wei = on_phone(county.li_wei, {"tasks"}, kLater)["tasks"];
  json zhang_min = on_phone(county.zhang_min, {"tasks"}, kLater)["tasks"];
  std::set<Entry> phones = overdue_on_phone(li_wei);
  for (const auto& entry : overdue_on_phone(zhang_min)) phones.insert(entry);
  json listed = county.ok({"overdue", "--json"}, kLater);
  CHECK(listed["today"] == kLater);
  CHECK(overdue_at_county(listed) == phones);

  // What that is: the green household's visit (due 20 December) and call (15 days after the
  // call of 1 December); the red one's (15 and 10 days after its visit) and its verify task;
  // the autumn visit and call; nothing of yesterday's visit.
  std::set<std::tuple<std::string, std::string, std::string>> expected = {
      {"visit", green, "2026-12-20"},  {"checkin", green, "2026-12-16"},
      {"visit", red, "2026-12-05"},    {"checkin", red, "2026-11-30"},
      {"visit", autumn, "2026-10-31"}, {"checkin", autumn, "2026-10-16"}};
  std::set<std::tuple<std::string, std::string, std::string>> scheduled;
  size_t tasks = 0;
  for (const auto& entry : listed["overdue"]) {
    if (entry["kind"] == "task") {
      ++tasks;
      CHECK(entry["household"] == red);
      CHECK(entry["task"]["kind"] == "verify");
      continue;
    }
    scheduled.emplace(entry["kind"].get<std::string>(), entry["household"].get<std::string>(),
                      entry["due"].get<std::string>());
  }
  CHECK(scheduled == expected);
  CHECK(tasks == 1);

  std::string li_wei_id = county.device_id("li-wei"), zhang_min_id = county.device_id("zhang-min");
  for (const auto& entry : listed["overdue"]) {
    CAPTURE(entry.dump());
    bool mine = entry["grid"] == kGrid;
    CHECK(entry["village"] == kVillage);
    CHECK(entry["village_name"] == "大水坑村");
    CHECK(entry["township"] == kTownship);
    CHECK(entry["township_name"] == "大水坑镇");
    CHECK(entry["grid_name"] == (mine ? "01网格" : "02网格"));
    CHECK(entry["head"] == (entry["household"] == red ? kHeadName : "马建国"));
    CHECK(entry["days_overdue"].get<int64_t>() > 0);
    // The grid worker enrolled for the grid (the village leader's device is not one).
    REQUIRE(entry["responsible"].size() == 1);
    CHECK(entry["responsible"][0]["device"] == (mine ? li_wei_id : zhang_min_id));
    CHECK(entry["responsible"][0]["name"] == (mine ? "li-wei" : "zhang-min"));
  }

  // The counts per grid, village and township, every division of the county listed.
  const json* grid = area(listed, kGrid);
  const json* other = area(listed, kOtherGrid);
  const json* village = area(listed, kVillage);
  const json* township = area(listed, kTownship);
  REQUIRE(grid);
  REQUIRE(other);
  REQUIRE(village);
  REQUIRE(township);
  CHECK(*grid == json{{"level", "grid"},
                      {"code", kGrid},
                      {"name", "01网格"},
                      {"visit", 2},
                      {"checkin", 2},
                      {"task", 1}});
  CHECK((*other)["visit"] == 1);
  CHECK((*other)["checkin"] == 1);
  CHECK((*other)["task"] == 0);
  CHECK((*village)["level"] == "village");
  CHECK((*village)["visit"] == 3);
  CHECK((*village)["checkin"] == 3);
  CHECK((*township)["level"] == "township");
  CHECK((*township)["task"] == 1);
  const json* elsewhere = area(listed, "640323.100.200.01");
  REQUIRE(elsewhere);
  CHECK((*elsewhere)["visit"] == 0);

  // --kind and --scope narrow the list; the counts follow.
  json visits = county.ok({"overdue", "--kind", "visit", "--json"}, kLater);
  CHECK(visits["overdue"].size() == 3);
  for (const auto& entry : visits["overdue"]) CHECK(entry["kind"] == "visit");
  CHECK((*area(visits, kVillage))["checkin"] == 0);
  json theirs = county.ok({"overdue", "--scope", kOtherGrid, "--json"}, kLater);
  CHECK(overdue_at_county(theirs) == overdue_on_phone(zhang_min));
  CHECK(area(theirs, kGrid) == nullptr);

  // A visit synced moves the county's entry as it moved the phone's.
  county.visit(county.zhang_min, autumn, "green", kLater);
  county.sync(county.zhang_min);
  json after = county.ok({"overdue", "--scope", kOtherGrid, "--json"}, kLater);
  CHECK(after["overdue"].empty());
  CHECK(overdue_on_phone(on_phone(county.zhang_min, {"tasks"}, kLater)["tasks"]).empty());

  // The text table says the same.
  auto text = county.run({"overdue"}, kLater);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("overdue on 2026-12-21") != std::string::npos);
  CHECK(text.out.find(green) != std::string::npos);
  CHECK(text.out.find("task:verify") != std::string::npos);
  CHECK(text.out.find("(5 overdue entries)") != std::string::npos);
  CHECK(text.out.find("village  640323.101.200 大水坑村: 2 visits, 2 check-ins, 1 task") !=
        std::string::npos);
}

TEST_CASE("the cadence is county settings: 0 to 366 days, shown in force, and the phones follow") {
  Grids county;
  json shown = county.ok({"settings", "show", "--json"});
  CHECK(shown["phone_checkin_interval_days"] == 15);
  CHECK(shown["home_visit_interval_days"] == 30);
  CHECK(shown["phone_checkin_interval_days_red"] == 10);
  CHECK(shown["home_visit_interval_days_red"] == 15);
  CHECK(shown["phone_checkin_interval_days_case"] == 7);
  CHECK(shown["home_visit_interval_days_case"] == 15);
  for (const char* bad : {"home_visit_interval_days_red=367", "phone_checkin_interval_days=1.5",
                          "home_visit_interval_days_case=-2", "home_visit_interval_days_red=x"}) {
    auto refused = county.run({"settings", "set", bad});
    CHECK_MESSAGE(refused.exit_code == 2, bad);
    std::string key = std::string(bad).substr(0, std::string(bad).find('='));
    CHECK_MESSAGE(refused.err.find(key) != std::string::npos, refused.err);
  }
  CHECK(county.run({"settings", "set", "home_visit_interval_days_red=367"})
            .err.find("whole days, 0 (no schedule) to 366") != std::string::npos);
  // No phone check-ins for households that are not red; red ones every 5 days.
  county.ok({"settings", "set", "phone_checkin_interval_days=0",
             "phone_checkin_interval_days_red=5", "--json"});
  shown = county.ok({"settings", "show", "--json"});
  CHECK(shown["phone_checkin_interval_days"] == 0);
  CHECK(shown["phone_checkin_interval_days_red"] == 5);

  county.sync(county.li_wei);  // the phone receives the settings
  std::string green = county.add(county.li_wei, kGrid);
  county.visit(county.li_wei, green, "green", "2026-11-20");
  std::string red = county.add(county.li_wei, kGrid);
  county.visit(county.li_wei, red, "red", "2026-11-20");
  county.sync(county.li_wei);
  json phone = on_phone(county.li_wei, {"tasks", "--kind", "checkin"}, kLater)["tasks"];
  REQUIRE(phone.size() == 1);
  CHECK(phone[0]["household"] == red);
  CHECK(phone[0]["due"] == "2026-11-25");
  CHECK(phone[0]["basis"] == "red");
  json listed = county.ok({"overdue", "--kind", "checkin", "--json"}, kLater);
  REQUIRE(listed["overdue"].size() == 1);
  CHECK(listed["overdue"][0]["id"] == phone[0]["id"]);
}

TEST_CASE("overdue refuses a kind or a scope it does not know, naming it") {
  CountyFolder county;
  auto kind = county.run({"overdue", "--kind", "visits"});
  CHECK(kind.exit_code == 2);
  CHECK(kind.err.find("--kind 'visits' is not one of visit, checkin, task") != std::string::npos);
  auto scope = county.run({"overdue", "--scope", "640323.1"});
  CHECK(scope.exit_code == 2);
  CHECK(scope.err.find("--scope") != std::string::npos);
  json empty = county.ok({"overdue", "--json"}, "2026-12-21");
  CHECK(empty["overdue"].empty());
  CHECK(empty["today"] == "2026-12-21");
  CHECK_FALSE(empty["by_area"].empty());  // the divisions, with nothing overdue
}
