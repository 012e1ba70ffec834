// Store: a device's local Doorstep database — its identity and key, the grow-only op log,
// and the current state of households, members and visits materialized from it.
//
// Every local edit is one signed Change written in one transaction (op log + materialized
// state + the device's seq and clock together), through the same path as changes received
// from peers (core/sync/exchange.h). A revisit writes ops only for fields whose value
// changed. Reads come from the materialized state, which check() proves equal to the fold of
// the op log. The JSON shapes returned by the read methods are those of the `doorstep` CLI
// (docs/schema.md).
//
// Durability: WAL with synchronous=FULL — a write that returned has been fsync'ed and
// survives kill -9 and power loss (docs/schema.md, "Durability").
//
// Ownership: a Store owns its SQLite connection and, once loaded, the decrypted device key
// (kept in memory only). Movable, not copyable.
// Thread-safety: one thread at a time per Store; several processes may open one file (SQLite
// locking serializes writers; the device seq is read and bumped inside the write transaction).
// Failure: doorstep::Error — NotFound (unknown household/record/field), InvalidArgument (bad
// grid path, field name or value; names which), OutOfScope (outside the device's scope),
// UnsupportedVersion (a database from the future), Unauthorized (wrong key secret), Corrupt.
// A failed call changes nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/crypto/device_key.h"
#include "core/store/sqlite.h"
#include "core/sync/change_limits.h"
#include "core/sync/hlc.h"
#include "core/sync/merge.h"
#include "core/sync/merge_rules.h"

namespace doorstep::store {

struct InitOptions {
  std::string name;                  // the device user's display name, e.g. "Li Wei"
  std::string role = "grid-worker";  // grid-worker | village-leader | township | county
  std::string scope;                 // grid path prefix the device works in ("" = everything)
  // Encrypts the device key at rest. Empty: a random secret kept in PATH.secret (0600); a
  // phone shell passes one held by the platform keystore instead.
  std::string key_secret;
  // false only for throwaway test replicas: synchronous=OFF, no fsync at all (a crash of
  // the process still loses nothing; a power loss may).
  bool durable = true;
};

struct OpenOptions {
  std::string key_secret;  // as in InitOptions; empty = PATH.secret
  bool durable = true;
};

struct Identity {
  std::string device_id;
  std::string name;
  std::string role;
  std::string scope;
  crypto::PublicKey public_key{};
};

// What a finalised form session hands to the store.
struct VisitInput {
  std::string household_id;
  std::string form_id;
  std::string form_version;
  // The answers object: scalar answers become household fields; the repeat "members" is an
  // array of member objects, each matched to a member by "member_id", else by "id_number",
  // else added as a new member.
  nlohmann::json answers = nlohmann::json::object();
  nlohmann::json risk;  // {"level": "red"|"yellow"|"green", "rules": [...]} or null
  std::string started;  // ISO 8601 texts as the shell recorded them; may be empty
  std::string ended;
  nlohmann::json gps;  // null or {"lat", "lon", "accuracy"}
  // The task this visit does (a task of the household, open), and for a verify task its
  // verdict: confirmed | dismissed. The task is marked done in the visit's change.
  std::string task;
  std::string verdict;
};

// What the monitoring loop's listings select (Store::warnings, cases, tasks).
struct MonitoringFilter {
  std::string scope;      // grid prefix of the household ("" = every household held)
  std::string household;  // one household only
  std::string status;     // warnings, tasks: open | closed | done | cancelled ("" = open ones)
  std::string state;      // cases: one state ("" = every open case)
  bool overdue = false;   // only what is past its deadline
  bool all = false;       // tasks, cases, warnings: closed ones too
};

// What Store::tasks lists besides the filter's selection.
struct TaskListing {
  std::string kind;  // one kind only ("" = every kind)
  // The visit schedule's entries too (kinds revisit and checkin, computed from the
  // households' state and the county's cadence; Store::schedule).
  bool schedule = false;
};

// A phone check-in (电话回访) of a household (Store::record_checkin): a short record of the
// contact, not a visit.
struct CheckinInput {
  std::string household;
  std::string date;  // YYYY-MM-DD, not after today; "" = today
  std::string note;  // at most 2000 bytes; may be empty
};

// One entry of the visit schedule (docs/monitoring.md, "Visit schedule"): computed from the
// household's state and the county's cadence settings by core/monitoring/schedule.h, never
// stored, so every replica holding the same state names the same entries.
struct ScheduledContact {
  std::string id;              // household, '-', 16 hex digits of SHA-256("schedule|KIND|DUE")
  std::string kind;            // revisit (a home visit is due) | checkin (a phone check-in is due)
  std::string household;       // its id
  std::string grid;            // the household's grid: its grid worker's (the task's assignee)
  std::string due;             // YYYY-MM-DD
  std::string since;           // the last contact of that kind (or the registration) it counts from
  bool since_contact = false;  // false: no contact of that kind yet, counted from registration
  int interval_days = 0;
  std::string basis;  // which interval applies: default | red | case
  bool due_now = false;
  bool overdue = false;
  int64_t days_overdue = 0;
};

// A warning raised by something other than a visit (Store::raise_warning): department data
// matched at the county, or a shell's own trigger.
struct WarningRequest {
  std::string household;
  std::string source;   // department | application | rules
  std::string trigger;  // what raised it, unique per event: one trigger gives one warning
  std::string level;    // red | yellow; "" = the household's current level
  nlohmann::json rules = nlohmann::json::array();  // ids of the findings ("medical_cost")
  std::string reason;                              // text for people
  nlohmann::json values;   // the data that raised it (a department row's values), or null
  nlohmann::json prefill;  // answers the verify task's revisit starts from (object), or null
};

// A case transition asked for (Store::advance_case).
struct CaseAdvance {
  std::string to;      // identified | verified | ... | eliminated | dismissed
  std::string actor;   // the person acting ("" = this device's user)
  std::string role;    // the role acted in ("" = this device's; at most this device's)
  std::string type;    // approved: unstable | marginal | sudden
  std::string reason;  // dismissed: required; otherwise optional
};

// An assistance measure (帮扶措施) of a case (Store::add_measure).
struct MeasureInput {
  std::string department;  // education | civil_affairs | medical_insurance | housing | ...
  std::string kind;        // what is done, as text
  std::string start;       // YYYY-MM-DD
  std::string end;         // YYYY-MM-DD or "" (ongoing)
  bool ongoing = false;    // ongoing by design (a pension, a public-welfare post)
  std::string note;
};

// One household as a scan sees it (Store::scan_households): what a listing or an export
// shows, without its whole record.
struct HouseholdOverview {
  std::string id;
  std::string grid;
  nlohmann::json fields = nlohmann::json::object();  // the asked-for fields that have a value
  int64_t members = 0;                               // its member records
  // The newest visit (by HLC time), if it has one.
  bool visited = false;
  int64_t visit_wall_ms = 0;
  std::string visit_author;  // the display name its change was signed under
  nlohmann::json visit_answers = nlohmann::json::object();  // the asked-for answers it holds
};

struct HouseholdScan {
  std::string grid_prefix;                 // "" = every household
  std::vector<std::string> fields;         // household fields to read
  std::vector<std::string> visit_answers;  // answers of the newest visit to read
};

// A current member's ID number as recorded (Store::scan_member_ids).
struct MemberIdNumber {
  std::string member;     // the member record's id
  std::string household;  // its household's id
  std::string id_number;  // the member's field id_number as stored (not normalised)
};

class Store {
 public:
  // Creates a new database with a new device key (`doorstep init`). Error(Conflict) if a
  // Doorstep database already exists at `path`.
  static Store create(const std::filesystem::path& path, const InitOptions& options);
  // Opens (and upgrades) an existing database.
  static Store open(const std::filesystem::path& path, const OpenOptions& options = {});

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const Identity& identity() const;
  const std::filesystem::path& path() const;

  // ---- a person acting through this replica ----
  // The county's staff work in the county's own replica (the dashboard): while a name is set,
  // the changes this store writes carry it as their author's display name (their origin and
  // signature stay this device's), and the monitoring records that name who acted (a
  // warning's created_by, a case step's actor, a measure's recorded_by, an objection's by
  // and settled_by) name it. Role checks stay those of the device: the caller checks the
  // person's. "" restores this device's user. InvalidArgument for a name over 256 bytes or
  // of several lines.
  void set_acting_person(const std::string& name);
  const std::string& acting_person() const;

  // ---- trust store: device id -> public key, used to verify changes on apply ----
  void trust_device(const std::string& name, const crypto::PublicKey& key);
  std::optional<crypto::PublicKey> trusted_key(const std::string& device_id) const;

  // ---- the county's size limits (core/sync/change_limits.h) ----
  // What every change this store writes or applies must keep: those of the county settings
  // the device was enrolled with (read on first use), the defaults before enrollment; a
  // county server sets those of its settings.json. A local edit that would break them fails
  // with Error(InvalidArgument) naming the field and the setting, and writes nothing.
  const sync::ChangeLimits& change_limits() const;
  void set_change_limits(const sync::ChangeLimits& limits);

  // ---- identity granted at enrollment ----
  // Takes the role and scope the county certified for this device, replacing what `init`
  // said: from now on local edits are checked against them. Error(OutOfScope), changing
  // nothing, if the store holds a household outside `scope` (named with its grid);
  // InvalidArgument for an unknown role or a bad scope. Writes in the caller's transaction
  // if there is one.
  void adopt_identity(const std::string& role, const std::string& scope);

  // ---- merge rules: field -> rule and resolver role, from the forms (plain data) ----
  // Replaces the set (writes nothing if it is unchanged). Fields without one: review, and
  // village leaders and above resolve (core/sync/merge_rules.h).
  void set_merge_rules(const std::map<std::string, sync::MergeRule>& rules);
  sync::MergeRule field_merge_rule(const std::string& field) const;
  sync::FieldRule merge_rule(const std::string& field) const;

  // ---- local edits, each one signed change ----
  // A new household at `grid` (a full grid path) with initial `fields` (an object of
  // field -> JSON value). A "members" member, if present, is an array of member field
  // objects: the household and its members are then registered in one change (one
  // signature, all or nothing). Returns its id.
  std::string add_household(const std::string& grid, const nlohmann::json& fields);
  // A new member of `household_id` with `fields`. Returns its id.
  std::string add_member(const std::string& household_id, const nlohmann::json& fields);
  // A correction outside a visit: sets fields of a household or member record; fields whose
  // value is already current write no op. Returns the number of ops written.
  size_t set_fields(const std::string& record_id, const nlohmann::json& fields);
  // Stores a visit and the field changes it implies, and deletes the draft of its form and
  // household in the same transaction. Returns the visit id.
  std::string record_visit(const VisitInput& visit);
  // Moves a household to another grid (a move op, kept in its history with `reason`).
  // Error(OutOfScope) unless this device's scope covers both the household's grid and `grid`;
  // InvalidArgument for a bad grid path, an empty reason or the grid it is at already.
  void move_household(const std::string& household_id, const std::string& grid,
                      const std::string& reason);
  // Closes the conflict on (record_id, field) with `value`. Error(NotFound) if the field
  // has no conflict; Error(OutOfScope) if this device's role is below the field's resolver
  // role (field_merge_rule), with a message naming who may resolve it.
  void resolve(const std::string& record_id, const std::string& field, const nlohmann::json& value);

  // ---- drafts: form sessions in progress, kept across restarts (docs/schema.md) ----
  // A draft is a JSON object {"form_id", "form_version", "household" (id, or null/absent for
  // none), "answers": {...}, ...}; other members (the shell's position) are kept as given.
  // One draft per (form_id, household): saving replaces the previous one, durably (it has
  // been fsync'ed when this returns). InvalidArgument for a draft of the wrong shape or
  // larger than the county's max_visit_bytes; NotFound for an unknown household. Drafts
  // are the device's own: they are not signed, not synced and leave the op log alone.
  void save_draft(const nlohmann::json& draft);
  // The draft of (form_id, household; "" for none) as saved, plus "updated_ms" (ms since
  // the epoch), or nullopt.
  std::optional<nlohmann::json> draft(const std::string& form_id,
                                      const std::string& household) const;
  // Every draft, newest first: [{"form_id", "form_version", "household", "updated_ms",
  // "answered"}] ("answered": how many answers it holds, members' counted one by one).
  nlohmann::json drafts() const;
  // Deletes the draft of (form_id, household); false if there was none. record_visit()
  // deletes the draft of its form and household in its own transaction.
  bool discard_draft(const std::string& form_id, const std::string& household);

  // ---- the record is the truth: risk from the merged state ----
  // A household's risk is the form's rules evaluated over its merged current state
  // (household_state()) with the county settings (county_settings()). The store knows no forms:
  // the layer that does installs a classifier (core/rules/household_classifier.h), which
  // returns the risk JSON or nullopt when it cannot classify (no form). The store then keeps
  // each household's risk up to date in the transaction of every change that touches it,
  // local or received, and re-classifies every household when the county settings change.
  // Installing a classifier classifies the households that have no risk yet.
  using Classifier = std::function<std::optional<nlohmann::json>(const nlohmann::json& state,
                                                                 const nlohmann::json& settings)>;
  void set_classifier(Classifier classifier);
  // The classifier every Store gets when it is created or opened, from its forms(): set once
  // per process by the layer that knows forms (rules::use_form_classifier()), so every way a
  // store is opened (the shell, a sync session, the county server) keeps risk up to date.
  using ClassifierFactory = std::function<void(Store& store)>;
  static void set_classifier_factory(ClassifierFactory factory);
  // Runs the factory again (after forms were installed).
  void refresh_classifier();
  bool has_classifier() const;
  // Re-classifies `households` (every household if `all`); in the caller's transaction if
  // there is one. Without a classifier, does nothing.
  void reclassify(const std::set<std::string>& households, bool all = false);
  // {"fields": {...}, "members": [{"id", "fields"}] (current members: not departed),
  // "form_version": "FORM@VERSION" of the newest visit or ""}.
  nlohmann::json household_state(const std::string& id) const;
  // The stored risk of a household (null if it has none).
  nlohmann::json household_risk(const std::string& id) const;

  // ---- county settings: the county-level record "settings" (docs/schema.md) ----
  // Its fields (an empty object before the county wrote any).
  nlohmann::json county_settings() const;
  // Sets fields of the county settings record, as one county-level change. Error(Unauthorized)
  // unless this device's role is county. Returns the number of fields that changed.
  size_t set_county_settings(const nlohmann::json& fields);

  // ---- the forms this replica classifies with ----
  // Keeps `text` under `key` ("FORM@VERSION"); a key held already keeps its text and its
  // place unless `make_default`, which moves it to the end (the default).
  void install_form(const std::string& key, const std::string& text, bool make_default = true);
  // (key, text) in install order: the last one is the default.
  std::vector<std::pair<std::string, std::string>> forms() const;

  // ---- members leave only by an explicit op ----
  // Marks a member as departed (field "departure" = {"reason", "date", "note"?}): it stays
  // in the history and under "former_members", no longer among the current members.
  // `reason`: moved_out | deceased | married_out | other; `date`: YYYY-MM-DD.
  void member_leave(const std::string& member_id, const std::string& reason,
                    const std::string& date, const std::string& note = "");
  // Proposes `value` (with an optional `note`, at most 1000 bytes) for the conflict on
  // (record_id, field), for whoever may resolve it: a proposal record in the household's
  // scope (its fields record, field, value, note), so it syncs like the household's other
  // records and conflicts() lists it beside the conflict's values. Any role in scope may
  // propose. Returns the proposal's id. Error(NotFound) if the field has no conflict.
  std::string propose(const std::string& record_id, const std::string& field,
                      const nlohmann::json& value, const std::string& note);

  // ---- the monitoring loop: warnings, cases, tasks, measures (docs/monitoring.md) ----
  // Records of a household's scope, so ordinary sync carries them. A visit whose household
  // turns red or yellow on its merged state (or is red or yellow with no open case) raises a
  // warning in the visit's own change; the warning opens a case, with a verify task for the
  // household's grid, or joins the open one. Warnings, cases and tasks have ids derived from
  // what raised them, so one trigger gives one record whatever the replicas and routes.
  // "Today" is monitoring::today() (DOORSTEP_TODAY or the clock).
  //
  // The county's working-day calendar (the county-level record "calendar"):
  // {"holidays": [...], "workdays": [...]}, both empty before the county set one.
  nlohmann::json calendar() const;
  // Replaces the calendar (county only: Error(Unauthorized) otherwise); InvalidArgument for a
  // date that is not YYYY-MM-DD or both a holiday and a working day. Returns whether it
  // changed.
  bool set_calendar(const nlohmann::json& calendar);
  // A household's own application (农户自主申报), recorded by its grid worker: a warning with
  // source "application". Returns {"warning", "case", "task"} (task: the verify task of a
  // case it opened, else null).
  nlohmann::json add_application(const std::string& household_id, const std::string& reason);
  // Raises a warning for request.household in one change of the household: it opens a case
  // (with its verify task) or joins the open one; a warning with a prefill always comes with
  // a verify task of its own carrying it (a department's figures for the revisit). Returns
  // {"warning", "case", "task", "created"}; "created" is false (and nothing is written) when
  // the trigger raised its warning already. OutOfScope outside this device's scope.
  nlohmann::json raise_warning(const WarningRequest& request);
  // {"warnings": [{"id", "household", "source", "level", "rules", "status", "case",
  //   "created_at", "created_by", "date", "reason", "escalated_to", "trigger", "values"}]},
  // newest first ("date": the civil date it was raised on).
  nlohmann::json warnings(const MonitoringFilter& filter) const;
  // {"cases": [{"id", "household", "grid", "state", "type", "opened_at", "opened", "entered",
  //   "due", "overdue", "conflict"}]}, overdue first, then by due date ("opened": the civil
  //   date of its first warning; "entered": of the transition into its state).
  nlohmann::json cases(const MonitoringFilter& filter) const;
  // {"id", "household", "grid", "state", "type", "risk_factors", "warnings", "measures",
  //  "tasks", "objections", "history": [{"from", "to", "actor", "role", "at", "on",
  //  "reason"}], "opened_at", "entered", "due", "overdue", "conflict", "next": {"to",
  //  "role"}}. NotFound for an unknown case.
  nlohmann::json case_detail(const std::string& case_id) const;
  // {"tasks": [{"id", "kind", "household", "case", "assignee", "due", "status", "overdue",
  //   "days_overdue", "result", "scheduled"}]}: open tasks (filter.all: every task), overdue
  // first. With listing.schedule, the visit schedule's entries that are due (filter.all:
  // every household's next ones) are listed beside them, status open, "scheduled": true,
  // with "since", "interval_days" and "basis". InvalidArgument for a listing.kind that is not
  // a task kind.
  nlohmann::json tasks(const MonitoringFilter& filter, const TaskListing& listing = {}) const;
  // The same listings one item at a time, for reports and exports over a whole county: `each`
  // gets every item warnings(), cases() or tasks() lists for `filter`, with its household's
  // "grid" added, in (grid, id) order instead of the listing's, and no list is built (the
  // ids of the records of that type are held while the scan runs, not their contents). An
  // exception thrown by `each` ends the scan and propagates.
  void scan_warnings(const MonitoringFilter& filter,
                     const std::function<void(const nlohmann::json&)>& each) const;
  void scan_cases(const MonitoringFilter& filter,
                  const std::function<void(const nlohmann::json&)>& each) const;
  void scan_tasks(const MonitoringFilter& filter,
                  const std::function<void(const nlohmann::json&)>& each) const;
  // Moves a case to `request.to`, as one op kept in its history (from, to, actor, role,
  // date, reason). OutOfScope for a role below the step's (or above this device's), or a
  // household outside this device's scope; Conflict, naming the unmet condition, for a
  // transition the lifecycle refuses (core/monitoring/lifecycle.h) or a case whose state is
  // in conflict. Returns case_detail().
  nlohmann::json advance_case(const std::string& case_id, const CaseAdvance& request);
  // An objection (异议) during publicity, with its text (1-2000 bytes); any role in scope.
  // `by` names who raised it ("" = this device's user; the county server names the device
  // that relayed it). Conflict unless the case is publicised. Returns the objection's id.
  std::string object_case(const std::string& case_id, const std::string& text,
                          const std::string& by = "");
  // Settles an objection (village leader or above) with a note saying how.
  void settle_objection(const std::string& objection_id, const std::string& note);
  // Records a measure of an approved or assisting case (township or county). Returns its id.
  std::string add_measure(const std::string& case_id, const MeasureInput& measure);
  // Records a phone check-in of checkin.household by this device's user: a record of type
  // checkin in the household's scope (fields date, by, note), one change, so sync carries it.
  // It moves the household's next check-in (schedule()). Returns {"checkin", "household",
  // "date", "by", "note"}. NotFound for an unknown household, OutOfScope outside this
  // device's scope, InvalidArgument for a date that is not one or is after today, or a note
  // over 2000 bytes.
  nlohmann::json record_checkin(const CheckinInput& checkin);
  // The household's next home visit and next phone check-in on today's date (each when an
  // interval of the county settings applies), whether due yet or not. NotFound for an
  // unknown household.
  std::vector<ScheduledContact> schedule(const std::string& household) const;
  // Calls `each` with every household within scan.grid_prefix (as scan_households does: one
  // SQL pass, in (grid, id) order, memory not growing with the county) and its schedule().
  void scan_schedule(const HouseholdScan& scan,
                     const std::function<void(const HouseholdOverview&,
                                              const std::vector<ScheduledContact>&)>& each) const;
  // The county's sweep (county role only, else Unauthorized): raises an escalation warning
  // for each step past its deadline (once per case and step), and a rules warning for each
  // red or yellow household whose newest visit raised none and which has no open case (its
  // level changed here, e.g. by new county settings). Each is one change of its household.
  // Returns {"escalations": [warning ids], "warnings": [warning ids]}.
  nlohmann::json monitor();

  // ---- reads (JSON shapes of the CLI, docs/schema.md) ----
  nlohmann::json household(const std::string& id) const;
  nlohmann::json households(const std::string& grid_prefix, const std::string& level) const;
  nlohmann::json history(const std::string& id, const std::string& field) const;
  // Calls `each` for every household within scan.grid_prefix, in (grid, id) order, one at a
  // time from one SQL pass: memory does not grow with the number of households. The pass is
  // one read transaction (a consistent state even while other processes write). An
  // exception thrown by `each` ends the scan and propagates. Error(InvalidArgument) for a
  // bad prefix or field name.
  void scan_households(const HouseholdScan& scan,
                       const std::function<void(const HouseholdOverview&)>& each) const;
  // Calls `each` for every current (not departed) member whose id_number field holds text,
  // from one SQL pass over an index of ID numbers (store migration 9), in no particular
  // order: memory does not grow with the county. One read transaction; an exception thrown
  // by `each` ends the scan and propagates.
  void scan_member_ids(const std::function<void(const MemberIdNumber&)>& each) const;
  // The open conflicts (fields whose rule is review) of the records this replica holds, each
  // with the proposals made for it; a conflict on a record whose creating change has not
  // arrived yet is listed once it has.
  nlohmann::json conflicts() const;

  // SHA-256 (hex) of the canonical state within a grid prefix ("" = all).
  std::string digest(const std::string& scope_prefix = "") const;
  // Problems found (empty = consistent): materialized state vs the fold of the op log,
  // change hashes vs bodies, PRAGMA integrity_check.
  std::vector<std::string> check() const;

  // ---- for the exchange API and tests ----
  sqlite::Database& database() const;
  // Moves the device clock past a time seen in a received change (same transaction).
  void observe_time(const sync::Hlc& time);

  // The implementation, shared by the store's own .cpp files (store_impl.h).
  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace doorstep::store
