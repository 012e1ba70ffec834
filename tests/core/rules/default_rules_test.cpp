// Every default rule of the shipped household monitoring form, with households that fire it
// and households that just miss it.
#include <doctest/doctest.h>

#include "tests/core/rules/household_fixture.h"

using namespace doorstep::test;
using doorstep::forms::RiskLevel;

TEST_CASE("the baseline household is green with no rule fired") {
  auto h = Household::green();
  CHECK(h.risk().level == RiskLevel::Green);
  CHECK(h.risk().fired.empty());
  CHECK(h.risk().monitoring_type.empty());
  CHECK(h.value("income_per_capita") == "10000");
}

TEST_CASE("red.food fires when food is not secured, not when it is or is unanswered") {
  auto h = Household::green();
  h.set("food_secure", "no");
  CHECK(h.fired("red.food"));
  CHECK(h.risk().level == RiskLevel::Red);
  h.set("food_secure", "");
  CHECK_FALSE(h.fired("red.food"));
  h.set("food_secure", "yes");
  CHECK_FALSE(h.fired("red.food"));
}

TEST_CASE("red.clothing fires when clothing is not secured") {
  auto h = Household::green();
  h.set("clothing_secure", "no");
  CHECK(h.fired("red.clothing"));
  h.set("clothing_secure", "yes");
  CHECK_FALSE(h.fired("red.clothing"));
}

TEST_CASE("red.water fires when drinking water is not safe") {
  auto h = Household::green();
  h.set("water_safe", "no");
  CHECK(h.fired("red.water"));
  h.set("water_safe", "yes");
  CHECK_FALSE(h.fired("red.water"));
}

TEST_CASE("red.housing fires for grades C and D, not for A and B") {
  auto h = Household::green();
  for (const char* grade : {"C", "D"}) {
    h.set("housing_grade", grade);
    CHECK(h.fired("red.housing"));
  }
  for (const char* grade : {"A", "B"}) {
    h.set("housing_grade", grade);
    CHECK_FALSE(h.fired("red.housing"));
  }
}

TEST_CASE("red.school fires for a child of 6 to 15 out of school for a reason other than health") {
  for (int age : {6, 10, 15}) {
    CAPTURE(age);
    auto h = Household::green();
    h.child(age, "no", "other");
    CHECK(h.fired("red.school"));
  }
}

TEST_CASE("red.school misses a child out of school for health, in school, or outside 6-15") {
  auto health = Household::green();
  health.child(10, "no", "health");
  CHECK_FALSE(health.fired("red.school"));

  auto in_school = Household::green();
  in_school.child(10, "yes");
  CHECK_FALSE(in_school.fired("red.school"));

  for (int age : {5, 16}) {
    CAPTURE(age);
    auto h = Household::green();
    int i = h.child(age);
    // The schooling questions are not asked at this age, even if answered before.
    h.member(i, "age", "10")
        .member(i, "in_school", "no")
        .member(i, "out_of_school_reason", "other");
    CHECK(h.fired("red.school"));
    h.member(i, "age", std::to_string(age));
    CHECK_FALSE(h.fired("red.school"));
  }
}

TEST_CASE("red.medical fires when any member is not enrolled in basic medical insurance") {
  auto h = Household::green();
  int i = h.child(3);
  CHECK_FALSE(h.fired("red.medical"));
  h.member(i, "medical_insured", "no");
  CHECK(h.fired("red.medical"));
  h.session().remove_repeat_instance("members", i);
  CHECK_FALSE(h.fired("red.medical"));
}

TEST_CASE("red.income fires when per-capita income is below the poverty line, not at it") {
  auto h = Household::green();  // 2 members, poverty line 4000 by default
  h.income(7998);
  CHECK(h.value("income_per_capita") == "3999");
  CHECK(h.fired("red.income"));
  h.income(8000);
  CHECK_FALSE(h.fired("red.income"));
}

TEST_CASE("red.income follows the county's poverty line") {
  auto h = Household::green({{"poverty_line", "3000"}});
  h.income(7000);
  CHECK_FALSE(h.fired("red.income"));
  auto strict = Household::green({{"poverty_line", "3600"}});
  strict.income(7000);
  CHECK(strict.fired("red.income"));
}

TEST_CASE("yellow.income_risk needs income below the threshold and a risk factor") {
  auto h = Household::green();  // monitoring threshold 5000
  h.income(9998).set("risk_factors", "u1");
  CHECK(h.fired("yellow.income_risk"));
  CHECK(h.risk().level == RiskLevel::Yellow);
  h.income(10000);
  CHECK_FALSE(h.fired("yellow.income_risk"));
  h.income(9998).set("risk_factors", "");
  CHECK_FALSE(h.fired("yellow.income_risk"));
  h.set("risk_factors", "m3 m5");
  CHECK(h.fired("yellow.income_risk"));
}

TEST_CASE("yellow.income_risk follows the county's monitoring threshold") {
  auto h = Household::green({{"monitoring_threshold", "6000"}});
  h.income(11000).set("risk_factors", "m1");
  CHECK(h.fired("yellow.income_risk"));
}

TEST_CASE("yellow.rigid_expense fires when rigid expenditure exceeds total income") {
  auto h = Household::green();  // income 20000
  h.expenses(20001);
  CHECK(h.value("expense_rigid_total") == "20001");
  CHECK(h.fired("yellow.rigid_expense"));
  h.expenses(20000);
  CHECK_FALSE(h.fired("yellow.rigid_expense"));
}

TEST_CASE("yellow.income_drop fires for a fall of 30% or more against the previous cycle") {
  auto h = Household::green();
  h.set("income_previous_cycle", "10000").income(7000);
  CHECK(h.fired("yellow.income_drop"));
  h.income(7001);
  CHECK_FALSE(h.fired("yellow.income_drop"));
  h.income(3000);
  h.set("income_previous_cycle", "");
  CHECK_FALSE(h.fired("yellow.income_drop"));
}

TEST_CASE("the level is the highest fired and every fired rule is listed with its message") {
  auto h = Household::green();
  h.set("food_secure", "no").expenses(30000);
  auto risk = h.risk();
  CHECK(risk.level == RiskLevel::Red);
  REQUIRE(risk.fired.size() == 2);
  CHECK(risk.fired[0].id == "red.food");
  CHECK(risk.fired[0].message == "Food is not secured");
  CHECK(risk.fired[1].id == "yellow.rigid_expense");
}

TEST_CASE("the risk is computed from what is answered so far, required questions still empty") {
  Household empty;
  CHECK(empty.risk().level == RiskLevel::Green);
  CHECK_FALSE(empty.session().snapshot().can_finalise);
  empty.set("water_safe", "no");
  CHECK(empty.risk().level == RiskLevel::Red);
  CHECK_FALSE(empty.fired("red.income"));  // no income answered: no income rule
}

TEST_CASE("rule messages follow the session's language") {
  Household zh({}, "zh");
  zh.set("food_secure", "no");
  CHECK(zh.risk().fired.at(0).message == "吃饭没有保障");
}

TEST_CASE("age defaults from a valid ID number and can be overridden") {
  Household h;
  int i = h.session().add_repeat_instance("members");
  h.member(i, "id_number", "640323200006150015");  // born 2000-06-15; the clock is 2026-06-01
  CHECK(h.session().question("age", i).value == "25");
  h.session().set_clock(1781481600);  // 2026-06-15
  CHECK(h.session().question("age", i).value == "26");
  h.member(i, "age", "30");
  CHECK(h.session().question("age", i).value == "30");
}
