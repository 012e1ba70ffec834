#include "core/forms/expr_parser.h"

#include <algorithm>

#include "core/forms/expr_functions.h"
#include "core/forms/expr_lexer.h"

namespace doorstep::forms {
namespace {

// Deeper trees are refused so that evaluation's recursion stays far from the stack limit.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxOperators = 1000;

class Parser {
 public:
  explicit Parser(std::string_view text) : tokens_(tokenize(text)) {}

  ParseResult run() {
    if (peek().kind == TokenKind::End) throw_at(0, "empty expression");
    ParseResult result;
    result.root = parse_or(0);
    if (peek().kind != TokenKind::End)
      throw_at(peek().offset, "expected an operator or the end, found " + describe(peek()));
    result.references = std::move(references_);
    result.uses_current = uses_current_;
    result.is_volatile = volatile_;
    return result;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& take() { return tokens_[pos_++]; }

  void check_depth(int depth, size_t offset) {
    if (depth > kMaxDepth) throw_at(offset, "expression nested too deeply");
  }

  std::unique_ptr<Node> binary(BinaryOp op, size_t offset, std::unique_ptr<Node> left,
                               std::unique_ptr<Node> right) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Binary;
    node->op = op;
    node->offset = offset;
    node->args.push_back(std::move(left));
    node->args.push_back(std::move(right));
    if (++chain_ > kMaxOperators) throw_at(offset, "expression has too many operators");
    return node;
  }

  // One precedence level: next(depth) (OP next(depth))*, with ops from `table`.
  template <class Next>
  std::unique_ptr<Node> level(int depth, Next next,
                              std::initializer_list<std::pair<TokenKind, BinaryOp>> table) {
    auto left = next(depth);
    while (true) {
      auto it = std::find_if(table.begin(), table.end(),
                             [&](const auto& entry) { return entry.first == peek().kind; });
      if (it == table.end()) return left;
      size_t offset = take().offset;
      auto right = next(depth);
      left = binary(it->second, offset, std::move(left), std::move(right));
    }
  }

  std::unique_ptr<Node> parse_or(int depth) {
    check_depth(depth, peek().offset);
    return level(depth, [this](int d) { return parse_and(d); }, {{TokenKind::Or, BinaryOp::Or}});
  }
  std::unique_ptr<Node> parse_and(int depth) {
    return level(depth, [this](int d) { return parse_equality(d); },
                 {{TokenKind::And, BinaryOp::And}});
  }
  std::unique_ptr<Node> parse_equality(int depth) {
    return level(depth, [this](int d) { return parse_relational(d); },
                 {{TokenKind::Eq, BinaryOp::Eq}, {TokenKind::Ne, BinaryOp::Ne}});
  }
  std::unique_ptr<Node> parse_relational(int depth) {
    return level(depth, [this](int d) { return parse_additive(d); },
                 {{TokenKind::Lt, BinaryOp::Lt},
                  {TokenKind::Le, BinaryOp::Le},
                  {TokenKind::Gt, BinaryOp::Gt},
                  {TokenKind::Ge, BinaryOp::Ge}});
  }
  std::unique_ptr<Node> parse_additive(int depth) {
    return level(depth, [this](int d) { return parse_multiplicative(d); },
                 {{TokenKind::Plus, BinaryOp::Add}, {TokenKind::Minus, BinaryOp::Sub}});
  }
  std::unique_ptr<Node> parse_multiplicative(int depth) {
    return level(depth, [this](int d) { return parse_unary(d); },
                 {{TokenKind::Star, BinaryOp::Mul},
                  {TokenKind::Div, BinaryOp::Div},
                  {TokenKind::Mod, BinaryOp::Mod}});
  }

  std::unique_ptr<Node> parse_unary(int depth) {
    if (peek().kind == TokenKind::Minus) {
      size_t offset = take().offset;
      check_depth(depth + 1, offset);
      auto node = std::make_unique<Node>();
      node->kind = Node::Kind::Negate;
      node->offset = offset;
      node->args.push_back(parse_unary(depth + 1));
      return node;
    }
    return parse_primary(depth);
  }

  std::unique_ptr<Node> parse_primary(int depth) {
    const Token& token = take();
    auto node = std::make_unique<Node>();
    node->offset = token.offset;
    switch (token.kind) {
      case TokenKind::Number:
        node->kind = Node::Kind::Literal;
        node->literal = Value::number(token.number);
        return node;
      case TokenKind::String:
        node->kind = Node::Kind::Literal;
        node->literal = Value::string(token.text);
        return node;
      case TokenKind::Ref:
        node->kind = Node::Kind::Ref;
        node->name = token.text;
        if (std::find(references_.begin(), references_.end(), token.text) == references_.end())
          references_.push_back(token.text);
        return node;
      case TokenKind::Dot:
        node->kind = Node::Kind::Current;
        uses_current_ = true;
        return node;
      case TokenKind::DotDot: node->kind = Node::Kind::Parent; return node;
      case TokenKind::LParen: {
        auto inner = parse_or(depth + 1);
        expect(TokenKind::RParen, "')'");
        return inner;
      }
      case TokenKind::Name: return parse_call(token, depth);
      default:
        throw_at(token.offset,
                 "expected a value, a ${field} or a function call, found " + describe(token));
    }
  }

  std::unique_ptr<Node> parse_call(const Token& name, int depth) {
    if (peek().kind != TokenKind::LParen) {
      if (name.text == "and" || name.text == "or" || name.text == "div" || name.text == "mod")
        throw_at(name.offset, "operator '" + name.text + "' needs a value before it");
      throw_at(name.offset, "unexpected name '" + name.text + "' (fields are written ${" +
                                name.text + "}, functions name(...))");
    }
    take();
    const FunctionDef* def = find_function(name.text);
    if (def == nullptr) throw_at(name.offset, "unknown function '" + name.text + "'");
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Call;
    node->offset = name.offset;
    node->name = name.text;
    node->function = def;
    if (peek().kind != TokenKind::RParen) {
      while (true) {
        node->args.push_back(parse_or(depth + 1));
        if (peek().kind == TokenKind::Comma) {
          take();
          continue;
        }
        break;
      }
    }
    expect(TokenKind::RParen, "',' or ')' in the arguments of " + name.text + "()");
    int count = static_cast<int>(node->args.size());
    if (count < def->min_args || (def->max_args >= 0 && count > def->max_args)) {
      std::string wanted;
      if (def->max_args == def->min_args)
        wanted = std::to_string(def->min_args);
      else if (def->max_args < 0)
        wanted = "at least " + std::to_string(def->min_args);
      else
        wanted = std::to_string(def->min_args) + " to " + std::to_string(def->max_args);
      throw_at(name.offset, name.text + "() takes " + wanted + " argument" +
                                (wanted == "1" ? "" : "s") + ", not " + std::to_string(count));
    }
    for (size_t i = 0; i < node->args.size(); ++i)
      if (node->args[i]->kind == Node::Kind::Parent && name.text != "position")
        throw_at(node->args[i]->offset, "'..' is only allowed in position(..)");
    if (def->is_volatile) volatile_ = true;
    if (def->reads_current && (name.text == "once" || count == 0)) uses_current_ = true;
    if (def->prepare != nullptr) def->prepare(*node);
    return node;
  }

  void expect(TokenKind kind, const std::string& what) {
    if (peek().kind != kind)
      throw_at(peek().offset, "expected " + what + ", found " + describe(peek()));
    take();
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  size_t chain_ = 0;
  std::vector<std::string> references_;
  bool uses_current_ = false;
  bool volatile_ = false;
};

}  // namespace

ParseResult parse_expression(std::string_view text) {
  return Parser(text).run();
}

}  // namespace doorstep::forms
