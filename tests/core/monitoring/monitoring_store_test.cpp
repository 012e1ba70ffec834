// The monitoring loop in the store: what a visit raises, who may move a case and when, what
// every replica's admission refuses, and that one trigger or one overdue step gives one
// warning. Real SQLite replicas; DOORSTEP_TODAY moves the date.
#include <doctest/doctest.h>

#include <cstdlib>

#include "core/common/error.h"
#include "core/sync/change_verifier.h"
#include "core/sync/outbox.h"
#include "tests/core/monitoring/income_classifier.h"
#include "tests/core/replicas.h"
#include "tests/core/sync/sync_fixtures.h"

using doorstep::Error;
using doorstep::ErrorCode;
using doorstep::store::CaseAdvance;
using doorstep::store::MeasureInput;
using doorstep::store::Store;
using doorstep::store::VisitInput;
using doorstep::test::classify_by_income;
using doorstep::test::make_replica;
using doorstep::test::send_all;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.07";

struct Today {
  explicit Today(const char* date) { set(date); }
  void set(const char* date) { setenv("DOORSTEP_TODAY", date, 1); }
  ~Today() { unsetenv("DOORSTEP_TODAY"); }
};

std::string visit(Store& store, const std::string& household, int income,
                  const std::string& task = "", const std::string& verdict = "") {
  VisitInput visit;
  visit.household_id = household;
  visit.form_id = "monitoring";
  visit.form_version = "1";
  visit.answers = {{"income", income}};
  visit.task = task;
  visit.verdict = verdict;
  return store.record_visit(visit);
}

ErrorCode code_of(const std::function<void()>& call, std::string* message = nullptr) {
  try {
    call();
  } catch (const Error& e) {
    if (message) *message = e.what();
    for (auto code : {ErrorCode::OutOfScope, ErrorCode::Conflict, ErrorCode::InvalidArgument,
                      ErrorCode::NotFound, ErrorCode::Unauthorized})
      if (e.is(code)) return code;
    return ErrorCode::Internal;
  }
  return ErrorCode::Internal;  // nothing was refused
}

// A county, a village leader and a grid worker of one grid, with a red household whose
// verify task the grid worker has done, everything exchanged.
struct Village {
  TempDir dir;
  Store worker = make_replica(dir, "worker", "640323.101.200", "grid-worker");
  Store leader = make_replica(dir, "leader", "640323.101.200", "village-leader");
  Store county = make_replica(dir, "county", "", "county");
  std::string household, case_id, task;

  Village() {
    std::vector<Store*> all = {&worker, &leader, &county};
    doorstep::test::trust_each_other(all);
    for (auto* s : all) classify_by_income(*s);
    county.set_county_settings({{"publicity_days", 5}, {"observation_months", 6}});
    household = worker.add_household(kGrid, json::object());
    visit(worker, household, 3000);
    json tasks = worker.tasks({})["tasks"];
    REQUIRE(tasks.size() == 1);
    task = tasks[0]["id"];
    case_id = tasks[0]["case"];
    sync_all();
  }
  void sync_all() {
    for (int round = 0; round < 2; ++round)
      for (Store* a : {&worker, &leader, &county})
        for (Store* b : {&worker, &leader, &county})
          if (a != b) send_all(*a, *b);
  }
  CaseAdvance to(const std::string& state, const std::string& role = "") {
    CaseAdvance a;
    a.to = state;
    a.role = role;
    if (state == "approved") a.type = "marginal";
    if (state == "dismissed") a.reason = "checked: not at risk";
    return a;
  }
};

}  // namespace

TEST_CASE("a red visit raises its warning, case and verify task in the visit's own change") {
  Today today("2026-12-01");
  TempDir dir;
  Store phone = make_replica(dir, "phone", "", "grid-worker");
  classify_by_income(phone);
  std::string h = phone.add_household(kGrid, json::object());
  auto before = doorstep::sync::changes_since(phone, {}, 1000).changes.size();
  std::string v = visit(phone, h, 3000);
  auto changes = doorstep::sync::changes_since(phone, {}, 1000).changes;
  REQUIRE(changes.size() == before + 1);  // one change: the visit and what it raised
  std::set<std::string> types;
  for (const auto& op : changes.back().change.ops) types.insert(op.record_type);
  CHECK(types == std::set<std::string>{"case", "household", "task", "visit", "warning"});

  json warnings = phone.warnings({})["warnings"];
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]["source"] == "rules");
  CHECK(warnings[0]["level"] == "red");
  CHECK(warnings[0]["trigger"] == "visit:" + v);
  CHECK(warnings[0]["rules"] == json::array({"income.red"}));
  json tasks = phone.tasks({})["tasks"];
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["kind"] == "verify");
  CHECK(tasks[0]["assignee"] == kGrid);
  CHECK(tasks[0]["due"] == "2026-12-04");  // 3 working days after Tuesday 1 December
  json c = phone.case_detail(tasks[0]["case"]);
  CHECK(c["state"] == "identified");
  CHECK(c["risk_factors"] == json::array({"income.red"}));

  // A revisit that keeps it red joins nothing new: the case is open already.
  visit(phone, h, 3500);
  CHECK(phone.warnings({})["warnings"].size() == 1);
  // A green visit raises nothing; a later yellow one has an open case to join (no new case).
  visit(phone, h, 6000);
  visit(phone, h, 4500);
  CHECK(phone.warnings({})["warnings"].size() == 2);
  CHECK(phone.cases({})["cases"].size() == 1);
  // A household's own application is a warning of its own, joining the same case.
  json applied = phone.add_application(h, "medical bills after an operation");
  CHECK(applied["case"] == c["id"]);
  CHECK(applied["task"].is_null());
  CHECK(phone.warnings({})["warnings"].size() == 3);
  CHECK(doorstep::test::check_problems(phone) == "");
}

TEST_CASE("the season's refusals: wrong role, out of scope, skipped step, too early, objection") {
  Today today("2026-12-01");
  Village v;
  std::string digest = v.county.digest(), message;

  // A grid worker cannot verify; a leader cannot verify before the verify task is done.
  CHECK(code_of([&] { v.worker.advance_case(v.case_id, v.to("verified")); }, &message) ==
        ErrorCode::OutOfScope);
  CHECK(message.find("village-leader") != std::string::npos);
  CHECK(code_of([&] { v.leader.advance_case(v.case_id, v.to("verified")); }, &message) ==
        ErrorCode::Conflict);
  CHECK(message.find("verify task") != std::string::npos);
  // Skipping a step.
  CHECK(code_of([&] { v.leader.advance_case(v.case_id, v.to("publicised")); }, &message) ==
        ErrorCode::Conflict);
  CHECK(message.find("moves to verified") != std::string::npos);
  // A leader of another village: its store never takes the household's records, so the
  // case is unknown there (and every replica's admission refuses a change of a grid outside
  // the origin's certified scope: tests/core/sync/record_scope_test.cpp).
  {
    Store other = make_replica(v.dir, "other", "640323.101.201", "village-leader");
    send_all(v.county, other);
    CHECK(code_of([&] { other.advance_case(v.case_id, v.to("dismissed")); }, &message) ==
          ErrorCode::NotFound);
  }
  // A device cannot claim a role above its own.
  CHECK(code_of([&] { v.leader.advance_case(v.case_id, v.to("verified", "county")); }) ==
        ErrorCode::OutOfScope);

  // The grid worker verifies; the leader verifies and publicises.
  visit(v.worker, v.household, 3000, v.task, "confirmed");
  v.sync_all();
  v.leader.advance_case(v.case_id, v.to("verified"));
  v.leader.advance_case(v.case_id, v.to("publicised"));
  v.sync_all();
  // Township review before the 5 days of publicity.
  today.set("2026-12-04");
  CHECK(code_of([&] { v.county.advance_case(v.case_id, v.to("township_reviewed", "township")); },
                &message) == ErrorCode::Conflict);
  CHECK(message.find("2026-12-06") != std::string::npos);
  // An objection keeps it from township review until it is settled.
  std::string objection = v.worker.object_case(v.case_id, "the family runs a shop");
  v.sync_all();
  today.set("2026-12-07");
  CHECK(code_of([&] { v.county.advance_case(v.case_id, v.to("township_reviewed", "township")); },
                &message) == ErrorCode::Conflict);
  CHECK(message.find("objection") != std::string::npos);
  CHECK(code_of([&] { v.worker.settle_objection(objection, "checked"); }) == ErrorCode::OutOfScope);
  v.leader.settle_objection(objection, "the shop closed in June; checked with the township");
  v.sync_all();
  v.county.advance_case(v.case_id, v.to("township_reviewed", "township"));
  // Approval needs a type; assisting needs a measure.
  CaseAdvance untyped = v.to("approved");
  untyped.type = "";
  CHECK(code_of([&] { v.county.advance_case(v.case_id, untyped); }) == ErrorCode::Conflict);
  v.county.advance_case(v.case_id, v.to("approved"));
  CHECK(code_of([&] { v.county.advance_case(v.case_id, v.to("assisting")); }, &message) ==
        ErrorCode::Conflict);
  CHECK(message.find("measure") != std::string::npos);
  MeasureInput measure;
  measure.department = "human_resources";
  measure.kind = "public-welfare post";
  measure.start = "2026-12-08";
  measure.ongoing = true;
  CHECK(code_of([&] { v.leader.add_measure(v.case_id, measure); }) == ErrorCode::OutOfScope);
  v.county.add_measure(v.case_id, measure);
  v.county.advance_case(v.case_id, v.to("assisting"));
  // Elimination inside the observation period, then with income still below the threshold.
  today.set("2027-03-01");
  CHECK(code_of([&] { v.county.advance_case(v.case_id, v.to("eliminated")); }, &message) ==
        ErrorCode::Conflict);
  CHECK(message.find("observation period") != std::string::npos);
  today.set("2027-06-09");
  CHECK(code_of([&] { v.county.advance_case(v.case_id, v.to("eliminated")); }, &message) ==
        ErrorCode::Conflict);
  CHECK(message.find("red rule") != std::string::npos);
  // Dismissal is for before approval.
  CHECK(code_of([&] { v.county.advance_case(v.case_id, v.to("dismissed")); }) ==
        ErrorCode::Conflict);
  v.sync_all();
  visit(v.worker, v.household, 6500);  // a green revisit
  v.sync_all();
  json done = v.county.advance_case(v.case_id, v.to("eliminated"));
  CHECK(done["state"] == "eliminated");
  std::vector<std::string> path;
  for (const auto& h : done["history"]) path.push_back(h["to"]);
  CHECK(path == std::vector<std::string>{"identified", "verified", "publicised",
                                         "township_reviewed", "approved", "assisting",
                                         "eliminated"});
  CHECK(done["history"][1]["role"] == "village-leader");
  CHECK(done["history"][3]["role"] == "township");
  CHECK(done["history"][6]["role"] == "county");
  // Eliminated: its warnings are closed, the household has no open case, the record stays.
  CHECK(v.county.cases({})["cases"].empty());
  CHECK(v.county.warnings({})["warnings"].empty());
  v.sync_all();
  CHECK(v.worker.digest() == v.county.digest());
  CHECK(digest != v.county.digest());
}

TEST_CASE("a dismissed case is closed and a later red visit opens a new one") {
  Today today("2026-12-01");
  Village v;
  v.leader.advance_case(v.case_id, v.to("dismissed"));
  v.sync_all();
  CHECK(v.worker.tasks({})["tasks"].empty());  // its verify task was cancelled
  CHECK(v.worker.cases({})["cases"].empty());
  visit(v.worker, v.household, 3200);
  json cases = v.worker.cases({})["cases"];
  REQUIRE(cases.size() == 1);
  CHECK(cases[0]["id"] != v.case_id);
  CHECK(v.worker.case_detail(v.case_id)["state"] == "dismissed");
}

TEST_CASE("an overdue step raises one escalation warning, however often the county sweeps") {
  Today today("2026-12-01");
  Village v;
  json first = v.county.monitor();
  CHECK(first["escalations"].empty());
  CHECK(first["warnings"].empty());  // the phone raised the visit's warning already
  today.set("2026-12-07");           // deadline 2026-12-04 (3 working days) has passed
  json overdue = v.county.cases({{}, {}, {}, {}, true, false})["cases"];
  REQUIRE(overdue.size() == 1);
  CHECK(overdue[0]["overdue"] == true);
  CHECK(v.county.tasks({{}, {}, {}, {}, true, false})["tasks"].size() == 1);
  json sweep = v.county.monitor();
  REQUIRE(sweep["escalations"].size() == 1);
  CHECK(v.county.monitor()["escalations"].empty());
  v.sync_all();
  CHECK(v.county.monitor()["escalations"].empty());
  json escalations = v.county.warnings({})["warnings"];
  int count = 0;
  for (const auto& w : escalations)
    if (w["source"] == "escalation") {
      ++count;
      CHECK(w["escalated_to"] == "township");
      CHECK(w["case"] == v.case_id);
    }
  CHECK(count == 1);
  CHECK(v.worker.warnings({})["warnings"].size() == 2);  // synced to the phone
}

TEST_CASE("the county's sweep warns for a household its own classification finds red") {
  Today today("2026-12-01");
  TempDir dir;
  Store phone = make_replica(dir, "phone", "", "grid-worker");
  Store county = make_replica(dir, "county", "", "county");
  doorstep::test::trust_each_other({&phone, &county});
  classify_by_income(county);  // the phone has no classifier: it raised nothing
  std::string h = phone.add_household(kGrid, json::object());
  visit(phone, h, 3000);
  send_all(phone, county);
  CHECK(county.warnings({})["warnings"].empty());
  json sweep = county.monitor();
  REQUIRE(sweep["warnings"].size() == 1);
  CHECK(county.monitor()["warnings"].empty());
  CHECK(county.cases({})["cases"].size() == 1);
}

TEST_CASE("every replica refuses a transition whose role the device's certificate lacks") {
  using namespace doorstep::sync;
  using doorstep::crypto::DeviceRole;
  Today today("2026-12-01");
  TempDir dir;
  testing::TestCounty county(dir.path());
  testing::Device center = county.enroll("county", DeviceRole::County, "640323");
  testing::Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  classify_by_income(*worker.store);
  std::string h = worker.store->add_household(kGrid, json::object());
  visit(*worker.store, h, 3000);
  json task = worker.store->tasks({})["tasks"][0];
  visit(*worker.store, h, 3000, task["id"], "confirmed");
  // A tampered app believes it is a village leader and verifies its own case.
  worker.store->adopt_identity("village-leader", kGrid);
  CaseAdvance ask;
  ask.to = "verified";
  worker.store->advance_case(task["case"], ask);

  auto page = next_page_for(*worker.replica, center.id(), "640323", 0, 1000);
  ChangeVerifier verifier(*center.replica);
  verifier.learn(page.certificates);
  AckMessage ack = verifier.ingest("b1", page.changes);
  CHECK(ack.stored == 3);  // the household and both visits
  REQUIRE(ack.rejected.size() == 1);
  CHECK(ack.rejected[0].reason.find("village-leader") != std::string::npos);
  CHECK(center.store->case_detail(task["case"])["state"] == "identified");
}

TEST_CASE("a department warning carries its figures to a verify task, once per trigger") {
  Today today("2026-12-01");
  Village v;
  doorstep::store::WarningRequest request;
  request.household = v.household;
  request.source = "department";
  request.trigger = "medical-insurance:640323196201051734:out_of_pocket=23000";
  request.rules = json::array({"department.medical_cost"});
  request.reason = "out-of-pocket medical costs of 23000 yuan in the last 12 months";
  request.values = {{"out_of_pocket", 23000}};
  request.prefill = {{"expense_medical", 23000}};
  json raised = v.county.raise_warning(request);
  CHECK(raised["created"] == true);
  CHECK(raised["case"] == v.case_id);  // joins the open case
  REQUIRE(raised["task"].is_string());
  CHECK(raised["task"] != v.task);  // with a verify task of its own for the figures
  json again = v.county.raise_warning(request);
  CHECK(again["created"] == false);
  CHECK(again["warning"] == raised["warning"]);
  v.sync_all();
  json tasks = v.worker.tasks({})["tasks"];
  bool found = false;
  for (const auto& t : tasks)
    if (t["id"] == raised["task"]) {
      found = true;
      CHECK(t["kind"] == "verify");
      CHECK(t["prefill"] == json{{"expense_medical", 23000}});
    }
  CHECK(found);
  json warning = v.worker.warnings({})["warnings"][0];
  CHECK(warning["source"] == "department");
  request.source = "nonsense";
  CHECK_THROWS_AS(v.county.raise_warning(request), Error);
}

TEST_CASE("two concurrent transitions of one case are a conflict on every replica, not a pick") {
  Today today("2026-12-01");
  Village v;
  visit(v.worker, v.household, 3000, v.task, "confirmed");
  v.sync_all();
  // Offline, each on their own device: the leader verifies, the county dismisses.
  v.leader.advance_case(v.case_id, v.to("verified"));
  v.county.advance_case(v.case_id, v.to("dismissed"));
  v.sync_all();
  for (Store* replica : {&v.worker, &v.leader, &v.county}) {
    INFO(replica->identity().name);
    json c = replica->case_detail(v.case_id);
    CHECK(c["conflict"] == true);
    std::set<std::string> states(c["states"].begin(), c["states"].end());
    CHECK(states == std::set<std::string>{"verified", "dismissed"});
    bool listed = false;
    for (const auto& conflict : replica->conflicts())
      listed = listed || (conflict["record"] == v.case_id && conflict["field"] == "state");
    CHECK(listed);
    // Both transitions stay in the history, and the case is still open.
    CHECK(c["history"].size() == 3);
    CHECK(replica->cases({})["cases"].size() == 1);
  }
  std::string message;
  CHECK(code_of([&] { v.leader.advance_case(v.case_id, v.to("publicised")); }, &message) ==
        ErrorCode::Conflict);
  CHECK(message.find("conflict") != std::string::npos);
  // A leader resolves it; the case moves on from the state chosen.
  json chosen = v.leader.case_detail(v.case_id)["history"][1];
  const json history = v.leader.case_detail(v.case_id)["history"];
  for (const auto& h : history)
    if (h["to"] == "verified") chosen = h;
  json value = {{"state", "verified"},
                {"from", "identified"},
                {"on", chosen["on"]},
                {"actor", chosen["actor"]},
                {"role", chosen["role"]}};
  v.leader.resolve(v.case_id, "state", value);
  v.sync_all();
  CHECK(v.county.case_detail(v.case_id)["conflict"] == false);
  CHECK(v.leader.advance_case(v.case_id, v.to("publicised"))["state"] == "publicised");
}

TEST_CASE("the county's calendar reaches the phone and moves its deadlines") {
  Today today("2026-09-29");  // a Tuesday, before National Day
  Village v;
  // Without a calendar: 3 working days after Tuesday 29 September is Friday 2 October.
  CHECK(v.worker.tasks({})["tasks"][0]["due"] == "2026-10-02");
  v.county.set_calendar(
      {{"holidays", {"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"}},
       {"workdays", {"2026-09-27", "2026-10-10"}}});
  CHECK_FALSE(v.county.set_calendar(v.county.calendar()));  // unchanged: nothing written
  CHECK_THROWS_AS(v.worker.set_calendar(v.county.calendar()), Error);
  v.sync_all();
  CHECK(v.worker.calendar() == v.county.calendar());
  // A case opened now counts on it: 30 September, then Thursday 8 October, Friday 9.
  std::string other = v.worker.add_household(kGrid, json::object());
  visit(v.worker, other, 3000);
  const json tasks = v.worker.tasks({})["tasks"];
  for (const auto& t : tasks)
    if (t["household"] == other) CHECK(t["due"] == "2026-10-09");
}
