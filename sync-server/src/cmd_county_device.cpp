// doorstep-server device issue / list / revoke: enrollment of devices by the county CA.
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/sync/county_authority.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

int run_issue(const std::vector<std::string>& argv) {
  cli::Args args("device issue", argv,
                 {{"data", true},
                  {"request", true},
                  {"role", true},
                  {"scope", true},
                  {"name", true},
                  {"out", true}});
  args.expect_at_most(0);
  std::string request = read_input_file(args.required("request"), "certificate request");
  crypto::DeviceRole role;
  try {
    role = crypto::parse_role(args.required("role"));
  } catch (const Error& e) {
    throw cli::UsageError("device issue", e.what());
  }
  auto county = sync::CountyAuthority::open(data_dir(args));
  auto enrollment =
      county.issue_device(request, role, args.required("scope"), args.value_or("name", ""));
  write_output_file(args.required("out"), enrollment.dump(2) + "\n");
  if (args.json())
    std::cout << enrollment["device"].dump() << "\n";
  else
    std::cout << "issued " << enrollment["device"]["role"].get<std::string>() << " certificate for "
              << enrollment["device"]["id"].get<std::string>() << " ("
              << enrollment["device"]["name"].get<std::string>() << "), scope "
              << enrollment["device"]["scope"].get<std::string>() << "\n";
  return 0;
}

int run_list(const std::vector<std::string>& argv) {
  cli::Args args("device list", argv, {{"data", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  auto devices = county.devices();
  if (args.json()) {
    std::cout << devices.dump() << "\n";
  } else {
    for (const auto& d : devices)
      std::cout << d["id"].get<std::string>() << "\t" << d["role"].get<std::string>() << "\t"
                << d["scope"].get<std::string>() << "\t" << d["name"].get<std::string>()
                << (d["revoked"].is_null() ? "" : "\trevoked") << "\n";
  }
  return 0;
}

int run_revoke(const std::vector<std::string>& argv) {
  cli::Args args("device revoke", argv, {{"data", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "device ID");
  auto county = sync::CountyAuthority::open(data_dir(args));
  county.revoke_device(id);
  if (args.json())
    std::cout << nlohmann::json{{"revoked", id}}.dump() << "\n";
  else
    std::cout << "revoked " << id << "\n";
  return 0;
}

const cli::CommandRegistration issue_command{
    {"device issue", "certify a device's key request and write its enrollment file",
     "usage: doorstep-server device issue --data DIR --request REQ.pem\n"
     "         --role grid-worker|village-leader|township|county --scope GRIDPATH\n"
     "         --name NAME --out FILE [--json]\n\n"
     "Writes the enrollment file: the device certificate (role and scope), the county CA\n"
     "certificate, the county's certificate, forms and settings. Install it on the device\n"
     "with `doorstep enroll --db PATH --file FILE`.\n",
     run_issue}};
const cli::CommandRegistration list_command{
    {"device list", "list the county's devices",
     "usage: doorstep-server device list --data DIR [--json]\n\n"
     "--json prints [{\"id\", \"serial\", \"name\", \"role\", \"scope\", \"issued\", "
     "\"revoked\"}].\n",
     run_list}};
const cli::CommandRegistration revoke_command{
    {"device revoke", "revoke a device's certificate",
     "usage: doorstep-server device revoke --data DIR ID [--json]\n\n"
     "The revocation travels to every device in the county's next bundles and syncs.\n",
     run_revoke}};

}  // namespace
}  // namespace doorstep::server
