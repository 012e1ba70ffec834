// SyncState: what a replica remembers about sync beside its op log — its own certificate and
// the county's (CA, newest revocation list, enrollment settings and forms), the verified
// certificates of other devices whose changes it holds (so it can pass them on with the
// changes it relays), and the checkpoints per (peer, scope). The rejected changes kept for a
// person to deal with live beside them (rejected_changes.h, table sync_rejections).
//
// Storage: tables prefixed sync_ in the store's own SQLite database, created by its numbered
// migrations (store migration 10), so sync state and changes live in one file and one backup.
// Checkpoints only ever grow (set_checkpoint keeps the larger cursor): a late, older bundle
// never makes a replica forget what a newer one acknowledged.
//
// Cursors are the decimal positions of sync::Cursor; a peer treats them as opaque except
// for comparing two cursors it received from the same replica (larger = later).
//
// Ownership: borrows the Database, which must outlive it. Thread-safety: as the Database.
// Failure: doorstep::Error from SQLite.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/sqlite.h"

namespace doorstep::sync {

enum class CheckpointKind {
  Received,  // I hold every change of the peer in the scope up to the peer's cursor
  Acked,     // the peer holds every change of mine in the scope up to my cursor
};

class SyncState {
 public:
  explicit SyncState(sqlite::Database& db);

  // Key-value items: "certificate" (PEM), "county_ca" (PEM), "crl" (DER), "enrollment"
  // (JSON text), "county" (JSON text). Empty optional if absent.
  std::optional<std::string> item(const std::string& key) const;
  void set_item(const std::string& key, const std::string& value);
  void erase_item(const std::string& key);

  // Certificates of devices seen in verified changes, by device id.
  void remember_certificate(const std::string& device_id, const std::string& der);
  std::optional<std::string> certificate_of(const std::string& device_id) const;
  std::vector<std::pair<std::string, std::string>> certificates() const;

  uint64_t checkpoint(const std::string& peer, const std::string& scope, CheckpointKind kind) const;
  // Raises the checkpoint to `cursor` (never lowers it).
  void set_checkpoint(const std::string& peer, const std::string& scope, CheckpointKind kind,
                      uint64_t cursor);

 private:
  sqlite::Database& db_;
};

}  // namespace doorstep::sync
