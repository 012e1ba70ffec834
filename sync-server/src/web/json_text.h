// json_text: the text of a string member of a JSON object, as the pages read the store's
// listings (households, cases, tasks, warnings, devices, imports).
//
// Thread-safety: a pure function. Failure: none — a member that is absent or not a string
// reads as "".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace doorstep::server::web {

inline std::string json_text(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace doorstep::server::web
