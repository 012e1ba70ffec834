// doorstep-server init, identity, digest: creating a county and reading its identity.
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/sync/county_authority.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

int run_init(const std::vector<std::string>& argv) {
  cli::Args args("init", argv,
                 {{"data", true}, {"county", true}, {"name", true}, {"divisions", true}, {"demo"}});
  args.expect_at_most(0);
  sync::CountyInitOptions options;
  options.code = args.required("county");
  options.name = args.required("name");
  if (auto file = args.value("divisions")) options.divisions = *file;
  options.demo = args.has("demo");
  auto county = sync::CountyAuthority::init(data_dir(args), options);
  size_t grids = county.grids().size();
  if (args.json())
    std::cout << nlohmann::json{{"county", county.code()},
                                {"name", county.name()},
                                {"device", county.store().identity().device_id},
                                {"divisions", grids}}
                     .dump()
              << "\n";
  else
    std::cout << "county " << county.code() << " (" << county.name() << ") created in "
              << data_dir(args).string() << " with " << grids << " divisions\n";
  return 0;
}

int run_identity(const std::vector<std::string>& argv) {
  cli::Args args("identity", argv, {{"data", true}, {"out", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  std::string pem = county.identity().pem();
  if (auto out = args.value("out"))
    write_output_file(*out, pem);
  else
    std::cout << pem;
  return 0;
}

int run_digest(const std::vector<std::string>& argv) {
  cli::Args args("digest", argv, {{"data", true}, {"scope", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  std::string digest = county.store().digest(args.value_or("scope", ""));
  if (args.json())
    std::cout << nlohmann::json{{"digest", digest}}.dump() << "\n";
  else
    std::cout << digest << "\n";
  return 0;
}

const cli::CommandRegistration init_command{
    {"init", "create a county: its store, certificate authority and grid hierarchy",
     "usage: doorstep-server init --data DIR --county CODE --name NAME [--divisions FILE] "
     "[--demo] [--json]\n\n"
     "Creates the county's data folder: the county store (county role), the county CA,\n"
     "the county's own device certificate, and the grid hierarchy. --divisions reads\n"
     "townships, villages and grids from a JSON file (cn-admin-divisions/1, or an array of\n"
     "{\"code\"|\"path\", \"name\"}) or a CSV \"code,name\"; --demo adds a few demo villages\n"
     "and grids.\n",
     run_init}};
const cli::CommandRegistration identity_command{
    {"identity", "export the county's certificate (for bundles addressed to the county)",
     "usage: doorstep-server identity --data DIR [--out CERT.pem]\n", run_identity}};
const cli::CommandRegistration digest_command{
    {"digest", "print the state digest of the county store (same as `doorstep digest`)",
     "usage: doorstep-server digest --data DIR [--scope PREFIX] [--json]\n", run_digest}};

}  // namespace
}  // namespace doorstep::server
