// CountyRisk: the county's own evaluation of each household's risk level. After every push,
// the server re-runs the risk rules of the visit form (the same form engine as the phones,
// core/forms) on the answers of each newly stored visit, with the county's parameters, and
// keeps the result for the household if that visit is its newest. The county record shows
// these levels, not the ones phones computed: a phone with an old form version or a
// tampered build cannot decide a household's level.
//
// Stored in the county store's file DIR/county.db (table county_risk, county_tables.h), keyed
// by household, and written in the transaction of the push that brought the visit: a crash
// never leaves a stored visit without its county level. Forms come from DIR/forms
// (matched by settings.form_id and settings.version); parameters from settings.json
// "params" (else the form's defaults). A visit whose form version the county does not have
// keeps the phone's level and is counted as unevaluated. Each form version is loaded once,
// on its first visit, and kept for the life of the server.
//
// Ownership: borrows the county store's Database. Thread-safety: one thread at a time (under
// the county lock). Failure: a form that fails to evaluate is logged as unevaluated, never
// fails the push that brought the visit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/forms/form_definition.h"
#include "core/store/sqlite.h"

namespace doorstep::server {

struct RiskEvaluationReport {
  size_t evaluated = 0;    // visits whose level the county computed
  size_t unevaluated = 0;  // visits of a form version the county lacks, or that failed
};

class CountyRisk {
 public:
  // Brings the county store's server tables up to date (county_tables.h) and reads the forms
  // and parameters of DIR.
  CountyRisk(sqlite::Database& county_db, const std::filesystem::path& data_dir);

  // Evaluates the visits created by `changes` (wire form, as pushed), except those of the
  // changes listed in `rejected` as (origin, seq). Writes in the caller's transaction.
  RiskEvaluationReport evaluate(const std::vector<std::vector<uint8_t>>& changes,
                                const std::set<std::pair<std::string, uint64_t>>& rejected);

  // household id -> {"level", "rules", "monitoring_type", "calculated": {NAME: value} (the
  // form's household-level calculations, as node strings), "visit", "form_version",
  // "device_level"}.
  std::optional<nlohmann::json> risk_of(const std::string& household) const;
  // household id -> level, for every household the county evaluated.
  std::map<std::string, std::string> levels() const;

 private:
  struct Form {
    std::string text;  // the definition as read from DIR/forms
    // Loaded on first use and kept (a visit is evaluated without re-reading its form);
    // null until then, or if the definition has issues (its visits stay unevaluated).
    std::shared_ptr<const forms::FormDefinition> loaded;
    bool tried = false;
  };
  const forms::FormDefinition* form_for(const std::string& key);

  sqlite::Database& db_;
  std::map<std::string, Form> forms_;          // "FORM_ID@VERSION" -> the form
  std::map<std::string, std::string> params_;  // the county's parameters, as node strings
  std::string params_error_;                   // why settings.json "params" is unusable
};

}  // namespace doorstep::server
