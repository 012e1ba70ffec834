// Value: a value of the form expression language (ODK XForms XPath): string, number,
// boolean, date, date-time, or a node-set (the values of a field across repeat instances).
//
// Node values in a form are always strings; the conversions below follow XPath 1.0 and
// ODK: number("") is NaN, boolean of a string is "non-empty", a node-set converts through
// its first value (string/number) or its non-emptiness (boolean).
//
// Thread-safety: a Value is an immutable value type.
#pragma once

#include <string>
#include <vector>

namespace doorstep::forms {

class Value {
 public:
  enum class Type { String, Number, Boolean, Date, DateTime, NodeSet };

  Value() = default;  // the empty string
  static Value string(std::string s);
  static Value number(double n);
  static Value boolean(bool b);
  // Days since 1970-01-01 (UTC midnight, as ODK Collect), fraction allowed for DateTime.
  static Value date(double days_since_epoch);
  static Value date_time(double days_since_epoch);
  static Value node_set(std::vector<std::string> values);

  Type type() const { return type_; }
  bool is_node_set() const { return type_ == Type::NodeSet; }

  // XPath conversions (with ODK's rules for dates: string() of a date is "YYYY-MM-DD",
  // number() of a date is days since the epoch).
  std::string to_string() const;
  double to_number() const;
  bool to_boolean() const;
  // The node-set's values; a one-element list for any other type.
  std::vector<std::string> node_values() const;
  // For dates: days since the epoch; for other types, the date it converts to (NaN if none).
  double to_date_days() const;

  // The raw payloads (valid for the matching type only).
  const std::string& string_value() const { return text_; }
  double number_value() const { return number_; }
  const std::vector<std::string>& nodes() const { return nodes_; }

 private:
  Type type_ = Type::String;
  std::string text_;
  double number_ = 0;
  std::vector<std::string> nodes_;
};

}  // namespace doorstep::forms
