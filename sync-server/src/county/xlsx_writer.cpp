// County tables as XLSX through libxlsxwriter, in constant-memory mode.
#include "county/xlsx_writer.h"

#include <xlsxwriter.h>

#include "core/common/error.h"

namespace doorstep::server {
namespace {

// Excel's limit on the characters of a cell; bytes are at least as many.
constexpr size_t kMaxCellBytes = 32767;

void check(lxw_error error, const std::string& what) {
  if (error != LXW_NO_ERROR)
    throw Error(ErrorCode::Io, "XLSX: " + what + ": " + lxw_strerror(error));
}

// Text a worksheet can hold: characters XML 1.0 forbids (C0 controls other than tab, line
// feed and carriage return) dropped, and cut at the cell limit on a UTF-8 boundary.
std::string cell_text(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') continue;
    out.push_back(c);
  }
  if (out.size() > kMaxCellBytes) {
    size_t end = kMaxCellBytes;
    while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
    out.resize(end);
  }
  return out;
}

lxw_datetime datetime_of(monitoring::Date date) {
  std::string text = date.to_string();  // YYYY-MM-DD
  lxw_datetime out{};
  out.year = std::stoi(text.substr(0, 4));
  out.month = std::stoi(text.substr(5, 2));
  out.day = std::stoi(text.substr(8, 2));
  return out;
}

}  // namespace

XlsxTableWriter::XlsxTableWriter(const std::filesystem::path& path,
                                 const std::filesystem::path& tmpdir)
    : path_(path.string()), tmpdir_(tmpdir.string()) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = tmpdir_.data();
  options.use_zip64 = LXW_TRUE;  // a county's workbook may pass 4 GiB of XML before zipping
  workbook_ = workbook_new_opt(path_.c_str(), &options);
  if (!workbook_) throw Error(ErrorCode::Io, "XLSX: cannot start the workbook '" + path_ + "'");
  header_format_ = workbook_add_format(workbook_);
  date_format_ = workbook_add_format(workbook_);
  if (!header_format_ || !date_format_)
    throw Error(ErrorCode::Io, "XLSX: cannot add the workbook's formats");
  format_set_bold(header_format_);
  format_set_num_format(date_format_, "yyyy-mm-dd");
}

XlsxTableWriter::~XlsxTableWriter() {
  // Not finished: free what the workbook holds and write nothing.
  if (workbook_) lxw_workbook_free(workbook_);
}

void XlsxTableWriter::begin(const std::string& title, const std::vector<TableColumn>& columns,
                            const std::string& language) {
  title_ = title.substr(0, LXW_SHEETNAME_MAX - 4);  // room for " (2)"
  columns_ = columns;
  language_ = language;
  add_sheet();
}

void XlsxTableWriter::add_sheet() {
  ++sheets_;
  std::string name = sheets_ == 1 ? title_ : title_ + " (" + std::to_string(sheets_) + ")";
  sheet_ = workbook_add_worksheet(workbook_, name.c_str());
  if (!sheet_)
    throw Error(ErrorCode::Io, "XLSX: cannot add the sheet '" + name +
                                   "' (its temporary file in '" + tmpdir_ + "')");
  for (size_t i = 0; i < columns_.size(); ++i) {
    auto column = static_cast<lxw_col_t>(i);
    check(worksheet_set_column(sheet_, column, column, columns_[i].width, nullptr),
          "setting the width of column " + std::to_string(i + 1));
  }
  for (size_t i = 0; i < columns_.size(); ++i)
    check(worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(i),
                                 cell_text(header_of(columns_[i], language_)).c_str(),
                                 header_format_),
          "writing the header");
  worksheet_freeze_panes(sheet_, 1, 0);
  next_row_ = 1;
}

void XlsxTableWriter::row(const TableRow& row) {
  if (row.size() != columns_.size())
    throw Error(ErrorCode::InvalidArgument, "row " + std::to_string(rows_ + 1) + " has " +
                                                std::to_string(row.size()) + " cells, not " +
                                                std::to_string(columns_.size()));
  if (next_row_ >= LXW_ROW_MAX) add_sheet();
  for (size_t i = 0; i < row.size(); ++i) {
    const TableCell& cell = row[i];
    if (cell.empty()) continue;
    auto column = static_cast<lxw_col_t>(i);
    lxw_error error = LXW_NO_ERROR;
    switch (cell.kind) {
      case CellKind::Number:
        error = worksheet_write_number(sheet_, next_row_, column, cell.number, nullptr);
        break;
      case CellKind::Date: {
        lxw_datetime date = datetime_of(cell.date);
        error = worksheet_write_datetime(sheet_, next_row_, column, &date, date_format_);
        break;
      }
      case CellKind::Text:
        error = worksheet_write_string(sheet_, next_row_, column, cell_text(cell.text).c_str(),
                                       nullptr);
        break;
    }
    check(error,
          "writing row " + std::to_string(rows_ + 1) + ", column " + header_of(columns_[i], "en"));
  }
  ++next_row_;
  ++rows_;
}

void XlsxTableWriter::finish() {
  lxw_workbook* workbook = workbook_;
  workbook_ = nullptr;  // closed (and freed) whatever close answers
  check(workbook_close(workbook), "writing '" + path_ + "'");
}

}  // namespace doorstep::server
