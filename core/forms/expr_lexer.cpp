#include "core/forms/expr_lexer.h"

#include "core/forms/expr_node.h"
#include "core/forms/number_text.h"

namespace doorstep::forms {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c) || c == '-' || c == '.';
}

// After one of these tokens an operator is expected (XPath 1.0, section 3.7).
bool ends_operand(TokenKind kind) {
  switch (kind) {
    case TokenKind::Number:
    case TokenKind::String:
    case TokenKind::Ref:
    case TokenKind::Dot:
    case TokenKind::DotDot:
    case TokenKind::RParen: return true;
    default: return false;
  }
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t pos = 0;
  auto push = [&](TokenKind kind, size_t offset, std::string s = std::string()) {
    tokens.push_back(Token{kind, offset, std::move(s), 0});
  };
  while (true) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos >= text.size()) break;
    size_t start = pos;
    char c = text[pos];
    bool operator_expected = !tokens.empty() && ends_operand(tokens.back().kind);

    if (is_digit(c) || (c == '.' && pos + 1 < text.size() && is_digit(text[pos + 1]))) {
      while (pos < text.size() && is_digit(text[pos])) ++pos;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && is_digit(text[pos])) ++pos;
      }
      Token token{TokenKind::Number, start, std::string(text.substr(start, pos - start)), 0};
      token.number = parse_xpath_number(token.text);
      tokens.push_back(std::move(token));
      continue;
    }
    if (c == '\'' || c == '"') {
      size_t close = text.find(c, pos + 1);
      if (close == std::string_view::npos)
        throw_at(start, std::string("unterminated string (missing closing ") + c + ")");
      push(TokenKind::String, start, std::string(text.substr(pos + 1, close - pos - 1)));
      pos = close + 1;
      continue;
    }
    if (c == '$') {
      if (pos + 1 >= text.size() || text[pos + 1] != '{')
        throw_at(start, "expected '{' after '$' (write ${name})");
      size_t close = text.find('}', pos + 2);
      if (close == std::string_view::npos) throw_at(start, "unterminated ${ (missing '}')");
      std::string name(text.substr(pos + 2, close - pos - 2));
      if (name.empty()) throw_at(start, "empty field name in ${}");
      for (char k : name)
        if (is_space(k) || !(is_name_char(k) || k == ':'))
          throw_at(start, "invalid field name '" + name + "' in ${...}");
      push(TokenKind::Ref, start, std::move(name));
      pos = close + 1;
      continue;
    }
    if (operator_expected && is_name_start(c)) {
      size_t end = pos;
      while (end < text.size() && ((text[end] >= 'a' && text[end] <= 'z'))) ++end;
      std::string_view word = text.substr(pos, end - pos);
      TokenKind kind = TokenKind::End;
      if (word == "and") kind = TokenKind::And;
      if (word == "or") kind = TokenKind::Or;
      if (word == "div") kind = TokenKind::Div;
      if (word == "mod") kind = TokenKind::Mod;
      if (kind != TokenKind::End && (end >= text.size() || !is_name_start(text[end]))) {
        push(kind, start, std::string(word));
        pos = end;
        continue;
      }
      // Not an operator word: read it as a name and let the parser report it.
    }
    if (is_name_start(c)) {
      while (pos < text.size() && is_name_char(text[pos])) ++pos;
      if (pos + 1 < text.size() && text[pos] == ':' && is_name_start(text[pos + 1])) {
        ++pos;
        while (pos < text.size() && is_name_char(text[pos])) ++pos;
      }
      push(TokenKind::Name, start, std::string(text.substr(start, pos - start)));
      continue;
    }
    ++pos;
    switch (c) {
      case '.':
        if (pos < text.size() && text[pos] == '.') {
          ++pos;
          push(TokenKind::DotDot, start, "..");
        } else {
          push(TokenKind::Dot, start, ".");
        }
        break;
      case '(': push(TokenKind::LParen, start, "("); break;
      case ')': push(TokenKind::RParen, start, ")"); break;
      case ',': push(TokenKind::Comma, start, ","); break;
      case '+': push(TokenKind::Plus, start, "+"); break;
      case '-': push(TokenKind::Minus, start, "-"); break;
      case '*': push(TokenKind::Star, start, "*"); break;
      case '=': push(TokenKind::Eq, start, "="); break;
      case '!':
        if (pos < text.size() && text[pos] == '=') {
          ++pos;
          push(TokenKind::Ne, start, "!=");
        } else {
          throw_at(start, "unexpected '!' (did you mean '!=' or not(...)?)");
        }
        break;
      case '<':
        if (pos < text.size() && text[pos] == '=') {
          ++pos;
          push(TokenKind::Le, start, "<=");
        } else {
          push(TokenKind::Lt, start, "<");
        }
        break;
      case '>':
        if (pos < text.size() && text[pos] == '=') {
          ++pos;
          push(TokenKind::Ge, start, ">=");
        } else {
          push(TokenKind::Gt, start, ">");
        }
        break;
      case '/': throw_at(start, "XPath paths are not supported; refer to fields as ${name}");
      case '[':
      case ']': throw_at(start, "XPath predicates ([...]) are not supported");
      case '|': throw_at(start, "node-set union ('|') is not supported");
      default: throw_at(start, std::string("unexpected character '") + c + "'");
    }
  }
  tokens.push_back(Token{TokenKind::End, text.size(), std::string(), 0});
  return tokens;
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::End: return "end of expression";
    case TokenKind::Number: return "number " + token.text;
    case TokenKind::String: return "string '" + token.text + "'";
    case TokenKind::Ref: return "${" + token.text + "}";
    case TokenKind::Name: return "name '" + token.text + "'";
    default: return "'" + token.text + "'";
  }
}

}  // namespace doorstep::forms
