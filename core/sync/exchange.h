// The in-process exchange API: what a replica hands to a peer (the changes it holds after a
// cursor) and how it takes a batch of changes from one (apply, reporting each change as
// applied, duplicate or rejected with a reason). The sync protocol, relays and bundle files
// are built on these two calls; they carry changes byte-for-byte as signed by their origin.
//
// Verification on apply: every change's signature is checked against a trusted public key
// for its origin device. By default the key comes from the store's trust table
// (Store::trust_device); a VerifyPolicy can plug in another source (certificate chains) and
// an admission check (scope, role, revocation) that may reject a change with a reason.
//
// Guarantees: applying is idempotent and commutative (a replica's state is a function of the
// set of changes it holds); a batch is one transaction in which each change is all-or-nothing
// (a rejected change leaves no trace and does not stop the others); nothing is dropped
// silently. A change whose (origin, seq) is already held with other content is rejected.
//
// Thread-safety: as for the Store (one thread at a time per Store object).
// Failure: per-change problems are results, not exceptions; apply_changes() throws
// doorstep::Error only when the database itself fails (then nothing of the batch is stored).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/sync/change.h"

namespace doorstep::store {
class Store;
}

namespace doorstep::sync {

// A position in a replica's local log (its arrival order). Meaningful only to the replica
// that issued it; peers keep it opaque. 0 = the beginning.
struct Cursor {
  uint64_t position = 0;

  std::string to_string() const;
  // Error(InvalidArgument) for text that is not a cursor.
  static Cursor parse(std::string_view text);
};

struct ChangesPage {
  std::vector<SignedChange> changes;  // in the replica's arrival order
  Cursor next;                        // ask again from here
  bool complete = true;               // false when `limit` cut the page short
};

// The changes `store` holds after `after`, at most `limit`, only those whose grid lies
// within `scope_prefix` (a grid path prefix; "" = everything, county-level changes included).
ChangesPage changes_since(const store::Store& store, const Cursor& after, size_t limit,
                          std::string_view scope_prefix = "");

// As changes_since, in wire form (sync::encode) straight from the stored bytes: what an
// outbox sends, without decoding and re-encoding each change.
struct EncodedChange {
  std::string origin;
  std::string wire;
};
struct EncodedPage {
  std::vector<EncodedChange> changes;
  Cursor next;
  bool complete = true;
};
EncodedPage encoded_changes_since(const store::Store& store, const Cursor& after, size_t limit,
                                  std::string_view scope_prefix = "");

// One held change in wire form with the household it edits ("" if county-level), or nullopt
// if the store does not hold (origin, seq): what a sync offers again after a rejection.
struct HeldChange {
  std::string wire;
  std::string household;
};
std::optional<HeldChange> held_change(const store::Store& store, const std::string& origin,
                                      uint64_t seq);

// How many changes after `after` within `scope_prefix` ("" = all) are not authored by
// `except_origin`: what next_page_for would offer that peer, counted without reading them.
uint64_t count_changes_since(const store::Store& store, const Cursor& after,
                             std::string_view scope_prefix, const std::string& except_origin);

enum class ApplyStatus { Applied, Duplicate, Rejected };
const char* to_string(ApplyStatus status);

struct ApplyResult {
  std::string origin;
  uint64_t seq = 0;
  ApplyStatus status = ApplyStatus::Applied;
  ErrorCode code = ErrorCode::Internal;  // for Rejected: BadSignature, Conflict, Corrupt, ...
  std::string reason;                    // for Rejected: what is wrong, naming op and field
};

struct ApplyReport {
  std::vector<ApplyResult> results;  // one per input change, in input order
  size_t count(ApplyStatus status) const;
};

// A rejection by an admission check.
struct Rejection {
  ErrorCode code = ErrorCode::OutOfScope;
  std::string reason;
};

struct VerifyPolicy {
  // The public key trusted for a device id, or nullopt if the device is unknown. Unset:
  // the store's trust table.
  std::function<std::optional<crypto::PublicKey>(const std::string& device_id)> key_for;
  // Called after the signature verified; return a Rejection to refuse the change (scope,
  // role, revocation). Unset: every verified change is admitted.
  std::function<std::optional<Rejection>(const SignedChange& change)> admit;
};

// Applies a batch in one transaction, each change on its own (see above).
ApplyReport apply_changes(store::Store& store, const std::vector<SignedChange>& batch,
                          const VerifyPolicy& policy = {});

// As apply_changes, for changes in their wire form (sync::encode); a change that does not
// decode is reported Rejected (Corrupt) with origin "" and seq 0. `before_commit`, if set,
// runs inside the batch's transaction after the last change (sync bookkeeping that must be
// atomic with the batch).
ApplyReport apply_encoded(store::Store& store, const std::vector<std::string>& batch,
                          const VerifyPolicy& policy = {},
                          const std::function<void(const ApplyReport&)>& before_commit = {});

// The highest seq held per origin device: a summary a peer may use to skip a pull.
std::vector<std::pair<std::string, uint64_t>> max_seq_by_origin(const store::Store& store);

}  // namespace doorstep::sync
