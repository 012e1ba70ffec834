// The shell frame shared by `doorstep` and `doorstep-server`: git-style dispatch of
// `PROGRAM COMMAND [ARGS]` to the commands registered in command.h, `help`, `version`, and
// the mapping of failures to messages and exit codes (0 ok, 1 failed, 2 usage error).
#pragma once

#include <string>

namespace doorstep::cli {

struct ShellInfo {
  std::string program;      // "doorstep"
  std::string description;  // two or three lines for the overview
  std::string version;      // printed by --version and `version`
  std::string footer;       // extra lines at the end of the overview (options), may be empty
};

// Parses argv, runs the command, prints errors; returns the process exit code.
int run_shell(const ShellInfo& info, int argc, char** argv);

}  // namespace doorstep::cli
