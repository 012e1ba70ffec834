// `doorstep digest` and `doorstep check`: the state digest and the consistency check.
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

int run_digest(const std::vector<std::string>& argv) {
  Args args("digest", argv, {{"scope", true}});
  args.expect_at_most(0);
  std::string scope = args.value_or("scope", "");
  StoreHandle store = open_store(args);
  ds_error error{};
  std::string digest = take_string(ds_store_digest(store.get(), scope.c_str(), &error), error);
  if (args.json())
    std::cout << json{{"digest", digest}, {"scope", scope}}.dump() << "\n";
  else
    std::cout << digest << "\n";
  return 0;
}

int run_check(const std::vector<std::string>& argv) {
  Args args("check", argv, {});
  args.expect_at_most(0);
  StoreHandle store = open_store(args);
  ds_error error{};
  json result = json::parse(take_string(ds_store_check(store.get(), &error), error));
  bool ok = result["ok"].get<bool>();
  if (args.json()) {
    std::cout << result.dump() << "\n";
  } else if (ok) {
    std::cout << "ok\n";
  } else {
    for (const auto& problem : result["problems"]) std::cerr << problem.get<std::string>() << "\n";
  }
  return ok ? 0 : 1;
}

const CommandRegistration digest_command{
    {"digest", "print the state digest (equal on replicas holding the same ops)",
     "usage: PROGRAM digest --db PATH [--scope PREFIX] [--json]\n", run_digest}};
const CommandRegistration check_command{
    {"check", "verify the database: state equals the fold of the op log, integrity_check",
     "usage: PROGRAM check --db PATH [--json]\n\n"
     "Exits 0 if consistent, else 1 and prints what is wrong.\n",
     run_check}};

}  // namespace
}  // namespace doorstep::cli
