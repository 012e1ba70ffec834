// LoginGuard: the limits on guessing staff passwords. Every failed login is recorded (the
// name as typed, the client's address, the time; never the password). An account with
// `account_failures` failures within `window_seconds` is locked out: every login to it is
// refused 429, whatever the password, until the oldest of those failures leaves the window.
// An address with `address_failures` failures within the window (whatever the names) is
// refused 429 the same way, so one client cannot try many names. A successful login clears
// the account's failures.
//
// Ownership: borrows StaffAccounts. Thread-safety: as StaffAccounts (under the county lock).
// Failure: SQLite errors as Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "web/staff_accounts.h"

namespace doorstep::server::web {

struct LoginPolicy {
  int64_t account_failures = 5;
  int64_t address_failures = 20;
  int64_t window_seconds = 15 * 60;
};

struct LoginRefusal {
  enum class Why { AccountLocked, AddressLimited } why;
  int64_t retry_after = 0;  // seconds until a login may succeed again
};

class LoginGuard {
 public:
  LoginGuard(StaffAccounts& accounts, LoginPolicy policy) : accounts_(accounts), policy_(policy) {}

  // Why a login to `name` from `address` is refused now, or nullopt to go on.
  std::optional<LoginRefusal> refusal(const std::string& name, const std::string& address,
                                      int64_t now) const;
  // Records a failed login; returns true if it locked the account just now.
  bool record_failure(const std::string& name, const std::string& address, int64_t now);
  // A successful one: the account's failures are forgotten.
  void record_success(const std::string& name, int64_t now);

  // The failures of `name` within the window.
  int64_t recent_failures(const std::string& name, int64_t now) const;

 private:
  StaffAccounts& accounts_;
  LoginPolicy policy_;
};

// The address part of a peer "1.2.3.4:5678" or "[::1]:5678".
std::string address_of_peer(const std::string& peer);

}  // namespace doorstep::server::web
