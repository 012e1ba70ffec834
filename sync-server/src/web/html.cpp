// The HTML template helper.
#include "web/html.h"

#include <stdexcept>

namespace doorstep::server::web {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace detail {

std::string piece(const nlohmann::json& value) {
  if (value.is_string()) return escape(value.get<std::string>());
  if (value.is_null()) return "";
  return escape(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Markup fill(std::string_view pattern, const std::vector<std::string>& pieces) {
  Markup out;
  out.text.reserve(pattern.size() + 16 * pieces.size());
  size_t next = 0;
  size_t start = 0;
  for (;;) {
    size_t mark = pattern.find("{}", start);
    if (mark == std::string_view::npos) break;
    if (next == pieces.size())
      throw std::logic_error("html(): more {} than arguments in '" + std::string(pattern) + "'");
    out.text.append(pattern.substr(start, mark - start));
    out.text += pieces[next++];
    start = mark + 2;
  }
  if (next != pieces.size())
    throw std::logic_error("html(): more arguments than {} in '" + std::string(pattern) + "'");
  out.text.append(pattern.substr(start));
  return out;
}

}  // namespace detail

Markup join(const std::vector<Markup>& parts, std::string_view separator) {
  Markup out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.text.append(separator);
    out.text += parts[i].text;
  }
  return out;
}

}  // namespace doorstep::server::web
