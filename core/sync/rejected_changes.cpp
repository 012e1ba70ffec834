// The sync_rejections table and its queries.
#include "core/sync/rejected_changes.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/sync/sync_state.h"

namespace doorstep::sync {
namespace {

// A rejection taken since and refused again is listed anew (the delete in taken() ended the
// old one); a dismissed one is left as the person left it.
constexpr const char* kKeep =
    "INSERT INTO sync_rejections (origin, seq, household, reason, source, at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT (origin, seq) DO UPDATE SET reason = excluded.reason, source = excluded.source, "
    "household = CASE WHEN excluded.household = '' THEN household ELSE excluded.household END "
    "WHERE dismissed_at IS NULL";
constexpr const char* kTaken =
    "DELETE FROM sync_rejections WHERE origin = ?1 AND seq = ?2 AND dismissed_at IS NULL";
constexpr const char* kOutstanding =
    "SELECT origin, seq, household, reason, source, at, dismissed_at, dismissal "
    "FROM sync_rejections WHERE dismissed_at IS NULL ORDER BY at, origin, seq";
constexpr const char* kAll =
    "SELECT origin, seq, household, reason, source, at, dismissed_at, dismissal "
    "FROM sync_rejections ORDER BY at, origin, seq";
constexpr const char* kFind =
    "SELECT origin, seq, household, reason, source, at, dismissed_at, dismissal "
    "FROM sync_rejections WHERE origin = ?1 AND seq = ?2";
constexpr const char* kDismiss =
    "UPDATE sync_rejections SET dismissed_at = ?3, dismissal = ?4 "
    "WHERE origin = ?1 AND seq = ?2 AND dismissed_at IS NULL";

constexpr size_t kMaxDismissalBytes = 2000;

// The item where versions before this table kept the stuck changes of an online sync.
constexpr const char* kStuckItem = "stuck_changes";

RejectedAt source_named(const std::string& name) {
  if (name == "unsent") return RejectedAt::Unsent;
  if (name == "bundle") return RejectedAt::Bundle;
  return RejectedAt::Server;
}

KeptRejection read_row(const sqlite::Statement& row) {
  KeptRejection out;
  out.origin = row.text(0);
  out.seq = static_cast<uint64_t>(row.int64(1));
  out.household = row.text(2);
  out.reason = row.text(3);
  out.source = source_named(row.text(4));
  out.at = row.text(5);
  if (!row.is_null(6)) out.dismissed_at = row.text(6);
  if (!row.is_null(7)) out.dismissal = row.text(7);
  return out;
}

// (origin, seq) of "ORIGIN.SEQ"; Error(InvalidArgument) naming the text otherwise.
std::pair<std::string, uint64_t> parse_change_id(const std::string& id) {
  auto bad = [&]() -> Error {
    return Error(ErrorCode::InvalidArgument,
                 "'" + id + "' is not a change id (ORIGIN.SEQ, e.g. 3f2a9c01b7d4e856.12)");
  };
  size_t dot = id.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == id.size() || dot + 21 < id.size())
    throw bad();
  std::string origin = id.substr(0, dot);
  for (char c : origin)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) throw bad();
  uint64_t seq = 0;
  for (size_t i = dot + 1; i < id.size(); ++i) {
    char c = id[i];
    if (c < '0' || c > '9' || seq > (UINT64_MAX - 9) / 10) throw bad();
    seq = seq * 10 + static_cast<uint64_t>(c - '0');
  }
  return {origin, seq};
}

}  // namespace

const char* to_string(RejectedAt at) {
  switch (at) {
    case RejectedAt::Server: return "server";
    case RejectedAt::Unsent: return "unsent";
    case RejectedAt::Bundle: return "bundle";
  }
  return "server";
}

std::string now_iso8601() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// sync_rejections is the store's (migration 10).
RejectedChanges::RejectedChanges(sqlite::Database& db) : db_(db) {
  carry_over_stuck_item();
}

void RejectedChanges::carry_over_stuck_item() {
  SyncState state(db_);
  auto saved = state.item(kStuckItem);
  if (!saved) return;
  auto stuck = nlohmann::json::parse(*saved, nullptr, false);
  // No transaction: keep() is an upsert, so an interrupted carry-over is simply done again.
  if (stuck.is_object()) {
    for (const auto& [id, entry] : stuck.items()) {
      if (!entry.is_object() || !entry.contains("origin") || !entry["origin"].is_string() ||
          !entry.contains("seq") || !entry["seq"].is_number_unsigned())
        continue;
      keep(entry["origin"].get<std::string>(), entry["seq"].get<uint64_t>(), "",
           entry.value("reason", "rejected (kept by an older version without its reason)"),
           source_named(entry.value("at", "server")));
    }
  }
  state.erase_item(kStuckItem);
}

void RejectedChanges::keep(const std::string& origin, uint64_t seq, const std::string& household,
                           const std::string& reason, RejectedAt source) {
  db_.cached(kKeep)
      .bind(1, origin)
      .bind(2, static_cast<int64_t>(seq))
      .bind(3, household)
      .bind(4, reason)
      .bind(5, std::string_view(to_string(source)))
      .bind(6, now_iso8601())
      .run();
}

void RejectedChanges::taken(const std::string& origin, uint64_t seq) {
  db_.cached(kTaken).bind(1, origin).bind(2, static_cast<int64_t>(seq)).run();
}

std::vector<KeptRejection> RejectedChanges::select(const char* sql) const {
  auto& query = db_.cached(sql);
  std::vector<KeptRejection> out;
  while (query.step()) out.push_back(read_row(query));
  query.reset();
  return out;
}

std::vector<KeptRejection> RejectedChanges::outstanding() const {
  return select(kOutstanding);
}

std::vector<KeptRejection> RejectedChanges::all() const {
  return select(kAll);
}

std::optional<KeptRejection> RejectedChanges::find(const std::string& origin, uint64_t seq) const {
  auto& query = db_.cached(kFind);
  query.bind(1, origin).bind(2, static_cast<int64_t>(seq));
  std::optional<KeptRejection> out;
  if (query.step()) out = read_row(query);
  query.reset();
  return out;
}

KeptRejection RejectedChanges::dismiss(const std::string& change_id, const std::string& reason) {
  auto [origin, seq] = parse_change_id(change_id);
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(ErrorCode::InvalidArgument,
                "dismissing change " + change_id + " needs a reason (what was done about it)");
  if (reason.size() > kMaxDismissalBytes)
    throw Error(ErrorCode::InvalidArgument, "the reason for dismissing change " + change_id +
                                                " has " + std::to_string(reason.size()) +
                                                " bytes; at most " +
                                                std::to_string(kMaxDismissalBytes) + " are kept");
  auto kept = find(origin, seq);
  if (!kept)
    throw Error(ErrorCode::NotFound,
                "change " + change_id + " is not among the rejected changes of this device");
  if (!kept->dismissed_at.empty())
    throw Error(ErrorCode::NotFound, "the rejection of change " + change_id +
                                         " was dismissed already at " + kept->dismissed_at + " (" +
                                         kept->dismissal + ")");
  std::string at = now_iso8601();
  db_.cached(kDismiss)
      .bind(1, origin)
      .bind(2, static_cast<int64_t>(seq))
      .bind(3, at)
      .bind(4, reason)
      .run();
  kept->dismissed_at = at;
  kept->dismissal = reason;
  return *kept;
}

}  // namespace doorstep::sync
