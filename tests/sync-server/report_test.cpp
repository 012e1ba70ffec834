// The county's reports and register (docs/reports.md) over a county with known content: grid
// workers' phones in two townships record and sync visits, cases go through every state (one
// eliminated last year, one this year, one assisting, some dismissed, some overdue), warnings
// come from visits, a department's data, an application and the county's sweep. Every
// report's numbers are checked against counts the test makes itself from the raw listings
// (households, cases, warnings, tasks, case show), not from the report code; and the HTTPS
// routes are checked for scope and for their errors.
#include <doctest/doctest.h>

#include <signal.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/sync-server/monitoring_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kToday = "2026-12-15";  // a Tuesday
constexpr const char* kTownship = "640323.101";
constexpr const char* kOtherTownship = "640323.100";
constexpr const char* kOtherTownshipGrid = "640323.100.200.01";

json example(const std::string& level) {
  return json::parse(read_file(source_dir() / "forms" / "examples" / (level + "-household.json")));
}

// The red example made green: what an eliminated household's last visit says.
json green_revisit(const std::string& date) {
  json green = example("red");
  green["housing_grade"] = "A";
  green["members"][1]["in_school"] = "yes";
  green["members"][1].erase("out_of_school_reason");
  green["members"][2]["medical_insured"] = "yes";
  green["income_wage"] = 30000;
  green["income_previous_cycle"] = 39000;
  green["expense_medical"] = 0;
  green["risk_factors"] = "";
  green["visit_date"] = date;
  return green;
}

std::string text(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string parts(const std::string& grid, int count) {
  size_t end = 0;
  for (int i = 0; i < count; ++i) {
    end = grid.find('.', i == 0 ? 0 : end + 1);
    if (end == std::string::npos) return grid;
  }
  return grid.substr(0, end);
}

// The township, village and grid a grid path counts in.
std::vector<std::string> areas_of(const std::string& grid) {
  return {parts(grid, 2), parts(grid, 3), grid};
}

int64_t days_between(const std::string& from, const std::string& to) {
  auto days = [](const std::string& date) {
    int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2)),
        d = std::stoi(date.substr(8, 2));
    // Days from civil (Howard Hinnant's algorithm).
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<int64_t>(era) * 146097 + doe - 719468;
  };
  return days(to) - days(from);
}

// Counts kept by the test: key -> area code ("" = the totals) -> count.
struct Tally {
  std::map<std::string, std::map<std::string, int64_t>> counts;
  void add(const std::string& key, const std::string& grid) {
    ++counts[key][""];
    for (const auto& area : areas_of(grid)) ++counts[key][area];
  }
  int64_t of(const std::string& key, const std::string& area = "") const {
    auto it = counts.find(key);
    if (it == counts.end()) return 0;
    auto at = it->second.find(area);
    return at == it->second.end() ? 0 : at->second;
  }
  std::set<std::string> areas() const {
    std::set<std::string> out;
    for (const auto& [key, by_area] : counts)
      for (const auto& [area, count] : by_area)
        if (!area.empty()) out.insert(area);
    return out;
  }
};

// A report's counts at `area` ("" = totals), following `path` of nested members.
int64_t reported(const json& report, const std::string& area,
                 const std::vector<std::string>& path) {
  json counts;
  if (area.empty()) {
    counts = report["totals"];
  } else {
    const json areas = report["areas"];
    for (const auto& row : areas)
      if (row["code"] == area) counts = row;
  }
  REQUIRE_MESSAGE(counts.is_object(), "no area ", area, " in the report");
  for (const auto& key : path) {
    if (!counts.contains(key)) return 0;
    json next = counts[key];
    counts = next;
  }
  return counts.get<int64_t>();
}

std::set<std::string> area_codes(const json& report) {
  std::set<std::string> codes;
  const json areas = report["areas"];
  for (const auto& row : areas) codes.insert(row["code"].get<std::string>());
  return codes;
}

// The county of this test, built by real phones, syncs and county commands on the days named.
struct ReportCounty : ServedCounty {
  Device wu{dir / "wu-gang.db", "wu-gang"};
  Device township{dir / "township.db", "zhao-min"};
  std::map<std::string, std::string> ids;  // name in this test -> household id
  std::map<std::string, std::string> case_of;

  ReportCounty() {
    enroll(wu, "grid-worker", kOtherTownshipGrid);
    enroll(township, "township", kTownship);
    // Elimination follows assistance without the six months' observation, so that a case can
    // go the whole way within the test's autumn.
    ok({"settings", "set", "observation_months=0", "--json"});
    build();
  }

  json device(const Device& device, std::vector<std::string> args, const std::string& today) {
    args.insert(args.end(), {"--db", device.db.string(), "--json"});
    auto result = run_process(cli_path(), args, "", {"DOORSTEP_TODAY=" + today});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
  }

  std::string add(const std::string& name, const Device& by, const std::string& grid) {
    json added = device(by, {"household", "add", "--grid", grid}, kToday);
    ids[name] = added["id"];
    return ids[name];
  }

  json visit(const Device& by, const std::string& name, json answers, const std::string& today,
             const std::vector<std::string>& extra = {}) {
    if (answers.contains("visit_date")) answers["visit_date"] = today;
    auto path = dir / ("answers-" + std::to_string(++files) + ".json");
    write_file(path, answers.dump());
    std::vector<std::string> args = {"visit",      "--household",        ids.at(name),
                                     "--form",     form_path().string(), "--answers",
                                     path.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    json visited = device(by, args, today);
    if (visited["warning"].is_object()) case_of[name] = visited["warning"]["case"];
    return visited;
  }

  // A red first visit on `today`, synced; the case it opened.
  std::string red(const Device& by, const std::string& name, const std::string& grid,
                  const std::string& today) {
    add(name, by, grid);
    json visited = visit(by, name, example("red"), today);
    REQUIRE(visited["risk"]["level"] == "red");
    sync(by);
    return case_of.at(name);
  }

  std::string task_of(const std::string& case_id, const std::string& kind) const {
    const json tasks = ok({"case", "show", case_id, "--json"})["tasks"];
    for (const auto& task : tasks)
      if (task["kind"] == kind && task["status"] == "open") return task["id"];
    FAIL("case " << case_id << " has no open " << kind << " task");
    return "";
  }

  // The grid worker's verify visit, confirmed, synced.
  void verify(const Device& by, const std::string& name, const std::string& today) {
    std::string task = task_of(case_of.at(name), "verify");
    visit(by, name, {{"visit_date", today}}, today,
          {"--prefill", "--task", task, "--verdict", "confirmed"});
    sync(by);
  }

  // Verified and publicised on `from`, reviewed and approved as `type` a week later, with a
  // measure, assisting the day after.
  void assist(const Device& by, const std::string& name, const std::string& from,
              const std::string& reviewed, const std::string& assisting, const std::string& type,
              const std::vector<std::string>& measure) {
    const std::string& id = case_of.at(name);
    verify(by, name, from);
    advance(id, "verified", "village-leader", from);
    advance(id, "publicised", "village-leader", from);
    advance(id, "township_reviewed", "township", reviewed);
    advance(id, "approved", "county", reviewed, {"--type", type});
    std::vector<std::string> args = {"measure", "add", id, "--json"};
    args.insert(args.end(), measure.begin(), measure.end());
    ok(args, reviewed);
    advance(id, "assisting", "county", assisting);
  }

  void eliminate(const Device& by, const std::string& name, const std::string& today) {
    sync(by);
    CHECK(visit(by, name, green_revisit(today), today)["risk"]["level"] == "green");
    sync(by);
    advance(case_of.at(name), "eliminated", "county", today);
  }

  void build() {
    // Eliminated last year, and this year.
    red(li_wei, "eliminated_2025", kGrid, "2025-11-03");
    assist(li_wei, "eliminated_2025", "2025-11-04", "2025-11-10", "2025-11-11", "marginal",
           {"--department", "civil_affairs", "--kind", "纳入低保", "--start", "2025-11-10", "--end",
            "2025-11-20"});
    eliminate(li_wei, "eliminated_2025", "2025-12-01");
    red(li_wei, "eliminated_2026", kGrid, "2026-11-02");
    assist(li_wei, "eliminated_2026", "2026-11-03", "2026-11-09", "2026-11-10", "unstable",
           {"--department", "medical_insurance", "--kind", "参保补贴", "--start", "2026-11-09",
            "--end", "2026-11-20"});
    eliminate(li_wei, "eliminated_2026", "2026-12-01");
    // Assisting since October, its follow-up and elimination check long overdue.
    red(zhang_min, "assisting", kOtherGrid, "2026-10-05");
    assist(zhang_min, "assisting", "2026-10-06", "2026-10-12", "2026-10-13", "sudden",
           {"--department", "housing", "--kind", "危房改造", "--start", "2026-10-12", "--ongoing"});
    // Identified: overdue since November, on time from yesterday, and in the other township.
    red(zhang_min, "overdue", kOtherGrid, "2026-11-20");
    red(li_wei, "identified", kGrid, "2026-12-14");
    red(wu, "other_township", kOtherTownshipGrid, "2026-12-03");
    // Dismissed this month: still red on its state.
    red(li_wei, "dismissed", kGrid, "2026-12-01");
    advance(case_of.at("dismissed"), "dismissed", "village-leader", "2026-12-02",
            {"--reason", "外出务工收入稳定"});
    // Yellow in November, dismissed; then a department's data raises a new case.
    add("yellow", zhang_min, kOtherGrid);
    REQUIRE(visit(zhang_min, "yellow", example("yellow"), "2026-11-16")["risk"]["level"] ==
            "yellow");
    sync(zhang_min);
    advance(case_of.at("yellow"), "dismissed", "village-leader", "2026-11-17",
            {"--reason", "核实后不符合"});
    // Green, and never visited.
    add("green", li_wei, kGrid);
    REQUIRE(visit(li_wei, "green", example("green"), "2026-12-01")["risk"]["level"] == "green");
    sync(li_wei);
    add("unsurveyed", li_wei, kGrid);
    sync(li_wei);
    // Medical insurance's list: the green household's head paid 15,000 yuan himself (yellow),
    // the yellow household's head is uninsured (red).
    auto list = dir / "医保.csv";
    write_file(list,
               "姓名,身份证号,参保状态,个人自付金额\n"
               "马建国,640323197503121237,是,15000\n"
               "王福贵,640323196807201514,否,\n");
    json imported =
        ok({"import", "--source", "medical-insurance", "--file", list.string(), "--json"},
           "2026-12-08");
    REQUIRE(imported["warnings_created"] == 2);
    // The green household's own application.
    sync(li_wei);
    device(li_wei, {"application", "add", "--household", ids.at("green"), "--reason", "因病申请"},
           "2026-12-09");
    sync(li_wei);
    // The county's sweep on the day of the reports: escalations of the overdue steps.
    ok({"monitor", "--json"}, kToday);
  }

  json report(const std::string& name, const std::string& scope = "") const {
    std::vector<std::string> args = {"report", "--name", name, "--json"};
    if (!scope.empty()) args.insert(args.end(), {"--scope", scope});
    return ok(args, kToday);
  }
};

// The raw records, as the county's listings give them.
struct Raw {
  json households = json::array();  // {"id", "grid", "level", "visits", "type", "head_name"}
  std::map<std::string, std::string> grid_of;
  std::map<std::string, std::string> level_of;
  json cases, warnings, tasks;
  json schedule = json::array();  // the visit schedule's overdue entries (`overdue`)

  explicit Raw(const ReportCounty& county) {
    const json listed = county.ok({"households", "--all", "--json"}, kToday);
    for (const auto& row : listed) {
      std::string id = row["id"];
      json shown = county.ok({"households", id, "--json"}, kToday);
      json risk = shown.contains("risk") ? shown["risk"] : json();
      json entry = {{"id", id},
                    {"grid", row["grid"]},
                    {"level", risk.is_object() ? risk["level"] : json()},
                    {"type", risk.is_object() ? risk["monitoring_type"] : json()},
                    {"visits", shown["visits"].size()},
                    {"head_name", shown["fields"].value("head_name", "")}};
      grid_of[id] = row["grid"];
      level_of[id] = text(entry["level"]);
      households.push_back(entry);
    }
    cases = county.ok({"cases", "--all", "--json"}, kToday)["cases"];
    warnings = county.ok({"warnings", "--all", "--json"}, kToday)["warnings"];
    tasks = county.ok({"tasks", "--all", "--json"}, kToday)["tasks"];
    json listed_overdue = county.ok({"overdue", "--json"}, kToday);
    for (const auto& entry : listed_overdue["overdue"])
      if (entry["kind"] != "task") schedule.push_back(entry);
  }
};

void check_tally(const json& report, const Tally& tally, const std::string& key,
                 const std::vector<std::string>& path) {
  CAPTURE(key);
  CHECK(reported(report, "", path) == tally.of(key));
  for (const auto& area : area_codes(report)) {
    CAPTURE(area);
    CHECK(reported(report, area, path) == tally.of(key, area));
  }
}

}  // namespace

TEST_CASE(
    "every report counts what the county's own listings hold, by township, village and grid, "
    "and prints as a table") {
  ReportCounty county;
  Raw raw(county);
  REQUIRE(raw.households.size() == 10);

  {  // levels
    json report = county.report("levels");
    Tally tally;
    for (const auto& household : raw.households) {
      std::string level = household["visits"].get<size_t>() > 0 ? text(household["level"]) : "";
      if (level.empty()) level = "unsurveyed";
      std::string type = level == "unsurveyed" || text(household["type"]).empty()
                             ? "none"
                             : text(household["type"]);
      std::string grid = household["grid"];
      tally.add(level, grid);
      tally.add("total", grid);
      tally.add(type + "/" + level, grid);
      tally.add(type + "/total", grid);
    }
    CHECK(area_codes(report) == tally.areas());
    for (const std::string level : {"red", "yellow", "green", "unsurveyed", "total"}) {
      check_tally(report, tally, level, {level});
      for (const std::string type : {"none", "unstable", "marginal", "sudden_hardship"})
        check_tally(report, tally, type + "/" + level, {"by_type", type, level});
    }
    CHECK(reported(report, "", {"unsurveyed"}) == 1);
    CHECK(reported(report, "", {"green"}) == 3);  // the green one and the two eliminated
    CHECK(reported(report, kOtherTownship, {"total"}) == 1);
    for (const auto& area : report["areas"]) CHECK(area["name"].is_string());
    json village;
    for (const auto& area : report["areas"])
      if (area["code"] == kVillage) village = area;
    CHECK(village["level"] == "village");
    CHECK(village["name"] == "大水坑村");
  }

  {  // cases
    json report = county.report("cases");
    Tally tally;
    for (const auto& c : raw.cases) {
      if (c.contains("joined_to")) continue;
      std::string state = c["state"], grid = c["grid"];
      bool closed = state == "eliminated" || state == "dismissed";
      tally.add("total", grid);
      tally.add(closed ? "closed" : "open", grid);
      tally.add("state/" + state, grid);
      if (closed) continue;
      int64_t age = days_between(c["opened"], kToday);
      tally.add(std::string("age/") + (age <= 7    ? "0-7"
                                       : age <= 30 ? "8-30"
                                       : age <= 90 ? "31-90"
                                                   : ">90"),
                grid);
    }
    for (const std::string key : {"total", "open", "closed"})
      check_tally(report, tally, key, {key});
    for (const std::string state : {"identified", "verified", "publicised", "township_reviewed",
                                    "approved", "assisting", "eliminated", "dismissed"})
      check_tally(report, tally, "state/" + state, {"by_state", state});
    for (const std::string bucket : {"0-7", "8-30", "31-90", ">90"})
      check_tally(report, tally, "age/" + bucket, {"by_age", bucket});
    CHECK(reported(report, "", {"by_state", "eliminated"}) == 2);
    CHECK(reported(report, "", {"by_state", "dismissed"}) == 2);
    CHECK(reported(report, "", {"by_state", "assisting"}) == 1);
    CHECK(reported(report, "", {"by_age", "31-90"}) == 1);  // assisting since 5 October
  }

  {  // warnings
    json report = county.report("warnings");
    Tally tally;
    for (const auto& w : raw.warnings) {
      std::string grid = raw.grid_of.at(w["household"]);
      std::string status = w["status"], source = w["source"];
      tally.add("total", grid);
      tally.add(status, grid);
      tally.add(source + "/total", grid);
      tally.add(source + "/" + status, grid);
      if (source == "department") {
        std::string department = w["values"]["source"];
        tally.add("department:" + department + "/total", grid);
        tally.add("department:" + department + "/" + status, grid);
      }
    }
    for (const std::string key : {"total", "open", "closed"})
      check_tally(report, tally, key, {key});
    for (const std::string source : {"rules", "department", "application", "escalation"})
      for (const std::string key : {"total", "open", "closed"})
        check_tally(report, tally, source + "/" + key, {"by_source", source, key});
    for (const std::string key : {"total", "open", "closed"})
      check_tally(report, tally, "department:medical-insurance/" + key,
                  {"by_department", "medical-insurance", key});
    CHECK(reported(report, "", {"by_source", "department", "total"}) == 2);
    CHECK(reported(report, "", {"by_source", "application", "total"}) == 1);
    CHECK(reported(report, "", {"by_source", "escalation", "total"}) >= 1);
    CHECK(report["departments"] == json::array({{{"id", "medical-insurance"}, {"label", "医保"}}}));
  }

  {  // overdue
    json report = county.report("overdue");
    Tally tally;
    std::set<std::string> overdue;
    for (const auto& t : raw.tasks) {
      if (t["status"] != "open" || !(text(t["due"]) < std::string(kToday))) continue;
      std::string grid = raw.grid_of.at(t["household"]);
      tally.add("total", grid);
      tally.add("kind/" + text(t["kind"]), grid);
      overdue.insert(t["id"]);
    }
    // The schedule's home visits (kind revisit in the report) and phone check-ins.
    for (const auto& e : raw.schedule) {
      std::string grid = raw.grid_of.at(e["household"]);
      tally.add("total", grid);
      tally.add(e["kind"] == "visit" ? "kind/revisit" : "kind/checkin", grid);
      overdue.insert(e["id"]);
    }
    CHECK(!raw.schedule.empty());
    check_tally(report, tally, "total", {"total"});
    for (const std::string kind :
         {"verify", "revisit", "follow_up", "elimination_check", "checkin"})
      check_tally(report, tally, "kind/" + kind, {"by_kind", kind});
    std::set<std::string> listed;
    for (const auto& entry : report["entries"]) {
      listed.insert(entry["id"]);
      CHECK(entry["days_overdue"] == days_between(entry["due"], kToday));
    }
    CHECK(listed == overdue);
    CHECK(reported(report, "", {"by_kind", "follow_up"}) == 1);
    CHECK(reported(report, "", {"by_kind", "elimination_check"}) == 1);
    std::string oldest;
    for (const json* list : {&raw.tasks, &raw.schedule})
      for (const auto& e : *list)
        if (overdue.count(e["id"]) && (oldest.empty() || text(e["due"]) < oldest))
          oldest = text(e["due"]);
    CHECK(report["totals"]["oldest_due"] == oldest);
    // The oldest stored task: the assisting case's follow-up.
    std::string oldest_task;
    for (const auto& entry : report["entries"])
      if (entry["source"] == "task" && (oldest_task.empty() || text(entry["due"]) < oldest_task))
        oldest_task = text(entry["due"]);
    CHECK(oldest_task == "2026-10-13");
    // The case identified yesterday is on time.
    for (const auto& entry : report["entries"])
      CHECK(entry["household"] != county.ids["identified"]);
  }

  {  // new_risk
    json report = county.report("new_risk");
    CHECK(report["month"] == "2026-12");
    // The definition, from the warnings: this month's rules warnings, and department warnings
    // that opened their case, of households red or yellow now.
    std::map<std::string, std::pair<std::string, std::string>> first;  // case -> (at, id)
    for (const auto& w : raw.warnings) {
      std::string c = text(w["case"]);
      auto key = std::make_pair(text(w["created_at"]), text(w["id"]));
      if (!first.count(c) || key < first[c]) first[c] = key;
    }
    std::map<std::string, std::string> since;
    for (const auto& w : raw.warnings) {
      std::string source = w["source"], date = w["date"], level = text(w["level"]);
      if (source != "rules" && source != "department") continue;
      if (level != "red" && level != "yellow") continue;
      if (date < "2026-12-01" || date > kToday) continue;
      if (source == "department" && first[text(w["case"])].second != w["id"]) continue;
      std::string household = w["household"];
      std::string now = raw.level_of[household];
      if (now != "red" && now != "yellow") continue;
      if (!since.count(household) || date < since[household]) since[household] = date;
    }
    std::map<std::string, std::string> listed;
    for (const auto& h : report["households"]) {
      listed[h["household"]] = h["since"];
      CHECK(h["level"] == raw.level_of[h["household"]]);
    }
    CHECK(listed == since);
    std::set<std::string> expected = {county.ids["identified"], county.ids["other_township"],
                                      county.ids["dismissed"], county.ids["yellow"]};
    std::set<std::string> found;
    for (const auto& [household, date] : listed) found.insert(household);
    CHECK(found == expected);
    CHECK(listed[county.ids["yellow"]] == "2026-12-08");  // the department's warning
    CHECK(reported(report, "", {"total"}) == 4);
    CHECK(reported(report, "", {"yellow"}) == 1);
    CHECK(reported(report, kOtherTownship, {"red"}) == 1);
  }

  {  // eliminated
    json report = county.report("eliminated");
    CHECK(report["year"] == 2026);
    std::set<std::string> expected;
    for (const auto& c : raw.cases)
      if (c["state"] == "eliminated" && text(c["entered"]).rfind("2026-", 0) == 0)
        expected.insert(c["id"]);
    std::set<std::string> listed;
    for (const auto& c : report["cases"]) {
      listed.insert(c["case"]);
      CHECK(c["type"] == "unstable");
      CHECK(c["eliminated"] == "2026-12-01");
      CHECK(c["days_monitored"] == days_between(c["opened"], "2026-12-01"));
      CHECK(c["departments"] == json::array({"medical_insurance"}));
    }
    CHECK(listed == expected);
    CHECK(listed == std::set<std::string>{county.case_of["eliminated_2026"]});
    CHECK(reported(report, "", {"by_type", "unstable"}) == 1);
    CHECK(reported(report, kVillage, {"total"}) == 1);
  }

  {  // a report's scope holds only the households within it
    json township = county.report("levels", kOtherTownship);
    CHECK(reported(township, "", {"total"}) == 1);
    for (const auto& code : area_codes(township)) CHECK(code.rfind(kOtherTownship, 0) == 0);
    CHECK(township["scope_name"] == "花马池镇");
    json grid = county.report("cases", kGrid);
    std::set<std::string> within = {parts(kGrid, 2), parts(kGrid, 3), kGrid};
    CHECK(area_codes(grid) == within);
  }

  {  // as a table, and a report that does not exist

    auto table = county.run({"report", "--name", "levels"}, kToday);
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("红色") != std::string::npos);
    CHECK(table.out.find("大水坑村") != std::string::npos);
    auto english = county.run({"report", "--name", "cases", "--lang", "en"}, kToday);
    REQUIRE(english.exit_code == 0);
    CHECK(english.out.find("township_reviewed") != std::string::npos);
    auto unknown = county.run({"report", "--name", "levles"}, kToday);
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("--name 'levles'") != std::string::npos);
    auto bad_scope = county.run({"report", "--name", "levels", "--scope", "640323..1"}, kToday);
    CHECK(bad_scope.exit_code == 1);
    CHECK(bad_scope.err.find("640323..1") != std::string::npos);
  }
}

TEST_CASE("the register lists every case with its steps' dates, measures and departments") {
  ReportCounty county;
  Raw raw(county);
  const json listing = county.ok({"register", "--json"}, kToday);
  const json entries = listing["register"];
  std::set<std::string> open_or_closed;
  for (const auto& c : raw.cases)
    if (!c.contains("joined_to")) open_or_closed.insert(c["id"]);
  std::set<std::string> listed;
  for (const auto& entry : entries) {
    std::string id = entry["case"];
    CAPTURE(id);
    listed.insert(id);
    json shown = county.ok({"case", "show", id, "--json"}, kToday);
    CHECK(entry["household"] == shown["household"]);
    CHECK(entry["state"] == shown["state"]);
    CHECK(entry["type"] == shown["type"]);
    CHECK(entry["risk_factors"] == shown["risk_factors"]);
    CHECK(entry["grid"] == shown["grid"]);
    CHECK(entry["village_code"] == parts(shown["grid"], 3));
    CHECK(entry["township_code"] == parts(shown["grid"], 2));
    // Each step's date is the day its transition names; identified, the first warning's.
    std::map<std::string, std::string> dates;
    for (const auto& step : shown["history"])
      if (step["on"].is_string()) dates[step["to"]] = step["on"];
    std::string first;
    for (const auto& w : shown["warnings"])
      if (first.empty() || text(w["date"]) < first) first = w["date"];
    dates["identified"] = first;
    for (const std::string step : {"identified", "verified", "publicised", "township_reviewed",
                                   "approved", "assisting", "eliminated", "dismissed"}) {
      CAPTURE(step);
      if (dates.count(step))
        CHECK(entry["dates"][step] == dates[step]);
      else
        CHECK(entry["dates"][step].is_null());
    }
    json departments = json::array();
    for (const auto& m : shown["measures"]) departments.push_back(m["department"]);
    CHECK(entry["departments"] == departments);
    CHECK(entry["measures"].size() == shown["measures"].size());
  }
  CHECK(listed == open_or_closed);

  // The steps of the case eliminated this year, as the county took them.
  for (const auto& entry : entries)
    if (entry["case"] == county.case_of["eliminated_2026"]) {
      CHECK(entry["dates"] == json{{"identified", "2026-11-02"},
                                   {"verified", "2026-11-03"},
                                   {"publicised", "2026-11-03"},
                                   {"township_reviewed", "2026-11-09"},
                                   {"approved", "2026-11-09"},
                                   {"assisting", "2026-11-10"},
                                   {"eliminated", "2026-12-01"},
                                   {"dismissed", nullptr}});
      CHECK(entry["measures"][0]["kind"] == "参保补贴");
      CHECK(entry["head_name"] == kHeadName);
      CHECK(entry["village_name"] == "大水坑村");
    } else if (entry["case"] == county.case_of["dismissed"]) {
      CHECK(entry["dismissal_reason"] == "外出务工收入稳定");
      CHECK(entry["dates"]["dismissed"] == "2026-12-02");
    }

  // Filters: state, type, the day opened or entered, scope; each compared with the listing.
  auto ids_of = [&](const std::vector<std::string>& filter) {
    std::vector<std::string> args = {"register", "--json"};
    args.insert(args.end(), filter.begin(), filter.end());
    std::set<std::string> out;
    const json listed = county.ok(args, kToday);
    const json found = listed["register"];
    for (const auto& entry : found) out.insert(entry["case"]);
    return out;
  };
  auto cases_where = [&](const std::function<bool(const json&)>& keep) {
    std::set<std::string> out;
    for (const auto& c : raw.cases)
      if (!c.contains("joined_to") && keep(c)) out.insert(c["id"]);
    return out;
  };
  CHECK(ids_of({"--state", "dismissed"}) ==
        cases_where([](const json& c) { return c["state"] == "dismissed"; }));
  CHECK(ids_of({"--type", "sudden"}) == std::set<std::string>{county.case_of["assisting"]});
  CHECK(ids_of({"--from", "2026-12-01", "--to", "2026-12-31"}) == cases_where([](const json& c) {
          return text(c["opened"]) >= "2026-12-01" && text(c["opened"]) <= "2026-12-31";
        }));
  CHECK(ids_of({"--dates", "entered", "--from", "2026-12-01"}) ==
        cases_where([](const json& c) { return text(c["entered"]) >= "2026-12-01"; }));
  CHECK(ids_of({"--scope", kOtherTownship}) ==
        std::set<std::string>{county.case_of["other_township"]});
  CHECK(ids_of({"--dates", "opened", "--to", "2025-12-31"}) ==
        std::set<std::string>{county.case_of["eliminated_2025"]});

  // A filter value that selects nothing because it does not exist is an error naming it.
  for (const auto& [args, expect] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--state", "approvd"}, "--state 'approvd'"},
           {{"--type", "poor"}, "--type 'poor'"},
           {{"--from", "2026-13-01"}, "--from '2026-13-01'"},
           {{"--from", "2026-12-10", "--to", "2026-12-01"}, "before"},
           {{"--dates", "closed"}, "--dates 'closed'"},
           {{"--scope", "640323..1"}, "640323..1"}}) {
    std::vector<std::string> full = {"register"};
    full.insert(full.end(), args.begin(), args.end());
    auto result = county.run(full, kToday);
    CHECK(result.exit_code == 1);
    CHECK_MESSAGE(result.err.find(expect) != std::string::npos, result.err);
  }
}

TEST_CASE(
    "over HTTPS the reports and the register hold the device's scope, and bad asks are 4xx JSON") {
  ReportCounty county;
  // The server answers on the reports' day.
  int port = county.server->port();
  CHECK(county.server->stop(SIGTERM) == 0);
  setenv("DOORSTEP_TODAY", kToday, 1);
  county.server = std::make_unique<LiveServer>(
      county.data, std::vector<std::string>{"--monitor-every", "0"}, port);
  unsetenv("DOORSTEP_TODAY");

  // The township's device: its township's report, the same as the command line's.
  auto levels = county.request(county.township, "GET", "/v1/reports/levels");
  REQUIRE(levels.status == 200);
  CHECK(levels.json() == county.report("levels", kTownship));
  for (const auto& code : area_codes(levels.json())) CHECK(code.rfind(kTownship, 0) == 0);
  CHECK(reported(levels.json(), "", {"total"}) == 9);
  for (const std::string name : {"cases", "warnings", "overdue", "new_risk", "eliminated"}) {
    CAPTURE(name);
    auto reply = county.request(county.township, "GET", "/v1/reports/" + name);
    REQUIRE(reply.status == 200);
    CHECK(reply.json() == county.report(name, kTownship));
  }
  auto village =
      county.request(county.leader, "GET", std::string("/v1/reports/cases?scope=") + kGrid);
  REQUIRE(village.status == 200);
  CHECK(village.json() == county.report("cases", kGrid));

  // The register, paged, within the township.
  auto register_ids = [&](const Device& device, const std::string& query) {
    auto reply = county.request(device, "GET", "/v1/register" + query);
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    std::set<std::string> ids;
    const json body = reply.json();
    const json found = body["register"];
    for (const auto& entry : found) ids.insert(entry["case"]);
    return ids;
  };
  std::set<std::string> cli;
  const json listed = county.ok({"register", "--scope", kTownship, "--json"}, kToday);
  const json found = listed["register"];
  for (const auto& entry : found) cli.insert(entry["case"]);
  CHECK(register_ids(county.township, "") == cli);
  CHECK(cli.count(county.case_of["other_township"]) == 0);
  CHECK(
      register_ids(county.township, "?state=eliminated") ==
      std::set<std::string>{county.case_of["eliminated_2025"], county.case_of["eliminated_2026"]});
  auto page = county.request(county.township, "GET", "/v1/register?limit=2&offset=1");
  REQUIRE(page.status == 200);
  CHECK(page.json()["register"].size() == 2);
  CHECK(page.json()["total"] == cli.size());
  CHECK(page.json()["next_offset"] == 3);

  // Out of scope, a grid worker, an unknown report, bad parameters.
  auto error_of = [&](const Device& device, const std::string& target, int status,
                      const std::string& code) {
    CAPTURE(target);
    auto reply = county.request(device, "GET", target);
    CHECK(reply.status == status);
    CHECK(reply.json()["error"]["code"] == code);
    CHECK(reply.json()["error"]["message"].is_string());
  };
  error_of(county.township, std::string("/v1/reports/levels?scope=") + kOtherTownship, 403,
           "out_of_scope");
  error_of(county.leader, "/v1/register?scope=640323.101.201", 403, "out_of_scope");
  error_of(county.li_wei, "/v1/reports/levels", 403, "out_of_scope");
  error_of(county.li_wei, "/v1/register", 403, "out_of_scope");
  error_of(county.township, "/v1/reports/levls", 404, "not_found");
  error_of(county.township, "/v1/reports/levels?scope=640323..1", 400, "invalid_argument");
  error_of(county.township, "/v1/register?state=approvd", 400, "invalid_argument");
  error_of(county.township, "/v1/register?type=poor", 400, "invalid_argument");
  error_of(county.township, "/v1/register?from=2026-02-30", 400, "invalid_argument");
  error_of(county.township, "/v1/register?limit=0", 400, "invalid_argument");
}
