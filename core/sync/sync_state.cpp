// The sync_ tables and their queries.
#include "core/sync/sync_state.h"

namespace doorstep::sync {
namespace {

constexpr const char* kSelectItem = "SELECT value FROM sync_items WHERE key = ?1";
constexpr const char* kUpsertItem =
    "INSERT INTO sync_items (key, value) VALUES (?1, ?2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
constexpr const char* kDeleteItem = "DELETE FROM sync_items WHERE key = ?1";
constexpr const char* kUpsertCertificate =
    "INSERT INTO sync_certificates (device_id, der) VALUES (?1, ?2) "
    "ON CONFLICT (device_id) DO UPDATE SET der = excluded.der";
constexpr const char* kSelectCertificate = "SELECT der FROM sync_certificates WHERE device_id = ?1";
constexpr const char* kSelectCertificates =
    "SELECT device_id, der FROM sync_certificates ORDER BY device_id";
constexpr const char* kSelectCheckpoint =
    "SELECT cursor FROM sync_checkpoints WHERE peer = ?1 AND scope = ?2 AND kind = ?3";
constexpr const char* kRaiseCheckpoint =
    "INSERT INTO sync_checkpoints (peer, scope, kind, cursor) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (peer, scope, kind) DO UPDATE SET cursor = max(cursor, excluded.cursor)";

const char* kind_name(CheckpointKind kind) {
  return kind == CheckpointKind::Received ? "received" : "acked";
}

}  // namespace

// The tables are the store's (migration 10): every database reaches here through
// Store::open or Store::create, which migrate it.
SyncState::SyncState(sqlite::Database& db) : db_(db) {}

std::optional<std::string> SyncState::item(const std::string& key) const {
  auto& select = db_.cached(kSelectItem);
  select.bind(1, key);
  std::optional<std::string> out;
  if (select.step()) out = select.blob(0);
  select.reset();
  return out;
}

void SyncState::set_item(const std::string& key, const std::string& value) {
  db_.cached(kUpsertItem).bind(1, key).bind_blob(2, value.data(), value.size()).run();
}

void SyncState::erase_item(const std::string& key) {
  db_.cached(kDeleteItem).bind(1, key).run();
}

void SyncState::remember_certificate(const std::string& device_id, const std::string& der) {
  db_.cached(kUpsertCertificate).bind(1, device_id).bind_blob(2, der.data(), der.size()).run();
}

std::optional<std::string> SyncState::certificate_of(const std::string& device_id) const {
  auto& select = db_.cached(kSelectCertificate);
  select.bind(1, device_id);
  std::optional<std::string> out;
  if (select.step()) out = select.blob(0);
  select.reset();
  return out;
}

std::vector<std::pair<std::string, std::string>> SyncState::certificates() const {
  auto& select = db_.cached(kSelectCertificates);
  std::vector<std::pair<std::string, std::string>> out;
  while (select.step()) out.emplace_back(select.text(0), select.blob(1));
  select.reset();
  return out;
}

uint64_t SyncState::checkpoint(const std::string& peer, const std::string& scope,
                               CheckpointKind kind) const {
  auto& select = db_.cached(kSelectCheckpoint);
  select.bind(1, peer).bind(2, scope).bind(3, std::string_view(kind_name(kind)));
  uint64_t out = 0;
  if (select.step()) out = static_cast<uint64_t>(select.int64(0));
  select.reset();
  return out;
}

void SyncState::set_checkpoint(const std::string& peer, const std::string& scope,
                               CheckpointKind kind, uint64_t cursor) {
  db_.cached(kRaiseCheckpoint)
      .bind(1, peer)
      .bind(2, scope)
      .bind(3, std::string_view(kind_name(kind)))
      .bind(4, static_cast<int64_t>(cursor))
      .run();
}

}  // namespace doorstep::sync
