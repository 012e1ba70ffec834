// parse_http_request: one HTTP/1.1 request from raw bytes, read exactly as the HTTPS
// transport reads it from a connection (the same parser, header limit, Router::admit()
// refusals and body limits), but from a buffer: for tests and fuzz targets that feed raw
// request bytes to the production router without a socket.
//
//   auto parsed = parse_http_request(bytes, router);
//   HttpResponse answer = parsed.request ? router.handle(*parsed.request) : *parsed.refusal;
//
// Thread-safety: a pure function of its arguments (and the router's admission checks).
// Failure: never throws; malformed bytes are a `refusal` as the transport would answer it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "http/message.h"
#include "http/router.h"

namespace doorstep::server {

struct ParsedHttpRequest {
  std::optional<HttpRequest> request;   // a complete request, ready for Router::handle()
  std::optional<HttpResponse> refusal;  // or the answer the transport gives instead
};

// `bytes` must hold the whole request; bytes after its end are ignored. An incomplete
// request is refused 400 malformed_http (the transport would wait, then time out).
ParsedHttpRequest parse_http_request(std::string_view bytes, const Router& router,
                                     uint32_t header_limit = 16 * 1024,
                                     const std::string& peer_address = "");

// The transport's answer to a request it cannot read (400 malformed_http, 413, 431, ...):
// the JSON error, route "transport".
HttpResponse transport_error(int status, const std::string& code, const std::string& message);

}  // namespace doorstep::server
