// Value: the conversions of XPath 1.0 with ODK's additions for dates (see value.h).
#include "core/forms/value.h"

#include <cmath>
#include <limits>

#include "core/forms/dates.h"
#include "core/forms/number_text.h"

namespace doorstep::forms {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A string converts to a number by XPath's grammar; a date or date-time text converts to
// its days since the epoch, as a date-typed node does in ODK Collect (Doorstep's node
// values are untyped strings, so `${dob} < today()` needs this to compare dates).
double string_to_number(const std::string& text) {
  double n = parse_xpath_number(text);
  if (!std::isnan(n)) return n;
  if (text.size() >= 10 && text.size() <= 40) {
    if (auto parsed = dates::parse(text, 0)) return parsed->days;
  }
  return kNaN;
}

double string_to_date_days(const std::string& text) {
  if (auto parsed = dates::parse(text, 0)) return parsed->days;
  return kNaN;
}

}  // namespace

Value Value::string(std::string s) {
  Value v;
  v.type_ = Type::String;
  v.text_ = std::move(s);
  return v;
}

Value Value::number(double n) {
  Value v;
  v.type_ = Type::Number;
  v.number_ = n;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.type_ = Type::Boolean;
  v.number_ = b ? 1 : 0;
  return v;
}

Value Value::date(double days_since_epoch) {
  Value v;
  v.type_ = Type::Date;
  v.number_ = std::floor(days_since_epoch);
  return v;
}

Value Value::date_time(double days_since_epoch) {
  Value v;
  v.type_ = Type::DateTime;
  v.number_ = days_since_epoch;
  return v;
}

Value Value::node_set(std::vector<std::string> values) {
  Value v;
  v.type_ = Type::NodeSet;
  v.nodes_ = std::move(values);
  return v;
}

std::string Value::to_string() const {
  switch (type_) {
    case Type::String: return text_;
    case Type::Number: return format_xpath_number(number_);
    case Type::Boolean: return number_ != 0 ? "true" : "false";
    case Type::Date: return dates::format_date(number_);
    case Type::DateTime: return dates::format_date_time(number_, 0);
    case Type::NodeSet: return nodes_.empty() ? std::string() : nodes_.front();
  }
  return std::string();
}

double Value::to_number() const {
  switch (type_) {
    case Type::String: return string_to_number(text_);
    case Type::Number:
    case Type::Boolean:
    case Type::Date:
    case Type::DateTime: return number_;
    case Type::NodeSet: return nodes_.empty() ? kNaN : string_to_number(nodes_.front());
  }
  return kNaN;
}

bool Value::to_boolean() const {
  switch (type_) {
    case Type::String: return !text_.empty();
    case Type::Number: return number_ != 0 && !std::isnan(number_);
    case Type::Boolean: return number_ != 0;
    case Type::Date:
    case Type::DateTime: return true;
    case Type::NodeSet:
      // ODK Collect reads a single node through its value (an unanswered field is false);
      // several nodes are true as in XPath.
      if (nodes_.empty()) return false;
      return nodes_.size() > 1 || !nodes_.front().empty();
  }
  return false;
}

std::vector<std::string> Value::node_values() const {
  if (type_ == Type::NodeSet) return nodes_;
  return {to_string()};
}

double Value::to_date_days() const {
  switch (type_) {
    case Type::Date:
    case Type::DateTime:
    case Type::Number: return number_;
    case Type::Boolean: return kNaN;
    case Type::String: return string_to_date_days(text_);
    case Type::NodeSet: return nodes_.empty() ? kNaN : string_to_date_days(nodes_.front());
  }
  return kNaN;
}

}  // namespace doorstep::forms
