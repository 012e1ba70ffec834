// `doorstep-server overdue`: the county's overdue home visits, phone check-ins and tasks, per
// township, village and grid, with the grid worker who answers for each
// (county/overdue_list.h; docs/monitoring.md, "Visit schedule"). The list is written as the
// store's scan reads it, so the county's size never has to fit in memory.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/store/grid_path.h"
#include "county/overdue_list.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string or_dash(const std::string& text) {
  return text.empty() ? "-" : text;
}

std::string responsible_text(const OverdueEntry& entry) {
  if (entry.responsible.empty()) return "(no grid worker enrolled)";
  std::string out;
  for (const auto& device : entry.responsible)
    out += (out.empty() ? "" : ", ") + device.name + " (" + device.device + ")";
  return out;
}

std::string plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int run_overdue(const std::vector<std::string>& argv) {
  cli::Args args("overdue", argv, {{"data", true}, {"scope", true}, {"kind", true}});
  args.expect_at_most(0);
  OverdueOptions options;
  options.scope = args.value_or("scope", "");
  if (!options.scope.empty()) {
    try {
      store::validate_grid_scope(options.scope);
    } catch (const Error& e) {
      throw cli::UsageError("overdue", std::string("--scope: ") + e.what());
    }
  }
  if (auto kind = args.value("kind")) {
    options.kind = overdue_kind_from_string(*kind);
    if (!options.kind)
      throw cli::UsageError("overdue", "--kind '" + *kind + "' is not one of visit, checkin, task");
  }
  auto county = sync::CountyAuthority::open(data_dir(args));
  CountyDirectory directory = CountyDirectory::of(county);
  std::string today = monitoring::today().to_string();

  if (args.json()) {
    // {"today", "overdue": [...], "by_area": [...]}, the entries written as they are found.
    std::cout << "{\"today\":" << json(today).dump() << ",\"overdue\":[";
    bool first = true;
    auto areas = list_overdue(county.store(), directory, options, [&](const OverdueEntry& entry) {
      std::cout << (first ? "" : ",") << to_json(entry).dump();
      first = false;
    });
    json by_area = json::array();
    for (const auto& area : areas) by_area.push_back(to_json(area));
    std::cout << "],\"by_area\":" << by_area.dump() << "}\n";
    return 0;
  }

  std::string heading = "overdue on " + today;
  if (!options.scope.empty()) heading += " within " + options.scope;
  if (options.kind) heading += std::string(" (") + to_string(*options.kind) + ")";
  std::printf("%s\n", heading.c_str());
  std::printf("%-11s %-10s %5s  %-16s  %-12s %-24s %s\n", "KIND", "DUE", "DAYS", "HOUSEHOLD",
              "HEAD", "GRID", "RESPONSIBLE");
  int64_t listed = 0;
  auto areas = list_overdue(county.store(), directory, options, [&](const OverdueEntry& entry) {
    std::string kind = to_string(entry.kind);
    if (entry.kind == OverdueKind::Task) kind += ":" + entry.task["kind"].get<std::string>();
    std::string grid = entry.grid + (entry.grid_name.empty() ? "" : " " + entry.grid_name);
    std::printf("%-11s %-10s %5lld  %-16s  %-12s %-24s %s\n", kind.c_str(), entry.due.c_str(),
                static_cast<long long>(entry.days_overdue), entry.household.c_str(),
                or_dash(entry.head).c_str(), grid.c_str(), responsible_text(entry).c_str());
    ++listed;
  });
  std::printf("(%s)\n\nby area:\n", plural(listed, "overdue entry", "overdue entries").c_str());
  for (const auto& area : areas) {
    int indent = area.level == "township" ? 0 : area.level == "village" ? 2 : 4;
    std::printf("%*s%-8s %s %s: %s, %s, %s\n", indent, "", area.level.c_str(), area.code.c_str(),
                or_dash(area.name).c_str(), plural(area.visit, "visit", "visits").c_str(),
                plural(area.checkin, "check-in", "check-ins").c_str(),
                plural(area.task, "task", "tasks").c_str());
  }
  return 0;
}

const cli::CommandRegistration kOverdue({
    "overdue",
    "list the overdue home visits, phone check-ins and tasks, per township, village and grid",
    "usage: doorstep-server overdue --data DIR [--scope PREFIX] [--kind visit|checkin|task]\n"
    "                               [--json]\n"
    "\n"
    "Home visits and phone check-ins past their due date on the visit schedule (the county\n"
    "settings phone_checkin_interval_days, home_visit_interval_days and their _red and _case\n"
    "variants), and open tasks past their due date, household by household in grid order,\n"
    "with the grid worker devices enrolled for the household's grid, then the counts per\n"
    "township, village and grid. The schedule is the one the grid workers' phones compute:\n"
    "an entry here has the id and due date `doorstep tasks` shows on the phone that holds\n"
    "the same state. Does not run the monitoring sweep.\n"
    "--json prints {\"today\", \"overdue\": [{\"kind\", \"id\", \"household\", \"head\", "
    "\"grid\",\n"
    "\"village\", \"township\" (codes; \"grid_name\", ... their names), \"due\", "
    "\"days_overdue\",\n"
    "\"responsible\": [{\"device\", \"name\"}], \"task\"? (a stored task)}], \"by_area\":\n"
    "[{\"level\": \"township|village|grid\", \"code\", \"name\", \"visit\", \"checkin\", "
    "\"task\"}]}.\n",
    run_overdue,
});

}  // namespace
}  // namespace doorstep::server
