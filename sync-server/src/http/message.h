// HttpRequest and HttpResponse: the server's request and response as plain values, free of
// Boost.Beast, so that the request handler is an ordinary function from one to the other and
// can be tested without a socket. The Beast session (http/server.cpp) converts at the edge.
//
// Thread-safety: plain values; copy or move them freely between threads.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace doorstep::server {

struct HttpRequest {
  std::string method;                        // "GET", "POST", ...
  std::string target;                        // as received: "/v1/households?grid=640323&level=red"
  std::string path;                          // the target before '?', percent-decoded
  std::map<std::string, std::string> query;  // decoded query parameters (last one wins)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string peer_address;      // "127.0.0.1:53122"
  std::string peer_certificate;  // DER of the client's TLS certificate; empty when none

  // The header's value, or "" when absent. `name` in lower case.
  std::string header(const std::string& name) const;
  // Parses the target into `path` and `query`; false if its percent-encoding is broken.
  bool parse_target();
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;  // extra headers
  // Filled in by the handler for the access log and the metrics: the route pattern that
  // matched ("/v1/households/{id}", or "unmatched") and the authenticated device, if any.
  std::string route = "unmatched";
  std::string device;
  // Set for an answer to HEAD: the Content-Length the GET answer would have had; `body` is
  // then empty and no body is sent.
  std::optional<size_t> head_content_length;

  // The body is `body` serialised; invalid UTF-8 in its strings (a client's bytes echoed in
  // a message) is replaced by U+FFFD, so this never throws on what a client sent.
  static HttpResponse json(int status, const nlohmann::json& body);
  static HttpResponse text(int status, std::string body, std::string content_type);
};

// The body every error carries: {"error": {"code": CODE, "message": MESSAGE}}. `message` may
// hold any bytes (invalid UTF-8 is replaced, see json()).
HttpResponse error_response(int status, const std::string& code, const std::string& message,
                            const nlohmann::json& extra = nullptr);

// The reason phrase of a status code ("Not Found").
const char* status_reason(int status);

}  // namespace doorstep::server
