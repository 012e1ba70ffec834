// EnrollmentTokens: one-time secrets with which a device enrolls online. County staff make
// one per device (`doorstep-server token create --role ROLE --scope GRIDPATH`), read it to
// the grid worker, and the device redeems it once at POST /v1/enroll.
//
// A token is 24 characters of Crockford base32 (120 random bits), shown in groups of four
// ("K7QM-2XHD-9PWA-..."); dashes, spaces and case do not matter when redeeming. Only its
// SHA-256 is stored, with the role and scope it grants, its expiry, and once redeemed when
// and by which device: a stolen server.db does not reveal usable tokens.
//
// Ownership: borrows the ServerDatabase. Thread-safety: as the database (one thread).
// Failure: create() throws Error(InvalidArgument) for a bad role, scope or lifetime;
// redeem() throws Error(Unauthorized) for an unknown, expired or already used token.
#pragma once

#include <cstdint>
#include <string>

#include "enroll/server_database.h"

namespace doorstep::server {

struct TokenGrant {
  std::string role;
  std::string scope;
  int64_t expires_at = 0;
};

class EnrollmentTokens {
 public:
  explicit EnrollmentTokens(ServerDatabase& database) : database_(database) {}

  // A new token for `role` within `scope`, valid for `lifetime_seconds` from `now`.
  std::string create(const std::string& role, const std::string& scope, int64_t lifetime_seconds,
                     int64_t now);

  // Marks the token used by `device_id` and returns what it grants. Must run inside the
  // caller's transaction, so that the token is spent only if the enrollment it pays for
  // commits too.
  TokenGrant redeem(const std::string& token, const std::string& device_id, int64_t now);

  // The token without dashes and spaces, upper case; "" if it has other characters.
  static std::string normalize(const std::string& token);

 private:
  ServerDatabase& database_;
};

// "72h", "30m", "7d", "3600s" or "3600" -> seconds; Error(InvalidArgument) otherwise.
int64_t parse_duration(const std::string& text);

}  // namespace doorstep::server
