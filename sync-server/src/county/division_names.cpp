// The county's division names and the divisions a grid path lies in.
#include "county/division_names.h"

namespace doorstep::server {
namespace {

// The first `parts` dot-separated parts of `path` ("" if it has fewer).
std::string leading_parts(const std::string& path, int parts) {
  size_t end = 0;
  for (int i = 0; i < parts; ++i) {
    end = path.find('.', i == 0 ? 0 : end + 1);
    if (end == std::string::npos) return i + 1 == parts ? path : std::string();
  }
  return path.substr(0, end);
}

}  // namespace

DivisionNames::DivisionNames(const nlohmann::json& grids) {
  if (!grids.is_array()) return;
  for (const auto& division : grids) {
    if (!division.is_object()) continue;
    auto path = division.find("path");
    auto name = division.find("name");
    if (path != division.end() && path->is_string() && name != division.end() && name->is_string())
      names_[path->get<std::string>()] = name->get<std::string>();
  }
}

std::string DivisionNames::name_of(const std::string& path) const {
  auto it = names_.find(path);
  return it == names_.end() ? std::string() : it->second;
}

std::string DivisionNames::township_of(const std::string& grid) {
  return leading_parts(grid, 2);
}

std::string DivisionNames::village_of(const std::string& grid) {
  return leading_parts(grid, 3);
}

nlohmann::json DivisionNames::divisions_of(const std::string& grid) const {
  std::string township = township_of(grid), village = village_of(grid);
  return {{"township_code", township},
          {"township_name", name_of(township)},
          {"village_code", village},
          {"village_name", name_of(village)},
          {"grid", grid},
          {"grid_name", name_of(grid)}};
}

}  // namespace doorstep::server
