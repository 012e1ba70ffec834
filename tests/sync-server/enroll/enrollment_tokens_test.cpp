// Enrollment tokens: single use, expiring, stored hashed, granting what they were made for.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/store/sqlite.h"
#include "enroll/enrollment_tokens.h"
#include "tests/support/test_support.h"

using namespace doorstep;
using namespace doorstep::server;

namespace {

std::string redeem_error(EnrollmentTokens& tokens, ServerDatabase& db, const std::string& token,
                         int64_t now) {
  sqlite::Transaction transaction(db.db());
  try {
    tokens.redeem(token, "device-b", now);
  } catch (const Error& e) {
    CHECK(e.is(ErrorCode::Unauthorized));
    return e.what();
  }
  transaction.commit();
  return "";
}

}  // namespace

TEST_CASE("a token grants its role and scope once, and only its hash is stored") {
  test::TempDir dir;
  ServerDatabase db(dir.path());
  EnrollmentTokens tokens(db);
  std::string token = tokens.create("grid-worker", "640323.101.200.07", 3600, 1000);
  CHECK(token.size() == 29);  // six groups of four, five dashes
  CHECK(test::read_file(ServerDatabase::path_in(dir.path()))
            .find(EnrollmentTokens::normalize(token)) == std::string::npos);
  {
    sqlite::Transaction transaction(db.db());
    // Lower case and without dashes is the same token.
    std::string typed;
    for (char c : token)
      if (c != '-') typed.push_back(static_cast<char>(std::tolower(c)));
    auto grant = tokens.redeem(typed, "device-a", 1001);
    CHECK(grant.role == "grid-worker");
    CHECK(grant.scope == "640323.101.200.07");
    transaction.commit();
  }
  CHECK(redeem_error(tokens, db, token, 1002).find("already been used") != std::string::npos);
}

TEST_CASE("an expired, unknown or malformed token is refused as unauthorized") {
  test::TempDir dir;
  ServerDatabase db(dir.path());
  EnrollmentTokens tokens(db);
  std::string token = tokens.create("village-leader", "640323.101.200", 60, 1000);
  CHECK(redeem_error(tokens, db, token, 1060).find("expired") != std::string::npos);
  CHECK(redeem_error(tokens, db, "ABCD-ABCD-ABCD-ABCD-ABCD-ABCD", 1000).find("not known") !=
        std::string::npos);
  CHECK(redeem_error(tokens, db, "hello", 1000).find("not a token") != std::string::npos);
}

TEST_CASE("a token spent in a transaction that rolls back can still be used") {
  test::TempDir dir;
  ServerDatabase db(dir.path());
  EnrollmentTokens tokens(db);
  std::string token = tokens.create("grid-worker", "640323.101.200.07", 3600, 1000);
  {
    sqlite::Transaction transaction(db.db());
    tokens.redeem(token, "device-a", 1001);
    // no commit: the enrollment this token paid for failed
  }
  CHECK(redeem_error(tokens, db, token, 1002).empty());
}

TEST_CASE("token creation refuses a bad role, scope or lifetime") {
  test::TempDir dir;
  ServerDatabase db(dir.path());
  EnrollmentTokens tokens(db);
  CHECK_THROWS_AS(tokens.create("mayor", "640323", 60, 0), Error);
  CHECK_THROWS_AS(tokens.create("grid-worker", "64x323", 60, 0), Error);
  CHECK_THROWS_AS(tokens.create("grid-worker", "640323", 0, 0), Error);
  CHECK(parse_duration("72h") == 72 * 3600);
  CHECK(parse_duration("30m") == 1800);
  CHECK(parse_duration("7d") == 7 * 86400);
  CHECK(parse_duration("90") == 90);
  CHECK_THROWS_AS(parse_duration("soon"), Error);
  CHECK_THROWS_AS(parse_duration("0h"), Error);
}
