// `doorstep init`: creates the device database and its key pair.
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

int run_init(const std::vector<std::string>& argv) {
  Args args("init", argv, {{"name", true}, {"role", true}, {"scope", true}});
  args.expect_at_most(0);
  json options = {{"name", args.required("name")}};
  if (auto role = args.value("role")) options["role"] = *role;
  if (auto scope = args.value("scope")) options["scope"] = *scope;
  ds_error error{};
  StoreHandle store(ds_store_init(args.db().c_str(), options.dump().c_str(), &error));
  if (!store) fail(error);
  json identity = json::parse(take_string(ds_store_identity(store.get(), &error), error));
  if (args.json()) {
    std::cout << identity.dump() << "\n";
  } else {
    std::cout << "initialised " << args.db() << ": device "
              << identity["device_id"].get<std::string>() << " ("
              << identity["name"].get<std::string>() << ", " << identity["role"].get<std::string>()
              << ")\n";
  }
  return 0;
}

const CommandRegistration init_command{
    {"init", "create a device database and its key pair",
     "usage: PROGRAM init --db PATH --name NAME [--role ROLE] [--scope GRIDPATH] [--json]\n\n"
     "Creates the device database at PATH with a new Ed25519 key pair. ROLE is grid-worker\n"
     "(default), village-leader, township or county; GRIDPATH is the grid prefix the device\n"
     "works in (e.g. 640323.101.200.07). The private key is stored encrypted under a secret\n"
     "kept in PATH.secret (mode 0600).\n",
     run_init}};

}  // namespace
}  // namespace doorstep::cli
