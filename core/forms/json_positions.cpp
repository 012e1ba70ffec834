// JsonPositions: a lenient structural scan of a JSON text recording value and key offsets.
#include "core/forms/json_positions.h"

#include <algorithm>

namespace doorstep::forms {
namespace {
// Deeper nesting than any form needs; the scan stops there instead of overflowing the stack
// on hostile input.
constexpr int kMaxDepth = 256;
}  // namespace

JsonPositions::JsonPositions(std::string text) : text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  scan();
}

std::string JsonPositions::escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

TextPosition JsonPositions::at_offset(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  size_t start = line_starts_[line_index];
  int column = 1;
  for (size_t i = start; i < offset; ++i)
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;  // count characters
  return TextPosition{static_cast<int>(line_index) + 1, column};
}

size_t JsonPositions::value_offset(const std::string& pointer) const {
  std::string p = pointer;
  for (;;) {
    auto it = values_.find(p);
    if (it != values_.end()) return it->second;
    auto slash = p.rfind('/');
    if (slash == std::string::npos) return 0;
    p.resize(slash);
  }
}

size_t JsonPositions::key_offset(const std::string& pointer) const {
  auto it = keys_.find(pointer);
  return it != keys_.end() ? it->second : value_offset(pointer);
}

size_t JsonPositions::string_char_offset(const std::string& pointer, size_t index) const {
  auto it = values_.find(pointer);
  if (it == values_.end()) return value_offset(pointer);
  size_t quote = it->second;
  if (quote >= text_.size() || text_[quote] != '"') return quote;
  size_t target = quote + 1 + index;
  if (target > text_.size()) return quote;
  for (size_t i = quote + 1; i < target; ++i)
    if (text_[i] == '\\' || text_[i] == '"') return quote;  // escapes shift the mapping
  return target;
}

void JsonPositions::skip_space(size_t& i) const {
  while (i < text_.size() &&
         (text_[i] == ' ' || text_[i] == '\n' || text_[i] == '\r' || text_[i] == '\t'))
    ++i;
}

size_t JsonPositions::scan_string_end(size_t i) const {
  // i is at the opening quote; returns the offset just past the closing quote.
  ++i;
  while (i < text_.size() && text_[i] != '"') i += (text_[i] == '\\') ? 2 : 1;
  return std::min(i + 1, text_.size());
}

void JsonPositions::scan() {
  size_t i = 0;
  skip_space(i);
  scan_value(i, "", 0);
}

size_t JsonPositions::scan_value(size_t i, const std::string& pointer, int depth) {
  skip_space(i);
  if (i >= text_.size()) return i;
  values_.emplace(pointer, i);
  char c = text_[i];
  if (depth > kMaxDepth) return text_.size();
  if (c == '"') return scan_string_end(i);
  if (c == '{') {
    ++i;
    for (;;) {
      skip_space(i);
      if (i >= text_.size()) return i;
      if (text_[i] == '}') return i + 1;
      if (text_[i] == ',') {
        ++i;
        continue;
      }
      if (text_[i] != '"') return text_.size();  // not JSON; stop quietly
      size_t key_start = i;
      size_t key_end = scan_string_end(i);
      std::string key = text_.substr(key_start + 1, key_end - key_start - 2);
      std::string child = pointer + "/" + escape(key);
      keys_.emplace(child, key_start);
      i = key_end;
      skip_space(i);
      if (i < text_.size() && text_[i] == ':') ++i;
      i = scan_value(i, child, depth + 1);
    }
  }
  if (c == '[') {
    ++i;
    size_t index = 0;
    for (;;) {
      skip_space(i);
      if (i >= text_.size()) return i;
      if (text_[i] == ']') return i + 1;
      if (text_[i] == ',') {
        ++i;
        continue;
      }
      size_t before = i;
      i = scan_value(i, pointer + "/" + std::to_string(index++), depth + 1);
      if (i == before) return text_.size();
    }
  }
  // A literal or a number: up to the next delimiter.
  while (i < text_.size() && text_[i] != ',' && text_[i] != '}' && text_[i] != ']' &&
         text_[i] != ' ' && text_[i] != '\n' && text_[i] != '\r' && text_[i] != '\t')
    ++i;
  return i;
}

}  // namespace doorstep::forms
