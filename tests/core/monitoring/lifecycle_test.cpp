// The monitoring loop's rules: the working-day calendar, the case lifecycle's transition
// table with its roles and conditions, deadlines and escalation.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/monitoring/lifecycle.h"

using namespace doorstep;
using namespace doorstep::monitoring;

namespace {

Date day(const char* iso) {
  auto parsed = Date::parse(iso);
  REQUIRE_MESSAGE(parsed, iso);
  return *parsed;
}

// 2026's National Day week: 1-7 October off, Sunday 27 September and Saturday 10 October
// worked instead (调休).
WorkingCalendar national_day_2026() {
  return WorkingCalendar::from_json({{"holidays",
                                      {"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
                                       "2026-10-05", "2026-10-06", "2026-10-07"}},
                                     {"workdays", {"2026-09-27", "2026-10-10"}}},
                                    "calendar");
}

TransitionRequest ask(CaseState to, Role actor, std::string type = "", std::string reason = "") {
  TransitionRequest request;
  request.to = to;
  request.actor = actor;
  request.type = std::move(type);
  request.reason = std::move(reason);
  return request;
}

CaseFacts facts_in(CaseState state, const char* entered) {
  CaseFacts facts;
  facts.state = state;
  facts.entered = day(entered);
  return facts;
}

}  // namespace

TEST_CASE("dates are civil days: parsing, weekdays, months") {
  CHECK(day("1970-01-01").days == 0);
  CHECK(day("2026-12-01").to_string() == "2026-12-01");
  CHECK(day("2026-12-01").weekday() == 1);  // a Tuesday
  CHECK(day("2024-02-29").to_string() == "2024-02-29");
  CHECK_FALSE(Date::parse("2026-02-29"));
  CHECK_FALSE(Date::parse("2026-13-01"));
  CHECK_FALSE(Date::parse("2026-1-01"));
  CHECK_FALSE(Date::parse("20261201"));
  CHECK(day("2026-08-31").plus_months(6).to_string() == "2027-02-28");
  CHECK(day("2026-06-15").plus_months(6).to_string() == "2026-12-15");
}

TEST_CASE("working days skip weekends and holidays and count make-up working days") {
  WorkingCalendar calendar = national_day_2026();
  CHECK_FALSE(calendar.is_working_day(day("2026-10-01")));  // a Thursday, a holiday
  CHECK(calendar.is_working_day(day("2026-09-27")));        // a Sunday, worked
  CHECK_FALSE(calendar.is_working_day(day("2026-09-26")));  // a Saturday
  // Three working days after Friday 25 September: Sun 27, Mon 28, Tue 29.
  CHECK(calendar.add_working_days(day("2026-09-25"), 3).to_string() == "2026-09-29");
  // Across the holiday: Wed 30 September, then Thu 8, Fri 9, Sat 10 October.
  CHECK(calendar.add_working_days(day("2026-09-29"), 4).to_string() == "2026-10-10");
  CHECK(calendar.working_days_between(day("2026-09-29"), day("2026-10-10")) == 4);
  CHECK(calendar.working_days_between(day("2026-10-10"), day("2026-09-29")) == 0);
  CHECK(calendar.add_working_days(day("2026-10-01"), 0).to_string() == "2026-10-01");
  CHECK(calendar.to_json()["workdays"][0] == "2026-09-27");
}

TEST_CASE("a calendar with a bad date or a day both off and worked is refused, naming it") {
  try {
    WorkingCalendar::from_json({{"holidays", {"2026-10-01", "1 Oct"}}}, "calendar.json");
    FAIL("accepted a bad date");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("calendar.json: holidays[1]") != std::string::npos);
  }
  CHECK_THROWS_AS(
      WorkingCalendar::from_json({{"holidays", {"2026-10-01"}}, {"workdays", {"2026-10-01"}}},
                                 "calendar.json"),
      Error);
}

TEST_CASE("the lifecycle moves one step at a time, each by its role or one above") {
  LifecycleSettings settings;
  WorkingCalendar calendar;
  Date today = day("2026-12-01");
  CaseFacts identified = facts_in(CaseState::Identified, "2026-11-30");
  identified.verify_task_done = true;
  CHECK_FALSE(refuse_transition(identified, ask(CaseState::Verified, Role::VillageLeader), settings,
                                calendar, today));
  CHECK_FALSE(refuse_transition(identified, ask(CaseState::Verified, Role::County), settings,
                                calendar, today));
  auto grid_worker = refuse_transition(identified, ask(CaseState::Verified, Role::GridWorker),
                                       settings, calendar, today);
  REQUIRE(grid_worker);
  CHECK(grid_worker->find("needs the role village-leader") != std::string::npos);
  auto skipped = refuse_transition(identified, ask(CaseState::Approved, Role::County, "marginal"),
                                   settings, calendar, today);
  REQUIRE(skipped);
  CHECK(skipped->find("moves to verified") != std::string::npos);
  identified.verify_task_done = false;
  auto unverified = refuse_transition(identified, ask(CaseState::Verified, Role::VillageLeader),
                                      settings, calendar, today);
  REQUIRE(unverified);
  CHECK(unverified->find("verify task") != std::string::npos);
}

TEST_CASE("township review waits for the publicity days and for objections to be settled") {
  LifecycleSettings settings;  // 5 days of publicity
  WorkingCalendar calendar;
  CaseFacts publicised = facts_in(CaseState::Publicised, "2026-12-01");
  auto early = refuse_transition(publicised, ask(CaseState::TownshipReviewed, Role::Township),
                                 settings, calendar, day("2026-12-05"));
  REQUIRE(early);
  CHECK(early->find("2026-12-06") != std::string::npos);
  CHECK_FALSE(refuse_transition(publicised, ask(CaseState::TownshipReviewed, Role::Township),
                                settings, calendar, day("2026-12-06")));
  publicised.open_objection = true;
  auto objected = refuse_transition(publicised, ask(CaseState::TownshipReviewed, Role::Township),
                                    settings, calendar, day("2026-12-10"));
  REQUIRE(objected);
  CHECK(objected->find("objection") != std::string::npos);
  auto leader = refuse_transition(publicised, ask(CaseState::TownshipReviewed, Role::VillageLeader),
                                  settings, calendar, day("2026-12-10"));
  REQUIRE(leader);
  CHECK(leader->find("township") != std::string::npos);
}

TEST_CASE("approval sets a type; assistance needs a measure; elimination its conditions") {
  LifecycleSettings settings;
  WorkingCalendar calendar;
  Date today = day("2026-12-01");
  CaseFacts reviewed = facts_in(CaseState::TownshipReviewed, "2026-11-25");
  CHECK(refuse_transition(reviewed, ask(CaseState::Approved, Role::County, "poor"), settings,
                          calendar, today));
  CHECK_FALSE(refuse_transition(reviewed, ask(CaseState::Approved, Role::County, "sudden"),
                                settings, calendar, today));
  CaseFacts approved = facts_in(CaseState::Approved, "2026-11-28");
  CHECK(refuse_transition(approved, ask(CaseState::Assisting, Role::County), settings, calendar,
                          today)
            ->find("measure") != std::string::npos);
  approved.measures = 1;
  CHECK_FALSE(refuse_transition(approved, ask(CaseState::Assisting, Role::County), settings,
                                calendar, today));

  CaseFacts assisting = facts_in(CaseState::Assisting, "2026-06-01");
  assisting.income_at_threshold = true;
  auto early = refuse_transition(assisting, ask(CaseState::Eliminated, Role::County), settings,
                                 calendar, day("2026-11-30"));
  REQUIRE(early);
  CHECK(early->find("ends on 2026-12-01") != std::string::npos);
  CHECK_FALSE(refuse_transition(assisting, ask(CaseState::Eliminated, Role::County), settings,
                                calendar, today));
  assisting.red_rule_firing = true;
  CHECK(refuse_transition(assisting, ask(CaseState::Eliminated, Role::County), settings, calendar,
                          today)
            ->find("red rule") != std::string::npos);
  assisting.red_rule_firing = false;
  assisting.income_at_threshold = false;
  CHECK(refuse_transition(assisting, ask(CaseState::Eliminated, Role::County), settings, calendar,
                          today)
            ->find("below the monitoring threshold") != std::string::npos);
  assisting.income_at_threshold = true;
  assisting.measures_settled = false;
  CHECK(refuse_transition(assisting, ask(CaseState::Eliminated, Role::County), settings, calendar,
                          today)
            ->find("measure") != std::string::npos);
}

TEST_CASE("dismissal: before approval only, by the step's role, with a reason; closed is closed") {
  LifecycleSettings settings;
  WorkingCalendar calendar;
  Date today = day("2026-12-01");
  CaseFacts verified = facts_in(CaseState::Verified, "2026-11-30");
  CHECK_FALSE(refuse_transition(verified,
                                ask(CaseState::Dismissed, Role::VillageLeader, "", "收入已恢复"),
                                settings, calendar, today));
  CHECK(refuse_transition(verified, ask(CaseState::Dismissed, Role::VillageLeader), settings,
                          calendar, today)
            ->find("reason") != std::string::npos);
  CHECK(refuse_transition(verified, ask(CaseState::Dismissed, Role::GridWorker, "", "x"), settings,
                          calendar, today));
  CaseFacts assisting = facts_in(CaseState::Assisting, "2026-11-30");
  CHECK(refuse_transition(assisting, ask(CaseState::Dismissed, Role::County, "", "x"), settings,
                          calendar, today)
            ->find("before it is approved") != std::string::npos);
  CaseFacts dismissed = facts_in(CaseState::Dismissed, "2026-11-30");
  CHECK(refuse_transition(dismissed, ask(CaseState::Verified, Role::County), settings, calendar,
                          today)
            ->find("new case") != std::string::npos);
}

TEST_CASE("deadlines count working days and an overdue step escalates to the level above") {
  LifecycleSettings settings;  // verify 3 working days, township 5, county 5
  WorkingCalendar calendar = national_day_2026();
  // Identified on Tuesday 29 September: 3 working days are Wed 30 Sept, Thu 8, Fri 9 Oct.
  Date entered = day("2026-09-29");
  CHECK(step_deadline(CaseState::Identified, entered, settings, calendar)->to_string() ==
        "2026-10-09");
  CHECK_FALSE(is_overdue(CaseState::Identified, entered, day("2026-10-09"), settings, calendar));
  CHECK(is_overdue(CaseState::Identified, entered, day("2026-10-10"), settings, calendar));
  CHECK(escalation_level(CaseState::Identified) == Role::Township);
  CHECK(escalation_level(CaseState::Publicised) == Role::County);
  CHECK(escalation_level(CaseState::TownshipReviewed) == Role::County);
  // Publicity (calendar days) first, then the township's working days.
  CHECK(step_deadline(CaseState::Publicised, day("2026-11-30"), settings, calendar)->to_string() ==
        "2026-12-11");
  CHECK_FALSE(step_deadline(CaseState::Assisting, entered, settings, calendar));
  CHECK_FALSE(step_deadline(CaseState::Eliminated, entered, settings, calendar));
}

TEST_CASE("states, roles and types read from their names") {
  for (const char* name : {"identified", "verified", "publicised", "township_reviewed", "approved",
                           "assisting", "eliminated", "dismissed"})
    CHECK(std::string(to_string(*case_state_from_string(name))) == name);
  CHECK_FALSE(case_state_from_string("closed"));
  CHECK(role_from_string("village-leader") == Role::VillageLeader);
  CHECK_FALSE(role_from_string("mayor"));
  CHECK(is_monitoring_type("unstable"));
  CHECK_FALSE(is_monitoring_type("sudden_hardship"));
}

TEST_CASE("the lifecycle settings read back what they write, and keep defaults for the rest") {
  nlohmann::json written = LifecycleSettings{}.to_json();
  CHECK(written["deadline_verify_days"] == 3);
  CHECK(written["observation_months"] == 6);
  written["publicity_days"] = 7;
  written["follow_up_days"] = 400;  // out of range: the default stays
  nlohmann::json read = LifecycleSettings::from_json(written).to_json();
  CHECK(read["publicity_days"] == 7);
  CHECK(read["follow_up_days"] == 30);
  CHECK(read.size() == 6);
}
