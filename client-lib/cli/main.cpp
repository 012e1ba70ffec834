// doorstep: the command-line shell over the C ABI. Each command lives in a cli/cmd_*.cpp
// file; shell.cpp dispatches.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "database_key.h"
#include "doorstep.h"
#include "shell.h"

int main(int argc, char** argv) {
  // --key-file F (or DOORSTEP_KEY_FILE) is taken here, for every command at once: the key is
  // registered for the database of --db before the command opens it.
  std::vector<std::string> words(argv, argv + argc);
  std::string failure = doorstep::cli::take_database_key(words);
  if (!failure.empty()) {
    std::cerr << "doorstep: error: " << failure << "\n";
    return 1;
  }
  std::vector<char*> rest;
  for (auto& word : words) rest.push_back(word.data());
  rest.push_back(nullptr);
  return doorstep::cli::run_shell(
      {"doorstep",
       "Doorstep records household monitoring surveys offline and syncs them with the\n"
       "county server.",
       ds_version(),
       "Commands that use a device database take --db PATH\n(default $DOORSTEP_DB, else "
       "./doorstep.db) and, for an encrypted one, --key-file FILE (default "
       "$DOORSTEP_KEY_FILE);\n--json prints machine-readable output."},
      static_cast<int>(words.size()), rest.data());
}
