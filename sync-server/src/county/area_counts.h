// AreaCounts: counts kept for the whole scope and for each township, village and grid that a
// report's items lie in — the "totals" and "areas" every report shows (docs/reports.md).
//
// The counts of one area are a JSON object of whole numbers (and nested objects of them)
// that starts as a copy of `zero`; add() hands the caller each of the four objects an item
// counts in (the totals, its township, its village, its grid) to increment. Memory grows with
// the divisions, not with the items.
//
// Ownership: owns its counts. Thread-safety: one thread at a time. Failure: nothing throws
// beyond nlohmann::json's own type errors for a caller that increments a non-number.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "county/division_names.h"

namespace doorstep::server {

class AreaCounts {
 public:
  explicit AreaCounts(nlohmann::json zero);

  // Calls `count` on the totals and on the counts of the township, village and grid of
  // `grid` (each made from zero the first time).
  void add(const std::string& grid, const std::function<void(nlohmann::json&)>& count);

  const nlohmann::json& totals() const { return totals_; }
  // [{"level": "township" | "village" | "grid", "code", "name", ...the counts}], by code (so
  // that each township is followed by its villages, each village by its grids).
  nlohmann::json areas(const DivisionNames& names) const;

 private:
  nlohmann::json zero_;
  nlohmann::json totals_;
  std::map<std::string, nlohmann::json> areas_;  // code -> counts
};

// Adds one to counts[key] (a whole number), creating it at 0 first.
void bump(nlohmann::json& counts, const std::string& key);

}  // namespace doorstep::server
