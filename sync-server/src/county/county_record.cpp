// The county record's queries: paging and level counts.
#include "county/county_record.h"

#include <map>

#include "core/common/error.h"
#include "core/store/grid_path.h"

namespace doorstep::server {
namespace {

// The first `parts` dot-separated parts of a grid path.
std::string leading_parts(const std::string& path, int parts) {
  size_t end = 0;
  for (int i = 0; i < parts; ++i) {
    end = path.find('.', end == 0 && i == 0 ? 0 : end + 1);
    if (end == std::string::npos) return path;
  }
  return path.substr(0, end);
}

std::string level_of(const nlohmann::json& row) {
  return row.contains("level") && row["level"].is_string() ? row["level"].get<std::string>()
                                                           : "none";
}

// The store's households in `prefix` with the county's levels laid over the phones', then
// filtered by `level` ("" = all).
nlohmann::json with_county_levels(const store::Store& store, const CountyLevels& county_levels,
                                  const std::string& prefix, const std::string& level) {
  if (!level.empty() && level != "red" && level != "yellow" && level != "green")
    throw Error(ErrorCode::InvalidArgument,
                "level '" + level + "' is not one of red, yellow, green");
  nlohmann::json out = nlohmann::json::array();
  for (auto& row : store.households(prefix, "")) {
    if (auto it = county_levels.find(row["id"].get<std::string>()); it != county_levels.end())
      row["level"] = it->second;
    if (level.empty() || level_of(row) == level) out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

nlohmann::json households_page(const store::Store& store, const CountyLevels& county_levels,
                               const std::string& grid_prefix, const std::string& level,
                               size_t offset, size_t limit) {
  if (limit == 0 || limit > kMaxPageSize)
    throw Error(ErrorCode::InvalidArgument, "limit must be 1.." + std::to_string(kMaxPageSize));
  nlohmann::json all = with_county_levels(store, county_levels, grid_prefix, level);
  nlohmann::json page = nlohmann::json::array();
  for (size_t i = offset; i < all.size() && i < offset + limit; ++i) page.push_back(all[i]);
  bool more = offset + limit < all.size();
  return {{"households", page},
          {"total", all.size()},
          {"offset", offset},
          {"limit", limit},
          {"next_offset", more ? nlohmann::json(offset + limit) : nlohmann::json()}};
}

nlohmann::json level_summary(const store::Store& store, const CountyLevels& county_levels,
                             const std::string& by, const std::string& scope) {
  int parts = by == "township" ? 2 : by == "village" ? 3 : by == "grid" ? 4 : 0;
  if (parts == 0)
    throw Error(ErrorCode::InvalidArgument,
                "by '" + by + "' is not one of township, village, grid");
  auto zero = [] {
    return nlohmann::json{{"red", 0}, {"yellow", 0}, {"green", 0}, {"none", 0}, {"total", 0}};
  };
  std::map<std::string, nlohmann::json> rows;
  nlohmann::json totals = zero();
  for (const auto& household : with_county_levels(store, county_levels, scope, "")) {
    std::string division = leading_parts(household["grid"].get<std::string>(), parts);
    auto [it, fresh] = rows.try_emplace(division, zero());
    std::string level = level_of(household);
    it->second[level] = it->second[level].get<int64_t>() + 1;
    it->second["total"] = it->second["total"].get<int64_t>() + 1;
    totals[level] = totals[level].get<int64_t>() + 1;
    totals["total"] = totals["total"].get<int64_t>() + 1;
  }
  nlohmann::json list = nlohmann::json::array();
  for (auto& [division, row] : rows) {
    row["division"] = division;
    list.push_back(row);
  }
  return {{"by", by}, {"scope", scope}, {"rows", list}, {"totals", totals}};
}

}  // namespace doorstep::server
