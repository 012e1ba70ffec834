/*
 * doorstep_store.h — part of the Doorstep C ABI; include doorstep.h, not this file.
 * Conventions (errors, ownership, thread-safety) are described at the top of doorstep.h.
 *
 * The device's local store: its identity and key, households, members, visits, conflicts,
 * the state digest and the consistency check. Every edit is one signed change written in
 * one transaction; a function that fails has changed nothing. JSON shapes are those of the
 * `doorstep` CLI and are described in docs/schema.md.
 *
 * A ds_store* is one open database; free it with ds_store_free(). Use one handle from one
 * thread at a time; several handles (or processes) may open the same file.
 */
#ifndef DOORSTEP_STORE_H
#define DOORSTEP_STORE_H

#ifndef DOORSTEP_H
#error "include doorstep.h instead of doorstep_store.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ds_store ds_store;

/* Creates a device database at `path` with a new Ed25519 key pair (`doorstep init`).
 * options_json: {"name": NAME (required), "role": "grid-worker"|"village-leader"|"township"|
 * "county" (default grid-worker), "scope": GRID PREFIX (default: everything), "key_secret":
 * TEXT (encrypts the private key; default: a random secret written to PATH.secret, 0600)}.
 * Fails if `path` exists. Returns a handle (free with ds_store_free) or NULL. */
DS_API ds_store* ds_store_init(const char* path, const char* options_json,
                               ds_error* out_error) DS_NOEXCEPT;

/* Opens an existing database, upgrading its schema if it is older; a database from a newer
 * Doorstep fails with DS_ERR_UNSUPPORTED_VERSION. options_json may be NULL or
 * {"key_secret": TEXT}. Returns a handle or NULL. */
DS_API ds_store* ds_store_open(const char* path, const char* options_json,
                               ds_error* out_error) DS_NOEXCEPT;

/* ---- Encryption at rest (docs/security.md, "Encryption at rest") ----
 * A device database may be encrypted with a key the host holds (a key file for the CLI and
 * `doorstep app`, the platform keystore on a phone), never stored beside it. */

/* Registers `key` (key_len bytes, at least 16: random bytes) as the database key of the
 * database at db_path for the rest of this process: every later open of it — ds_store_init
 * (which then creates it encrypted), ds_store_open and the db_path functions of
 * doorstep_sync.h — reads and writes it encrypted. Opening an encrypted database without its
 * key, or with another, fails with DS_ERR_UNAUTHORIZED and changes nothing. Fails with
 * DS_ERR_INVALID_ARGUMENT for a key shorter than 16 bytes. */
DS_API bool ds_store_use_key(const char* db_path, const void* key, size_t key_len,
                             ds_error* out_error) DS_NOEXCEPT;

/* Encrypts the plain database at db_path with `key` in place (an encrypted copy, fsynced, then
 * renamed over it), and registers the key as ds_store_use_key does. Nobody may have it open.
 * Fails with DS_ERR_CONFLICT, changing nothing, if it is encrypted already or not a database;
 * DS_ERR_NOT_FOUND if it does not exist. */
DS_API bool ds_store_encrypt(const char* db_path, const void* key, size_t key_len,
                             ds_error* out_error) DS_NOEXCEPT;

/* Closes the database. NULL is allowed. */
DS_API void ds_store_free(ds_store* store) DS_NOEXCEPT;

/* {"device_id", "name", "role", "scope", "public_key" (hex)}. Caller frees with ds_free. */
DS_API char* ds_store_identity(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

/* Adds a household at `grid` (COUNTY.TOWNSHIP.VILLAGE.GRID, e.g. "640323.101.200.07") with
 * initial fields (a JSON object, or NULL). A "members" array of member field objects in it
 * registers the members in the same change. Returns the new id; caller frees with ds_free. */
DS_API char* ds_store_household_add(ds_store* store, const char* grid, const char* fields_json,
                                    ds_error* out_error) DS_NOEXCEPT;

/* Adds a member to a household with fields (a JSON object, or NULL). Returns the member id;
 * caller frees with ds_free. */
DS_API char* ds_store_member_add(ds_store* store, const char* household_id, const char* fields_json,
                                 ds_error* out_error) DS_NOEXCEPT;

/* Moves household_id to grid (a full grid path), keeping reason (1 to 1000 bytes) in its
 * history; later changes of the household state the new grid. Fails with
 * DS_ERR_OUT_OF_SCOPE unless this device's scope covers both the household's grid and grid,
 * DS_ERR_NOT_FOUND for an unknown household, DS_ERR_INVALID_ARGUMENT for a bad grid path, an
 * empty reason or the grid the household is at already. */
DS_API bool ds_store_household_move(ds_store* store, const char* household_id, const char* grid,
                                    const char* reason, ds_error* out_error) DS_NOEXCEPT;

/* A correction outside a visit: sets fields (a JSON object of field -> value; null removes
 * a value) of a household or member. Returns the number of ops written (0 if nothing
 * changed), or -1 on failure. */
DS_API int64_t ds_store_household_set(ds_store* store, const char* record_id,
                                      const char* fields_json, ds_error* out_error) DS_NOEXCEPT;

/* {"id", "grid", "fields": {...}, "members": [{"id", "fields"}] (current members),
 * "former_members": [...] (only if any left), "risk": {"level", "monitoring_type",
 * "monitoring_type_label", "rules": [{"id", "level", "values", "message"}]} (from the
 * household's merged state; level null if no form is known),
 * "conflicts": [{"record", "field", "values": [{"value", "author", "device", "time", "op"}]}],
 * "visits": [{"id", "time", "author", "level"}]}. Caller frees with ds_free. */
DS_API char* ds_store_household_show(ds_store* store, const char* household_id,
                                     ds_error* out_error) DS_NOEXCEPT;

/* [{"id", "head_name", "grid", "level"}] of households whose grid lies within grid_prefix
 * (NULL or "" = all) and whose latest visit's level is `level` (NULL or "" = any).
 * Caller frees with ds_free. */
DS_API char* ds_store_household_list(ds_store* store, const char* grid_prefix, const char* level,
                                     ds_error* out_error) DS_NOEXCEPT;

/* Every op on the household and its members (or only on `field` if not NULL/""), oldest
 * first: [{"op", "type", "record", "field", "kind", "value", "supersedes": [op ids], "time",
 * "hlc", "form", "author", "device"}]. Caller frees with ds_free. */
DS_API char* ds_store_household_history(ds_store* store, const char* household_id,
                                        const char* field, ds_error* out_error) DS_NOEXCEPT;

/* The county's size limits every local edit must keep (docs/forms.md, "County limits"):
 * {"max_visit_bytes", "max_text_answer_bytes", "max_members_per_household",
 * "max_change_bytes"}, those of the settings the device was enrolled with, else the
 * defaults. An edit beyond them fails with DS_ERR_INVALID_ARGUMENT naming the field and the
 * setting, and writes nothing. A shell may check sizes with them before it reads a file.
 * Caller frees with ds_free. */
DS_API char* ds_store_change_limits(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

/* Stores a finalised visit of `household_id`: form_json is the form definition (its "id"
 * and "version", and per-field merge rules), answers_json the answers object (scalar answers
 * update household fields, the "members" repeat updates members matched by "member_id",
 * else "id_number"; "member_id" is not shown to the form), params_json parameters for the
 * risk rules of an offline evaluation (NULL: the county settings this device holds decide,
 * see ds_store_county_settings). The draft of the form and household (ds_draft_save) is
 * deleted in the same transaction.
 * Answers beyond the county's size limits (ds_store_change_limits) fail with
 * DS_ERR_INVALID_ARGUMENT naming the answer ("answers.notes") and the setting, before the
 * form is evaluated. A visit never removes what it leaves out: a member or an answer the
 * file omits keeps its stored value. Defaults and calculations the form computes (the visit
 * date, an age from the ID number, the per-capita income) are stored like answers. The form
 * becomes one this device classifies households with.
 * Returns {"visit_id", "risk": {"level", "monitoring_type", "monitoring_type_label",
 * "rules": [{"id", "level", "values", "message"}], "form_version"}, "visit_risk": {...}}:
 * "risk" is the household's level from its merged state after the visit (what the county
 * computes too), "visit_risk" the evaluation of the answers as given, "warning": the
 * warning the visit raised, {"id", "level", "case", "task"} (task: the verify task of the
 * case), or null (doorstep_monitoring.h). Caller frees with ds_free. */
DS_API char* ds_store_visit(ds_store* store, const char* household_id, const char* form_json,
                            const char* answers_json, const char* params_json,
                            ds_error* out_error) DS_NOEXCEPT;

/* As ds_store_visit, with options_json {"params": {...} | null, "prefill": true|false,
 * "language": "zh"|"en"} (NULL = none). With "prefill", every answer the file does not give
 * is taken from the household's current state (members matched by member_id, else id_number;
 * a member the file leaves out keeps all its answers), except the answers whose default the
 * form computes (the visit date, an age from the ID number), which are computed afresh: a
 * revisit file may hold only what changed. "task": the id of an open task of the household
 * that this visit does, marked done in the visit's change; "verdict": confirmed | dismissed,
 * required for a verify task and refused for others. */
DS_API char* ds_store_visit_with(ds_store* store, const char* household_id, const char* form_json,
                                 const char* answers_json, const char* options_json,
                                 ds_error* out_error) DS_NOEXCEPT;

/* Records that a member left the household: reason is moved_out | deceased | married_out |
 * other, date YYYY-MM-DD, note optional text (NULL). The member stays in the history and under
 * "former_members" of ds_store_household_show, and no longer counts for the risk level.
 * DS_ERR_CONFLICT if it left already. */
DS_API bool ds_store_member_leave(ds_store* store, const char* member_id, const char* reason,
                                  const char* date, const char* note,
                                  ds_error* out_error) DS_NOEXCEPT;

/* The county settings this device holds (the county-level record "settings", synced from
 * the county): {"poverty_line_2026": 6000, "home_visit_interval_days": 30, ...}; {} before
 * any arrived. Caller frees with ds_free. */
DS_API char* ds_store_county_settings(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

/* The parameters of the loaded form `form` (ds_form_load) for this year, from the county
 * settings this device holds: for each parameter the form declares, the setting of its name
 * with the latest year suffix not after this year ("poverty_line_2026"), else the unsuffixed
 * one ("poverty_line"); a parameter with neither is left out. This is exactly what
 * ds_store_visit uses when params_json is NULL, so a form session made with it
 * (ds_form_session_new's params_json) shows the live risk level the stored visit will have.
 * Returns {"params": {NAME: value as text}, "year": n} (caller frees), or NULL. */
DS_API char* ds_store_form_params(ds_store* store, const ds_form* form,
                                  ds_error* out_error) DS_NOEXCEPT;

/* The form definitions this device classifies households with (the county's, installed at
 * enrollment; any other form a visit used), in the order they were installed, the default
 * last: [{"key": "FORM@VERSION", "form_id", "version", "default": bool, "form_json": TEXT}],
 * [] before any. A shell renders its visits from the default one. Caller frees with ds_free. */
DS_API char* ds_store_forms(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

/* Open conflicts listed for review: [{"record", "type", "household", "field",
 * "values": [{"value", "author", "device", "time", "op"}], "proposals": [...]}], the
 * provisional winner first among the values (proposals: ds_store_propose).
 * Caller frees with ds_free. */
DS_API char* ds_store_conflicts(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

/* Closes the conflict on (record_id, field) with value_json (a JSON value). Fails with
 * DS_ERR_NOT_FOUND if there is no such conflict, DS_ERR_OUT_OF_SCOPE if this device's role
 * is below the field's resolver role (village-leader unless the form's merge rule names
 * another; the message names it). */
DS_API bool ds_store_resolve(ds_store* store, const char* record_id, const char* field,
                             const char* value_json, ds_error* out_error) DS_NOEXCEPT;

/* Proposes value_json (a JSON value) for the conflict on (record_id, field), with an optional
 * note (NULL or "" for none, at most 1000 bytes): what a grid worker, who may not resolve,
 * does. The proposal is a record in the household's scope that syncs to whoever may resolve;
 * ds_store_conflicts lists it under the conflict's "proposals": [{"id", "value", "note",
 * "author", "device"}]. Fails with DS_ERR_NOT_FOUND if there is no such conflict. Returns
 * the proposal's id; caller frees with ds_free. */
DS_API char* ds_store_propose(ds_store* store, const char* record_id, const char* field,
                              const char* value_json, const char* note,
                              ds_error* out_error) DS_NOEXCEPT;

/* Per-field merge rules as plain data: {"field": RULE, ...} where RULE is "review", "lww" or
 * {"rule": "review"|"lww", "resolver": "grid-worker"|"village-leader"|"township"|"county"}
 * (the "merge" key of a form's question, docs/forms.md); replaces the set. */
DS_API bool ds_store_set_merge_rules(ds_store* store, const char* rules_json,
                                     ds_error* out_error) DS_NOEXCEPT;

/* The state digest (64 hex digits) within a grid prefix (NULL or "" = everything): equal on
 * any two replicas holding the same ops. Caller frees with ds_free. */
DS_API char* ds_store_digest(ds_store* store, const char* scope, ds_error* out_error) DS_NOEXCEPT;

/* ---- Drafts: a form session in progress, kept so that nothing typed is lost ----
 * A draft is the device's own scratch state: not signed, not synced, not in the op log.
 * There is one per (form id, household); a draft of no stored household yet has household
 * NULL. Every save is durable when it returns (the store is WAL + synchronous=FULL), so a
 * process killed right after keeps it. ds_store_visit() deletes the draft of its form and
 * household in the same transaction. */

/* Saves (replacing) a draft: draft_json is {"form_id": TEXT (required), "form_version":
 * TEXT, "household": ID or null, "answers": {...} (required, the shape of
 * ds_form_session_answers), ...}; other members (a shell's position, its history) are kept
 * as given. Fails with DS_ERR_INVALID_ARGUMENT for another shape or a draft beyond the
 * county's max_visit_bytes or max_text_answer_bytes (ds_store_change_limits), and
 * DS_ERR_NOT_FOUND for an unknown household; nothing is written then. */
DS_API bool ds_draft_save(ds_store* store, const char* draft_json, ds_error* out_error) DS_NOEXCEPT;

/* The draft of form_id for household_id (NULL or "" = none) as saved, plus "updated_ms"
 * (milliseconds since the epoch). NULL with DS_ERR_NOT_FOUND when there is none. Caller
 * frees with ds_free. */
DS_API char* ds_draft_load(ds_store* store, const char* form_id, const char* household_id,
                           ds_error* out_error) DS_NOEXCEPT;

/* Every draft, newest first: [{"form_id", "form_version", "household" (or null),
 * "updated_ms", "answered" (number of answers, each member's counted)}]. Caller frees with
 * ds_free. */
DS_API char* ds_draft_list(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

/* Deletes the draft of form_id for household_id (NULL or "" = none). Returns 1 if one was
 * deleted, 0 if there was none, -1 on failure. */
DS_API int32_t ds_draft_discard(ds_store* store, const char* form_id, const char* household_id,
                                ds_error* out_error) DS_NOEXCEPT;

/* Verifies that the materialized state equals the fold of the op log, and runs PRAGMA
 * integrity_check: {"ok": bool, "problems": [text]}. Caller frees with ds_free. */
DS_API char* ds_store_check(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* DOORSTEP_STORE_H */
