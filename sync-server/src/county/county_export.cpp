// The county households table, streamed from the store's scan, and CSV for every table.
#include "county/county_export.h"

#include "core/common/error.h"
#include "core/sync/hlc.h"
#include "county/division_names.h"

namespace doorstep::server {
namespace {

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

std::string name_of(const std::map<std::string, std::string>& division_names,
                    const std::string& path) {
  auto it = division_names.find(path);
  return it == division_names.end() ? std::string() : it->second;
}

}  // namespace

const std::vector<TableColumn>& household_columns() {
  static const std::vector<TableColumn> kColumns = {
      {"household_id", "户编号", CellKind::Text, 26},
      {"township_code", "乡镇代码", CellKind::Text, 14},
      {"township_name", "乡镇名称", CellKind::Text, 18},
      {"village_code", "村代码", CellKind::Text, 16},
      {"village_name", "村名称", CellKind::Text, 18},
      {"grid_code", "网格代码", CellKind::Text, 20},
      {"grid_name", "网格名称", CellKind::Text, 14},
      {"head_name", "户主姓名", CellKind::Text, 12},
      {"head_id_number", "户主身份证号", CellKind::Text, 21},
      {"member_count", "家庭人口", CellKind::Number, 10},
      {"monitoring_type", "监测类型", CellKind::Text, 16},
      {"level", "风险等级", CellKind::Text, 10},
      {"rules", "触发规则", CellKind::Text, 30},
      {"income_per_capita", "人均纯收入", CellKind::Number, 12},
      {"last_visit_date", "最近走访日期", CellKind::Date, 14},
      {"last_visitor", "最近走访人", CellKind::Text, 14}};
  return kColumns;
}

void scan_household_rows(const store::Store& store, const CountyRisk& risk,
                         const std::map<std::string, std::string>& division_names,
                         const std::string& grid_prefix,
                         const std::function<void(const TableRow&)>& each) {
  store::HouseholdScan scan;
  scan.grid_prefix = grid_prefix;
  // The per-capita income is a calculation the form made, stored like an answer.
  scan.fields = {kHeadName, kHeadIdNumber, kIncomePerCapita};
  scan.visit_answers = {kVisitDate};
  TableRow row;
  store.scan_households(scan, [&](const store::HouseholdOverview& household) {
    ExportedRisk evaluated = risk_for_export(risk, household.id);
    std::string township = DivisionNames::township_of(household.grid);
    std::string village = DivisionNames::village_of(household.grid);
    std::string visit_date = member_text(household.visit_answers, kVisitDate);
    if (visit_date.empty() && household.visited)
      visit_date = sync::to_iso8601(household.visit_wall_ms).substr(0, 10);
    auto income = household.fields.find(kIncomePerCapita);
    row = {household.id,
           township,
           name_of(division_names, township),
           village,
           name_of(division_names, village),
           household.grid,
           name_of(division_names, household.grid),
           member_text(household.fields, kHeadName),
           member_text(household.fields, kHeadIdNumber),
           TableCell::of_number(static_cast<double>(household.members)),
           evaluated.monitoring_type,
           evaluated.level,
           evaluated.rules,
           income == household.fields.end() ? TableCell() : TableCell::of_json_number(*income),
           TableCell::of_date(visit_date),
           household.visit_author};
    each(row);
  });
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

CsvTableWriter::CsvTableWriter(std::ostream& out, bool byte_order_mark)
    : out_(out), byte_order_mark_(byte_order_mark) {}

void CsvTableWriter::begin(const std::string&, const std::vector<TableColumn>& columns,
                           const std::string& language) {
  if (byte_order_mark_) out_ << kByteOrderMark;
  columns_ = columns.size();
  for (size_t i = 0; i < columns.size(); ++i)
    out_ << (i > 0 ? "," : "") << csv_field(header_of(columns[i], language));
  out_ << "\r\n";
  if (!out_) throw Error(ErrorCode::Io, "writing the header row failed");
}

void CsvTableWriter::row(const TableRow& row) {
  if (row.size() != columns_)
    throw Error(ErrorCode::InvalidArgument, "row " + std::to_string(rows_ + 1) + " has " +
                                                std::to_string(row.size()) + " cells, not " +
                                                std::to_string(columns_));
  for (size_t i = 0; i < row.size(); ++i) out_ << (i > 0 ? "," : "") << csv_field(row[i].text);
  out_ << "\r\n";
  ++rows_;
  if (!out_) throw Error(ErrorCode::Io, "writing row " + std::to_string(rows_) + " failed");
}

void CsvTableWriter::finish() {
  out_.flush();
  if (!out_) throw Error(ErrorCode::Io, "writing the export failed");
}

size_t export_households_csv(const store::Store& store, const CountyRisk& risk,
                             const std::map<std::string, std::string>& division_names,
                             const CsvExportOptions& options, std::ostream& out) {
  if (options.language != "zh" && options.language != "en")
    throw Error(ErrorCode::InvalidArgument,
                "--lang '" + options.language + "' is not one of zh, en");
  CsvTableWriter writer(out, options.byte_order_mark);
  writer.begin("households", household_columns(), options.language);
  size_t rows = 0;
  scan_household_rows(store, risk, division_names, options.grid_prefix, [&](const TableRow& row) {
    writer.row(row);
    ++rows;
  });
  writer.finish();
  return rows;
}

}  // namespace doorstep::server
