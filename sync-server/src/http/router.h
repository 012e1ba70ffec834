// Router: the request handler as a plain function from HttpRequest to HttpResponse. Routes
// are (method, pattern) pairs where a pattern segment "{name}" captures one path segment;
// each route declares its own body size limit, which the transport enforces before the body
// is read (admit()). Every failure becomes a JSON error body with a fitting status:
//   doorstep::Error  -> by code (InvalidArgument 400, Unauthorized 401, OutOfScope 403,
//                       NotFound 404, Conflict 409, Busy 503, ...)
//   HttpError        -> its own status and code
//   JSON parse error -> 400 malformed_json
//   anything else    -> 500 internal (the detail goes to the log, not to the client)
// handle() and admit() never throw: whatever a client sent (invalid UTF-8 anywhere, too deep,
// too large), the answer is a response; if even the error body cannot be built, a fixed 500
// JSON body.
//
// HEAD is answered as GET without the body (the GET answer's length in Content-Length); a
// path that exists under other methods is 405 with an Allow header naming them.
//
// Thread-safety: add routes before serving; after that handle(), admit() and body_limit()
// are const and safe from many threads as long as the route handlers are.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/message.h"

namespace doorstep::server {

// A failure with an explicit HTTP status and error code ("method_not_allowed", ...).
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  // `extra`: members added beside "error" in the JSON body (e.g. the server's "time").
  HttpError(int status, std::string code, const std::string& message, nlohmann::json extra)
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        extra_(std::move(extra)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const nlohmann::json& extra() const { return extra_; }

 private:
  int status_;
  std::string code_;
  nlohmann::json extra_;
};

using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;
// Checks a request's head (method, target, headers, peer; no body yet) before a body larger
// than Router::kUnauthenticatedBodyLimit is read: throws (HttpError, doorstep::Error) to
// refuse it, answered like a handler's failure.
using BodyAdmission = std::function<void(const HttpRequest& head)>;

class Router {
 public:
  // Bodies larger than this are refused when a route does not say otherwise.
  static constexpr size_t kDefaultBodyLimit = 64 * 1024;
  // The most body a client that has not shown a credential can make the server read for one
  // request. A route with a larger limit must have a BodyAdmission, which decides before
  // anything beyond this is read.
  static constexpr size_t kUnauthenticatedBodyLimit = 64 * 1024;

  // Throws std::logic_error for a body_limit above kUnauthenticatedBodyLimit without an
  // admission check (a programming error).
  void add(const std::string& method, const std::string& pattern, RouteHandler handler,
           size_t body_limit = kDefaultBodyLimit, BodyAdmission admission = {});

  // The body limit of the route `method` `path` would reach (the default for no route).
  size_t body_limit(const std::string& method, const std::string& target) const;

  // What the transport may read of the body of a request whose head is `head` (no body yet)
  // and whose Content-Length is `content_length` (nullopt: chunked, or none).
  struct Admission {
    size_t body_limit = 0;                // read at most this many bytes of body
    std::optional<HttpResponse> refusal;  // when set: answer it, read no body, close
  };
  // Refuses (with the JSON error of handle()) a Transfer-Encoding other than exactly
  // "chunked" (400 unsupported_transfer_encoding), a declared length above the route's limit
  // (413 body_too_large), and a body that may pass kUnauthenticatedBodyLimit whose route's
  // admission check fails. Never throws.
  Admission admit(const HttpRequest& head, std::optional<uint64_t> content_length) const noexcept;

  // Dispatches; never throws. Sets response.route to the matched pattern.
  HttpResponse handle(HttpRequest& request) const noexcept;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
    size_t body_limit;
    BodyAdmission admission;
  };
  // The route for `path` and `method` (HEAD finds a GET route); `allowed` gets the methods
  // of every route whose pattern matches the path.
  const Route* find(const std::string& method, const std::string& path, PathParams& params,
                    std::vector<std::string>& allowed) const;
  // handle() without the safety net: throws for every refusal.
  HttpResponse dispatch(HttpRequest& request, std::string& route_name) const;
  std::vector<Route> routes_;
};

// The JSON error answer for the exception being handled (call inside a catch block); throws
// only if even that cannot be built (then answer last_resort_response()).
HttpResponse response_for_current_exception();
// A fixed 500 JSON answer that needs nothing but memory for its strings.
HttpResponse last_resort_response() noexcept;

// The HTTP status and error code for a doorstep::Error code.
std::pair<int, std::string> http_status_for(int error_code);

}  // namespace doorstep::server
