// parse_http_request: Beast's request parser over a buffer, with the transport's checks.
#include "http/request_parser.h"

#include <boost/asio/buffer.hpp>
#include <limits>

#include "http/beast_conversion.h"

namespace doorstep::server {

namespace http = boost::beast::http;
namespace net = boost::asio;

HttpResponse transport_error(int status, const std::string& code, const std::string& message) {
  HttpResponse response = error_response(status, code, message);
  response.route = "transport";
  return response;
}

ParsedHttpRequest parse_http_request(std::string_view bytes, const Router& router,
                                     uint32_t header_limit, const std::string& peer_address) {
  ParsedHttpRequest result;
  if (bytes.empty()) {
    result.refusal = transport_error(400, "malformed_http", "the request is empty");
    return result;
  }
  try {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.eager(false);  // stop after the header, as the transport does
    boost::beast::error_code ec;
    size_t used = 0;
    // Feeds the parser until done() or the bytes run out; false (ec says why) on an error.
    auto feed = [&](auto done) {
      while (!done()) {
        size_t n = 0;
        if (used < bytes.size()) {
          n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
          used += n;
          if (ec == http::error::need_more) ec = {};
          if (ec) return false;
          if (n > 0) continue;
        }
        // Nothing more to give it: the input ends here.
        parser.put_eof(ec);
        if (ec) return false;
        if (!done()) {
          ec = http::error::partial_message;
          return false;
        }
      }
      return true;
    };
    if (!feed([&] { return parser.is_header_done(); })) {
      if (ec == http::error::header_limit)
        result.refusal = transport_error(
            431, "headers_too_large",
            "the request headers exceed " + std::to_string(header_limit) + " bytes");
      else
        result.refusal = transport_error(400, "malformed_http",
                                         "the request is not valid HTTP/1.1: " + ec.message());
      return result;
    }
    HttpRequest head = beast_conversion::head_of(parser.get().base());
    head.peer_address = peer_address;
    auto admission = router.admit(head, beast_conversion::content_length_of(parser));
    if (admission.refusal) {
      result.refusal = std::move(admission.refusal);
      return result;
    }
    parser.body_limit(admission.body_limit);
    parser.eager(true);
    if (!feed([&] { return parser.is_done(); })) {
      if (ec == http::error::body_limit)
        result.refusal = transport_error(413, "body_too_large",
                                         "the body exceeds this endpoint's limit of " +
                                             std::to_string(admission.body_limit) + " bytes");
      else
        result.refusal = transport_error(400, "malformed_http",
                                         "the request body is not valid HTTP/1.1: " + ec.message());
      return result;
    }
    head.body = std::move(parser.get().body());
    result.request = std::move(head);
  } catch (...) {
    result.request.reset();
    result.refusal = last_resort_response();
  }
  return result;
}

}  // namespace doorstep::server
