// The county's households as a table for the county's offices: one row per household with
// its divisions (codes and names), head, current member count, the county's risk evaluation
// (level, monitoring type, rules fired), income per capita and the newest visit — what
// `doorstep-server export` writes (as CSV here; any table sink, XLSX too, through
// table_export.h) — and the CSV writing every county table shares.
//
// CSV: RFC 4180 (fields holding a comma, quote, CR or LF are quoted, quotes doubled), CRLF
// line ends, UTF-8, optionally with a byte order mark so that Excel on a Chinese Windows
// reads it as UTF-8 rather than GBK. Header row in Chinese or English; the columns and their
// order are a contract (docs/api.md, "Export").
//
// Streaming: rows are written as the store's scan reads them (Store::scan_households), so
// memory does not grow with the county; the caller decides where the bytes go.
//
// Ownership: borrows the store and the county's risk evaluation. Thread-safety: as the Store
// (one thread at a time). Failure: Error(InvalidArgument) for a bad grid prefix or
// language; a stream that fails to write throws Error(Io) naming the row.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "core/store/store.h"
#include "county/county_risk.h"
#include "county/table_rows.h"

namespace doorstep::server {

struct CsvExportOptions {
  std::string grid_prefix;      // "" = the whole county
  std::string language = "zh";  // of the header row: zh | en
  bool byte_order_mark = true;  // EF BB BF before the header
};

// Writes the header and one row per household; returns the number of rows (header excluded).
// `division_names`: grid path -> name of the county's townships, villages and grids
// (CountyAuthority::grids()); a division without one gets an empty name.
size_t export_households_csv(const store::Store& store, const CountyRisk& risk,
                             const std::map<std::string, std::string>& division_names,
                             const CsvExportOptions& options, std::ostream& out);

// The households table's columns, in the order of every row (docs/api.md, "Export").
const std::vector<TableColumn>& household_columns();

// Calls `each` with the row of every household within `grid_prefix`, in (grid, id) order.
void scan_household_rows(const store::Store& store, const CountyRisk& risk,
                         const std::map<std::string, std::string>& division_names,
                         const std::string& grid_prefix,
                         const std::function<void(const TableRow&)>& each);

// One CSV field as RFC 4180 wants it: as is, or quoted with inner quotes doubled.
std::string csv_field(const std::string& text);

// A table as CSV on `out`: the header row in the language begin() is given, then each row's
// cells as text (a number as written, a date as YYYY-MM-DD). Error(Io) naming the row when
// the stream fails; Error(InvalidArgument) for a row whose width is not the header's.
class CsvTableWriter : public TableSink {
 public:
  CsvTableWriter(std::ostream& out, bool byte_order_mark);
  void begin(const std::string& title, const std::vector<TableColumn>& columns,
             const std::string& language) override;
  void row(const TableRow& row) override;
  void finish() override;

 private:
  std::ostream& out_;
  bool byte_order_mark_;
  size_t columns_ = 0;
  size_t rows_ = 0;
};

}  // namespace doorstep::server
