// `doorstep-server export`: the county's households as CSV for Excel, from households that
// enrolled devices pushed to a real server.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/forms/form_evaluation.h"
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
constexpr const char* kTrickyName = "Zhang, \"Big\" San";

using Row = CsvRow;

// A county whose village leader (王芳, scope kVillage) pushed the three example households
// (with visits) and one household without a visit whose head name holds a comma and quotes.
struct ExportedCounty {
  TempDir dir;
  std::filesystem::path data = dir / "county";
  std::filesystem::path form = source_dir() / "forms" / "household-monitoring.json";
  std::map<std::string, std::string> ids;  // example name (or "tricky") -> household id
  std::map<std::string, std::string> grids;

  ExportedCounty() {
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
    auto add = [&](const std::string& key, const std::string& grid, const json& fields) {
      auto added = run_cli(
          {"household", "add", "--db", db, "--grid", grid, "--set", fields.dump(), "--json"});
      REQUIRE_MESSAGE(added.exit_code == 0, added.err);
      ids[key] = json::parse(added.out)["id"];
      grids[key] = grid;
    };
    for (std::string example : {"green", "yellow", "red"}) {
      add(example, example == "red" ? kGrid2 : kGrid1, {{"head_name", "?"}});
      auto visit = run_cli({"visit", "--db", db, "--household", ids[example], "--form",
                            form.string(), "--answers", answers_path(example).string()});
      REQUIRE_MESSAGE(visit.exit_code == 0, visit.err);
    }
    add("tricky", kGrid1, {{"head_name", kTrickyName}, {"head_id_number", "640323199001011234"}});
    auto synced = run_cli({"sync", "--db", db});
    REQUIRE_MESSAGE(synced.exit_code == 0, synced.err);
  }

  static std::filesystem::path answers_path(const std::string& example) {
    return source_dir() / "forms" / "examples" / (example + "-household.json");
  }
  json answers(const std::string& example) const {
    return json::parse(read_file(answers_path(example)));
  }
  // What the form engine computes for an example (the county's evaluation must agree).
  json evaluation(const std::string& example) const {
    return forms::evaluate_form(read_file(form), answers(example).dump(), "", "zh");
  }

  ProcessResult run_export(const std::filesystem::path& out,
                           const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"export", "--data", data.string(), "--format",
                                     "csv",    "--out",  out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_process(server_path(), args);
  }
  std::vector<Row> exported(const std::vector<std::string>& extra = {}) const {
    auto out = dir / "export.csv";
    auto result = run_export(out, extra);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    std::string text = read_file(out);
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    return parse_csv(text);
  }
};

const Row* row_of(const std::vector<Row>& rows, const std::string& id) {
  for (const auto& row : rows)
    if (!row.empty() && row[0] == id) return &row;
  return nullptr;
}

}  // namespace

TEST_CASE("the county export has a column per contract field, with the county's evaluation") {
  ExportedCounty county;
  auto rows = county.exported({"--lang", "en"});
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] == Row{"household_id", "township_code", "township_name", "village_code",
                       "village_name", "grid_code", "grid_name", "head_name", "head_id_number",
                       "member_count", "monitoring_type", "level", "rules", "income_per_capita",
                       "last_visit_date", "last_visitor"});
  for (std::string example : {"green", "yellow", "red"}) {
    CAPTURE(example);
    const Row* row = row_of(rows, county.ids[example]);
    REQUIRE(row != nullptr);
    REQUIRE(row->size() == 16);
    json answers = county.answers(example);
    json expected = county.evaluation(example);
    std::string rules;
    for (const auto& rule : expected["risk"]["rules"])
      rules += (rules.empty() ? "" : "; ") + rule["id"].get<std::string>();
    std::string grid = county.grids[example];
    CHECK((*row)[1] == "640323.101");
    CHECK((*row)[2] == "大水坑镇");
    CHECK((*row)[3] == kVillage);
    CHECK((*row)[4] == "大水坑村");
    CHECK((*row)[5] == grid);
    CHECK((*row)[6] == (grid == kGrid1 ? "01网格" : "02网格"));
    CHECK((*row)[7] == answers["head_name"]);
    CHECK((*row)[8] == answers["head_id_number"]);
    CHECK((*row)[9] == std::to_string(answers["members"].size()));
    CHECK((*row)[10] == (expected["risk"]["monitoring_type"].is_string()
                             ? expected["risk"]["monitoring_type"].get<std::string>()
                             : ""));
    CHECK((*row)[11] == expected["risk"]["level"]);
    CHECK((*row)[12] == rules);
    CHECK((*row)[13] == expected["calculated"]["income_per_capita"]);
    CHECK((*row)[14] == answers["visit_date"]);
    CHECK((*row)[15] == "王芳");
  }
  // The red example fires rules and has an income, so those columns are really checked.
  const Row& red = *row_of(rows, county.ids["red"]);
  CHECK_FALSE(red[10].empty());
  CHECK_FALSE(red[12].empty());
  CHECK_FALSE(red[13].empty());
  // Never visited: no evaluation, no visit, no members.
  const Row* tricky = row_of(rows, county.ids["tricky"]);
  REQUIRE(tricky != nullptr);
  CHECK(*tricky == Row{county.ids["tricky"], "640323.101", "大水坑镇", kVillage, "大水坑村", kGrid1,
                       "01网格", kTrickyName, "640323199001011234", "0", "", "", "", "", "", ""});
}

TEST_CASE(
    "the export of a .csv file starts with the UTF-8 BOM, Chinese headers and quotes "
    "what needs quoting") {
  ExportedCounty county;
  auto out = county.dir / "county.csv";
  auto result = county.run_export(out, {"--json"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  CHECK(json::parse(result.out) == json{{"rows", 4}, {"out", out.string()}});
  std::string text = read_file(out);
  REQUIRE(text.size() > 3);
  CHECK(static_cast<unsigned char>(text[0]) == 0xEF);
  CHECK(static_cast<unsigned char>(text[1]) == 0xBB);
  CHECK(static_cast<unsigned char>(text[2]) == 0xBF);
  CHECK(text.substr(3).rfind("户编号,乡镇代码,乡镇名称,", 0) == 0);
  // RFC 4180: the field is quoted and its quotes doubled.
  CHECK(text.find(",\"Zhang, \"\"Big\"\" San\",640323199001011234,0,") != std::string::npos);
  CHECK(text.find('\n') == text.find("\r\n") + 1);
  CHECK(!std::filesystem::exists(out.string() + ".tmp"));

  // --no-bom drops it; a file not named .csv has none unless asked with --bom.
  auto plain = county.dir / "county.txt";
  REQUIRE(county.run_export(plain).exit_code == 0);
  CHECK(read_file(plain).rfind("户编号,", 0) == 0);
  REQUIRE(county.run_export(plain, {"--bom"}).exit_code == 0);
  CHECK(read_file(plain).rfind("\xEF\xBB\xBF户编号,", 0) == 0);
  REQUIRE(county.run_export(out, {"--no-bom"}).exit_code == 0);
  CHECK(read_file(out).rfind("户编号,", 0) == 0);
}

TEST_CASE("the export with --grid holds only the households within that prefix") {
  ExportedCounty county;
  auto grid1 = county.exported({"--grid", kGrid1});
  REQUIRE(grid1.size() == 4);  // header, green, yellow, tricky
  CHECK(row_of(grid1, county.ids["red"]) == nullptr);
  for (size_t i = 1; i < grid1.size(); ++i) CHECK(grid1[i][5] == kGrid1);
  auto grid2 = county.exported({"--grid", kGrid2});
  REQUIRE(grid2.size() == 2);
  CHECK(grid2[1][0] == county.ids["red"]);
  CHECK(county.exported({"--grid", kVillage}).size() == 5);
  CHECK(county.exported({"--grid", "640323.100"}).size() == 1);  // just the header
}

TEST_CASE("a failed export names the problem and leaves the previous file untouched") {
  ExportedCounty county;
  auto out = county.dir / "county.csv";
  write_file(out, "the previous export\r\n");
  auto bad_grid = county.run_export(out, {"--grid", "640323..1"});
  CHECK(bad_grid.exit_code != 0);
  CHECK(bad_grid.err.find("640323..1") != std::string::npos);
  auto bad_lang = county.run_export(out, {"--lang", "fr"});
  CHECK(bad_lang.exit_code == 1);
  CHECK(bad_lang.err.find("--lang 'fr'") != std::string::npos);
  auto both = county.run_export(out, {"--bom", "--no-bom"});
  CHECK(both.exit_code == 2);
  CHECK(read_file(out) == "the previous export\r\n");
  CHECK(!std::filesystem::exists(out.string() + ".tmp"));
  auto nowhere = county.run_export(county.dir / "missing" / "county.csv");
  CHECK(nowhere.exit_code != 0);
  CHECK(nowhere.err.find("missing") != std::string::npos);
}
