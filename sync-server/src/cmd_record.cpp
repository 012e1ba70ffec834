// `doorstep-server households` and `summary`: the county record from the command line, the
// same answers as the HTTPS read endpoints (the export is cmd_export.cpp).
#include <cstdio>
#include <iostream>
#include <map>

#include "core/sync/county_authority.h"
#include "county/county_record.h"
#include "county/county_risk.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

size_t count_option(const cli::Args& args, const std::string& name, size_t fallback) {
  auto text = args.value(name);
  if (!text) return fallback;
  if (text->empty() || text->size() > 9 ||
      text->find_first_not_of("0123456789") != std::string::npos)
    throw cli::UsageError(args.command(), "--" + name + " wants a non-negative integer");
  return std::stoul(*text);
}

// The levels the county computed for pushed visits (county_risk.h).
CountyLevels county_levels(sync::CountyAuthority& county, const std::filesystem::path& data) {
  return CountyRisk(county.store().database(), data).levels();
}

int run_households(const std::vector<std::string>& argv) {
  cli::Args args("households", argv,
                 {{"data", true},
                  {"grid", true},
                  {"level", true},
                  {"offset", true},
                  {"limit", true},
                  {"all"}});
  args.expect_at_most(1);
  auto county = sync::CountyAuthority::open(data_dir(args));
  if (!args.positionals().empty()) {
    // One household in full.
    std::string id = args.positional(0, "household id");
    auto household = county.store().household(id);
    if (auto risk = CountyRisk(county.store().database(), data_dir(args)).risk_of(id)) {
      household["risk"] = *risk;
    }
    std::cout << household.dump(args.json() ? -1 : 2) << "\n";
    return 0;
  }
  std::string grid = args.value_or("grid", ""), level = args.value_or("level", "");
  auto levels = county_levels(county, data_dir(args));
  if (args.has("all")) {
    auto all = nlohmann::json::array();
    for (size_t offset = 0;; offset += kMaxPageSize) {
      auto page = households_page(county.store(), levels, grid, level, offset, kMaxPageSize);
      for (auto& h : page["households"]) all.push_back(h);
      if (page["next_offset"].is_null()) break;
    }
    if (args.json()) {
      std::cout << all.dump() << "\n";
    } else {
      for (const auto& h : all)
        std::printf("%s  %-20s  %-7s  %s\n", h["id"].get<std::string>().c_str(),
                    h["grid"].get<std::string>().c_str(),
                    h["level"].is_string() ? h["level"].get<std::string>().c_str() : "-",
                    h["head_name"].is_string() ? h["head_name"].get<std::string>().c_str() : "");
    }
    return 0;
  }
  auto page = households_page(county.store(), levels, grid, level, count_option(args, "offset", 0),
                              count_option(args, "limit", kDefaultPageSize));
  if (args.json()) {
    std::cout << page.dump() << "\n";
    return 0;
  }
  for (const auto& h : page["households"])
    std::printf("%s  %-20s  %-7s  %s\n", h["id"].get<std::string>().c_str(),
                h["grid"].get<std::string>().c_str(),
                h["level"].is_string() ? h["level"].get<std::string>().c_str() : "-",
                h["head_name"].is_string() ? h["head_name"].get<std::string>().c_str() : "");
  std::printf("(%zu of %zu)\n", page["households"].size(), page["total"].get<size_t>());
  return 0;
}

int run_summary(const std::vector<std::string>& argv) {
  cli::Args args("summary", argv, {{"data", true}, {"by", true}, {"grid", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  auto summary = level_summary(county.store(), county_levels(county, data_dir(args)),
                               args.value_or("by", "village"), args.value_or("grid", ""));
  if (args.json()) {
    std::cout << summary.dump() << "\n";
    return 0;
  }
  std::printf("%-22s %6s %6s %6s %6s %6s\n", summary["by"].get<std::string>().c_str(), "red",
              "yellow", "green", "none", "total");
  auto line = [](const std::string& name, const nlohmann::json& row) {
    std::printf("%-22s %6lld %6lld %6lld %6lld %6lld\n", name.c_str(),
                static_cast<long long>(row["red"]), static_cast<long long>(row["yellow"]),
                static_cast<long long>(row["green"]), static_cast<long long>(row["none"]),
                static_cast<long long>(row["total"]));
  };
  for (const auto& row : summary["rows"]) line(row["division"].get<std::string>(), row);
  line("all", summary["totals"]);
  return 0;
}

const cli::CommandRegistration kHouseholds({
    "households",
    "list the county's households (by grid prefix and level), or show one",
    "usage: doorstep-server households --data DIR [--grid PREFIX] [--level red|yellow|green]\n"
    "                                  [--offset N] [--limit N | --all] [--json]\n"
    "       doorstep-server households --data DIR ID [--json]\n"
    "\n"
    "Lists households of the county record, a page at a time (--limit, default 100;\n"
    "--json prints {\"households\": [{\"id\", \"head_name\", \"grid\", \"level\"}], \"total\",\n"
    "\"offset\", \"limit\", \"next_offset\"}; --all prints the whole list as an array). With\n"
    "an ID, prints that household's fields, members, risk, conflicts and visits.",
    run_households,
});

const cli::CommandRegistration kSummary({
    "summary",
    "count households by level per township, village or grid",
    "usage: doorstep-server summary --data DIR [--by township|village|grid] [--grid PREFIX]\n"
    "                               [--json]\n"
    "\n"
    "--json prints {\"by\", \"scope\", \"rows\": [{\"division\", \"red\", \"yellow\", \"green\",\n"
    "\"none\", \"total\"}], \"totals\": {...}}.",
    run_summary,
});

}  // namespace
}  // namespace doorstep::server
