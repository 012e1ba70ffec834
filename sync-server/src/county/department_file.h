// A department's data file as the county receives it: a CSV file exported from a
// spreadsheet, in UTF-8 (with or without a byte order mark) or in GBK, the encoding Excel on
// a Chinese Windows writes (docs/monitoring.md, "Department data").
//
// inspect_department_file() reads the bytes once: their SHA-256 (what the import record
// keeps), their size and their encoding. A file that is well-formed UTF-8 is UTF-8; any other
// file is decoded as GBK with glibc's iconv (as GB18030, which reads every GBK byte sequence
// the same and is a superset of it), and must decode whole. CsvRecordReader then streams the
// file's records as UTF-8, RFC 4180 style: fields separated by commas, quoted fields holding
// commas, quotes (doubled) and line breaks; lines end with LF, CRLF or CR. Memory holds one
// record and one read buffer, never the file.
//
// Ownership: a reader owns its file handle and iconv descriptor. Thread-safety: one thread at
// a time per reader. Failure: doorstep::Error — NotFound (a file that cannot be read),
// InvalidArgument naming the file and the byte offset (neither UTF-8 nor GBK) or the line (a
// quoted field never closed, a field or record over the limits below).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace doorstep::server {

struct DepartmentFile {
  std::filesystem::path path;
  std::string sha256;  // lower-case hex of the file's bytes
  uint64_t bytes = 0;
  std::string encoding;  // "utf-8" | "utf-8-bom" | "gbk"
};

DepartmentFile inspect_department_file(const std::filesystem::path& path);

// One record: its fields as UTF-8 text (quotes removed) and the line it starts on (the
// header is line 1; a quoted line break moves the next record's line on).
struct CsvRecord {
  size_t line = 0;
  std::vector<std::string> fields;
};

// A field longer than this, or a record with more fields, is refused: a spreadsheet's cell
// never is, a quote left open swallowing the rest of the file is.
inline constexpr size_t kMaxCsvFieldBytes = 64 * 1024;
inline constexpr size_t kMaxCsvFields = 1024;

class CsvRecordReader {
 public:
  explicit CsvRecordReader(const DepartmentFile& file);
  ~CsvRecordReader();
  CsvRecordReader(const CsvRecordReader&) = delete;
  CsvRecordReader& operator=(const CsvRecordReader&) = delete;

  // The next record into `record`; false at the end of the file.
  bool next(CsvRecord& record);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when every field is empty or white space: a blank line, or a spreadsheet's empty row
// (",,,").
bool is_blank_record(const CsvRecord& record);

// `text` without leading and trailing white space: ASCII space, tab, CR, LF, U+00A0 and
// U+3000 (the ideographic space Chinese input methods type).
std::string trim_text(const std::string& text);

}  // namespace doorstep::server
