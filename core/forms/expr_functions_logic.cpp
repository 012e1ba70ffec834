// Boolean and choice functions: true, false, boolean, not, boolean-from-string, if,
// coalesce, checklist, weighted-checklist.
#include <cmath>

#include "core/forms/expr_functions.h"

namespace doorstep::forms {
namespace {

Value fn_true(const CallArgs&) {
  return Value::boolean(true);
}
Value fn_false(const CallArgs&) {
  return Value::boolean(false);
}
Value fn_boolean(const CallArgs& a) {
  return Value::boolean(a.boolean(0));
}
Value fn_not(const CallArgs& a) {
  return Value::boolean(!a.boolean(0));
}

// "true" and "1" are true; everything else, "True" included, is false (XForms 1.0).
Value fn_boolean_from_string(const CallArgs& a) {
  std::string s = a.string(0);
  return Value::boolean(s == "true" || s == "1");
}

// Only the chosen branch is evaluated.
Value fn_if(const CallArgs& a) {
  return a.boolean(0) ? a.value(1) : a.value(2);
}

// ODK's notion of an empty value: "" (an unanswered field) or NaN (arithmetic on one).
bool is_empty_value(const Value& v) {
  switch (v.type()) {
    case Value::Type::String: return v.string_value().empty();
    case Value::Type::Number: return std::isnan(v.number_value());
    case Value::Type::NodeSet: return v.nodes().empty() || v.nodes().front().empty();
    default: return false;
  }
}

// The first argument that is not empty; evaluation stops there. ODK takes exactly two;
// Doorstep accepts more, each tried in turn.
Value fn_coalesce(const CallArgs& a) {
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    Value v = a.value(i);
    if (!is_empty_value(v)) return v;
  }
  return a.value(a.size() - 1);
}

// The factor values: the arguments from `first` on, a single field argument contributing
// each of its instances' values.
std::vector<Value> factors(const CallArgs& a, size_t first, size_t step = 1) {
  std::vector<Value> out;
  for (size_t i = first; i < a.size(); i += step) out.push_back(a.value(i));
  return out;
}

bool checklist_count_ok(double count, double min, double max) {
  return (min < 0 || count >= min) && (max < 0 || count <= max);
}

// checklist(min, max, f1, f2, ...): the number of true factors is within [min, max];
// -1 means no bound.
Value fn_checklist(const CallArgs& a) {
  double min = std::trunc(a.number(0));
  double max = std::trunc(a.number(1));
  double count = 0;
  if (a.size() == 3) {
    Value only = a.value(2);
    if (only.is_node_set() && only.nodes().size() != 1) {
      for (const auto& node : only.nodes()) count += Value::string(node).to_boolean() ? 1 : 0;
      return Value::boolean(checklist_count_ok(count, min, max));
    }
    count = only.to_boolean() ? 1 : 0;
    return Value::boolean(checklist_count_ok(count, min, max));
  }
  for (const Value& v : factors(a, 2)) count += v.to_boolean() ? 1 : 0;
  return Value::boolean(checklist_count_ok(count, min, max));
}

// weighted-checklist(min, max, f1, w1, f2, w2, ...): the sum of the weights of the true
// factors is within [min, max] (no -1 shortcut, as ODK).
Value fn_weighted_checklist(const CallArgs& a) {
  double min = a.number(0);
  double max = a.number(1);
  double sum = 0;
  if (a.size() == 4) {
    Value flags = a.value(2), weights = a.value(3);
    if (flags.is_node_set() && weights.is_node_set() && flags.nodes().size() != 1) {
      if (flags.nodes().size() != weights.nodes().size())
        a.fail("the factor and weight fields have different numbers of values");
      for (size_t i = 0; i < flags.nodes().size(); ++i)
        if (Value::string(flags.nodes()[i]).to_boolean())
          sum += Value::string(weights.nodes()[i]).to_number();
      return Value::boolean(sum >= min && sum <= max);
    }
    if (flags.to_boolean()) sum += weights.to_number();
    return Value::boolean(sum >= min && sum <= max);
  }
  for (size_t i = 2; i + 1 < a.size(); i += 2)
    if (a.boolean(i)) sum += a.number(i + 1);
  return Value::boolean(sum >= min && sum <= max);
}

void prepare_weighted_checklist(Node& call) {
  if (call.args.size() % 2 != 0)
    throw_at(call.offset, "weighted-checklist() takes min, max and then factor/weight pairs");
}

const FunctionDef kLogic[] = {
    {"true", 0, 0, fn_true},
    {"false", 0, 0, fn_false},
    {"boolean", 1, 1, fn_boolean},
    {"not", 1, 1, fn_not},
    {"boolean-from-string", 1, 1, fn_boolean_from_string},
    {"if", 3, 3, fn_if},
    {"coalesce", 2, -1, fn_coalesce},
    {"checklist", 2, -1, fn_checklist},
    {"weighted-checklist", 2, -1, fn_weighted_checklist, false, false, prepare_weighted_checklist},
};

}  // namespace

std::span<const FunctionDef> logic_functions() {
  return kLogic;
}

}  // namespace doorstep::forms
