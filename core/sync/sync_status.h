// SyncStatus: what a device has to tell a person about its sync — how many changes still wait
// to be pushed, when it last synced and with which server, every rejected change nobody has
// dealt with, and how many conflicts are open. The same shape answers `doorstep status` and
// ends every `doorstep sync`.
//
// Pending counts against the county peer of the online sync (its device id and scope, and
// this replica's Acked checkpoint for it): this device's own changes and, for a relay, those
// it holds of others, that the county has not acknowledged. Without a known peer (no sync
// yet) every change held is pending.
//
// Ownership: borrows the Store. Thread-safety: as the Store. Failure: the store's errors.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/store/store.h"
#include "core/sync/rejected_changes.h"

namespace doorstep::sync {

// The county as a sync peer: the keys of this replica's checkpoints for it.
struct SyncPeer {
  std::string device;
  std::string scope;
};

// Remembers a completed sync with `server_url` now (the sync item "last_sync").
void record_sync(store::Store& store, const std::string& server_url);

// {"change": "ORIGIN.SEQ", "household": id|null, "reason", "at": ISO 8601, "origin", "seq",
//  "source": "server"|"unsent"|"bundle"}, plus "dismissed_at" and "dismissal" once dismissed.
nlohmann::json to_json(const KeptRejection& rejection);

// {"pending": n, "last_sync": {"at": ISO 8601|null, "server": URL|null}, "rejected": [the
// outstanding rejections, as to_json above], "conflicts": n, "ok": bool (no rejection is
// outstanding)}.
nlohmann::json sync_status(store::Store& store, const std::optional<SyncPeer>& county);

}  // namespace doorstep::sync
