// The departments whose lists a county compares with its households (部门信息比对): civil
// affairs (民政), medical insurance (医保), education (教育), the disabled persons' federation
// (残联), housing (住建) and human resources (人社). For each: the columns of its file, how a
// row's values are read, and what in a row (with what the county's record says) calls for a
// warning, with the answers a verify revisit starts from (docs/monitoring.md, "Department
// data").
//
// Thread-safety: the source table is immutable; the functions are pure. Failure: parse_row()
// returns the reason a row is invalid, in words naming the column; nothing throws.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/monitoring/calendar.h"

namespace doorstep::server {

struct DepartmentColumn {
  std::string name;     // ours, and the English alias of the header: "out_of_pocket"
  std::string chinese;  // the Chinese header: "个人自付金额"
  bool required = true;
  std::vector<std::string> aliases = {};  // other headers departments use: "身份证号码"
};

struct DepartmentSource {
  std::string id;     // civil-affairs | medical-insurance | education | disability | ...
  std::string label;  // 民政 | 医保 | ...
  std::vector<DepartmentColumn> columns;  // name and id_number first
  // Whether assess() reads the county's record of the member and household (their state).
  bool reads_record = false;
};

// The source with this id, or nullptr.
const DepartmentSource* find_department_source(const std::string& id);
const std::vector<DepartmentSource>& department_sources();

// A row read: {"name", "id_number" (normalised), and the source's values in our words, e.g.
// "insured": "no", "out_of_pocket": 12000}. Absent optional values are absent.
struct DepartmentRow {
  size_t line = 0;
  nlohmann::json values = nlohmann::json::object();
  int birth_year = 0, birth_month = 0, birth_day = 0;  // from the ID number
};

// Reads the source's values of one row (`cells`: column name -> trimmed text, the ID number
// already normalised into row.values["id_number"]). Returns the reason the row is invalid,
// naming the column and the value, or nullopt when `row` holds its values.
std::optional<std::string> parse_department_values(const DepartmentSource& source,
                                                   const nlohmann::json& cells, DepartmentRow& row);

// What the county holds of the matched member: its fields and its household's (only read for
// a source that reads_record).
struct MemberRecord {
  std::string member;
  std::string household;
  nlohmann::json member_fields = nlohmann::json::object();
  nlohmann::json household_fields = nlohmann::json::object();
};

struct AssessSettings {
  double medical_cost_yuan = 10000;  // county setting department_medical_cost_yuan
  monitoring::Date today;
};

// The county setting's name and default.
inline constexpr const char* kMedicalCostSetting = "department_medical_cost_yuan";
inline constexpr double kDefaultMedicalCostYuan = 10000;
AssessSettings assess_settings(const nlohmann::json& county_settings, monitoring::Date today);

// What a matched row calls for: nothing (rules empty), or a warning.
struct Assessment {
  nlohmann::json rules = nlohmann::json::array();  // ["department.medical_cost", ...]
  std::string level;                               // red | yellow ("" when no rule)
  std::string reason;                              // for people, in Chinese
  // Stable text of the risk-relevant values: with the source and the ID number, the trigger
  // of the warning (the same row again raises nothing; a changed one raises anew).
  std::string trigger_values;
  nlohmann::json prefill = nlohmann::json::object();  // answers for the verify revisit
};

Assessment assess_department_row(const DepartmentSource& source, const DepartmentRow& row,
                                 const MemberRecord& record, const AssessSettings& settings);

}  // namespace doorstep::server
