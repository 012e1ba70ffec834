// Risk rules: the red / yellow / green early warning of a household, as data in the form.
//
// A RiskRule has an id (a contract other systems match on, e.g. "red.income"), a level
// (red or yellow), a `when` expression over the form's fields and parameters, and a message
// per language. classify() evaluates every rule against what is answered so far: the result
// is the highest level fired (green when none fired) and every fired rule with its message,
// so a grid worker sees why. It then suggests a monitoring type (see monitoring_type.h).
//
// Thread-safety: rules are immutable after loading; classify() only reads them.
// Failure: a rule whose expression fails at run time (e.g. an invalid regex) does not fire;
// its error is reported in RiskResult::errors instead of aborting the classification.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/forms/expression.h"

namespace doorstep::forms {

enum class RiskLevel { Green = 0, Yellow = 1, Red = 2 };

const char* to_string(RiskLevel level);
// "red" / "yellow" (the levels a rule may have); nullopt otherwise.
std::optional<RiskLevel> rule_level_from_string(const std::string& text);

// Text per language code ("zh", "en").
using LocalizedText = std::map<std::string, std::string>;

// The text for `language`, else for `fallback_language`, else any; "" if empty.
std::string pick_language(const LocalizedText& text, const std::string& language,
                          const std::string& fallback_language);

struct RiskRule {
  std::string id;
  RiskLevel level = RiskLevel::Yellow;
  forms::Expression when;
  LocalizedText message;
};

struct FiredRule {
  std::string id;
  RiskLevel level = RiskLevel::Yellow;
  std::string message;  // in the requested language
};

struct RiskResult {
  RiskLevel level = RiskLevel::Green;
  std::vector<FiredRule> fired;  // in the order the form lists its rules
  // "unstable", "marginal", "sudden_hardship", or "" when nothing fired.
  std::string monitoring_type;
  std::vector<std::string> errors;  // rules that could not be evaluated, with why
};

// Evaluates every rule in `rules` against `context`. Never throws for a rule's run-time
// failure (it is reported in errors); `formerly_poor` is the household's answer to the
// formerly_poor question ("yes"/"no"/"").
RiskResult classify(const std::vector<RiskRule>& rules, const forms::EvalContext& context,
                    const std::string& language, const std::string& fallback_language,
                    const std::string& formerly_poor);

// The result from rules already known to have fired (used by the form session, which keeps
// each rule's state up to date incrementally).
RiskResult summarise(std::vector<FiredRule> fired, const std::string& formerly_poor);

}  // namespace doorstep::forms
