// Fuzz target: the county server's request handling. Input: the raw bytes of one HTTP/1.1
// request (request line, headers, body) as a client sends them after TLS. Beast's request
// parser reads them as the server's session does; the request then goes to the production
// router of an in-process county (tests/fuzz/county_server.h). The router must answer every
// request with a JSON error or a response, never throw.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/county_server.h"

namespace http = boost::beast::http;
using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::CountyServer county;
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(32u << 20);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(data, size), ec);
  if (ec == http::error::need_more && used == size) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  const auto& message = parser.get();
  server::HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    request.headers[name] = std::string(field.value());
  }
  request.body = message.body();
  request.peer_address = "127.0.0.1:40000";
  county.handle(request);
  return 0;
}
