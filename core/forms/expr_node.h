// The parsed form of an Expression (internal to core/forms): a tree of nodes built once by
// the parser, with every function call already resolved to its FunctionDef, so evaluating
// never looks a name up.
//
// Thread-safety: a finished tree is immutable and shared between copies of an Expression.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/forms/expression.h"
#include "core/forms/value.h"

namespace doorstep::forms {

struct FunctionDef;

enum class BinaryOp : uint8_t { Or, And, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod };

struct Expression::Node {
  enum class Kind : uint8_t {
    Literal,  // `literal` holds the string or number
    Ref,      // ${name}
    Current,  // .
    Parent,   // .. (only as the argument of position())
    Negate,   // unary minus of args[0]
    Binary,   // args[0] op args[1]
    Call,     // function(args...)
  };
  Kind kind = Kind::Literal;
  BinaryOp op = BinaryOp::Or;
  size_t offset = 0;  // byte offset in the expression text, for error messages
  Value literal;
  std::string name;  // the field of a Ref, the function name of a Call
  const FunctionDef* function = nullptr;
  std::vector<std::unique_ptr<Node>> args;
  // Parse-time work a function keeps for evaluation (e.g. a compiled regex literal).
  std::shared_ptr<const void> prepared;
};

using Node = Expression::Node;

// Evaluates one node against `context` (the evaluator in expression.cpp).
Value evaluate_node(const Node& node, const EvalContext& context);

// Throws doorstep::Error(InvalidExpression) "at offset N: message".
[[noreturn]] void throw_at(size_t offset, const std::string& message);

}  // namespace doorstep::forms
