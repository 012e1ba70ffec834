// Fuzz target: the county server's request handling. Input: the raw bytes of one HTTP/1.1
// request (request line, headers, body) as a client sends them after TLS. They are read as
// the transport reads a connection (server::parse_http_request: the same parser, header
// limit, admission checks and body limits) and what is read goes to the production router
// of an in-process county (tests/fuzz/county_server.h). Every request must be answered with
// a JSON error or a response, never a throw or a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request_parser.h"
#include "tests/fuzz/county_server.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::CountyServer county;
  auto parsed =
      server::parse_http_request(std::string_view(reinterpret_cast<const char*>(data), size),
                                 county.router(), 16 * 1024, "127.0.0.1:40000");
  if (parsed.request)
    county.handle(*parsed.request);
  else if (parsed.refusal)
    fuzz::CountyServer::check(*parsed.refusal);
  else
    __builtin_trap();  // parse_http_request promises one of the two
  return 0;
}
