// `doorstep-server export`: the county's households, register, warnings, tasks or one report
// as CSV or XLSX for the county's offices (docs/reports.md, "Exports"; docs/api.md, "Export").
#include <cctype>
#include <iostream>

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/sync/county_authority.h"
#include "county/county_export.h"
#include "county/county_risk.h"
#include "county/division_names.h"
#include "county/table_export.h"
#include "county/xlsx_writer.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

std::string lowercase_extension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

// --bom / --no-bom; by default a BOM when the file is named *.csv (it is meant for Excel).
bool wants_byte_order_mark(const cli::Args& args, const std::string& out_path) {
  if (args.has("bom") && args.has("no-bom"))
    throw cli::UsageError("export", "--bom and --no-bom exclude each other");
  if (args.has("bom")) return true;
  if (args.has("no-bom")) return false;
  return lowercase_extension(out_path) == ".csv";
}

// --format, else xlsx for a FILE named *.xlsx, else csv.
std::string format_of(const cli::Args& args, const std::string& out_path) {
  std::string format =
      args.value_or("format", lowercase_extension(out_path) == ".xlsx" ? "xlsx" : "csv");
  if (format != "csv" && format != "xlsx")
    throw cli::Failure("export: --format '" + format + "' is not one of csv, xlsx");
  return format;
}

int run_export(const std::vector<std::string>& argv) {
  cli::Args args("export", argv,
                 {{"data", true},
                  {"what", true},
                  {"format", true},
                  {"out", true},
                  {"scope", true},
                  {"grid", true},
                  {"lang", true},
                  {"report", true},
                  {"bom"},
                  {"no-bom"}});
  args.expect_at_most(0);
  std::string out_path = args.required("out");
  if (args.has("scope") && args.has("grid"))
    throw cli::UsageError("export", "--scope and --grid are the same option; give one");
  TableExportOptions options;
  options.what = args.value_or("what", "households");
  options.scope = args.has("grid") ? args.value_or("grid", "") : args.value_or("scope", "");
  options.language = args.value_or("lang", "zh");
  options.report = args.value_or("report", "");
  std::string format = format_of(args, out_path);
  bool byte_order_mark = wants_byte_order_mark(args, out_path);
  try {
    check_table_export(options);
  } catch (const Error& e) {
    throw cli::Failure("export: " + std::string(e.what()));
  }
  auto county = sync::CountyAuthority::open(data_dir(args));
  CountyRisk risk(county.store().database(), data_dir(args));
  DivisionNames names(county.grids());
  monitoring::Date today = monitoring::today();
  size_t rows = 0;
  if (format == "csv") {
    write_output_stream(out_path, [&](std::ostream& out) {
      CsvTableWriter writer(out, byte_order_mark);
      rows = export_table(county.store(), risk, names, options, today, writer);
    });
  } else {
    write_output_path(out_path, [&](const std::filesystem::path& temp) {
      std::filesystem::path folder = temp.parent_path().empty() ? "." : temp.parent_path();
      XlsxTableWriter writer(temp, folder);
      rows = export_table(county.store(), risk, names, options, today, writer);
    });
  }
  if (args.json())
    std::cout << nlohmann::json{{"rows", rows}, {"out", out_path}}.dump() << "\n";
  else if (options.what == "households")
    std::cout << rows << " households written to " << out_path << "\n";
  else
    std::cout << rows << " rows of " << export_title(options) << " written to " << out_path << "\n";
  return 0;
}

const cli::CommandRegistration kExport({
    "export",
    "write the county's households, register, warnings, tasks or a report as CSV or XLSX",
    "usage: doorstep-server export --data DIR --out FILE\n"
    "           [--what households|register|warnings|tasks|report] [--report NAME]\n"
    "           [--format csv|xlsx] [--scope PREFIX] [--lang zh|en] [--bom | --no-bom] [--json]\n"
    "\n"
    "Writes every row within --scope (default: the whole county; no row limit; --grid is\n"
    "the same option) of --what (default households) as a table with a header row in\n"
    "Chinese (--lang zh, the default) or English (--lang en). --what report writes the\n"
    "report --report NAME (levels, cases, warnings, overdue, new_risk, eliminated).\n"
    "\n"
    "--format csv (the default, unless FILE ends in .xlsx): RFC 4180 quoting, CRLF lines,\n"
    "UTF-8 with a byte order mark (on by default when FILE ends in .csv, so that Excel reads\n"
    "it as UTF-8). --format xlsx: one sheet, the header row frozen, numbers as numbers and\n"
    "dates as dates, written in constant memory. The households' columns are\n"
    "  household_id, township_code, township_name, village_code, village_name, grid_code,\n"
    "  grid_name, head_name, head_id_number, member_count, monitoring_type, level, rules,\n"
    "  income_per_capita, last_visit_date, last_visitor\n"
    "(docs/api.md, \"Export\"); the others' are in docs/reports.md. Rows are streamed to\n"
    "FILE.tmp, which becomes FILE only when the export succeeded. An unknown --what,\n"
    "--format, --lang or --report, a bad --scope or an unwritable FILE exits 1 naming it.\n"
    "--json prints {\"rows\", \"out\"}.",
    run_export,
});

}  // namespace
}  // namespace doorstep::server
