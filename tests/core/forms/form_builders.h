// Small builders for form definitions in tests: items, choice lists and whole forms as JSON,
// and where a piece of text sits in a JSON source (to check FILE:LINE:COL in messages).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "core/forms/form_loader.h"
#include "core/forms/form_session.h"

namespace doorstep::test {

using nlohmann::json;

inline json item(const std::string& type, const std::string& name, json extra = json::object()) {
  json out = {{"type", type}, {"name", name}, {"label", {{"zh", name + "（中）"}, {"en", name}}}};
  for (auto& [key, value] : extra.items()) out[key] = value;
  return out;
}

inline json group(const std::string& name, json children, json extra = json::object()) {
  json out = item("begin_group", name, std::move(extra));
  out["children"] = std::move(children);
  return out;
}

inline json repeat(const std::string& name, json children, json extra = json::object()) {
  json out = item("begin_repeat", name, std::move(extra));
  out["children"] = std::move(children);
  return out;
}

inline json calculate(const std::string& name, const std::string& calculation) {
  return json{{"type", "calculate"}, {"name", name}, {"calculation", calculation}};
}

inline json yes_no_choices() {
  return json{{"yes_no",
               {{{"name", "yes"}, {"label", {{"zh", "是"}, {"en", "Yes"}}}},
                {{"name", "no"}, {"label", {{"zh", "否"}, {"en", "No"}}}}}}};
}

inline json form_json(json survey, json extra = json::object()) {
  json out = {{"settings", {{"form_id", "test"}, {"version", "1"}, {"default_language", "en"}}},
              {"survey", std::move(survey)},
              {"choices", yes_no_choices()}};
  for (auto& [key, value] : extra.items()) out[key] = value;
  return out;
}

inline std::shared_ptr<const forms::FormDefinition> load(const json& form) {
  return forms::load_form_or_throw(form.dump(2), "test.json");
}

// "LINE:COL" of the nth occurrence of `needle` in `text` (columns count characters).
inline std::string position_of(const std::string& text, const std::string& needle, int nth = 0) {
  size_t at = text.find(needle);
  for (int i = 0; i < nth && at != std::string::npos; ++i) at = text.find(needle, at + 1);
  if (at == std::string::npos) return "not found";
  int line = 1, column = 1;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// The issues of loading `text` as "test.json", one "FILE:LINE:COL: message" per line.
inline std::string issues_of(const std::string& text) {
  auto result = forms::load_form(text, "test.json");
  std::string out;
  for (const auto& issue : result.issues) out += issue.to_string() + "\n";
  return out;
}

}  // namespace doorstep::test
