// What the store commands share: opening the device database named by --db through the C
// ABI, owning the handle, and turning FIELD=VALUE arguments into JSON.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "abi.h"

namespace doorstep::cli {

struct StoreFree {
  void operator()(ds_store* s) const noexcept { ds_store_free(s); }
};
using StoreHandle = std::unique_ptr<ds_store, StoreFree>;

// Opens the database of --db (or $DOORSTEP_DB); a Failure if it cannot be opened.
inline StoreHandle open_store(const Args& args) {
  ds_error error{};
  StoreHandle store(ds_store_open(args.db().c_str(), nullptr, &error));
  if (!store) fail(error);
  return store;
}

// A command-line value: JSON if it parses as JSON (numbers, true, false, null, "text",
// objects, arrays), else the text itself as a string — so `income=5200` is a number and
// `head_name=王芳` a string.
inline nlohmann::json parse_cli_value(const std::string& text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return nlohmann::json(text);
  return value;
}

// A UsageError naming `what` if `value` holds text that is not UTF-8 (the store could not
// keep it as JSON).
inline void require_utf8_value(const nlohmann::json& value, const std::string& command,
                               const std::string& what) {
  try {
    (void)value.dump();
  } catch (const nlohmann::json::type_error&) {
    throw UsageError(command, what + ": the value is not valid UTF-8");
  }
}

// FIELD=VALUE arguments as a JSON object; a UsageError naming the argument when one is
// malformed (field names themselves are checked by the store).
inline nlohmann::json parse_assignments(const std::string& command,
                                        const std::vector<std::string>& assignments) {
  if (assignments.empty()) throw UsageError(command, "missing FIELD=VALUE");
  nlohmann::json fields = nlohmann::json::object();
  for (size_t i = 0; i < assignments.size(); ++i) {
    const std::string& arg = assignments[i];
    size_t eq = arg.find('=');
    if (eq == std::string::npos)
      throw UsageError(command, "bad FIELD=VALUE '" + arg + "' (argument " + std::to_string(i + 1) +
                                    "): no '='");
    if (eq == 0)
      throw UsageError(command, "bad FIELD=VALUE '" + arg + "' (argument " + std::to_string(i + 1) +
                                    "): the field name is empty");
    std::string field = arg.substr(0, eq);
    if (fields.contains(field))
      throw UsageError(command, "bad FIELD=VALUE '" + arg + "': field '" + field + "' given twice");
    fields[field] = parse_cli_value(arg.substr(eq + 1));
    require_utf8_value(fields[field], command,
                       "FIELD=VALUE '" + field + "=...' (argument " + std::to_string(i + 1) + ")");
  }
  return fields;
}

inline std::string value_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace doorstep::cli
