// Functions on select answers (space-separated choice values, as ODK stores them):
// selected, is-selected, selected-at, count-selected, jr:choice-name.
#include <cmath>

#include "core/forms/expr_functions.h"

namespace doorstep::forms {
namespace {

bool is_java_trim_space(char c) {
  return static_cast<unsigned char>(c) <= ' ';
}

std::string java_trim(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && is_java_trim_space(s[begin])) ++begin;
  while (end > begin && is_java_trim_space(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

std::vector<std::string> split_choices(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t space = s.find(' ', pos);
    if (space == std::string::npos) space = s.size();
    if (space > pos) out.push_back(s.substr(pos, space - pos));
    pos = space + 1;
  }
  return out;
}

// selected(answer, value): `value` (trimmed) is one of the answer's space-separated values.
Value fn_selected(const CallArgs& a) {
  std::string answer = " " + a.string(0) + " ";
  std::string wanted = " " + java_trim(a.string(1)) + " ";
  return Value::boolean(answer.find(wanted) != std::string::npos);
}

Value fn_count_selected(const CallArgs& a) {
  return Value::number(static_cast<double>(split_choices(a.string(0)).size()));
}

// selected-at(answer, i): the i-th (0-based) selected value, "" outside the list.
Value fn_selected_at(const CallArgs& a) {
  std::vector<std::string> choices = split_choices(a.string(0));
  double i = std::trunc(a.number(1));
  if (std::isnan(i) || i < 0 || i >= static_cast<double>(choices.size())) return Value::string("");
  return Value::string(choices[static_cast<size_t>(i)]);
}

// jr:choice-name(value, '${field}'): the label of `value` in field's choice list, in the
// session's language. The field may be written '${field}', 'field' or as an XPath path
// ('/data/field'): its last name is used.
Value fn_choice_name(const CallArgs& a) {
  std::string value = a.string(0);
  std::string field = a.string(1);
  if (field.starts_with("${") && field.ends_with("}")) field = field.substr(2, field.size() - 3);
  size_t slash = field.rfind('/');
  if (slash != std::string::npos) field = field.substr(slash + 1);
  return Value::string(a.context().choice_label(field, value));
}

const FunctionDef kSelect[] = {
    {"selected", 2, 2, fn_selected},
    {"is-selected", 2, 2, fn_selected},
    {"count-selected", 1, 1, fn_count_selected},
    {"selected-at", 2, 2, fn_selected_at},
    {"jr:choice-name", 2, 2, fn_choice_name},
};

}  // namespace

std::span<const FunctionDef> select_functions() {
  return kSelect;
}

}  // namespace doorstep::forms
