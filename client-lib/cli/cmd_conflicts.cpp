// `doorstep conflicts list|resolve|propose`: concurrent edits of one field kept for review.
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
    for (const auto& p : c["proposals"]) {
      std::cout << "  proposed: " << value_text(p["value"]) << " by "
                << p["author"].get<std::string>();
      if (!p["note"].get<std::string>().empty())
        std::cout << " (" << p["note"].get<std::string>() << ")";
      std::cout << "\n";
    }
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

int run_propose(const std::vector<std::string>& argv) {
  Args args("conflicts propose", argv,
            {{"record", true}, {"field", true}, {"value", true}, {"note", true}});
  args.expect_at_most(0);
  std::string id = args.required("record");
  std::string field = args.required("field");
  json value = parse_cli_value(args.required("value"));
  require_utf8_value(value, "conflicts propose", "--value");
  std::string note = args.value_or("note", "");
  StoreHandle store = open_store(args);
  ds_error error{};
  std::string proposal = take_string_naming(
      ds_store_propose(store.get(), id.c_str(), field.c_str(), value.dump().c_str(), note.c_str(),
                       &error),
      error, {{"value_json", "--value"}, {"record_id", "--record"}, {"field", "--field"}});
  if (args.json())
    std::cout
        << json{{"proposal", proposal}, {"record", id}, {"field", field}, {"value", value}}.dump()
        << "\n";
  else
    std::cout << "proposed " << id << " " << field << " = " << value_text(value) << "\n";
  return 0;
}

const CommandRegistration list_command{
    {"conflicts list", "list concurrent edits of one field waiting for review",
     "usage: PROGRAM conflicts list --db PATH [--json]\n", run_list}};
const CommandRegistration resolve_command{
    {"conflicts resolve", "close a conflict with a value",
     "usage: PROGRAM conflicts resolve --db PATH ID FIELD --value V\n\n"
     "ID is the household or member id; V is read as JSON when it is JSON, else as text.\n"
     "Only the field's resolver role may resolve: village-leader and above, unless the\n"
     "form's merge rule names another (docs/merge.md); a grid worker proposes instead.\n",
     run_resolve}};
const CommandRegistration propose_command{
    {"conflicts propose", "propose a value for a conflict, for whoever may resolve it",
     "usage: PROGRAM conflicts propose --db PATH --record ID --field FIELD --value V\n"
     "                                 [--note TEXT] [--json]\n\n"
     "Stores the proposal as a record of the household, so it syncs to the village leader\n"
     "(or whoever the field's merge rule names), whose `conflicts list` shows it beside the\n"
     "conflict's values. V is read as JSON when it is JSON, else as text.\n",
     run_propose}};

}  // namespace
}  // namespace doorstep::cli
