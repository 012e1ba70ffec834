// `doorstep form check`, `form run` and `form fill` as a person or a script meets them.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

using namespace doorstep::test;
using nlohmann::json;

namespace {

std::string shipped_form() {
  return (source_dir() / "forms/household-monitoring.json").string();
}
std::string example(const std::string& name) {
  return (source_dir() / "forms/examples" / (name + "-household.json")).string();
}

json run_json(const std::string& answers, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"form", "run", shipped_form(), "--answers", answers, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto result = run_cli(args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

std::vector<std::string> fired_ids(const json& snapshot) {
  std::vector<std::string> ids;
  for (const auto& r : snapshot["risk"]["rules"]) ids.push_back(r["id"].get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("form check accepts the shipped form") {
  auto result = run_cli({"form", "check", shipped_form()});
  CHECK(result.exit_code == 0);
  auto json_result = run_cli({"form", "check", shipped_form(), "--json"});
  CHECK(json_result.exit_code == 0);
  CHECK(json::parse(json_result.out)["valid"] == true);
}

TEST_CASE("form check prints FILE:LINE:COL: message for each problem and exits 1") {
  TempDir dir;
  std::string text =
      "{\n"
      "  \"survey\": [\n"
      "    {\"type\": \"text\", \"name\": \"a\"},\n"
      "    {\"type\": \"intger\", \"name\": \"b\"},\n"
      "    {\"type\": \"text\", \"name\": \"c\", \"relevant\": \"${zz} = 1\"}\n"
      "  ]\n"
      "}\n";
  write_file(dir / "bad.json", text);
  std::string file = (dir / "bad.json").string();
  auto result = run_cli({"form", "check", file});
  CHECK(result.exit_code == 1);
  CHECK(result.out == file +
                          ":4:14: unknown type 'intger' of 'b' (expected text, integer, "
                          "decimal, select_one LIST, select_multiple LIST, date, geopoint, "
                          "image, note, calculate, begin_group, end_group, begin_repeat, "
                          "end_repeat)\n");

  write_file(dir / "bad2.json",
             "{\"survey\": [{\"type\": \"text\", \"name\": \"c\", \"relevant\": \"${zz} = 1\"}]}");
  auto json_result = run_cli({"form", "check", (dir / "bad2.json").string(), "--json"});
  CHECK(json_result.exit_code == 1);
  auto parsed = json::parse(json_result.out);
  CHECK(parsed["valid"] == false);
  REQUIRE(parsed["errors"].size() == 1);
  CHECK(parsed["errors"][0]["line"] == 1);
  CHECK(parsed["errors"][0]["column"] == 56);
  CHECK(parsed["errors"][0]["pointer"] == "/survey/0/relevant");
  CHECK(parsed["errors"][0]["message"] == "reference to unknown field ${zz} in relevant of 'c'");
}

TEST_CASE("form check of a missing file fails with a message naming it") {
  auto result = run_cli({"form", "check", "/nonexistent/form.json"});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("cannot read '/nonexistent/form.json'") != std::string::npos);
}

TEST_CASE("form run classifies the example households green, yellow and red") {
  auto green = run_json(example("green"));
  CHECK(green["risk"]["level"] == "green");
  CHECK(green["risk"]["monitoring_type"].is_null());
  CHECK(green["can_finalise"] == true);
  CHECK(green["calculated"]["income_per_capita"] == "8800");

  auto yellow = run_json(example("yellow"));
  CHECK(yellow["risk"]["level"] == "yellow");
  CHECK(fired_ids(yellow) == std::vector<std::string>{"yellow.income_risk"});
  CHECK(yellow["risk"]["monitoring_type"] == "marginal");

  auto red = run_json(example("red"), {"--lang", "en"});
  CHECK(red["risk"]["level"] == "red");
  auto ids = fired_ids(red);
  for (const char* id : {"red.school", "red.medical", "red.housing", "red.income",
                         "yellow.rigid_expense", "yellow.income_drop"})
    CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());
  CHECK(red["risk"]["rules"][0]["message"].get<std::string>().find("out of school") !=
        std::string::npos);
  CHECK(red["risk"]["monitoring_type"] == "unstable");
  CHECK(red["calculated"]["school_gap"] == json::array({"0", "1", "0"}));
}

TEST_CASE("form run uses the county's parameters and reports answers that do not fit") {
  TempDir dir;
  write_file(dir / "params.json", "{\"poverty_line\": 5000, \"monitoring_threshold\": 6000}");
  auto yellow = run_json(example("yellow"), {"--params", (dir / "params.json").string()});
  CHECK(yellow["risk"]["level"] == "red");  // 4100 per head is below a 5000 poverty line

  write_file(dir / "answers.json",
             "{\"head_name\": \"Ma\", \"housing_grade\": \"E\", "
             "\"members\": [{\"age\": \"ten\"}], \"nosuch\": 1}");
  auto snapshot = run_json((dir / "answers.json").string(), {"--lang", "en"});
  CHECK(snapshot["can_finalise"] == false);
  std::string errors = snapshot["errors"].dump();
  CAPTURE(errors);
  CHECK(errors.find("'E' is not a choice of 'housing_grade'") != std::string::npos);
  CHECK(errors.find("'age' needs a whole number") != std::string::npos);
  CHECK(errors.find("unknown question 'nosuch'") != std::string::npos);
}

TEST_CASE("form run refuses answers that are not JSON, and a form that does not load") {
  TempDir dir;
  write_file(dir / "broken.json", "{\"head_name\": ");
  auto result =
      run_cli({"form", "run", shipped_form(), "--answers", (dir / "broken.json").string()});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("--answers " + (dir / "broken.json").string() + " is not valid JSON") !=
        std::string::npos);

  write_file(dir / "form.json", "{\"survey\": [{\"type\": \"nope\", \"name\": \"a\"}]}");
  auto bad_form =
      run_cli({"form", "run", (dir / "form.json").string(), "--answers", example("green")});
  CHECK(bad_form.exit_code == 1);
  CHECK(bad_form.err.find("form.json:1:22: unknown type 'nope'") != std::string::npos);
  auto usage = run_cli({"form", "run", shipped_form()});
  CHECK(usage.exit_code == 2);
}

TEST_CASE("form fill asks, re-asks on bad answers, grows the roster and ends with the risk") {
  TempDir dir;
  std::string input =
      "Ma Jianguo\n"                    // head_name
      "123\n640323200006150015\n"       // head_id_number: refused, then valid
      "1\n"                             // formerly_poor by number: yes
      "\n\n\n"                          // visit_date (keeps today), location, photo
      "y\n"                             // add a member
      "Ma\n640323200006150015\nhead\n"  // name, id_number, relation by code
      "\n"                              // age: keeps the age computed from the ID
      "1\n1\n1\n1\n"                    // health, disability, labour, employment
      "yes\n"                           // medical_insured
      "y\n"                             // add another member
      "Xiao\n\n3\n"                     // name, no id, relation: child
      "abc\n10\n"                       // age: refused, then 10
      "\n\n\n"                          // health, disability, labour
      "2\nother\n"                      // in_school: no; reason
      "1\n"                             // medical_insured
      "n\n"                             // no more members
      "3000\n\n\n\n\n"                  // income
      "\n\n\n\n"                        // expenses
      "no\nyes\nyes\nA\n"               // food, clothing, water, housing
      "u1 3\n\n\n";                     // risk factors (code and number), measures, notes
  auto result = run_cli(
      {"form", "fill", shipped_form(), "--lang", "en", "--out", (dir / "answers.json").string()},
      input);
  INFO(result.out);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("Name of the head of household *") != std::string::npos);
  CHECK(result.out.find("! Not a valid resident ID number") != std::string::npos);
  CHECK(result.out.find("! 'age' needs a whole number, not 'abc'") != std::string::npos);
  CHECK(result.out.find("[26] >") != std::string::npos);  // the age from the ID, offered
  CHECK(result.out.find("Add another member?") != std::string::npos);
  CHECK(result.out.find("Why not in school?") != std::string::npos);
  CHECK(result.out.find("Risk level: red") != std::string::npos);
  // The reasons are the rules' messages; their ids are codes, not for the screen.
  CHECK(result.out.find("  - Food is not secured") != std::string::npos);
  CHECK(result.out.find("  - A child aged 6-15 is out of school") != std::string::npos);
  CHECK(result.out.find("red.food") == std::string::npos);
  CHECK(result.out.find("Suggested monitoring type: unstable") != std::string::npos);
  CHECK(result.out.find("Ready to finalise.") != std::string::npos);

  auto answers = json::parse(read_file(dir / "answers.json"));
  CHECK(answers["head_id_number"] == "640323200006150015");
  CHECK(answers["formerly_poor"] == "yes");
  REQUIRE(answers["members"].size() == 2);
  CHECK(answers["members"][1]["age"] == "10");
  CHECK(answers["members"][1]["in_school"] == "no");
  CHECK(answers["risk_factors"] == "u1 u3");

  // The written answers evaluate to the same result in `form run`.
  auto replay = run_json((dir / "answers.json").string());
  CHECK(replay["risk"]["level"] == "red");
}

TEST_CASE("form fill skips questions that do not apply and keeps answers when input ends") {
  std::string input = "马建国\n640323200006150015\n否\n\n\n\ny\n小马\n\nchild\n30\n\n\n\n";
  auto result = run_cli({"form", "fill", shipped_form(), "--lang", "zh"}, input);
  INFO(result.out);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("户主姓名") != std::string::npos);
  // Age 30: asked about employment, never about school.
  CHECK(result.out.find("就业情况") != std::string::npos);
  CHECK(result.out.find("是否在校就读") == std::string::npos);
  CHECK(result.out.find("输入结束") != std::string::npos);
  CHECK(result.out.find("风险等级：绿色") != std::string::npos);
  auto json_start = result.out.rfind("\n{");
  REQUIRE(json_start != std::string::npos);
  auto answers = json::parse(result.out.substr(json_start));
  CHECK(answers["head_name"] == "马建国");
  CHECK(answers["formerly_poor"] == "no");
  CHECK(answers["members"][0]["age"] == "30");
}
