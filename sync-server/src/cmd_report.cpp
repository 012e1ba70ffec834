// `doorstep-server report` and `register`: the county's reports and its register of cases
// from the command line, the same documents as GET /v1/reports/{name} and GET /v1/register
// (docs/reports.md). Neither runs the monitoring sweep: they read what the store holds.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/sync/county_authority.h"
#include "county/county_risk.h"
#include "county/division_names.h"
#include "county/register.h"
#include "county/reports.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

// The columns a terminal gives `text`: two for a wide (CJK) character, one otherwise.
size_t display_width(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    width += length >= 3 ? 2 : 1;
    i += length;
  }
  return width;
}

// A held table, aligned in columns for a terminal: numbers to the right, text to the left.
class TerminalTable : public TableSink {
 public:
  explicit TerminalTable(std::ostream& out) : out_(out) {}
  void begin(const std::string& title, const std::vector<TableColumn>& columns,
             const std::string& language) override {
    title_ = title;
    columns_ = columns;
    TableRow header;
    for (const auto& column : columns) header.push_back(header_of(column, language));
    rows_.push_back(std::move(header));
  }
  void row(const TableRow& row) override { rows_.push_back(row); }
  void finish() override {
    std::vector<size_t> widths(columns_.size(), 0);
    for (const auto& row : rows_)
      for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
        widths[i] = std::max(widths[i], display_width(row[i].text));
    out_ << title_ << "\n";
    for (size_t r = 0; r < rows_.size(); ++r) {
      std::string line;
      for (size_t i = 0; i < rows_[r].size() && i < widths.size(); ++i) {
        const std::string& text = rows_[r][i].text;
        std::string pad(widths[i] - display_width(text), ' ');
        bool right = r > 0 && columns_[i].kind == CellKind::Number;
        line += (i > 0 ? "  " : "") + (right ? pad + text : text + pad);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out_ << line << "\n";
    }
  }

 private:
  std::ostream& out_;
  std::string title_;
  std::vector<TableColumn> columns_;
  std::vector<TableRow> rows_;
};

std::string language_of(const cli::Args& args) {
  std::string language = args.value_or("lang", "zh");
  if (language != "zh" && language != "en")
    throw cli::Failure(args.command() + ": --lang '" + language + "' is not one of zh, en");
  return language;
}

int run_report(const std::vector<std::string>& argv) {
  cli::Args args("report", argv, {{"data", true}, {"name", true}, {"scope", true}, {"lang", true}});
  args.expect_at_most(0);
  std::string name = args.required("name");
  std::string language = language_of(args);
  check_report_name(name, "--name");
  auto county = sync::CountyAuthority::open(data_dir(args));
  CountyRisk risk(county.store().database(), data_dir(args));
  DivisionNames names(county.grids());
  json report = build_report({county.store(), risk, names}, name, args.value_or("scope", ""),
                             monitoring::today());
  if (args.json()) {
    std::cout << report.dump() << "\n";
    return 0;
  }
  TerminalTable table(std::cout);
  write_table(report_table(report), language, table);
  return 0;
}

std::string shown(const json& value) {
  if (value.is_string() && !value.get<std::string>().empty()) return value.get<std::string>();
  return "-";
}

int run_register(const std::vector<std::string>& argv) {
  cli::Args args("register", argv,
                 {{"data", true},
                  {"scope", true},
                  {"state", true},
                  {"type", true},
                  {"from", true},
                  {"to", true},
                  {"dates", true}});
  args.expect_at_most(0);
  RegisterFilter filter;
  filter.scope = args.value_or("scope", "");
  filter.state = args.value_or("state", "");
  filter.type = args.value_or("type", "");
  filter.from = args.value_or("from", "");
  filter.to = args.value_or("to", "");
  filter.dates = args.value_or("dates", "opened");
  check_register_filter(filter, "--");
  auto county = sync::CountyAuthority::open(data_dir(args));
  DivisionNames names(county.grids());
  size_t count = 0;
  if (args.json()) {
    json entries = json::array();
    scan_register(county.store(), names, filter,
                  [&](const json& entry) { entries.push_back(entry); });
    std::cout << json{{"register", entries}, {"count", entries.size()}}.dump() << "\n";
    return 0;
  }
  scan_register(county.store(), names, filter, [&](const json& entry) {
    std::printf("%s  %-10s  %-20s  %-17s %-8s opened %s  %s\n", shown(entry["case"]).c_str(),
                shown(entry["head_name"]).c_str(), shown(entry["grid"]).c_str(),
                shown(entry["state"]).c_str(), shown(entry["type"]).c_str(),
                shown(entry["opened"]).c_str(), shown(entry["village_name"]).c_str());
    ++count;
  });
  std::printf("(%zu case%s)\n", count, count == 1 ? "" : "s");
  return 0;
}

const cli::CommandRegistration kReport({
    "report",
    "a county report: levels, cases, warnings, overdue, new_risk or eliminated",
    "usage: doorstep-server report --data DIR --name NAME [--scope PREFIX] [--lang zh|en]\n"
    "                              [--json]\n"
    "\n"
    "NAME is one of\n"
    "  levels      households by level (red, yellow, green, unsurveyed) and monitoring type\n"
    "  cases       cases by state, and open cases by days since opened\n"
    "  warnings    warnings by source and by the department whose data raised them\n"
    "  overdue     open tasks past their due date, by kind\n"
    "  new_risk    households that became red or yellow this month\n"
    "  eliminated  cases eliminated this year\n"
    "each counted for --scope (default: the whole county) and for every township, village and\n"
    "grid in it. Prints the report as a table (headers in --lang, default zh); --json prints\n"
    "the report's JSON document (docs/reports.md). An unknown NAME or a bad --scope exits 1.",
    run_report,
});

const cli::CommandRegistration kRegister({
    "register",
    "the register of monitoring cases (监测对象台账), with steps and measures",
    "usage: doorstep-server register --data DIR [--scope PREFIX] [--state STATE]\n"
    "           [--type unstable|marginal|sudden] [--from DATE] [--to DATE]\n"
    "           [--dates opened|entered] [--json]\n"
    "\n"
    "Every case (open and closed) of the households within --scope, in (grid, household)\n"
    "order, with its household, head, divisions, type, risk factors, state, the date of each\n"
    "step and its measures. --from and --to (YYYY-MM-DD, inclusive) select on the day the\n"
    "case was opened, or with --dates entered on the day it entered its state. --json prints\n"
    "{\"register\": [ENTRY], \"count\"} (docs/reports.md, \"The register\"). A bad value exits 1\n"
    "naming the option.",
    run_register,
});

}  // namespace
}  // namespace doorstep::server
