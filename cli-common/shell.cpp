#include "shell.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"

namespace doorstep::cli {
namespace {

ShellInfo& shell() {
  static ShellInfo info;
  return info;
}

std::string usage_text(const Command& command) {
  std::string text = command.usage;
  for (size_t at = text.find("PROGRAM"); at != std::string::npos; at = text.find("PROGRAM"))
    text.replace(at, 7, shell().program);
  return text;
}

void print_overview(std::ostream& out) {
  const ShellInfo& info = shell();
  out << "usage: " << info.program << " [--version] [--json] COMMAND [ARGS]\n\n"
      << info.description << "\n\nCommands:\n\n";
  for (const auto& [name, command] : commands()) {
    std::string padded = name;
    if (padded.size() < 20) padded.resize(20, ' ');
    out << "  " << padded << " " << command.summary << "\n";
  }
  out << "\nSee '" << info.program << " help COMMAND' for one command.";
  if (!info.footer.empty()) out << " " << info.footer;
  out << "\n";
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
  std::string usage = usage_text(it->second);
  std::cout << usage;
  if (!usage.empty() && usage.back() != '\n') std::cout << "\n";
  return 0;
}

int run_version(const std::vector<std::string>& argv) {
  Args args("version", argv, {});
  args.expect_at_most(0);
  if (args.json())
    std::cout << nlohmann::json{{"version", shell().version}}.dump() << "\n";
  else
    std::cout << shell().program << " " << shell().version << "\n";
  return 0;
}

const CommandRegistration help_command{{"help", "show help for all commands or one",
                                        "usage: PROGRAM help [COMMAND]\n\n"
                                        "Without COMMAND, lists every command; with it, "
                                        "shows that command's usage.\n",
                                        run_help}};
const CommandRegistration version_command{{"version", "print the version",
                                           "usage: PROGRAM version [--json]\n"
                                           "       PROGRAM --version\n\n"
                                           "Prints the version of Doorstep.\n",
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
      std::cout << usage_text(*command);
      return 0;
    }
  }
  return command->run(rest);
}

}  // namespace

int run_shell(const ShellInfo& info, int argc, char** argv) {
  shell() = info;
  const std::string& program = info.program;
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return dispatch(std::move(args));
  } catch (const UsageError& e) {
    std::cerr << program << ": " << e.what() << "\n";
    if (e.command().empty() || e.command() == "help")
      std::cerr << "hint: see '" << program << " help' for the list of commands\n";
    else
      std::cerr << "hint: see '" << program << " help " << e.command() << "'\n";
    return 2;
  } catch (const Failure& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace doorstep::cli
