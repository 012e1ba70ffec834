// doorstep: the command-line shell over the C ABI. Each command lives in a cli/cmd_*.cpp
// file; shell.cpp dispatches.
#include "doorstep.h"
#include "shell.h"

int main(int argc, char** argv) {
  return doorstep::cli::run_shell(
      {"doorstep",
       "Doorstep records household monitoring surveys offline and syncs them with the\n"
       "county server.",
       ds_version(),
       "Commands that use a device database take --db PATH\n(default $DOORSTEP_DB, else "
       "./doorstep.db); --json prints machine-readable output."},
      argc, argv);
}
