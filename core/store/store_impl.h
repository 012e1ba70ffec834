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

// A fresh record id: 16 random lower-case hex digits for a household; for a record of a
// household (member, visit), the household's id, '-' and 16 random hex digits, so that
// which household a record belongs to is part of its name (sync::validate checks it).
std::string new_record_id(const std::string& household_id = "");

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

}  // namespace doorstep::store
