// Error: the typed failure every part of the core throws.
//
// An Error carries a domain (Doorstep's own codes, POSIX, SQLite, OpenSSL, network), a code
// within that domain, a message that names what and where (field, line, byte offset), and
// whether retrying later may help. The C ABI turns each Error into a ds_error value; the
// codes below are the same numbers as the DS_ERR_* constants in client-lib/include/doorstep.h.
//
// Thread-safety: an Error is an immutable value; copy it freely between threads.
#pragma once

#include <stdexcept>
#include <string>

namespace doorstep {

enum class ErrorDomain : int {
  Doorstep = 1,
  Posix = 2,
  SQLite = 3,
  OpenSSL = 4,
  Network = 5,
};

// Codes in ErrorDomain::Doorstep. Keep in step with DS_ERR_* in doorstep.h.
enum class ErrorCode : int {
  InvalidArgument = 1,     // a caller passed something malformed (names the argument)
  NotFound = 2,            // a household, member, file, key, ... does not exist
  InvalidForm = 3,         // a form definition is wrong (names the item, line, column)
  InvalidExpression = 4,   // an expression does not parse or refers to unknown fields
  Corrupt = 5,             // stored or received data fails its checks
  UnsupportedVersion = 6,  // a database or file from a newer version
  BadSignature = 7,        // a change or bundle does not verify
  OutOfScope = 8,          // a record outside the device's scope or role
  Busy = 9,                // a resource is temporarily in use (transient)
  Io = 10,                 // a read or write failed
  Conflict = 11,           // the request clashes with existing state
  NotImplemented = 12,     // a part that does not exist yet
  Unauthorized = 13,       // missing, wrong, expired or revoked credentials
  Internal = 14,           // a bug: an invariant of Doorstep itself broke
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, bool transient = false)
      : Error(ErrorDomain::Doorstep, static_cast<int>(code), message, transient) {}
  Error(ErrorDomain domain, int code, const std::string& message, bool transient = false)
      : std::runtime_error(message), domain_(domain), code_(code), transient_(transient) {}

  ErrorDomain domain() const noexcept { return domain_; }
  int code() const noexcept { return code_; }
  // True when the same call may succeed later (a busy database, a dropped connection).
  bool transient() const noexcept { return transient_; }

  bool is(ErrorCode code) const noexcept {
    return domain_ == ErrorDomain::Doorstep && code_ == static_cast<int>(code);
  }

 private:
  ErrorDomain domain_;
  int code_;
  bool transient_;
};

// The version of the Doorstep core, e.g. "0.1.0".
const char* version() noexcept;

}  // namespace doorstep
