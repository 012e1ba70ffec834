// The county record, read side: households by grid prefix and level (paged) and counts by
// level per township / village / grid — the same answers for the HTTPS endpoints and for
// `doorstep-server households / summary` (the CSV export is county_export.h).
//
// Levels: the county's own evaluation (county_risk.h) where it has one, given as
// `county_levels` (household id -> level); else the level the phone computed.
//
// Thread-safety: as the Store (one thread at a time). Failure: doorstep::Error
// InvalidArgument naming a bad grid prefix, level, `by` or paging value.
#pragma once

#include <cstddef>
#include <map>
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

}  // namespace doorstep::server
