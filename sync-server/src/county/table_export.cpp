// The exports as tables: households, register, warnings, tasks, reports.
#include "county/table_export.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/store/grid_path.h"
#include "county/county_export.h"
#include "county/register.h"
#include "county/reports.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string text_of(const json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string joined(const json& list, const char* separator) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    std::string text = item.is_string() ? item.get<std::string>() : item.dump();
    out += (out.empty() ? "" : separator) + text;
  }
  return out;
}

std::string one_of(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

void add_columns(std::vector<TableColumn>& columns, std::vector<TableColumn> more) {
  for (auto& column : more) columns.push_back(std::move(column));
}

// ---- the register ----

std::vector<TableColumn> register_columns() {
  std::vector<TableColumn> columns = {{"case_id", "监测对象编号", CellKind::Text, 30},
                                      {"household_id", "户编号", CellKind::Text, 26},
                                      {"head_name", "户主姓名", CellKind::Text, 12},
                                      {"head_id_number", "户主身份证号", CellKind::Text, 21}};
  add_columns(columns, division_columns());
  add_columns(columns, {{"monitoring_type", "监测类型", CellKind::Text, 12},
                        {"risk_factors", "风险因素", CellKind::Text, 30},
                        {"state", "当前状态", CellKind::Text, 18},
                        {"identified_on", "识别日期", CellKind::Date, 12},
                        {"verified_on", "核实日期", CellKind::Date, 12},
                        {"publicised_on", "公示日期", CellKind::Date, 12},
                        {"township_reviewed_on", "乡镇审核日期", CellKind::Date, 14},
                        {"approved_on", "县级审批日期", CellKind::Date, 14},
                        {"assisting_on", "帮扶日期", CellKind::Date, 12},
                        {"eliminated_on", "风险消除日期", CellKind::Date, 14},
                        {"dismissed_on", "不予纳入日期", CellKind::Date, 14},
                        {"dismissal_reason", "不予纳入原因", CellKind::Text, 24},
                        {"measures", "帮扶措施", CellKind::Text, 40},
                        {"measure_departments", "帮扶部门", CellKind::Text, 24},
                        {"measure_count", "措施数", CellKind::Number, 8}});
  return columns;
}

// "department: kind (start-end)" for each measure, "; "-separated.
std::string measures_text(const json& measures) {
  std::string out;
  for (const auto& measure : measures) {
    std::string text = text_of(measure, "department") + ": " + text_of(measure, "kind");
    std::string start = text_of(measure, "start"), end = text_of(measure, "end");
    bool ongoing = measure.value("ongoing", false);
    if (!start.empty())
      text += " (" + start + "~" + (!end.empty() ? end : ongoing ? "ongoing" : "") + ")";
    out += (out.empty() ? "" : "; ") + text;
  }
  return out;
}

TableRow register_row(const json& entry) {
  TableRow row = {text_of(entry, "case"), text_of(entry, "household"), text_of(entry, "head_name"),
                  text_of(entry, "head_id_number")};
  add_division_cells(row, entry);
  row.push_back(text_of(entry, "type"));
  row.push_back(joined(entry["risk_factors"], "; "));
  row.push_back(text_of(entry, "state"));
  const json dates = entry["dates"];
  for (const auto& step : register_steps())
    row.push_back(TableCell::of_date(text_of(dates, step.c_str())));
  row.push_back(text_of(entry, "dismissal_reason"));
  row.push_back(measures_text(entry["measures"]));
  row.push_back(joined(entry["departments"], "; "));
  row.push_back(TableCell::of_number(static_cast<double>(entry["measures"].size())));
  return row;
}

// ---- warnings and tasks ----

std::vector<TableColumn> warning_columns() {
  std::vector<TableColumn> columns = {{"warning_id", "预警编号", CellKind::Text, 30},
                                      {"household_id", "户编号", CellKind::Text, 26}};
  add_columns(columns, division_columns());
  add_columns(columns, {{"source", "预警来源", CellKind::Text, 12},
                        {"department", "部门", CellKind::Text, 18},
                        {"level", "风险等级", CellKind::Text, 10},
                        {"rules", "触发规则", CellKind::Text, 30},
                        {"status", "状态", CellKind::Text, 8},
                        {"case_id", "监测对象编号", CellKind::Text, 30},
                        {"date", "预警日期", CellKind::Date, 12},
                        {"reason", "原因", CellKind::Text, 30},
                        {"escalated_to", "提醒对象", CellKind::Text, 12},
                        {"created_by", "发起人", CellKind::Text, 14}});
  return columns;
}

std::string department_of(const json& warning) {
  if (text_of(warning, "source") != "department") return "";
  auto values = warning.find("values");
  return values == warning.end() ? std::string() : text_of(*values, "source");
}

TableRow warning_row(const json& warning, const DivisionNames& names) {
  TableRow row = {text_of(warning, "id"), text_of(warning, "household")};
  add_division_cells(row, names.divisions_of(text_of(warning, "grid")));
  row.push_back(text_of(warning, "source"));
  row.push_back(department_of(warning));
  row.push_back(text_of(warning, "level"));
  row.push_back(joined(warning["rules"], "; "));
  row.push_back(text_of(warning, "status"));
  row.push_back(text_of(warning, "case"));
  row.push_back(TableCell::of_date(text_of(warning, "date")));
  row.push_back(text_of(warning, "reason"));
  row.push_back(text_of(warning, "escalated_to"));
  row.push_back(text_of(warning, "created_by"));
  return row;
}

std::vector<TableColumn> task_columns() {
  std::vector<TableColumn> columns = {{"task_id", "任务编号", CellKind::Text, 30},
                                      {"kind", "任务类型", CellKind::Text, 16},
                                      {"household_id", "户编号", CellKind::Text, 26},
                                      {"case_id", "监测对象编号", CellKind::Text, 30}};
  add_columns(columns, division_columns());
  add_columns(columns, {{"assignee", "负责网格", CellKind::Text, 20},
                        {"due", "截止日期", CellKind::Date, 12},
                        {"status", "状态", CellKind::Text, 10},
                        {"overdue", "是否逾期", CellKind::Text, 8},
                        {"done_on", "完成日期", CellKind::Date, 12},
                        {"verdict", "核实结论", CellKind::Text, 10},
                        {"done_by", "完成人", CellKind::Text, 14}});
  return columns;
}

TableRow task_row(const json& task, const DivisionNames& names, const std::string& language) {
  TableRow row = {text_of(task, "id"), text_of(task, "kind"), text_of(task, "household"),
                  text_of(task, "case")};
  add_division_cells(row, names.divisions_of(text_of(task, "grid")));
  row.push_back(text_of(task, "assignee"));
  row.push_back(TableCell::of_date(text_of(task, "due")));
  row.push_back(text_of(task, "status"));
  bool overdue = task.value("overdue", false);
  row.push_back(language == "en" ? (overdue ? "yes" : "no") : (overdue ? "是" : "否"));
  const json result = task.value("result", json());
  row.push_back(TableCell::of_date(text_of(result, "date")));
  row.push_back(text_of(result, "verdict"));
  row.push_back(text_of(result, "by"));
  return row;
}

}  // namespace

const std::vector<std::string>& export_subjects() {
  static const std::vector<std::string> kSubjects = {"households", "register", "warnings", "tasks",
                                                     "report"};
  return kSubjects;
}

void check_table_export(const TableExportOptions& options) {
  const auto& subjects = export_subjects();
  if (std::find(subjects.begin(), subjects.end(), options.what) == subjects.end())
    throw Error(ErrorCode::InvalidArgument,
                "--what '" + options.what + "' is not one of " + one_of(subjects));
  if (options.language != "zh" && options.language != "en")
    throw Error(ErrorCode::InvalidArgument,
                "--lang '" + options.language + "' is not one of zh, en");
  if (options.what == "report") {
    if (options.report.empty())
      throw Error(ErrorCode::InvalidArgument,
                  "--what report needs --report NAME (" + one_of(report_names()) + ")");
    check_report_name(options.report, "--report");
  } else if (!options.report.empty()) {
    throw Error(ErrorCode::InvalidArgument,
                "--report is for --what report, not --what " + options.what);
  }
  if (!options.scope.empty()) {
    try {
      store::validate_grid_scope(options.scope);
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidArgument, std::string("--scope: ") + e.what());
    }
  }
}

std::string export_title(const TableExportOptions& options) {
  return options.what == "report" ? options.report : options.what;
}

size_t export_table(const store::Store& store, const CountyRisk& risk, const DivisionNames& names,
                    const TableExportOptions& options, monitoring::Date today, TableSink& sink) {
  check_table_export(options);
  std::string title = export_title(options);
  size_t rows = 0;
  if (options.what == "households") {
    sink.begin(title, household_columns(), options.language);
    scan_household_rows(store, risk, names.all(), options.scope, [&](const TableRow& row) {
      sink.row(row);
      ++rows;
    });
  } else if (options.what == "register") {
    sink.begin(title, register_columns(), options.language);
    RegisterFilter filter;
    filter.scope = options.scope;
    scan_register(store, names, filter, [&](const json& entry) {
      sink.row(register_row(entry));
      ++rows;
    });
  } else if (options.what == "warnings" || options.what == "tasks") {
    bool warnings = options.what == "warnings";
    sink.begin(title, warnings ? warning_columns() : task_columns(), options.language);
    store::MonitoringFilter filter;
    filter.scope = options.scope;
    filter.all = true;
    auto each = [&](const json& item) {
      sink.row(warnings ? warning_row(item, names) : task_row(item, names, options.language));
      ++rows;
    };
    if (warnings)
      store.scan_warnings(filter, each);
    else
      store.scan_tasks(filter, each);
  } else {
    Table table =
        report_table(build_report({store, risk, names}, options.report, options.scope, today));
    sink.begin(title, table.columns, options.language);
    for (const auto& row : table.rows) sink.row(row);
    rows = table.rows.size();
  }
  sink.finish();
  return rows;
}

}  // namespace doorstep::server
