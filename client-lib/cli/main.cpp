// doorstep: the command-line shell over the C ABI. Dispatches `doorstep COMMAND ...` to the
// registered commands (see command.h) and turns their failures into messages and exit codes.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "abi.h"
#include "command.h"

namespace doorstep::cli {
namespace {

void print_overview(std::ostream& out) {
  out << "usage: doorstep [--version] [--json] COMMAND [ARGS]\n\n"
         "Doorstep records household monitoring surveys offline and syncs them with the\n"
         "county server. Commands:\n\n";
  for (const auto& [name, command] : commands()) {
    std::string padded = name;
    if (padded.size() < 20) padded.resize(20, ' ');
    out << "  " << padded << " " << command.summary << "\n";
  }
  out << "\nSee 'doorstep help COMMAND' for one command. Commands that use a device database\n"
         "take --db PATH (default $DOORSTEP_DB, else ./doorstep.db); --json prints\n"
         "machine-readable output.\n";
}

int run_help(const std::vector<std::string>& argv) {
  Args args("help", argv, {});
  if (args.positionals().empty()) {
    print_overview(std::cout);
    return 0;
  }
  std::string name;
  for (const auto& word : args.positionals()) name += (name.empty() ? "" : " ") + word;
  auto it = commands().find(name);
  if (it == commands().end()) throw UsageError("help", "no such command '" + name + "'");
  std::cout << it->second.usage;
  if (!it->second.usage.empty() && it->second.usage.back() != '\n') std::cout << "\n";
  return 0;
}

int run_version(const std::vector<std::string>& argv) {
  Args args("version", argv, {});
  args.expect_at_most(0);
  if (args.json())
    std::cout << nlohmann::json{{"version", ds_version()}}.dump() << "\n";
  else
    std::cout << "doorstep " << ds_version() << "\n";
  return 0;
}

const CommandRegistration help_command{{"help", "show help for doorstep or one command",
                                        "usage: doorstep help [COMMAND]\n\n"
                                        "Without COMMAND, lists every command; with it, "
                                        "shows that command's usage.\n",
                                        run_help}};
const CommandRegistration version_command{
    {"version", "print the version",
     "usage: doorstep version [--json]\n       doorstep --version\n\n"
     "Prints the version of the Doorstep library (the same as ds_version()).\n",
     run_version}};

// Finds the command named by the first one or two words of argv (longest match first).
const Command* find_command(const std::vector<std::string>& argv, size_t& words) {
  if (argv.size() >= 2) {
    auto it = commands().find(argv[0] + " " + argv[1]);
    if (it != commands().end()) {
      words = 2;
      return &it->second;
    }
  }
  if (!argv.empty()) {
    auto it = commands().find(argv[0]);
    if (it != commands().end()) {
      words = 1;
      return &it->second;
    }
  }
  return nullptr;
}

bool is_group(const std::string& word) {
  for (const auto& [name, command] : commands())
    if (name.rfind(word + " ", 0) == 0) return true;
  return false;
}

int dispatch(std::vector<std::string> argv) {
  // Options before the command: --version, --help, --json.
  bool json = false;
  while (!argv.empty() && argv[0].rfind("-", 0) == 0) {
    if (argv[0] == "--version" || argv[0] == "-V") {
      argv.erase(argv.begin());
      if (json) argv.push_back("--json");
      return run_version(argv);
    }
    if (argv[0] == "--help" || argv[0] == "-h") {
      print_overview(std::cout);
      return 0;
    }
    if (argv[0] == "--json") {
      json = true;
      argv.erase(argv.begin());
      continue;
    }
    throw UsageError("", "unknown option '" + argv[0] + "'");
  }
  if (argv.empty()) {
    print_overview(std::cerr);
    return 2;
  }
  size_t words = 0;
  const Command* command = find_command(argv, words);
  if (command == nullptr) {
    if (argv.size() >= 2 && is_group(argv[0]))
      throw UsageError(argv[0], "unknown command '" + argv[0] + " " + argv[1] + "'");
    if (is_group(argv[0])) throw UsageError(argv[0], "'" + argv[0] + "' needs a subcommand");
    throw UsageError("", "unknown command '" + argv[0] + "'");
  }
  std::vector<std::string> rest(argv.begin() + static_cast<long>(words), argv.end());
  if (json) rest.push_back("--json");
  for (const auto& arg : rest) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      std::cout << command->usage;
      return 0;
    }
  }
  return command->run(rest);
}

}  // namespace
}  // namespace doorstep::cli

int main(int argc, char** argv) {
  using namespace doorstep::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return dispatch(std::move(args));
  } catch (const UsageError& e) {
    std::cerr << "doorstep: " << e.what() << "\n";
    if (e.command().empty() || e.command() == "help")
      std::cerr << "hint: see 'doorstep help' for the list of commands\n";
    else
      std::cerr << "hint: see 'doorstep help " << e.command() << "'\n";
    return 2;
  } catch (const Failure& e) {
    std::cerr << "doorstep: error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "doorstep: error: " << e.what() << "\n";
    return 1;
  }
}
