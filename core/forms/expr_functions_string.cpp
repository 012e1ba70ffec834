// String functions, counting in Unicode characters (not bytes): string, concat, join,
// substr, substring, substring-before, substring-after, translate, string-length,
// normalize-space, contains, starts-with, ends-with, regex.
#include <cmath>
#include <memory>

// GCC 12 reports a false -Wmaybe-uninitialized inside libstdc++'s <regex> when built with
// the sanitizers (std::function in the regex compiler's states); the code is libstdc++'s.
// (clang has no such warning and would reject the unknown name under -Werror.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#include <vector>

#include "core/forms/expr_functions.h"
#include "core/forms/utf8.h"

namespace doorstep::forms {
namespace {

bool is_xpath_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

Value fn_string(const CallArgs& a) {
  return Value::string(a.string(0));
}

// Appends every value of `v`: each instance's value for a field in a repeat.
void append_values(std::vector<std::string>& out, const Value& v) {
  if (v.is_node_set()) {
    out.insert(out.end(), v.nodes().begin(), v.nodes().end());
  } else {
    out.push_back(v.to_string());
  }
}

Value fn_concat(const CallArgs& a) {
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) {
    Value v = a.value(i);
    if (v.is_node_set()) {
      for (const auto& node : v.nodes()) out += node;
    } else {
      out += v.to_string();
    }
  }
  return Value::string(std::move(out));
}

Value fn_join(const CallArgs& a) {
  std::string separator = a.string(0);
  std::vector<std::string> parts;
  for (size_t i = 1; i < a.size(); ++i) append_values(parts, a.value(i));
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return Value::string(std::move(out));
}

// substr(s, start[, end]): 0-based characters [start, end); negative counts from the end.
Value fn_substr(const CallArgs& a) {
  std::u32string s = utf8::decode(a.string(0));
  double len = static_cast<double>(s.size());
  auto index = [&](double n) {
    if (std::isnan(n)) return 0.0;
    n = std::trunc(n);
    if (n < 0) n += len;
    return std::fmin(std::fmax(0.0, n), len);
  };
  double start = index(a.number(1));
  double end = a.size() == 3 ? index(a.number(2)) : len;
  if (start >= end) return Value::string("");
  return Value::string(utf8::encode(
      std::u32string_view(s).substr(static_cast<size_t>(start), static_cast<size_t>(end - start))));
}

double xpath_round(double x) {
  return std::floor(x + 0.5);
}

// substring(s, start[, length]) of XPath 1.0: 1-based, positions rounded, NaN-safe.
Value fn_substring(const CallArgs& a) {
  std::u32string s = utf8::decode(a.string(0));
  double first = xpath_round(a.number(1));
  double last =
      a.size() == 3 ? first + xpath_round(a.number(2)) : std::numeric_limits<double>::infinity();
  std::u32string out;
  for (size_t i = 0; i < s.size(); ++i) {
    double position = static_cast<double>(i + 1);
    if (position >= first && position < last) out.push_back(s[i]);
  }
  return Value::string(utf8::encode(out));
}

Value fn_substring_before(const CallArgs& a) {
  std::string s = a.string(0), t = a.string(1);
  size_t at = s.find(t);
  return Value::string(at == std::string::npos ? std::string() : s.substr(0, at));
}

Value fn_substring_after(const CallArgs& a) {
  std::string s = a.string(0), t = a.string(1);
  size_t at = s.find(t);
  return Value::string(at == std::string::npos ? std::string() : s.substr(at + t.size()));
}

Value fn_translate(const CallArgs& a) {
  std::u32string s = utf8::decode(a.string(0));
  std::u32string from = utf8::decode(a.string(1));
  std::u32string to = utf8::decode(a.string(2));
  std::string out;
  for (char32_t c : s) {
    size_t at = from.find(c);
    if (at == std::u32string::npos)
      utf8::append(out, c);
    else if (at < to.size())
      utf8::append(out, to[at]);
  }
  return Value::string(std::move(out));
}

// Without an argument these read the current question's value.
std::string subject(const CallArgs& a) {
  return a.size() == 0 ? a.context().current().to_string() : a.string(0);
}

Value fn_string_length(const CallArgs& a) {
  return Value::number(static_cast<double>(utf8::length(subject(a))));
}

Value fn_normalize_space(const CallArgs& a) {
  std::u32string s = utf8::decode(subject(a));
  std::u32string out;
  bool pending_space = false;
  for (char32_t c : s) {
    if (is_xpath_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return Value::string(utf8::encode(out));
}

Value fn_contains(const CallArgs& a) {
  return Value::boolean(a.string(0).find(a.string(1)) != std::string::npos);
}
Value fn_starts_with(const CallArgs& a) {
  return Value::boolean(a.string(0).starts_with(a.string(1)));
}
Value fn_ends_with(const CallArgs& a) {
  return Value::boolean(a.string(0).ends_with(a.string(1)));
}

// regex(s, pattern): true if the whole of s matches pattern (ODK Collect uses Java's
// Pattern.matches). Patterns are ECMAScript syntax over Unicode characters, so
// '[\u4e00-\u9fa5]{2,4}' matches two to four Chinese characters.
using WideRegex = std::basic_regex<wchar_t>;

std::wstring widen(const std::string& text) {
  std::u32string u = utf8::decode(text);
  return std::wstring(u.begin(), u.end());
}

// A pattern std::regex must not see: libstdc++ reads a repetition count into a long without
// an overflow check (undefined behaviour, found by fuzzing) and builds one state per repeated
// item, so counts are bounded before it compiles anything, as is the pattern's length.
class PatternTooLarge : public std::regex_error {
 public:
  explicit PatternTooLarge(const char* why)
      : std::regex_error(std::regex_constants::error_complexity), why_(why) {}
  const char* what() const noexcept override { return why_; }

 private:
  const char* why_;
};

constexpr size_t kMaxPatternBytes = 2000;
constexpr long kMaxRepetition = 1000;

// The number written from `pattern[at]` on (digits, or digits and commas inside a brace),
// refused past kMaxRepetition before it can overflow.
void check_count(const std::string& pattern, size_t at, bool commas, const char* what) {
  long count = 0;
  for (size_t j = at; j < pattern.size(); ++j) {
    char c = pattern[j];
    if (c >= '0' && c <= '9') {
      count = count * 10 + (c - '0');
      if (count > kMaxRepetition) throw PatternTooLarge(what);
    } else if (c == ',' && commas) {
      count = 0;
    } else {
      return;
    }
  }
}

// libstdc++ matches by backtracking, recursing once per step: a repeated item that is itself
// repeated (`(a+)+`, `a**`) takes exponential time on a subject that almost matches (found by
// fuzzing: `^s**+**{1,9}` ran for minutes on an empty answer), so such nesting is refused.
constexpr const char* kNestedRepetition =
    "a repetition of something already repeated (like (a+)+ or a**) is refused: it can take "
    "exponential time";

void check_pattern_size(const std::string& pattern) {
  if (pattern.size() > kMaxPatternBytes)
    throw PatternTooLarge("the pattern is longer than 2000 bytes");
  // Per open group: whether something inside it is repeated.
  std::vector<bool> groups{false};
  bool after_repeat = false;            // the previous token was a quantifier
  bool after_lazy = false;              // ... followed by its lazy '?'
  bool closed_repeating_group = false;  // the previous token closed a group holding a repeat
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    bool quantifier = c == '*' || c == '+' || c == '?' || c == '{';
    if (quantifier) {
      if (c == '?' && after_repeat && !after_lazy) {
        after_lazy = true;  // a lazy quantifier: a*?
        continue;
      }
      if (after_repeat || closed_repeating_group) throw PatternTooLarge(kNestedRepetition);
      if (c == '{') {
        check_count(pattern, i + 1, true, "a repetition count ({n} or {n,m}) is over 1000");
        size_t close = pattern.find('}', i);
        if (close != std::string::npos) i = close;
      }
      groups.back() = true;
      after_repeat = true;
      after_lazy = false;
      closed_repeating_group = false;
      continue;
    }
    after_repeat = after_lazy = closed_repeating_group = false;
    if (c == '\\') {
      // A back-reference (\N) is read as a number too; any other escaped character is
      // skipped (an escaped '{' is a literal).
      if (i + 1 < pattern.size())
        check_count(pattern, i + 1, false, "a back-reference number is over 1000");
      ++i;
      // \cX is a control escape: it takes the character after it, even a backslash, so the
      // escapes after it pair up from there (found by fuzzing: \c\\\9826… hid a huge
      // back-reference).
      if (i < pattern.size() && pattern[i] == 'c') ++i;
    } else if (c == '[') {
      // A character class: up to its closing ']' (a ']' first, or escaped, is a member).
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      for (; j < pattern.size() && pattern[j] != ']'; ++j)
        if (pattern[j] == '\\') ++j;
      i = j;
    } else if (c == '(') {
      groups.push_back(false);
      // (?:...), (?=...), (?!...): the '?' opens a kind of group, it repeats nothing.
      if (i + 2 < pattern.size() && pattern[i + 1] == '?') i += 2;
    } else if (c == ')' && groups.size() > 1) {
      bool repeats = groups.back();
      groups.pop_back();
      if (repeats) groups.back() = true;
      closed_repeating_group = repeats;
    }
  }
}

// The matcher recurses once per character of the subject (about 700 bytes of stack each for
// `(a|b)*`, so 16,000 characters overflowed an 8 MiB stack): regex() reads at most this many.
constexpr size_t kMaxSubjectCharacters = 2000;

std::shared_ptr<const WideRegex> compile(const std::string& pattern) {
  check_pattern_size(pattern);
  return std::make_shared<const WideRegex>(widen(pattern), std::regex::ECMAScript);
}

static_assert(sizeof(wchar_t) == 4, "regex() needs a 32-bit wchar_t");

void prepare_regex(Node& call) {
  const Node& pattern = *call.args[1];
  if (pattern.kind != Node::Kind::Literal) return;
  try {
    call.prepared = compile(pattern.literal.to_string());
  } catch (const std::regex_error& e) {
    throw_at(pattern.offset,
             "invalid regular expression '" + pattern.literal.to_string() + "': " + e.what());
  }
}

Value fn_regex(const CallArgs& a) {
  std::wstring subject_text = widen(a.string(0));
  if (subject_text.size() > kMaxSubjectCharacters)
    a.fail("matches texts of at most 2000 characters; this one has " +
           std::to_string(subject_text.size()));
  std::shared_ptr<const WideRegex> pattern =
      std::static_pointer_cast<const WideRegex>(a.call().prepared);
  if (!pattern) {
    std::string text = a.string(1);
    try {
      pattern = compile(text);
    } catch (const std::regex_error& e) {
      a.fail("invalid regular expression '" + text + "': " + e.what());
    }
  }
  return Value::boolean(std::regex_match(subject_text, *pattern));
}

const FunctionDef kString[] = {
    {"string", 1, 1, fn_string},
    {"concat", 0, -1, fn_concat},
    {"join", 1, -1, fn_join},
    {"substr", 2, 3, fn_substr},
    {"substring", 2, 3, fn_substring},
    {"substring-before", 2, 2, fn_substring_before},
    {"substring-after", 2, 2, fn_substring_after},
    {"translate", 3, 3, fn_translate},
    {"string-length", 0, 1, fn_string_length, false, true},
    {"normalize-space", 0, 1, fn_normalize_space, false, true},
    {"contains", 2, 2, fn_contains},
    {"starts-with", 2, 2, fn_starts_with},
    {"ends-with", 2, 2, fn_ends_with},
    {"regex", 2, 2, fn_regex, false, false, prepare_regex},
};

}  // namespace

std::span<const FunctionDef> string_functions() {
  return kString;
}

}  // namespace doorstep::forms
