// StaffSessions: the table staff_sessions.
#include "web/staff_sessions.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "core/crypto/hash.h"

namespace doorstep::server::web {
namespace {

constexpr const char* kInsert =
    "INSERT INTO staff_sessions (id_hash, staff, csrf_token, created_at, seen_at, peer) "
    "VALUES (?1, ?2, ?3, ?4, ?4, ?5)";
constexpr const char* kFind =
    "SELECT staff, csrf_token, created_at, seen_at FROM staff_sessions WHERE id_hash = ?1";
constexpr const char* kTouch = "UPDATE staff_sessions SET seen_at = ?2 WHERE id_hash = ?1";
constexpr const char* kDelete = "DELETE FROM staff_sessions WHERE id_hash = ?1";
constexpr const char* kDeleteOfStaff = "DELETE FROM staff_sessions WHERE staff = ?1";
constexpr const char* kDeleteExpired =
    "DELETE FROM staff_sessions WHERE seen_at < ?1 OR created_at < ?2";

std::string id_hash(const std::string& id) {
  return crypto::to_hex(crypto::sha256(id));
}

bool well_formed_id(const std::string& id) {
  return id.size() == 64 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

StaffSession StaffSessions::open(const std::string& staff, const std::string& peer, int64_t now) {
  db_.cached(kDeleteExpired)
      .bind(1, now - policy_.idle_seconds)
      .bind(2, now - policy_.absolute_seconds)
      .run();
  StaffSession session;
  session.id = crypto::to_hex(crypto::random_bytes(32));
  session.staff = staff;
  session.csrf_token = crypto::to_hex(crypto::random_bytes(32));
  session.created_at = session.seen_at = now;
  db_.cached(kInsert)
      .bind(1, id_hash(session.id))
      .bind(2, staff)
      .bind(3, session.csrf_token)
      .bind(4, now)
      .bind(5, peer)
      .run();
  return session;
}

std::optional<StaffSession> StaffSessions::find(const std::string& id, int64_t now) {
  if (!well_formed_id(id)) return std::nullopt;
  std::string hash = id_hash(id);
  auto& query = db_.cached(kFind).bind(1, hash);
  if (!query.step()) {
    query.reset();
    return std::nullopt;
  }
  StaffSession session;
  session.staff = query.text(0);
  session.csrf_token = query.text(1);
  session.created_at = query.int64(2);
  session.seen_at = query.int64(3);
  query.reset();
  if (now - session.seen_at > policy_.idle_seconds ||
      now - session.created_at > policy_.absolute_seconds) {
    db_.cached(kDelete).bind(1, hash).run();
    return std::nullopt;
  }
  // Written at most once a minute (or a quarter of the idle limit, if that is shorter).
  if (now - session.seen_at >= std::min<int64_t>(60, policy_.idle_seconds / 4)) {
    db_.cached(kTouch).bind(1, hash).bind(2, now).run();
    session.seen_at = now;
  }
  return session;
}

void StaffSessions::close(const std::string& id) {
  if (well_formed_id(id)) db_.cached(kDelete).bind(1, id_hash(id)).run();
}

void end_sessions_of(sqlite::Database& county_db, const std::string& staff) {
  county_db.cached(kDeleteOfStaff).bind(1, staff).run();
}

bool secrets_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace doorstep::server::web
