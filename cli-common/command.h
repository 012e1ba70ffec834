// The command-line shell's frame: a registry of subcommands (git style), an argument parser,
// and the ways a command fails. Each command lives in its own cli/cmd_*.cpp file and
// registers itself with a static CommandRegistration; main.cpp only dispatches.
//
// Exit codes: 0 success; 1 the operation failed (bad data, failed check); 2 a usage error
// (unknown command or option, missing argument); 3 `sync` or `bundle import` completed but a
// rejected change is outstanding (status_output.h).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace doorstep::cli {

// A mistake in how the command was called; main prints it with a hint and exits 2.
class UsageError : public std::runtime_error {
 public:
  UsageError(const std::string& command, const std::string& message)
      : std::runtime_error(message), command_(command) {}
  const std::string& command() const { return command_; }

 private:
  std::string command_;
};

// An operation that failed for a reason the message explains; main prints it and exits 1
// (or `exit_code` when a command needs another).
class Failure : public std::runtime_error {
 public:
  explicit Failure(const std::string& message, int exit_code = 1)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value = false;
  bool repeatable = false;
};

// Parsed arguments of one command. Accepts `--name VALUE`, `--name=VALUE`, flags, and `--`
// to end options. Every command accepts --json, --db PATH and --help.
class Args {
 public:
  Args(std::string command, const std::vector<std::string>& argv, std::vector<OptionSpec> options);

  const std::string& command() const { return command_; }
  bool has(const std::string& name) const;
  std::optional<std::string> value(const std::string& name) const;
  std::string value_or(const std::string& name, const std::string& fallback) const;
  // The value of a required option; a UsageError naming it when absent.
  std::string required(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  // The i-th positional argument; a UsageError "missing WHAT" when absent.
  std::string positional(size_t index, const std::string& what) const;
  // Fails with a UsageError if more than `count` positionals were given.
  void expect_at_most(size_t count) const;

  bool json() const { return has("json"); }
  // --db PATH, else $DOORSTEP_DB, else ./doorstep.db.
  std::string db() const;

 private:
  std::string command_;
  std::map<std::string, std::vector<std::string>> options_;
  std::vector<std::string> positionals_;
};

struct Command {
  std::string name;     // one or two words: "expr", "form check"
  std::string summary;  // one line for `doorstep help`
  std::string usage;    // the full text for `doorstep help NAME`
  std::function<int(const std::vector<std::string>& argv)> run;
};

// Adds a command to the shell's registry at static-initialisation time.
struct CommandRegistration {
  explicit CommandRegistration(Command command);
};

const std::map<std::string, Command>& commands();

}  // namespace doorstep::cli
