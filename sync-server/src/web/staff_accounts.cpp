// StaffAccounts: the tables staff_accounts, staff_login_failures and staff_actions.
#include "web/staff_accounts.h"

#include "core/common/error.h"
#include "core/common/utf8_check.h"
#include "web/password_hash.h"
#include "web/staff_sessions.h"

namespace doorstep::server::web {
namespace {

using nlohmann::json;

constexpr const char* kInsertAccount =
    "INSERT INTO staff_accounts (name, role, scope, password_hash, must_change_password, "
    "created_at, password_changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
constexpr const char* kAllAccounts =
    "SELECT name, role, scope, must_change_password, disabled_at IS NOT NULL, created_at, "
    "coalesce(last_login_at, 0) FROM staff_accounts ORDER BY name";
constexpr const char* kOneAccount =
    "SELECT name, role, scope, must_change_password, disabled_at IS NOT NULL, created_at, "
    "coalesce(last_login_at, 0) FROM staff_accounts WHERE name = ?1";
constexpr const char* kPasswordHash =
    "SELECT password_hash FROM staff_accounts WHERE name = ?1 AND disabled_at IS NULL";
constexpr const char* kSetPassword =
    "UPDATE staff_accounts SET password_hash = ?2, must_change_password = ?3, "
    "password_changed_at = ?4 WHERE name = ?1";
constexpr const char* kDisable =
    "UPDATE staff_accounts SET disabled_at = coalesce(disabled_at, ?2) WHERE name = ?1";
constexpr const char* kRecordLogin = "UPDATE staff_accounts SET last_login_at = ?2 WHERE name = ?1";
constexpr const char* kInsertFailure =
    "INSERT INTO staff_login_failures (at, name, address) VALUES (?1, ?2, ?3)";
constexpr const char* kForgetOldFailures = "DELETE FROM staff_login_failures WHERE at < ?1";
constexpr const char* kFailuresOfName =
    "SELECT count(*) FROM staff_login_failures WHERE name = ?1 AND at >= ?2";
constexpr const char* kFailuresFromAddress =
    "SELECT count(*) FROM staff_login_failures WHERE address = ?1 AND at >= ?2";
constexpr const char* kNthFailureOfName =
    "SELECT at FROM staff_login_failures WHERE name = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?2";
constexpr const char* kClearFailures = "DELETE FROM staff_login_failures WHERE name = ?1";
constexpr const char* kInsertAction =
    "INSERT INTO staff_actions (at, staff, role, action, target, detail) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kActions =
    "SELECT at, staff, role, action, target, detail FROM staff_actions ORDER BY id DESC LIMIT ?1";

StaffMember member_of(const sqlite::Statement& row) {
  StaffMember member;
  member.name = row.text(0);
  member.role = staff_role_from_string(row.text(1)).value_or(StaffRole::Village);
  member.scope = row.text(2);
  member.must_change_password = row.int64(3) != 0;
  member.disabled = row.int64(4) != 0;
  member.created_at = row.int64(5);
  member.last_login_at = row.int64(6);
  return member;
}

int64_t count_of(sqlite::Database& db, const char* sql, const std::string& key, int64_t since) {
  auto& query = db.cached(sql).bind(1, key).bind(2, since);
  int64_t count = query.step() ? query.int64(0) : 0;
  query.reset();
  return count;
}

}  // namespace

const char* to_string(StaffRole role) {
  switch (role) {
    case StaffRole::Village: return "village";
    case StaffRole::Township: return "township";
    case StaffRole::County: return "county";
  }
  return "village";
}

std::optional<StaffRole> staff_role_from_string(const std::string& text) {
  if (text == "village") return StaffRole::Village;
  if (text == "township") return StaffRole::Township;
  if (text == "county") return StaffRole::County;
  return std::nullopt;
}

monitoring::Role monitoring_role(StaffRole role) {
  switch (role) {
    case StaffRole::Village: return monitoring::Role::VillageLeader;
    case StaffRole::Township: return monitoring::Role::Township;
    case StaffRole::County: return monitoring::Role::County;
  }
  return monitoring::Role::VillageLeader;
}

crypto::DeviceRole device_role(StaffRole role) {
  switch (role) {
    case StaffRole::Village: return crypto::DeviceRole::VillageLeader;
    case StaffRole::Township: return crypto::DeviceRole::Township;
    case StaffRole::County: return crypto::DeviceRole::County;
  }
  return crypto::DeviceRole::VillageLeader;
}

json StaffMember::to_json() const {
  return {{"name", name},
          {"role", to_string(role)},
          {"scope", scope},
          {"must_change_password", must_change_password},
          {"disabled", disabled},
          {"created_at", created_at},
          {"last_login_at", last_login_at == 0 ? json() : json(last_login_at)}};
}

void check_staff_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    throw Error(ErrorCode::InvalidArgument, "a staff name has 1 to 64 bytes");
  if (!is_well_formed_utf8(name))
    throw Error(ErrorCode::InvalidArgument, "a staff name must be UTF-8 text");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      throw Error(ErrorCode::InvalidArgument, "a staff name may not hold control characters");
  if (name.front() == ' ' || name.back() == ' ')
    throw Error(ErrorCode::InvalidArgument, "a staff name may not start or end with a space");
}

void check_staff_scope(StaffRole role, const std::string& scope, const json& divisions) {
  static const char* kLevels[] = {"", "village", "township", "county"};
  const char* want = kLevels[static_cast<int>(role)];
  for (const auto& division : divisions) {
    if (division.value("path", "") != scope) continue;
    std::string level = division.value("level", "");
    if (level == want) return;
    throw Error(ErrorCode::InvalidArgument, "--scope " + scope + " is a " + level + "; a " +
                                                to_string(role) + " officer's scope is a " + want);
  }
  throw Error(ErrorCode::InvalidArgument,
              "--scope '" + scope + "' is not a division of this county (see `grid list`); a " +
                  to_string(role) + " officer's scope is a " + want);
}

void StaffAccounts::add(const StaffMember& member, const std::string& password, int64_t now) {
  check_staff_name(member.name);
  std::string hash = hash_password(password);
  if (find(member.name))
    throw Error(ErrorCode::Conflict, "there is a staff account '" + member.name + "' already");
  db_.cached(kInsertAccount)
      .bind(1, member.name)
      .bind(2, to_string(member.role))
      .bind(3, member.scope)
      .bind(4, hash)
      .bind(5, int64_t{member.must_change_password ? 1 : 0})
      .bind(6, now)
      .run();
}

std::vector<StaffMember> StaffAccounts::list() const {
  std::vector<StaffMember> out;
  auto& query = db_.cached(kAllAccounts);
  while (query.step()) out.push_back(member_of(query));
  query.reset();
  return out;
}

std::optional<StaffMember> StaffAccounts::find(const std::string& name) const {
  auto& query = db_.cached(kOneAccount).bind(1, name);
  std::optional<StaffMember> out;
  if (query.step()) out = member_of(query);
  query.reset();
  return out;
}

std::string StaffAccounts::login_hash(const std::string& name) const {
  auto& query = db_.cached(kPasswordHash).bind(1, name);
  std::string hash = query.step() ? query.text(0) : std::string();
  query.reset();
  return hash;
}

void StaffAccounts::set_password(const std::string& name, const std::string& password,
                                 bool must_change, int64_t now) {
  std::string hash = hash_password(password);
  if (!find(name)) throw Error(ErrorCode::NotFound, "there is no staff account '" + name + "'");
  db_.cached(kSetPassword)
      .bind(1, name)
      .bind(2, hash)
      .bind(3, int64_t{must_change ? 1 : 0})
      .bind(4, now)
      .run();
  end_sessions_of(db_, name);
}

void StaffAccounts::disable(const std::string& name, int64_t now) {
  if (!find(name)) throw Error(ErrorCode::NotFound, "there is no staff account '" + name + "'");
  db_.cached(kDisable).bind(1, name).bind(2, now).run();
  end_sessions_of(db_, name);
}

void StaffAccounts::record_login(const std::string& name, int64_t now) {
  db_.cached(kRecordLogin).bind(1, name).bind(2, now).run();
}

void StaffAccounts::record_failure(const std::string& name, const std::string& address,
                                   int64_t now) {
  db_.cached(kForgetOldFailures).bind(1, now - 86400).run();
  db_.cached(kInsertFailure).bind(1, now).bind(2, name).bind(3, address).run();
}

int64_t StaffAccounts::failures_of(const std::string& name, int64_t since) const {
  return count_of(db_, kFailuresOfName, name, since);
}

int64_t StaffAccounts::failures_from(const std::string& address, int64_t since) const {
  return count_of(db_, kFailuresFromAddress, address, since);
}

int64_t StaffAccounts::nth_failure_of(const std::string& name, int64_t nth) const {
  auto& query = db_.cached(kNthFailureOfName).bind(1, name).bind(2, nth - 1);
  int64_t at = query.step() ? query.int64(0) : 0;
  query.reset();
  return at;
}

void StaffAccounts::clear_failures(const std::string& name) {
  db_.cached(kClearFailures).bind(1, name).run();
}

void StaffAccounts::record_action(const StaffMember& by, const std::string& action,
                                  const std::string& target, const json& detail, int64_t now) {
  db_.cached(kInsertAction)
      .bind(1, now)
      .bind(2, by.name)
      .bind(3, to_string(by.role))
      .bind(4, action)
      .bind(5, target)
      .bind(6, detail.dump())
      .run();
}

json StaffAccounts::actions(size_t limit) const {
  json out = json::array();
  auto& query = db_.cached(kActions).bind(1, static_cast<int64_t>(limit));
  while (query.step())
    out.push_back({{"at", query.int64(0)},
                   {"staff", query.text(1)},
                   {"role", query.text(2)},
                   {"action", query.text(3)},
                   {"target", query.text(4)},
                   {"detail", json::parse(query.text(5), nullptr, false)}});
  query.reset();
  return out;
}

}  // namespace doorstep::server::web
