// `doorstep-server warnings`, `cases`, `tasks` and `monitor`: the county's view of the
// monitoring loop (docs/monitoring.md, "County commands"). The listings run the county's
// sweep first (Store::monitor), so a step past its deadline has raised its one escalation
// warning by the time it is listed.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/sync/county_authority.h"
#include "county/monitoring_filter.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string shown(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  return value.dump();
}

// The filter options of a listing, checked (county/monitoring_filter.h).
store::MonitoringFilter filter_of(const cli::Args& args, MonitoringListing listing) {
  store::MonitoringFilter filter;
  filter.scope = args.value_or("scope", "");
  filter.household = args.value_or("household", "");
  filter.status = args.value_or("status", "");
  filter.state = args.value_or("state", "");
  filter.overdue = args.has("overdue");
  filter.all = args.has("all");
  try {
    check_monitoring_filter(listing, filter, "--");
  } catch (const Error& e) {
    throw cli::UsageError(args.command(), e.what());
  }
  return filter;
}

// The sweep the listings run first; in text mode, a line on stderr when it raised something.
json sweep(sync::CountyAuthority& county, const cli::Args& args) {
  json raised = county.store().monitor();
  size_t escalations = raised["escalations"].size(), warnings = raised["warnings"].size();
  if (!args.json() && escalations + warnings > 0)
    std::cerr << "the monitoring sweep raised " << escalations << " escalation warning"
              << (escalations == 1 ? "" : "s") << " and " << warnings << " rules warning"
              << (warnings == 1 ? "" : "s") << "\n";
  return raised;
}

int run_warnings(const std::vector<std::string>& argv) {
  cli::Args args("warnings", argv,
                 {{"data", true}, {"status", true}, {"household", true}, {"scope", true}, {"all"}});
  args.expect_at_most(0);
  store::MonitoringFilter filter = filter_of(args, MonitoringListing::Warnings);
  auto county = sync::CountyAuthority::open(data_dir(args));
  json raised = sweep(county, args);
  json listed = county.store().warnings(filter);
  if (args.json()) {
    listed["sweep"] = raised;
    std::cout << listed.dump() << "\n";
    return 0;
  }
  const json warnings = listed["warnings"];
  for (const auto& w : warnings)
    std::printf("%s  %s  %-11s %-6s %-6s case %s  %s\n", shown(w["id"]).c_str(),
                shown(w["household"]).c_str(), shown(w["source"]).c_str(),
                shown(w["level"]).c_str(), shown(w["status"]).c_str(), shown(w["case"]).c_str(),
                shown(w["created_at"]).c_str());
  std::printf("(%zu warning%s)\n", warnings.size(), warnings.size() == 1 ? "" : "s");
  return 0;
}

int run_cases(const std::vector<std::string>& argv) {
  cli::Args args("cases", argv,
                 {{"data", true},
                  {"state", true},
                  {"scope", true},
                  {"household", true},
                  {"overdue"},
                  {"all"}});
  args.expect_at_most(0);
  store::MonitoringFilter filter = filter_of(args, MonitoringListing::Cases);
  auto county = sync::CountyAuthority::open(data_dir(args));
  json raised = sweep(county, args);
  json listed = county.store().cases(filter);
  if (args.json()) {
    listed["sweep"] = raised;
    std::cout << listed.dump() << "\n";
    return 0;
  }
  const json cases = listed["cases"];
  for (const auto& c : cases)
    std::printf("%s  %s  %-17s %-8s due %s%s%s\n", shown(c["id"]).c_str(),
                shown(c["household"]).c_str(), shown(c["state"]).c_str(), shown(c["type"]).c_str(),
                shown(c["due"]).c_str(), c["overdue"].get<bool>() ? "  OVERDUE" : "",
                c["conflict"].get<bool>() ? "  IN CONFLICT" : "");
  std::printf("(%zu case%s)\n", cases.size(), cases.size() == 1 ? "" : "s");
  return 0;
}

int run_tasks(const std::vector<std::string>& argv) {
  cli::Args args("tasks", argv,
                 {{"data", true},
                  {"status", true},
                  {"scope", true},
                  {"household", true},
                  {"overdue"},
                  {"all"}});
  args.expect_at_most(0);
  store::MonitoringFilter filter = filter_of(args, MonitoringListing::Tasks);
  auto county = sync::CountyAuthority::open(data_dir(args));
  json raised = sweep(county, args);
  json listed = county.store().tasks(filter);
  if (args.json()) {
    listed["sweep"] = raised;
    std::cout << listed.dump() << "\n";
    return 0;
  }
  const json tasks = listed["tasks"];
  for (const auto& t : tasks)
    std::printf("%s  %-17s %s  for %s  due %s  %s%s\n", shown(t["id"]).c_str(),
                shown(t["kind"]).c_str(), shown(t["household"]).c_str(),
                shown(t["assignee"]).c_str(), shown(t["due"]).c_str(), shown(t["status"]).c_str(),
                t["overdue"].get<bool>() ? "  OVERDUE" : "");
  std::printf("(%zu task%s)\n", tasks.size(), tasks.size() == 1 ? "" : "s");
  return 0;
}

int run_monitor(const std::vector<std::string>& argv) {
  cli::Args args("monitor", argv, {{"data", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  json raised = county.store().monitor();
  if (args.json()) {
    std::cout << raised.dump() << "\n";
    return 0;
  }
  const json escalations = raised["escalations"], warnings = raised["warnings"];
  for (const auto& id : escalations) std::cout << "escalation " << id.get<std::string>() << "\n";
  for (const auto& id : warnings) std::cout << "warning " << id.get<std::string>() << "\n";
  std::cout << "raised " << escalations.size() << " escalation warning"
            << (escalations.size() == 1 ? "" : "s") << " and " << warnings.size()
            << " rules warning" << (warnings.size() == 1 ? "" : "s") << "\n";
  return 0;
}

constexpr const char* kSweepNote =
    "Runs the county's monitoring sweep first (as `monitor` does), so a step past its\n"
    "deadline has raised its escalation warning, once, before the list is made; --json adds\n"
    "\"sweep\": {\"escalations\", \"warnings\"}, the ids it raised.\n";

const cli::CommandRegistration kWarnings({
    "warnings",
    "list the monitoring warnings (预警) of the county",
    std::string("usage: doorstep-server warnings --data DIR [--status open|closed] [--household "
                "ID]\n"
                "                                [--scope PREFIX] [--all] [--json]\n"
                "\n"
                "Lists warnings, newest first: open ones unless --status or --all says otherwise.\n"
                "--json prints {\"warnings\": [{\"id\", \"household\", \"source\", \"level\", "
                "\"rules\",\n"
                "\"status\", \"case\", \"created_at\", \"created_by\", \"reason\", "
                "\"escalated_to\",\n"
                "\"trigger\"}]}; source is rules, department, application or escalation.\n") +
        kSweepNote,
    run_warnings,
});

const cli::CommandRegistration kCases({
    "cases",
    "list the monitoring cases (监测对象) of the county",
    std::string(
        "usage: doorstep-server cases --data DIR [--state STATE] [--scope PREFIX] [--household "
        "ID]\n"
        "                             [--overdue] [--all] [--json]\n"
        "\n"
        "Lists open cases (--state one state; --all closed ones too), overdue first, then by\n"
        "due date. --overdue keeps those whose step is past its deadline. --json prints\n"
        "{\"cases\": [{\"id\", \"household\", \"grid\", \"state\", \"type\", \"opened_at\", "
        "\"entered\",\n"
        "\"due\", \"overdue\", \"conflict\"}]}.\n") +
        kSweepNote,
    run_cases,
});

const cli::CommandRegistration kTasks({
    "tasks",
    "list the monitoring tasks (verify, follow-up, ...) of the county",
    std::string(
        "usage: doorstep-server tasks --data DIR [--status open|done|cancelled] [--overdue]\n"
        "                             [--scope PREFIX] [--household ID] [--all] [--json]\n"
        "\n"
        "Lists open tasks (--status or --all for others), overdue first. --json prints\n"
        "{\"tasks\": [{\"id\", \"kind\", \"household\", \"case\", \"assignee\", \"due\", "
        "\"status\",\n"
        "\"overdue\", \"result\"}]}.\n") +
        kSweepNote,
    run_tasks,
});

const cli::CommandRegistration kMonitor({
    "monitor",
    "run the monitoring sweep: escalations of overdue steps, warnings of red/yellow households",
    "usage: doorstep-server monitor --data DIR [--json]\n"
    "\n"
    "Raises an escalation warning for each case step past its deadline (once per case, step\n"
    "and date it entered the step; to the township for a village's step, to the county for\n"
    "the township's and the county's own), and a rules warning for each red or yellow\n"
    "household that has no open case and whose newest visit raised none (its level changed\n"
    "here, e.g. with new county settings). Each is one change of its household, synced to\n"
    "the devices of its scope. `serve` runs the same sweep every --monitor-every.\n"
    "--json prints {\"escalations\": [ids], \"warnings\": [ids]}.\n",
    run_monitor,
});

}  // namespace
}  // namespace doorstep::server
