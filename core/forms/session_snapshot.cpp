// Reading a FormSession: one question's state, the whole snapshot, the risk result and the
// raw answers.
#include "core/common/error.h"
#include "core/forms/form_session.h"

namespace doorstep::forms {
namespace {

std::string default_required_message(const std::string& language) {
  return language == "zh" ? "此项必填" : "This question is required.";
}
std::string default_constraint_message(const std::string& language) {
  return language == "zh" ? "答案不符合要求" : "The answer is not accepted.";
}
std::string default_warning_message(const std::string& language) {
  return language == "zh" ? "请核实此答案" : "Please check this answer.";
}

}  // namespace

QuestionState FormSession::question(const std::string& name, int instance) const {
  const FormItem& item = item_named(name);
  check_instance(item, instance);
  const Node& n = node(item.index, instance);
  QuestionState q;
  q.item = &item;
  q.instance = instance;
  q.visible = n.visible;
  q.required = n.required;
  q.value = n.value;
  q.answered = n.visible && !n.answer.empty() && !item.calculation;
  q.missing = n.required && n.value.empty();
  q.evaluation_error = n.evaluation_error;
  const std::string& fallback = form_->settings.default_language;
  if (n.constraint_failed) {
    q.error = forms::pick_language(item.constraint_message, language_, fallback);
    if (q.error.empty()) q.error = default_constraint_message(language_);
  } else if (q.missing) {
    q.error = forms::pick_language(item.required_message, language_, fallback);
    if (q.error.empty()) q.error = default_required_message(language_);
  }
  if (n.warning_fired) {
    q.warning = forms::pick_language(item.warning_message, language_, fallback);
    if (q.warning.empty()) q.warning = default_warning_message(language_);
  }
  return q;
}

FormSnapshot FormSession::snapshot() const {
  FormSnapshot snap;
  bool can_finalise = true;
  // Document order; the items of a repeat are listed instance by instance after the repeat.
  for (const auto& item : form_->items) {
    if (item.repeat >= 0) continue;
    snap.questions.push_back(question(item.name, -1));
    if (item.type != ItemType::Repeat) continue;
    for (int i = 0; i < instance_count(item.index); ++i)
      for (const auto& child : form_->items)
        if (child.repeat == item.index) snap.questions.push_back(question(child.name, i));
  }
  for (const auto& q : snap.questions)
    if (!q.error.empty()) can_finalise = false;
  snap.can_finalise = can_finalise;
  snap.risk = risk();
  return snap;
}

forms::RiskResult FormSession::risk() const {
  std::vector<forms::FiredRule> fired;
  std::vector<std::string> errors;
  for (size_t r = 0; r < form_->rules.size(); ++r) {
    if (!rule_error_[r].empty()) errors.push_back(rule_error_[r]);
    if (!rule_fired_[r]) continue;
    const auto& rule = form_->rules[r];
    fired.push_back(
        {rule.id, rule.level,
         forms::pick_language(rule.message, language_, form_->settings.default_language)});
  }
  std::string formerly_poor;
  if (const FormItem* item = form_->find("formerly_poor"); item && item->repeat < 0)
    formerly_poor = node(item->index, -1).value;
  forms::RiskResult result = forms::summarise(std::move(fired), formerly_poor);
  result.errors = std::move(errors);
  return result;
}

FormSession::Answers FormSession::answers() const {
  Answers out;
  for (const auto& item : form_->items) {
    if (item.repeat >= 0) continue;
    if (item.type == ItemType::Repeat) {
      auto& list = out.repeats[item.name];
      for (int i = 0; i < instance_count(item.index); ++i) {
        std::map<std::string, std::string> values;
        for (const auto& child : form_->items) {
          if (child.repeat != item.index || !is_answerable(child.type)) continue;
          const Node& n = node(child.index, i);
          if (n.visible && !n.answer.empty()) values[child.name] = n.answer;
        }
        list.push_back(std::move(values));
      }
      continue;
    }
    if (!is_answerable(item.type)) continue;
    const Node& n = node(item.index, -1);
    if (n.visible && !n.answer.empty()) out.values[item.name] = n.answer;
  }
  return out;
}

}  // namespace doorstep::forms
