// doorstep tasks, warnings, case show/list/advance/object/settle, application add, measure
// add, calendar show: the monitoring loop on the device, through the C ABI
// (doorstep_monitoring.h). Everything works offline; sync carries it to the county.
#include <iostream>
#include <nlohmann/json.hpp>

#include "abi.h"
#include "command.h"
#include "doorstep.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

json call(char* returned, const ds_error& error) {
  return json::parse(take_string(returned, error));
}

void print_or(const Args& args, const json& value, const std::function<void()>& text) {
  if (args.json())
    std::cout << value.dump() << "\n";
  else
    text();
}

std::string due_text(const json& item) {
  std::string out = item["due"].is_string() ? item["due"].get<std::string>() : "no deadline";
  if (item.value("overdue", false)) out += " OVERDUE";
  return out;
}

int run_tasks(const std::vector<std::string>& argv) {
  Args args("tasks", argv,
            {{"all"}, {"overdue"}, {"status", true}, {"household", true}, {"kind", true}});
  args.expect_at_most(0);
  json filter = json::object();
  if (args.has("all")) filter["all"] = true;
  if (args.has("overdue")) filter["overdue"] = true;
  if (auto status = args.value("status")) filter["status"] = *status;
  if (auto household = args.value("household")) filter["household"] = *household;
  if (auto kind = args.value("kind")) filter["kind"] = *kind;
  StoreHandle store = open_store(args);
  ds_error error{};
  json tasks = call(ds_monitoring_tasks(store.get(), filter.dump().c_str(), &error), error);
  print_or(args, tasks, [&] {
    if (tasks["tasks"].empty()) std::cout << "no tasks\n";
    for (const auto& task : tasks["tasks"]) {
      std::cout << value_text(task["id"]) << "  " << value_text(task["kind"]) << "  household "
                << value_text(task["household"]) << "  due " << due_text(task);
      if (task.value("days_overdue", 0) > 0)
        std::cout << " by " << task["days_overdue"].get<int64_t>() << " day"
                  << (task["days_overdue"] == 1 ? "" : "s");
      std::cout << "  " << value_text(task["status"]) << "\n";
    }
  });
  return 0;
}

int run_warnings(const std::vector<std::string>& argv) {
  Args args("warnings", argv, {{"all"}, {"status", true}, {"household", true}});
  args.expect_at_most(0);
  json filter = json::object();
  if (args.has("all")) filter["all"] = true;
  if (auto status = args.value("status")) filter["status"] = *status;
  if (auto household = args.value("household")) filter["household"] = *household;
  StoreHandle store = open_store(args);
  ds_error error{};
  json warnings = call(ds_monitoring_warnings(store.get(), filter.dump().c_str(), &error), error);
  print_or(args, warnings, [&] {
    if (warnings["warnings"].empty()) std::cout << "no warnings\n";
    for (const auto& w : warnings["warnings"])
      std::cout << value_text(w["id"]) << "  " << value_text(w["source"]) << "  "
                << value_text(w["level"]) << "  household " << value_text(w["household"])
                << "  case " << value_text(w["case"]) << "  " << value_text(w["status"]) << "\n";
  });
  return 0;
}

void print_case(const json& c) {
  std::cout << "case " << value_text(c["id"]) << " of household " << value_text(c["household"])
            << "\n  state: " << value_text(c["state"]);
  if (c.value("conflict", false)) std::cout << " (concurrent transitions in conflict)";
  std::cout << "\n  type: " << (c["type"].is_null() ? "not set yet" : value_text(c["type"]))
            << "\n  due: " << due_text(c) << "\n";
  if (c["next"].is_object())
    std::cout << "  next: " << value_text(c["next"]["to"]) << " by a "
              << value_text(c["next"]["role"]) << " or above\n";
  std::cout << "  history:\n";
  for (const auto& h : c["history"]) {
    std::cout << "    " << value_text(h["at"]) << "  "
              << (h["from"].is_null() ? std::string("opened") : value_text(h["from"]) + " ->")
              << " " << value_text(h["to"]) << "  by " << value_text(h["actor"]);
    if (h["role"].is_string()) std::cout << " (" << value_text(h["role"]) << ")";
    if (h["reason"].is_string()) std::cout << ": " << value_text(h["reason"]);
    std::cout << "\n";
  }
  for (const auto& w : c["warnings"])
    std::cout << "  warning " << value_text(w["id"]) << " (" << value_text(w["source"]) << ")\n";
  for (const auto& t : c["tasks"])
    std::cout << "  task " << value_text(t["id"]) << " " << value_text(t["kind"]) << " "
              << value_text(t["status"]) << ", due " << due_text(t) << "\n";
  for (const auto& m : c["measures"])
    std::cout << "  measure " << value_text(m["id"]) << " " << value_text(m["department"]) << ": "
              << value_text(m["kind"]) << "\n";
  for (const auto& o : c["objections"])
    std::cout << "  objection " << value_text(o["id"]) << " (" << value_text(o["status"])
              << "): " << value_text(o["text"]) << "\n";
}

int run_case_show(const std::vector<std::string>& argv) {
  Args args("case show", argv, {});
  args.expect_at_most(1);
  std::string id = args.positional(0, "the case ID");
  StoreHandle store = open_store(args);
  ds_error error{};
  json c = call(ds_monitoring_case(store.get(), id.c_str(), &error), error);
  print_or(args, c, [&] { print_case(c); });
  return 0;
}

int run_case_list(const std::vector<std::string>& argv) {
  Args args("case list", argv, {{"state", true}, {"all"}, {"overdue"}, {"household", true}});
  args.expect_at_most(0);
  json filter = json::object();
  if (auto state = args.value("state")) filter["state"] = *state;
  if (args.has("all")) filter["all"] = true;
  if (args.has("overdue")) filter["overdue"] = true;
  if (auto household = args.value("household")) filter["household"] = *household;
  StoreHandle store = open_store(args);
  ds_error error{};
  json cases = call(ds_monitoring_cases(store.get(), filter.dump().c_str(), &error), error);
  print_or(args, cases, [&] {
    if (cases["cases"].empty()) std::cout << "no cases\n";
    for (const auto& c : cases["cases"])
      std::cout << value_text(c["id"]) << "  " << value_text(c["state"]) << "  household "
                << value_text(c["household"]) << "  due " << due_text(c) << "\n";
  });
  return 0;
}

int run_case_advance(const std::vector<std::string>& argv) {
  Args args("case advance", argv, {{"to", true}, {"reason", true}, {"type", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "the case ID");
  json request = {{"to", args.required("to")}};
  if (auto reason = args.value("reason")) request["reason"] = *reason;
  if (auto type = args.value("type")) request["type"] = *type;
  StoreHandle store = open_store(args);
  ds_error error{};
  json c =
      call(ds_monitoring_advance(store.get(), id.c_str(), request.dump().c_str(), &error), error);
  print_or(args, c, [&] {
    std::cout << "case " << value_text(c["id"]) << " is " << value_text(c["state"]) << "\n";
  });
  return 0;
}

int run_case_object(const std::vector<std::string>& argv) {
  Args args("case object", argv, {{"text", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "the case ID");
  std::string text = args.required("text");
  StoreHandle store = open_store(args);
  ds_error error{};
  json out = call(ds_monitoring_object(store.get(), id.c_str(), text.c_str(), &error), error);
  print_or(args, out,
           [&] { std::cout << "objection " << value_text(out["objection"]) << " recorded\n"; });
  return 0;
}

int run_case_settle(const std::vector<std::string>& argv) {
  Args args("case settle", argv, {{"note", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "the objection ID");
  std::string note = args.required("note");
  StoreHandle store = open_store(args);
  ds_error error{};
  json out = call(ds_monitoring_settle(store.get(), id.c_str(), note.c_str(), &error), error);
  print_or(args, out,
           [&] { std::cout << "objection " << value_text(out["objection"]) << " settled\n"; });
  return 0;
}

int run_application_add(const std::vector<std::string>& argv) {
  Args args("application add", argv, {{"household", true}, {"reason", true}});
  args.expect_at_most(0);
  std::string household = args.required("household");
  std::string reason = args.required("reason");
  StoreHandle store = open_store(args);
  ds_error error{};
  json out =
      call(ds_monitoring_apply(store.get(), household.c_str(), reason.c_str(), &error), error);
  print_or(args, out, [&] {
    std::cout << "warning " << value_text(out["warning"]) << " (application), case "
              << value_text(out["case"]);
    if (out["task"].is_string()) std::cout << ", verify task " << value_text(out["task"]);
    std::cout << "\n";
  });
  return 0;
}

int run_measure_add(const std::vector<std::string>& argv) {
  Args args("measure add", argv,
            {{"department", true},
             {"kind", true},
             {"start", true},
             {"end", true},
             {"ongoing"},
             {"note", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "the case ID");
  json measure = {{"department", args.required("department")},
                  {"kind", args.required("kind")},
                  {"start", args.required("start")}};
  if (auto end = args.value("end")) measure["end"] = *end;
  if (args.has("ongoing")) measure["ongoing"] = true;
  if (auto note = args.value("note")) measure["note"] = *note;
  StoreHandle store = open_store(args);
  ds_error error{};
  json out = call(
      ds_monitoring_measure_add(store.get(), id.c_str(), measure.dump().c_str(), &error), error);
  print_or(args, out,
           [&] { std::cout << "measure " << value_text(out["measure"]) << " recorded\n"; });
  return 0;
}

int run_calendar_show(const std::vector<std::string>& argv) {
  Args args("calendar show", argv, {});
  args.expect_at_most(0);
  StoreHandle store = open_store(args);
  ds_error error{};
  json calendar = call(ds_monitoring_calendar(store.get(), &error), error);
  print_or(args, calendar, [&] {
    std::cout << "today: " << value_text(calendar["today"]) << "\nholidays:";
    for (const auto& d : calendar["holidays"]) std::cout << " " << value_text(d);
    std::cout << "\nmake-up working days:";
    for (const auto& d : calendar["workdays"]) std::cout << " " << value_text(d);
    std::cout << "\n";
  });
  return 0;
}

const char* kToday =
    "\"Today\" is DOORSTEP_TODAY (YYYY-MM-DD) when it is set — for tests, demos and\n"
    "training — else the clock's date (China Standard Time).\n";

const CommandRegistration tasks_command{
    {"tasks", "the tasks of this device's households: verify, revisit, follow-up",
     std::string(
         "usage: doorstep tasks --db PATH [--all] [--overdue] [--status S] "
         "[--household ID] [--kind K] [--json]\n\n"
         "Open tasks in this device's scope, overdue first (--all: done and cancelled\n"
         "ones too, and the schedule's next visits and check-ins not due yet). Beside the\n"
         "stored tasks (verify, follow_up, elimination_check) are the visit schedule's, due\n"
         "from the county's cadence: revisit (a home visit) and checkin (a phone check-in),\n"
         "computed here from this device's data, no sync needed. --kind keeps one kind.\n"
         "--json prints {\"tasks\": [{\"id\", \"kind\", \"household\", \"case\",\n"
         "\"assignee\", \"due\", \"status\", \"overdue\", \"days_overdue\", \"result\",\n"
         "\"scheduled\"}]}. A task is done by a visit: doorstep visit ... --task ID\n"
         "[--verdict confirmed|dismissed]; a schedule entry by the visit or check-in it asks for\n"
         "(doorstep checkin).\n") +
         kToday,
     run_tasks}};
const CommandRegistration warnings_command{
    {"warnings", "the warnings raised for this device's households",
     "usage: doorstep warnings --db PATH [--status open|closed] [--all] [--household ID] "
     "[--json]\n\n"
     "Open warnings (--all: closed ones too), newest first. --json prints {\"warnings\":\n"
     "[{\"id\", \"household\", \"source\", \"level\", \"rules\", \"status\", \"case\",\n"
     "\"created_at\", ...}]}.\n",
     run_warnings}};
const CommandRegistration case_show_command{
    {"case show", "one monitoring case with its history, warnings, tasks and measures",
     "usage: doorstep case show ID --db PATH [--json]\n\n"
     "--json prints {\"id\", \"household\", \"state\", \"type\", \"risk_factors\", \"warnings\",\n"
     "\"measures\", \"tasks\", \"objections\", \"history\": [{\"from\", \"to\", \"actor\", "
     "\"role\",\n"
     "\"at\", \"on\", \"reason\"}], \"due\", \"overdue\", \"next\"}.\n",
     run_case_show}};
const CommandRegistration case_list_command{
    {"case list", "the monitoring cases of this device's households",
     "usage: doorstep case list --db PATH [--state S] [--all] [--overdue] [--household ID] "
     "[--json]\n\n"
     "Open cases (--all: eliminated and dismissed ones too; --state: one state), overdue\n"
     "first. --json prints {\"cases\": [{\"id\", \"household\", \"state\", \"type\",\n"
     "\"opened_at\", \"due\", \"overdue\", ...}]}.\n",
     run_case_list}};
const CommandRegistration case_advance_command{
    {"case advance", "move a case to its next state (or dismiss it)",
     std::string(
         "usage: doorstep case advance ID --db PATH --to STATE [--reason TEXT] [--type T] "
         "[--json]\n\n"
         "identified -> verified -> publicised (village leader), -> township_reviewed\n"
         "(township, once publicity_days have passed and no objection is open), -> approved\n"
         "(county, --type unstable|marginal|sudden), -> assisting (county, a measure recorded),\n"
         "-> eliminated (county, after observation_months, no red rule, income at or above the\n"
         "monitoring threshold); dismissed (with --reason) before approval. A refusal names the\n"
         "unmet condition and changes nothing. Works offline; sync carries the transition.\n") +
         kToday,
     run_case_advance}};
const CommandRegistration case_object_command{
    {"case object", "record an objection (异议) to a publicised case",
     "usage: doorstep case object ID --db PATH --text TEXT [--json]\n\n"
     "While an objection is open the case cannot pass township review.\n",
     run_case_object}};
const CommandRegistration case_settle_command{
    {"case settle", "settle an objection (village leader or above)",
     "usage: doorstep case settle OBJECTION --db PATH --note TEXT [--json]\n", run_case_settle}};
const CommandRegistration application_add_command{
    {"application add", "record a household's own application for monitoring (农户自主申报)",
     "usage: doorstep application add --db PATH --household ID --reason TEXT [--json]\n\n"
     "Raises a warning with source \"application\": it opens a monitoring case with a verify\n"
     "task for the household's grid, or joins the open case.\n",
     run_application_add}};
const CommandRegistration measure_add_command{
    {"measure add", "record an assistance measure of an approved case (township, county)",
     "usage: doorstep measure add CASE --db PATH --department DEPT --kind TEXT --start DATE "
     "[--end DATE] [--ongoing] [--note TEXT] [--json]\n",
     run_measure_add}};
const CommandRegistration calendar_show_command{
    {"calendar show", "the county's working-day calendar this device holds",
     "usage: doorstep calendar show --db PATH [--json]\n\n"
     "Public holidays and make-up working days (调休) as the county set them; deadlines count\n"
     "working days on it.\n",
     run_calendar_show}};

}  // namespace
}  // namespace doorstep::cli
