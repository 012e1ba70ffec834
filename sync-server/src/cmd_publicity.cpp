// `doorstep-server publicity`: a village's publicity list (村级公示) of the cases in
// publicity, de-identified, as CSV or a printable HTML page (county/publicity_list.h).
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/sync/county_authority.h"
#include "county/publicity_list.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

// --format, else the --out file's extension (.html, .htm), else csv.
std::string format_of(const cli::Args& args) {
  if (auto format = args.value("format")) {
    if (*format != "csv" && *format != "html")
      throw cli::UsageError("publicity", "--format '" + *format + "' is not one of csv, html");
    return *format;
  }
  if (auto out = args.value("out")) {
    std::string extension = std::filesystem::path(*out).extension().string();
    for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (extension == ".html" || extension == ".htm") return "html";
  }
  return "csv";
}

int run_publicity(const std::vector<std::string>& argv) {
  cli::Args args("publicity", argv,
                 {{"data", true}, {"village", true}, {"out", true}, {"format", true}});
  args.expect_at_most(0);
  std::string village = args.required("village");
  std::string format = format_of(args);
  auto county = sync::CountyAuthority::open(data_dir(args));
  std::map<std::string, std::string> names;
  const nlohmann::json grids = county.grids();
  for (const auto& division : grids)
    names[division["path"].get<std::string>()] = division["name"].get<std::string>();
  PublicityList list = publicity_list(county.store(), names, village);
  std::ostringstream text;
  if (format == "html")
    write_publicity_html(list, text);
  else
    write_publicity_csv(list, text);
  auto out = args.value("out");
  if (!out) {
    std::cout << text.str();
    return 0;
  }
  write_output_file(*out, text.str());
  if (args.json())
    std::cout
        << nlohmann::json{{"rows", list.entries.size()}, {"out", *out}, {"format", format}}.dump()
        << "\n";
  else
    std::cerr << list.entries.size() << " case" << (list.entries.size() == 1 ? "" : "s")
              << " in publicity written to " << *out << "\n";
  return 0;
}

const cli::CommandRegistration kPublicity({
    "publicity",
    "write a village's publicity list (村级公示) of the cases in publicity",
    "usage: doorstep-server publicity --data DIR --village PATH [--out FILE]\n"
    "                                 [--format csv|html] [--json]\n"
    "\n"
    "Lists the cases in state publicised whose household's grid is within PATH (a village,\n"
    "or any grid prefix), de-identified for posting: 序号, 户主姓名 (the head's name),\n"
    "所在村组 (village and grid), 纳入方式 (农户自主申报, 部门筛查预警 or 基层干部排查, from\n"
    "the case's warnings), 公示开始 (the day it entered publicity) and 公示截止 (that day plus\n"
    "the county's publicity_days, default 5). No ID number, phone, bank, health or income\n"
    "data and no risk factors. CSV is UTF-8 with a byte order mark (for Excel); html is one\n"
    "printable page titled 监测对象公示, without scripts. The format is --format, else html\n"
    "when FILE ends in .html or .htm, else csv; without --out the list goes to stdout.\n"
    "--json (with --out) prints {\"rows\", \"out\", \"format\"}.\n",
    run_publicity,
});

}  // namespace
}  // namespace doorstep::server
