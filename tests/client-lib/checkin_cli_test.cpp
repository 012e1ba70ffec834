// The visit schedule on the grid worker's phone, with no sync: `doorstep tasks` lists the home
// visits and check-ins due from the device's own data, `doorstep checkin` records a call, a
// new visit clears the revisit — and the C ABI's edges (ds_monitoring_checkin, the tasks
// filter's "schedule" and "kind"). Real processes on a real SQLite file; DOORSTEP_TODAY
// moves the date.
#include <doctest/doctest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "doorstep.h"
#include "tests/support/test_support.h"

using doorstep::test::cli_path;
using doorstep::test::ProcessResult;
using doorstep::test::run_process;
using doorstep::test::source_dir;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

// A grid worker's phone, never synced: the county's cadence is the defaults (15 days for a
// check-in, 30 for a home visit).
struct Phone {
  TempDir dir;
  std::string db = (dir / "phone.db").string();
  int files = 0;

  Phone() {
    auto init = run({"init", "--name", "Li Wei", "--scope", kGrid});
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  }
  ProcessResult run(std::vector<std::string> args, const std::string& today = "") const {
    args.insert(args.end(), {"--db", db});
    std::vector<std::string> env;
    if (!today.empty()) env.push_back("DOORSTEP_TODAY=" + today);
    return run_process(cli_path(), args, "", env);
  }
  json ok(std::vector<std::string> args, const std::string& today = "") const {
    args.push_back("--json");
    auto result = run(args, today);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
  }
  std::string add_household() const { return ok({"household", "add", "--grid", kGrid})["id"]; }
  // A visit of the shipped form with the green example's answers, dated `date`.
  void visit(const std::string& household, const std::string& date) {
    json answers = json::parse(
        doorstep::test::read_file(source_dir() / "forms" / "examples" / "green-household.json"));
    answers["visit_date"] = date;
    auto path = dir / ("answers-" + std::to_string(++files) + ".json");
    doorstep::test::write_file(path, answers.dump());
    ok({"visit", "--household", household, "--form",
        (source_dir() / "forms" / "household-monitoring.json").string(), "--answers",
        path.string()});
  }
  json tasks(const std::string& today, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"tasks"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ok(args, today)["tasks"];
  }
};

// The entry of `kind` for `household` among `tasks` (null if none).
json entry_of(const json& tasks, const std::string& kind, const std::string& household) {
  for (const auto& task : tasks)
    if (task["kind"] == kind && task["household"] == household) return task;
  return nullptr;
}

std::string message_of(const ds_error& error) {
  char* text = ds_error_message(&error);
  std::string message = text ? text : "";
  ds_free(text);
  return message;
}

struct StoreFree {
  void operator()(ds_store* s) const noexcept { ds_store_free(s); }
};

}  // namespace

TEST_CASE("a visit dated D puts a revisit due D+30 on the phone, overdue by 1 on D+31, no sync") {
  Phone phone;
  std::string household = phone.add_household();
  phone.visit(household, "2026-11-20");

  json tasks = phone.tasks("2026-12-21");
  json revisit = entry_of(tasks, "revisit", household);
  REQUIRE_MESSAGE(revisit.is_object(), tasks.dump());
  CHECK(revisit["due"] == "2026-12-20");
  CHECK(revisit["overdue"] == true);
  CHECK(revisit["days_overdue"] == 1);
  CHECK(revisit["assignee"] == kGrid);
  CHECK(revisit["status"] == "open");
  CHECK(revisit["scheduled"] == true);
  CHECK(revisit["since"] == "2026-11-20");
  json checkin = entry_of(tasks, "checkin", household);
  REQUIRE(checkin.is_object());
  CHECK(checkin["due"] == "2026-12-05");
  CHECK(checkin["days_overdue"] == 16);
  CHECK(tasks.size() == 2);
  // Not due the day before it is; due (not yet overdue) on the day.
  CHECK(entry_of(phone.tasks("2026-12-19"), "revisit", household).is_null());
  json on_the_day = entry_of(phone.tasks("2026-12-20"), "revisit", household);
  REQUIRE(on_the_day.is_object());
  CHECK(on_the_day["overdue"] == false);
  CHECK(on_the_day["id"] == revisit["id"]);  // one entry, one id, whatever the day
  // --overdue and --kind narrow the list.
  CHECK(phone.tasks("2026-12-20", {"--overdue"}).size() == 1);
  CHECK(phone.tasks("2026-12-21", {"--kind", "revisit"}).size() == 1);
  CHECK(phone.tasks("2026-12-21", {"--kind", "verify"}).empty());

  // The text listing says so too.
  auto text = phone.run({"tasks"}, "2026-12-21");
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("revisit  household " + household + "  due 2026-12-20 OVERDUE by 1 day") !=
        std::string::npos);
}

TEST_CASE("a check-in moves the check-in entry; a new visit clears the revisit") {
  Phone phone;
  std::string household = phone.add_household();
  phone.visit(household, "2026-11-20");
  json before = entry_of(phone.tasks("2026-12-21"), "checkin", household);
  REQUIRE(before.is_object());

  json recorded =
      phone.ok({"checkin", "--household", household, "--note", "电话回访：一切正常"}, "2026-12-21");
  CHECK(recorded["household"] == household);
  CHECK(recorded["date"] == "2026-12-21");
  CHECK(recorded["by"] == "Li Wei");
  CHECK(recorded["note"] == "电话回访：一切正常");
  CHECK(recorded["checkin"].get<std::string>().rfind(household + "-", 0) == 0);

  json tasks = phone.tasks("2026-12-21");
  CHECK(entry_of(tasks, "checkin", household).is_null());
  CHECK(entry_of(tasks, "revisit", household).is_object());  // a call is not a home visit
  json moved = entry_of(phone.tasks("2026-12-21", {"--all"}), "checkin", household);
  REQUIRE(moved.is_object());
  CHECK(moved["due"] == "2027-01-05");
  CHECK(moved["overdue"] == false);
  CHECK(moved["id"] != before["id"]);
  json later = entry_of(phone.tasks("2027-01-06"), "checkin", household);
  REQUIRE(later.is_object());
  CHECK(later["id"] == moved["id"]);
  CHECK(later["days_overdue"] == 1);

  // A call on an earlier day, recorded afterwards, counts from its own date.
  phone.ok({"checkin", "--household", household, "--date", "2026-12-10"}, "2026-12-21");
  CHECK(entry_of(phone.tasks("2026-12-21", {"--all"}), "checkin", household)["due"] ==
        "2027-01-05");

  // The home visit: the revisit is gone, and the next one counts from it.
  phone.visit(household, "2026-12-21");
  tasks = phone.tasks("2026-12-21");
  CHECK(entry_of(tasks, "revisit", household).is_null());
  json next = entry_of(phone.tasks("2026-12-21", {"--all"}), "revisit", household);
  REQUIRE(next.is_object());
  CHECK(next["due"] == "2027-01-20");
}

TEST_CASE("doorstep checkin refuses a date after today, a bad date and an unknown household") {
  Phone phone;
  std::string household = phone.add_household();
  auto future =
      phone.run({"checkin", "--household", household, "--date", "2026-12-22"}, "2026-12-21");
  CHECK(future.exit_code == 1);
  CHECK(future.err.find("--date 2026-12-22 is after today (2026-12-21)") != std::string::npos);
  auto bad = phone.run({"checkin", "--household", household, "--date", "21/12/2026"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("--date '21/12/2026' is not a date (YYYY-MM-DD)") != std::string::npos);
  auto unknown = phone.run({"checkin", "--household", "0123456789abcdef"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("unknown household '0123456789abcdef'") != std::string::npos);
  auto missing = phone.run({"checkin"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--household") != std::string::npos);
  auto kind = phone.run({"tasks", "--kind", "visit"});
  CHECK(kind.exit_code == 1);
  CHECK(kind.err.find("--kind 'visit' is not one of verify, revisit, checkin") !=
        std::string::npos);
}

TEST_CASE("ds_monitoring_checkin and the tasks filter's schedule and kind through the C ABI") {
  TempDir dir;
  std::string path = (dir / "phone.db").string();
  ds_error error{};
  std::unique_ptr<ds_store, StoreFree> store(
      ds_store_init(path.c_str(), R"({"name": "Li Wei", "scope": "640323.101.200"})", &error));
  REQUIRE(store);
  char* id = ds_store_household_add(store.get(), kGrid, "{}", &error);
  REQUIRE(id != nullptr);
  std::string household = id;
  ds_free(id);

  CHECK(ds_monitoring_checkin(store.get(), household.c_str(), R"({"when": "today"})", &error) ==
        nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(error).find("unknown member \"when\"") != std::string::npos);
  error = {};
  CHECK(ds_monitoring_checkin(store.get(), nullptr, nullptr, &error) == nullptr);
  CHECK(message_of(error).find("'household_id'") != std::string::npos);
  error = {};
  CHECK(ds_monitoring_checkin(store.get(), "0123456789abcdef", nullptr, &error) == nullptr);
  CHECK(error.code == DS_ERR_NOT_FOUND);
  error = {};
  char* out = ds_monitoring_checkin(store.get(), household.c_str(),
                                    R"({"date": "2026-12-01", "note": "no answer"})", &error);
  REQUIRE_MESSAGE(out != nullptr, message_of(error));
  json recorded = json::parse(out);
  ds_free(out);
  CHECK(recorded["date"] == "2026-12-01");
  CHECK(recorded["note"] == "no answer");

  // A household never visited is due its home visit 30 days after it was registered; far in
  // the future, everything is due. "schedule": false leaves the schedule out.
  setenv("DOORSTEP_TODAY", "2090-01-01", 1);
  auto listed = [&](const char* filter) {
    ds_error e{};
    char* text = ds_monitoring_tasks(store.get(), filter, &e);
    REQUIRE_MESSAGE(text != nullptr, message_of(e));
    json tasks = json::parse(text)["tasks"];
    ds_free(text);
    return tasks;
  };
  CHECK(listed(nullptr).size() == 2);
  CHECK(listed(R"({"kind": "checkin"})").size() == 1);
  CHECK(listed(R"({"schedule": false})").empty());
  CHECK(listed(R"({"status": "done"})").empty());
  error = {};
  CHECK(ds_monitoring_tasks(store.get(), R"({"schedule": "yes"})", &error) == nullptr);
  CHECK(message_of(error).find("\"schedule\" must be true or false") != std::string::npos);
  unsetenv("DOORSTEP_TODAY");
}
