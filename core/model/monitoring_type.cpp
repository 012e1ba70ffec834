// The suggested monitoring type from formerly_poor and the rules fired.
#include "core/model/monitoring_type.h"

#include <algorithm>

namespace doorstep::model {

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

namespace {

struct Label {
  const char* code;
  const char* zh;
  const char* en;
};

// The policy's names of the three target groups and of the warning levels.
constexpr Label kMonitoringTypes[] = {{"unstable", "脱贫不稳定户", "unstable"},
                                      {"marginal", "边缘易致贫户", "marginal"},
                                      {"sudden_hardship", "突发严重困难户", "sudden hardship"}};
constexpr Label kLevels[] = {
    {"red", "红色", "red"}, {"yellow", "黄色", "yellow"}, {"green", "绿色", "green"}};

template <size_t N>
std::string label_of(const Label (&labels)[N], const std::string& code,
                     const std::string& language) {
  for (const auto& l : labels)
    if (code == l.code) return language == "en" ? l.en : l.zh;
  return "";
}

}  // namespace

std::string monitoring_type_label(const std::string& type, const std::string& language) {
  return label_of(kMonitoringTypes, type, language);
}

std::string risk_level_label(const std::string& level, const std::string& language) {
  return label_of(kLevels, level, language);
}

}  // namespace doorstep::model
