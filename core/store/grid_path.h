// GridPath: where a household lives, COUNTY.TOWNSHIP.VILLAGE.GRID after GB/T 2260, e.g.
// "640323.101.200.07" = county 640323, township 640323101, village 640323101200, grid 07.
// A scope is any leading part of a path ("640323.101" = a whole township).
//
// Format: COUNTY is 6 digits, TOWNSHIP 3 digits, VILLAGE 3 digits, GRID 2 or more digits
// (at most 6). A full path has all four parts; a scope has 1 to 4.
//
// Thread-safety: pure functions. Failure: validate_*() throw doorstep::Error(InvalidArgument)
// naming the part and character offset that is wrong.
#pragma once

#include <string>
#include <string_view>

namespace doorstep::store {

// Throws unless `path` is a full grid path (four parts).
void validate_grid_path(std::string_view path);
// Throws unless `scope` is a grid path prefix of one to four whole parts.
void validate_grid_scope(std::string_view scope);
bool is_valid_grid_path(std::string_view path) noexcept;
bool is_valid_grid_scope(std::string_view scope) noexcept;

// True if `path` lies within `scope` (whole parts: "640323.1" is not a prefix of
// "640323.101..."). The empty scope contains everything.
bool grid_within(std::string_view path, std::string_view scope) noexcept;

}  // namespace doorstep::store
