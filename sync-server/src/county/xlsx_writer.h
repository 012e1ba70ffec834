// XlsxTableWriter: a county table as an Excel workbook (XLSX), through libxlsxwriter (Debian's
// libxlsxwriter-dev: a well-kept C library that writes the Office Open XML a spreadsheet
// expects, so Doorstep writes no ZIP or SpreadsheetML of its own).
//
// The sheet has the header row in bold, frozen so it stays on screen, each column as wide as
// its TableColumn says, numbers as numbers, dates as dates (a date number format, yyyy-mm-dd)
// and text as text (an ID number stays whole). A sheet holds at most 1,048,576 rows; the
// rows after that go on a second sheet (NAME (2)) under the same header, and so on: no row
// limit.
//
// Memory: the workbook is opened in libxlsxwriter's constant_memory mode — each row goes to a
// temporary file in `tmpdir` as it is written, text inline (no shared-string table) — so
// memory does not grow with the rows; finish() zips those files into the workbook at `path`.
//
// Ownership: owns the workbook until finish(); the file at `path` exists only once finish()
// returned (a writer destroyed before writes nothing). Thread-safety: one thread. Failure:
// Error(Io) naming what libxlsxwriter could not do (the file or a temporary one cannot be
// created, a cell cannot be written); Error(InvalidArgument) for a row of the wrong width.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "county/table_rows.h"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace doorstep::server {

class XlsxTableWriter : public TableSink {
 public:
  XlsxTableWriter(const std::filesystem::path& path, const std::filesystem::path& tmpdir);
  ~XlsxTableWriter() override;
  XlsxTableWriter(const XlsxTableWriter&) = delete;
  XlsxTableWriter& operator=(const XlsxTableWriter&) = delete;

  void begin(const std::string& title, const std::vector<TableColumn>& columns,
             const std::string& language) override;
  void row(const TableRow& row) override;
  void finish() override;

 private:
  void add_sheet();

  std::string path_;
  std::string tmpdir_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* header_format_ = nullptr;
  lxw_format* date_format_ = nullptr;
  std::string title_;
  std::vector<TableColumn> columns_;
  std::string language_;
  int sheets_ = 0;
  uint32_t next_row_ = 0;  // on the current sheet
  size_t rows_ = 0;        // data rows written, on every sheet
};

}  // namespace doorstep::server
