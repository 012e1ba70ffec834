#include "database_key.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "abi.h"

namespace doorstep::cli {
namespace {

std::optional<std::string>& key() {
  static std::optional<std::string> value;
  return value;
}

}  // namespace

std::string take_database_key(std::vector<std::string>& argv) {
  std::optional<std::string> file;
  std::string db;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") break;
    if (arg == "--key-file" || arg.rfind("--key-file=", 0) == 0) {
      bool inline_value = arg != "--key-file";
      if (!inline_value && i + 1 >= argv.size()) return "option '--key-file' needs a value";
      file = inline_value ? arg.substr(11) : argv[i + 1];
      argv.erase(argv.begin() + static_cast<long>(i),
                 argv.begin() + static_cast<long>(i) + (inline_value ? 1 : 2));
      --i;
      continue;
    }
    if (arg == "--db" && i + 1 < argv.size()) db = argv[i + 1];
    if (arg.rfind("--db=", 0) == 0) db = arg.substr(5);
  }
  if (!file) {
    const char* env = std::getenv("DOORSTEP_KEY_FILE");
    if (env == nullptr || *env == '\0') return "";
    file = env;
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in) return "cannot read the key file '" + *file + "'";
  std::ostringstream bytes;
  bytes << in.rdbuf();
  key() = bytes.str();
  setenv("DOORSTEP_KEY_FILE", file->c_str(), 1);
  if (db.empty()) {
    const char* env = std::getenv("DOORSTEP_DB");
    db = env != nullptr && *env != '\0' ? env : "./doorstep.db";
  }
  ds_error error{};
  if (!ds_store_use_key(db.c_str(), key()->data(), key()->size(), &error))
    return "the key file '" + *file + "': " + error_message(error);
  return "";
}

std::optional<std::string> database_key() {
  return key();
}

}  // namespace doorstep::cli
