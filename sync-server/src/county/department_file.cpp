// Department files: inspection (hash, size, encoding) and streaming CSV records as UTF-8.
#include "county/department_file.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

#include "core/common/error.h"
#include "core/common/utf8_check.h"
#include "core/crypto/hash.h"

namespace doorstep::server {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
// iconv's name for the GBK family: GB18030 decodes every GBK sequence as GBK does.
constexpr const char* kGbkCharset = "GB18030";

std::string hex_byte(unsigned char byte) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", byte);
  return text;
}

std::ifstream open_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path))
    throw Error(ErrorCode::NotFound, "cannot read the file '" + path.string() + "'");
  return in;
}

// Reads up to kChunk bytes into `buffer`; returns how many (0 at the end).
size_t read_chunk(std::ifstream& in, std::array<char, kChunk>& buffer,
                  const std::filesystem::path& path) {
  in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  if (in.bad()) throw Error(ErrorCode::Io, "cannot read the file '" + path.string() + "'");
  return static_cast<size_t>(in.gcount());
}

// The start of a UTF-8 sequence cut by the end of a chunk: a lead byte followed by fewer
// continuation bytes than it announces.
bool is_cut_sequence(std::string_view tail) {
  auto lead = static_cast<unsigned char>(tail[0]);
  size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                  : lead >= 0xE0 && lead <= 0xEF ? 3
                  : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                 : 0;
  if (length == 0 || tail.size() >= length) return false;
  for (size_t i = 1; i < tail.size(); ++i)
    if ((static_cast<unsigned char>(tail[i]) & 0xC0) != 0x80) return false;
  return true;
}

// GBK to UTF-8 through iconv, chunk by chunk: a multi-byte character cut by a chunk's end is
// carried into the next.
class GbkDecoder {
 public:
  GbkDecoder() {
    descriptor_ = iconv_open("UTF-8", kGbkCharset);
    if (descriptor_ == reinterpret_cast<iconv_t>(-1))
      throw Error(ErrorCode::Internal, std::string("iconv cannot convert from ") + kGbkCharset +
                                           " on this system (glibc's gconv modules missing?)");
  }
  ~GbkDecoder() { iconv_close(descriptor_); }
  GbkDecoder(const GbkDecoder&) = delete;
  GbkDecoder& operator=(const GbkDecoder&) = delete;

  // Appends the UTF-8 of `raw` (after what was carried) to `out`. `last`: no bytes follow.
  // Returns the file offset of an invalid sequence, or nullopt when all is well.
  std::optional<uint64_t> decode(std::string_view raw, bool last, std::string& out) {
    carry_.append(raw);
    char* in = carry_.data();
    size_t in_left = carry_.size();
    std::array<char, kChunk> buffer;
    while (in_left > 0) {
      char* out_at = buffer.data();
      size_t out_left = buffer.size();
      size_t result = iconv(descriptor_, &in, &in_left, &out_at, &out_left);
      int error = errno;
      out.append(buffer.data(), buffer.size() - out_left);
      if (result != static_cast<size_t>(-1)) continue;
      if (error == E2BIG) continue;
      if (error == EINVAL && !last) break;  // a character cut by the chunk's end
      return offset_ + static_cast<uint64_t>(in - carry_.data());
    }
    size_t used = carry_.size() - in_left;
    offset_ += used;
    carry_.erase(0, used);
    return std::nullopt;
  }

 private:
  iconv_t descriptor_;
  std::string carry_;
  uint64_t offset_ = 0;  // file offset of carry_'s first byte
};

// Decodes the whole file as GBK, discarding the text: nullopt if it decodes, else the offset
// of the first byte that does not.
std::optional<uint64_t> first_invalid_gbk(const std::filesystem::path& path) {
  std::ifstream in = open_file(path);
  GbkDecoder decoder;
  std::array<char, kChunk> buffer;
  std::string discard;
  for (;;) {
    size_t size = read_chunk(in, buffer, path);
    discard.clear();
    if (auto bad = decoder.decode({buffer.data(), size}, size == 0, discard)) return bad;
    if (size == 0) return std::nullopt;
  }
}

bool is_space_at(const std::string& text, size_t at, size_t& width) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[at + k]); };
  size_t left = text.size() - at;
  char c = text[at];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
    width = 1;
    return true;
  }
  if (left >= 2 && byte(0) == 0xC2 && byte(1) == 0xA0) {
    width = 2;
    return true;
  }
  if (left >= 3 && byte(0) == 0xE3 && byte(1) == 0x80 && byte(2) == 0x80) {
    width = 3;
    return true;
  }
  return false;
}

}  // namespace

DepartmentFile inspect_department_file(const std::filesystem::path& path) {
  std::ifstream in = open_file(path);
  DepartmentFile file;
  file.path = path;
  crypto::Sha256 hash;
  std::array<char, kChunk> buffer;
  std::string pending;  // bytes not yet known to be well-formed UTF-8
  std::optional<uint64_t> utf8_error;
  bool first = true;
  for (;;) {
    size_t size = read_chunk(in, buffer, path);
    hash.update(buffer.data(), size);
    if (first && size > 0) {
      file.encoding = std::string_view(buffer.data(), std::min<size_t>(size, 3)) == kByteOrderMark
                          ? "utf-8-bom"
                          : "utf-8";
      first = false;
    }
    if (!utf8_error) {
      uint64_t pending_offset = file.bytes - pending.size();
      pending.append(buffer.data(), size);
      size_t bad = first_invalid_utf8(pending);
      if (bad == pending.size()) {
        pending.clear();
      } else if (size > 0 && is_cut_sequence(std::string_view(pending).substr(bad))) {
        pending.erase(0, bad);
      } else {
        utf8_error = pending_offset + bad;
        pending.clear();
      }
    }
    file.bytes += size;
    if (size == 0) break;
  }
  file.sha256 = crypto::to_hex(hash.finish());
  if (file.encoding.empty()) file.encoding = "utf-8";  // an empty file
  if (!utf8_error) return file;
  if (auto gbk_error = first_invalid_gbk(path)) {
    std::ifstream again = open_file(path);
    again.seekg(static_cast<std::streamoff>(*utf8_error));
    auto byte = static_cast<unsigned char>(again.get());
    throw Error(ErrorCode::InvalidArgument,
                path.string() + " is neither UTF-8 (byte " + hex_byte(byte) + " at offset " +
                    std::to_string(*utf8_error) + ") nor GBK (offset " +
                    std::to_string(*gbk_error) + "): save it as CSV UTF-8 or CSV (GBK)");
  }
  file.encoding = "gbk";
  return file;
}

struct CsvRecordReader::Impl {
  DepartmentFile file;
  std::ifstream in;
  std::unique_ptr<GbkDecoder> gbk;
  std::array<char, kChunk> raw;
  std::string text;  // decoded UTF-8 not yet parsed
  size_t pos = 0;
  bool at_end = false;
  bool started = false;
  size_t line = 1;

  explicit Impl(const DepartmentFile& f) : file(f), in(open_file(f.path)) {
    if (file.encoding == "gbk") gbk = std::make_unique<GbkDecoder>();
  }

  // Refills `text` when it is used up; false at the end of the file.
  bool fill() {
    while (pos == text.size()) {
      if (at_end) return false;
      text.clear();
      pos = 0;
      size_t size = read_chunk(in, raw, file.path);
      if (size == 0) at_end = true;
      if (gbk) {
        if (auto bad = gbk->decode({raw.data(), size}, size == 0, text))
          throw Error(ErrorCode::InvalidArgument, file.path.string() + ": not GBK at offset " +
                                                      std::to_string(*bad) +
                                                      " (the file changed while it was read?)");
      } else {
        text.append(raw.data(), size);
      }
      if (!started) {
        started = true;
        if (text.compare(0, kByteOrderMark.size(), kByteOrderMark) == 0)
          pos = kByteOrderMark.size();
      }
    }
    return true;
  }
  int peek() { return fill() ? static_cast<unsigned char>(text[pos]) : -1; }
  int get() { return fill() ? static_cast<unsigned char>(text[pos++]) : -1; }

  [[noreturn]] void fail(size_t at_line, const std::string& what) const {
    throw Error(ErrorCode::InvalidArgument,
                file.path.string() + ":" + std::to_string(at_line) + ": " + what);
  }
  void add(std::string& field, char c, size_t record_line) const {
    if (field.size() >= kMaxCsvFieldBytes)
      fail(record_line, "a field longer than " + std::to_string(kMaxCsvFieldBytes) +
                            " bytes (a quote opened here and never closed?)");
    field.push_back(c);
  }
  void end_field(CsvRecord& record, std::string& field, size_t record_line) const {
    if (record.fields.size() >= kMaxCsvFields)
      fail(record_line, "more than " + std::to_string(kMaxCsvFields) + " fields in one record");
    record.fields.push_back(std::move(field));
    field.clear();
  }
  // A line break just read (`c` is CR or LF): a CRLF counts once.
  void line_break(int c) {
    ++line;
    if (c == '\r' && peek() == '\n') get();
  }
};

CsvRecordReader::CsvRecordReader(const DepartmentFile& file)
    : impl_(std::make_unique<Impl>(file)) {}
CsvRecordReader::~CsvRecordReader() = default;

bool CsvRecordReader::next(CsvRecord& record) {
  Impl& r = *impl_;
  record.fields.clear();
  if (r.peek() < 0) return false;
  record.line = r.line;
  std::string field;
  bool field_start = true;
  for (;;) {
    int c = r.get();
    if (c < 0) {
      r.end_field(record, field, record.line);
      return true;
    }
    if (field_start && c == '"') {
      size_t opened = r.line;
      for (;;) {
        int q = r.get();
        if (q < 0) r.fail(opened, "a quoted field opened on this line is not closed");
        if (q == '"') {
          if (r.peek() != '"') break;
          r.get();
        } else if (q == '\r' || q == '\n') {
          r.add(field, static_cast<char>(q), opened);
          if (q == '\r' && r.peek() == '\n') r.add(field, static_cast<char>(r.get()), opened);
          ++r.line;
          continue;
        }
        r.add(field, static_cast<char>(q), opened);
      }
      field_start = false;
      continue;  // text after the closing quote, up to the separator, is kept as written
    }
    field_start = false;
    if (c == ',') {
      r.end_field(record, field, record.line);
      field_start = true;
    } else if (c == '\n' || c == '\r') {
      r.line_break(c);
      r.end_field(record, field, record.line);
      return true;
    } else {
      r.add(field, static_cast<char>(c), record.line);
    }
  }
}

bool is_blank_record(const CsvRecord& record) {
  for (const auto& field : record.fields)
    if (!trim_text(field).empty()) return false;
  return true;
}

std::string trim_text(const std::string& text) {
  size_t start = 0, width = 0;
  while (start < text.size() && is_space_at(text, start, width)) start += width;
  size_t end = text.size();
  while (end > start) {
    // Step back over one character: find its first byte.
    size_t at = end - 1;
    while (at > start && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
    if (!is_space_at(text, at, width) || at + width != end) break;
    end = at;
  }
  return text.substr(start, end - start);
}

}  // namespace doorstep::server
