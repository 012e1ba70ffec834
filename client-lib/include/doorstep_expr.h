/*
 * doorstep_expr.h — part of the Doorstep C ABI; include doorstep.h, not this file.
 * Conventions (errors, ownership, thread-safety) are described at the top of doorstep.h.
 */
#ifndef DOORSTEP_EXPR_H
#define DOORSTEP_EXPR_H

#ifndef DOORSTEP_H
#error "include doorstep.h instead of doorstep_expr.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Expressions of the form language (XLSForm syntax with ODK semantics; the reference is
 * docs/expressions.md), evaluated outside any form: against a flat context of named
 * values. Form sessions evaluate the same language through ds_form_* functions.
 *
 * JSON shapes:
 *  - context_json: NULL, "null" or an object {"name": "value", ...}; the key "." is the
 *    current question's own value (as in a constraint). Values are strings, as form answers
 *    are; a JSON number or boolean is taken as its text, null as "".
 *  - options_json: NULL, "null" or {"now": "2026-11-28T13:35:48Z" (or seconds since the
 *    epoch), "utc_offset_minutes": 480}: pins the clock of today()/now() and the zone
 *    (default: the system clock, UTC).
 *  - a result: {"value": V, "type": "number|string|boolean|date"}. NaN and the infinities
 *    are the strings "NaN", "Infinity", "-Infinity"; a date is "YYYY-MM-DD", a date-time
 *    "YYYY-MM-DDTHH:MM:SS.mmm+00:00" (type "date").
 * Every JSON argument is decoded with limits: at most 1 MiB and 64 levels of nesting. */

/* Parses and evaluates `expr`. Returns the result JSON, owned by the caller (ds_free).
 * Returns NULL and fills *out_error on failure: DS_ERR_INVALID_EXPRESSION for a syntax error
 * (the message names the byte offset: "at offset 7: expected ')'"), an unknown function or
 * field, a wrong argument count or an evaluation error ODK also reports (date('x'));
 * DS_ERR_INVALID_ARGUMENT for a NULL expr or a malformed context/options JSON. */
DS_API char* ds_expr_eval(const char* expr, const char* context_json,
                          ds_error* out_error) DS_NOEXCEPT;

/* As ds_expr_eval, with options_json (may be NULL). */
DS_API char* ds_expr_eval_with(const char* expr, const char* context_json, const char* options_json,
                               ds_error* out_error) DS_NOEXCEPT;

/* Evaluates one request, a JSON object {"expr": "...", "context": {...} or null} (a line of
 * `doorstep expr --batch`), with options_json as in ds_expr_eval_with (may be NULL). Returns
 * the result JSON as ds_expr_eval does, owned by the caller (ds_free). Returns NULL and fills
 * *out_error: DS_ERR_INVALID_ARGUMENT for a NULL request_json or a request that is not such
 * an object (not JSON, nested deeper than 64 levels, longer than 1 MiB: the message names the
 * byte offset); else as ds_expr_eval. */
DS_API char* ds_expr_eval_request(const char* request_json, const char* options_json,
                                  ds_error* out_error) DS_NOEXCEPT;

/* Parses `expr` without evaluating it. Returns {"references": ["name", ...], "uses_current":
 * bool, "volatile": bool} (the ${name}s in order of first appearance; whether it reads ".";
 * whether it calls now/today/random/uuid), owned by the caller (ds_free). Returns NULL and
 * fills *out_error (DS_ERR_INVALID_EXPRESSION naming the offset) if it does not parse. */
DS_API char* ds_expr_check(const char* expr, ds_error* out_error) DS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* DOORSTEP_EXPR_H */
