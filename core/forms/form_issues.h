// FormIssues: the list of problems found while loading a form, each placed at FILE:LINE:COL
// through the JSON position index. Internal to the loader and validator.
//
// Thread-safety: one loader uses one FormIssues at a time.
#pragma once

#include <string>
#include <vector>

#include "core/forms/form_loader.h"
#include "core/forms/json_positions.h"

namespace doorstep::forms {

class FormIssues {
 public:
  FormIssues(const JsonPositions& positions, std::string source)
      : positions_(positions), source_(std::move(source)) {}

  // An issue about the value at `pointer`.
  void at_value(const std::string& pointer, const std::string& message) {
    add(pointer, positions_.value_offset(pointer), message);
  }
  // An issue about the key of the member at `pointer` (e.g. an unknown key).
  void at_key(const std::string& pointer, const std::string& message) {
    add(pointer, positions_.key_offset(pointer), message);
  }
  void at_offset(const std::string& pointer, size_t offset, const std::string& message) {
    add(pointer, offset, message);
  }

  const JsonPositions& positions() const { return positions_; }
  bool empty() const { return issues_.empty(); }
  std::vector<FormIssue> take() { return std::move(issues_); }

 private:
  void add(const std::string& pointer, size_t offset, const std::string& message) {
    TextPosition where = positions_.at_offset(offset);
    issues_.push_back(FormIssue{source_, where.line, where.column, pointer, message});
  }

  const JsonPositions& positions_;
  std::string source_;
  std::vector<FormIssue> issues_;
};

// Checks references, builds the evaluation order and reports cycles (form_validator.cpp).
void validate_form(FormDefinition& form, FormIssues& issues);

}  // namespace doorstep::forms
