// Merge rules as forms declare them: per field, how several heads are presented (the
// FieldRule of merge.h) and which role may close a conflict on it (the resolver). A form
// gives them with the "merge" key of a question (docs/forms.md, "Merge rules"):
//
//   "merge": "review" | "lww"
//   "merge": {"rule": "review" | "lww", "resolver": "village-leader"}
//
// The resolver is one of grid-worker < village-leader < township < county and defaults to
// village-leader: a grid worker may propose a value, a leader in scope decides. Store::resolve
// refuses a device whose role is below it, and every replica's admission (ChangeVerifier)
// rejects a resolve op from a device whose certified role is below it.
//
// Thread-safety: pure functions. Failure: Error(InvalidArgument) naming `where` and what is
// wrong.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/crypto/certificate.h"
#include "core/sync/merge.h"

namespace doorstep::sync {

inline constexpr crypto::DeviceRole kDefaultResolver = crypto::DeviceRole::VillageLeader;

struct MergeRule {
  FieldRule rule = FieldRule::Review;
  crypto::DeviceRole resolver = kDefaultResolver;

  MergeRule() = default;
  MergeRule(FieldRule r, crypto::DeviceRole who = kDefaultResolver)  // NOLINT: a bare rule
      : rule(r), resolver(who) {}
  bool operator==(const MergeRule&) const = default;
};

// A "merge" value (string or object, above) as a rule; throws naming `where`.
MergeRule merge_rule_from_json(const nlohmann::json& value, const std::string& where);

// The merge rules of a form definition's survey items (groups and repeats included):
// field name -> rule, for every question with a "merge" key. Throws for a malformed one.
std::map<std::string, MergeRule> merge_rules_of_form(const nlohmann::json& form);

// Whether a device of `role` may resolve under `rule`.
inline bool may_resolve(crypto::DeviceRole role, const MergeRule& rule) {
  return static_cast<int>(role) >= static_cast<int>(rule.resolver);
}

// As kept in a store's merge_rules table: "review", "lww", or "RULE:RESOLVER" when the
// resolver is not the default (docs/schema.md). from_stored throws Corrupt for other text.
std::string to_stored(const MergeRule& rule);
MergeRule from_stored(std::string_view text);

}  // namespace doorstep::sync
