// parse_json_bounded: nlohmann's lexer and SAX parser, with a DOM builder that checks the
// limits before each value is added.
#include <algorithm>
#include <iterator>
#include <vector>

#include "core/common/bounded_decode.h"

namespace doorstep {
namespace {

using nlohmann::json;

// Walks the text for nlohmann's input adapter and remembers how far it has read, so that the
// builder can name the byte offset of the value it is refusing. nlohmann reads the opening
// bracket of a container as the last character before it calls start_array/start_object.
class TrackedChars {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackedChars(const char* at, const char** read_up_to) : at_(at), read_up_to_(read_up_to) {}
  reference operator*() const { return *at_; }
  TrackedChars& operator++() {
    *read_up_to_ = ++at_;
    return *this;
  }
  TrackedChars operator++(int) {
    TrackedChars before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackedChars& other) const { return at_ == other.at_; }
  bool operator!=(const TrackedChars& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  const char** read_up_to_;
};

// nlohmann's message without its "[json.exception...] parse error at line 1, column 5: "
// prefix and without the "; last read: '...'" echo of the input (which may hold bytes that
// are not UTF-8 and would poison whatever carries the message on).
std::string syntax_problem(const std::string& message) {
  std::string out = message;
  auto column = out.find("column ");
  if (column != std::string::npos) {
    auto colon = out.find(": ", column);
    if (colon != std::string::npos) out = out.substr(colon + 2);
  }
  auto echo = out.find("; last read: '");
  if (echo != std::string::npos) {
    auto end = out.find('\'', echo + 14);
    out.erase(echo, end == std::string::npos ? std::string::npos : end + 1 - echo);
  }
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return out;
}

class BoundedBuilder {
 public:
  BoundedBuilder(std::string_view text, const DecodeLimits& limits)
      : begin_(text.data()),
        text_end_(text.data() + text.size()),
        read_up_to_(text.data()),
        limits_(limits) {}

  // nlohmann's SAX interface.
  bool null() { return add(json(nullptr)); }
  bool boolean(bool value) { return add(json(value)); }
  bool number_integer(json::number_integer_t value) { return add(json(value)); }
  bool number_unsigned(json::number_unsigned_t value) { return add(json(value)); }
  bool number_float(json::number_float_t value, const json::string_t&) { return add(json(value)); }
  bool string(json::string_t& value) {
    if (value.size() > limits_.max_string)
      return refuse(read_offset(), "has a string of " + std::to_string(value.size()) +
                                       " bytes (at most " + std::to_string(limits_.max_string) +
                                       ")");
    return add(json(std::move(value)));
  }
  bool binary(json::binary_t& value) { return add(json::binary(std::move(value))); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool key(json::string_t& name) {
    if (name.size() > limits_.max_string)
      return refuse(read_offset(), "has a key of " + std::to_string(name.size()) + " bytes");
    key_ = std::move(name);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& e) {
    offset_ = syntax_error_offset(position, last_token, e.what());
    problem_ = "is not valid JSON: " + syntax_problem(e.what());
    return false;
  }

  json take_root() { return std::move(root_); }
  size_t offset() const { return offset_; }
  const std::string& problem() const { return problem_; }
  const char** read_up_to() { return &read_up_to_; }

 private:
  // Whether `token` is a single string (perhaps cut short), number or literal.
  static bool is_one_token(const std::string& token) {
    if (token[0] != '"') return token.find_first_of("[]{},: \t\r\n") == std::string::npos;
    for (size_t i = 1; i < token.size(); ++i) {
      if (token[i] == '\\')
        ++i;
      else if (token[i] == '"')
        return i + 1 == token.size();
    }
    return true;
  }

  // Where the token nlohmann choked on starts. `position` counts the characters it read
  // (one more once it has read the end); `token` is what it read since it last began a
  // string, number or literal, so it is that token exactly unless a structural character
  // or the end came after it.
  size_t syntax_error_offset(size_t position, const std::string& token,
                             const std::string& message) const {
    size_t size = static_cast<size_t>(text_end_ - begin_);
    if (message.find("unexpected end of input") != std::string::npos) return size;
    size_t end = std::min(position, size);
    if (!token.empty() && token.size() <= end && is_one_token(token)) return end - token.size();
    return end > 0 ? end - 1 : 0;
  }

  // The offset of the last character nlohmann read.
  size_t read_offset() const {
    return read_up_to_ > begin_ ? static_cast<size_t>(read_up_to_ - begin_) - 1 : 0;
  }

  bool refuse(size_t offset, std::string problem) {
    offset_ = offset;
    problem_ = std::move(problem);
    return false;
  }

  bool count_value() {
    if (++values_ > limits_.max_values)
      return refuse(read_offset(),
                    "has more than " + std::to_string(limits_.max_values) + " values");
    if (!open_.empty() && ++open_.back().items > limits_.max_items)
      return refuse(read_offset(), "has a container with more than " +
                                       std::to_string(limits_.max_items) + " members");
    return true;
  }

  // Places `value` in the container being built (or as the root) and returns where it went.
  json* place(json&& value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *open_.back().value;
    if (parent.is_array()) {
      parent.get_ref<json::array_t&>().push_back(std::move(value));
      return &parent.get_ref<json::array_t&>().back();
    }
    json& slot = parent.get_ref<json::object_t&>()[key_];
    slot = std::move(value);
    return &slot;
  }

  bool add(json&& value) {
    if (!count_value()) return false;
    place(std::move(value));
    return true;
  }

  bool open(json&& container) {
    if (open_.size() >= limits_.max_depth)
      return refuse(read_offset(),
                    "is nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    if (!count_value()) return false;
    open_.push_back(Open{place(std::move(container)), 0});
    return true;
  }

  bool close() {
    open_.pop_back();
    return true;
  }

  struct Open {
    json* value;
    size_t items;
  };

  const char* begin_;
  const char* text_end_;
  const char* read_up_to_;
  const DecodeLimits& limits_;
  json root_;
  std::vector<Open> open_;
  std::string key_;
  size_t values_ = 0;
  size_t offset_ = 0;
  std::string problem_;
};

std::string describe(std::string_view what, const std::string& problem, size_t offset) {
  return std::string(what) + " " + problem + " (at byte " + std::to_string(offset) + ")";
}

}  // namespace

DecodeError::DecodeError(ErrorCode code, std::string_view what, size_t offset, std::string problem)
    : Error(code, describe(what, problem, offset)), offset_(offset), problem_(std::move(problem)) {}

json parse_json_bounded(std::string_view text, const DecodeLimits& limits, std::string_view what,
                        ErrorCode code) {
  if (text.size() > limits.max_bytes)
    throw DecodeError(code, what, limits.max_bytes,
                      "is " + std::to_string(text.size()) + " bytes long, more than the " +
                          std::to_string(limits.max_bytes) + " allowed");
  BoundedBuilder builder(text, limits);
  TrackedChars first(text.data(), builder.read_up_to());
  TrackedChars last(text.data() + text.size(), builder.read_up_to());
  if (!json::sax_parse(first, last, &builder))
    throw DecodeError(code, what, builder.offset(), builder.problem());
  return builder.take_root();
}

}  // namespace doorstep
