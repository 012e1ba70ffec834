// doorstep-server grid add / grid list: the county's grid hierarchy.
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/sync/county_authority.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

int run_grid_add(const std::vector<std::string>& argv) {
  cli::Args args("grid add", argv, {{"data", true}, {"name", true}});
  args.expect_at_most(1);
  std::string path = args.positional(0, "GRIDPATH");
  auto county = sync::CountyAuthority::open(data_dir(args));
  bool added = county.add_grid(path, args.value_or("name", ""));
  if (args.json())
    std::cout << nlohmann::json{{"path", path}, {"added", added}}.dump() << "\n";
  else
    std::cout << (added ? "added " : "updated ") << path << "\n";
  return 0;
}

int run_grid_list(const std::vector<std::string>& argv) {
  cli::Args args("grid list", argv, {{"data", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  auto grids = county.grids();
  if (args.json()) {
    std::cout << grids.dump() << "\n";
  } else {
    for (const auto& g : grids)
      std::cout << g["path"].get<std::string>() << "\t" << g["level"].get<std::string>() << "\t"
                << g["name"].get<std::string>() << "\n";
  }
  return 0;
}

const cli::CommandRegistration grid_add_command{
    {"grid add", "add a grid (and its missing township and village) to the county",
     "usage: doorstep-server grid add --data DIR GRIDPATH [--name NAME] [--json]\n", run_grid_add}};
const cli::CommandRegistration grid_list_command{
    {"grid list", "list the county's townships, villages and grids",
     "usage: doorstep-server grid list --data DIR [--json]\n\n"
     "--json prints [{\"path\", \"level\", \"name\"}].\n",
     run_grid_list}};

}  // namespace
}  // namespace doorstep::server
