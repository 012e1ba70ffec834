// doorstep-server: the county server's command line. Each command lives in its own file
// and registers itself (see cli-common/command.h); the shell frame dispatches.
#include "core/common/error.h"
#include "core/rules/household_classifier.h"
#include "shell.h"

int main(int argc, char** argv) {
  // Every county store this process opens keeps its households' levels from their state.
  doorstep::rules::use_form_classifier();
  return doorstep::cli::run_shell(
      {"doorstep-server",
       "The Doorstep county server: the county store and authority, device enrollment,\n"
       "sync, and the consolidated county record.",
       doorstep::version(), "County commands take --data DIR, the county's data folder."},
      argc, argv);
}
