#include "core/forms/expr_lexer.h"

#include "core/common/utf8_check.h"
#include "core/forms/expr_node.h"
#include "core/forms/number_text.h"
#include "core/forms/utf8.h"

namespace doorstep::forms {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
// Function names are ASCII; field names in ${...} may also hold any non-ASCII character
// (XML names allow Chinese).
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c) || c == '-' || c == '.';
}
bool is_field_name_char(char c) {
  return is_name_char(c) || c == ':' || static_cast<unsigned char>(c) >= 0x80;
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

// Characters that Chinese input methods and word processors put in place of the ASCII
// ones the syntax needs, with the ASCII character to write instead.
const char* ascii_for(char32_t cp) {
  switch (cp) {
    case U'\u201C':
    case U'\u201D':
    case U'\uFF02': return "\"";
    case U'\u2018':
    case U'\u2019':
    case U'\uFF07': return "'";
    case U'\uFF08': return "(";
    case U'\uFF09': return ")";
    case U'\uFF0C':
    case U'\u3001': return ",";
    case U'\uFF1D': return "=";
    case U'\uFF1C': return "<";
    case U'\uFF1E': return ">";
    case U'\uFF01': return "!";
    case U'\uFF0B': return "+";
    case U'\uFF0D':
    case U'\u2212': return "-";
    case U'\uFF0A':
    case U'\u00D7': return "*";
    case U'\uFF0E':
    case U'\u3002': return ".";
    case U'\uFF04': return "$";
    case U'\uFF5B': return "{";
    case U'\uFF5D': return "}";
    case U'\u3000': return "a space";
    default: return nullptr;
  }
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  // Literals travel on into results and JSON answers, which must be UTF-8.
  if (size_t bad = first_invalid_utf8(text); bad != text.size())
    throw_at(bad, "the expression is not well-formed UTF-8");
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

    if (static_cast<unsigned char>(c) >= 0x80) {
      size_t after = pos;
      char32_t cp = utf8::next(text, after);
      if (const char* ascii = ascii_for(cp)) {
        std::string shown(text.substr(pos, after - pos));
        throw_at(start, "'" + shown + "' is a full-width or typographic character; write " +
                            (ascii[1] == '\0' ? "'" + std::string(ascii) + "'" : ascii) +
                            " instead");
      }
    }

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
        if (!is_field_name_char(k)) throw_at(start, "invalid field name '" + name + "' in ${...}");
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
      default: {
        size_t after = start;
        utf8::next(text, after);
        throw_at(start,
                 "unexpected character '" + std::string(text.substr(start, after - start)) + "'");
      }
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
