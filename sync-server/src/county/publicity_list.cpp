// The village publicity list: built from the cases in publicity, written as CSV or HTML.
#include "county/publicity_list.h"

#include <algorithm>
#include <array>
#include <set>
#include <sstream>
#include <tuple>

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/grid_path.h"
#include "county/county_export.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

constexpr const char kByteOrderMark[] = "\xEF\xBB\xBF";
constexpr std::array<const char*, 6> kHeader = {"序号",     "户主姓名", "所在村组",
                                                "纳入方式", "公示开始", "公示截止"};
constexpr const char* kHeadName = "head_name";

std::string text_of(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string name_of(const std::map<std::string, std::string>& names, const std::string& path) {
  auto it = names.find(path);
  return it == names.end() ? std::string() : it->second;
}

// The village and grid of a grid path by their names; the path where a name is missing.
std::string place_of(const std::map<std::string, std::string>& names, const std::string& grid) {
  size_t dot = grid.rfind('.');
  std::string village = dot == std::string::npos ? std::string() : grid.substr(0, dot);
  std::string village_name = name_of(names, village), grid_name = name_of(names, grid);
  if (village_name.empty() || grid_name.empty()) return grid;
  return village_name + " " + grid_name;
}

// 纳入方式: the ways the case's warnings came, in the policy's words. An escalation is a
// reminder of a deadline, not a way in, and is left out.
std::string admission_of(const json& warnings) {
  static const std::array<std::pair<const char*, const char*>, 3> kWays = {
      {{"application", "农户自主申报"}, {"department", "部门筛查预警"}, {"rules", "基层干部排查"}}};
  std::set<std::string> sources;
  for (const auto& warning : warnings) sources.insert(text_of(warning, "source"));
  std::string out;
  for (const auto& [source, words] : kWays)
    if (sources.count(source)) out += (out.empty() ? "" : "、") + std::string(words);
  return out;
}

}  // namespace

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

PublicityList publicity_list(const store::Store& store,
                             const std::map<std::string, std::string>& division_names,
                             const std::string& village) {
  try {
    store::validate_grid_scope(village);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidArgument, std::string("--village: ") + e.what());
  }
  PublicityList list;
  list.village = village;
  list.village_name = name_of(division_names, village);
  list.made_on = monitoring::today().to_string();
  list.publicity_days =
      monitoring::LifecycleSettings::from_json(store.county_settings()).publicity_days;
  store::MonitoringFilter filter;
  filter.scope = village;
  filter.state = "publicised";
  const json cases = store.cases(filter)["cases"];
  struct Row {
    std::string grid;
    PublicityEntry entry;
  };
  std::vector<Row> rows;
  for (const auto& summary : cases) {
    if (summary.value("conflict", false)) continue;  // its state is not settled
    PublicityEntry entry;
    entry.case_id = text_of(summary, "id");
    entry.start = text_of(summary, "entered");
    if (auto start = monitoring::Date::parse(entry.start))
      entry.end = monitoring::Date{start->days + list.publicity_days}.to_string();
    const json household = store.household(text_of(summary, "household"));
    entry.head_name = household.contains("fields") ? text_of(household["fields"], kHeadName) : "";
    std::string grid = text_of(summary, "grid");
    entry.place = place_of(division_names, grid);
    entry.admission = admission_of(store.case_detail(entry.case_id)["warnings"]);
    rows.push_back({grid, std::move(entry)});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.grid, a.entry.start, a.entry.case_id) <
           std::tie(b.grid, b.entry.start, b.entry.case_id);
  });
  int number = 0;
  for (auto& row : rows) {
    row.entry.number = ++number;
    list.entries.push_back(std::move(row.entry));
  }
  return list;
}

void write_publicity_csv(const PublicityList& list, std::ostream& out) {
  out << kByteOrderMark;
  for (size_t i = 0; i < kHeader.size(); ++i) out << (i ? "," : "") << kHeader[i];
  out << "\r\n";
  for (const auto& e : list.entries)
    out << e.number << ',' << csv_field(e.head_name) << ',' << csv_field(e.place) << ','
        << csv_field(e.admission) << ',' << csv_field(e.start) << ',' << csv_field(e.end) << "\r\n";
  out.flush();
  if (!out) throw Error(ErrorCode::Io, "writing the publicity list failed");
}

void write_publicity_html(const PublicityList& list, std::ostream& out) {
  std::string village = list.village_name.empty() ? list.village : list.village_name;
  out << "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>监测对象公示</title>\n"
      << "<style>\n"
         "body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", "
         "sans-serif; margin: 2em; color: #000; }\n"
         "h1 { text-align: center; font-size: 1.6em; letter-spacing: 0.2em; }\n"
         "p.village { text-align: center; }\n"
         "table { border-collapse: collapse; width: 100%; }\n"
         "th, td { border: 1px solid #000; padding: 0.4em 0.6em; text-align: center; }\n"
         "th { background: #eee; }\n"
         "p.note { margin-top: 1.5em; }\n"
         "p.date { text-align: right; }\n"
         "@media print { body { margin: 1cm; } th { background: none; } }\n"
         "</style>\n</head>\n<body>\n"
      << "<h1>监测对象公示</h1>\n"
      << "<p class=\"village\">" << html_escaped(village) << "</p>\n"
      << "<table>\n<thead><tr>";
  for (const char* column : kHeader) out << "<th>" << column << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (const auto& e : list.entries)
    out << "<tr><td>" << e.number << "</td><td>" << html_escaped(e.head_name) << "</td><td>"
        << html_escaped(e.place) << "</td><td>" << html_escaped(e.admission) << "</td><td>"
        << html_escaped(e.start) << "</td><td>" << html_escaped(e.end) << "</td></tr>\n";
  if (list.entries.empty()) out << "<tr><td colspan=\"6\">（无）</td></tr>\n";
  out << "</tbody>\n</table>\n"
      << "<p class=\"note\">公示期 " << list.publicity_days
      << " 天。对公示对象如有异议，请在公示截止日前向村民委员会反映。</p>\n"
      << "<p class=\"date\">" << html_escaped(list.made_on) << "</p>\n"
      << "</body>\n</html>\n";
  out.flush();
  if (!out) throw Error(ErrorCode::Io, "writing the publicity list failed");
}

}  // namespace doorstep::server
