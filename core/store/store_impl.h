// Internals shared by the Store's implementation files (store.cpp, store_writes.cpp,
// store_reads.cpp, digest.cpp, check.cpp). Not part of the store's interface.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/crypto/device_key.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/sqlite.h"
#include "core/store/store.h"
#include "core/sync/change.h"

namespace doorstep::store {

// A local change being built inside its write transaction.
struct LocalChange {
  std::string household;
  std::string grid;
  std::vector<sync::Op> ops;  // time and author are filled in by commit_local()
};

// A record as the materialized state knows it.
struct RecordRow {
  std::string id;
  std::string type;
  std::string household;
  std::string grid;  // the household's grid, for a household; as created, for others
  std::string op_key;
};

struct Store::Impl {
  std::filesystem::path path;
  std::unique_ptr<sqlite::Database> db;
  Identity identity;
  std::string key_secret;  // empty until needed, then from options or PATH.secret
  std::optional<crypto::DeviceKey> key;
  std::optional<sync::ChangeLimits> limits;  // loaded on first use (Store::change_limits)
  Store::Classifier classifier;              // unset until the layer that knows forms sets it
  std::string acting_person;                 // Store::set_acting_person; "" = the device's user

  // Who the changes being written are by: the acting person, else the device's user.
  const std::string& author() const {
    return acting_person.empty() ? identity.name : acting_person;
  }

  const crypto::DeviceKey& device_key();
  // Runs `build` inside a write transaction; if it added ops, signs and appends them as
  // the device's next change and commits. Returns false if there was nothing to write.
  bool commit_local(const std::function<void(LocalChange&)>& build);

  // Store::reclassify, for code that holds the Impl (commit_local).
  void reclassify(const std::set<std::string>& households, bool all);
  nlohmann::json household_state(const std::string& id) const;
  nlohmann::json county_settings() const;

  std::optional<RecordRow> find_record(const std::string& id) const;
  // The record or Error(NotFound) naming `what`.
  RecordRow require_record(const std::string& id, const char* what) const;
  // The current value (canonical JSON) of a field, if it has one; *in_conflict (if given)
  // tells whether the field has several heads with different values.
  std::optional<std::string> current_value(const std::string& record_id, const std::string& field,
                                           bool* in_conflict = nullptr) const;
};

// The id of the county settings record (a county-level record, household "" and grid "").
inline constexpr const char* kSettingsRecord = "settings";

// A fresh record id: 16 lower-case hex digits for a household; for a record of a household
// (member, visit), the household's id, '-' and 16 hex digits, so that which household a
// record belongs to is part of its name (sync::validate checks it). Time-ordered: the 64 bits
// are the seconds since kRecordIdEpoch (high 32 bits, good until 2156) and 32 random bits, so
// records made close in time sit close in the B-trees keyed by id; within a process ids only
// grow (docs/schema.md, "Record ids", has the collision analysis).
std::string new_record_id(const std::string& household_id = "");
// 2020-01-01T00:00:00Z.
inline constexpr int64_t kRecordIdEpoch = 1577836800;
// The id value new_record_id makes at `unix_seconds` from 32 `random` bits, after `last` (the
// last value this process made, updated): larger than `last` whatever the clock says.
uint64_t next_record_id_value(int64_t unix_seconds, uint64_t random, uint64_t& last);

// Deletes the draft of (form_id, household) in the caller's transaction (drafts.cpp); false
// if there was none.
bool delete_draft(sqlite::Database& db, const std::string& form_id, const std::string& household);

// The monitoring side of a visit being built in `local` (store_monitoring.cpp): marks the
// task it does as done (with its verdict), and raises the warning its household's state
// after the visit calls for, in the same change.
void monitor_visit(Store::Impl& impl, LocalChange& local, const RecordRow& household,
                   const std::string& visit_id, const VisitInput& visit);

// The JSON text of a stored canonical value.
nlohmann::json parse_value(const std::string& canonical);

// ---- the monitoring records' helpers (store_monitoring.cpp) ----

// An id for a record (or a computed entry) of `household` that derives from `what` (a
// trigger, a case's place in the chain): household, '-', the first 16 hex digits of
// SHA-256(what). The same on every replica.
std::string derived_id(const std::string& household, const std::string& what);
// InvalidArgument naming `what` for text that is empty (when required), over `max` bytes or
// not UTF-8; for a date that is not YYYY-MM-DD.
void check_text(const std::string& text, const char* what, size_t max, bool required);
void check_date(const std::string& text, const char* what);
// The ops of one record's creation with `fields` (an object), appended to `local`.
void create_record(Store::Impl& impl, LocalChange& local, const std::string& type,
                   const std::string& id, const std::string& household,
                   const nlohmann::json& fields);
// The household `id` a change is about to edit: known, a household (else NotFound), within
// this device's scope (else OutOfScope); `local` becomes a change of it.
RecordRow household_change(Store::Impl& impl, LocalChange& local, const std::string& id);
// The state of the household's open case (the provisional winner's while two transitions are
// in conflict), or nullopt when it has none.
std::optional<monitoring::CaseState> open_case_state(const Store::Impl& impl,
                                                     const std::string& household);

// ---- the visit schedule (store_schedule.cpp) ----

// InvalidArgument unless `kind` is "" or a task kind: verify, revisit, checkin, follow_up,
// elimination_check.
void check_task_kind(const std::string& kind);
// Appends to `list` (Store::tasks) the visit schedule's entries that `filter` and
// listing.kind select, as tasks: those due (filter.all: every next contact, due or not), of
// every household in filter.scope (or filter.household).
void append_scheduled_tasks(const Store& store, const MonitoringFilter& filter,
                            const TaskListing& listing, nlohmann::json& list);

}  // namespace doorstep::store
