// The conversions between Beast's messages and the server's plain HttpRequest/HttpResponse,
// shared by the transport (server.cpp) and the socket-free parser (request_parser.cpp), the
// only two translation units that include Beast. Internal to sync-server/src/http.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

#include "http/message.h"
#include "http/router.h"

namespace doorstep::server::beast_conversion {

namespace http = boost::beast::http;

// The head of `message` (method, target, headers with lower-case names; repeated fields
// joined by ", " as their lists are) as an HttpRequest without a body.
template <class Fields>
HttpRequest head_of(const http::header<true, Fields>& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  return request;
}

// A parser's Content-Length (nullopt when chunked or absent) as the Router wants it.
template <class Parser>
std::optional<uint64_t> content_length_of(const Parser& parser) {
  auto length = parser.content_length();
  return length ? std::optional<uint64_t>(*length) : std::nullopt;
}

// `response` as a Beast message, with the security headers every refusal carries unless it
// sets its own; an answer to HEAD (head_content_length set) carries the
// GET answer's Content-Length and no body. Never throws: if the message cannot be built
// (a header value Beast refuses), the last-resort 500.
inline http::response<http::string_body> to_beast(const HttpResponse& response,
                                                  bool keep_alive) noexcept {
  auto build = [keep_alive](const HttpResponse& from) {
    http::response<http::string_body> message{static_cast<http::status>(from.status), 11};
    // No Server header: it would tell a scanner what runs here, and cost every answer 25
    // bytes. An answer without a type (a device's sync frame, docs/protocol.md) names none.
    if (!from.content_type.empty()) message.set(http::field::content_type, from.content_type);
    // Every refusal and error (a 404 for an unknown URL and the last-resort 500 included)
    // carries the security headers; the dashboard's pages set their own policy over these.
    // A successful API answer goes to a device's sync client, never rendered by a browser,
    // and is left without them: they would add about 170 bytes to every sync round trip.
    if (from.status >= 300) {
      message.set("content-security-policy",
                  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
      message.set("x-content-type-options", "nosniff");
      message.set("referrer-policy", "no-referrer");
      message.set("x-frame-options", "DENY");
    }
    for (const auto& [name, value] : from.headers) message.set(name, value);
    message.keep_alive(keep_alive);
    if (from.head_content_length) {
      message.content_length(*from.head_content_length);
    } else {
      message.body() = from.body;
      message.prepare_payload();
    }
    return message;
  };
  try {
    return build(response);
  } catch (...) {
    return build(last_resort_response());
  }
}

}  // namespace doorstep::server::beast_conversion
