// The function library of the expression language (internal to core/forms): each function
// is a FunctionDef with its arity, resolved by name when an expression is parsed. The
// families live in expr_functions_*.cpp; expr_functions.cpp holds the registry and
// CallArgs.
//
// A function receives its arguments unevaluated (CallArgs), so if(), and-like functions
// and coalesce() evaluate only what they need. Functions follow ODK Collect (JavaRosa);
// docs/expressions.md lists every one and each choice where engines differ.
//
// Failure: a FunctionDef's `prepare` hook rejects bad arguments at parse time (a regex
// literal that does not compile, sum() of something that is not a field); `impl` throws
// InvalidExpression through CallArgs::fail() only where ODK also fails at run time.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/forms/expr_node.h"

namespace doorstep::forms {

class CallArgs {
 public:
  CallArgs(const Node& call, const EvalContext& context) : call_(call), context_(context) {}

  size_t size() const { return call_.args.size(); }
  const Node& node(size_t i) const { return *call_.args[i]; }
  const Node& call() const { return call_; }
  const EvalContext& context() const { return context_; }

  Value value(size_t i) const { return evaluate_node(*call_.args[i], context_); }
  std::string string(size_t i) const { return value(i).to_string(); }
  double number(size_t i) const { return value(i).to_number(); }
  bool boolean(size_t i) const { return value(i).to_boolean(); }

  // Throws InvalidExpression "at offset N: NAME(): message".
  [[noreturn]] void fail(const std::string& message) const;

 private:
  const Node& call_;
  const EvalContext& context_;
};

using FunctionImpl = Value (*)(const CallArgs& args);
using FunctionPrepare = void (*)(Node& call);

struct FunctionDef {
  std::string_view name;
  int min_args;
  int max_args;  // -1: any number
  FunctionImpl impl;
  bool is_volatile = false;    // may change without any field changing (now, random, ...)
  bool reads_current = false;  // reads "." (once(); string-length() without arguments)
  FunctionPrepare prepare = nullptr;
};

// The function named `name` (exact, case-sensitive), or nullptr.
const FunctionDef* find_function(std::string_view name);

// The families, each a static table.
std::span<const FunctionDef> logic_functions();
std::span<const FunctionDef> number_functions();
std::span<const FunctionDef> string_functions();
std::span<const FunctionDef> select_functions();
std::span<const FunctionDef> date_functions();
std::span<const FunctionDef> misc_functions();

// prepare hook: the argument `index` must be a field reference (${name} or .), as for
// count() and sum(), which count or add a field's values across repeat instances.
void require_field_argument(const Node& call, size_t index);

}  // namespace doorstep::forms
