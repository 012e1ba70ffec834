// /households (the filtered, sorted, paged list), /households.csv and /households.xlsx (what is
// filtered, all of it, for Excel).
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/common/error.h"
#include "core/crypto/hash.h"
#include "county/xlsx_writer.h"
#include "web/dashboard.h"
#include "web/households_list.h"
#include "web/overview_counts.h"
#include "web/pages.h"
#include "web/widgets.h"

namespace doorstep::server::web {
namespace {

bool flag(const StaffRequest& request, const std::string& name) {
  std::string text = request.query(name);
  if (text.empty() || text == "0" || text == "false") return false;
  if (text == "1" || text == "true" || text == "on") return true;
  throw Error(ErrorCode::InvalidArgument, name + " must be 1 or 0, not '" + text + "'");
}

// A CSV field, quoted when it must be; a leading = + - @ is prefixed by ' so that a
// spreadsheet does not run it as a formula.
std::string csv_field(const std::string& text) {
  std::string value = text;
  if (!value.empty() && std::string("=+-@\t\r").find(value[0]) != std::string::npos)
    value = "'" + value;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// The columns of both downloads, in order: a contract (docs/dashboard.md).
const std::vector<TableColumn>& download_columns() {
  static const std::vector<TableColumn> columns = {
      {"household_id", "农户编号", CellKind::Text, 18},
      {"head_name", "户主姓名", CellKind::Text, 12},
      {"head_id_number", "户主身份证号", CellKind::Text, 20},
      {"township", "乡镇", CellKind::Text, 14},
      {"village", "村", CellKind::Text, 14},
      {"grid", "网格", CellKind::Text, 18},
      {"level", "风险等级", CellKind::Text, 10},
      {"monitoring_type", "监测类型", CellKind::Text, 12},
      {"case_state", "监测状态", CellKind::Text, 16},
      {"case_due", "环节期限", CellKind::Date, 12},
      {"overdue", "超期", CellKind::Text, 8},
      {"last_visit", "最近走访", CellKind::Text, 17}};
  return columns;
}

// Every household the request's filter finds, in the list's order, as download rows.
std::vector<TableRow> download_rows(Dashboard& dashboard, HouseholdFilter& filter,
                                    const std::string& today) {
  std::vector<TableRow> rows;
  auto guard = dashboard.county().lock();
  HouseholdPage found = find_households(dashboard, filter, today);
  Divisions divisions = Divisions::load(dashboard.county().authority());
  for (const HouseholdEntry* entry : found.rows)
    rows.push_back({entry->id, entry->head_name, entry->head_id_number,
                    divisions.name(leading_parts(entry->grid, 2)),
                    divisions.name(leading_parts(entry->grid, 3)), entry->grid, entry->level,
                    entry->monitoring_type, entry->case_state, TableCell::of_date(entry->case_due),
                    entry->overdue(today) ? "yes" : "no", time_of_ms(entry->last_visit_ms)});
  return rows;
}

// The filtered households as an XLSX workbook's bytes, written in a folder of its own under
// the county folder and removed again.
std::string households_workbook(Dashboard& dashboard, const std::vector<TableRow>& rows,
                                const std::string& language) {
  std::vector<uint8_t> random = crypto::random_bytes(8);
  std::string name;
  for (uint8_t byte : random)
    name += "0123456789abcdef"[byte >> 4], name += "0123456789abcdef"[byte & 15];
  std::filesystem::path folder = dashboard.data_dir() / "downloads" / name;
  std::filesystem::create_directories(folder);
  struct Removed {
    std::filesystem::path path;
    ~Removed() {
      std::error_code ignored;  // a leftover folder is harmless; the answer is what matters
      std::filesystem::remove_all(path, ignored);
    }
  } removed{folder};
  std::filesystem::path path = folder / "households.xlsx";
  {
    XlsxTableWriter writer(path, folder);
    writer.begin("households", download_columns(), language);
    for (const TableRow& row : rows) writer.row(row);
    writer.finish();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::Io, "cannot read the workbook written to " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Markup sort_header(const StaffRequest& request, const std::string& key, const std::string& label) {
  std::string current = request.query("sort").empty() ? "grid" : request.query("sort");
  bool descending = request.query("order") == "desc";
  bool active = current == key;
  std::string order = active && !descending ? "desc" : "";
  const char* aria = !active ? "none" : descending ? "descending" : "ascending";
  return html(
      "<th scope=\"col\" aria-sort=\"{}\"><a href=\"{}\">{}{}</a></th>", aria,
      link_with(request, {{"sort", key == "grid" ? "" : key}, {"order", order}, {"page", ""}}),
      label,
      raw(!active      ? ""
          : descending ? " ▼"
                       : " ▲"));
}

Markup filter_form(const StaffRequest& request, const Divisions& divisions) {
  Lang lang = request.lang;
  Options levels = {{"", request.t("全部", "All")},
                    {"red", level_label(lang, "red")},
                    {"yellow", level_label(lang, "yellow")},
                    {"green", level_label(lang, "green")},
                    {"none", level_label(lang, "")}};
  Options types = {{"", request.t("全部", "All")},
                   {"unstable", monitoring_type_label(lang, "unstable")},
                   {"marginal", monitoring_type_label(lang, "marginal")},
                   {"sudden", monitoring_type_label(lang, "sudden")},
                   {"none", monitoring_type_label(lang, "")}};
  Options states = {{"", request.t("全部", "All")},
                    {"open", request.t("在办（任一环节）", "Open (any step)")},
                    {"none", request.t("无监测对象", "No case")}};
  for (const char* state : {"identified", "verified", "publicised", "township_reviewed", "approved",
                            "assisting", "eliminated", "dismissed"})
    states.push_back({state, case_state_label(lang, state)});
  Options sorts = {{"", request.t("按网格", "By grid")},
                   {"name", request.t("按户主姓名", "By name")},
                   {"level", request.t("按风险等级", "By level")},
                   {"visit", request.t("按最近走访", "By latest visit")},
                   {"state", request.t("按监测状态", "By case state")}};
  return html(
      "<form method=\"get\" action=\"/households\" class=\"filters\" role=\"search\">{}{}{}{}{}{}"
      "<div class=\"field check\"><input type=\"checkbox\" id=\"f-overdue\" name=\"overdue\" "
      "value=\"1\"{}><label for=\"f-overdue\">{}</label></div>"
      "<div class=\"field check\"><input type=\"checkbox\" id=\"f-visit-overdue\" "
      "name=\"visit_overdue\" value=\"1\"{}><label for=\"f-visit-overdue\">{}</label></div>"
      "<div class=\"field check\"><input type=\"checkbox\" id=\"f-conflicts\" name=\"conflicts\" "
      "value=\"1\"{}><label for=\"f-conflicts\">{}</label></div>"
      "<div class=\"actions\"><button type=\"submit\" class=\"primary\">{}</button>"
      "<a href=\"/households\">{}</a></div></form>",
      text_field("f-q", request.t("姓名或身份证号", "Name or ID number"), "q", request.query("q"),
                 " type=\"search\" autocomplete=\"off\""),
      select_field("f-level", request.t("风险等级", "Level"), "level", levels,
                   request.query("level")),
      select_field("f-type", request.t("监测类型", "Monitoring type"), "type", types,
                   request.query("type")),
      select_field("f-area", request.t("区域", "Area"), "area", area_options(request, divisions),
                   request.query("area")),
      select_field("f-state", request.t("监测状态", "Case state"), "state", states,
                   request.query("state")),
      select_field("f-sort", request.t("排序", "Sort"), "sort", sorts, request.query("sort")),
      raw(request.query("overdue") == "1" ? " checked" : ""), request.t("只看超期", "Overdue only"),
      raw(request.query("visit_overdue") == "1" ? " checked" : ""),
      request.t("只看走访超期", "Visits overdue only"),
      raw(request.query("conflicts") == "1" ? " checked" : ""),
      request.t("只看有冲突的", "With conflicts only"), request.t("筛选", "Filter"),
      request.t("清除", "Clear"));
}

}  // namespace

HouseholdFilter household_filter(const StaffRequest& request) {
  HouseholdFilter filter;
  filter.scope = request.area();
  filter.level = request.query("level");
  filter.type = request.query("type");
  filter.state = request.query("state");
  filter.overdue = flag(request, "overdue");
  filter.visit_overdue = flag(request, "visit_overdue");
  filter.conflicts = flag(request, "conflicts");
  filter.search = request.query("q");
  if (filter.search.size() > 100)
    throw Error(ErrorCode::InvalidArgument, "the search text has more than 100 bytes");
  filter.sort = request.query("sort").empty() ? "grid" : request.query("sort");
  std::string order = request.query("order");
  if (!order.empty() && order != "asc" && order != "desc")
    throw Error(ErrorCode::InvalidArgument, "order must be asc or desc, not '" + order + "'");
  filter.descending = order == "desc";
  return filter;
}

HouseholdPage find_households(Dashboard& dashboard, HouseholdFilter& filter,
                              const std::string& today) {
  return dashboard.household_index().query(filter, today);
}

std::string masked_id_number(const std::string& id_number) {
  if (id_number.size() < 12) return id_number;
  return id_number.substr(0, 6) + std::string(id_number.size() - 10, '*') +
         id_number.substr(id_number.size() - 4);
}

void add_household_list_pages(Dashboard& dashboard, Router& router) {
  dashboard.add_page(router, "GET", "/households", [&dashboard](StaffRequest& request) {
    Lang lang = request.lang;
    HouseholdFilter filter = household_filter(request);
    size_t page = page_number(request);
    filter.offset = (page - 1) * kHouseholdsPerPage;
    filter.limit = kHouseholdsPerPage;
    std::string today = today_text();
    Markup rows;
    size_t total = 0;
    Divisions divisions;
    {
      auto guard = dashboard.county().lock();
      HouseholdPage found = find_households(dashboard, filter, today);
      divisions = Divisions::load(dashboard.county().authority());
      total = found.total;
      for (const HouseholdEntry* entry : found.rows) {
        std::string village = divisions.name(leading_parts(entry->grid, 3));
        rows += html(
            "<tr><td><a href=\"/households/{}\">{}</a><div class=\"sub code\">{}</div></td>"
            "<td class=\"code\">{}</td><td>{}<div class=\"sub code\">{}</div></td>"
            "<td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
            entry->id,
            entry->head_name.empty() ? request.t("（未填写）", "(no name)") : entry->head_name,
            entry->id, masked_id_number(entry->head_id_number), village, entry->grid,
            level_badge(lang, entry->level),
            entry->monitoring_type.empty() ? std::string()
                                           : monitoring_type_label(lang, entry->monitoring_type),
            state_badge(lang, entry->case_state),
            entry->overdue(today) ? html(" {}", overdue_badge(lang)) : raw(""),
            time_of_ms(entry->last_visit_ms));
      }
    }
    Markup table =
        total == 0
            ? html("<p class=\"empty\">{}</p>",
                   request.t("没有符合条件的农户。", "No household matches the filter."))
            : html(
                  "<div class=\"table-wrap\"><table class=\"data\"><caption class=\"sr\">{}"
                  "</caption><thead><tr>{}<th scope=\"col\">{}</th>{}{}"
                  "<th scope=\"col\">{}</th>{}{}</tr></thead><tbody>{}</tbody></table></div>",
                  request.t("农户列表", "Households"),
                  sort_header(request, "name", request.t("户主", "Head of household")),
                  request.t("身份证号", "ID number"),
                  sort_header(request, "grid", request.t("村 / 网格", "Village / grid")),
                  sort_header(request, "level", request.t("风险等级", "Level")),
                  request.t("监测类型", "Type"),
                  sort_header(request, "state", request.t("监测状态", "Case")),
                  sort_header(request, "visit", request.t("最近走访", "Latest visit")), rows);
    std::string csv = link_with(request, {{"page", ""}});
    csv.replace(0, std::string("/households").size(), "/households.csv");
    std::string xlsx = csv;
    xlsx.replace(0, std::string("/households.csv").size(), "/households.xlsx");
    Markup body = filter_form(request, divisions);
    body += html(
        "<div class=\"list-head\"><p class=\"count\" role=\"status\">{}</p>"
        "<span class=\"downloads\"><a class=\"button\" href=\"{}\" download>{}</a> "
        "<a class=\"button\" href=\"{}\" download>{}</a></span></div>",
        lang == Lang::Zh ? "共 " + std::to_string(total) + " 户"
                         : std::to_string(total) + " households",
        csv, request.t("下载 CSV（筛选结果）", "Download CSV (filtered)"), xlsx,
        request.t("下载 Excel（筛选结果）", "Download Excel (filtered)"));
    body += table;
    body += pager(request, total, page, kHouseholdsPerPage);
    return dashboard.layout().page(request, {request.t("农户", "Households"), "/households", body});
  });
  dashboard.add_page(router, "GET", "/households.csv", [&dashboard](StaffRequest& request) {
    HouseholdFilter filter = household_filter(request);
    filter.limit = 0;
    std::string today = today_text();
    std::ostringstream out;
    out << "\xEF\xBB\xBF";  // UTF-8 BOM: Excel reads the Chinese text right
    const auto& columns = download_columns();
    for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i].name;
    out << "\r\n";
    for (const TableRow& row : download_rows(dashboard, filter, today)) {
      for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i].text);
      out << "\r\n";
    }
    HttpResponse response = HttpResponse::text(200, out.str(), "text/csv; charset=utf-8");
    response.headers["content-disposition"] =
        "attachment; filename=\"households-" + filter.scope + "-" + today + ".csv\"";
    response.headers["cache-control"] = "no-store";
    return response;
  });
  dashboard.add_page(router, "GET", "/households.xlsx", [&dashboard](StaffRequest& request) {
    HouseholdFilter filter = household_filter(request);
    filter.limit = 0;
    std::string today = today_text();
    std::vector<TableRow> rows = download_rows(dashboard, filter, today);
    HttpResponse response = HttpResponse::text(
        200, households_workbook(dashboard, rows, request.lang == Lang::Zh ? "zh" : "en"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    response.headers["content-disposition"] =
        "attachment; filename=\"households-" + filter.scope + "-" + today + ".xlsx\"";
    response.headers["cache-control"] = "no-store";
    return response;
  });
}

}  // namespace doorstep::server::web
