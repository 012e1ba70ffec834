// The JSON shapes of the expression language at Doorstep's boundaries (the C ABI's
// ds_expr_* functions and `doorstep expr`), kept in the core so every shell answers alike.
//
//  - A result is {"value": V, "type": "number|string|boolean|date"}: a number is a JSON
//    number (integers without a fraction) except NaN, Infinity and -Infinity, written as
//    the strings "NaN", "Infinity", "-Infinity"; a date is "YYYY-MM-DD"; a date-time is
//    "YYYY-MM-DDTHH:MM:SS.mmm+HH:MM" (type "date"); a node-set is its first value (type
//    "string").
//  - A context is null or an object {name: value}; "." is the current question's value.
//    Values are strings as node values are; a JSON number or boolean is taken as its JSON
//    text and null as "". Arrays and objects are refused.
//  - Options are null or {"now": "ISO date-time" | seconds since the epoch,
//    "utc_offset_minutes": N}, to pin today()/now() and the zone.
//
// Failure: throws doorstep::Error(InvalidArgument) naming the offending key.
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "core/forms/expression.h"

namespace doorstep::forms {

nlohmann::ordered_json value_to_json(const Value& value);

// Fills `context` from a context JSON value (null or an object) and an options JSON value
// (null or an object).
void load_context_json(const nlohmann::json& values, const nlohmann::json& options,
                       MapContext& context);

}  // namespace doorstep::forms
