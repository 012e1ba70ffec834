// ChangeLimits: the county's size limits on what one change may carry — a visit's bytes, a
// text answer's bytes, the members one change registers, and the change's own bytes — so
// that a change that could never be pushed (the server takes at most 32 MiB a request) or
// that would cost a replica gigabytes to apply can never be created, and is refused cheaply
// with a reason if one arrives anyway.
//
// The limits are county settings (DIR/settings.json, handed to every device at enrollment;
// docs/forms.md, "County limits"). A device's store applies those of its enrollment, the
// defaults before it is enrolled; the county's server those of its settings.json. Sizes are
// measured on the canonical JSON the change stores: a text's bytes are those of its JSON
// string literal without the quotes, a visit's those of its canonical content.
//
// Thread-safety: plain values and pure functions.
// Failure: from_settings() throws Error(InvalidArgument) naming the setting; the checks
// return the reason (a change on its way in is rejected, not thrown) or throw
// Error(InvalidArgument) naming the answer (check_visit_answers, where a visit is made).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/sync/change.h"

namespace doorstep::sqlite {
class Database;
}

namespace doorstep::sync {

struct ChangeLimits {
  uint64_t max_visit_bytes = 1024 * 1024;
  uint64_t max_text_answer_bytes = 64 * 1024;
  uint64_t max_members_per_household = 500;
  uint64_t max_change_bytes = 8 * 1024 * 1024;

  // The highest max_change_bytes a county may set: a change of that size still fits one push
  // request, whatever else the page holds.
  static constexpr uint64_t kCeilingChangeBytes = 16 * 1024 * 1024;

  // The limits a settings object sets (each by its name above, the default when absent).
  // Error(InvalidArgument) naming the setting for a value that is not a positive integer,
  // or a max_change_bytes above kCeilingChangeBytes.
  static ChangeLimits from_settings(const nlohmann::json& settings);
  // {"max_visit_bytes": n, ...}: the form from_settings() reads.
  nlohmann::json to_json() const;
};

// Why `change` (whose canonical bytes are `canonical_size` long) breaks `limits`, naming the
// record, the field and the setting; nullopt if it keeps them. Linear in the change's size;
// parses nothing.
std::optional<std::string> exceeded_limit(const Change& change, size_t canonical_size,
                                          const ChangeLimits& limits);

// A visit's answers (as given to the store, before the form is evaluated) against `limits`:
// Error(InvalidArgument) naming the answer ("answers.notes", "answers.members[3].name") and
// the setting. Checks the texts of answers and members, the members' count and the whole
// answers' size.
void check_visit_answers(const nlohmann::json& answers, const ChangeLimits& limits);

// The limits of the county settings a device was enrolled with (its sync state's
// "enrollment" item), the defaults if it is not enrolled. Settings that do not parse as
// limits give the defaults too: the county checks again at ingest.
ChangeLimits enrolled_limits(sqlite::Database& db);

}  // namespace doorstep::sync
