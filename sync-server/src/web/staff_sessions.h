// StaffSessions: the dashboard's server-side sessions (table staff_sessions, server migration
// 5). A session id is 256 random bits (64 hex digits), given to the browser once in the
// session cookie; the table keeps only its SHA-256, so a copy of county.db does not let anyone
// in. Each session has its own CSRF token (256 random bits) that every state-changing request
// must carry (dashboard.h). A session ends when it has been idle longer than `idle`, when it
// is older than `absolute` whatever its use, at logout, and when its account is disabled or
// its password changed.
//
// Ownership: borrows the county store's Database. Thread-safety: one thread at a time (the
// server's county lock). Failure: SQLite errors as Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/store/sqlite.h"

namespace doorstep::server::web {

struct SessionPolicy {
  int64_t idle_seconds = 3600;           // 1 h without a request
  int64_t absolute_seconds = 12 * 3600;  // 12 h after login, however busy
};

struct StaffSession {
  std::string id;  // what the cookie carries; empty in a session read back by find()
  std::string staff;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t seen_at = 0;
};

class StaffSessions {
 public:
  StaffSessions(sqlite::Database& county_db, SessionPolicy policy)
      : db_(county_db), policy_(policy) {}

  // A new session of `staff` (with its id and CSRF token).
  StaffSession open(const std::string& staff, const std::string& peer, int64_t now);
  // The live session with this id, its last use moved to `now` (written at most once a
  // minute, or every quarter of the idle limit if that is shorter); nullopt for an unknown,
  // malformed or expired one (an expired one is deleted).
  std::optional<StaffSession> find(const std::string& id, int64_t now);
  void close(const std::string& id);

  const SessionPolicy& policy() const { return policy_; }

 private:
  sqlite::Database& db_;
  SessionPolicy policy_;
};

// Deletes every session of `staff` (a disabled account, a new password).
void end_sessions_of(sqlite::Database& county_db, const std::string& staff);

// Whether two secrets are equal, in time that depends on their length only.
bool secrets_equal(const std::string& a, const std::string& b);

}  // namespace doorstep::server::web
