// Staff passwords: Argon2id (libargon2, RFC 9106) with a random 16-byte salt per hash, in
// the PHC encoded form that carries its own parameters ("$argon2id$v=19$m=19456,t=2,p=1$..."),
// so hashes made with other parameters keep verifying. The parameters are OWASP's minimum for
// Argon2id (19 MiB, 2 passes, 1 lane): about 50 ms per login here, and at most 19 MiB per
// login being checked. Why Argon2id: memory-hard, so a stolen county.db costs an attacker
// memory per guess, not only time; libargon2 is the reference implementation Debian ships.
//
// Thread-safety: pure functions (each call allocates its own memory). Failure: Error
// (InvalidArgument) for a password that breaks the policy (check_password_policy), Error
// (Internal) if libargon2 fails (out of memory).
#pragma once

#include <string>

namespace doorstep::server::web {

// Refuses a password shorter than 10 bytes or longer than 1024, or not UTF-8 text without
// control characters; the message names the rule, never the password.
void check_password_policy(const std::string& password);

// A new encoded Argon2id hash of `password` (check_password_policy first).
std::string hash_password(const std::string& password);

// Whether `password` matches `encoded`; false for a malformed hash.
bool verify_password(const std::string& encoded, const std::string& password);

// A login's check: verify_password(encoded, password), and for an empty `encoded` (no such
// account, or a disabled one) false after the same work against a decoy hash, so that the
// time a login takes does not tell whether a name exists.
bool verify_login(const std::string& encoded, const std::string& password);

// A random password for a new account: 4 groups of 4 lower-case Crockford base32 characters
// ("k7qm-2xhd-9pwa-3jrt", 80 random bits), easy to read out and to type on a phone.
std::string generate_password();

}  // namespace doorstep::server::web
