// Router: the request handler as a plain function from HttpRequest to HttpResponse. Routes
// are (method, pattern) pairs where a pattern segment "{name}" captures one path segment;
// each route declares its own body size limit, which the transport enforces before the body
// is read. Every failure becomes a JSON error body with a fitting status:
//   doorstep::Error  -> by code (InvalidArgument 400, Unauthorized 401, OutOfScope 403,
//                       NotFound 404, Conflict 409, Busy 503, ...)
//   HttpError        -> its own status and code
//   JSON parse error -> 400 malformed_json
//   anything else    -> 500 internal (the detail goes to the log, not to the client)
//
// Thread-safety: add routes before serving; after that handle() and body_limit() are const
// and safe from many threads as long as the route handlers are.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
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

class Router {
 public:
  // Bodies larger than this are refused when a route does not say otherwise.
  static constexpr size_t kDefaultBodyLimit = 64 * 1024;

  void add(const std::string& method, const std::string& pattern, RouteHandler handler,
           size_t body_limit = kDefaultBodyLimit);

  // The body limit of the route `method` `path` would reach (the default for no route).
  size_t body_limit(const std::string& method, const std::string& target) const;

  // Dispatches; never throws. Sets response.route to the matched pattern.
  HttpResponse handle(HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
    size_t body_limit;
  };
  // The route for `path` and `method`; *path_matched tells whether any method matched.
  const Route* find(const std::string& method, const std::string& path, PathParams& params,
                    bool& path_matched) const;
  std::vector<Route> routes_;
};

// The HTTP status and error code for a doorstep::Error code.
std::pair<int, std::string> http_status_for(int error_code);

}  // namespace doorstep::server
