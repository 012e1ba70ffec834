// Staff passwords: Argon2id hashes that verify, never equal for equal passwords, and the
// password policy.
#include <doctest/doctest.h>

#include <set>

#include "core/common/error.h"
#include "web/password_hash.h"

using namespace doorstep::server::web;

TEST_CASE("a password verifies against its Argon2id hash and nothing else does") {
  std::string hash = hash_password("correct horse battery");
  CHECK(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CHECK(verify_password(hash, "correct horse battery"));
  CHECK_FALSE(verify_password(hash, "correct horse batterY"));
  CHECK_FALSE(verify_password(hash, ""));
  CHECK_FALSE(verify_password("not a hash", "correct horse battery"));
  CHECK_FALSE(verify_password("$argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$abc", "x"));
  // A random salt per hash: the same password hashes differently.
  CHECK(hash_password("correct horse battery") != hash);
}

TEST_CASE("the password policy refuses short, long and control-character passwords") {
  CHECK_THROWS_AS(check_password_policy("short"), doorstep::Error);
  CHECK_THROWS_AS(check_password_policy(std::string(1025, 'a')), doorstep::Error);
  CHECK_THROWS_AS(check_password_policy("tab\tinside it"), doorstep::Error);
  CHECK_THROWS_AS(check_password_policy("bad utf8 \xff\xfe here"), doorstep::Error);
  CHECK_NOTHROW(check_password_policy("十个汉字的密码足够长"));
}

TEST_CASE("generated passwords are four groups of four and differ") {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    std::string password = generate_password();
    CHECK(password.size() == 19);
    CHECK(password[4] == '-');
    CHECK(password.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz-") == std::string::npos);
    CHECK_NOTHROW(check_password_policy(password));
    seen.insert(password);
  }
  CHECK(seen.size() == 20);
}
