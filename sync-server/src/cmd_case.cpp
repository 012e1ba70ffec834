// `doorstep-server case show|advance|object|settle` and `measure add`: one monitoring case
// at the county — its detail, its transitions (checked by the lifecycle and the role acted
// in, kept in its history), objections during publicity and assistance measures.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/sync/county_authority.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string shown(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  return value.dump();
}

void print_case(const json& detail) {
  std::printf("case %s of household %s at %s\n", shown(detail["id"]).c_str(),
              shown(detail["household"]).c_str(), shown(detail["grid"]).c_str());
  std::printf("state: %s%s since %s, next step due %s%s\n", shown(detail["state"]).c_str(),
              detail["conflict"].get<bool>() ? " (in conflict)" : "",
              shown(detail["entered"]).c_str(), shown(detail["due"]).c_str(),
              detail["overdue"].get<bool>() ? " (OVERDUE)" : "");
  if (detail["next"].is_object())
    std::printf("next: %s, by %s or above\n", shown(detail["next"]["to"]).c_str(),
                shown(detail["next"]["role"]).c_str());
  std::printf("type: %s\n", shown(detail["type"]).c_str());
  const json factors = detail["risk_factors"];
  std::string joined;
  for (const auto& rule : factors) joined += (joined.empty() ? "" : ", ") + shown(rule);
  std::printf("risk factors: %s\n", joined.empty() ? "-" : joined.c_str());
  const json warnings = detail["warnings"];
  std::printf("warnings (%zu):\n", warnings.size());
  for (const auto& w : warnings)
    std::printf("  %s  %-11s %-6s %s\n", shown(w["id"]).c_str(), shown(w["source"]).c_str(),
                shown(w["status"]).c_str(), shown(w["created_at"]).c_str());
  const json tasks = detail["tasks"];
  std::printf("tasks (%zu):\n", tasks.size());
  for (const auto& t : tasks)
    std::printf("  %s  %-17s due %s  %s%s\n", shown(t["id"]).c_str(), shown(t["kind"]).c_str(),
                shown(t["due"]).c_str(), shown(t["status"]).c_str(),
                t["overdue"].get<bool>() ? "  OVERDUE" : "");
  const json measures = detail["measures"];
  std::printf("measures (%zu):\n", measures.size());
  for (const auto& m : measures)
    std::printf("  %s  %s: %s, from %s%s\n", shown(m["id"]).c_str(), shown(m["department"]).c_str(),
                shown(m["kind"]).c_str(), shown(m["start"]).c_str(),
                m.contains("end") ? (" to " + shown(m["end"])).c_str() : "");
  const json objections = detail["objections"];
  std::printf("objections (%zu):\n", objections.size());
  for (const auto& o : objections)
    std::printf("  %s  %s  %s: %s\n", shown(o["id"]).c_str(), shown(o["status"]).c_str(),
                shown(o["date"]).c_str(), shown(o["text"]).c_str());
  const json history = detail["history"];
  std::printf("history:\n");
  for (const auto& h : history)
    std::printf("  %s  %s -> %s  by %s (%s)%s%s\n", shown(h["at"]).c_str(),
                shown(h["from"]).c_str(), shown(h["to"]).c_str(), shown(h["actor"]).c_str(),
                shown(h["role"]).c_str(), h["reason"].is_string() ? ": " : "",
                h["reason"].is_string() ? h["reason"].get<std::string>().c_str() : "");
}

int run_case_show(const std::vector<std::string>& argv) {
  cli::Args args("case show", argv, {{"data", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "case id");
  auto county = sync::CountyAuthority::open(data_dir(args));
  json detail = county.store().case_detail(id);
  if (args.json())
    std::cout << detail.dump() << "\n";
  else
    print_case(detail);
  return 0;
}

int run_case_advance(const std::vector<std::string>& argv) {
  cli::Args args("case advance", argv,
                 {{"data", true},
                  {"to", true},
                  {"actor", true},
                  {"role", true},
                  {"type", true},
                  {"reason", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "case id");
  store::CaseAdvance request;
  request.to = args.required("to");
  request.actor = args.required("actor");
  request.role = args.value_or("role", "");
  request.type = args.value_or("type", "");
  request.reason = args.value_or("reason", "");
  auto county = sync::CountyAuthority::open(data_dir(args));
  json detail = county.store().advance_case(id, request);
  if (args.json())
    std::cout << detail.dump() << "\n";
  else
    std::printf("case %s is %s\n", id.c_str(), shown(detail["state"]).c_str());
  return 0;
}

int run_case_object(const std::vector<std::string>& argv) {
  cli::Args args("case object", argv, {{"data", true}, {"text", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "case id");
  std::string text = args.required("text");
  auto county = sync::CountyAuthority::open(data_dir(args));
  std::string objection = county.store().object_case(id, text);
  if (args.json())
    std::cout << json{{"objection", objection}, {"case", id}}.dump() << "\n";
  else
    std::cout << objection << "\n";
  return 0;
}

int run_case_settle(const std::vector<std::string>& argv) {
  cli::Args args("case settle", argv, {{"data", true}, {"note", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "objection id");
  std::string note = args.required("note");
  auto county = sync::CountyAuthority::open(data_dir(args));
  county.store().settle_objection(id, note);
  if (args.json())
    std::cout << json{{"objection", id}, {"status", "settled"}}.dump() << "\n";
  else
    std::cout << "objection " << id << " settled\n";
  return 0;
}

int run_measure_add(const std::vector<std::string>& argv) {
  cli::Args args("measure add", argv,
                 {{"data", true},
                  {"department", true},
                  {"kind", true},
                  {"start", true},
                  {"end", true},
                  {"ongoing"},
                  {"note", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "case id");
  store::MeasureInput measure;
  measure.department = args.required("department");
  measure.kind = args.required("kind");
  measure.start = args.required("start");
  measure.end = args.value_or("end", "");
  measure.ongoing = args.has("ongoing");
  measure.note = args.value_or("note", "");
  if (measure.ongoing && !measure.end.empty())
    throw cli::UsageError("measure add", "--ongoing and --end exclude each other");
  auto county = sync::CountyAuthority::open(data_dir(args));
  std::string added = county.store().add_measure(id, measure);
  if (args.json())
    std::cout << json{{"measure", added}, {"case", id}}.dump() << "\n";
  else
    std::cout << added << "\n";
  return 0;
}

const cli::CommandRegistration kCaseShow({
    "case show",
    "show one monitoring case: state, risk factors, warnings, tasks, measures, history",
    "usage: doorstep-server case show --data DIR ID [--json]\n"
    "\n"
    "--json prints {\"id\", \"household\", \"grid\", \"state\", \"type\", \"risk_factors\",\n"
    "\"warnings\", \"measures\", \"tasks\", \"objections\", \"history\": [{\"from\", \"to\",\n"
    "\"actor\", \"role\", \"at\", \"on\", \"reason\"}], \"opened_at\", \"entered\", \"due\",\n"
    "\"overdue\", \"conflict\", \"next\": {\"to\", \"role\"}}.\n",
    run_case_show,
});

const cli::CommandRegistration kCaseAdvance({
    "case advance",
    "move a case to its next state (or dismiss it), as a person acting in a role",
    "usage: doorstep-server case advance --data DIR ID --to STATE --actor NAME\n"
    "                                    [--role ROLE] [--type TYPE] [--reason TEXT] [--json]\n"
    "\n"
    "STATE: verified, publicised, township_reviewed, approved, assisting, eliminated or\n"
    "dismissed. --actor names the person (kept in the case's history); --role the role\n"
    "acted in (grid-worker, village-leader, township, county; default county). approved\n"
    "needs --type unstable|marginal|sudden, dismissed a --reason. A role below the step's\n"
    "is refused (exit 1, out of scope), and so is a move the lifecycle does not allow or\n"
    "whose condition is unmet (exit 1, naming it: the verify task not done, the publicity\n"
    "days not over, an open objection, no measure recorded, ...). docs/monitoring.md has\n"
    "the table. --json prints the case as `case show --json` does.\n",
    run_case_advance,
});

const cli::CommandRegistration kCaseObject({
    "case object",
    "record an objection (异议) to a case during its publicity",
    "usage: doorstep-server case object --data DIR ID --text TEXT [--json]\n"
    "\n"
    "The case must be publicised; an open objection holds up the township review until it\n"
    "is settled (`case settle`). Prints the objection's id (--json: {\"objection\", "
    "\"case\"}).\n",
    run_case_object,
});

const cli::CommandRegistration kCaseSettle({
    "case settle",
    "settle an objection, saying how",
    "usage: doorstep-server case settle --data DIR OBJECTION --note TEXT [--json]\n",
    run_case_settle,
});

const cli::CommandRegistration kMeasureAdd({
    "measure add",
    "record an assistance measure (帮扶措施) of an approved case",
    "usage: doorstep-server measure add --data DIR CASE --department DEPT --kind TEXT\n"
    "                                   --start YYYY-MM-DD [--end YYYY-MM-DD | --ongoing]\n"
    "                                   [--note TEXT] [--json]\n"
    "\n"
    "DEPT: education, civil_affairs, medical_insurance, housing, ... (the department that\n"
    "gives it); --ongoing for a measure that goes on by design (a pension, a public-welfare\n"
    "post). The case must be approved or assisting. Prints the measure's id (--json:\n"
    "{\"measure\", \"case\"}).\n",
    run_measure_add,
});

}  // namespace
}  // namespace doorstep::server
