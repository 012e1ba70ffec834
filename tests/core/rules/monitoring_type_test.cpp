// The suggested monitoring type: unstable for formerly poor households, sudden hardship for
// expense or income shocks, marginal otherwise, none when nothing fired.
#include <doctest/doctest.h>

#include "core/rules/monitoring_type.h"
#include "tests/core/rules/household_fixture.h"

using doorstep::rules::suggest_monitoring_type;
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
