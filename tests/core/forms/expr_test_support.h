// Small helpers for the expression tests: evaluate a text against a few named values, and
// a context that behaves like a form with repeats (a field seen from outside its repeat is
// a node-set of every instance's value).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/forms/expression.h"

namespace doorstep::forms::test {

using Fields = std::vector<std::pair<std::string, std::string>>;

inline Value eval(const std::string& text, const Fields& fields = {}) {
  MapContext context;
  for (const auto& [name, value] : fields) context.set(name, value);
  context.set_now(1795873048.0);  // 2026-11-28T13:35:48Z
  return Expression::parse(text).evaluate(context);
}
inline std::string eval_string(const std::string& text, const Fields& fields = {}) {
  return eval(text, fields).to_string();
}
inline double eval_number(const std::string& text, const Fields& fields = {}) {
  return eval(text, fields).to_number();
}
inline bool eval_bool(const std::string& text, const Fields& fields = {}) {
  return eval(text, fields).to_boolean();
}

// The message of the InvalidExpression error `text` raises when parsed and evaluated, or
// "" if it raises none.
inline std::string error_of(const std::string& text, const Fields& fields = {}) {
  try {
    eval(text, fields);
  } catch (const Error& e) {
    return e.is(ErrorCode::InvalidExpression) ? e.what() : std::string("wrong code");
  }
  return std::string();
}

// A form-like context: single fields, repeat fields (node-sets), a position, parameters
// and choice labels.
class FormLikeContext : public EvalContext {
 public:
  std::map<std::string, std::vector<std::string>, std::less<>> fields;
  std::map<std::string, std::string, std::less<>> params;
  std::map<std::string, std::string, std::less<>> labels;  // "field/value" -> label
  std::string current_value;
  int current_position = 0;

  Value field(std::string_view name) const override {
    auto it = fields.find(name);
    if (it == fields.end())
      throw Error(ErrorCode::InvalidExpression, "unknown field ${" + std::string(name) + "}");
    return Value::node_set(it->second);
  }
  Value current() const override { return Value::node_set({current_value}); }
  int position() const override { return current_position; }
  bool param(std::string_view name, Value& out) const override {
    auto it = params.find(name);
    if (it == params.end()) return false;
    out = Value::string(it->second);
    return true;
  }
  std::string choice_label(std::string_view field_name, std::string_view value) const override {
    auto it = labels.find(std::string(field_name) + "/" + std::string(value));
    return it == labels.end() ? std::string() : it->second;
  }
  double now_seconds() const override { return 1795873048.0; }
};

}  // namespace doorstep::forms::test
