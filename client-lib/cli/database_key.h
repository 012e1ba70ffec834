// The database key of the `doorstep` CLI: --key-file FILE or $DOORSTEP_KEY_FILE names a file
// whose bytes are the key of the device database (docs/security.md, "Encryption at rest").
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace doorstep::cli {

// Removes --key-file FILE (or --key-file=FILE) from `argv`, reads the key file it (or
// $DOORSTEP_KEY_FILE) names and registers the key for the database of --db (or $DOORSTEP_DB,
// else ./doorstep.db) with ds_store_use_key; sets DOORSTEP_KEY_FILE to the file, for commands
// that need the key itself. Returns "" or a message saying what failed.
std::string take_database_key(std::vector<std::string>& argv);

// The key of DOORSTEP_KEY_FILE as take_database_key read it, if one was given.
std::optional<std::string> database_key();

}  // namespace doorstep::cli
