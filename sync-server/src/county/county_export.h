// The county's households as a CSV file for the county's offices: one row per household with
// its divisions (codes and names), head, current member count, the county's risk evaluation
// (level, monitoring type, rules fired), income per capita and the newest visit — what
// `doorstep-server export` writes.
//
// Format: RFC 4180 (fields holding a comma, quote, CR or LF are quoted, quotes doubled),
// CRLF line ends, UTF-8, optionally with a byte order mark so that Excel on a Chinese
// Windows reads it as UTF-8 rather than GBK. Header row in Chinese or English; the columns
// and their order are a contract (docs/api.md, "Export").
//
// Streaming: rows are written as the store's scan reads them (Store::scan_households), so
// memory does not grow with the county; the caller decides where the bytes go.
//
// Ownership: borrows the store and the county's risk evaluation. Thread-safety: as the Store
// (one thread at a time). Failure: Error(InvalidArgument) for a bad grid prefix or
// language; a stream that fails to write throws Error(Io) naming the row.
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <string>

#include "core/store/store.h"
#include "county/county_risk.h"

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

// One CSV field as RFC 4180 wants it: as is, or quoted with inner quotes doubled.
std::string csv_field(const std::string& text);

}  // namespace doorstep::server
