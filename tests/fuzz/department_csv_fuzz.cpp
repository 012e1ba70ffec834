// Fuzz target: a department's data file (docs/monitoring.md, "Department data"). Input: the
// first byte picks the source (civil-affairs, medical-insurance, ...), the rest is the file's
// bytes, written to a scratch file and read as `doorstep-server import` reads one: encoding
// detection (UTF-8, BOM, GBK), the streaming CSV reader, the header matched to the source's
// columns, each row's ID number normalised, its values parsed and assessed. Every refusal must
// be a doorstep::Error naming what and where; anything else is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/common/error.h"
#include "core/forms/chinese_id.h"
#include "sync-server/src/county/department_file.h"
#include "sync-server/src/county/department_sources.h"

using namespace doorstep;

namespace {

const std::filesystem::path& scratch() {
  static const std::filesystem::path path = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "doorstep-fuzz-csv-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    if (fd < 0) std::abort();
    close(fd);
    return std::filesystem::path(pattern);
  }();
  return path;
}

void read_file(const server::DepartmentSource& source) {
  server::DepartmentFile file = server::inspect_department_file(scratch());
  server::CsvRecordReader reader(file);
  server::CsvRecord record;
  std::vector<int> column_of;  // source column -> field index, -1 when absent
  bool header = true;
  server::AssessSettings settings;
  settings.today = monitoring::Date::from_civil(2026, 12, 1);
  while (reader.next(record)) {
    if (server::is_blank_record(record)) continue;
    if (header) {
      for (const auto& column : source.columns) {
        int found = -1;
        for (size_t i = 0; i < record.fields.size(); ++i) {
          std::string text = server::trim_text(record.fields[i]);
          bool alias = false;
          for (const auto& a : column.aliases) alias = alias || text == a;
          if (text == column.name || text == column.chinese || alias) found = static_cast<int>(i);
        }
        column_of.push_back(found);
      }
      header = false;
      continue;
    }
    nlohmann::json cells = nlohmann::json::object();
    for (size_t c = 0; c < source.columns.size(); ++c) {
      int at = column_of[c];
      if (at >= 0 && static_cast<size_t>(at) < record.fields.size())
        cells[source.columns[c].name] = server::trim_text(record.fields[static_cast<size_t>(at)]);
    }
    server::DepartmentRow row;
    row.line = record.line;
    if (cells.contains("id_number")) {
      auto checked = forms::normalize_resident_id(cells["id_number"].get<std::string>());
      row.values["id_number"] = checked.normalized;
    }
    if (server::parse_department_values(source, cells, row)) continue;  // an invalid row
    server::assess_department_row(source, row, server::MemberRecord{}, settings);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& sources = server::department_sources();
  const server::DepartmentSource& source = sources[data[0] % sources.size()];
  {
    std::ofstream out(scratch(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  try {
    read_file(source);
  } catch (const Error&) {
    // A refusal with a message: what the import reports.
  }
  return 0;
}
