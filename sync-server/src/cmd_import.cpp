// doorstep-server import / imports / import show: department data cross-check (部门信息比对)
// from the command line (county/department_import.h; docs/monitoring.md, "Department data").
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/rules/household_classifier.h"
#include "core/sync/county_authority.h"
#include "county/department_import.h"
#include "county/department_sources.h"
#include "county/import_records.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string source_list() {
  std::string out;
  for (const auto& source : department_sources())
    out += (out.empty() ? "" : ", ") + source.id + " (" + source.label + ")";
  return out;
}

void print_report(const json& report) {
  std::cout << (report["dry_run"].get<bool>() ? "dry run (nothing written): " : "")
            << report["source"].get<std::string>() << " file " << report["file"].get<std::string>()
            << " (" << report["encoding"].get<std::string>() << ", sha256 "
            << report["sha256"].get<std::string>().substr(0, 12) << "...)\n"
            << "rows " << report["rows"] << ": matched " << report["matched"] << ", unmatched "
            << report["unmatched"] << ", ambiguous " << report["ambiguous"] << ", invalid "
            << report["invalid"].size() << "\n"
            << "risky rows " << report["risky"] << ": warnings created "
            << report["warnings_created"] << ", verify tasks created " << report["tasks_created"]
            << "\n";
  for (const auto& row : report["invalid"])
    std::cout << "  line " << row["line"] << ": " << row["reason"].get<std::string>() << "\n";
  for (const auto& row : report["ambiguous_rows"])
    std::cout << "  line " << row["line"] << ": the ID number is on " << row["members"].size()
              << " members\n";
  if (!report["import"].is_null())
    std::cout << "recorded as import " << report["import"] << " (doorstep-server import show)\n";
}

int run_import(const std::vector<std::string>& argv) {
  cli::Args args("import", argv,
                 {{"data", true},
                  {"source", true},
                  {"file", true},
                  {"mapping", true},
                  {"dry-run"},
                  {"actor", true},
                  {"unmatched-out", true}});
  args.expect_at_most(0);
  DepartmentImportOptions options;
  options.source = args.required("source");
  if (!find_department_source(options.source))
    throw cli::UsageError("import", "--source '" + options.source +
                                        "' is not a department (known: " + source_list() + ")");
  options.file = args.required("file");
  if (auto mapping = args.value("mapping")) options.mapping = *mapping;
  options.dry_run = args.has("dry-run");
  options.actor = args.value_or("actor", "county");
  if (options.actor.empty() || options.actor.size() > 200)
    throw cli::UsageError("import", "--actor wants a name of 1 to 200 bytes");
  rules::use_form_classifier();
  auto county = sync::CountyAuthority::open(data_dir(args));
  json report;
  if (auto out = args.value("unmatched-out")) {
    write_output_stream(*out, [&](std::ostream& stream) {
      options.unmatched_out = &stream;
      report = import_department_data(county, data_dir(args), options);
    });
  } else {
    report = import_department_data(county, data_dir(args), options);
  }
  if (args.json())
    std::cout << report.dump() << "\n";
  else
    print_report(report);
  return 0;
}

int64_t import_id(const cli::Args& args) {
  std::string text = args.positional(0, "import ID");
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    throw cli::UsageError(args.command(), "'" + text + "' is not an import id (a number)");
  return std::stoll(text);
}

void print_record(const json& record) {
  std::cout << record["id"] << "  " << record["status"].get<std::string>() << "  "
            << record["started_at"].get<std::string>() << "  "
            << record["source"].get<std::string>() << "  " << record["file"].get<std::string>()
            << "  by " << record["actor"].get<std::string>();
  const json& counts = record["counts"];
  if (counts.contains("rows"))
    std::cout << "  rows " << counts["rows"] << " matched " << counts.value("matched", 0)
              << " warnings " << counts.value("warnings_created", 0);
  std::cout << "\n";
}

int run_imports(const std::vector<std::string>& argv) {
  cli::Args args("imports", argv, {{"data", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  json list = ImportRecords(county.store().database(), data_dir(args)).list();
  if (args.json()) {
    std::cout << list.dump() << "\n";
    return 0;
  }
  if (list["imports"].empty()) std::cout << "no imports\n";
  for (const auto& record : list["imports"]) print_record(record);
  return 0;
}

int run_import_show(const std::vector<std::string>& argv) {
  cli::Args args("import show", argv, {{"data", true}});
  args.expect_at_most(1);
  int64_t id = import_id(args);
  auto county = sync::CountyAuthority::open(data_dir(args));
  json record = ImportRecords(county.store().database(), data_dir(args)).show(id);
  if (args.json()) {
    std::cout << record.dump() << "\n";
    return 0;
  }
  print_record(record);
  std::cout << "file sha256 " << record["sha256"].get<std::string>() << ", " << record["bytes"]
            << " bytes, " << record["encoding"].get<std::string>() << "\n";
  if (record.contains("error"))
    std::cout << "error: " << record["error"].get<std::string>() << "\n";
  if (record["report"].contains("rows")) print_report(record["report"]);
  return 0;
}

const cli::CommandRegistration import_command{
    {"import", "match a department's data file with the county's members and raise warnings",
     "usage: doorstep-server import --data DIR --source SOURCE --file FILE.csv\n"
     "         [--mapping MAPPING.json] [--dry-run] [--actor NAME] [--unmatched-out FILE.csv]\n"
     "         [--json]\n\n"
     "Department data cross-check (部门信息比对): each row of FILE is matched by ID number\n"
     "(18 characters with a valid check character, or a 15-digit first-generation number)\n"
     "against every current member of the county. A matched row whose values call for it\n"
     "raises a warning (source department) with a verify task for the household's grid,\n"
     "whose prefill holds the department's figures; the grid worker's phone receives it at\n"
     "its next sync. Importing the same file again raises nothing new.\n\n"
     "Sources and their columns (Chinese headers or the English names):\n"
     "  civil-affairs      姓名/name, 身份证号/id_number, 救助类型/assistance (低保|特困|无),\n"
     "                     开始日期/start, 结束日期/end\n"
     "  medical-insurance  ..., 参保状态/insured (是|否), 个人自付金额/out_of_pocket (yuan, 12 "
     "months)\n"
     "  education          ..., 在校状态/in_school (在校|辍学), 学段/stage\n"
     "  disability         ..., 残疾等级/disability_grade (1-4)\n"
     "  housing            ..., 住房等级/housing_grade (A-D)\n"
     "  human-resources    ..., 就业状态/employment (就业|失业)\n"
     "The file is UTF-8 (a byte order mark is fine) or GBK; other columns are ignored.\n"
     "--mapping names a JSON file {\"columns\": {\"THEIR HEADER\": \"our_name\"}}.\n"
     "--dry-run matches and reports only: no warning, no import record.\n"
     "--actor NAME is who imports (default county), kept in the import record.\n"
     "--unmatched-out writes the unmatched rows (CSV with a BOM, a first column 行号 with each\n"
     "row's line) for the department to check.\n"
     "--json prints {\"rows\", \"matched\", \"unmatched\", \"ambiguous\", \"invalid\": "
     "[{\"line\",\n"
     "\"reason\"}], \"warnings_created\", \"tasks_created\", \"import\", ...}. Exit 1, writing\n"
     "nothing, for a file that cannot be imported (a required column missing, not UTF-8 or\n"
     "GBK, a quote never closed); invalid rows are reported and the others imported.\n",
     run_import}};
const cli::CommandRegistration imports_command{
    {"imports", "list the department data imports",
     "usage: doorstep-server imports --data DIR [--json]\n\n"
     "Every import (not dry runs), newest first: who, when, the file's name and SHA-256, the\n"
     "source, its status (running, done, failed) and counts. --json prints {\"imports\": [...]}.\n",
     run_imports}};
const cli::CommandRegistration import_show_command{
    {"import show", "show one department data import with its report",
     "usage: doorstep-server import show --data DIR ID [--json]\n\n"
     "The import's record and its whole report (every invalid, unmatched and ambiguous row,\n"
     "every warning raised).\n",
     run_import_show}};

}  // namespace
}  // namespace doorstep::server
