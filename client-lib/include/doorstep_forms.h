/*
 * doorstep_forms.h — part of the Doorstep C ABI; include doorstep.h, not this file.
 * Conventions (errors, ownership, thread-safety) are described at the top of doorstep.h.
 *
 * Form definitions (JSON, XLSForm column names as keys; see docs/forms.md) and form
 * sessions: one household's answers, with what the form says about them (visibility,
 * required-ness, constraint errors, calculations, the red/yellow/green risk result).
 *
 * Ownership: a ds_form is immutable and may be shared by any number of sessions; a session
 * keeps what it needs of its form, so the ds_form may be freed while sessions live.
 * Thread-safety: a ds_form may be used from several threads at once; a ds_form_session from
 * one thread at a time.
 */
#ifndef DOORSTEP_FORMS_H
#define DOORSTEP_FORMS_H

#ifndef DOORSTEP_H
#error "include doorstep.h instead of doorstep_forms.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ds_form ds_form;
typedef struct ds_form_session ds_form_session;

/* Checks a form definition. `source_name` (may be NULL: "form") names the text in messages.
 * Returns JSON owned by the caller (ds_free):
 *   {"valid": bool, "errors": [{"file", "line", "column", "pointer", "message"}, ...]}
 * An invalid form is not a failure of this call; NULL only for a NULL argument or no memory. */
DS_API char* ds_form_check(const char* form_json, const char* source_name,
                           ds_error* out_error) DS_NOEXCEPT;

/* Loads a form definition. Returns a handle freed with ds_form_free(), or NULL with
 * DS_ERR_INVALID_FORM whose message lists every problem, one "SOURCE:LINE:COL: message" per
 * line. */
DS_API ds_form* ds_form_load(const char* form_json, const char* source_name,
                             ds_error* out_error) DS_NOEXCEPT;

/* Releases a form. NULL is allowed. */
DS_API void ds_form_free(ds_form* form) DS_NOEXCEPT;

/* The form's items for a shell to render, in `lang` ("zh", "en"; NULL or "" = the form's
 * default language). JSON owned by the caller: {"form_id", "version", "language", "title",
 * "params": {name: default}, "survey": [{"name", "type", "label", "hint"?, "required"?,
 * "read_only"?, "computed_default"? (true: a dynamic default the form computes, which a revisit
 * computes afresh instead of prefilling it), "choices"?: [{"name", "label"}],
 * "children"?: [...]}]}. */
DS_API char* ds_form_outline(const ds_form* form, const char* lang,
                             ds_error* out_error) DS_NOEXCEPT;

/* Starts a session with no answers. `params_json` (may be NULL) overrides the form's
 * parameters: {"poverty_line": 4000, ...}; an unknown name fails with
 * DS_ERR_INVALID_ARGUMENT. `lang` as for ds_form_outline. Free with ds_form_session_free(). */
DS_API ds_form_session* ds_form_session_new(const ds_form* form, const char* params_json,
                                            const char* lang, ds_error* out_error) DS_NOEXCEPT;

DS_API void ds_form_session_free(ds_form_session* session) DS_NOEXCEPT;

/* Sets the answer of question `name`. `instance` is the 0-based repeat instance for a
 * question inside a repeat, -1 otherwise. `value` NULL or "" clears the answer;
 * select_multiple answers are space-separated choice names. Fails with
 * DS_ERR_INVALID_ARGUMENT (message in the session's language for a wrong value: "'age' needs
 * a whole number, not 'abc'") and leaves the session unchanged. A value that breaks a
 * constraint is accepted and reported by the snapshot, as in ODK. */
DS_API bool ds_form_session_set_answer(ds_form_session* session, const char* name, int32_t instance,
                                       const char* value, ds_error* out_error) DS_NOEXCEPT;

/* Appends an instance to repeat `repeat_name`; returns its 0-based index, or -1. */
DS_API int32_t ds_form_session_add_repeat(ds_form_session* session, const char* repeat_name,
                                          ds_error* out_error) DS_NOEXCEPT;

/* Removes instance `index` of `repeat_name`; later instances move down by one. */
DS_API bool ds_form_session_remove_repeat(ds_form_session* session, const char* repeat_name,
                                          int32_t index, ds_error* out_error) DS_NOEXCEPT;

/* Applies an answers object {name: value, members: [{...}, ...]} in one batch (repeat
 * arrays append instances). Returns the answers that could not be applied as a JSON array
 * owned by the caller ([] when all applied): [{"name", "instance"?, "kind": "answer",
 * "message"}]; NULL on a failure of the call itself (answers not a JSON object). */
DS_API char* ds_form_session_apply_answers(ds_form_session* session, const char* answers_json,
                                           ds_error* out_error) DS_NOEXCEPT;

/* One question's state as JSON owned by the caller: {"name", "instance"?, "visible",
 * "required", "value", "error"?, "warning"?} (error: the constraint or required message in
 * the session's language; warning: the question's warning_message while its `warning`
 * holds, which never blocks finalising). */
DS_API char* ds_form_session_question(const ds_form_session* session, const char* name,
                                      int32_t instance, ds_error* out_error) DS_NOEXCEPT;

/* The whole snapshot as JSON owned by the caller (docs/forms.md, "The snapshot"):
 * {"form_id", "version", "language", "can_finalise", "risk": {"level", "level_label",
 * "rules": [{"id", "level", "message"}], "monitoring_type", "monitoring_type_label"},
 * "calculated": {...}, "errors": [...], "warnings": [{"name", "instance"?, "message"}],
 * "questions": [...]}; the labels are in the session's language. */
DS_API char* ds_form_session_snapshot(const ds_form_session* session,
                                      ds_error* out_error) DS_NOEXCEPT;

/* The answers given so far (visible questions only) as JSON owned by the caller, in the
 * shape ds_form_session_apply_answers() and ds_form_evaluate() accept. */
DS_API char* ds_form_session_answers(const ds_form_session* session,
                                     ds_error* out_error) DS_NOEXCEPT;

/* Pins today()/now() to `seconds_since_epoch` (UTC); a negative value uses the clock. */
DS_API bool ds_form_session_set_clock(ds_form_session* session, double seconds_since_epoch,
                                      ds_error* out_error) DS_NOEXCEPT;

/* One call: load `form_json`, apply `answers_json` (may be NULL), with `params_json` (may be
 * NULL) and `lang` (may be NULL), and return the snapshot JSON (owned by the caller). Answers
 * that do not fit are listed in its "errors" with kind "answer". Fails with
 * DS_ERR_INVALID_FORM for a bad form and DS_ERR_INVALID_ARGUMENT for answers or params that
 * are not JSON objects. */
DS_API char* ds_form_evaluate(const char* form_json, const char* answers_json,
                              const char* params_json, const char* lang,
                              ds_error* out_error) DS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* DOORSTEP_FORMS_H */
