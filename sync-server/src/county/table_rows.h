// The shape of a table the county writes for its offices — the households, the register,
// the warnings, the tasks and each report as rows of typed cells — and the sink those rows
// go to: CSV (table_export.h), XLSX (xlsx_writer.h) or the terminal. Every column has an
// English and a Chinese header and a kind, so that a spreadsheet gets numbers as numbers and
// dates as dates while CSV gets the text.
//
// Thread-safety: values; a sink is used by one thread. Failure: a sink throws Error(Io)
// naming what it could not write, or Error(InvalidArgument) for a row of the wrong width.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/monitoring/calendar.h"

namespace doorstep::server {

enum class CellKind { Text, Number, Date };

struct TableColumn {
  std::string name;     // the English header, also the column's name in docs/reports.md
  std::string chinese;  // the Chinese header
  CellKind kind = CellKind::Text;
  double width = 12;  // in a spreadsheet, in characters
};

// One cell: text (empty for none), a number or a civil date. A number or a date keeps the
// text CSV shows for it.
struct TableCell {
  CellKind kind = CellKind::Text;
  std::string text;
  double number = 0;
  monitoring::Date date;

  TableCell() = default;
  TableCell(std::string value);  // text, the usual cell
  TableCell(const char* value);
  static TableCell of_number(double value);
  // A JSON number as a number; a string holding a decimal number ("3433.5") as that number,
  // shown as written; anything else as text (null as empty).
  static TableCell of_json_number(const nlohmann::json& value);
  // YYYY-MM-DD as a date; other text as text.
  static TableCell of_date(const std::string& value);
  bool empty() const { return kind == CellKind::Text && text.empty(); }
};

using TableRow = std::vector<TableCell>;

// A table small enough to hold: what a report is shown as.
struct Table {
  std::string title;  // also the spreadsheet's sheet name (at most 31 characters)
  std::vector<TableColumn> columns;
  std::vector<TableRow> rows;
};

// Where rows go, one at a time: begin() once, row() for each row in order, finish() once.
class TableSink {
 public:
  virtual ~TableSink() = default;
  // `language`: zh | en, which header each column shows. `title`: the sheet's name.
  virtual void begin(const std::string& title, const std::vector<TableColumn>& columns,
                     const std::string& language) = 0;
  virtual void row(const TableRow& row) = 0;
  // Writes what is left; the output is complete only once this returned.
  virtual void finish() = 0;
};

// The header a column shows in `language`.
const std::string& header_of(const TableColumn& column, const std::string& language);

// The six columns of a household's divisions (township_code, township_name, village_code,
// village_name, grid_code, grid_name) and their cells from DivisionNames::divisions_of()'s
// object (or any object with those members).
std::vector<TableColumn> division_columns();
void add_division_cells(TableRow& row, const nlohmann::json& divisions);

// Writes a held table to `sink` (begin, every row, finish).
void write_table(const Table& table, const std::string& language, TableSink& sink);

}  // namespace doorstep::server
