// DivisionNames: the names of the county's townships, villages and grids (the divisions of
// `doorstep-server grid list`, CountyAuthority::grids()), and the township and village a grid
// path lies in — what every report and export shows beside a code.
//
// Grid paths are COUNTY.TOWNSHIP.VILLAGE.GRID ("640323.101.200.01"); the township is the
// first two parts, the village the first three.
//
// Ownership: holds its own copy of the names. Thread-safety: immutable after construction.
// Failure: nothing throws; a division without a name gets "".
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace doorstep::server {

class DivisionNames {
 public:
  DivisionNames() = default;
  // From CountyAuthority::grids(): [{"path", "name", ...}].
  explicit DivisionNames(const nlohmann::json& grids);

  // The name of the division at `path`, or "".
  std::string name_of(const std::string& path) const;
  // Every division's path -> name.
  const std::map<std::string, std::string>& all() const { return names_; }

  // The first two / three parts of a grid path ("" for a path with fewer parts).
  static std::string township_of(const std::string& grid);
  static std::string village_of(const std::string& grid);

  // {"township_code", "township_name", "village_code", "village_name", "grid", "grid_name"}
  // of a household's grid, as the register and the reports' lists show it.
  nlohmann::json divisions_of(const std::string& grid) const;

 private:
  std::map<std::string, std::string> names_;
};

}  // namespace doorstep::server
