// What a browser sends the dashboard: form bodies (application/x-www-form-urlencoded and
// multipart/form-data, for the import's file) and the Cookie header.
//
// Thread-safety: pure functions. Failure: Error(InvalidArgument) naming what is malformed
// (a broken percent-escape, a multipart body without its boundary or a part without a name);
// nothing is returned half-parsed.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace doorstep::server::web {

using FormFields = std::map<std::string, std::string>;

// name=value&... ('+' is a space); a repeated name keeps its last value.
FormFields parse_urlencoded(const std::string& body);

// name -> value of "a=1; b=2" (the first of a repeated name, as browsers send the most
// specific cookie first).
std::map<std::string, std::string> parse_cookies(const std::string& header);

struct MultipartPart {
  std::string name;
  std::string filename;  // "" for a plain field
  std::string content_type;
  std::string body;
};

// The parts of a multipart/form-data body whose Content-Type header is `content_type` (it
// names the boundary).
std::vector<MultipartPart> parse_multipart(const std::string& content_type,
                                           const std::string& body);

// Percent-encodes `text` for a query string or a form value.
std::string url_encode(const std::string& text);

}  // namespace doorstep::server::web
