// Expression: a parsed form expression in XLSForm syntax (`${name}`, arithmetic with `div`
// and `mod`, comparisons, `and`/`or`, the ODK XForms function library, and Doorstep's domain
// functions such as id-valid()), evaluated with ODK semantics.
//
// An Expression is parsed once (when a form is loaded) and evaluated many times against an
// EvalContext, which is how the expression sees the form: field values, the current
// question's own value ("."), the position in a repeat, parameters and the clock.
//
// Failure: parse() throws doorstep::Error(ErrorCode::InvalidExpression) with a message that
// names the byte offset ("at offset 7: expected ')'"); an unknown function, a wrong argument
// count and an invalid regex literal are parse errors, so a form is rejected when loaded.
// evaluate() does not throw for type mismatches (they coerce, as in XPath: NaN, "", false);
// it throws InvalidExpression only for errors ODK also reports at run time (date('x') of a
// text that is not a date, a regex built at run time that does not compile) and for what
// the EvalContext throws (an unknown field).
//
// Thread-safety: a parsed Expression is immutable; evaluate it from any thread with its own
// EvalContext.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/forms/value.h"

namespace doorstep::forms {

// What an expression sees of the form at the point where it is evaluated.
class EvalContext {
 public:
  virtual ~EvalContext() = default;

  // The value of `${name}` seen from the evaluation point. A field of the same repeat
  // instance, or outside any repeat, yields its single value (as a node-set of one string;
  // an unanswered field is the empty string). A field inside a repeat seen from outside it
  // yields a node-set of every instance's value; `${repeat_name}` yields one node per
  // instance (so count(${members}) counts instances). Throws InvalidExpression for a name
  // the form does not have.
  virtual Value field(std::string_view name) const = 0;

  // The current question's own value, written "." (used in constraints).
  virtual Value current() const = 0;

  // position(..): 1-based index of the current repeat instance, 0 outside repeats.
  virtual int position() const { return 0; }

  // The named form parameter (county setting), or nullptr-equivalent: returns false if the
  // form has no such parameter. Expressions reach params as ${name} too; this is used when
  // the form routes a name to its params table.
  virtual bool param(std::string_view name, Value& out) const {
    (void)name;
    (void)out;
    return false;
  }

  // The label of `value` in choice list of the select field `field_name`, in the session's
  // language (jr:choice-name). Empty if unknown.
  virtual std::string choice_label(std::string_view field_name, std::string_view value) const {
    (void)field_name;
    (void)value;
    return std::string();
  }

  // Seconds since the epoch (UTC) for today()/now(); tests pin it.
  virtual double now_seconds() const;

  // Minutes east of UTC for now()/format-date of date-times. ODK Collect uses the device
  // zone; Doorstep's default is UTC so that phones and the server agree.
  virtual int utc_offset_minutes() const { return 0; }
};

class Expression {
 public:
  // Parses `text`. Throws doorstep::Error(InvalidExpression) naming the offset.
  static Expression parse(std::string_view text);

  Value evaluate(const EvalContext& context) const;

  // The `${name}` references in order of first appearance, without duplicates (the
  // dependency graph of a form session is built from these).
  const std::vector<std::string>& references() const;
  // True if the expression reads "." (the current question's own value).
  bool uses_current() const;
  // True if it calls a volatile function (now, today, random, uuid) whose value may change
  // without any field changing.
  bool is_volatile() const;

  const std::string& text() const;

  struct Node;  // the parsed tree; defined in the implementation

  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  Expression(const Expression&);
  Expression& operator=(const Expression&);
  ~Expression();

 private:
  Expression() = default;
  std::shared_ptr<const Node> root_;
  std::string text_;
  std::vector<std::string> references_;
  bool uses_current_ = false;
  bool volatile_ = false;
};

// A context with no form behind it: a flat map of names to string values (as in the
// conformance vectors and `doorstep expr --context`), plus "." for the current value.
class MapContext : public EvalContext {
 public:
  MapContext() = default;
  void set(std::string name, std::string value);
  void set_now(double seconds_since_epoch);
  // Minutes east of UTC for today(), now() and date-times without a zone (default 0).
  void set_utc_offset_minutes(int minutes) { utc_offset_minutes_ = minutes; }
  Value field(std::string_view name) const override;
  // The value set for "."; throws InvalidExpression if none was set.
  Value current() const override;
  double now_seconds() const override;
  int utc_offset_minutes() const override { return utc_offset_minutes_; }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  double now_ = -1;  // < 0: use the real clock
  int utc_offset_minutes_ = 0;
};

}  // namespace doorstep::forms
