// Risk rule evaluation: highest level fired, every fired rule, the monitoring type.
#include "core/forms/risk_rules.h"

#include "core/common/error.h"
#include "core/model/monitoring_type.h"

namespace doorstep::forms {

const char* to_string(RiskLevel level) {
  switch (level) {
    case RiskLevel::Red: return "red";
    case RiskLevel::Yellow: return "yellow";
    case RiskLevel::Green: return "green";
  }
  return "green";
}

std::optional<RiskLevel> rule_level_from_string(const std::string& text) {
  if (text == "red") return RiskLevel::Red;
  if (text == "yellow") return RiskLevel::Yellow;
  return std::nullopt;
}

std::string pick_language(const LocalizedText& text, const std::string& language,
                          const std::string& fallback_language) {
  if (auto it = text.find(language); it != text.end()) return it->second;
  if (auto it = text.find(fallback_language); it != text.end()) return it->second;
  return text.empty() ? std::string() : text.begin()->second;
}

RiskResult summarise(std::vector<FiredRule> fired, const std::string& formerly_poor) {
  RiskResult result;
  std::vector<std::string> ids;
  for (const auto& rule : fired) {
    if (rule.level > result.level) result.level = rule.level;
    ids.push_back(rule.id);
  }
  result.fired = std::move(fired);
  result.monitoring_type = model::suggest_monitoring_type(formerly_poor, ids);
  return result;
}

RiskResult classify(const std::vector<RiskRule>& rules, const forms::EvalContext& context,
                    const std::string& language, const std::string& fallback_language,
                    const std::string& formerly_poor) {
  std::vector<FiredRule> fired;
  std::vector<std::string> errors;
  for (const auto& rule : rules) {
    try {
      if (!rule.when.evaluate(context).to_boolean()) continue;
    } catch (const Error& e) {
      errors.push_back("rule '" + rule.id + "': " + e.what());
      continue;
    }
    fired.push_back(
        {rule.id, rule.level, pick_language(rule.message, language, fallback_language)});
  }
  RiskResult result = summarise(std::move(fired), formerly_poor);
  result.errors = std::move(errors);
  return result;
}

}  // namespace doorstep::forms
