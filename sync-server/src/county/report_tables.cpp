// Each report shown as a table: the counts of its areas, one row each (levels: one per
// monitoring type too), or the households and cases it lists.
#include <map>

#include "core/common/error.h"
#include "county/reports.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

// The report's own list of what it counts ("levels", "states", ...).
std::vector<std::string> keys_of(const json& report, const char* name) {
  std::vector<std::string> keys;
  auto it = report.find(name);
  if (it != report.end() && it->is_array())
    for (const auto& key : *it)
      if (key.is_string()) keys.push_back(key.get<std::string>());
  return keys;
}

std::string text_of(const json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// What a person reads for each code the tables use as a column.
const std::map<std::string, std::string> kChinese = {
    {"red", "红色"},
    {"yellow", "黄色"},
    {"green", "绿色"},
    {"unsurveyed", "未走访"},
    {"total", "合计"},
    {"open", "在办"},
    {"closed", "已办结"},
    {"identified", "识别"},
    {"verified", "核实"},
    {"publicised", "公示"},
    {"township_reviewed", "乡镇审核"},
    {"approved", "县级审批"},
    {"assisting", "帮扶"},
    {"eliminated", "风险消除"},
    {"dismissed", "不予纳入"},
    {"rules", "基层干部排查"},
    {"department", "部门筛查预警"},
    {"application", "农户自主申报"},
    {"escalation", "逾期提醒"},
    {"verify", "入户核实"},
    {"revisit", "回访"},
    {"follow_up", "跟踪回访"},
    {"elimination_check", "销号核查"},
};

std::string chinese_of(const std::string& code) {
  auto it = kChinese.find(code);
  return it == kChinese.end() ? code : it->second;
}

TableColumn count_column(const std::string& name, const std::string& chinese) {
  return {name, chinese, CellKind::Number, 10};
}

std::vector<TableColumn> area_columns() {
  return {{"division_level", "层级", CellKind::Text, 10},
          {"code", "代码", CellKind::Text, 20},
          {"name", "名称", CellKind::Text, 22}};
}

TableCell count_cell(const json& counts, const std::string& key) {
  auto it = counts.find(key);
  return TableCell::of_number(it != counts.end() && it->is_number() ? it->get<double>() : 0);
}

// The totals first (level "all", the scope's code), then each area.
template <class Add>
void each_area_row(const json& report, Add&& add) {
  add(std::string("all"), text_of(report, "scope"), text_of(report, "scope_name"),
      report["totals"]);
  const json areas = report["areas"];
  for (const auto& area : areas)
    add(text_of(area, "level"), text_of(area, "code"), text_of(area, "name"), area);
}

Table levels_table(const json& report) {
  const std::vector<std::string> levels = keys_of(report, "levels");
  Table table{"levels", area_columns(), {}};
  table.columns.push_back({"monitoring_type", "监测类型", CellKind::Text, 16});
  for (const auto& level : levels) table.columns.push_back(count_column(level, chinese_of(level)));
  table.columns.push_back(count_column("total", "合计"));
  each_area_row(report, [&](const std::string& level, const std::string& code,
                            const std::string& name, const json& counts) {
    auto add = [&](const std::string& type, const json& of) {
      TableRow row = {level, code, name, type};
      for (const auto& key : levels) row.push_back(count_cell(of, key));
      row.push_back(count_cell(of, "total"));
      table.rows.push_back(std::move(row));
    };
    add("all", counts);
    const json by_type = counts["by_type"];
    for (const auto& [type, of] : by_type.items()) add(type, of);
  });
  return table;
}

Table cases_table(const json& report) {
  const std::vector<std::string> states = keys_of(report, "states");
  const std::vector<std::string> buckets = keys_of(report, "age_buckets");
  Table table{"cases", area_columns(), {}};
  for (const auto& state : states) table.columns.push_back(count_column(state, chinese_of(state)));
  table.columns.push_back(count_column("open", "在办"));
  table.columns.push_back(count_column("closed", "已办结"));
  table.columns.push_back(count_column("total", "合计"));
  // "0-7" is the column age_0_7 (0-7天), ">90" age_over_90 (90天以上).
  for (const auto& bucket : buckets) {
    bool over = !bucket.empty() && bucket[0] == '>';
    std::string days = over ? bucket.substr(1) : bucket;
    std::string name = "age_" + std::string(over ? "over_" : "") + days;
    for (char& c : name) c = c == '-' ? '_' : c;
    table.columns.push_back(count_column(name, over ? days + "天以上" : days + "天"));
  }
  each_area_row(report, [&](const std::string& level, const std::string& code,
                            const std::string& name, const json& counts) {
    TableRow row = {level, code, name};
    for (const auto& state : states) row.push_back(count_cell(counts["by_state"], state));
    for (const char* key : {"open", "closed", "total"}) row.push_back(count_cell(counts, key));
    for (const auto& bucket : buckets) row.push_back(count_cell(counts["by_age"], bucket));
    table.rows.push_back(std::move(row));
  });
  return table;
}

Table warnings_table(const json& report) {
  const std::vector<std::string> sources = keys_of(report, "sources");
  Table table{"warnings", area_columns(), {}};
  table.columns.push_back(count_column("total", "合计"));
  table.columns.push_back(count_column("open", "未关闭"));
  table.columns.push_back(count_column("closed", "已关闭"));
  for (const auto& source : sources)
    table.columns.push_back(count_column(source, chinese_of(source)));
  const json departments = report["departments"];
  for (const auto& department : departments) {
    std::string id = text_of(department, "id"), label = text_of(department, "label");
    table.columns.push_back(
        count_column("department:" + id, "部门:" + (label.empty() ? id : label)));
  }
  each_area_row(report, [&](const std::string& level, const std::string& code,
                            const std::string& name, const json& counts) {
    TableRow row = {level, code, name};
    for (const char* key : {"total", "open", "closed"}) row.push_back(count_cell(counts, key));
    for (const auto& source : sources) {
      auto of = counts["by_source"].find(source);
      row.push_back(count_cell(of == counts["by_source"].end() ? json::object() : *of, "total"));
    }
    for (const auto& department : departments) {
      auto of = counts["by_department"].find(text_of(department, "id"));
      row.push_back(
          count_cell(of == counts["by_department"].end() ? json::object() : *of, "total"));
    }
    table.rows.push_back(std::move(row));
  });
  return table;
}

Table overdue_table(const json& report) {
  const std::vector<std::string> kinds = keys_of(report, "kinds");
  Table table{"overdue", area_columns(), {}};
  table.columns.push_back(count_column("total", "逾期合计"));
  for (const auto& kind : kinds) table.columns.push_back(count_column(kind, chinese_of(kind)));
  table.columns.push_back({"oldest_due", "最早截止日期", CellKind::Date, 14});
  table.columns.push_back(count_column("most_days_overdue", "最长逾期天数"));
  each_area_row(report, [&](const std::string& level, const std::string& code,
                            const std::string& name, const json& counts) {
    TableRow row = {level, code, name, count_cell(counts, "total")};
    for (const auto& kind : kinds) row.push_back(count_cell(counts["by_kind"], kind));
    row.push_back(TableCell::of_date(text_of(counts, "oldest_due")));
    row.push_back(count_cell(counts, "most_days_overdue"));
    table.rows.push_back(std::move(row));
  });
  return table;
}

std::string joined(const json& list, const char* separator) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& item : list)
    if (item.is_string()) out += (out.empty() ? "" : separator) + item.get<std::string>();
  return out;
}

Table new_risk_table(const json& report) {
  Table table{"new_risk",
              {{"household_id", "户编号", CellKind::Text, 26},
               {"head_name", "户主姓名", CellKind::Text, 12}},
              {}};
  for (auto& column : division_columns()) table.columns.push_back(std::move(column));
  table.columns.push_back({"level", "风险等级", CellKind::Text, 10});
  table.columns.push_back({"since", "转为红黄日期", CellKind::Date, 14});
  table.columns.push_back({"sources", "来源", CellKind::Text, 20});
  const json households = report["households"];
  for (const auto& household : households) {
    TableRow row = {text_of(household, "household"), text_of(household, "head_name")};
    add_division_cells(row, household);
    row.push_back(text_of(household, "level"));
    row.push_back(TableCell::of_date(text_of(household, "since")));
    row.push_back(joined(household["sources"], "; "));
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table eliminated_table(const json& report) {
  Table table{"eliminated",
              {{"case_id", "监测对象编号", CellKind::Text, 30},
               {"household_id", "户编号", CellKind::Text, 26},
               {"head_name", "户主姓名", CellKind::Text, 12}},
              {}};
  for (auto& column : division_columns()) table.columns.push_back(std::move(column));
  table.columns.push_back({"monitoring_type", "监测类型", CellKind::Text, 12});
  table.columns.push_back({"opened", "识别日期", CellKind::Date, 12});
  table.columns.push_back({"eliminated", "风险消除日期", CellKind::Date, 14});
  table.columns.push_back(count_column("days_monitored", "监测天数"));
  table.columns.push_back({"departments", "帮扶部门", CellKind::Text, 24});
  const json cases = report["cases"];
  for (const auto& item : cases) {
    TableRow row = {text_of(item, "case"), text_of(item, "household"), text_of(item, "head_name")};
    add_division_cells(row, item);
    row.push_back(text_of(item, "type"));
    row.push_back(TableCell::of_date(text_of(item, "opened")));
    row.push_back(TableCell::of_date(text_of(item, "eliminated")));
    row.push_back(TableCell::of_json_number(item["days_monitored"]));
    row.push_back(joined(item["departments"], "; "));
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

Table report_table(const json& report) {
  std::string name = text_of(report, "report");
  if (name == "levels") return levels_table(report);
  if (name == "cases") return cases_table(report);
  if (name == "warnings") return warnings_table(report);
  if (name == "overdue") return overdue_table(report);
  if (name == "new_risk") return new_risk_table(report);
  if (name == "eliminated") return eliminated_table(report);
  throw Error(ErrorCode::InvalidArgument, "'" + name + "' is not a report");
}

}  // namespace doorstep::server
