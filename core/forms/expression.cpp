// Expression: parsing (expr_parser.cpp), the evaluator of operators with XPath 1.0 / ODK
// semantics, and MapContext.
#include "core/forms/expression.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/common/error.h"
#include "core/forms/dates.h"
#include "core/forms/expr_functions.h"
#include "core/forms/expr_parser.h"

namespace doorstep::forms {
namespace {

// Numbers are equal within 1e-12, as in ODK Collect, so that 6.1 - 7.8 = -1.7 holds.
bool numbers_equal(double a, double b) {
  return a == b || std::fabs(a - b) < 1e-12;
}

bool is_dateish(Value::Type t) {
  return t == Value::Type::Date || t == Value::Type::DateTime;
}

bool compare_numbers(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::Eq: return a == b;
    case BinaryOp::Ne: return a != b;
    case BinaryOp::Lt: return a < b;
    case BinaryOp::Le: return a <= b;
    case BinaryOp::Gt: return a > b;
    case BinaryOp::Ge: return a >= b;
    default: return false;
  }
}

// = and != between two values that are not node-sets (XPath 1.0 section 3.4): booleans
// first, then numbers (dates count as numbers of days), then strings.
bool scalar_equal(const Value& a, const Value& b) {
  using T = Value::Type;
  if (a.type() == T::Boolean || b.type() == T::Boolean) return a.to_boolean() == b.to_boolean();
  if (is_dateish(a.type()) || is_dateish(b.type())) return a.to_date_days() == b.to_date_days();
  if (a.type() == T::Number || b.type() == T::Number)
    return numbers_equal(a.to_number(), b.to_number());
  return a.to_string() == b.to_string();
}

// One node's value (a string) against a value of another type, as XPath compares a
// node-set with a number, string or date: converted to that type.
bool node_equals(const std::string& node, const Value& other, double other_number) {
  using T = Value::Type;
  switch (other.type()) {
    case T::Number: return numbers_equal(Value::text_to_number(node), other_number);
    case T::Date:
    case T::DateTime: return Value::string(node).to_date_days() == other.to_date_days();
    default: return node == other.string_value();
  }
}

bool equality(const Value& a, const Value& b, bool want_equal) {
  using T = Value::Type;
  // A node-set against a boolean compares the node-set's boolean value.
  if ((a.is_node_set() && b.type() == T::Boolean) || (b.is_node_set() && a.type() == T::Boolean))
    return (a.to_boolean() == b.to_boolean()) == want_equal;
  if (a.is_node_set() && b.is_node_set()) {
    for (const auto& x : a.nodes())
      for (const auto& y : b.nodes())
        if ((x == y) == want_equal) return true;
    return false;
  }
  if (a.is_node_set() || b.is_node_set()) {
    const Value& set = a.is_node_set() ? a : b;
    const Value& other = a.is_node_set() ? b : a;
    double other_number = other.type() == T::Number ? other.number_value() : 0;
    for (const auto& node : set.nodes())
      if (node_equals(node, other, other_number) == want_equal) return true;
    return false;
  }
  return scalar_equal(a, b) == want_equal;
}

bool relational(BinaryOp op, const Value& a, const Value& b) {
  // Node-sets compare if any node satisfies the comparison (XPath 1.0); everything else
  // compares as numbers.
  if (a.is_node_set() && b.is_node_set()) {
    for (const auto& x : a.nodes())
      for (const auto& y : b.nodes())
        if (compare_numbers(op, Value::text_to_number(x), Value::text_to_number(y))) return true;
    return false;
  }
  if (a.is_node_set()) {
    double right = b.to_number();
    for (const auto& node : a.nodes())
      if (compare_numbers(op, Value::text_to_number(node), right)) return true;
    return false;
  }
  if (b.is_node_set()) {
    double left = a.to_number();
    for (const auto& node : b.nodes())
      if (compare_numbers(op, left, Value::text_to_number(node))) return true;
    return false;
  }
  return compare_numbers(op, a.to_number(), b.to_number());
}

double arithmetic(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    case BinaryOp::Mod: return std::fmod(a, b);
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

Value evaluate_binary(const Node& node, const EvalContext& context) {
  const Node& left = *node.args[0];
  const Node& right = *node.args[1];
  switch (node.op) {
    case BinaryOp::Or:
      return Value::boolean(evaluate_node(left, context).to_boolean() ||
                            evaluate_node(right, context).to_boolean());
    case BinaryOp::And:
      return Value::boolean(evaluate_node(left, context).to_boolean() &&
                            evaluate_node(right, context).to_boolean());
    case BinaryOp::Eq:
    case BinaryOp::Ne:
      return Value::boolean(equality(evaluate_node(left, context), evaluate_node(right, context),
                                     node.op == BinaryOp::Eq));
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
      return Value::boolean(
          relational(node.op, evaluate_node(left, context), evaluate_node(right, context)));
    default:
      return Value::number(arithmetic(node.op, evaluate_node(left, context).to_number(),
                                      evaluate_node(right, context).to_number()));
  }
}

}  // namespace

void throw_at(size_t offset, const std::string& message) {
  throw Error(ErrorCode::InvalidExpression, "at offset " + std::to_string(offset) + ": " + message);
}

Value evaluate_node(const Node& node, const EvalContext& context) {
  switch (node.kind) {
    case Node::Kind::Literal: return node.literal;
    case Node::Kind::Ref: {
      Value param;
      if (context.param(node.name, param)) return param;
      return context.field(node.name);
    }
    case Node::Kind::Current: return context.current();
    case Node::Kind::Parent: throw_at(node.offset, "'..' is only allowed in position(..)");
    case Node::Kind::Negate:
      return Value::number(-evaluate_node(*node.args[0], context).to_number());
    case Node::Kind::Binary: return evaluate_binary(node, context);
    case Node::Kind::Call: return node.function->impl(CallArgs(node, context));
  }
  throw_at(node.offset, "internal error: unknown node");
}

// ---- EvalContext ----------------------------------------------------------------------

double EvalContext::now_seconds() const {
  using namespace std::chrono;
  double now = duration<double>(system_clock::now().time_since_epoch()).count();
  // DOORSTEP_TODAY=YYYY-MM-DD pins the date (tests, demos, training; docs/monitoring.md):
  // today() is that day, now() that day at the clock's time of day.
  if (const char* pinned = std::getenv("DOORSTEP_TODAY"); pinned && *pinned)
    if (auto date = dates::parse(pinned, 0); date && !date->has_time)
      return date->days * 86400.0 + std::fmod(now, 86400.0);
  return now;
}

// ---- Expression -----------------------------------------------------------------------

Expression Expression::parse(std::string_view text) {
  ParseResult parsed = parse_expression(text);
  Expression expression;
  expression.root_ = std::shared_ptr<const Node>(std::move(parsed.root));
  expression.text_ = std::string(text);
  expression.references_ = std::move(parsed.references);
  expression.uses_current_ = parsed.uses_current;
  expression.volatile_ = parsed.is_volatile;
  return expression;
}

Value Expression::evaluate(const EvalContext& context) const {
  if (!root_) throw Error(ErrorCode::InvalidExpression, "evaluating an empty expression");
  return evaluate_node(*root_, context);
}

const std::vector<std::string>& Expression::references() const {
  return references_;
}
bool Expression::uses_current() const {
  return uses_current_;
}
bool Expression::is_volatile() const {
  return volatile_;
}
const std::string& Expression::text() const {
  return text_;
}

Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::Expression(const Expression&) = default;
Expression& Expression::operator=(const Expression&) = default;
Expression::~Expression() = default;

// ---- MapContext -----------------------------------------------------------------------

void MapContext::set(std::string name, std::string value) {
  for (auto& entry : values_)
    if (entry.first == name) {
      entry.second = std::move(value);
      return;
    }
  values_.emplace_back(std::move(name), std::move(value));
}

void MapContext::set_now(double seconds_since_epoch) {
  now_ = seconds_since_epoch;
}

Value MapContext::field(std::string_view name) const {
  for (const auto& entry : values_)
    if (entry.first == name && name != ".") return Value::node_set({entry.second});
  throw Error(ErrorCode::InvalidExpression, "unknown field ${" + std::string(name) + "}");
}

Value MapContext::current() const {
  for (const auto& entry : values_)
    if (entry.first == ".") return Value::node_set({entry.second});
  throw Error(ErrorCode::InvalidExpression, "'.' has no value here (no current question)");
}

double MapContext::now_seconds() const {
  return now_ >= 0 ? now_ : EvalContext::now_seconds();
}

}  // namespace doorstep::forms
