// Loading a form definition: JSON text in, a validated FormDefinition or a list of issues
// out, each naming FILE:LINE:COL of the offending item or key.
//
// What is checked (docs/forms.md, "Errors"): JSON syntax (line and column), the shape of
// every key, unknown types and keys, duplicate and malformed names, unbalanced
// begin_group/end_group, select questions without a known choice list, every expression's
// syntax (with the position of the error inside the file), references to unknown ${fields}
// (naming the field and the item using it), circular calculations/relevance (listing the
// cycle), settings, params and risk rules.
//
// Thread-safety: load_form() is a pure function; call it from any thread.
// Failure: load_form() never throws for any input text (it reports issues); it may throw
// std::bad_alloc. load_form_or_throw() throws doorstep::Error(InvalidForm) whose message
// lists every issue, one per line.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/forms/form_definition.h"

namespace doorstep::forms {

struct FormIssue {
  std::string source;  // the file name given to load_form()
  int line = 1;
  int column = 1;
  std::string pointer;  // JSON pointer of the offending value ("/survey/4/relevant")
  std::string message;

  // "SOURCE:LINE:COL: message"
  std::string to_string() const;
};

struct FormLoadResult {
  std::shared_ptr<const FormDefinition> form;  // null when issues is not empty
  std::vector<FormIssue> issues;
};

FormLoadResult load_form(std::string_view json_text, const std::string& source_name);

std::shared_ptr<const FormDefinition> load_form_or_throw(std::string_view json_text,
                                                         const std::string& source_name);

}  // namespace doorstep::forms
