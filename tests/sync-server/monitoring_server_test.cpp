// The county side of the monitoring loop from the command line: the real `doorstep-server`
// commands on a real county folder, a phone enrolled at a real served county, and
// DOORSTEP_TODAY to move the calendar on (docs/monitoring.md, "County commands").
#include <doctest/doctest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "core/store/store.h"
#include "county/publicity_list.h"
#include "tests/sync-server/monitoring_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

TEST_CASE("the county calendar is set and shown, from a list or a file, and a bad date is named") {
  CountyFolder county;
  CHECK(county.ok({"calendar", "show", "--json"}) ==
        json{{"holidays", json::array()}, {"workdays", json::array()}});
  auto workdays = county.dir / "workdays.txt";
  write_file(workdays, "# 2026 National Day\n2026-09-27\n\n2026-10-10\n");
  json set = county.ok({"calendar", "set", "--holidays",
                        "2026-10-01,2026-10-02,2026-10-05,2026-10-06,2026-10-07", "--workdays",
                        "@" + workdays.string(), "--json"});
  CHECK(set["changed"] == true);
  json expected = {
      {"holidays", {"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"}},
      {"workdays", {"2026-09-27", "2026-10-10"}}};
  CHECK(set["calendar"] == expected);
  CHECK(county.ok({"calendar", "show", "--json"}) == expected);
  // The same again changes nothing; one option alone keeps the other list.
  CHECK(county.ok({"calendar", "set", "--workdays", workdays.string(), "--json"})["changed"] ==
        false);
  json holidays_only = county.ok({"calendar", "set", "--holidays", "2026-10-01", "--json"});
  CHECK(holidays_only["calendar"]["holidays"] == json{"2026-10-01"});
  CHECK(holidays_only["calendar"]["workdays"] == expected["workdays"]);

  auto bad = county.run({"calendar", "set", "--holidays", "2026-10-01,2026-13-01"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("'2026-13-01'") != std::string::npos);
  CHECK(bad.err.find("--holidays") != std::string::npos);
  write_file(workdays, "2026-09-27\n2026-10-1O\n");
  auto bad_file = county.run({"calendar", "set", "--workdays", "@" + workdays.string()});
  CHECK(bad_file.exit_code != 0);
  CHECK(bad_file.err.find("line 2") != std::string::npos);
  CHECK(bad_file.err.find("'2026-10-1O'") != std::string::npos);
  auto both = county.run({"calendar", "set", "--workdays", "2026-10-01"});
  CHECK(both.exit_code != 0);
  CHECK(both.err.find("2026-10-01") != std::string::npos);
  // Nothing refused was stored.
  CHECK(county.ok({"calendar", "show", "--json"}) == holidays_only["calendar"]);
}

TEST_CASE("the lifecycle settings are set as whole numbers and shown in force") {
  CountyFolder county;
  json shown = county.ok({"settings", "show", "--json"});
  CHECK(shown["deadline_verify_days"] == 3);
  CHECK(shown["publicity_days"] == 5);
  CHECK(shown["observation_months"] == 6);
  json set = county.ok({"settings", "set", "deadline_verify_days=2", "publicity_days=7",
                        "deadline_township_days=4", "deadline_county_days=6",
                        "observation_months=12", "follow_up_days=20", "--json"});
  CHECK(set["changed"] == 6);
  shown = county.ok({"settings", "show", "--json"});
  CHECK(shown["deadline_verify_days"] == 2);
  CHECK(shown["publicity_days"] == 7);
  CHECK(shown["deadline_township_days"] == 4);
  CHECK(shown["deadline_county_days"] == 6);
  CHECK(shown["observation_months"] == 12);
  CHECK(shown["follow_up_days"] == 20);
  for (const char* bad : {"publicity_days=1.5", "observation_months=121", "follow_up_days=400",
                          "deadline_verify_days=-1"}) {
    INFO(bad);
    auto refused = county.run({"settings", "set", bad});
    CHECK(refused.exit_code != 0);
    CHECK(refused.err.find(std::string(bad).substr(0, std::string(bad).find('='))) !=
          std::string::npos);
  }
  CHECK(county.ok({"settings", "show", "--json"})["publicity_days"] == 7);
}

TEST_CASE(
    "a red household opens a case with a verify task, and past its deadline the case is overdue "
    "and escalates once however often it is listed") {
  ServedCounty county;
  std::string household = county.red_household("2026-11-02");

  json warnings = county.ok({"warnings", "--json"}, "2026-11-02")["warnings"];
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]["household"] == household);
  CHECK(warnings[0]["source"] == "rules");
  CHECK(warnings[0]["level"] == "red");
  CHECK(warnings[0]["status"] == "open");
  CHECK(!warnings[0]["rules"].empty());
  json cases = county.ok({"cases", "--json"}, "2026-11-02")["cases"];
  REQUIRE(cases.size() == 1);
  std::string case_id = cases[0]["id"];
  CHECK(warnings[0]["case"] == case_id);
  CHECK(cases[0]["household"] == household);
  CHECK(cases[0]["state"] == "identified");
  CHECK(cases[0]["type"].is_null());
  CHECK(cases[0]["due"] == "2026-11-05");  // three working days after Monday
  CHECK(cases[0]["overdue"] == false);
  json tasks = county.ok({"tasks", "--json"}, "2026-11-02")["tasks"];
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["kind"] == "verify");
  CHECK(tasks[0]["case"] == case_id);
  CHECK(tasks[0]["assignee"] == kGrid);
  CHECK(tasks[0]["status"] == "open");
  json detail = county.ok({"case", "show", case_id, "--json"}, "2026-11-02");
  CHECK(detail["household"] == household);
  CHECK(detail["warnings"].size() == 1);
  CHECK(!detail["risk_factors"].empty());
  CHECK(detail["next"]["to"] == "verified");

  // On its due day it is not overdue; the next day it is, and the sweep the listing runs
  // raises its escalation to the township.
  CHECK(county.ok({"cases", "--overdue", "--json"}, "2026-11-05")["cases"].empty());
  CHECK(escalations_of(county.ok({"warnings", "--json"}, "2026-11-05")["warnings"], case_id) == 0);
  json overdue = county.ok({"cases", "--overdue", "--json"}, "2026-11-06");
  REQUIRE(overdue["cases"].size() == 1);
  CHECK(overdue["cases"][0]["id"] == case_id);
  CHECK(overdue["cases"][0]["overdue"] == true);
  CHECK(overdue["sweep"]["escalations"].size() == 1);
  CHECK(county.ok({"tasks", "--overdue", "--json"}, "2026-11-06")["tasks"].size() == 1);
  for (int listing = 0; listing < 2; ++listing) {
    json all = county.ok({"warnings", "--json"}, "2026-11-09")["warnings"];
    CHECK(escalations_of(all, case_id) == 1);
    CHECK(all.size() == 2);
    for (const auto& warning : all)
      if (warning["source"] == "escalation") CHECK(warning["escalated_to"] == "township");
  }
  CHECK(county.ok({"monitor", "--json"}, "2026-11-09") ==
        json{{"escalations", json::array()}, {"warnings", json::array()}});
  CHECK(county.ok({"warnings", "--household", household, "--json"}, "2026-11-09")["warnings"]
            .size() == 2);
  // The escalation is the household's record: the grid worker's phone receives it.
  county.sync(county.li_wei);
  json on_phone = store::Store::open(county.li_wei.db).warnings({});
  CHECK(escalations_of(on_phone["warnings"], case_id) == 1);

  // A filter that does not exist is named, not answered with an empty list.
  auto bad_state = county.run({"cases", "--state", "approvd"});
  CHECK(bad_state.exit_code == 2);
  CHECK(bad_state.err.find("'approvd'") != std::string::npos);
  auto bad_scope = county.run({"tasks", "--scope", "640323.1"});
  CHECK(bad_scope.exit_code == 2);
  CHECK(bad_scope.err.find("--scope") != std::string::npos);
}

TEST_CASE("a holiday on the county calendar moves a case's deadline") {
  ServedCounty county;
  county.red_household("2026-11-02");
  county.ok({"calendar", "set", "--holidays", "2026-11-04", "--json"});
  json listed = county.only_case();
  CHECK(listed["due"] == "2026-11-06");
  CHECK(county.ok({"cases", "--overdue", "--json"}, "2026-11-06")["cases"].empty());
  CHECK(county.ok({"cases", "--overdue", "--json"}, "2026-11-09")["cases"].size() == 1);
  // The calendar reaches the devices with their next sync.
  county.sync(county.li_wei);
  CHECK(store::Store::open(county.li_wei.db).calendar()["holidays"] == json{"2026-11-04"});
}

TEST_CASE(
    "case advance refuses a role below the step's and a move not in the table, a measure "
    "waits for approval, and every transition is in the history") {
  ServedCounty county;
  std::string household = county.red_household("2026-11-02");
  std::string case_id = county.only_case()["id"];

  // Not verified before the grid worker's verify visit.
  auto early = county.run({"case", "advance", case_id, "--to", "verified", "--actor", "王芳",
                           "--role", "village-leader"},
                          "2026-11-03");
  CHECK(early.exit_code != 0);
  CHECK(early.err.find("verify task") != std::string::npos);
  county.verify(household, county.verify_task(case_id));
  // A grid worker may not verify a case; a case does not jump to assisting.
  auto worker = county.run(
      {"case", "advance", case_id, "--to", "verified", "--actor", "李伟", "--role", "grid-worker"},
      "2026-11-03");
  CHECK(worker.exit_code != 0);
  CHECK(worker.err.find("village-leader") != std::string::npos);
  auto jump = county.run({"case", "advance", case_id, "--to", "assisting", "--actor", "王芳"},
                         "2026-11-03");
  CHECK(jump.exit_code != 0);
  CHECK(jump.err.find("moves to verified") != std::string::npos);
  auto measure_early = county.run({"measure", "add", case_id, "--department", "medical_insurance",
                                   "--kind", "大病保险二次报销", "--start", "2026-11-03"},
                                  "2026-11-03");
  CHECK(measure_early.exit_code != 0);
  CHECK(measure_early.err.find("approved") != std::string::npos);

  county.advance(case_id, "verified", "village-leader", "2026-11-03");
  county.advance(case_id, "publicised", "village-leader", "2026-11-03");
  // Publicity lasts publicity_days (5) before the township may review.
  auto during = county.run({"case", "advance", case_id, "--to", "township_reviewed", "--actor",
                            "王芳", "--role", "township"},
                           "2026-11-05");
  CHECK(during.exit_code != 0);
  CHECK(during.err.find("2026-11-08") != std::string::npos);
  // An objection holds the review up until it is settled.
  json objection = county.ok(
      {"case", "object", case_id, "--text", "该户有经营性收入未申报", "--json"}, "2026-11-04");
  auto objected = county.run({"case", "advance", case_id, "--to", "township_reviewed", "--actor",
                              "王芳", "--role", "township"},
                             "2026-11-09");
  CHECK(objected.exit_code != 0);
  CHECK(objected.err.find("objection") != std::string::npos);
  county.ok({"case", "settle", objection["objection"], "--note", "经核实，收入已计入", "--json"},
            "2026-11-09");
  county.advance(case_id, "township_reviewed", "township", "2026-11-09");

  // The township may not approve: that is the county's step.
  auto township = county.run({"case", "advance", case_id, "--to", "approved", "--actor", "王芳",
                              "--role", "township", "--type", "marginal"},
                             "2026-11-10");
  CHECK(township.exit_code != 0);
  CHECK(township.err.find("county") != std::string::npos);
  CHECK(county.ok({"case", "show", case_id, "--json"})["state"] == "township_reviewed");
  auto untyped =
      county.run({"case", "advance", case_id, "--to", "approved", "--actor", "王芳"}, "2026-11-10");
  CHECK(untyped.exit_code != 0);
  CHECK(untyped.err.find("unstable, marginal or sudden") != std::string::npos);
  county.advance(case_id, "approved", "county", "2026-11-10", {"--type", "marginal"});
  auto no_measure = county.run({"case", "advance", case_id, "--to", "assisting", "--actor", "王芳"},
                               "2026-11-10");
  CHECK(no_measure.exit_code != 0);
  CHECK(no_measure.err.find("measure") != std::string::npos);
  json measure =
      county.ok({"measure", "add", case_id, "--department", "medical_insurance", "--kind",
                 "大病保险二次报销", "--start", "2026-11-10", "--ongoing", "--json"},
                "2026-11-10");
  CHECK(measure["case"] == case_id);
  county.advance(case_id, "assisting", "county", "2026-11-11");

  json detail = county.ok({"case", "show", case_id, "--json"}, "2026-11-11");
  CHECK(detail["type"] == "marginal");
  CHECK(detail["measures"].size() == 1);
  CHECK(detail["objections"].size() == 1);
  CHECK(detail["objections"][0]["status"] == "settled");
  const json history = detail["history"];
  REQUIRE(history.size() == 6);  // the opening and five transitions
  std::vector<std::pair<std::string, std::string>> moves;
  for (const auto& entry : history)
    moves.emplace_back(entry["to"].get<std::string>(),
                       entry["role"].is_string() ? entry["role"].get<std::string>() : "");
  CHECK(moves == std::vector<std::pair<std::string, std::string>>{{"identified", ""},
                                                                  {"verified", "village-leader"},
                                                                  {"publicised", "village-leader"},
                                                                  {"township_reviewed", "township"},
                                                                  {"approved", "county"},
                                                                  {"assisting", "county"}});
  CHECK(history[5]["actor"] == "王芳");
  CHECK(history[5]["from"] == "approved");
  // Assisting set the follow-up visit for the household's grid worker.
  bool follow_up = false;
  for (const auto& task : detail["tasks"])
    if (task["kind"] == "follow_up" && task["status"] == "open") follow_up = true;
  CHECK(follow_up);
}

TEST_CASE(
    "the publicity list names the head, never his ID number, as CSV and as a printable page") {
  ServedCounty county;
  std::string case_id = county.publicised_case();
  // A household still being verified is not on the list.
  county.red_household("2026-11-04");

  auto csv = county.dir / "publicity.csv";
  json written = county.ok({"publicity", "--village", kVillage, "--out", csv.string(), "--json"},
                           "2026-11-04");
  CHECK(written["rows"] == 1);
  CHECK(written["format"] == "csv");
  std::string text = read_file(csv);
  CHECK(text.rfind("\xEF\xBB\xBF序号,户主姓名,所在村组,纳入方式,公示开始,公示截止\r\n", 0) == 0);
  CHECK(text.find(std::string("1,") + kHeadName +
                  ",大水坑村 01网格,基层干部排查,2026-11-03,2026-11-08\r\n") != std::string::npos);
  CHECK(text.find(kHeadIdNumber) == std::string::npos);
  const json members = red_example()["members"];
  for (const auto& member : members)
    CHECK(text.find(member["id_number"].get<std::string>()) == std::string::npos);
  CHECK(text.find("red.") == std::string::npos);  // no risk factor
  CHECK(text.find(case_id) == std::string::npos);

  auto html = county.dir / "publicity.html";
  county.ok({"publicity", "--village", kVillage, "--out", html.string(), "--json"}, "2026-11-04");
  std::string page = read_file(html);
  CHECK(page.find("<title>监测对象公示</title>") != std::string::npos);
  CHECK(page.find(kHeadName) != std::string::npos);
  CHECK(page.find(kHeadIdNumber) == std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<style>") != std::string::npos);
  CHECK(page.find("2026-11-08") != std::string::npos);

  // Without --out: CSV on stdout; --format wins over the extension. Another village's list
  // is empty; a path that is not one is named.
  auto to_stdout = county.run({"publicity", "--village", kVillage}, "2026-11-04");
  REQUIRE(to_stdout.exit_code == 0);
  CHECK(to_stdout.out.find(kHeadName) != std::string::npos);
  CHECK(to_stdout.out.find(kHeadIdNumber) == std::string::npos);
  auto as_html = county.run({"publicity", "--village", kVillage, "--format", "html"});
  CHECK(as_html.out.rfind("<!DOCTYPE html>", 0) == 0);
  auto other = county.run({"publicity", "--village", "640323.101.201"});
  REQUIRE(other.exit_code == 0);
  CHECK(other.out.find(kHeadName) == std::string::npos);
  auto bad = county.run({"publicity", "--village", "640323.10x"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("--village") != std::string::npos);
}

TEST_CASE("every value of the publicity page is HTML-escaped") {
  server::PublicityList list;
  list.village = kVillage;
  list.village_name = "<b>大水坑村</b>";
  list.made_on = "2026-11-04";
  server::PublicityEntry entry;
  entry.number = 1;
  entry.head_name = "<script>alert('x')</script>";
  entry.place = "一组 & \"二组\"";
  entry.admission = "基层干部排查";
  entry.start = "2026-11-03";
  entry.end = "2026-11-08";
  list.entries.push_back(entry);
  std::ostringstream page;
  server::write_publicity_html(list, page);
  std::string html = page.str();
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("一组 &amp; &quot;二组&quot;") != std::string::npos);
  std::ostringstream csv;
  server::write_publicity_csv(list, csv);
  CHECK(csv.str().find("\"一组 & \"\"二组\"\"\"") != std::string::npos);
}
