// The county's size limits: reading them from settings and checking changes and answers.
#include "core/sync/change_limits.h"

#include <algorithm>
#include <string_view>

#include "core/common/error.h"
#include "core/sync/sync_state.h"

namespace doorstep::sync {
namespace {

struct Setting {
  const char* name;
  uint64_t ChangeLimits::*value;
};
constexpr Setting kSettings[] = {
    {"max_visit_bytes", &ChangeLimits::max_visit_bytes},
    {"max_text_answer_bytes", &ChangeLimits::max_text_answer_bytes},
    {"max_members_per_household", &ChangeLimits::max_members_per_household},
    {"max_change_bytes", &ChangeLimits::max_change_bytes},
};

// The bytes of the longest string literal in a canonical JSON text (without its quotes): a
// scan, not a parse, so no value however nested costs more than its length.
size_t longest_text(std::string_view json) {
  size_t longest = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '"') continue;
    size_t start = ++i;
    while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
    longest = std::max(longest, std::min(i, json.size()) - start);
  }
  return longest;
}

// A JSON string literal's bytes without its quotes, 0 for a value that is not a string.
size_t text_bytes(std::string_view json) {
  return json.size() >= 2 && json.front() == '"' ? json.size() - 2 : 0;
}

std::string at_most(uint64_t limit, const char* setting) {
  return "the county allows at most " + std::to_string(limit) + " (" + setting + ")";
}

void check_text(const nlohmann::json& value, const std::string& where, const ChangeLimits& limits) {
  if (!value.is_string() && !value.is_structured()) return;
  std::string canonical = canonical_json(value);
  size_t bytes = value.is_string() ? text_bytes(canonical) : longest_text(canonical);
  if (bytes > limits.max_text_answer_bytes)
    throw Error(ErrorCode::InvalidArgument,
                where + " holds a text of " + std::to_string(bytes) + " bytes; " +
                    at_most(limits.max_text_answer_bytes, "max_text_answer_bytes") +
                    " bytes per text answer");
}

}  // namespace

ChangeLimits ChangeLimits::from_settings(const nlohmann::json& settings) {
  ChangeLimits limits;
  if (!settings.is_object()) return limits;
  for (const auto& setting : kSettings) {
    auto it = settings.find(setting.name);
    if (it == settings.end() || it->is_null()) continue;
    if (!it->is_number_integer() || it->get<int64_t>() < 1)
      throw Error(ErrorCode::InvalidArgument, std::string("county settings: ") + setting.name +
                                                  " must be a positive integer, not " + it->dump());
    limits.*setting.value = it->get<uint64_t>();
  }
  if (limits.max_change_bytes > kCeilingChangeBytes)
    throw Error(ErrorCode::InvalidArgument,
                "county settings: max_change_bytes " + std::to_string(limits.max_change_bytes) +
                    " is above " + std::to_string(kCeilingChangeBytes) +
                    ", the most one push request can carry with room to spare");
  return limits;
}

nlohmann::json ChangeLimits::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& setting : kSettings) out[setting.name] = this->*setting.value;
  return out;
}

std::optional<std::string> exceeded_limit(const Change& change, size_t canonical_size,
                                          const ChangeLimits& limits) {
  // Texts of fields first: the most precise name for the commonest excess.
  for (const Op& op : change.ops) {
    if (op.kind == OpKind::Create) continue;
    if (size_t bytes = text_bytes(op.value); bytes > limits.max_text_answer_bytes)
      return "field '" + op.field + "' of " + op.record_type + " " + op.record_id +
             " holds a text of " + std::to_string(bytes) + " bytes; " +
             at_most(limits.max_text_answer_bytes, "max_text_answer_bytes") + " per text answer";
  }
  uint64_t members = 0;
  for (const Op& op : change.ops) {
    if (op.kind != OpKind::Create) continue;
    if (op.record_type == "member") ++members;
    if (op.record_type != "visit") continue;
    if (op.value.size() > limits.max_visit_bytes)
      return "visit " + op.record_id + " has " + std::to_string(op.value.size()) + " bytes; " +
             at_most(limits.max_visit_bytes, "max_visit_bytes") + " per visit";
    if (size_t bytes = longest_text(op.value); bytes > limits.max_text_answer_bytes)
      return "visit " + op.record_id + " holds a text of " + std::to_string(bytes) + " bytes; " +
             at_most(limits.max_text_answer_bytes, "max_text_answer_bytes") + " per text answer";
  }
  if (members > limits.max_members_per_household)
    return "the change registers " + std::to_string(members) + " members of household " +
           change.household + "; " +
           at_most(limits.max_members_per_household, "max_members_per_household") +
           " per household";
  if (canonical_size > limits.max_change_bytes)
    return "the change has " + std::to_string(canonical_size) + " bytes; " +
           at_most(limits.max_change_bytes, "max_change_bytes") + " per change";
  return std::nullopt;
}

void check_visit_answers(const nlohmann::json& answers, const ChangeLimits& limits) {
  if (!answers.is_object()) return;
  for (const auto& [name, value] : answers.items()) {
    std::string where = "answers." + name;
    if (name != "members" || !value.is_array()) {
      check_text(value, where, limits);
      continue;
    }
    if (value.size() > limits.max_members_per_household)
      throw Error(ErrorCode::InvalidArgument,
                  where + " lists " + std::to_string(value.size()) + " members; " +
                      at_most(limits.max_members_per_household, "max_members_per_household") +
                      " per household");
    for (size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_object()) continue;
      for (const auto& [field, answer] : value[i].items())
        check_text(answer, where + "[" + std::to_string(i) + "]." + field, limits);
    }
  }
  size_t bytes = canonical_json(answers).size();
  if (bytes > limits.max_visit_bytes)
    throw Error(ErrorCode::InvalidArgument,
                "the answers take " + std::to_string(bytes) + " bytes; " +
                    at_most(limits.max_visit_bytes, "max_visit_bytes") + " bytes per visit");
}

ChangeLimits enrolled_limits(sqlite::Database& db) {
  auto enrollment = SyncState(db).item("enrollment");
  if (!enrollment) return {};
  auto parsed = nlohmann::json::parse(*enrollment, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("settings")) return {};
  try {
    return ChangeLimits::from_settings(parsed["settings"]);
  } catch (const Error&) {
    return {};
  }
}

}  // namespace doorstep::sync
