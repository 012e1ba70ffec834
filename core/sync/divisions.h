// Divisions: reading a county's grid hierarchy (townships, villages, grids) from the files
// counties have — the cn-admin-divisions/1 JSON of tests/data/external
// (ningxia_divisions.json), a JSON array of {"path" or "code", "name"}, or a CSV with a
// header "code,name" (or "path,name").
//
// Codes may be GB/T 2260 / NBS statistical codes (9 digits = township, 12 = village) or
// Doorstep grid paths ("640323.101.200.07"); both become grid paths. Entries of other
// counties are skipped (a province-wide file serves every county).
//
// Failure: Error(InvalidArgument) naming the file, line (CSV) or item index (JSON) and what
// is wrong. Thread-safety: pure functions.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace doorstep::sync {

struct Division {
  std::string path;  // a grid scope: COUNTY.TOWNSHIP[.VILLAGE[.GRID]]
  std::string name;
};

// A GB code (6, 9 or 12 digits) or a dotted path as a grid path; throws naming `where`.
std::string division_path(const std::string& code, const std::string& where);

std::vector<Division> read_divisions(const std::filesystem::path& file,
                                     const std::string& county_code);

}  // namespace doorstep::sync
