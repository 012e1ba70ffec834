#include "core/sync/merge.h"

#include <algorithm>
#include <set>

#include "core/common/error.h"

namespace doorstep::sync {

const char* to_string(FieldRule rule) {
  switch (rule) {
    case FieldRule::Review: return "review";
    case FieldRule::Lww: return "lww";
  }
  return "review";
}

FieldRule field_rule_from_string(std::string_view name) {
  if (name == "review") return FieldRule::Review;
  if (name == "lww") return FieldRule::Lww;
  throw Error(ErrorCode::InvalidArgument,
              "unknown merge rule '" + std::string(name) + "' (known: review, lww)");
}

bool wins_over(const HeadValue& a, const HeadValue& b) {
  if (a.time != b.time) return a.time > b.time;
  return a.op_key > b.op_key;
}

size_t provisional_winner(const std::vector<HeadValue>& heads) {
  size_t best = 0;
  for (size_t i = 1; i < heads.size(); ++i)
    if (wins_over(heads[i], heads[best])) best = i;
  return best;
}

bool has_conflict(const std::vector<HeadValue>& heads) {
  for (size_t i = 1; i < heads.size(); ++i)
    if (heads[i].value != heads[0].value) return true;
  return false;
}

bool listed_for_review(FieldRule rule, const std::vector<HeadValue>& heads) {
  return rule == FieldRule::Review && has_conflict(heads);
}

std::map<std::pair<std::string, std::string>, FieldState> fold(const std::vector<FieldOp>& ops) {
  std::map<std::pair<std::string, std::string>, std::set<std::string>> superseded;
  for (const FieldOp& op : ops)
    superseded[{op.record_id, op.field}].insert(op.pred_keys.begin(), op.pred_keys.end());
  std::map<std::pair<std::string, std::string>, FieldState> state;
  for (const FieldOp& op : ops) {
    auto key = std::make_pair(op.record_id, op.field);
    FieldState& field = state[key];
    if (!superseded[key].count(op.op_key)) field.heads.push_back({op.op_key, op.value, op.time});
  }
  for (auto it = state.begin(); it != state.end();) {
    FieldState& field = it->second;
    if (field.heads.empty()) {
      it = state.erase(it);  // only a pred cycle (forged) can leave a field without heads
      continue;
    }
    std::sort(field.heads.begin(), field.heads.end(),
              [](const HeadValue& a, const HeadValue& b) { return a.op_key < b.op_key; });
    field.heads.erase(
        std::unique(field.heads.begin(), field.heads.end(),
                    [](const HeadValue& a, const HeadValue& b) { return a.op_key == b.op_key; }),
        field.heads.end());
    field.winner = provisional_winner(field.heads);
    field.conflict = has_conflict(field.heads);
    ++it;
  }
  return state;
}

}  // namespace doorstep::sync
