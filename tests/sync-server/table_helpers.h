// Reading back the county's tables as a spreadsheet program would: CSV by RFC 4180, and XLSX
// with a real reader — Python's zipfile and xml.etree (Debian's python3), not the code that
// wrote the file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace doorstep::test {

using CsvRow = std::vector<std::string>;

// RFC 4180 with CRLF line ends (a leading byte order mark is not removed); fails the test on
// anything else.
std::vector<CsvRow> parse_csv(const std::string& text);

// The workbook at `path`:
//   {"sheets": [NAME], "date_styles": [style index with a date number format],
//    "worksheets": [{"pane": {attributes of <pane>} | null, "cols": [{"min", "max", "width"}],
//                    "rows": [[{"ref", "col", "t", "s", "v", "date"}]]}]}
// "v" is a cell's value as text (an inline or shared string's text, a number's digits);
// "date" is the ISO date of a number cell whose style has a date format (as Excel shows it).
nlohmann::json read_xlsx(const std::filesystem::path& path);

}  // namespace doorstep::test
