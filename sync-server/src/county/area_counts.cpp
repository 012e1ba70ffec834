// Counts by township, village and grid.
#include "county/area_counts.h"

namespace doorstep::server {
namespace {

// The level of a division by the parts of its path: COUNTY.TOWNSHIP[.VILLAGE[.GRID]].
const char* level_of(const std::string& code) {
  size_t dots = 0;
  for (char c : code) dots += c == '.' ? 1 : 0;
  return dots <= 1 ? "township" : dots == 2 ? "village" : "grid";
}

}  // namespace

AreaCounts::AreaCounts(nlohmann::json zero) : zero_(std::move(zero)), totals_(zero_) {}

void AreaCounts::add(const std::string& grid, const std::function<void(nlohmann::json&)>& count) {
  count(totals_);
  for (const std::string& code :
       {DivisionNames::township_of(grid), DivisionNames::village_of(grid), grid}) {
    if (code.empty()) continue;
    auto [it, fresh] = areas_.try_emplace(code, zero_);
    count(it->second);
  }
}

nlohmann::json AreaCounts::areas(const DivisionNames& names) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [code, counts] : areas_) {
    nlohmann::json row = {{"level", level_of(code)}, {"code", code}, {"name", names.name_of(code)}};
    row.update(counts);
    list.push_back(std::move(row));
  }
  return list;
}

void bump(nlohmann::json& counts, const std::string& key) {
  auto it = counts.find(key);
  if (it == counts.end() || !it->is_number_integer()) {
    counts[key] = 1;
    return;
  }
  *it = it->get<int64_t>() + 1;
}

}  // namespace doorstep::server
