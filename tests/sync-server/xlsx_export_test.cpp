// `doorstep-server export --what ... --format csv|xlsx`: every table the county exports, read
// back with a real XLSX reader (Python's zipfile and xml.etree) and as RFC 4180 CSV, from a
// county whose village leader pushed households, visits and the cases they opened to a real
// server; and the errors that leave no file behind.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"
#include "tests/sync-server/live_server_helpers.h"
#include "tests/sync-server/table_helpers.h"

using namespace doorstep;
using namespace doorstep::test;
using nlohmann::json;

namespace {

constexpr const char* kGrid1 = "640323.101.200.01";
constexpr const char* kGrid2 = "640323.101.200.02";
constexpr const char* kVillage = "640323.101.200";
constexpr const char* kToday = "2026-12-01";

const std::vector<std::string> kHouseholdColumns = {
    "household_id",   "township_code",     "township_name",   "village_code",
    "village_name",   "grid_code",         "grid_name",       "head_name",
    "head_id_number", "member_count",      "monitoring_type", "level",
    "rules",          "income_per_capita", "last_visit_date", "last_visitor"};

std::filesystem::path example_path(const std::string& example) {
  return source_dir() / "forms" / "examples" / (example + "-household.json");
}

// The demo county with the three example households visited (the yellow and red ones open
// cases) and one never visited, pushed by the village leader's laptop.
struct ExportCounty {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::map<std::string, std::string> ids;

  ExportCounty() {
    init_demo_county(data);
    LiveServer server(data);
    auto db = (dir / "leader.db").string();
    auto init = run_cli(
        {"init", "--db", db, "--name", "王芳", "--role", "village-leader", "--scope", kVillage});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    auto enrolled = run_cli({"enroll", "--db", db, "--server", server.url(), "--token",
                             create_token(data, "village-leader", kVillage), "--fingerprint",
                             server.fingerprint()});
    REQUIRE_MESSAGE(enrolled.exit_code == 0, enrolled.err);
    auto add = [&](const std::string& key, const std::string& grid) {
      auto added = run_cli({"household", "add", "--db", db, "--grid", grid, "--set",
                            json{{"head_name", "未走访户"}}.dump(), "--json"});
      REQUIRE_MESSAGE(added.exit_code == 0, added.err);
      ids[key] = json::parse(added.out)["id"];
    };
    for (std::string example : {"green", "yellow", "red"}) {
      add(example, example == "red" ? kGrid2 : kGrid1);
      auto visit = run_process(cli_path(),
                               {"visit", "--db", db, "--household", ids[example], "--form",
                                (source_dir() / "forms" / "household-monitoring.json").string(),
                                "--answers", example_path(example).string()},
                               "", {"DOORSTEP_TODAY=" + std::string(kToday)});
      REQUIRE_MESSAGE(visit.exit_code == 0, visit.err);
    }
    add("unvisited", kGrid1);
    auto synced = run_cli({"sync", "--db", db});
    REQUIRE_MESSAGE(synced.exit_code == 0, synced.err);
  }

  ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"export", "--data", data.string()});
    return run_process(server_path(), args, "", {"DOORSTEP_TODAY=" + std::string(kToday)});
  }
  std::filesystem::path exported(const std::string& name, std::vector<std::string> args) const {
    auto out = dir / name;
    args.insert(args.end(), {"--out", out.string()});
    auto result = run(args);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(!std::filesystem::exists(out.string() + ".tmp"));
    return out;
  }
  json listing(const std::string& what) const {
    auto result = run_process(server_path(), {what, "--data", data.string(), "--all", "--json"}, "",
                              {"DOORSTEP_TODAY=" + std::string(kToday)});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
  }
};

// Excel's serial number of an ISO date (days since 1899-12-30).
std::string excel_serial(const std::string& iso) {
  auto days = [](int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return static_cast<int64_t>(era) * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
  };
  int64_t serial =
      days(std::stoi(iso.substr(0, 4)), std::stoi(iso.substr(5, 2)), std::stoi(iso.substr(8, 2))) -
      days(1899, 12, 30);
  return std::to_string(serial);
}

// The cell of `row` in column `col`, or null when the row has none there (an empty cell).
json cell_at(const json& row, size_t col) {
  for (const auto& cell : row)
    if (cell["col"] == col) return cell;
  return json();
}

bool is_number_cell(const json& cell) {
  return cell.is_object() && (cell["t"].is_null() || cell["t"] == "n");
}

std::vector<std::string> header_texts(const json& sheet) {
  std::vector<std::string> out;
  for (const auto& cell : sheet["rows"][0]) out.push_back(cell["v"]);
  return out;
}

// The CSV export of the same table holds the same cells: text as text, a number's digits, a
// date as YYYY-MM-DD.
void check_same_cells(const json& sheet, const std::vector<CsvRow>& csv) {
  REQUIRE(csv.size() == sheet["rows"].size());
  for (size_t r = 0; r < csv.size(); ++r) {
    const json row = sheet["rows"][r];
    for (size_t c = 0; c < csv[r].size(); ++c) {
      CAPTURE(r);
      CAPTURE(c);
      json cell = cell_at(row, c);
      if (cell.is_null()) {
        CHECK(csv[r][c].empty());
      } else if (cell.contains("date")) {
        CHECK(cell["date"] == csv[r][c]);
      } else if (is_number_cell(cell)) {
        CHECK(std::stod(cell["v"].get<std::string>()) == doctest::Approx(std::stod(csv[r][c])));
      } else {
        CHECK(cell["v"] == csv[r][c]);
      }
    }
  }
}

std::vector<CsvRow> csv_of(const std::filesystem::path& path) {
  std::string text = read_file(path);
  REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0);
  return parse_csv(text.substr(3));
}

}  // namespace

TEST_CASE(
    "the households as XLSX: a frozen header row, column widths, numbers as numbers, dates as "
    "dates, a row per household") {
  ExportCounty county;
  auto xlsx = county.exported("county.xlsx", {"--lang", "en", "--json"});
  json book = read_xlsx(xlsx);
  REQUIRE(book["sheets"] == json::array({"households"}));
  const json sheet = book["worksheets"][0];
  CHECK(sheet["pane"]["state"] == "frozen");
  CHECK(sheet["pane"]["ySplit"] == "1");
  CHECK(sheet["pane"]["topLeftCell"] == "A2");
  CHECK(sheet["cols"].size() == kHouseholdColumns.size());
  for (const auto& col : sheet["cols"]) CHECK(col["width"].get<double>() > 8);
  CHECK(header_texts(sheet) == kHouseholdColumns);
  REQUIRE(sheet["rows"].size() == 1 + 4);  // the header and one row per household

  std::set<int> date_styles;
  for (const auto& style : book["date_styles"]) date_styles.insert(style.get<int>());
  REQUIRE_FALSE(date_styles.empty());
  std::map<std::string, json> by_id;
  for (size_t r = 1; r < sheet["rows"].size(); ++r) {
    const json row = sheet["rows"][r];
    by_id[cell_at(row, 0)["v"]] = row;
  }
  for (std::string example : {"green", "yellow", "red"}) {
    CAPTURE(example);
    json answers = json::parse(read_file(example_path(example)));
    const json& row = by_id.at(county.ids[example]);
    json members = cell_at(row, 9), income = cell_at(row, 13), visited = cell_at(row, 14);
    json id_number = cell_at(row, 8);
    CHECK(is_number_cell(members));
    CHECK(members["v"] == std::to_string(answers["members"].size()));
    CHECK(is_number_cell(income));
    CHECK(std::stod(income["v"].get<std::string>()) > 0);
    // The visit date, a number in a date style: what Excel shows as a date.
    CHECK(is_number_cell(visited));
    CHECK(date_styles.count(visited["s"].get<int>()) == 1);
    CHECK(visited["v"] == excel_serial(answers["visit_date"]));
    CHECK(visited["date"] == answers["visit_date"]);
    // An ID number stays text, whole.
    CHECK(id_number["t"] == "inlineStr");
    CHECK(id_number["v"] == answers["head_id_number"]);
  }
  const json& unvisited = by_id.at(county.ids["unvisited"]);
  CHECK(cell_at(unvisited, 7)["v"] == "未走访户");
  CHECK(cell_at(unvisited, 14).is_null());

  // Chinese headers by default; the CSV export holds the same cells.
  json chinese = read_xlsx(county.exported("county-zh.xlsx", {}))["worksheets"][0];
  CHECK(header_texts(chinese)[0] == "户编号");
  CHECK(header_texts(chinese)[14] == "最近走访日期");
  auto csv = csv_of(county.exported("county.csv", {"--lang", "en"}));
  check_same_cells(sheet, csv);
}

TEST_CASE("the register, warnings, tasks and a report export as XLSX and CSV, one row each") {
  ExportCounty county;
  json warnings = county.listing("warnings")["warnings"];
  json tasks = county.listing("tasks")["tasks"];
  json cases = county.listing("cases")["cases"];
  REQUIRE(cases.size() == 2);
  struct Export {
    std::string what;
    size_t rows;
    std::string first_header;
    size_t date_column;  // a column of dates every row has
  };
  for (const Export& e : {Export{"register", cases.size(), "case_id", 13},
                          Export{"warnings", warnings.size(), "warning_id", 14},
                          Export{"tasks", tasks.size(), "task_id", 11}}) {
    CAPTURE(e.what);
    json book = read_xlsx(county.exported(e.what + ".xlsx", {"--what", e.what, "--lang", "en"}));
    CHECK(book["sheets"] == json::array({e.what}));
    const json sheet = book["worksheets"][0];
    CHECK(sheet["pane"]["state"] == "frozen");
    REQUIRE(sheet["rows"].size() == 1 + e.rows);
    CHECK(header_texts(sheet)[0] == e.first_header);
    std::set<int> date_styles;
    for (const auto& style : book["date_styles"]) date_styles.insert(style.get<int>());
    for (size_t r = 1; r < sheet["rows"].size(); ++r) {
      json date = cell_at(sheet["rows"][r], e.date_column);
      CHECK(is_number_cell(date));
      CHECK(date_styles.count(date["s"].get<int>()) == 1);
    }
    auto csv = csv_of(county.exported(e.what + ".csv", {"--what", e.what, "--lang", "en"}));
    check_same_cells(sheet, csv);
  }

  // The register's row of the red household's case: its identification date is a date.
  json book = read_xlsx(county.exported("register-dates.xlsx", {"--what", "register"}));
  const json sheet = book["worksheets"][0];
  CHECK(header_texts(sheet)[13] == "识别日期");
  bool found = false;
  for (size_t r = 1; r < sheet["rows"].size(); ++r) {
    const json row = sheet["rows"][r];
    if (cell_at(row, 1)["v"] != county.ids["red"]) continue;
    found = true;
    CHECK(cell_at(row, 13)["date"] == kToday);
    CHECK(cell_at(row, 12)["v"] == "identified");
    CHECK(is_number_cell(cell_at(row, 24)));  // measure_count
  }
  CHECK(found);

  // A report: its table, the totals first.
  json levels = read_xlsx(
      county.exported("levels.xlsx", {"--what", "report", "--report", "levels", "--lang", "en"}));
  CHECK(levels["sheets"] == json::array({"levels"}));
  const json report = levels["worksheets"][0];
  CHECK(header_texts(report) == std::vector<std::string>{"division_level", "code", "name",
                                                         "monitoring_type", "red", "yellow",
                                                         "green", "unsurveyed", "total"});
  const json totals = report["rows"][1];
  CHECK(cell_at(totals, 0)["v"] == "all");
  CHECK(cell_at(totals, 3)["v"] == "all");
  CHECK(is_number_cell(cell_at(totals, 8)));
  CHECK(cell_at(totals, 8)["v"] == "4");
  CHECK(cell_at(totals, 7)["v"] == "1");  // the household never visited
  auto csv = csv_of(
      county.exported("levels.csv", {"--what", "report", "--report", "levels", "--lang", "en"}));
  check_same_cells(report, csv);
}

TEST_CASE(
    "an unknown --what, --format, --lang or --report, or an unwritable FILE, exits 1 and "
    "leaves no file") {
  ExportCounty county;
  auto out = county.dir / "export.xlsx";
  write_file(out, "the previous export");
  struct Refusal {
    std::vector<std::string> args;
    std::string expect;
  };
  for (const Refusal& refusal :
       {Refusal{{"--what", "members"}, "--what 'members'"},
        Refusal{{"--format", "ods"}, "--format 'ods'"}, Refusal{{"--lang", "fr"}, "--lang 'fr'"},
        Refusal{{"--what", "report"}, "--report"},
        Refusal{{"--what", "report", "--report", "poverty"}, "--report 'poverty'"},
        Refusal{{"--report", "levels"}, "--what report"},
        Refusal{{"--scope", "640323..1"}, "640323..1"}}) {
    std::vector<std::string> args = refusal.args;
    args.insert(args.end(), {"--out", out.string()});
    auto result = county.run(args);
    CAPTURE(refusal.expect);
    CHECK(result.exit_code == 1);
    CHECK_MESSAGE(result.err.find(refusal.expect) != std::string::npos, result.err);
    CHECK(read_file(out) == "the previous export");
    CHECK(!std::filesystem::exists(out.string() + ".tmp"));
  }
  for (std::string format : {"xlsx", "csv"}) {
    auto nowhere = county.dir / "missing" / ("export." + format);
    auto result = county.run({"--format", format, "--out", nowhere.string()});
    CHECK(result.exit_code == 1);
    CHECK_MESSAGE(result.err.find("missing") != std::string::npos, result.err);
    CHECK(!std::filesystem::exists(nowhere));
    CHECK(!std::filesystem::exists(nowhere.string() + ".tmp"));
  }
  // Today's export keeps working as before: CSV of the households by default.
  auto csv = county.dir / "county.csv";
  auto plain = county.run({"--format", "csv", "--out", csv.string()});
  REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
  CHECK(csv_of(csv).size() == 1 + 4);
}
