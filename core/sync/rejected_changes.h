// RejectedChanges: the changes a replica offered and could not get taken, kept until a person
// deals with them — rejected by the county on a push, too large to send under the county's
// max_change_bytes, or received in a bundle and refused here. A rejection is never forgotten
// by a later sync: it stays outstanding until a person dismisses it (with a reason, kept
// with its time), or until the change is taken after all (the county raised a limit; a later
// bundle brought what it lacked), when it leaves the list by itself.
//
// Storage: the table sync_rejections in the store's own database, created on first use like
// the other sync_ tables (sync_state.h), so it needs no schema migration. One row per change
// (origin, seq); `at` is when it was first rejected, `reason` the latest reason. The list an
// older version kept as JSON in the sync item "stuck_changes" is carried over on first use.
//
// Ownership: borrows the Database, which must outlive it. Thread-safety: as the Database.
// Failure: doorstep::Error — SQLite errors; dismiss() as documented there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/sqlite.h"

namespace doorstep::sync {

// Where a change was refused.
enum class RejectedAt {
  Server,  // the county answered a push with a rejection (or refused the change alone, 413)
  Unsent,  // larger than the county's max_change_bytes: this device does not send it
  Bundle,  // received in a bundle file and refused by this replica
};
const char* to_string(RejectedAt at);

struct KeptRejection {
  std::string origin;
  uint64_t seq = 0;
  std::string household;  // "" for a county-level change or one whose household is unknown
  std::string reason;
  RejectedAt source = RejectedAt::Server;
  std::string at;            // ISO 8601 UTC, when it was first rejected
  std::string dismissed_at;  // ISO 8601 UTC; "" while outstanding
  std::string dismissal;     // the reason the person gave

  // "ORIGIN.SEQ", how people and the C ABI name a change.
  std::string id() const { return origin + "." + std::to_string(seq); }
};

class RejectedChanges {
 public:
  explicit RejectedChanges(sqlite::Database& db);

  // Records that (origin, seq) was refused for `reason`. Listed again if it was taken since;
  // a dismissed rejection stays dismissed (the same bundle imported twice does not bring it
  // back); an outstanding one keeps its first time and takes the new reason.
  void keep(const std::string& origin, uint64_t seq, const std::string& household,
            const std::string& reason, RejectedAt source);
  // The change was taken after all: an outstanding rejection of it leaves the list.
  void taken(const std::string& origin, uint64_t seq);

  // The rejections nobody has dismissed, oldest first.
  std::vector<KeptRejection> outstanding() const;
  // Every rejection kept, dismissed ones included, oldest first.
  std::vector<KeptRejection> all() const;
  std::optional<KeptRejection> find(const std::string& origin, uint64_t seq) const;

  // Dismisses the outstanding rejection of the change named "ORIGIN.SEQ" with the person's
  // `reason`, remembered with the time. Returns it as dismissed. Error(InvalidArgument) for
  // an id that is not ORIGIN.SEQ or an empty (or blank) reason, or one over 2000 bytes;
  // Error(NotFound) for a change not listed, or dismissed already; nothing is changed then.
  KeptRejection dismiss(const std::string& change_id, const std::string& reason);

 private:
  std::vector<KeptRejection> select(const char* sql) const;
  void carry_over_stuck_item();

  sqlite::Database& db_;
};

// The current time as ISO 8601 UTC with seconds, "2026-12-01T22:43:22Z".
std::string now_iso8601();

}  // namespace doorstep::sync
