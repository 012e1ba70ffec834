// The dashboard's one HTML template helper: html("<td>{}</td>", value) fills each "{}" of a
// pattern in order, escaping text (& < > " ') and inserting Markup (HTML built the same way)
// as it is. Everything a page shows of the county record goes through it, so no value — a
// name typed on a phone, a department's file, a query string — can become markup.
//
// Thread-safety: pure functions. Failure: std::logic_error when the number of "{}" and of
// arguments differ (a programming error, caught by the tests of every page).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace doorstep::server::web {

// HTML known to be safe: built by html() or from constant text.
struct Markup {
  std::string text;
  Markup& operator+=(const Markup& more) {
    text += more.text;
    return *this;
  }
};
inline Markup operator+(Markup a, const Markup& b) {
  a += b;
  return a;
}
// Constant markup written in the code (never from outside).
inline Markup raw(std::string text) {
  return Markup{std::move(text)};
}

// `text` with & < > " ' replaced by their character references.
std::string escape(std::string_view text);

namespace detail {
inline std::string piece(const Markup& markup) {
  return markup.text;
}
inline std::string piece(std::string_view text) {
  return escape(text);
}
inline std::string piece(const std::string& text) {
  return escape(text);
}
inline std::string piece(const char* text) {
  return escape(text);
}
// A JSON value: a string's text, null as "", anything else as JSON.
std::string piece(const nlohmann::json& value);
template <class Number>
requires std::is_arithmetic_v<Number> std::string piece(Number number) {
  if constexpr (std::is_floating_point_v<Number>) {
    return nlohmann::json(number).dump();
  } else {
    return std::to_string(number);
  }
}
Markup fill(std::string_view pattern, const std::vector<std::string>& pieces);
}  // namespace detail

template <class... Args>
Markup html(std::string_view pattern, const Args&... args) {
  return detail::fill(pattern, {detail::piece(args)...});
}

// Joins markup.
Markup join(const std::vector<Markup>& parts, std::string_view separator = "");

}  // namespace doorstep::server::web
