// Checking and normalising one answer against its question's type: integers, decimals,
// dates (YYYY-MM-DD), geopoints ("lat lon [alt [accuracy]]"), choices of select_one and
// select_multiple (space-separated names, as ODK stores them).
//
// Thread-safety: pure functions.
// Failure: normalise_answer() throws doorstep::Error(InvalidArgument) with a message in the
// requested language ("zh" or anything else for English) that says what is expected; a zh
// message names the question by its label, an English one by its name.
#pragma once

#include <string>

#include "core/forms/form_definition.h"

namespace doorstep::forms {

// Returns the canonical text of `value` for `item` ("" stays ""): trimmed numbers, a
// select_multiple's names once each, separated by single spaces.
std::string normalise_answer(const FormDefinition& form, const FormItem& item,
                             const std::string& value, const std::string& language);

// True if `text` is a calendar date written YYYY-MM-DD.
bool is_iso_date(const std::string& text);

}  // namespace doorstep::forms
