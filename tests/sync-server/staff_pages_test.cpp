// The dashboard's pages within a staff member's scope and role, over real HTTPS: a record
// outside the scope is 404 exactly as one that does not exist; actions are ops of the county
// record with the staff member as actor and author; the CSV download holds what is filtered.
#include <doctest/doctest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "core/rules/household_classifier.h"
#include "core/store/store.h"
#include "core/sync/county_authority.h"
#include "tests/sync-server/staff_web_helpers.h"
#include "tests/sync-server/table_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";           // township 101, 马兰's village
constexpr const char* kOtherTownship = "640323.100.200.01";  // another township

json red_answers() {
  return json::parse(read_file(source_dir() / "forms" / "examples" / "red-household.json"));
}

// Households made by the county itself before the server starts: a red one (with its case)
// in kGrid, a plain one in kOtherTownship.
struct CountyWithHouseholds : StaffCounty {
  std::string red, other, case_id;
  CountyWithHouseholds() {
    rules::use_form_classifier();
    auto county = sync::CountyAuthority::open(data);
    auto& store = county.store();
    red = store.add_household(kGrid, {{"head_name", "杨德明"}});
    json form = json::parse(read_file(source_dir() / "forms" / "household-monitoring.json"));
    store::VisitInput visit;
    visit.household_id = red;
    visit.form_id = form["settings"]["form_id"];
    visit.form_version = form["settings"]["version"];
    visit.answers = red_answers();
    store.record_visit(visit);
    other = store.add_household(kOtherTownship, {{"head_name", "马福"}});
    store::MonitoringFilter all;
    const json cases = store.cases(all)["cases"];
    REQUIRE(cases.size() == 1);
    case_id = cases[0]["id"];
  }
  json history(const std::string& household) {
    auto county = sync::CountyAuthority::open(data);
    return county.store().history(household, "");
  }
  json case_detail() {
    auto county = sync::CountyAuthority::open(data);
    return county.store().case_detail(case_id);
  }
};

}  // namespace

TEST_CASE("a township officer opening another township's household by URL gets the unknown's 404") {
  CountyWithHouseholds county;
  county.serve();
  StaffBrowser township(county);
  township.log_in("李强");
  CHECK(township.get("/households/" + county.red).status == 200);
  auto other = township.get("/households/" + county.other);
  auto unknown = township.get("/households/ffffffffffffffff");
  CHECK(other.status == 404);
  CHECK(unknown.status == 404);
  // The same page but for the path asked for (in the language switch's link).
  auto without = [](std::string page, const std::string& id) {
    for (size_t at; (at = page.find(id)) != std::string::npos;) page.erase(at, id.size());
    return page;
  };
  CHECK(without(other.body, county.other) == without(unknown.body, "ffffffffffffffff"));
  CHECK(other.body.find("马福") == std::string::npos);
  // Nor through the list, an area, or a case of it.
  auto list = township.get("/households");
  CHECK(list.body.find(county.red) != std::string::npos);
  CHECK(list.body.find(county.other) == std::string::npos);
  CHECK(township.get("/households?area=640323.100").status == 404);
  CHECK(township.get("/?area=640323.100").status == 404);
  CHECK(township.get("/households.csv").body.find(county.other) == std::string::npos);
  // The county officer sees both.
  StaffBrowser county_officer(county);
  county_officer.log_in("王芳");
  CHECK(county_officer.get("/households/" + county.other).status == 200);
  // A village officer of the red household's village sees its case; a village officer
  // elsewhere does not.
  county.add_staff("周平", "village", "640323.101.201");
  StaffBrowser elsewhere(county);
  elsewhere.log_in("周平");
  CHECK(elsewhere.get("/cases/" + county.case_id).status == 404);
  CHECK(without(elsewhere.get("/cases/" + county.case_id).body, county.case_id) ==
        without(elsewhere.get("/cases/ffffffffffffffff-0000000000000000").body,
                "ffffffffffffffff-0000000000000000"));
  CHECK(elsewhere.get("/imports").status == 404);  // a county page
}

TEST_CASE("a staff case transition is an op with the staff member as actor, role and author") {
  CountyWithHouseholds county;
  county.serve();
  StaffBrowser village(county);
  village.log_in("马兰");
  auto page = village.get("/cases/" + county.case_id);
  REQUIRE(page.status == 200);
  std::string token = csrf_in(page.body);
  // The village may dismiss an identified case (with a reason); approving is not offered, and
  // asked for anyway it is refused as a step the lifecycle does not have.
  CHECK(page.body.find("value=\"dismissed\"") != std::string::npos);
  CHECK(page.body.find("value=\"approved\"") == std::string::npos);
  auto refused = village.post("/cases/" + county.case_id + "/advance",
                              {{"csrf", token}, {"to", "approved"}, {"type", "unstable"}});
  CHECK(refused.status == 409);
  auto no_reason =
      village.post("/cases/" + county.case_id + "/advance", {{"csrf", token}, {"to", "dismissed"}});
  CHECK(no_reason.status == 409);
  CHECK(county.case_detail()["state"] == "identified");
  auto dismissed = village.post("/cases/" + county.case_id + "/advance",
                                {{"csrf", token}, {"to", "dismissed"}, {"reason", "查实收入达标"}});
  CHECK(dismissed.status == 303);
  CHECK(dismissed.header("location") == "/cases/" + county.case_id + "?msg=advanced");
  json detail = county.case_detail();
  CHECK(detail["state"] == "dismissed");
  const json& step = detail["history"].back();
  CHECK(step["actor"] == "马兰");
  CHECK(step["role"] == "village-leader");
  CHECK(step["reason"] == "查实收入达标");
  CHECK(step["author"] == "马兰");  // the change's author; the county replica signed it
  bool seen = false;
  const json history = county.history(county.red);
  for (const auto& op : history)
    if (op["field"] == "state" && op["value"].value("state", "") == "dismissed") {
      CHECK(op["author"] == "马兰");
      seen = true;
    }
  CHECK(seen);
}

TEST_CASE("the CSV download holds the filtered households of the scope, for Excel") {
  CountyWithHouseholds county;
  county.serve();
  StaffBrowser officer(county);
  officer.log_in("王芳");
  auto red = officer.get("/households.csv?level=red");
  CHECK(red.status == 200);
  CHECK(red.header("content-type") == "text/csv; charset=utf-8");
  CHECK(red.header("content-disposition").find("attachment") != std::string::npos);
  CHECK(red.body.rfind("\xEF\xBB\xBF"
                       "household_id,head_name,",
                       0) == 0);
  CHECK(red.body.find(county.red) != std::string::npos);
  CHECK(red.body.find(county.other) == std::string::npos);
  auto all = officer.get("/households.csv");
  CHECK(all.body.find(county.other) != std::string::npos);
  auto bad = officer.get("/households?level=purple");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("purple") != std::string::npos);
}

TEST_CASE("the XLSX download holds the filtered households of the scope as a workbook") {
  CountyWithHouseholds county;
  county.serve();
  StaffBrowser officer(county);
  officer.log_in("王芳");
  auto red = officer.get("/households.xlsx?level=red");
  CHECK(red.status == 200);
  CHECK(red.header("content-type") ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(red.header("content-disposition").find("attachment; filename=\"households-640323-") == 0);
  CHECK(red.header("content-disposition").find(".xlsx\"") != std::string::npos);
  CHECK(red.body.rfind("PK\x03\x04", 0) == 0);  // a ZIP archive, as every XLSX is
  CHECK(red.body.find("xl/worksheets/sheet1.xml") != std::string::npos);
  // The rows themselves are compressed: read them as a spreadsheet would (table_helpers.h).
  auto cells = [&](const std::string& body) {
    auto file = county.dir / ("download-" + std::to_string(county.files++) + ".xlsx");
    write_file(file, body);
    return read_xlsx(file)["worksheets"][0]["rows"].dump();
  };
  std::string sheet = cells(red.body);
  CHECK(sheet.find(county.red) != std::string::npos);
  CHECK(sheet.find(county.other) == std::string::npos);
  CHECK(sheet.find(json("农户编号").dump()) != std::string::npos);  // the Chinese header by default
  CHECK(cells(officer.get("/households.xlsx").body).find(county.other) != std::string::npos);
  CHECK(cells(officer.get("/households.xlsx?lang=en").body).find("household_id") !=
        std::string::npos);
  // A township officer's download has no household of another township, whatever is asked.
  StaffBrowser township(county);
  township.log_in("李强");
  std::string own = cells(township.get("/households.xlsx").body);
  CHECK(own.find(county.red) != std::string::npos);
  CHECK(own.find(county.other) == std::string::npos);
  CHECK(township.get("/households.xlsx?area=640323.100").status == 404);
  // A bad filter is refused as the list and the CSV refuse it, naming the value.
  for (const char* path : {"/households.xlsx?order=sideways", "/households.csv?order=sideways"}) {
    auto bad = officer.get(path);
    CHECK(bad.status == 400);
    CHECK(bad.body.find("sideways") != std::string::npos);
  }
  // The list offers both downloads of its filter.
  auto list = officer.get("/households?level=red");
  CHECK(list.body.find("href=\"/households.xlsx?level=red\"") != std::string::npos);
  CHECK(list.body.find("href=\"/households.csv?level=red\"") != std::string::npos);
}

namespace {

// DOORSTEP_TODAY for this process and the servers it starts, while it lives.
struct PinnedToday {
  explicit PinnedToday(const char* date) { setenv("DOORSTEP_TODAY", date, 1); }
  ~PinnedToday() { unsetenv("DOORSTEP_TODAY"); }
  PinnedToday(const PinnedToday&) = delete;
  PinnedToday& operator=(const PinnedToday&) = delete;
};

// The number shown in the overview's summary tile whose link is `href`.
std::string stat_value(const std::string& page, const std::string& href) {
  std::smatch match;
  std::regex tile("<a class=\"stat[^\"]*\" href=\"" + href +
                  "\"><span class=\"value\">([0-9]+)</span>");
  return std::regex_search(page, match, tile) ? match[1].str() : "none";
}

}  // namespace

TEST_CASE("the overview counts the overdue visits per area and links to those households") {
  CountyWithHouseholds county;
  // The day after the red household's visit (2026-11-20) nothing is overdue yet.
  {
    PinnedToday next_day("2026-11-21");
    county.serve();
    StaffBrowser officer(county);
    officer.log_in("王芳");
    auto page = officer.get("/");
    CHECK(stat_value(page.body, "/households\\?visit_overdue=1&amp;area=640323") == "0");
    county.server.reset();
  }
  // In March its visit and phone check-in are past due, as `doorstep-server overdue` says.
  PinnedToday march("2027-03-01");
  json listed = json::parse(county.run({"overdue", "--json"}));
  int64_t expected = 0, in_county = 0;
  for (const auto& area : listed["by_area"]) {
    int64_t n = area["visit"].get<int64_t>() + area["checkin"].get<int64_t>();
    if (area["code"] == "640323.101") expected = n;
    if (area["level"] == "township") in_county += n;
  }
  REQUIRE(expected >= 1);
  REQUIRE(in_county > expected);  // the other township's household too
  county.serve();
  StaffBrowser officer(county);
  officer.log_in("王芳");
  auto page = officer.get("/");
  CHECK(page.status == 200);
  CHECK(page.body.find("超期走访（按区域）") != std::string::npos);
  // The demo county's divisions carry their Chinese names, in both languages (they have no
  // English one).
  CHECK(page.body.find(">大水坑镇</a>") != std::string::npos);
  CHECK(officer.get("/?lang=en").body.find(">大水坑镇</a>") != std::string::npos);
  CHECK(officer.get("/?lang=zh").status == 200);
  std::regex township_row(
      "<a href=\"/households\\?visit_overdue=1&amp;area=640323\\.101\">[^<]*</a> "
      "<span class=\"code\">640323\\.101</span></th>"
      "<td[^>]* class=\"num alert\">([0-9]+)</td><td[^>]* class=\"num[^\"]*\">([0-9]+)</td>");
  std::smatch row;
  REQUIRE(std::regex_search(page.body, row, township_row));
  CHECK(std::stoll(row[1].str()) + std::stoll(row[2].str()) == expected);
  CHECK(stat_value(page.body, "/households\\?visit_overdue=1&amp;area=640323") ==
        std::to_string(in_county));
  // The link lists the households with a visit overdue, within the scope.
  auto list = officer.get("/households?visit_overdue=1&area=640323.101");
  CHECK(list.status == 200);
  CHECK(list.body.find(county.red) != std::string::npos);
  CHECK(list.body.find(county.other) == std::string::npos);
  CHECK(officer.get("/households?visit_overdue=maybe").status == 400);
  // A township officer's overview counts their township only; another's is not theirs.
  StaffBrowser township(county);
  township.log_in("李强");
  auto own = township.get("/");
  CHECK(own.body.find("area=640323.100") == std::string::npos);
  CHECK(stat_value(own.body, "/households\\?visit_overdue=1&amp;area=640323\\.101") ==
        std::to_string(expected));
  // A malformed area is refused as bad input, naming it, before any scope check.
  auto bad = township.get("/?area=640323..101");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("640323..101") != std::string::npos);
}

TEST_CASE("the devices page shows a device's last sync, a pull alone counting as one") {
  StaffCounty county;
  county.serve();
  auto phone = county.dir / "li-wei.db";
  store::InitOptions options;
  options.name = "li-wei";
  options.role = "grid-worker";
  options.scope = kGrid;
  store::Store::create(phone, options);
  auto enrolled = run_cli({"enroll", "--db", phone.string(), "--server", county.server->url(),
                           "--token", create_token(county.data, "grid-worker", kGrid),
                           "--fingerprint", county.server->fingerprint(), "--json"});
  REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  StaffBrowser officer(county);
  officer.log_in("王芳");
  // The cells of li-wei's row: last push received, then last sync.
  auto cells = [&]() {
    auto page = officer.get("/devices?lang=en");
    REQUIRE(page.status == 200);
    CHECK(page.body.find("Last sync (push or pull)") != std::string::npos);
    std::regex row(
        "li-wei<div class=\"sub "
        "code\">[0-9a-f]+</div></td>(?:<td[^>]*>[^<]*</td>){3}<td[^>]*>([^<]*)</td>"
        "<td[^>]* class=\"last-sync\">([^<]*)</td>");
    std::smatch match;
    REQUIRE(std::regex_search(page.body, match, row));
    return std::make_pair(match[1].str(), match[2].str());
  };
  auto before = cells();
  CHECK(before.second.empty());  // enrolled, never synced
  // A sync with nothing to push is a pull alone: no push is received, yet the device synced.
  auto synced = run_cli({"sync", "--db", phone.string(), "--json"});
  REQUIRE_MESSAGE(synced.exit_code == 0, synced.err);
  CHECK(json::parse(synced.out)["pushed"] == 0);
  auto after = cells();
  CHECK(after.first.empty());
  CHECK(
      std::regex_match(after.second, std::regex("20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")));
}

TEST_CASE("enrollment tokens are made within scope and role, shown as text and QR code") {
  CountyWithHouseholds county;
  county.serve();
  StaffBrowser township(county);
  township.log_in("李强");
  std::string token = township.csrf();
  auto made = township.post(
      "/devices/tokens",
      {{"csrf", token}, {"role", "grid-worker"}, {"scope", kGrid}, {"expires", "24h"}});
  CHECK(made.status == 201);
  std::smatch match;
  REQUIRE(std::regex_search(made.body, match,
                            std::regex("id=\"token\">([0-9A-Z]{4}(-[0-9A-Z]{4}){5})<")));
  CHECK(made.body.find("<svg class=\"qr\"") != std::string::npos);
  // The token works once for a device.
  auto phone = county.dir / "phone.db";
  REQUIRE(run_cli({"init", "--db", phone.string(), "--name", "Li Wei", "--role", "grid-worker",
                   "--scope", kGrid})
              .exit_code == 0);
  auto enrolled =
      run_cli({"enroll", "--db", phone.string(), "--server", county.server->url(), "--token",
               match[1].str(), "--fingerprint", county.server->fingerprint()});
  INFO(enrolled.err);
  CHECK(enrolled.exit_code == 0);
  // Outside the scope, or a role above the officer's, is refused.
  CHECK(township
            .post("/devices/tokens",
                  {{"csrf", token}, {"role", "grid-worker"}, {"scope", kOtherTownship}})
            .status == 404);
  CHECK(township.post("/devices/tokens", {{"csrf", token}, {"role", "county"}, {"scope", kGrid}})
            .status == 400);
  StaffBrowser village(county);
  village.log_in("马兰");
  CHECK(village
            .post("/devices/tokens",
                  {{"csrf", village.csrf()}, {"role", "grid-worker"}, {"scope", kGrid}})
            .status == 403);
  // The device is listed, and revoking it takes effect at once.
  auto devices = township.get("/devices");
  CHECK(devices.body.find("Li Wei") != std::string::npos);
  auto phone_device = [&] {
    const json listed = json::parse(county.run({"device", "list", "--json"}));
    for (const auto& entry : listed)
      if (entry["name"] == "Li Wei") return entry;
    FAIL("the phone is not listed");
    return json();
  };
  std::string device = phone_device()["id"];
  CHECK(village.post("/devices/" + device + "/revoke", {{"csrf", village.csrf()}}).status == 403);
  auto revoked = township.post("/devices/" + device + "/revoke", {{"csrf", token}});
  CHECK(revoked.status == 303);
  CHECK_FALSE(phone_device()["revoked"].is_null());
  // The county's own replica is never revoked from the dashboard.
  const json all = json::parse(county.run({"device", "list", "--json"}));
  for (const auto& entry : all)
    if (entry["role"] == "county") {
      StaffBrowser officer(county);
      officer.log_in("王芳");
      CHECK(officer
                .post("/devices/" + entry["id"].get<std::string>() + "/revoke",
                      {{"csrf", officer.csrf()}})
                .status == 403);
      CHECK(entry["revoked"].is_null());
    }
  const json after = json::parse(county.run({"device", "list", "--json"}));
  for (const auto& entry : after)
    if (entry["role"] == "county") CHECK(entry["revoked"].is_null());
  auto sync = run_cli({"sync", "--db", phone.string()});
  CHECK(sync.exit_code != 0);

  // What was done is listed with who did it, within the viewer's scope only: a token the
  // county officer makes for another township is not in the township officer's list.
  StaffBrowser county_officer(county);
  county_officer.log_in("王芳");
  CHECK(county_officer
            .post("/devices/tokens", {{"csrf", county_officer.csrf()},
                                      {"role", "grid-worker"},
                                      {"scope", kOtherTownship}})
            .status == 201);
  auto listed = township.get("/devices").body;
  auto section = listed.find("最近的设备操作");
  REQUIRE(section != std::string::npos);
  std::string actions = listed.substr(section);
  CHECK(actions.find("新建登记码") != std::string::npos);
  CHECK(actions.find("吊销设备") != std::string::npos);
  CHECK(actions.find("Li Wei · " + device) != std::string::npos);
  CHECK(actions.find("李强") != std::string::npos);
  CHECK(actions.find("王芳") == std::string::npos);
  CHECK(actions.find(kOtherTownship) == std::string::npos);
  auto everything = county_officer.get("/devices?lang=en").body;
  section = everything.find("Recent device actions");
  REQUIRE(section != std::string::npos);
  CHECK(everything.find("王芳", section) != std::string::npos);
  CHECK(everything.find(std::string(kOtherTownship) + ")", section) != std::string::npos);
}

TEST_CASE("every page answers without a server error for every role, in both languages") {
  CountyWithHouseholds county;
  auto file = county.dir / "medical.csv";
  write_file(file, "姓名,身份证号,参保状态,个人自付金额\n杨德明,640323196201051734,是,18000\n");
  county.run({"import", "--source", "medical-insurance", "--file", file.string()});
  county.serve();
  std::vector<std::string> pages = {"/",
                                    "/?area=640323.101",
                                    "/?area=640323.101.200",
                                    "/?area=640323.101.200.01",
                                    "/households",
                                    "/households?level=red&sort=name&order=desc",
                                    "/households?state=open&overdue=1&conflicts=0&q=640323",
                                    "/households?visit_overdue=1&area=640323.101",
                                    "/households/" + county.red,
                                    "/households.csv?level=red",
                                    "/cases",
                                    "/cases?state=identified",
                                    "/cases?state=dismissed&area=640323.101.200",
                                    "/cases/" + county.case_id,
                                    "/publicity?village=640323.101.200",
                                    "/tasks",
                                    "/tasks?kind=verify&overdue=1",
                                    "/warnings",
                                    "/warnings?source=department&status=closed",
                                    "/devices",
                                    "/imports",
                                    "/imports/1",
                                    "/password"};
  for (const char* name : {"王芳", "李强", "马兰"}) {
    StaffBrowser browser(county);
    browser.log_in(name);
    for (const auto& page : pages)
      for (const char* lang : {"", "lang=en"}) {
        std::string path = page;
        if (*lang) path += (page.find('?') == std::string::npos ? "?" : "&") + std::string(lang);
        auto answer = browser.get(path);
        CAPTURE(name);
        CAPTURE(path);
        CHECK(answer.status < 500);
        CHECK(answer.body.size() < 200 * 1024);
      }
  }
  CHECK(county.server->log().find("dashboard_failed") == std::string::npos);
}
