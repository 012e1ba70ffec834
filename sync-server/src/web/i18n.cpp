// The county record's vocabulary in Chinese and English.
#include "web/i18n.h"

#include <map>

namespace doorstep::server::web {
namespace {

using Words = std::map<std::string, std::pair<const char*, const char*>>;

std::string look_up(const Words& words, Lang lang, const std::string& key) {
  auto it = words.find(key);
  if (it == words.end()) return key;
  return lang == Lang::Zh ? it->second.first : it->second.second;
}

}  // namespace

std::string level_label(Lang lang, const std::string& level) {
  static const Words words = {{"red", {"红色", "Red"}},
                              {"yellow", {"黄色", "Yellow"}},
                              {"green", {"绿色", "Green"}},
                              {"", {"未调查", "Not surveyed"}},
                              {"none", {"未调查", "Not surveyed"}}};
  return look_up(words, lang, level);
}

std::string case_state_label(Lang lang, const std::string& state) {
  static const Words words = {{"identified", {"已识别", "Identified"}},
                              {"verified", {"已核实", "Verified"}},
                              {"publicised", {"公示中", "In publicity"}},
                              {"township_reviewed", {"乡镇已审核", "Township reviewed"}},
                              {"approved", {"县级已审定", "Approved"}},
                              {"assisting", {"帮扶中", "Under assistance"}},
                              {"eliminated", {"已消除风险", "Risk eliminated"}},
                              {"dismissed", {"已排除", "Dismissed"}}};
  return look_up(words, lang, state);
}

std::string staff_role_label(Lang lang, const std::string& role) {
  static const Words words = {{"county", {"县级", "County"}},
                              {"township", {"乡镇", "Township"}},
                              {"village", {"村级", "Village"}}};
  return look_up(words, lang, role);
}

std::string device_role_label(Lang lang, const std::string& role) {
  static const Words words = {{"grid-worker", {"网格员", "Grid worker"}},
                              {"village-leader", {"村干部", "Village leader"}},
                              {"township", {"乡镇", "Township"}},
                              {"county", {"县级", "County"}}};
  return look_up(words, lang, role);
}

std::string warning_source_label(Lang lang, const std::string& source) {
  static const Words words = {{"rules", {"入户监测", "Visit rules"}},
                              {"department", {"部门比对", "Department data"}},
                              {"application", {"农户申报", "Own application"}},
                              {"escalation", {"超期上报", "Escalation"}}};
  return look_up(words, lang, source);
}

std::string task_kind_label(Lang lang, const std::string& kind) {
  static const Words words = {{"verify", {"核实", "Verify"}},
                              {"revisit", {"回访", "Revisit"}},
                              {"follow_up", {"跟踪回访", "Follow-up"}},
                              {"elimination_check", {"消除风险核查", "Elimination check"}}};
  return look_up(words, lang, kind);
}

std::string monitoring_type_label(Lang lang, const std::string& type) {
  static const Words words = {{"unstable", {"脱贫不稳定户", "Unstable"}},
                              {"marginal", {"边缘易致贫户", "Marginal"}},
                              {"sudden", {"突发严重困难户", "Sudden hardship"}},
                              {"", {"无", "None"}}};
  return look_up(words, lang, type);
}

std::string division_level_label(Lang lang, const std::string& level) {
  static const Words words = {{"county", {"县", "County"}},
                              {"township", {"乡镇", "Township"}},
                              {"village", {"村", "Village"}},
                              {"grid", {"网格", "Grid"}}};
  return look_up(words, lang, level);
}

std::string status_label(Lang lang, const std::string& status) {
  static const Words words = {
      {"open", {"未完成", "open"}},       {"closed", {"已关闭", "closed"}},
      {"done", {"已完成", "done"}},       {"cancelled", {"已取消", "cancelled"}},
      {"settled", {"已处理", "settled"}}, {"running", {"进行中", "running"}},
      {"failed", {"失败", "failed"}}};
  return look_up(words, lang, status);
}

std::string transition_label(Lang lang, const std::string& to) {
  static const Words words = {{"verified", {"村级核实", "Verify"}},
                              {"publicised", {"村级公示", "Publicise"}},
                              {"township_reviewed", {"乡镇审核", "Township review"}},
                              {"approved", {"县级审定", "Approve"}},
                              {"assisting", {"转入帮扶", "Move to assistance"}},
                              {"eliminated", {"风险消除", "Eliminate the risk"}},
                              {"dismissed", {"排除", "Dismiss"}}};
  return look_up(words, lang, to);
}

}  // namespace doorstep::server::web
