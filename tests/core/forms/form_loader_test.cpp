// Loading form definitions: a valid form becomes a FormDefinition; each kind of mistake is
// reported with FILE:LINE:COL of the offending item or key.
#include <doctest/doctest.h>

#include "tests/core/forms/form_builders.h"
#include "tests/support/test_support.h"

using namespace doorstep::test;
using doorstep::forms::ItemType;
using doorstep::forms::load_form;

namespace {

// Checks that loading `text` reports one issue at the position of `needle` containing `what`.
void expect_issue(const std::string& text, const std::string& needle, const std::string& what,
                  int nth = 0) {
  std::string issues = issues_of(text);
  CAPTURE(issues);
  CHECK(issues.find("test.json:" + position_of(text, needle, nth) + ": ") != std::string::npos);
  CHECK(issues.find(what) != std::string::npos);
}

}  // namespace

TEST_CASE("the shipped household monitoring form loads without issues") {
  std::string text = read_file(source_dir() / "forms/household-monitoring.json");
  auto result = load_form(text, "household-monitoring.json");
  std::string issues;
  for (const auto& i : result.issues) issues += i.to_string() + "\n";
  CAPTURE(issues);
  REQUIRE(result.form);
  CHECK(result.form->find("members")->type == ItemType::Repeat);
  CHECK(result.form->find("age")->repeat == result.form->find("members")->index);
  CHECK(result.form->rules.size() == 10);
}

TEST_CASE("groups written with begin_group/end_group and with children load alike") {
  json flat = form_json(json::array({item("begin_group", "g"), item("text", "a"),
                                     json{{"type", "end_group"}}, item("text", "b")}));
  json nested =
      form_json(json::array({group("g", json::array({item("text", "a")})), item("text", "b")}));
  for (const auto& form : {flat, nested}) {
    auto def = load(form);
    REQUIRE(def->find("a"));
    CHECK(def->find("a")->parent == def->find("g")->index);
    CHECK(def->find("b")->parent == -1);
    CHECK(def->roots.size() == 2);
  }
}

TEST_CASE("a JSON syntax error names the line and column where parsing stopped") {
  std::string text = "{\n  \"survey\": [\n    {\"type\": \"text\" \"name\": \"a\"}\n  ]\n}\n";
  std::string issues = issues_of(text);
  CAPTURE(issues);
  CHECK(issues.rfind("test.json:" + position_of(text, "\"name\"") + ": JSON syntax error", 0) == 0);
}

TEST_CASE("an unknown type is reported at the type value, naming the item") {
  std::string text = form_json(json::array({item("text", "a"), item("intger", "b")})).dump(2);
  expect_issue(text, "\"intger\"", "unknown type 'intger' of 'b'");
}

TEST_CASE("a duplicate name is reported at the second definition, pointing at the first") {
  json first_item = {{"type", "text"}, {"name", "a"}};
  json second_item = {{"type", "integer"}, {"name", "a"}};
  std::string text = form_json(json::array({first_item, second_item})).dump(2);
  std::string first = position_of(text, "\"a\"");
  std::string line = first.substr(0, first.find(':'));
  expect_issue(text, "\"a\"", "duplicate name 'a'", 1);
  CHECK(issues_of(text).find("first defined at line " + line) != std::string::npos);
}

TEST_CASE("a reference to an unknown field names the field, the item and the exact place") {
  std::string text =
      form_json(json::array({item("text", "a"),
                             item("text", "b", {{"relevant", "${a} = 'x' or ${nope} = 1"}})}))
          .dump(2);
  expect_issue(text, "${nope}", "unknown field ${nope} in relevant of 'b'");
}

TEST_CASE("an expression syntax error names the key, the item and a position on its line") {
  std::string text = form_json(json::array({item("integer", "a"),
                                            item("text", "b", {{"relevant", "${a} > (1 +"}})}))
                         .dump(2);
  std::string issues = issues_of(text);
  CAPTURE(issues);
  std::string at = position_of(text, "${a} > (1 +");
  std::string line = at.substr(0, at.find(':'));
  CHECK(issues.find("test.json:" + line + ":") != std::string::npos);
  CHECK(issues.find("expression syntax error in relevant of 'b'") != std::string::npos);
}

TEST_CASE("circular calculations are reported with the whole cycle") {
  std::string text = form_json(json::array({calculate("x", "${z} + 1"), calculate("y", "${x} * 2"),
                                            calculate("z", "${y} - 3"), item("text", "ok")}))
                         .dump(2);
  std::string issues = issues_of(text);
  CAPTURE(issues);
  CHECK(issues.find("circular calculation or relevance: x -> y -> z -> x") != std::string::npos);
  CHECK(issues.find("test.json:" + position_of(text, "{\n      \"calculation\": \"${z} + 1\"")) !=
        std::string::npos);
}

TEST_CASE("a relevance that reads its own group's child is a cycle too") {
  std::string text = form_json(json::array({group("g", json::array({item("text", "inner")}),
                                                  {{"relevant", "${inner} = 'x'"}})}))
                         .dump(2);
  CHECK(issues_of(text).find("circular calculation or relevance: g -> inner -> g") !=
        std::string::npos);
}

TEST_CASE("a select question whose choice list is missing is reported at its type") {
  std::string text = form_json(json::array({item("select_one colours", "c")})).dump(2);
  expect_issue(text, "\"select_one colours\"", "choice list 'colours' of 'c' is missing");
}

TEST_CASE("bad rules are reported: unknown level, missing when, duplicate id, bad expression") {
  json rules = json::array({
      {{"id", "r.one"}, {"level", "orange"}, {"when", "true()"}, {"message", "m"}},
      {{"id", "r.two"}, {"level", "red"}, {"message", "m"}},
      {{"id", "r.three"}, {"level", "red"}, {"when", "${a} = 1"}, {"message", "m"}},
      {{"id", "r.three"}, {"level", "yellow"}, {"when", "${a} = 2"}, {"message", "m"}},
      {{"id", "r.four"}, {"level", "red"}, {"when", "${ghost} = 1"}, {"message", "m"}},
  });
  std::string text = form_json(json::array({item("integer", "a")}), {{"rules", rules}}).dump(2);
  std::string issues = issues_of(text);
  CAPTURE(issues);
  expect_issue(text, "\"orange\"",
               "bad rule: the level of rule 'r.one' must be \"red\" or \"yellow\"");
  CHECK(issues.find("bad rule: rule 'r.two' needs a \"when\" expression") != std::string::npos);
  expect_issue(text, "\"r.three\"", "bad rule: duplicate rule id 'r.three'", 1);
}

TEST_CASE("a rule reading an unknown field is reported once the rest is sound") {
  json rules =
      json::array({{{"id", "r"}, {"level", "red"}, {"when", "${ghost} = 1"}, {"message", "m"}}});
  std::string text = form_json(json::array({item("integer", "a")}), {{"rules", rules}}).dump(2);
  expect_issue(text, "${ghost}", "unknown field ${ghost} in the rule 'r'");
}

TEST_CASE("a misspelt key is reported at the key") {
  std::string text = form_json(json::array({item("text", "a", {{"relevent", "true()"}})})).dump(2);
  expect_issue(text, "\"relevent\"", "unknown key 'relevent' in 'a'");
}

TEST_CASE("unbalanced groups, nested repeats and calculations without calculation are errors") {
  std::string unclosed =
      form_json(json::array({item("begin_group", "g"), item("text", "a")})).dump(2);
  expect_issue(unclosed, "{\n      \"label\"", "begin_group 'g' is never closed");

  std::string stray =
      form_json(json::array({item("text", "a"), json{{"type", "end_group"}}})).dump(2);
  expect_issue(stray, "\"end_group\"", "end_group without a matching begin_group");

  std::string nested =
      form_json(json::array({repeat(
                    "outer", json::array({repeat("inner", json::array({item("text", "a")}))}))}))
          .dump(2);
  CHECK(issues_of(nested).find("nested repeats are not supported") != std::string::npos);

  std::string calc = form_json(json::array({json{{"type", "calculate"}, {"name", "c"}}})).dump(2);
  CHECK(issues_of(calc).find("calculate item 'c' needs a \"calculation\"") != std::string::npos);
}

TEST_CASE("a form that is not an object, or has no survey, is refused with a message") {
  CHECK(issues_of("[1, 2]").find("test.json:1:1: a form definition must be a JSON object") !=
        std::string::npos);
  CHECK(issues_of("{}").find("needs a \"survey\" array") != std::string::npos);
  CHECK(issues_of("").find("JSON syntax error") != std::string::npos);
}

TEST_CASE("columns count characters, not bytes, on lines with Chinese text") {
  std::string text =
      "{\"survey\": [{\"type\": \"text\", \"name\": \"a\", \"label\": \"户主姓名\", "
      "\"type2\": 1}]}";
  expect_issue(text, "\"type2\"", "unknown key 'type2'");
  CHECK(issues_of(text).find("test.json:1:60:") != std::string::npos);
}

TEST_CASE("groups nested absurdly deep are refused, not recursed into") {
  auto nested_groups = [](int levels) {
    json inner = json::array({item("text", "leaf")});
    for (int i = 0; i < levels; ++i) inner = json::array({group("g" + std::to_string(i), inner)});
    return form_json(inner).dump();
  };
  CHECK(issues_of(nested_groups(65)).find("groups nested deeper than 64 levels") !=
        std::string::npos);
  // Far deeper, the JSON itself is refused by the decoder before the loader sees it.
  CHECK(issues_of(nested_groups(500)).find("the form is nested deeper than 160 levels") !=
        std::string::npos);
}

TEST_CASE("a question's merge key takes a rule, or a rule and the role that resolves it") {
  json survey = json::array(
      {item("integer", "income", {{"merge", "lww"}}),
       item("text", "head_name", {{"merge", {{"rule", "review"}, {"resolver", "township"}}}}),
       item("text", "notes", {{"merge", {{"resolver", "grid-worker"}}}}), item("text", "plain")});
  std::string text = form_json(survey).dump(2);
  CHECK(issues_of(text).empty());
  auto form = load_form(text, "test.json").form;
  REQUIRE(form);
  CHECK(form->find("income")->merge_rule == "lww");
  CHECK(form->find("income")->merge_resolver.empty());
  CHECK(form->find("head_name")->merge_rule == "review");
  CHECK(form->find("head_name")->merge_resolver == "township");
  CHECK(form->find("notes")->merge_rule == "review");
  CHECK(form->find("notes")->merge_resolver == "grid-worker");
  CHECK(form->find("plain")->merge_rule.empty());
}

TEST_CASE("a bad merge key is reported where it is, naming the item") {
  expect_issue(form_json(json::array({item("integer", "income", {{"merge", "max"}})})).dump(2),
               "\"max\"", "the merge rule of 'income' must be \"review\" or \"lww\"");
  expect_issue(
      form_json(json::array({item("integer", "income", {{"merge", {{"resolver", "mayor"}}}})}))
          .dump(2),
      "\"mayor\"", "the merge resolver of 'income' must be one of grid-worker");
  expect_issue(
      form_json(json::array({item("integer", "income", {{"merge", {{"who", "county"}}}})})).dump(2),
      "\"who\"", "unknown key 'who' in the merge of 'income'");
  expect_issue(form_json(json::array({item("integer", "income", {{"merge", 3}})})).dump(2), "3",
               "merge of 'income' must be");
  expect_issue(form_json(json::array({item("note", "intro", {{"merge", "lww"}})})).dump(2),
               "\"merge\"", "merge on 'intro', which is not a question");
}
