// The suggested monitoring type from formerly_poor and the rules fired.
#include "core/rules/monitoring_type.h"

#include <algorithm>

namespace doorstep::rules {

std::string suggest_monitoring_type(const std::string& formerly_poor,
                                    const std::vector<std::string>& fired_rule_ids) {
  if (fired_rule_ids.empty()) return "";
  if (formerly_poor == "yes") return "unstable";
  auto fired = [&](const char* id) {
    return std::find(fired_rule_ids.begin(), fired_rule_ids.end(), id) != fired_rule_ids.end();
  };
  if (fired("yellow.rigid_expense") || fired("yellow.income_drop")) return "sudden_hardship";
  return "marginal";
}

}  // namespace doorstep::rules
