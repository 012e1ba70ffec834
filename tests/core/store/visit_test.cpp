// Visits: insert-only records whose answers update current fields only where they changed.
#include <doctest/doctest.h>

#include <optional>

#include "core/common/error.h"
#include "tests/core/replicas.h"

using doorstep::store::Store;
using doorstep::store::VisitInput;
using doorstep::test::check_problems;
using doorstep::test::make_replica;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

VisitInput visit_of(const std::string& household, json answers, const char* level = "green") {
  VisitInput visit;
  visit.household_id = household;
  visit.form_id = "household_monitoring";
  visit.form_version = "2026.1";
  visit.answers = std::move(answers);
  visit.risk = {{"level", level}, {"rules", json::array({"R1"})}};
  return visit;
}

json first_answers() {
  return {{"head_name", "王芳"},
          {"income", 4000},
          {"water_safe", true},
          {"members",
           {{{"name", "王芳"}, {"id_number", "640323198001010021"}, {"age", 45}},
            {{"name", "李明"}, {"id_number", "640323200501010011"}, {"age", 20}}}}};
}

// A stand-in for the form's rules (core/rules/household_classifier.h): red when the
// household's current income is at most 3000, else yellow, naming the rule "R1". The store
// must apply it to the household's merged state after every change.
void classify_by_income(Store& store) {
  store.set_classifier([](const json& state, const json&) -> std::optional<json> {
    const json& income = state["fields"].contains("income") ? state["fields"]["income"] : json();
    if (!income.is_number()) return std::nullopt;
    return json{{"level", income.get<double>() <= 3000 ? "red" : "yellow"},
                {"monitoring_type", nullptr},
                {"members", state["members"].size()},
                {"rules", json::array({{{"id", "R1"}}})}};
  });
}

// Ops on the household, its members and visits (the monitoring loop's records aside).
size_t ops_in_history(const Store& store, const std::string& household) {
  size_t count = 0;
  for (const auto& op : store.history(household, "")) {
    std::string type = op["type"];
    if (type == "household" || type == "member" || type == "visit") ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("a first visit creates members and sets the household's fields") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  classify_by_income(store);
  std::string h = store.add_household("640323.101.200.07", json::object());
  CHECK(store.household(h)["risk"]["level"].is_null());  // nothing to classify yet
  std::string v = store.record_visit(visit_of(h, first_answers(), "red"));
  json shown = store.household(h);
  CHECK(shown["fields"]["income"] == 4000);
  CHECK(shown["members"].size() == 2);
  REQUIRE(shown["visits"].size() == 1);
  CHECK(shown["visits"][0]["id"] == v);
  CHECK(shown["visits"][0]["level"] == "red");  // what the visitor was shown
  // The household's level is that of its merged state, not what the visit claimed.
  CHECK(shown["risk"]["level"] == "yellow");
  CHECK(shown["risk"]["members"] == 2);
  CHECK(shown["risk"]["rules"][0]["id"] == "R1");
  CHECK(check_problems(store) == "");
}

TEST_CASE("a revisit that confirms no change writes the visit and no field ops") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string h = store.add_household("640323.101.200.07", json::object());
  store.record_visit(visit_of(h, first_answers()));
  size_t before = ops_in_history(store, h);
  store.record_visit(visit_of(h, first_answers()));
  CHECK(ops_in_history(store, h) == before + 1);  // the visit record only
  CHECK(store.household(h)["members"].size() == 2);
}

TEST_CASE("a revisit writes ops only for changed fields, matching members by ID number") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  classify_by_income(store);
  std::string h = store.add_household("640323.101.200.07", json::object());
  store.record_visit(visit_of(h, first_answers()));
  CHECK(store.household(h)["risk"]["level"] == "yellow");
  size_t before = ops_in_history(store, h);
  json answers = first_answers();
  answers["income"] = 3000;
  answers["members"][1]["age"] = 21;
  store.record_visit(visit_of(h, answers, "red"));
  CHECK(ops_in_history(store, h) == before + 3);  // visit + income + one member's age
  // Yellow, then red: each visit raised a warning, and both are in the one open case.
  json warnings = store.warnings({})["warnings"];
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0]["case"] == warnings[1]["case"]);
  CHECK(store.cases({})["cases"].size() == 1);
  json shown = store.household(h);
  CHECK(shown["members"].size() == 2);
  CHECK(shown["fields"]["income"] == 3000);
  CHECK(shown["risk"]["level"] == "red");
  CHECK(check_problems(store) == "");
}

TEST_CASE("a revisit matches members by member id before ID number") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string h = store.add_household("640323.101.200.07", json::object());
  store.record_visit(visit_of(h, first_answers()));
  std::string member = store.household(h)["members"][0]["id"];
  json answers = first_answers();
  answers["members"] = json::array({{{"member_id", member}, {"id_number", "640323198001010048"}}});
  store.record_visit(visit_of(h, answers));
  json shown = store.household(h);
  CHECK(shown["members"].size() == 2);
  CHECK(shown["members"][0]["fields"]["id_number"] == "640323198001010048");
}

TEST_CASE("a visit naming a member of another household is refused with nothing written") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string h1 = store.add_household("640323.101.200.07", json::object());
  std::string h2 = store.add_household("640323.101.200.07", json::object());
  store.record_visit(visit_of(h1, first_answers()));
  std::string other = store.household(h1)["members"][0]["id"];
  std::string digest = store.digest();
  json answers = {{"income", 1}, {"members", {{{"member_id", other}}}}};
  CHECK_THROWS_WITH_AS(store.record_visit(visit_of(h2, answers)),
                       doctest::Contains("answers.members[0].member_id"), doorstep::Error);
  CHECK(store.digest() == digest);
  CHECK(store.household(h2)["visits"].empty());
}

TEST_CASE("visit answers with a malformed field name are refused naming it") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string h = store.add_household("640323.101.200.07", json::object());
  CHECK_THROWS_WITH_AS(store.record_visit(visit_of(h, {{"9lives", 1}})),
                       doctest::Contains("'9lives'"), doorstep::Error);
  CHECK_THROWS_WITH_AS(store.record_visit(visit_of(h, {{"members", {{{"bad-name", 1}}}}})),
                       doctest::Contains("answers.members[0]"), doorstep::Error);
  CHECK(store.household(h)["visits"].empty());
}
