// The tokenizer of the expression language (internal to core/forms). XLSForm syntax:
// ${name} references, "." and "..", numbers (123, 1.5, .5, 5.), strings in '...' or "..."
// (no escapes, as XPath), names of functions (letters, digits, '_', '-', '.', one ':' for a
// prefix such as jr:choice-name), operators + - * = != < <= > >= ( ) , and the operator
// words div mod and or, which are operators only where an operator is expected (XPath's
// rule), so a function named `and-x` is still a name elsewhere.
//
// Failure: tokenize() throws doorstep::Error(InvalidExpression) naming the byte offset.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace doorstep::forms {

enum class TokenKind {
  Number,
  String,
  Ref,
  Dot,
  DotDot,
  Name,
  LParen,
  RParen,
  Comma,
  Plus,
  Minus,
  Star,
  Div,
  Mod,
  And,
  Or,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  End,
};

struct Token {
  TokenKind kind;
  size_t offset;      // byte offset of the token's first character
  std::string text;   // the name, the string's content, or the field name of a Ref
  double number = 0;  // for Number
};

std::vector<Token> tokenize(std::string_view text);

// A short description of a token for error messages ("')'", "end of expression").
std::string describe(const Token& token);

}  // namespace doorstep::forms
