// The op log: appending a verified change to the grow-only log and folding its ops into the
// materialized state (heads, current field values, records, visits) in the same transaction.
//
// Local edits and changes received from peers take this one path, so a replica's state
// depends only on the set of changes it holds. append_change() must run inside a
// transaction (the caller's), and leaves the database unchanged when it throws.
//
// Scope comes from the record: a change of a household this replica holds must state a grid
// the household has lived at (its create's, or one a move took it to), and may not create it
// again. A change of a household not held yet (a relay delivered it before the create) is
// kept in the log and folded when the household becomes known at the grid it states; until
// then it takes no effect. Whatever the order of arrival, the state is the same.
//
// Thread-safety: uses the caller's Database; one thread at a time.
// Failure: Error(Conflict) when (origin, seq) is held with other content or the change creates
// a household already held; Error(OutOfScope) when it states a grid its household never lived
// at (the message names the change, the household and both grids); SQLite errors.
#pragma once

#include <string>
#include <vector>

#include "core/crypto/hash.h"
#include "core/store/sqlite.h"
#include "core/sync/change.h"
#include "core/sync/merge.h"

namespace doorstep::store {

enum class AppendResult { Applied, Duplicate };

// Appends `change` (already validated and verified) whose canonical bytes and hash are given.
AppendResult append_change(sqlite::Database& db, const sync::SignedChange& change,
                           const std::string& canonical, const crypto::Digest& hash);

// The hash of the held change (origin, seq), or "" if it is not held.
std::string held_change_hash(sqlite::Database& db, const std::string& origin, uint64_t seq);

// The heads of one field, sorted by op key.
std::vector<sync::HeadValue> field_heads(sqlite::Database& db, const std::string& record_id,
                                         const std::string& field);

// The op ids of those heads (what a new op on the field supersedes).
std::vector<sync::OpId> head_ids(sqlite::Database& db, const std::string& record_id,
                                 const std::string& field);

// Pred keys as stored in ops.pred: space-separated op keys.
std::string join_keys(const std::vector<sync::OpId>& ids);
std::vector<std::string> split_keys(const std::string& text);

}  // namespace doorstep::store
