/*
 * doorstep_monitoring.h — part of the Doorstep C ABI; include doorstep.h, not this file.
 * Conventions (errors, ownership, thread-safety) are described at the top of doorstep.h.
 *
 * The monitoring loop on the device (docs/monitoring.md): the warnings, monitoring cases,
 * tasks, objections and measures of the households in this device's scope. They are records
 * of the household's scope, so ordinary sync carries them both ways. A visit that turns a
 * household red or yellow raises its warning, and a verify task for the household's grid,
 * in the visit's own change (ds_store_visit_with returns them under "warning"); a visit that
 * does a task names it with the options "task" and "verdict".
 *
 * "Today" is the environment's DOORSTEP_TODAY (YYYY-MM-DD) when it is set — for tests,
 * demos and training — else the clock's date in China Standard Time.
 *
 * Every function returns malloc'd JSON text (free with ds_free) or NULL with out_error set.
 * Filters are a JSON object or NULL; unknown members fail with DS_ERR_INVALID_ARGUMENT.
 */
#ifndef DOORSTEP_MONITORING_H
#define DOORSTEP_MONITORING_H

#ifndef DOORSTEP_H
#error "include doorstep.h instead of doorstep_monitoring.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Tasks in this device's scope. filter_json: {"all": bool (done and cancelled ones too, and
 * the schedule's entries not due yet), "status": "open"|"done"|"cancelled", "overdue": bool,
 * "household": ID, "scope": PREFIX, "kind": KIND, "schedule": bool (default true)}.
 * Returns {"tasks": [{"id", "kind" (verify|revisit|checkin|follow_up|elimination_check),
 * "household", "case", "assignee", "due", "status", "overdue", "days_overdue", "result",
 * "scheduled"}]}, overdue first. Beside the stored tasks are the visit schedule's entries
 * that are due ("scheduled": true, kinds revisit — a home visit — and checkin — a phone
 * check-in — with "since", "interval_days", "basis"): computed on the device from its
 * households' visits, check-ins, levels and cases and the county's cadence, with no sync
 * needed; the county computes the same entries, with the same ids, from the same state
 * (docs/monitoring.md, "Visit schedule"). "schedule": false leaves them out. */
DS_API char* ds_monitoring_tasks(ds_store* store, const char* filter_json,
                                 ds_error* out_error) DS_NOEXCEPT;

/* Records a phone check-in (电话回访) of a household by this device's user: a short record
 * (type checkin: date, by, note) in the household's scope, so sync carries it; it moves the
 * household's next check-in. checkin_json: {"date": "YYYY-MM-DD"? (default today; not after
 * today), "note": TEXT? (at most 2000 bytes)} or NULL. Returns {"checkin": ID, "household",
 * "date", "by", "note"}. DS_ERR_NOT_FOUND for an unknown household, DS_ERR_OUT_OF_SCOPE for
 * one outside this device's scope, DS_ERR_INVALID_ARGUMENT for a bad date or note. */
DS_API char* ds_monitoring_checkin(ds_store* store, const char* household_id,
                                   const char* checkin_json, ds_error* out_error) DS_NOEXCEPT;

/* Cases (monitoring objects) in scope. filter_json: {"state": S, "all": bool (closed ones
 * too), "overdue": bool, "household": ID, "scope": PREFIX}. Returns {"cases": [{"id",
 * "household", "grid", "state", "type", "opened_at", "entered", "due", "overdue",
 * "conflict"}]}. */
DS_API char* ds_monitoring_cases(ds_store* store, const char* filter_json,
                                 ds_error* out_error) DS_NOEXCEPT;

/* One case: {"id", "household", "state", "type", "risk_factors", "warnings", "measures",
 * "tasks", "objections", "history": [{"from", "to", "actor", "role", "at", "on", "reason"}],
 * "due", "overdue", "next": {"to", "role"} | null}. DS_ERR_NOT_FOUND for an unknown case. */
DS_API char* ds_monitoring_case(ds_store* store, const char* case_id,
                                ds_error* out_error) DS_NOEXCEPT;

/* Moves a case: request_json {"to": STATE, "reason": TEXT?, "type": T? (approved: unstable |
 * marginal | sudden), "role": ROLE? (at most this device's), "actor": NAME?}. Fails with
 * DS_ERR_OUT_OF_SCOPE for a role below the step's or a household outside this device's
 * scope, DS_ERR_CONFLICT naming the unmet condition for a step the lifecycle refuses.
 * Returns the case as ds_monitoring_case does. */
DS_API char* ds_monitoring_advance(ds_store* store, const char* case_id, const char* request_json,
                                   ds_error* out_error) DS_NOEXCEPT;

/* Records an objection (异议) to a publicised case. Returns {"objection": ID}. */
DS_API char* ds_monitoring_object(ds_store* store, const char* case_id, const char* text,
                                  ds_error* out_error) DS_NOEXCEPT;

/* Settles an objection (village leader or above), with a note saying how. Returns
 * {"objection": ID, "status": "settled"}. */
DS_API char* ds_monitoring_settle(ds_store* store, const char* objection_id, const char* note,
                                  ds_error* out_error) DS_NOEXCEPT;

/* A household's own application (农户自主申报), recorded by its grid worker: a warning with
 * source "application" that opens a case or joins the open one. Returns {"warning", "case",
 * "task"} (task: the verify task of a case it opened, else null). */
DS_API char* ds_monitoring_apply(ds_store* store, const char* household_id, const char* reason,
                                 ds_error* out_error) DS_NOEXCEPT;

/* Warnings in scope. filter_json: {"status": "open"|"closed", "all": bool, "household": ID,
 * "scope": PREFIX}. Returns {"warnings": [{"id", "household", "source", "level", "rules",
 * "status", "case", "created_at", "created_by", "reason", "escalated_to", "trigger"}]}. */
DS_API char* ds_monitoring_warnings(ds_store* store, const char* filter_json,
                                    ds_error* out_error) DS_NOEXCEPT;

/* Records an assistance measure of an approved or assisting case (township or county role):
 * measure_json {"department", "kind", "start": DATE, "end": DATE?, "ongoing": bool?,
 * "note": TEXT?}. Returns {"measure": ID}. */
DS_API char* ds_monitoring_measure_add(ds_store* store, const char* case_id,
                                       const char* measure_json, ds_error* out_error) DS_NOEXCEPT;

/* The county's working-day calendar as this device holds it: {"holidays": [DATE...],
 * "workdays": [DATE...], "today": DATE}. */
DS_API char* ds_monitoring_calendar(ds_store* store, ds_error* out_error) DS_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* DOORSTEP_MONITORING_H */
