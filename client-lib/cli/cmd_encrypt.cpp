// `doorstep encrypt`: a plain device database encrypted in place with the key of --key-file.
#include <iostream>

#include "abi.h"
#include "command.h"
#include "database_key.h"

namespace doorstep::cli {
namespace {

int run_encrypt(const std::vector<std::string>& argv) {
  Args args("encrypt", argv, {});
  args.expect_at_most(0);
  auto key = database_key();
  if (!key) throw UsageError("encrypt", "give the key: --key-file FILE (or $DOORSTEP_KEY_FILE)");
  std::string db = args.db();
  ds_error error{};
  if (!ds_store_encrypt(db.c_str(), key->data(), key->size(), &error)) fail(error);
  if (args.json())
    std::cout << "{\"encrypted\":true}\n";
  else
    std::cout << "encrypted " << db << "\n";
  return 0;
}

const CommandRegistration encrypt_command{
    {"encrypt", "encrypt a plain device database in place",
     "usage: doorstep encrypt --db PATH --key-file FILE [--json]\n\n"
     "Encrypts the device database PATH (made before encryption was used) with the key in\n"
     "FILE (random bytes, at least 16; e.g. `head -c 32 /dev/urandom > FILE`, kept away from\n"
     "the database): an encrypted copy is written, synced to disk and renamed over PATH.\n"
     "Every later command on PATH needs --key-file FILE (or $DOORSTEP_KEY_FILE); `doorstep\n"
     "init --key-file FILE` creates an encrypted database from the start. Nothing may have\n"
     "PATH open meanwhile (stop `doorstep app`). Fails, changing nothing, if PATH is\n"
     "encrypted already.\n",
     run_encrypt}};

}  // namespace
}  // namespace doorstep::cli
