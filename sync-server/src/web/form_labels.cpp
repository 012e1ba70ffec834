// FormLabels: reading a form definition's words.
#include "web/form_labels.h"

namespace doorstep::server::web {
namespace {

using nlohmann::json;

std::string in_language(const json& text, Lang lang) {
  if (text.is_string()) return text.get<std::string>();
  if (!text.is_object()) return "";
  const char* code = lang_code(lang);
  if (text.contains(code) && text[code].is_string()) return text[code].get<std::string>();
  for (const auto& [key, value] : text.items())
    if (value.is_string()) return value.get<std::string>();
  return "";
}

}  // namespace

FormLabels::FormLabels(const std::string& form_text) {
  json form = json::parse(form_text, nullptr, false);
  if (!form.is_object()) return;
  if (form.contains("choices") && form["choices"].is_object())
    for (const auto& [list, options] : form["choices"].items()) choices_[list] = options;
  if (form.contains("rules") && form["rules"].is_array())
    for (const auto& rule : form["rules"])
      if (rule.is_object() && rule.contains("id") && rule["id"].is_string())
        rules_[rule["id"].get<std::string>()] = rule.value("message", json());
  if (form.contains("survey") && form["survey"].is_array()) walk(form["survey"], false);
}

void FormLabels::walk(const json& items, bool in_members) {
  for (const auto& item : items) {
    if (!item.is_object()) continue;
    std::string type = item.value("type", "");
    std::string name = item.value("name", "");
    if (type == "begin_group" || type == "begin_repeat") {
      if (item.contains("children") && item["children"].is_array())
        walk(item["children"], in_members || type == "begin_repeat");
      continue;
    }
    if (name.empty()) continue;
    order_.emplace(name, order_.size());
    if (item.contains("label")) labels_[name] = item["label"];
    if (type.rfind("select_one ", 0) == 0) choice_list_[name] = type.substr(11);
    if (type.rfind("select_multiple ", 0) == 0) choice_list_[name] = type.substr(16);
    if (type == "note" || type == "calculate") continue;
    (in_members ? member_fields_ : household_fields_).push_back(name);
  }
}

std::string FormLabels::question(Lang lang, const std::string& field) const {
  auto it = labels_.find(field);
  std::string text = it == labels_.end() ? "" : in_language(it->second, lang);
  return text.empty() ? field : text;
}

std::string FormLabels::value(Lang lang, const std::string& field, const json& value) const {
  if (value.is_null()) return "";
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  auto list = choice_list_.find(field);
  if (list == choice_list_.end() || !value.is_string()) return text;
  auto options = choices_.find(list->second);
  if (options == choices_.end() || !options->second.is_array()) return text;
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (!word.empty()) {
      std::string label = word;
      for (const auto& option : options->second)
        if (option.is_object() && option.value("name", "") == word)
          label = in_language(option.value("label", json()), lang);
      out += (out.empty() ? "" : lang == Lang::Zh ? "、" : ", ") + label;
    }
    start = end + 1;
  }
  return out;
}

std::string FormLabels::rule(Lang lang, const std::string& rule_id) const {
  auto it = rules_.find(rule_id);
  std::string text = it == rules_.end() ? "" : in_language(it->second, lang);
  return text.empty() ? rule_id : text;
}

size_t FormLabels::order(const std::string& field) const {
  auto it = order_.find(field);
  return it == order_.end() ? 100000 : it->second;
}

}  // namespace doorstep::server::web
