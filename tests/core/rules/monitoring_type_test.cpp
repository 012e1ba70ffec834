// The suggested monitoring type: unstable for formerly poor households, sudden hardship for
// expense or income shocks, marginal otherwise, none when nothing fired.
#include <doctest/doctest.h>

#include "core/model/monitoring_type.h"
#include "tests/core/rules/household_fixture.h"

using doorstep::model::suggest_monitoring_type;
using namespace doorstep::test;

TEST_CASE("no rule fired suggests no monitoring type") {
  CHECK(suggest_monitoring_type("yes", {}).empty());
  CHECK(suggest_monitoring_type("no", {}).empty());
}

TEST_CASE("a formerly poor household with any warning is unstable") {
  CHECK(suggest_monitoring_type("yes", {"red.food"}) == "unstable");
  CHECK(suggest_monitoring_type("yes", {"yellow.income_drop"}) == "unstable");
}

TEST_CASE("an expense or income shock of a household never poor is sudden hardship") {
  CHECK(suggest_monitoring_type("no", {"yellow.rigid_expense"}) == "sudden_hardship");
  CHECK(suggest_monitoring_type("", {"red.income", "yellow.income_drop"}) == "sudden_hardship");
}

TEST_CASE("other warnings of a household never poor are marginal") {
  CHECK(suggest_monitoring_type("no", {"yellow.income_risk"}) == "marginal");
  CHECK(suggest_monitoring_type("no", {"red.housing", "red.medical"}) == "marginal");
}

TEST_CASE("the session's risk result carries the monitoring type of its household") {
  auto h = Household::green();
  h.set("housing_grade", "D");
  CHECK(h.risk().monitoring_type == "marginal");
  h.set("formerly_poor", "yes");
  CHECK(h.risk().monitoring_type == "unstable");
  h.set("formerly_poor", "no").set("housing_grade", "A").expenses(50000);
  CHECK(h.risk().monitoring_type == "sudden_hardship");
}

TEST_CASE("monitoring types and risk levels have the policy's names in zh and plain English") {
  using doorstep::model::monitoring_type_label;
  using doorstep::model::risk_level_label;
  CHECK(monitoring_type_label("unstable", "zh") == "脱贫不稳定户");
  CHECK(monitoring_type_label("marginal", "zh") == "边缘易致贫户");
  CHECK(monitoring_type_label("sudden_hardship", "zh") == "突发严重困难户");
  CHECK(monitoring_type_label("sudden_hardship", "en") == "sudden hardship");
  CHECK(monitoring_type_label("unstable", "en") == "unstable");
  CHECK(monitoring_type_label("", "zh").empty());
  CHECK(monitoring_type_label("other", "en").empty());
  CHECK(risk_level_label("red", "zh") == "红色");
  CHECK(risk_level_label("green", "en") == "green");
}
