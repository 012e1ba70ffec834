// CountyRisk: the county's view of each household's risk level. The level is the county
// store's own (core/store Store::household_risk): the form's rules evaluated over the
// household's merged state with the county settings, recomputed by the core in the
// transaction of every change that touches the household — the code every phone runs too,
// so a phone and the county holding the same state show the same level. The forms are those
// of DIR/forms (installed into the county store when it opens), the parameters those of the
// county settings record (`doorstep-server settings`).
//
// Ownership: borrows the county store's Database. Thread-safety: one thread at a time (under
// the county lock). Failure: SQLite errors as doorstep::Error.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/store/sqlite.h"

namespace doorstep::server {

class CountyRisk {
 public:
  // Brings the county store's server tables up to date (county_tables.h).
  CountyRisk(sqlite::Database& county_db, const std::filesystem::path& data_dir);

  // household id -> {"level", "monitoring_type", "rules", "form_version", "device_level",
  // "computed_by": "county"}; device_level is what the newest visit's device showed.
  std::optional<nlohmann::json> risk_of(const std::string& household) const;
  // household id -> level, for every household the county classified.
  std::map<std::string, std::string> levels() const;

  // The level and the suggested monitoring type ("" for none) the county computed for one
  // household, without its whole risk; nullopt when it has none. For scans of the county.
  struct Level {
    std::string level;
    std::string monitoring_type;
  };
  std::optional<Level> level_of(const std::string& household) const;

 private:
  sqlite::Database& db_;
};

}  // namespace doorstep::server
