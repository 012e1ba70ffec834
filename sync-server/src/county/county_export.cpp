// The county CSV export: one row per household, streamed from the store's scan.
#include "county/county_export.h"

#include <array>

#include "core/common/error.h"
#include "core/sync/hlc.h"

namespace doorstep::server {
namespace {

constexpr size_t kColumns = 16;
// The header rows, in the column order of every row (docs/api.md, "Export").
constexpr std::array<const char*, kColumns> kHeaderZh = {
    "户编号",   "乡镇代码",   "乡镇名称",     "村代码",    "村名称",   "网格代码",
    "网格名称", "户主姓名",   "户主身份证号", "家庭人口",  "监测类型", "风险等级",
    "触发规则", "人均纯收入", "最近走访日期", "最近走访人"};
constexpr std::array<const char*, kColumns> kHeaderEn = {
    "household_id",   "township_code",     "township_name",   "village_code",
    "village_name",   "grid_code",         "grid_name",       "head_name",
    "head_id_number", "member_count",      "monitoring_type", "level",
    "rules",          "income_per_capita", "last_visit_date", "last_visitor"};
constexpr const char kByteOrderMark[] = "\xEF\xBB\xBF";

constexpr const char* kHeadName = "head_name";
constexpr const char* kHeadIdNumber = "head_id_number";
constexpr const char* kVisitDate = "visit_date";
constexpr const char* kIncomePerCapita = "income_per_capita";

// What the export shows of the county's evaluation of one household.
struct ExportedRisk {
  std::string level;
  std::string monitoring_type;
  std::string rules;  // the ids of the rules fired, "; "-separated
};

std::string text_of(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string member_text(const nlohmann::json& object, const char* name) {
  return object.is_object() && object.contains(name) ? text_of(object[name]) : std::string();
}

// The one place the export reads a household's risk: the county's own level, from the
// household's merged state (county_risk.h). Empty when the county could not classify it (it
// holds no form for it): the export never shows a phone's claim.
ExportedRisk risk_for_export(const CountyRisk& county_risk, const std::string& household) {
  ExportedRisk out;
  auto risk = county_risk.risk_of(household);
  if (!risk) return out;
  out.level = member_text(*risk, "level");
  out.monitoring_type = member_text(*risk, "monitoring_type");
  if (risk->contains("rules") && (*risk)["rules"].is_array())
    for (const auto& rule : (*risk)["rules"]) {
      if (!out.rules.empty()) out.rules += "; ";
      out.rules += rule.is_object() ? member_text(rule, "id") : text_of(rule);
    }
  return out;
}

// The first `parts` dot-separated parts of a grid path ("" if it has fewer).
std::string leading_parts(const std::string& path, int parts) {
  size_t end = 0;
  for (int i = 0; i < parts; ++i) {
    end = path.find('.', i == 0 ? 0 : end + 1);
    if (end == std::string::npos) return i + 1 == parts ? path : std::string();
  }
  return path.substr(0, end);
}

std::string name_of(const std::map<std::string, std::string>& division_names,
                    const std::string& path) {
  auto it = division_names.find(path);
  return it == division_names.end() ? std::string() : it->second;
}

void write_row(std::ostream& out, const std::array<std::string, kColumns>& fields) {
  for (size_t i = 0; i < kColumns; ++i) {
    if (i > 0) out << ',';
    out << csv_field(fields[i]);
  }
  out << "\r\n";
}

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

size_t export_households_csv(const store::Store& store, const CountyRisk& risk,
                             const std::map<std::string, std::string>& division_names,
                             const CsvExportOptions& options, std::ostream& out) {
  if (options.language != "zh" && options.language != "en")
    throw Error(ErrorCode::InvalidArgument,
                "--lang '" + options.language + "' is not one of zh, en");
  if (options.byte_order_mark) out << kByteOrderMark;
  const auto& header = options.language == "zh" ? kHeaderZh : kHeaderEn;
  std::array<std::string, kColumns> row;
  for (size_t i = 0; i < kColumns; ++i) row[i] = header[i];
  write_row(out, row);

  store::HouseholdScan scan;
  scan.grid_prefix = options.grid_prefix;
  // The per-capita income is a calculation the form made, stored like an answer.
  scan.fields = {kHeadName, kHeadIdNumber, kIncomePerCapita};
  scan.visit_answers = {kVisitDate};
  size_t rows = 0;
  store.scan_households(scan, [&](const store::HouseholdOverview& household) {
    ExportedRisk evaluated = risk_for_export(risk, household.id);
    std::string township = leading_parts(household.grid, 2);
    std::string village = leading_parts(household.grid, 3);
    std::string visit_date = member_text(household.visit_answers, kVisitDate);
    if (visit_date.empty() && household.visited)
      visit_date = sync::to_iso8601(household.visit_wall_ms).substr(0, 10);
    row = {household.id,
           township,
           name_of(division_names, township),
           village,
           name_of(division_names, village),
           household.grid,
           name_of(division_names, household.grid),
           member_text(household.fields, kHeadName),
           member_text(household.fields, kHeadIdNumber),
           std::to_string(household.members),
           evaluated.monitoring_type,
           evaluated.level,
           evaluated.rules,
           member_text(household.fields, kIncomePerCapita),
           visit_date,
           household.visit_author};
    write_row(out, row);
    if (!out)
      throw Error(ErrorCode::Io, "writing the row of household " + household.id + " failed");
    ++rows;
  });
  out.flush();
  if (!out) throw Error(ErrorCode::Io, "writing the export failed");
  return rows;
}

}  // namespace doorstep::server
