// `doorstep household add|show|list|set|history`: households through the C ABI.
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "form_files.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

int run_add(const std::vector<std::string>& argv) {
  Args args("household add", argv, {{"grid", true}, {"set", true}});
  args.expect_at_most(0);
  std::string grid = args.required("grid");
  std::string fields = args.value_or("set", "{}");
  if (json::parse(fields, nullptr, false).is_discarded())
    throw UsageError("household add",
                     "--set must be a JSON object, e.g. '{\"head_name\": \"王芳\"}'");
  StoreHandle store = open_store(args);
  ds_error error{};
  std::string id =
      take_string_naming(ds_store_household_add(store.get(), grid.c_str(), fields.c_str(), &error),
                         error, {{"fields_json", "--set"}});
  if (args.json())
    std::cout << json{{"id", id}}.dump() << "\n";
  else
    std::cout << id << "\n";
  return 0;
}

void print_fields(const json& fields, const std::string& indent) {
  for (const auto& [name, value] : fields.items())
    std::cout << indent << name << " = " << value_text(value) << "\n";
}

int run_show(const std::vector<std::string>& argv) {
  Args args("household show", argv, {});
  std::string id = args.positional(0, "ID");
  args.expect_at_most(1);
  StoreHandle store = open_store(args);
  ds_error error{};
  std::string text = take_string(ds_store_household_show(store.get(), id.c_str(), &error), error);
  if (args.json()) {
    std::cout << text << "\n";
    return 0;
  }
  json h = json::parse(text);
  std::cout << "household " << h["id"].get<std::string>() << " at " << h["grid"].get<std::string>()
            << "\n";
  print_fields(h["fields"], "  ");
  for (const auto& m : h["members"]) {
    std::cout << "  member " << m["id"].get<std::string>() << "\n";
    print_fields(m["fields"], "    ");
  }
  std::cout << "  risk: "
            << (h["risk"]["level"].is_null() ? "(no visit)" : value_text(h["risk"]["level"]))
            << "\n";
  for (const auto& c : h["conflicts"]) {
    std::cout << "  conflict on " << c["record"].get<std::string>() << " "
              << c["field"].get<std::string>() << ":\n";
    for (const auto& v : c["values"])
      std::cout << "    " << value_text(v["value"]) << " by " << v["author"].get<std::string>()
                << " at " << v["time"].get<std::string>() << "\n";
  }
  for (const auto& v : h["visits"])
    std::cout << "  visit " << v["id"].get<std::string>() << " at " << v["time"].get<std::string>()
              << " by " << v["author"].get<std::string>() << ": "
              << (v["level"].is_null() ? "-" : v["level"].get<std::string>()) << "\n";
  return 0;
}

int run_list(const std::vector<std::string>& argv) {
  Args args("household list", argv, {{"grid", true}, {"level", true}});
  args.expect_at_most(0);
  std::string grid = args.value_or("grid", "");
  std::string level = args.value_or("level", "");
  if (!level.empty() && level != "red" && level != "yellow" && level != "green")
    throw UsageError("household list", "--level must be red, yellow or green, not '" + level + "'");
  StoreHandle store = open_store(args);
  ds_error error{};
  std::string text =
      take_string(ds_store_household_list(store.get(), grid.c_str(), level.c_str(), &error), error);
  if (args.json()) {
    std::cout << text << "\n";
    return 0;
  }
  for (const auto& h : json::parse(text))
    std::cout << h["id"].get<std::string>() << "  " << h["grid"].get<std::string>() << "  "
              << (h["level"].is_null() ? "-" : h["level"].get<std::string>()) << "  "
              << (h["head_name"].is_null() ? "" : value_text(h["head_name"])) << "\n";
  return 0;
}

int run_set(const std::vector<std::string>& argv) {
  Args args("household set", argv, {});
  std::string id = args.positional(0, "ID");
  std::vector<std::string> assignments(args.positionals().begin() + 1, args.positionals().end());
  json fields = parse_assignments("household set", assignments);
  StoreHandle store = open_store(args);
  ds_error error{};
  int64_t written = ds_store_household_set(store.get(), id.c_str(), fields.dump().c_str(), &error);
  if (written < 0) throw Failure(message_naming(error, {{"fields_json", "FIELD=VALUE"}}));
  if (args.json())
    std::cout << json{{"id", id}, {"ops", written}}.dump() << "\n";
  else
    std::cout << "set " << written << " field" << (written == 1 ? "" : "s") << " of " << id << "\n";
  return 0;
}

int run_move(const std::vector<std::string>& argv) {
  Args args("household move", argv, {{"household", true}, {"grid", true}, {"reason", true}});
  args.expect_at_most(0);
  std::string id = args.required("household");
  std::string grid = args.required("grid");
  std::string reason = args.required("reason");
  StoreHandle store = open_store(args);
  ds_error error{};
  if (!ds_store_household_move(store.get(), id.c_str(), grid.c_str(), reason.c_str(), &error))
    fail(error);
  if (args.json())
    std::cout << json{{"id", id}, {"grid", grid}}.dump() << "\n";
  else
    std::cout << "moved " << id << " to " << grid << "\n";
  return 0;
}

int run_member_leave(const std::vector<std::string>& argv) {
  Args args("household member-leave", argv,
            {{"member", true}, {"reason", true}, {"date", true}, {"note", true}});
  args.expect_at_most(0);
  std::string member = args.required("member");
  std::string reason = args.required("reason");
  std::string date = args.required("date");
  std::string note = args.value_or("note", "");
  StoreHandle store = open_store(args);
  ds_error error{};
  if (!ds_store_member_leave(store.get(), member.c_str(), reason.c_str(), date.c_str(),
                             note.empty() ? nullptr : note.c_str(), &error))
    fail(error);
  if (args.json())
    std::cout << json{{"member", member}, {"reason", reason}, {"date", date}}.dump() << "\n";
  else
    std::cout << "member " << member << " left (" << reason << ", " << date << ")\n";
  return 0;
}

int run_history(const std::vector<std::string>& argv) {
  Args args("household history", argv, {{"field", true}});
  std::string id = args.positional(0, "ID");
  args.expect_at_most(1);
  std::string field = args.value_or("field", "");
  StoreHandle store = open_store(args);
  ds_error error{};
  std::string text = take_string(
      ds_store_household_history(store.get(), id.c_str(), field.c_str(), &error), error);
  if (args.json()) {
    std::cout << text << "\n";
    return 0;
  }
  for (const auto& op : json::parse(text)) {
    std::cout << op["time"].get<std::string>() << "  " << op["author"].get<std::string>() << "  "
              << op["kind"].get<std::string>() << " " << op["type"].get<std::string>() << " "
              << op["record"].get<std::string>();
    if (!op["field"].get<std::string>().empty())
      std::cout << " " << op["field"].get<std::string>() << " = " << value_text(op["value"]);
    if (!op["supersedes"].empty()) std::cout << "  (supersedes " << op["supersedes"].dump() << ")";
    std::cout << "\n";
  }
  return 0;
}

const CommandRegistration add_command{
    {"household add", "add a household at a grid path",
     "usage: PROGRAM household add --db PATH --grid GRIDPATH [--set JSON] [--json]\n\n"
     "Adds a household at GRIDPATH (COUNTY.TOWNSHIP.VILLAGE.GRID, e.g. 640323.101.200.07)\n"
     "with the fields of the JSON object given to --set; prints its id. A \"members\"\n"
     "array in it registers the household's members in the same change:\n"
     "  --set '{\"head_name\":\"王芳\",\"members\":[{\"name\":\"王芳\"},{\"name\":\"李明\"}]}'\n",
     run_add}};
const CommandRegistration show_command{
    {"household show", "show a household, its members, risk, conflicts and visits",
     "usage: PROGRAM household show --db PATH ID [--json]\n", run_show}};
const CommandRegistration list_command{{"household list",
                                        "list households by grid prefix and risk level",
                                        "usage: PROGRAM household list --db PATH [--grid PREFIX] "
                                        "[--level red|yellow|green] [--json]\n",
                                        run_list}};
const CommandRegistration set_command{
    {"household set", "correct fields of a household or member outside a visit",
     "usage: PROGRAM household set --db PATH ID FIELD=VALUE...\n\n"
     "ID is a household or member id. VALUE is read as JSON when it is JSON (5200, true,\n"
     "null, \"text\") and as text otherwise. Only fields whose value changes are written.\n",
     run_set}};
const CommandRegistration move_command{
    {"household move", "move a household to another grid, with a reason kept in its history",
     "usage: PROGRAM household move --db PATH --household ID --grid GRIDPATH --reason TEXT "
     "[--json]\n\n"
     "Only a device whose scope covers both the household's grid and GRIDPATH (a village\n"
     "leader within a village, a township, the county) may move it. The move is an op of the\n"
     "household like any edit: it syncs, and `household history` shows it with its reason.\n",
     run_move}};
const CommandRegistration member_leave_command{
    {"household member-leave", "record that a member left the household, with reason and date",
     "usage: PROGRAM household member-leave --db PATH --member ID --reason "
     "moved_out|deceased|married_out|other --date YYYY-MM-DD [--note TEXT] [--json]\n\n"
     "A visit that leaves a member out never removes it: a member leaves only by this op. It\n"
     "stays in the history and under former_members, and no longer counts for the risk level.\n",
     run_member_leave}};
const CommandRegistration history_command{
    {"household history", "every op on a household: who, when, what it superseded",
     "usage: PROGRAM household history --db PATH ID [--field F] [--json]\n", run_history}};

}  // namespace
}  // namespace doorstep::cli
