// `doorstep conflicts list|resolve`: concurrent edits of one field kept for review.
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "form_files.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

int run_list(const std::vector<std::string>& argv) {
  Args args("conflicts list", argv, {});
  args.expect_at_most(0);
  StoreHandle store = open_store(args);
  ds_error error{};
  std::string text = take_string(ds_store_conflicts(store.get(), &error), error);
  if (args.json()) {
    std::cout << text << "\n";
    return 0;
  }
  for (const auto& c : json::parse(text)) {
    std::cout << c["record"].get<std::string>() << " " << c["field"].get<std::string>() << " ("
              << value_text(c["type"]) << " of household " << value_text(c["household"]) << "):\n";
    for (const auto& v : c["values"])
      std::cout << "  " << value_text(v["value"]) << " by " << v["author"].get<std::string>()
                << " at " << v["time"].get<std::string>() << "\n";
  }
  return 0;
}

int run_resolve(const std::vector<std::string>& argv) {
  Args args("conflicts resolve", argv, {{"value", true}});
  std::string id = args.positional(0, "ID");
  std::string field = args.positional(1, "FIELD");
  args.expect_at_most(2);
  json value = parse_cli_value(args.required("value"));
  require_utf8_value(value, "conflicts resolve", "--value");
  StoreHandle store = open_store(args);
  ds_error error{};
  if (!ds_store_resolve(store.get(), id.c_str(), field.c_str(), value.dump().c_str(), &error))
    throw Failure(message_naming(error, {{"value_json", "--value"}}));
  if (args.json())
    std::cout << json{{"record", id}, {"field", field}, {"value", value}}.dump() << "\n";
  else
    std::cout << "resolved " << id << " " << field << " = " << value_text(value) << "\n";
  return 0;
}

const CommandRegistration list_command{
    {"conflicts list", "list concurrent edits of one field waiting for review",
     "usage: PROGRAM conflicts list --db PATH [--json]\n", run_list}};
const CommandRegistration resolve_command{
    {"conflicts resolve", "close a conflict with a value",
     "usage: PROGRAM conflicts resolve --db PATH ID FIELD --value V\n\n"
     "ID is the household or member id; V is read as JSON when it is JSON, else as text.\n",
     run_resolve}};

}  // namespace
}  // namespace doorstep::cli
