// The county record, read side: households by grid prefix and level (paged), counts by
// level per township / village / grid, and the CSV export — the same answers for the HTTPS
// endpoints and for `doorstep-server households / summary / export`.
//
// Levels: the county's own evaluation (county_risk.h) where it has one, given as
// `county_levels` (household id -> level); else the level the phone computed.
//
// Thread-safety: as the Store (one thread at a time). Failure: doorstep::Error
// InvalidArgument naming a bad grid prefix, level, `by` or paging value.
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/store/store.h"

namespace doorstep::server {

using CountyLevels = std::map<std::string, std::string>;

inline constexpr size_t kDefaultPageSize = 100;
inline constexpr size_t kMaxPageSize = 1000;

// {"households": [{"id", "head_name", "grid", "level"}], "total", "offset", "limit",
//  "next_offset" (null on the last page)}
nlohmann::json households_page(const store::Store& store, const CountyLevels& county_levels,
                               const std::string& grid_prefix, const std::string& level,
                               size_t offset, size_t limit);

// by = township | village | grid. {"by", "scope", "rows": [{"division", "red", "yellow",
// "green", "none", "total"}], "totals": {...}} sorted by division.
nlohmann::json level_summary(const store::Store& store, const CountyLevels& county_levels,
                             const std::string& by, const std::string& scope);

// CSV (RFC 4180, UTF-8) of every household in `scope`: id, grid, township, village,
// head_name, level, rules. Returns the number of rows written (header excluded).
size_t export_households_csv(const store::Store& store, const CountyLevels& county_levels,
                             const std::string& scope, std::ostream& out);

}  // namespace doorstep::server
