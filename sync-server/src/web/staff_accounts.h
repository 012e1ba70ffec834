// StaffAccounts: the people who use the web dashboard — county, township and village staff —
// kept apart from devices in the county store's file (server migration 5, county_tables.h).
// Each account has a name (what the person types to log in, and what the county record shows
// as the author of what they do), a role, a scope (a division of the county: the county
// itself, a township or a village) and an Argon2id password hash (password_hash.h). A
// disabled account keeps its row (its name stays in the history) and cannot log in; disabling
// it or changing its password ends its sessions.
//
// Roles and what they map to: a village officer acts as a village leader, a township officer
// as the township, a county officer as the county (the roles of the monitoring lifecycle and
// of conflict resolution); each only within the scope.
//
// Failed logins are kept here too (for the lockout of an account and the limit per address,
// login_guard.h), as are the staff's actions that are not ops of the county record (a token
// made, a device revoked, an import) — the ops they make carry their name as author.
//
// Ownership: borrows the county store's Database (tables brought up to date by the caller,
// migrate_county_tables). Thread-safety: one thread at a time (the server's county lock).
// Failure: Error — InvalidArgument (bad name, role, scope or password; names which), Conflict
// (a name taken), NotFound (no such account); SQLite errors as Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/crypto/certificate.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/sqlite.h"

namespace doorstep::server::web {

enum class StaffRole { Village = 1, Township = 2, County = 3 };

const char* to_string(StaffRole role);
std::optional<StaffRole> staff_role_from_string(const std::string& text);
// The lifecycle role a staff member acts in, and the device role of the same rank (for merge
// rules' resolvers and the roles of enrollment tokens they may make).
monitoring::Role monitoring_role(StaffRole role);
crypto::DeviceRole device_role(StaffRole role);

struct StaffMember {
  std::string name;
  StaffRole role = StaffRole::Village;
  std::string scope;
  bool must_change_password = false;
  bool disabled = false;
  int64_t created_at = 0;
  int64_t last_login_at = 0;  // 0 = never

  // {"name", "role", "scope", "must_change_password", "disabled", "created_at",
  //  "last_login_at" (null for never)}
  nlohmann::json to_json() const;
};

// Checks a login name: 1-64 bytes of UTF-8 without control characters and without spaces at
// either end. Throws InvalidArgument naming the rule.
void check_staff_name(const std::string& name);

// Checks that `scope` is a division of the county at the level `role` works at: the county's
// own code for county staff, a township (COUNTY.TTT) for township staff, a village
// (COUNTY.TTT.VVV) for village staff. `divisions` is CountyAuthority::grids() (every path with
// its level). Throws InvalidArgument naming the scope and what it should be.
void check_staff_scope(StaffRole role, const std::string& scope, const nlohmann::json& divisions);

class StaffAccounts {
 public:
  explicit StaffAccounts(sqlite::Database& county_db) : db_(county_db) {}

  // A new account. Conflict if the name is taken; InvalidArgument for a bad name or password.
  void add(const StaffMember& member, const std::string& password, int64_t now);
  // Every account, by name.
  std::vector<StaffMember> list() const;
  std::optional<StaffMember> find(const std::string& name) const;
  // The password hash of an enabled account, "" for an unknown or disabled one: what a login
  // checks with verify_login() (password_hash.h), outside the county lock.
  std::string login_hash(const std::string& name) const;
  // A new password (`must_change`: the person must choose another at their next login);
  // ends the account's sessions. NotFound for no such account.
  void set_password(const std::string& name, const std::string& password, bool must_change,
                    int64_t now);
  // Disables the account and ends its sessions. NotFound for no such account.
  void disable(const std::string& name, int64_t now);
  void record_login(const std::string& name, int64_t now);

  // ---- failed logins ----
  // Records one (and forgets those older than a day).
  void record_failure(const std::string& name, const std::string& address, int64_t now);
  int64_t failures_of(const std::string& name, int64_t since) const;
  int64_t failures_from(const std::string& address, int64_t since) const;
  // The time of the `nth` newest failure of `name` (1 = the newest), or 0.
  int64_t nth_failure_of(const std::string& name, int64_t nth) const;
  void clear_failures(const std::string& name);

  // ---- actions outside the county record ----
  void record_action(const StaffMember& by, const std::string& action, const std::string& target,
                     const nlohmann::json& detail, int64_t now);
  // The newest `limit` actions: [{"at", "staff", "role", "action", "target", "detail"}].
  nlohmann::json actions(size_t limit) const;

 private:
  sqlite::Database& db_;
};

}  // namespace doorstep::server::web
