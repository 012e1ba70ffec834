// Merge rules from forms, and their stored form.
#include "core/sync/merge_rules.h"

#include "core/common/error.h"

namespace doorstep::sync {
namespace {

crypto::DeviceRole resolver_from(const nlohmann::json& value, const std::string& where) {
  if (value.is_string()) {
    std::string name = value.get<std::string>();
    for (auto role : {crypto::DeviceRole::GridWorker, crypto::DeviceRole::VillageLeader,
                      crypto::DeviceRole::Township, crypto::DeviceRole::County})
      if (crypto::role_name(role) == name) return role;
  }
  throw Error(ErrorCode::InvalidArgument,
              where + ": resolver " + value.dump() +
                  " is not one of grid-worker, village-leader, township, county");
}

FieldRule rule_from(const nlohmann::json& value, const std::string& where) {
  if (value.is_string() && (value == "review" || value == "lww"))
    return field_rule_from_string(value.get<std::string>());
  throw Error(ErrorCode::InvalidArgument,
              where + ": merge rule " + value.dump() + " is not one of review, lww");
}

void collect(const nlohmann::json& items, const std::string& where,
             std::map<std::string, MergeRule>& rules) {
  if (!items.is_array()) return;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    if (!item.is_object()) continue;
    std::string at = where + "[" + std::to_string(i) + "]";
    if (item.contains("merge") && item.contains("name") && item["name"].is_string())
      rules[item["name"].get<std::string>()] = merge_rule_from_json(item["merge"], at + ".merge");
    if (item.contains("children")) collect(item["children"], at + ".children", rules);
  }
}

}  // namespace

MergeRule merge_rule_from_json(const nlohmann::json& value, const std::string& where) {
  if (value.is_string()) return MergeRule(rule_from(value, where));
  if (!value.is_object())
    throw Error(ErrorCode::InvalidArgument,
                where + " must be \"review\", \"lww\" or {\"rule\", \"resolver\"}");
  MergeRule rule;
  for (const auto& [key, member] : value.items()) {
    if (key == "rule")
      rule.rule = rule_from(member, where);
    else if (key == "resolver")
      rule.resolver = resolver_from(member, where);
    else
      throw Error(ErrorCode::InvalidArgument,
                  where + ": unknown key '" + key + "' (expected rule, resolver)");
  }
  return rule;
}

std::map<std::string, MergeRule> merge_rules_of_form(const nlohmann::json& form) {
  std::map<std::string, MergeRule> rules;
  if (form.is_object() && form.contains("survey")) collect(form["survey"], "survey", rules);
  return rules;
}

std::string to_stored(const MergeRule& rule) {
  std::string text = to_string(rule.rule);
  if (rule.resolver != kDefaultResolver) text += ":" + std::string(role_name(rule.resolver));
  return text;
}

MergeRule from_stored(std::string_view text) {
  try {
    size_t colon = text.find(':');
    MergeRule rule(field_rule_from_string(text.substr(0, colon)));
    if (colon != std::string_view::npos)
      rule.resolver = resolver_from(std::string(text.substr(colon + 1)), "stored rule");
    return rule;
  } catch (const Error&) {
    throw Error(ErrorCode::Corrupt, "merge_rules holds '" + std::string(text) + "'");
  }
}

}  // namespace doorstep::sync
