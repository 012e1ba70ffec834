// The visit schedule in the store: what a household's visits (their visit_date answers) and
// check-ins say, the county's cadence settings, red households and cases under assistance —
// and that two replicas holding the same state list the same entries with the same ids.
// Real SQLite replicas; DOORSTEP_TODAY moves the date.
#include <doctest/doctest.h>

#include <cstdlib>

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "tests/core/monitoring/income_classifier.h"
#include "tests/core/replicas.h"

using doorstep::Error;
using doorstep::ErrorCode;
using doorstep::store::CheckinInput;
using doorstep::store::MonitoringFilter;
using doorstep::store::ScheduledContact;
using doorstep::store::Store;
using doorstep::store::TaskListing;
using doorstep::store::VisitInput;
using doorstep::test::classify_by_income;
using doorstep::test::make_replica;
using doorstep::test::send_all;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.07";
constexpr const char* kOtherGrid = "640323.101.200.08";

struct Today {
  explicit Today(const char* date) { set(date); }
  void set(const char* date) { setenv("DOORSTEP_TODAY", date, 1); }
  ~Today() { unsetenv("DOORSTEP_TODAY"); }
};

std::string visit_on(Store& store, const std::string& household, const std::string& date,
                     int income = 6000) {
  VisitInput visit;
  visit.household_id = household;
  visit.form_id = "monitoring";
  visit.form_version = "1";
  visit.answers = {{"income", income}, {"visit_date", date}};
  return store.record_visit(visit);
}

json checkin_on(Store& store, const std::string& household, const std::string& date,
                const std::string& note = "") {
  CheckinInput checkin;
  checkin.household = household;
  checkin.date = date;
  checkin.note = note;
  return store.record_checkin(checkin);
}

const ScheduledContact* entry(const std::vector<ScheduledContact>& entries, const char* kind) {
  for (const auto& e : entries)
    if (e.kind == kind) return &e;
  return nullptr;
}

json due_tasks(const Store& store, const std::string& kind = "") {
  TaskListing listing;
  listing.schedule = true;
  listing.kind = kind;
  return store.tasks(MonitoringFilter{}, listing)["tasks"];
}

ErrorCode code_of(const std::function<void()>& call, std::string* message = nullptr) {
  try {
    call();
  } catch (const Error& e) {
    if (message) *message = e.what();
    for (auto code : {ErrorCode::OutOfScope, ErrorCode::InvalidArgument, ErrorCode::NotFound})
      if (e.is(code)) return code;
    return ErrorCode::Internal;
  }
  return ErrorCode::Internal;  // nothing was refused
}

}  // namespace

TEST_CASE(
    "a visit's date sets the next home visit and check-in; a check-in moves only the "
    "check-in") {
  Today today("2026-12-21");
  TempDir dir;
  Store phone = make_replica(dir, "phone", "640323.101.200", "grid-worker");
  classify_by_income(phone);
  std::string h = phone.add_household(kGrid, json::object());
  visit_on(phone, h, "2026-11-20");

  auto entries = phone.schedule(h);
  const ScheduledContact* revisit = entry(entries, "revisit");
  const ScheduledContact* checkin = entry(entries, "checkin");
  REQUIRE(revisit);
  REQUIRE(checkin);
  CHECK(revisit->due == "2026-12-20");
  CHECK(revisit->since == "2026-11-20");
  CHECK(revisit->overdue);
  CHECK(revisit->days_overdue == 1);
  CHECK(revisit->grid == kGrid);
  CHECK(revisit->basis == "default");
  CHECK(checkin->due == "2026-12-05");
  CHECK(checkin->days_overdue == 16);
  CHECK(revisit->id.rfind(h + "-", 0) == 0);
  CHECK(revisit->id != checkin->id);

  // The entries are listed as tasks beside the stored ones, on request only.
  json tasks = due_tasks(phone);
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0]["kind"] == "checkin");  // the most overdue first (the earlier due date)
  CHECK(tasks[1]["id"] == revisit->id);
  CHECK(tasks[1]["assignee"] == kGrid);
  CHECK(tasks[1]["scheduled"] == true);
  CHECK(tasks[1]["status"] == "open");
  CHECK(tasks[1]["days_overdue"] == 1);
  CHECK(phone.tasks({})["tasks"].empty());

  json recorded = checkin_on(phone, h, "2026-12-21", "by phone: all well");
  CHECK(recorded["date"] == "2026-12-21");
  CHECK(recorded["by"] == "phone");
  CHECK(recorded["note"] == "by phone: all well");
  entries = phone.schedule(h);
  CHECK(entry(entries, "checkin")->due == "2027-01-05");
  CHECK(entry(entries, "checkin")->since == "2026-12-21");
  CHECK(entry(entries, "revisit")->due == "2026-12-20");  // a call is not a home visit
  CHECK(entry(entries, "revisit")->id == revisit->id);    // the same entry, the same id
  CHECK(due_tasks(phone, "checkin").empty());
  REQUIRE(due_tasks(phone, "revisit").size() == 1);

  // A home visit counts as contact for both.
  visit_on(phone, h, "2026-12-21");
  entries = phone.schedule(h);
  CHECK(entry(entries, "revisit")->due == "2027-01-20");
  CHECK(entry(entries, "revisit")->id != revisit->id);
  CHECK(due_tasks(phone).empty());
  MonitoringFilter all;
  all.all = true;
  TaskListing listing;
  listing.schedule = true;
  CHECK(phone.tasks(all, listing)["tasks"].size() == 2);  // the next ones, not due yet
}

TEST_CASE(
    "the county's cadence: a red household and a case under assistance are due sooner, "
    "0 turns an interval off") {
  Today today("2026-12-01");
  TempDir dir;
  Store county = make_replica(dir, "county", "", "county");
  Store phone = make_replica(dir, "phone", "640323.101.200", "grid-worker");
  doorstep::test::trust_each_other({&county, &phone});
  classify_by_income(county);
  classify_by_income(phone);
  county.set_county_settings({{"home_visit_interval_days_red", 12}});
  send_all(county, phone);

  std::string red = phone.add_household(kGrid, json::object());
  visit_on(phone, red, "2026-11-20", 3000);
  auto entries = phone.schedule(red);
  CHECK(entry(entries, "revisit")->basis == "red");
  CHECK(entry(entries, "revisit")->due == "2026-12-02");
  CHECK(entry(entries, "checkin")->due == "2026-11-30");  // the default red check-in, 10 days

  // The county turns check-ins off everywhere: the red households' own interval too.
  county.set_county_settings({{"phone_checkin_interval_days", 0},
                              {"phone_checkin_interval_days_red", 0},
                              {"phone_checkin_interval_days_case", 0}});
  send_all(county, phone);
  entries = phone.schedule(red);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].kind == "revisit");
}

TEST_CASE("the store counts a household never visited from the day its create op was written") {
  Today today("2090-01-01");
  TempDir dir;
  Store phone = make_replica(dir, "phone", "640323.101.200", "grid-worker");
  std::string h = phone.add_household(kGrid, json::object());
  auto entries = phone.schedule(h);
  const ScheduledContact* revisit = entry(entries, "revisit");
  REQUIRE(revisit);
  CHECK_FALSE(revisit->since_contact);
  auto registered = doorstep::monitoring::Date::parse(revisit->since);
  REQUIRE(registered);
  CHECK(doorstep::monitoring::Date::parse(revisit->due)->days == registered->days + 30);
  CHECK(revisit->overdue);
  // The same tomorrow: the due date and the id stay put.
  today.set("2090-01-02");
  CHECK(entry(phone.schedule(h), "revisit")->id == revisit->id);
  CHECK(entry(phone.schedule(h), "revisit")->days_overdue == revisit->days_overdue + 1);
}

TEST_CASE("a check-in syncs, and the county computes the phone's entries with the same ids") {
  Today today("2026-12-21");
  TempDir dir;
  Store county = make_replica(dir, "county", "", "county");
  Store phone = make_replica(dir, "phone", "640323.101.200", "grid-worker");
  doorstep::test::trust_each_other({&county, &phone});
  classify_by_income(county);
  classify_by_income(phone);
  std::string a = phone.add_household(kGrid, json::object());
  std::string b = phone.add_household(kOtherGrid, json::object());
  visit_on(phone, a, "2026-11-20");
  visit_on(phone, b, "2026-11-01", 3000);
  checkin_on(phone, b, "2026-12-10");
  send_all(phone, county);
  CHECK(county.digest() == phone.digest());
  for (const std::string& h : {a, b}) {
    auto mine = phone.schedule(h), theirs = county.schedule(h);
    REQUIRE(mine.size() == theirs.size());
    for (size_t i = 0; i < mine.size(); ++i) {
      CHECK(mine[i].id == theirs[i].id);
      CHECK(mine[i].due == theirs[i].due);
      CHECK(mine[i].kind == theirs[i].kind);
    }
  }
  CHECK(due_tasks(county) == due_tasks(phone));
  // The scan sees every household once, in grid order.
  std::vector<std::string> seen;
  county.scan_schedule({}, [&](const doorstep::store::HouseholdOverview& household,
                               const std::vector<ScheduledContact>& entries) {
    seen.push_back(household.id);
    for (const auto& e : entries) CHECK(e.household == household.id);
  });
  CHECK(seen == std::vector<std::string>{a, b});
}

TEST_CASE(
    "a check-in is refused for a date after today or not a date, an unknown household, "
    "and a household outside this device's scope") {
  Today today("2026-12-01");
  TempDir dir;
  Store phone = make_replica(dir, "phone", kGrid, "grid-worker");
  Store leader = make_replica(dir, "leader", "640323.101.200", "village-leader");
  doorstep::test::trust_each_other({&phone, &leader});
  std::string h = phone.add_household(kGrid, json::object());
  std::string digest = phone.digest(), message;

  CHECK(code_of([&] { checkin_on(phone, h, "2026-12-02"); }, &message) ==
        ErrorCode::InvalidArgument);
  CHECK(message.find("after today") != std::string::npos);
  CHECK(code_of([&] { checkin_on(phone, h, "2026-12-1"); }, &message) ==
        ErrorCode::InvalidArgument);
  CHECK(message.find("--date '2026-12-1' is not a date") != std::string::npos);
  CHECK(code_of([&] { checkin_on(phone, h, "", std::string(2001, 'x')); }, &message) ==
        ErrorCode::InvalidArgument);
  CHECK(message.find("--note") != std::string::npos);
  CHECK(code_of([&] { checkin_on(phone, "0123456789abcdef", ""); }, &message) ==
        ErrorCode::NotFound);
  CHECK(phone.digest() == digest);  // nothing written

  // The village leader moves the household to another grid of the village: the grid worker
  // keeps its copy, now outside this device's scope.
  send_all(phone, leader);
  leader.move_household(h, kOtherGrid, "the family moved");
  send_all(leader, phone);
  REQUIRE(phone.household(h)["grid"] == kOtherGrid);
  CHECK(code_of([&] { checkin_on(phone, h, ""); }, &message) == ErrorCode::OutOfScope);
  CHECK(message.find("outside this device's scope") != std::string::npos);
  // The leader, whose scope covers it, records it today.
  CHECK(checkin_on(leader, h, "")["date"] == "2026-12-01");
}
