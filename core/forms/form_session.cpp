// FormSession: nodes per item and repeat instance, re-evaluated through a rank-ordered queue.
#include "core/forms/form_session.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/forms/answer_format.h"

namespace doorstep::forms {

// How an expression of one node sees the form.
class FormSession::NodeContext : public EvalContext {
 public:
  NodeContext(const FormSession& session, int item, int instance, const std::string* current)
      : session_(session), item_(item), instance_(instance), current_(current) {}

  Value field(std::string_view name) const override {
    const FormDefinition& form = *session_.form_;
    auto it = form.by_name.find(std::string(name));
    if (it == form.by_name.end()) {
      auto p = session_.params_.find(name);
      if (p != session_.params_.end()) return Value::node_set({p->second});
      throw Error(ErrorCode::InvalidExpression, "unknown field ${" + std::string(name) + "}");
    }
    const FormItem& target = form.items[static_cast<size_t>(it->second)];
    if (target.type == ItemType::Repeat)
      return Value::node_set(
          std::vector<std::string>(static_cast<size_t>(session_.instance_count(target.index))));
    if (target.repeat < 0) return Value::node_set({session_.node(target.index, -1).value});
    int own_repeat = item_ >= 0 ? form.items[static_cast<size_t>(item_)].repeat : -1;
    if (own_repeat == target.repeat && instance_ >= 0)
      return Value::node_set({session_.node(target.index, instance_).value});
    std::vector<std::string> values;
    int count = session_.instance_count(target.repeat);
    values.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) values.push_back(session_.node(target.index, i).value);
    return Value::node_set(std::move(values));
  }

  Value current() const override { return Value::node_set({current_ ? *current_ : std::string()}); }
  int position() const override { return instance_ + 1; }
  bool param(std::string_view name, Value& out) const override {
    auto p = session_.params_.find(name);
    if (p == session_.params_.end()) return false;
    out = Value::string(p->second);
    return true;
  }
  std::string choice_label(std::string_view field_name, std::string_view value) const override {
    const FormItem* item = session_.form_->find(std::string(field_name));
    if (!item) return "";
    const auto* list = session_.form_->choice_list(item->list_name);
    if (!list) return "";
    for (const auto& c : *list)
      if (c.name == value)
        return forms::pick_language(c.label, session_.language_,
                                    session_.form_->settings.default_language);
    return "";
  }
  double now_seconds() const override {
    return session_.clock_ >= 0 ? session_.clock_ : EvalContext::now_seconds();
  }

 private:
  const FormSession& session_;
  int item_;
  int instance_;
  const std::string* current_;
};

namespace {

bool uses_position(const FormItem& item) {
  for (const auto* e : {&item.relevant, &item.calculation, &item.default_expression,
                        &item.constraint, &item.required_if, &item.warning})
    if (e->has_value() && (*e)->text().find("position(") != std::string::npos) return true;
  return false;
}

}  // namespace

FormSession::FormSession(std::shared_ptr<const FormDefinition> form,
                         const std::map<std::string, std::string>& params, std::string language)
    : form_(std::move(form)), language_(std::move(language)) {
  if (!form_) throw Error(ErrorCode::InvalidArgument, "a form session needs a form");
  if (language_.empty()) language_ = form_->settings.default_language;
  for (const auto& p : form_->params) params_[p.name] = p.default_value;
  for (const auto& [name, value] : params) {
    if (!params_.count(name))
      throw Error(ErrorCode::InvalidArgument, "unknown parameter '" + name + "' (the form has " +
                                                  std::to_string(form_->params.size()) +
                                                  " parameters)");
    params_[name] = value;
  }
  size_t n = form_->items.size();
  slot_.assign(n, 0);
  value_readers_.assign(n, {});
  status_readers_.assign(n, {});
  rule_readers_.assign(n, {});
  int globals = 0;
  for (const auto& item : form_->items) {
    if (item.repeat < 0) {
      slot_[static_cast<size_t>(item.index)] = globals++;
    } else {
      slot_[static_cast<size_t>(item.index)] = repeat_slot_counts_[item.repeat]++;
    }
    if (item.type == ItemType::Repeat) instances_[item.index];
    auto add = [&](std::vector<std::vector<int>>& readers, const std::optional<Expression>& e,
                   int reader) {
      if (!e) return;
      for (const auto& name : e->references())
        if (const FormItem* source = form_->find(name)) {
          auto& list = readers[static_cast<size_t>(source->index)];
          if (std::find(list.begin(), list.end(), reader) == list.end()) list.push_back(reader);
        }
    };
    for (const auto* e :
         {&item.relevant, &item.calculation, &item.default_expression, &item.repeat_count})
      add(value_readers_, *e, item.index);
    for (const auto* e : {&item.constraint, &item.required_if, &item.warning})
      add(status_readers_, *e, item.index);
    bool is_volatile = false;
    for (const auto* e : {&item.relevant, &item.calculation, &item.default_expression,
                          &item.constraint, &item.required_if, &item.repeat_count, &item.warning})
      is_volatile = is_volatile || (e->has_value() && (*e)->is_volatile());
    if (is_volatile) volatile_items_.push_back(item.index);
    if (item.repeat >= 0 && uses_position(item)) position_items_.push_back(item.index);
  }
  for (size_t r = 0; r < form_->rules.size(); ++r)
    for (const auto& name : form_->rules[r].when.references())
      if (const FormItem* source = form_->find(name))
        rule_readers_[static_cast<size_t>(source->index)].push_back(static_cast<int>(r));
  globals_.assign(static_cast<size_t>(globals), Node{});
  for (const auto& item : form_->items)
    if (item.repeat < 0 && is_answerable(item.type) && !item.default_value.empty())
      globals_[static_cast<size_t>(slot_[static_cast<size_t>(item.index)])].answer =
          item.default_value;
  rule_dirty_.assign(form_->rules.size(), true);
  rule_fired_.assign(form_->rules.size(), false);
  rule_error_.assign(form_->rules.size(), "");
  push_all();
  settle();
}

FormSession::~FormSession() = default;

void FormSession::set_language(std::string language) {
  language_ = language.empty() ? form_->settings.default_language : std::move(language);
  // choice labels (jr:choice-name) may appear in calculations
  reevaluate_all();
}

FormSession::Node& FormSession::node(int item, int instance) {
  return const_cast<Node&>(static_cast<const FormSession*>(this)->node(item, instance));
}

const FormSession::Node& FormSession::node(int item, int instance) const {
  const FormItem& it = form_->items[static_cast<size_t>(item)];
  size_t slot = static_cast<size_t>(slot_[static_cast<size_t>(item)]);
  if (it.repeat < 0) return globals_[slot];
  return instances_.at(it.repeat)[static_cast<size_t>(instance)][slot];
}

int FormSession::instance_count(int repeat_item) const {
  auto it = instances_.find(repeat_item);
  return it == instances_.end() ? 0 : static_cast<int>(it->second.size());
}

int FormSession::repeat_instances(const std::string& repeat) const {
  const FormItem& item = item_named(repeat);
  if (item.type != ItemType::Repeat)
    throw Error(ErrorCode::InvalidArgument, "'" + repeat + "' is not a repeat");
  return instance_count(item.index);
}

const FormItem& FormSession::item_named(const std::string& name) const {
  const FormItem* item = form_->find(name);
  if (!item) throw Error(ErrorCode::InvalidArgument, "unknown question '" + name + "'");
  return *item;
}

void FormSession::check_instance(const FormItem& item, int instance) const {
  if (item.repeat < 0) {
    if (instance != -1)
      throw Error(ErrorCode::InvalidArgument,
                  "'" + item.name + "' is not in a repeat; its instance must be -1, not " +
                      std::to_string(instance));
    return;
  }
  int count = instance_count(item.repeat);
  if (instance < 0 || instance >= count)
    throw Error(ErrorCode::InvalidArgument,
                "'" + item.name + "' is in repeat '" +
                    form_->items[static_cast<size_t>(item.repeat)].name + "', which has " +
                    std::to_string(count) + " instances; instance " + std::to_string(instance) +
                    " does not exist");
}

void FormSession::set_answer(const std::string& name, int instance, const std::string& value) {
  const FormItem& item = item_named(name);
  check_instance(item, instance);
  if (!is_answerable(item.type))
    throw Error(ErrorCode::InvalidArgument,
                "'" + name + "' is a " + type_name(item.type) + " and cannot be answered");
  if (item.read_only || item.calculation)
    throw Error(ErrorCode::InvalidArgument, "'" + name + "' is read-only");
  std::string normal = normalise_answer(*form_, item, value, language_);
  Node& n = node(item.index, instance);
  if (n.answer == normal) return;
  n.answer = std::move(normal);
  push(item.index, instance);
  if (batch_depth_ == 0) settle();
}

void FormSession::init_instance(int repeat_item, int instance) {
  auto& nodes = instances_[repeat_item][static_cast<size_t>(instance)];
  for (const auto& item : form_->items) {
    if (item.repeat != repeat_item) continue;
    Node& n = nodes[static_cast<size_t>(slot_[static_cast<size_t>(item.index)])];
    if (is_answerable(item.type)) n.answer = item.default_value;
    push(item.index, instance);
    notify(item.index, instance, false);
  }
}

int FormSession::add_repeat_instance(const std::string& repeat) {
  const FormItem& item = item_named(repeat);
  if (item.type != ItemType::Repeat)
    throw Error(ErrorCode::InvalidArgument, "'" + repeat + "' is not a repeat");
  auto& list = instances_[item.index];
  list.emplace_back(static_cast<size_t>(repeat_slot_counts_[item.index]), Node{});
  int index = static_cast<int>(list.size()) - 1;
  init_instance(item.index, index);
  push(item.index, -1);
  if (batch_depth_ == 0) settle();
  return index;
}

void FormSession::remove_repeat_instance(const std::string& repeat, int index) {
  const FormItem& item = item_named(repeat);
  if (item.type != ItemType::Repeat)
    throw Error(ErrorCode::InvalidArgument, "'" + repeat + "' is not a repeat");
  auto& list = instances_[item.index];
  if (index < 0 || index >= static_cast<int>(list.size()))
    throw Error(ErrorCode::InvalidArgument, "repeat '" + repeat + "' has no instance " +
                                                std::to_string(index) + " (it has " +
                                                std::to_string(list.size()) + ")");
  // Queued work refers to instance numbers; finish it before they shift.
  settle();
  list.erase(list.begin() + index);
  push(item.index, -1);
  for (const auto& child : form_->items)
    if (child.repeat == item.index) notify(child.index, -1, false);
  for (int p : position_items_)
    for (int i = index; i < static_cast<int>(list.size()); ++i) push(p, i);
  if (batch_depth_ == 0) settle();
}

void FormSession::set_clock(double seconds_since_epoch) {
  clock_ = seconds_since_epoch;
  for (int item : volatile_items_) {
    const FormItem& it = form_->items[static_cast<size_t>(item)];
    if (it.repeat < 0) {
      push(item, -1);
      status_queue_.insert({item, -1});
    } else {
      for (int i = 0; i < instance_count(it.repeat); ++i) {
        push(item, i);
        status_queue_.insert({item, i});
      }
    }
  }
  std::fill(rule_dirty_.begin(), rule_dirty_.end(), true);
  if (batch_depth_ == 0) settle();
}

void FormSession::push(int item, int instance) {
  queue_.insert({form_->rank[static_cast<size_t>(item)], instance});
}

void FormSession::push_all() {
  for (const auto& item : form_->items) {
    if (item.repeat < 0) {
      push(item.index, -1);
    } else {
      for (int i = 0; i < instance_count(item.repeat); ++i) push(item.index, i);
    }
  }
  std::fill(rule_dirty_.begin(), rule_dirty_.end(), true);
}

void FormSession::reevaluate_all() {
  push_all();
  if (batch_depth_ == 0) settle();
}

// Queues the nodes that read `source` at `instance` (-1 = every instance changed).
void FormSession::push_readers(const std::vector<int>& readers, const FormItem& source,
                               int instance, bool value_phase) {
  for (int reader : readers) {
    const FormItem& r = form_->items[static_cast<size_t>(reader)];
    auto add = [&](int i) {
      if (value_phase)
        push(reader, i);
      else
        status_queue_.insert({reader, i});
    };
    if (r.repeat < 0) {
      add(-1);
    } else if (r.repeat == source.repeat && instance >= 0) {
      add(instance);
    } else {
      for (int i = 0; i < instance_count(r.repeat); ++i) add(i);
    }
  }
}

void FormSession::notify(int item, int instance, bool visibility_changed) {
  const FormItem& source = form_->items[static_cast<size_t>(item)];
  push_readers(value_readers_[static_cast<size_t>(item)], source, instance, true);
  push_readers(status_readers_[static_cast<size_t>(item)], source, instance, false);
  for (int r : rule_readers_[static_cast<size_t>(item)]) rule_dirty_[static_cast<size_t>(r)] = true;
  if (!visibility_changed) return;
  for (int child : source.children) {
    const FormItem& c = form_->items[static_cast<size_t>(child)];
    if (c.repeat < 0 || (c.repeat == source.repeat && instance >= 0)) {
      push(child, c.repeat < 0 ? -1 : instance);
    } else {
      for (int i = 0; i < instance_count(c.repeat); ++i) push(child, i);
    }
  }
}

void FormSession::recompute(int item_index, int instance) {
  ++evaluations_;
  const FormItem& item = form_->items[static_cast<size_t>(item_index)];
  Node& n = node(item_index, instance);
  NodeContext context(*this, item_index, instance, &n.answer);
  n.evaluation_error.clear();
  auto evaluate = [&](const Expression& e, const char* what) -> Value {
    try {
      return e.evaluate(context);
    } catch (const Error& error) {
      n.evaluation_error = std::string(what) + ": " + error.what();
      return Value::string("");
    }
  };
  bool visible = true;
  if (item.parent >= 0) {
    const FormItem& parent = form_->items[static_cast<size_t>(item.parent)];
    visible = node(item.parent, parent.repeat < 0 ? -1 : instance).visible;
  }
  if (visible && item.relevant) visible = evaluate(*item.relevant, "relevant").to_boolean();
  std::string value;
  if (visible) {
    if (item.type == ItemType::Repeat) {
      value = std::to_string(instance_count(item.index));
    } else if (item.calculation) {
      value = evaluate(*item.calculation, "calculation").to_string();
    } else if (!n.answer.empty()) {
      value = n.answer;
    } else if (item.default_expression) {
      value = evaluate(*item.default_expression, "default").to_string();
    }
  }
  bool visibility_changed = visible != n.visible;
  bool changed = visibility_changed || value != n.value;
  n.visible = visible;
  n.value = std::move(value);
  status_queue_.insert({item_index, instance});
  if (changed) notify(item_index, instance, visibility_changed);
  if (visible && item.type == ItemType::Repeat && item.repeat_count) {
    double wanted = evaluate(*item.repeat_count, "repeat_count").to_number();
    int target =
        std::isfinite(wanted) && wanted > 0 ? static_cast<int>(std::min(wanted, 10000.0)) : 0;
    auto& list = instances_[item.index];
    while (static_cast<int>(list.size()) < target) {
      list.emplace_back(static_cast<size_t>(repeat_slot_counts_[item.index]), Node{});
      init_instance(item.index, static_cast<int>(list.size()) - 1);
      push(item.index, -1);
    }
    if (static_cast<int>(list.size()) > target) {
      // Only trailing instances go, and only once nothing is queued for them.
      list.resize(static_cast<size_t>(target));
      std::erase_if(queue_, [&](const std::pair<int, int>& q) {
        const FormItem& it =
            form_
                ->items[static_cast<size_t>(form_->evaluation_order[static_cast<size_t>(q.first)])];
        return it.repeat == item.index && q.second >= target;
      });
      std::erase_if(status_queue_, [&](const std::pair<int, int>& q) {
        return form_->items[static_cast<size_t>(q.first)].repeat == item.index &&
               q.second >= target;
      });
      push(item.index, -1);
      for (const auto& child : form_->items)
        if (child.repeat == item.index) notify(child.index, -1, false);
    }
  }
}

void FormSession::recompute_status(int item_index, int instance) {
  const FormItem& item = form_->items[static_cast<size_t>(item_index)];
  Node& n = node(item_index, instance);
  n.required = false;
  n.constraint_failed = false;
  n.warning_fired = false;
  if (!n.visible || !is_answerable(item.type)) return;
  NodeContext context(*this, item_index, instance, &n.value);
  try {
    n.required =
        item.required || (item.required_if && item.required_if->evaluate(context).to_boolean());
    if (!n.value.empty() && item.constraint)
      n.constraint_failed = !item.constraint->evaluate(context).to_boolean();
  } catch (const Error& error) {
    n.evaluation_error = std::string("constraint: ") + error.what();
  }
  try {
    if (!n.value.empty() && item.warning)
      n.warning_fired = item.warning->evaluate(context).to_boolean();
  } catch (const Error& error) {
    n.evaluation_error = std::string("warning: ") + error.what();
  }
}

void FormSession::settle() {
  while (!queue_.empty()) {
    auto [rank, instance] = *queue_.begin();
    queue_.erase(queue_.begin());
    recompute(form_->evaluation_order[static_cast<size_t>(rank)], instance);
  }
  for (const auto& [item, instance] : status_queue_) recompute_status(item, instance);
  status_queue_.clear();
  NodeContext context(*this, -1, -1, nullptr);
  for (size_t r = 0; r < form_->rules.size(); ++r) {
    if (!rule_dirty_[r]) continue;
    rule_dirty_[r] = false;
    rule_error_[r].clear();
    try {
      rule_fired_[r] = form_->rules[r].when.evaluate(context).to_boolean();
    } catch (const Error& error) {
      rule_fired_[r] = false;
      rule_error_[r] = "rule '" + form_->rules[r].id + "': " + error.what();
    }
  }
}

}  // namespace doorstep::forms
