#include <cstdlib>

#include "command.h"

namespace doorstep::cli {

Args::Args(std::string command, const std::vector<std::string>& argv,
           std::vector<OptionSpec> options)
    : command_(std::move(command)) {
  options.push_back({"json", false, false});
  options.push_back({"db", true, false});
  options.push_back({"help", false, false});
  auto find = [&](const std::string& name) -> const OptionSpec* {
    for (const auto& spec : options)
      if (spec.name == name) return &spec;
    return nullptr;
  };
  bool only_positionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positionals || arg.size() < 2 || arg[0] != '-' || (arg[1] != '-' && arg != "-h")) {
      positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    std::string name = arg == "-h" ? "help" : arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = find(name);
    if (spec == nullptr) throw UsageError(command_, "unknown option '--" + name + "'");
    if (!spec->repeatable && options_.count(name))
      throw UsageError(command_, "option '--" + name + "' given twice");
    if (spec->takes_value) {
      if (inline_value) {
        options_[name].push_back(*inline_value);
      } else {
        if (i + 1 >= argv.size())
          throw UsageError(command_, "option '--" + name + "' needs a value");
        options_[name].push_back(argv[++i]);
      }
    } else {
      if (inline_value) throw UsageError(command_, "option '--" + name + "' takes no value");
      options_[name].push_back("");
    }
  }
}

bool Args::has(const std::string& name) const {
  return options_.count(name) > 0;
}

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string Args::value_or(const std::string& name, const std::string& fallback) const {
  return value(name).value_or(fallback);
}

std::string Args::required(const std::string& name) const {
  auto v = value(name);
  if (!v) throw UsageError(command_, "missing required option '--" + name + "'");
  return *v;
}

std::vector<std::string> Args::values(const std::string& name) const {
  auto it = options_.find(name);
  return it == options_.end() ? std::vector<std::string>{} : it->second;
}

std::string Args::positional(size_t index, const std::string& what) const {
  if (index >= positionals_.size()) throw UsageError(command_, "missing " + what);
  return positionals_[index];
}

void Args::expect_at_most(size_t count) const {
  if (positionals_.size() > count)
    throw UsageError(command_, "unexpected argument '" + positionals_[count] + "'");
}

std::string Args::db() const {
  if (auto v = value("db")) return *v;
  if (const char* env = std::getenv("DOORSTEP_DB"); env != nullptr && *env != '\0') return env;
  return "./doorstep.db";
}

namespace {
std::map<std::string, Command>& registry() {
  static std::map<std::string, Command> commands;
  return commands;
}
}  // namespace

CommandRegistration::CommandRegistration(Command command) {
  std::string name = command.name;
  registry().emplace(std::move(name), std::move(command));
}

const std::map<std::string, Command>& commands() {
  return registry();
}

}  // namespace doorstep::cli
