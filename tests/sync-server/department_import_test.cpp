// `doorstep-server import`: department data matched by ID number against a real county store,
// through the real command; the awkward rows of real department files; and a medical-cost row
// that reaches a grid worker's phone as a verify task over a real served county.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/crypto/hash.h"
#include "core/forms/chinese_id.h"
#include "core/rules/household_classifier.h"
#include "core/store/store.h"
#include "core/sync/county_authority.h"
#include "county/department_file.h"
#include "county/department_import.h"
#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid1 = "640323.101.200.01";
constexpr const char* kGrid2 = "640323.101.200.02";
constexpr const char* kToday = "2026-12-01";

std::string id18(const std::string& first17) {
  return first17 + forms::resident_id_check_char(first17);
}

// A number whose check character is X, born 1980-01-01.
std::string number_with_x() {
  for (int sequence = 100; sequence < 1000; ++sequence) {
    std::string first17 = "64032319800101" + std::to_string(sequence);
    if (forms::resident_id_check_char(first17) == 'X') return first17 + "X";
  }
  FAIL("no sequence gives X");
  return "";
}

// The first-generation form of an 18-character number born in the 1900s.
std::string legacy15(const std::string& number) {
  return number.substr(0, 6) + number.substr(8, 9);
}

const std::string kHead = id18("64032319620105173");     // 杨德明, 64 on kToday
const std::string kChild = id18("64032320141122186");    // 杨小花, 12
const std::string kTeen = id18("64032320090301197");     // 杨小龙, 17
const std::string kElder = id18("64032319550607123");    // recorded with the 15-digit number
const std::string kTwin = id18("64032319900101002");     // recorded on two members
const std::string kUnknown = id18("64032319851231004");  // on no member
const std::string kUnknown2 = id18("64032319851231012");
const std::string kWithX = number_with_x();  // recorded with a lowercase x

std::string lowercase_x(std::string number) {
  if (number.back() == 'X') number.back() = 'x';
  return number;
}

std::string wrong_check(const std::string& number) {
  std::string out = number;
  out.back() = out.back() == '1' ? '2' : '1';
  return out;
}

// The demo county 640323 with two households, DOORSTEP_TODAY fixed for age and end dates:
//  H1 at kGrid1: 杨德明 (kHead, no disability), 杨小花 (kChild, a partial disability
//    recorded), 杨小龙 (kTeen), 双胞甲 (kTwin); housing B, no minimum living allowance;
//  H2 at kGrid2: 马老汉 (kElder as 15 digits), 王芳 (kWithX, lowercase x), 双胞乙 (kTwin);
//    receives the minimum living allowance (纳入低保).
struct County {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::string h1, h2;
  std::map<std::string, std::string> member;  // ID number -> member id

  County() {
    setenv("DOORSTEP_TODAY", kToday, 1);
    init_demo_county(data);
    rules::use_form_classifier();
    auto county = sync::CountyAuthority::open(data);
    store::Store& store = county.store();
    h1 = store.add_household(
        kGrid1,
        {{"head_name", "杨德明"},
         {"housing_grade", "B"},
         {"assistance_measures", "health"},
         {"members",
          json::array({{{"name", "杨德明"}, {"id_number", kHead}, {"disability", "none"}},
                       {{"name", "杨小花"}, {"id_number", kChild}, {"disability", "partial"}},
                       {{"name", "杨小龙"}, {"id_number", kTeen}},
                       {{"name", "双胞甲"}, {"id_number", kTwin}}})}});
    h2 = store.add_household(
        kGrid2, {{"head_name", "马老汉"},
                 {"assistance_measures", "minimum_living housing"},
                 {"members", json::array({{{"name", "马老汉"}, {"id_number", legacy15(kElder)}},
                                          {{"name", "王芳"}, {"id_number", lowercase_x(kWithX)}},
                                          {{"name", "双胞乙"}, {"id_number", kTwin}}})}});
    for (const auto& household : {h1, h2}) {
      json shown = store.household(household);
      for (const auto& m : shown["members"]) {
        forms::ResidentIdCheck check =
            forms::normalize_resident_id(m["fields"]["id_number"].get<std::string>());
        member[check.normalized + (member.count(check.normalized) ? "#2" : "")] = m["id"];
      }
    }
  }

  std::filesystem::path file(const std::string& name, const std::string& content) const {
    auto path = dir / name;
    write_file(path, content);
    return path;
  }

  ProcessResult import(const std::filesystem::path& file, const std::string& source,
                       const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"import", "--data", data.string(), "--source",
                                     source,   "--file", file.string(), "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_process(server_path(), args);
  }

  json import_ok(const std::filesystem::path& file, const std::string& source,
                 const std::vector<std::string>& extra = {}) const {
    auto result = import(file, source, extra);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return json::parse(result.out);
  }

  json imports() const {
    auto listed = run_process(server_path(), {"imports", "--data", data.string(), "--json"});
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
    return json::parse(listed.out)["imports"];
  }

  json warnings() const {
    auto county = sync::CountyAuthority::open(data);
    store::MonitoringFilter all;
    all.all = true;
    return county.store().warnings(all)["warnings"];
  }

  json tasks() const {
    auto county = sync::CountyAuthority::open(data);
    store::MonitoringFilter all;
    all.all = true;
    return county.store().tasks(all)["tasks"];
  }
};

std::map<int, std::string> invalid_lines(const json& report) {
  std::map<int, std::string> out;
  for (const auto& row : report["invalid"]) out[row["line"].get<int>()] = row["reason"];
  return out;
}

std::vector<int> lines_of(const json& list) {
  std::vector<int> out;
  for (const auto& item : list)
    out.push_back(item.is_object() ? item["line"].get<int>() : item.get<int>());
  return out;
}

// The lines of a CSV file, each ended by `end`.
std::string csv_text(const std::vector<std::string>& lines, const std::string& end = "\n") {
  std::string text;
  for (const auto& line : lines) text += line + end;
  return text;
}

// The awkward medical-insurance file: every kind of row, with the line each one is on.
std::string awkward_medical_file() {
  const std::string full_width_child =  // an ideographic space, a full-width 6, a space
      "\xE3\x80\x80\xEF\xBC\x96" + kChild.substr(1, 5) + " " + kChild.substr(6);
  const std::vector<std::string> lines = {
      "姓名,身份证号,参保状态,个人自付金额,备注",              // 1: the header
      "杨德明," + kHead + ",是,12000,大病住院",                // 2: matched, 12000 yuan
      "",                                                      // 3: blank
      "马老汉," + kElder + ",是,300,",                         // 4: recorded with 15 digits
      "王芳," + lowercase_x(kWithX) + ",是,0,",                // 5: lowercase x on both sides
      "错号," + wrong_check(kHead) + ",是,100,",               // 6: invalid check character
      "双胞," + kTwin + ",是,100,",                            // 7: ambiguous
      "查无," + kUnknown + ",是,100,",                         // 8: unmatched
      ",,,,",                                                  // 9: blank
      "杨小花," + full_width_child + ",否,,",                  // 10: matched, uninsured
      "杨小龙," + kTeen + ",也许,100,",                        // 11: invalid value
      "\"杨\n德明\"," + legacy15(kHead) + ",是,500,\"两行\"",  // 12-13: 15 digits
      "李四," + kUnknown2 + ",是,100,",                        // 14: unmatched
  };
  return csv_text(lines);
}

}  // namespace

TEST_CASE("each row of a department file lands in its bucket with its line number") {
  County county;
  auto path = county.file("medical.csv", awkward_medical_file());
  json report = county.import_ok(path, "medical-insurance");
  CHECK(report["rows"] == 10);
  CHECK(report["matched"] == 5);
  CHECK(report["unmatched"] == 2);
  CHECK(report["ambiguous"] == 1);
  auto invalid = invalid_lines(report);
  REQUIRE(invalid.size() == 2);
  CHECK(invalid[6].find("wrong check character") != std::string::npos);
  CHECK(invalid[6].find("身份证号") != std::string::npos);
  CHECK(invalid[11].find("参保状态/insured '也许'") != std::string::npos);
  CHECK(lines_of(report["unmatched_lines"]) == std::vector<int>{8, 14});
  REQUIRE(report["ambiguous_rows"].size() == 1);
  CHECK(report["ambiguous_rows"][0]["line"] == 7);
  std::set<std::string> twins(report["ambiguous_rows"][0]["members"].begin(),
                              report["ambiguous_rows"][0]["members"].end());
  CHECK(twins == std::set<std::string>{county.member[kTwin], county.member[kTwin + "#2"]});
  // Lines 2 (12000 yuan) and 10 (uninsured) call for warnings; 4, 5 and 12 do not.
  CHECK(lines_of(report["warnings"]) == std::vector<int>{2, 10});
  CHECK(report["warnings"][0]["rules"] == json::array({"department.medical_cost"}));
  CHECK(report["warnings"][0]["level"] == "yellow");
  CHECK(report["warnings"][0]["member"] == county.member[kHead]);
  CHECK(report["warnings"][1]["rules"] == json::array({"department.uninsured"}));
  CHECK(report["warnings"][1]["level"] == "red");
  CHECK(report["warnings_created"] == 2);
  CHECK(report["tasks_created"] == 2);
  CHECK(report["encoding"] == "utf-8");

  json warnings = county.warnings();
  REQUIRE(warnings.size() == 2);
  for (const auto& warning : warnings) {
    CHECK(warning["source"] == "department");
    CHECK(warning["household"] == county.h1);
  }
  bool found = false;
  for (const auto& task : county.tasks())
    if (task["prefill"].is_object() && task["prefill"].contains("expense_medical")) {
      found = true;
      CHECK(task["kind"] == "verify");
      CHECK(task["assignee"] == kGrid1);
      CHECK(task["prefill"]["expense_medical"] == 12000);
      CHECK(task["prefill"]["members"] ==
            json::array({{{"member_id", county.member[kHead]}, {"medical_insured", "yes"}}}));
      CHECK(task["values"]["out_of_pocket"] == 12000);
      CHECK(task["values"]["id_number"] == kHead);
      CHECK(task["values"]["line"] == 2);
    }
  CHECK(found);

  SUBCASE("the same file again raises nothing new; a changed row raises one warning") {
    json again = county.import_ok(path, "medical-insurance");
    CHECK(again["matched"] == 5);
    CHECK(again["risky"] == 2);
    CHECK(again["warnings_created"] == 0);
    CHECK(again["tasks_created"] == 0);
    CHECK(again["warnings"][0]["warning"] == report["warnings"][0]["warning"]);
    CHECK(county.warnings().size() == 2);

    std::string changed = awkward_medical_file();
    const std::string cost = ",是,12000,";
    changed.replace(changed.find(cost), cost.size(), ",是,15000,");
    json third = county.import_ok(county.file("medical-changed.csv", changed), "medical-insurance");
    CHECK(third["warnings_created"] == 1);
    CHECK(third["tasks_created"] == 1);
    CHECK(county.warnings().size() == 3);

    json imports = county.imports();
    REQUIRE(imports.size() == 3);
    CHECK(imports[0]["file"] == "medical-changed.csv");  // newest first
    CHECK(imports[2]["counts"]["warnings_created"] == 2);
    CHECK(imports[1]["counts"]["warnings_created"] == 0);
  }
}

TEST_CASE("every import is recorded: who, when, the file's SHA-256, the source and the report") {
  County county;
  std::string content = awkward_medical_file();
  auto path = county.file("医保2026年11月.csv", content);
  json report = county.import_ok(path, "medical-insurance", {"--actor", "县乡村振兴局 李明"});
  REQUIRE(report["import"].is_number());
  json imports = county.imports();
  REQUIRE(imports.size() == 1);
  const json& record = imports[0];
  CHECK(record["id"] == report["import"]);
  CHECK(record["status"] == "done");
  CHECK(record["actor"] == "县乡村振兴局 李明");
  CHECK(record["source"] == "medical-insurance");
  CHECK(record["file"] == "医保2026年11月.csv");
  CHECK(record["sha256"] == crypto::to_hex(crypto::sha256(content)));
  CHECK(record["bytes"] == content.size());
  CHECK(record["counts"] == json{{"rows", 10},
                                 {"matched", 5},
                                 {"unmatched", 2},
                                 {"ambiguous", 1},
                                 {"invalid", 2},
                                 {"warnings_created", 2},
                                 {"tasks_created", 2}});
  CHECK(record["started_at"].get<std::string>().size() >= 20);
  CHECK(record["finished_at"].is_string());

  auto shown = run_process(server_path(), {"import", "show", "--data", county.data.string(),
                                           std::to_string(report["import"].get<int>()), "--json"});
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  json detail = json::parse(shown.out);
  CHECK(detail["report"] == report);

  auto missing = run_process(server_path(),
                             {"import", "show", "--data", county.data.string(), "99", "--json"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("no import 99") != std::string::npos);
  auto human = run_process(server_path(), {"imports", "--data", county.data.string()});
  CHECK(human.exit_code == 0);
  CHECK(human.out.find("medical-insurance") != std::string::npos);
}

TEST_CASE("a dry run matches and reports but writes no warning and no record") {
  County county;
  json report = county.import_ok(county.file("medical.csv", awkward_medical_file()),
                                 "medical-insurance", {"--dry-run"});
  CHECK(report["dry_run"] == true);
  CHECK(report["import"].is_null());
  CHECK(report["matched"] == 5);
  CHECK(report["risky"] == 2);
  CHECK(report["warnings_created"] == 0);
  CHECK(report["tasks_created"] == 0);
  CHECK(county.warnings().empty());
  CHECK(county.imports().empty());
}

TEST_CASE("a GBK file and a file with a byte order mark are read as their text") {
  County county;
  std::string text =
      csv_text({"姓名,身份证号,参保状态,个人自付金额", "杨德明," + kHead + ",是,12000",
                "查无此人," + kUnknown + ",否,20000"},
               "\r\n");
  SUBCASE("GBK, as Excel on a Chinese Windows saves CSV") {
    auto gbk = run_process("/usr/bin/iconv", {"-f", "UTF-8", "-t", "GBK"}, text);
    REQUIRE_MESSAGE(gbk.exit_code == 0, gbk.err);
    REQUIRE(gbk.out != text);
    auto path = county.file("gbk.csv", gbk.out);
    auto unmatched = county.dir / "unmatched.csv";
    json report =
        county.import_ok(path, "medical-insurance", {"--unmatched-out", unmatched.string()});
    CHECK(report["encoding"] == "gbk");
    CHECK(report["rows"] == 2);
    CHECK(report["matched"] == 1);
    CHECK(report["unmatched"] == 1);
    CHECK(report["warnings_created"] == 1);
    CHECK(report["sha256"] == crypto::to_hex(crypto::sha256(gbk.out)));
    // The unmatched rows, for the department: UTF-8 with a BOM, the header and line 3.
    CHECK(read_file(unmatched) ==
          "\xEF\xBB\xBF" + csv_text({"行号,姓名,身份证号,参保状态,个人自付金额",
                                     "3,查无此人," + kUnknown + ",否,20000"},
                                    "\r\n"));
  }
  SUBCASE("UTF-8 with a byte order mark") {
    json report =
        county.import_ok(county.file("bom.csv", "\xEF\xBB\xBF" + text), "medical-insurance");
    CHECK(report["encoding"] == "utf-8-bom");
    CHECK(report["matched"] == 1);
    CHECK(report["warnings_created"] == 1);
  }
  SUBCASE("neither UTF-8 nor GBK: refused, naming the offset") {
    auto result = county.import(county.file("binary.csv", "姓名,身份证号\n\xFF\xFE\xFF\n"),
                                "medical-insurance");
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("neither UTF-8") != std::string::npos);
    CHECK(result.err.find("offset 20") != std::string::npos);
    CHECK(county.imports().empty());
  }
}

TEST_CASE("a missing column is an error naming it; extra columns are ignored; a mapping renames") {
  County county;
  SUBCASE("a required column missing: exit 1, nothing written") {
    auto file =
        county.file("no-cost.csv", csv_text({"姓名,身份证号,参保状态", "杨德明," + kHead + ",否"}));
    auto result = county.import(file, "medical-insurance");
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("个人自付金额") != std::string::npos);
    CHECK(result.err.find("out_of_pocket") != std::string::npos);
    CHECK(result.err.find("no-cost.csv:1") != std::string::npos);
    CHECK(county.imports().empty());
    CHECK(county.warnings().empty());
  }
  SUBCASE("English headers, extra columns, units in brackets") {
    auto file = county.file("english.csv",
                            csv_text({"No.,Name,ID_Number,insured,out_of_pocket (yuan),hospital",
                                      "1,Yang Deming," + kHead + ",yes,12000,Yanchi People's"}));
    json report = county.import_ok(file, "medical-insurance");
    CHECK(report["matched"] == 1);
    CHECK(report["warnings_created"] == 1);
  }
  SUBCASE("a mapping file renames the department's own headers") {
    auto mapping =
        county.file("mapping.json",
                    R"({"columns": {"证件号": "id_number", "自付费用（元）": "out_of_pocket"}})");
    auto file = county.file("own.csv", csv_text({"姓名,证件号,参保状态,自付费用（元）",
                                                 "杨德明," + kHead + ",是,12000"}));
    json report = county.import_ok(file, "medical-insurance", {"--mapping", mapping.string()});
    CHECK(report["matched"] == 1);
    CHECK(report["warnings_created"] == 1);
    auto bad = county.file("bad-mapping.json", R"({"columns": {"证件号": "passport"}})");
    auto refused = county.import(county.file("own2.csv", "姓名,证件号,参保状态,个人自付金额\n"),
                                 "medical-insurance", {"--mapping", bad.string()});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("'passport'") != std::string::npos);
  }
  SUBCASE("two columns giving one value") {
    auto file = county.file("twice.csv", "姓名,身份证号,身份证号码,参保状态,个人自付金额\n");
    auto result = county.import(file, "medical-insurance");
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("columns 2 (身份证号) and 3 (身份证号码)") != std::string::npos);
  }
  SUBCASE("a quote never closed: the line it opened on") {
    auto file = county.file(
        "quote.csv", csv_text({"姓名,身份证号,参保状态,个人自付金额", "杨德明," + kHead + ",是,100",
                               "\"王芳," + kWithX + ",是,100"}));
    auto result = county.import(file, "medical-insurance");
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("quote.csv:3: a quoted field") != std::string::npos);
    CHECK(county.warnings().empty());
  }
  SUBCASE("an unknown source is a usage error") {
    auto result = county.import(county.file("x.csv", "姓名,身份证号\n"), "tax-office");
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("civil-affairs") != std::string::npos);
  }
}

TEST_CASE("the county's medical-cost threshold decides which costs raise a warning") {
  County county;
  auto set = run_process(server_path(), {"settings", "set", "--data", county.data.string(),
                                         "department_medical_cost_yuan=20000"});
  REQUIRE_MESSAGE(set.exit_code == 0, set.err);
  auto file = county.file("medical.csv", csv_text({"姓名,身份证号,参保状态,个人自付金额",
                                                   "杨德明," + kHead + ",是,12000",
                                                   "王芳," + kWithX + ",是,20000.00"}));
  json report = county.import_ok(file, "medical-insurance");
  CHECK(report["medical_cost_yuan"] == 20000);
  CHECK(lines_of(report["warnings"]) == std::vector<int>{3});
  CHECK(report["warnings"][0]["household"] == county.h2);
  auto refused = run_process(server_path(), {"settings", "set", "--data", county.data.string(),
                                             "department_medical_cost_yuan=0"});
  CHECK(refused.exit_code == 2);
}

TEST_CASE("what each department's rows raise, with the answers the revisit starts from") {
  County county;
  auto rules_of = [](const json& report) {
    std::map<int, json> out;
    for (const auto& w : report["warnings"]) out[w["line"].get<int>()] = w["rules"];
    return out;
  };
  auto prefill_of_task = [&](const json& report, size_t index) {
    std::string task = report["warnings"][index]["task"];
    for (const auto& t : county.tasks())
      if (t["id"] == task) return t["prefill"];
    return json();
  };
  auto one_member = [](const std::string& member, const char* field, const char* value) {
    return json{{"members", json::array({{{"member_id", member}, {field, value}}})}};
  };
  SUBCASE("education: a child of 6 to 15 who dropped out") {
    auto file = county.file("edu.csv", csv_text({"姓名,身份证号,在校状态,学段",
                                                 "杨小花," + kChild + ",辍学,小学",  // 12
                                                 "杨小龙," + kTeen + ",辍学,高中",   // 17
                                                 "杨德明," + kHead + ",在校,"}));
    json report = county.import_ok(file, "education");
    CHECK(report["matched"] == 3);
    CHECK(rules_of(report) == std::map<int, json>{{2, json::array({"department.dropout"})}});
    CHECK(prefill_of_task(report, 0) == one_member(county.member[kChild], "in_school", "no"));
  }
  SUBCASE("housing: grades C and D") {
    auto file =
        county.file("housing.csv", csv_text({"姓名,身份证号,住房等级", "杨德明," + kHead + ",C级",
                                             "马老汉," + kElder + ",A"}));
    json report = county.import_ok(file, "housing");
    CHECK(rules_of(report) == std::map<int, json>{{2, json::array({"department.housing"})}});
    CHECK(report["warnings"][0]["level"] == "red");
    CHECK(prefill_of_task(report, 0) == json{{"housing_grade", "C"}});
  }
  SUBCASE("disability: a grade where the record has none") {
    auto file = county.file("cdpf.csv", csv_text({"姓名,身份证号,残疾等级",
                                                  "杨德明," + kHead + ",二级",   // none recorded
                                                  "杨小花," + kChild + ",3"}));  // partial recorded
    json report = county.import_ok(file, "disability");
    CHECK(rules_of(report) == std::map<int, json>{{2, json::array({"department.disability"})}});
    CHECK(prefill_of_task(report, 0) == one_member(county.member[kHead], "disability", "severe"));
    auto bad = county.import_ok(
        county.file("cdpf-bad.csv", csv_text({"姓名,身份证号,残疾等级", "杨德明," + kHead + ",5"})),
        "disability");
    CHECK(invalid_lines(bad).count(2) == 1);
  }
  SUBCASE("human resources: unemployment") {
    auto file =
        county.file("hr.csv", csv_text({"name,id_number,employment", "杨德明," + kHead + ",失业",
                                        "杨小龙," + kTeen + ",就业"}));
    json report = county.import_ok(file, "human-resources");
    CHECK(rules_of(report) == std::map<int, json>{{2, json::array({"department.unemployed"})}});
    CHECK(report["warnings"][0]["level"] == "yellow");
    CHECK(prefill_of_task(report, 0) == one_member(county.member[kHead], "employment", "none"));
  }
  SUBCASE("civil affairs: a guarantee gained or lost against the household's record") {
    auto file = county.file(
        "civil.csv",
        csv_text({"姓名,身份证号,救助类型,开始日期,结束日期",
                  "杨德明," + kHead + ",低保,2026/3/1,",               // H1 does not record it
                  "马老汉," + kElder + ",低保,2024-01-01,2026-06-30",  // ended; H2 records it
                  "王芳," + kWithX + ",特困,2025-01-01,",              // H2 records it
                  "杨小龙," + kTeen + ",无,,"}));                      // H1: nothing either way
    json report = county.import_ok(file, "civil-affairs");
    CHECK(report["matched"] == 4);
    CHECK(rules_of(report) ==
          std::map<int, json>{{2, json::array({"department.assistance_gained"})},
                              {3, json::array({"department.assistance_lost"})}});
    CHECK(prefill_of_task(report, 0) == json{{"assistance_measures", "health minimum_living"}});
    CHECK(prefill_of_task(report, 1) == json{{"assistance_measures", "housing"}});
    auto bad =
        county.import_ok(county.file("civil-bad.csv", csv_text({"姓名,身份证号,救助类型,开始日期",
                                                                "杨德明," + kHead + ",低保,明年"})),
                         "civil-affairs");
    CHECK(invalid_lines(bad)[2].find("开始日期/start '明年'") != std::string::npos);
  }
}

TEST_CASE("records are read across the read buffer's boundary in UTF-8 and GBK") {
  TempDir dir;
  // A first field long enough that a three-byte (UTF-8) or two-byte (GBK) character of the
  // second record straddles the 64 KiB read buffer's end.
  for (size_t pad = 65530; pad < 65537; ++pad) {
    std::string text = "a," + std::string(pad, 'x') + "\n王芳,一二三\n";
    auto utf8_path = dir / "utf8.csv";
    write_file(utf8_path, text);
    auto gbk = run_process("/usr/bin/iconv", {"-f", "UTF-8", "-t", "GBK"}, text);
    REQUIRE(gbk.exit_code == 0);
    auto gbk_path = dir / "gbk.csv";
    write_file(gbk_path, gbk.out);
    for (const auto& path : {utf8_path, gbk_path}) {
      auto file = server::inspect_department_file(path);
      CHECK(file.encoding == (path == utf8_path ? "utf-8" : "gbk"));
      server::CsvRecordReader reader(file);
      server::CsvRecord record;
      REQUIRE(reader.next(record));
      CHECK(record.fields[1].size() == pad);
      REQUIRE(reader.next(record));
      CHECK(record.line == 2);
      CHECK(record.fields == std::vector<std::string>{"王芳", "一二三"});
      CHECK_FALSE(reader.next(record));
    }
  }
}

TEST_CASE("a matched medical-cost row reaches the grid worker's phone as a verify task") {
  setenv("DOORSTEP_TODAY", kToday, 1);
  TempDir dir;
  auto data = dir / "county";
  init_demo_county(data);
  LiveServer server(data);
  auto phone = (dir / "li-wei.db").string();
  auto init = run_cli(
      {"init", "--db", phone, "--name", "李伟", "--role", "grid-worker", "--scope", kGrid1});
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  auto enrolled = run_cli({"enroll", "--db", phone, "--server", server.url(), "--token",
                           create_token(data, "grid-worker", kGrid1), "--fingerprint",
                           server.fingerprint(), "--json"});
  REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
  // The grid worker registers the household with its members on the phone and syncs it.
  std::string household;
  {
    auto device = store::Store::open(phone);
    household = device.add_household(
        kGrid1, {{"head_name", "杨德明"},
                 {"members", json::array({{{"name", "杨德明"}, {"id_number", kHead}}})}});
  }
  auto first_sync = run_cli({"sync", "--db", phone, "--json"});
  REQUIRE_MESSAGE(first_sync.exit_code == 0, first_sync.err);

  // The county imports the medical insurance bureau's list while the server serves.
  write_file(dir / "medical.csv",
             csv_text({"姓名,身份证号,参保状态,个人自付金额", "杨德明," + kHead + ",是,12000"}));
  auto imported = run_process(
      server_path(), {"import", "--data", data.string(), "--source", "medical-insurance", "--file",
                      (dir / "medical.csv").string(), "--json"});
  REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
  json report = json::parse(imported.out);
  REQUIRE(report["warnings_created"] == 1);
  std::string task_id = report["warnings"][0]["task"];

  auto second_sync = run_cli({"sync", "--db", phone, "--json"});
  REQUIRE_MESSAGE(second_sync.exit_code == 0, second_sync.err);
  auto tasks = run_cli({"tasks", "--db", phone, "--json"});
  REQUIRE_MESSAGE(tasks.exit_code == 0, tasks.err);
  bool found = false;
  const json on_phone = json::parse(tasks.out)["tasks"];
  for (const auto& task : on_phone) {
    if (task["id"] != task_id) continue;
    found = true;
    CHECK(task["kind"] == "verify");
    CHECK(task["household"] == household);
    CHECK(task["status"] == "open");
    CHECK(task["prefill"]["expense_medical"] == 12000);
    CHECK(task["values"]["out_of_pocket"] == 12000);
    CHECK(task["values"]["source"] == "medical-insurance");
  }
  CHECK_MESSAGE(found, tasks.out);
  auto warnings = run_cli({"warnings", "--db", phone, "--json"});
  REQUIRE(warnings.exit_code == 0);
  bool department = false;
  const json phone_warnings = json::parse(warnings.out)["warnings"];
  for (const auto& w : phone_warnings) department = department || w["source"] == "department";
  CHECK_MESSAGE(department, warnings.out);
}

TEST_CASE("an import holds the county only while it matches, a batch of rows at a time") {
  County county;
  // 450 rows: the two members with a medical cost above the threshold, then unknown numbers.
  std::vector<std::string> lines = {"姓名,身份证号,参保状态,个人自付金额,备注",
                                    "杨德明," + kHead + ",是,12000,大病住院",
                                    "马老汉," + kElder + ",是,300,"};
  for (int i = 0; i < 448; ++i) {
    std::string serial = std::to_string(1000 + i).substr(1);  // 000 ... 447
    lines.push_back("查无," + id18("64032319750505" + serial) + ",是,100,");
  }
  auto path = county.file("big.csv", csv_text(lines));
  auto authority = sync::CountyAuthority::open(county.data);

  bool held = false;
  int holds = 0;
  server::DepartmentImportOptions options;
  options.source = "medical-insurance";
  options.file = path;
  options.hold_county = [&]() -> std::shared_ptr<void> {
    CHECK_FALSE(held);  // never taken twice at once
    held = true;
    ++holds;
    return std::shared_ptr<void>(nullptr, [&](void*) { held = false; });
  };
  json report = server::import_department_data(authority, county.data, options);
  CHECK_FALSE(held);
  CHECK(report["rows"] == 450);
  CHECK(report["unmatched"] == 448);
  CHECK(report["warnings_created"] == 1);
  // The set-up (index, import record), then ceil(450 / kRowsPerHold) batches; the import
  // record is finished in the last batch's hold.
  CHECK(holds == 1 + static_cast<int>((450 + server::kRowsPerHold - 1) / server::kRowsPerHold));

  // A file refused for its structure never touches the county.
  holds = 0;
  options.file = county.file("no-id.csv", csv_text({"姓名,参保状态", "杨德明,是"}));
  CHECK_THROWS_WITH_AS(server::import_department_data(authority, county.data, options),
                       doctest::Contains("身份证号"), Error);
  CHECK(holds == 0);
  CHECK(county.imports().size() == 1);
}
