// JsonPositions: where each value of a JSON text sits, so that errors about a form item can
// name FILE:LINE:COL rather than a path in a parsed tree.
//
// nlohmann/json keeps no source positions, so this index scans the text once more after it
// parsed: it records, for every value, its JSON pointer ("/survey/3/relevant") and the byte
// offset where the value starts, and for every object member the offset of its key. Lines and
// columns are 1-based; columns count Unicode characters, as editors do.
//
// Thread-safety: immutable after construction. Failure: never throws on malformed text; a
// pointer it did not see maps to the nearest recorded ancestor (or 1:1).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace doorstep::forms {

struct TextPosition {
  int line = 1;
  int column = 1;
};

class JsonPositions {
 public:
  explicit JsonPositions(std::string text);

  // The line and column of a byte offset into the text (clamped to its end).
  TextPosition at_offset(size_t offset) const;
  // Where the value at `pointer` starts; for a missing pointer its nearest known ancestor.
  size_t value_offset(const std::string& pointer) const;
  // Where the key of the object member at `pointer` starts (the value's offset if none).
  size_t key_offset(const std::string& pointer) const;
  TextPosition value_position(const std::string& pointer) const {
    return at_offset(value_offset(pointer));
  }
  TextPosition key_position(const std::string& pointer) const {
    return at_offset(key_offset(pointer));
  }
  // For a string value: the offset of the character `index` bytes into its decoded content,
  // when the source spells that prefix without escapes; else the opening quote's offset.
  size_t string_char_offset(const std::string& pointer, size_t index) const;

  const std::string& text() const { return text_; }

  // Escapes a key for use in a JSON pointer ("~" -> "~0", "/" -> "~1").
  static std::string escape(std::string_view key);

 private:
  void scan();
  void skip_space(size_t& i) const;
  size_t scan_value(size_t i, const std::string& pointer, int depth);
  size_t scan_string_end(size_t i) const;

  std::string text_;
  std::vector<size_t> line_starts_;
  std::unordered_map<std::string, size_t> values_;
  std::unordered_map<std::string, size_t> keys_;
};

}  // namespace doorstep::forms
