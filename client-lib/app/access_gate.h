// AccessGate: who may use a running `doorstep app`. The host draws a one-time secret when it
// starts and prints it inside the app's URL; the first page exchanges it for a session (an
// HttpOnly, SameSite=Strict cookie) and a CSRF token that every bridge call must carry in a
// header. Once exchanged the secret is spent, so a URL copied from the terminal later, or read
// by another local user, opens nothing; nor does any other page in the same browser, which
// can neither read the token nor send the cookie cross-site.
//
// Thread-safety: every member function may be called from any thread.
// Failure: the constructor throws std::runtime_error if the system has no randomness.
#pragma once

#include <mutex>
#include <optional>
#include <string>

namespace doorstep::app {

// `bytes` random bytes from the system (getrandom) as lower-case hex.
std::string random_hex(size_t bytes);

// a == b, in time that depends on the lengths only.
bool equal_in_constant_time(const std::string& a, const std::string& b);

class AccessGate {
 public:
  AccessGate();

  struct Grant {
    std::string session;  // the cookie's value
    std::string csrf;     // the token bridge calls carry
  };

  // The one-time secret (64 hex digits), for the URL printed at start.
  const std::string& secret() const { return secret_; }
  // Spends the secret for a session; nullopt if `secret` is wrong or was spent already.
  std::optional<Grant> exchange(const std::string& secret);
  // The CSRF token of `session` (a page reloaded keeps its cookie and asks again), or
  // nullopt for no such session.
  std::optional<std::string> csrf_of(const std::string& session) const;
  // True if `session` is the granted session and `csrf` its token.
  bool admits(const std::string& session, const std::string& csrf) const;

 private:
  mutable std::mutex mutex_;
  const std::string secret_;
  bool spent_ = false;
  std::optional<Grant> grant_;
};

}  // namespace doorstep::app
