// Parsing form bodies and cookies.
#include "web/form_data.h"

#include <cctype>

#include "core/common/error.h"

namespace doorstep::server::web {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string form_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        throw Error(ErrorCode::InvalidArgument,
                    "the form has a broken percent-escape at byte " + std::to_string(i));
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string trimmed(const std::string& text) {
  size_t first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// The value of `key` in a header's parameters ("form-data; name=\"file\"; filename=\"a.csv\"").
std::string header_parameter(const std::string& header, const std::string& key) {
  size_t at = 0;
  while ((at = header.find(key + "=", at)) != std::string::npos) {
    bool starts = at == 0 || header[at - 1] == ';' || header[at - 1] == ' ';
    at += key.size() + 1;
    if (!starts) continue;
    if (at < header.size() && header[at] == '"') {
      size_t end = header.find('"', at + 1);
      if (end == std::string::npos) return header.substr(at + 1);
      return header.substr(at + 1, end - at - 1);
    }
    size_t end = header.find(';', at);
    return trimmed(header.substr(at, end == std::string::npos ? std::string::npos : end - at));
  }
  return "";
}

}  // namespace

FormFields parse_urlencoded(const std::string& body) {
  FormFields fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string pair = body.substr(start, end - start);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      std::string name = form_decode(pair.substr(0, eq));
      fields[name] = eq == std::string::npos ? "" : form_decode(pair.substr(eq + 1));
    }
    start = end + 1;
  }
  return fields;
}

std::map<std::string, std::string> parse_cookies(const std::string& header) {
  std::map<std::string, std::string> cookies;
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    std::string pair = trimmed(header.substr(start, end - start));
    auto eq = pair.find('=');
    if (eq != std::string::npos && eq > 0) {
      std::string value = pair.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      cookies.emplace(pair.substr(0, eq), value);
    }
    start = end + 1;
  }
  return cookies;
}

std::vector<MultipartPart> parse_multipart(const std::string& content_type,
                                           const std::string& body) {
  if (content_type.find("multipart/form-data") == std::string::npos)
    throw Error(ErrorCode::InvalidArgument, "the upload must be multipart/form-data");
  std::string boundary = header_parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200)
    throw Error(ErrorCode::InvalidArgument, "the multipart body names no boundary");
  std::string delimiter = "--" + boundary;
  std::vector<MultipartPart> parts;
  size_t at = body.find(delimiter);
  if (at == std::string::npos)
    throw Error(ErrorCode::InvalidArgument, "the multipart body has no part");
  for (;;) {
    at += delimiter.size();
    if (body.compare(at, 2, "--") == 0) return parts;  // the closing delimiter
    if (body.compare(at, 2, "\r\n") != 0)
      throw Error(ErrorCode::InvalidArgument,
                  "the multipart body is malformed at byte " + std::to_string(at));
    at += 2;
    size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string::npos)
      throw Error(ErrorCode::InvalidArgument, "a multipart part has no end of its headers");
    MultipartPart part;
    std::string headers = body.substr(at, head_end - at);
    size_t line_start = 0;
    while (line_start <= headers.size()) {
      size_t line_end = headers.find("\r\n", line_start);
      if (line_end == std::string::npos) line_end = headers.size();
      std::string line = headers.substr(line_start, line_end - line_start);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = trimmed(line.substr(colon + 1));
        if (name == "content-disposition") {
          part.name = header_parameter(value, "name");
          part.filename = header_parameter(value, "filename");
        } else if (name == "content-type") {
          part.content_type = value;
        }
      }
      line_start = line_end + 2;
    }
    if (part.name.empty()) throw Error(ErrorCode::InvalidArgument, "a multipart part has no name");
    size_t data = head_end + 4;
    size_t next = body.find("\r\n" + delimiter, data);
    if (next == std::string::npos)
      throw Error(ErrorCode::InvalidArgument,
                  "the multipart part '" + part.name + "' is not closed by its boundary");
    part.body = body.substr(data, next - data);
    parts.push_back(std::move(part));
    at = next + 2;
  }
}

std::string url_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace doorstep::server::web
