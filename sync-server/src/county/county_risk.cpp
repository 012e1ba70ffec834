// CountyRisk: the county store's risk levels, as the core keeps them.
#include "county/county_risk.h"

#include "county/county_tables.h"

namespace doorstep::server {
namespace {

constexpr const char* kRiskOf = "SELECT risk FROM household_risk WHERE household = ?1";
constexpr const char* kNewestVisitLevel =
    "SELECT level FROM visits WHERE household = ?1 "
    "ORDER BY wall DESC, counter DESC, op_key DESC LIMIT 1";
constexpr const char* kAllLevels = "SELECT household, level FROM household_risk";
constexpr const char* kLevelOf =
    "SELECT level, monitoring_type FROM household_risk WHERE household = ?1";

}  // namespace

CountyRisk::CountyRisk(sqlite::Database& county_db, const std::filesystem::path& data_dir)
    : db_(county_db) {
  migrate_county_tables(db_, data_dir);
}

std::optional<nlohmann::json> CountyRisk::risk_of(const std::string& household) const {
  auto& query = db_.cached(kRiskOf).bind(1, household);
  if (!query.step()) {
    query.reset();
    return std::nullopt;
  }
  nlohmann::json risk = nlohmann::json::parse(query.text(0), nullptr, false);
  query.reset();
  if (!risk.is_object()) return std::nullopt;
  auto& visit = db_.cached(kNewestVisitLevel).bind(1, household);
  std::string device_level = visit.step() ? visit.text(0) : std::string();
  visit.reset();
  risk["device_level"] = device_level.empty() ? nlohmann::json() : nlohmann::json(device_level);
  risk["computed_by"] = "county";
  return risk;
}

std::map<std::string, std::string> CountyRisk::levels() const {
  std::map<std::string, std::string> out;
  auto& query = db_.cached(kAllLevels);
  while (query.step()) out[query.text(0)] = query.text(1);
  query.reset();
  return out;
}

std::optional<CountyRisk::Level> CountyRisk::level_of(const std::string& household) const {
  auto& query = db_.cached(kLevelOf).bind(1, household);
  std::optional<Level> out;
  if (query.step()) out = Level{query.text(0), query.text(1)};
  query.reset();
  return out;
}

}  // namespace doorstep::server
