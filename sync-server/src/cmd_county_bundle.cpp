// doorstep-server bundle import / export: the county's side of sync by file.
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/sync/bundle.h"
#include "core/sync/county_authority.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

int run_import(const std::vector<std::string>& argv) {
  cli::Args args("bundle import", argv, {{"data", true}});
  args.expect_at_most(1);
  std::string file = args.positional(0, "FILE");
  std::string bytes = read_input_file(file, "bundle");
  auto county = sync::CountyAuthority::open(data_dir(args));
  auto report = sync::import_bundle(county.replica(), bytes);
  auto json = sync::to_json(report);
  if (args.json()) {
    std::cout << json.dump() << "\n";
  } else {
    std::cout << "imported " << report.imported << ", duplicates " << report.duplicates
              << ", rejected " << report.rejected.size() << "\n";
    for (const auto& r : json["rejected"])
      std::cout << "rejected " << r["op"].get<std::string>() << ": "
                << r["reason"].get<std::string>() << "\n";
  }
  if (!report.complete) {
    std::cerr << "doorstep-server: bundle incomplete: " << report.problem << "\n";
    return 1;
  }
  return 0;
}

int run_export(const std::vector<std::string>& argv) {
  cli::Args args("bundle export", argv, {{"data", true}, {"to", true}, {"out", true}, {"full"}});
  args.expect_at_most(0);
  auto recipient =
      crypto::Certificate::from_pem(read_input_file(args.required("to"), "recipient certificate"));
  auto county = sync::CountyAuthority::open(data_dir(args));
  sync::BundleExportOptions options;
  options.full = args.has("full");
  auto bundle = sync::export_bundle(county.replica(), recipient, std::move(options));
  write_output_file(args.required("out"), bundle.bytes);
  if (args.json())
    std::cout << sync::to_json(bundle).dump() << "\n";
  else
    std::cout << "exported " << bundle.changes << " changes (" << bundle.bytes.size()
              << " bytes) for " << bundle.recipient << "\n";
  return 0;
}

const cli::CommandRegistration import_command{
    {"bundle import", "import a bundle file into the county store",
     "usage: doorstep-server bundle import --data DIR FILE [--json]\n\n"
     "--json prints {\"imported\", \"duplicates\", \"rejected\": [{\"op\", \"reason\"}], "
     "\"complete\", ...}.\nExit 1 if the bundle was truncated or damaged (its intact prefix is "
     "imported).\n",
     run_import}};
const cli::CommandRegistration export_command{
    {"bundle export", "write a bundle file for a device",
     "usage: doorstep-server bundle export --data DIR --to CERT.pem --out FILE [--full] "
     "[--json]\n",
     run_export}};

}  // namespace
}  // namespace doorstep::server
