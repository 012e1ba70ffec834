// The parser of the expression language (internal to core/forms): a recursive-descent
// parser over expr_lexer's tokens with XPath 1.0 precedence (or < and < = != < < <= > >= <
// + - < * div mod < unary minus), left-associative. Function names are resolved and their
// argument counts checked here, so a form with `coalesce(${a})` or `foo()` is rejected
// when it is loaded, not when a grid worker reaches the question.
//
// Failure: throws doorstep::Error(InvalidExpression) "at offset N: ..." (byte offset).
#pragma once

#include <memory>
#include <string_view>

#include "core/forms/expr_node.h"

namespace doorstep::forms {

struct ParseResult {
  std::unique_ptr<Node> root;
  std::vector<std::string> references;  // ${name}s in order of first appearance
  bool uses_current = false;
  bool is_volatile = false;
};

ParseResult parse_expression(std::string_view text);

}  // namespace doorstep::forms
