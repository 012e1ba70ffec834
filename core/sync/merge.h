// Field merge: each field of each record is a multi-value register.
//
// Its heads are the ops on that field that no other held op supersedes (lists it in pred).
// One head = one value. Several heads with different values = a conflict: every value stays
// readable, a provisional winner is shown — the head with the latest HLC time, ties broken
// by the greater op key — and a resolve op whose pred lists all heads closes it. Heads with
// equal values are not a conflict. Because heads depend only on the set of ops held, state
// is the same on every replica holding the same ops, whatever the order of arrival.
//
// Per-field rules (declared by forms, passed to the store as plain data) decide how several
// heads are presented: `review` (default) lists them as a conflict to resolve; `lww` shows
// the provisional winner alone and lists no conflict. Both keep all heads, so changing a
// rule never loses a value. (authority, max, set-union come later; docs/merge.md.)
//
// Thread-safety: pure functions. Failure: field_rule_from_string throws InvalidArgument.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/sync/hlc.h"

namespace doorstep::sync {

enum class FieldRule { Review, Lww };
const char* to_string(FieldRule rule);
FieldRule field_rule_from_string(std::string_view name);

struct HeadValue {
  std::string op_key;
  std::string value;  // canonical JSON
  Hlc time;
};

// True if `a` wins over `b` as provisional winner.
bool wins_over(const HeadValue& a, const HeadValue& b);
// Index of the provisional winner; `heads` must not be empty.
size_t provisional_winner(const std::vector<HeadValue>& heads);
// More than one distinct value among the heads.
bool has_conflict(const std::vector<HeadValue>& heads);
// Whether the conflict is listed for review under `rule`.
bool listed_for_review(FieldRule rule, const std::vector<HeadValue>& heads);

// One field op as the fold sees it.
struct FieldOp {
  std::string record_id;
  std::string field;
  std::string op_key;
  std::string value;
  Hlc time;
  std::vector<std::string> pred_keys;
};

struct FieldState {
  std::vector<HeadValue> heads;  // sorted by op key
  size_t winner = 0;
  bool conflict = false;
};

// The registers of every (record, field) from a set of ops, in any order: the reference
// the store's incremental state is checked against.
std::map<std::pair<std::string, std::string>, FieldState> fold(const std::vector<FieldOp>& ops);

}  // namespace doorstep::sync
