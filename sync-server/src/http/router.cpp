// Router: matching, and turning exceptions into JSON errors.
#include "http/router.h"

#include "core/common/error.h"

namespace doorstep::server {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

}  // namespace

std::pair<int, std::string> http_status_for(int error_code) {
  switch (static_cast<ErrorCode>(error_code)) {
    case ErrorCode::InvalidArgument: return {400, "invalid_argument"};
    case ErrorCode::NotFound: return {404, "not_found"};
    case ErrorCode::InvalidForm: return {422, "invalid_form"};
    case ErrorCode::InvalidExpression: return {422, "invalid_expression"};
    case ErrorCode::Corrupt: return {400, "corrupt"};
    case ErrorCode::UnsupportedVersion: return {400, "unsupported_version"};
    case ErrorCode::BadSignature: return {403, "bad_signature"};
    case ErrorCode::OutOfScope: return {403, "out_of_scope"};
    case ErrorCode::Busy: return {503, "busy"};
    case ErrorCode::Io: return {500, "io"};
    case ErrorCode::Conflict: return {409, "conflict"};
    case ErrorCode::NotImplemented: return {501, "not_implemented"};
    case ErrorCode::Unauthorized: return {401, "unauthorized"};
    case ErrorCode::Internal: return {500, "internal"};
  }
  return {500, "internal"};
}

void Router::add(const std::string& method, const std::string& pattern, RouteHandler handler,
                 size_t body_limit) {
  routes_.push_back({method, pattern, split_path(pattern), std::move(handler), body_limit});
}

const Router::Route* Router::find(const std::string& method, const std::string& path,
                                  PathParams& params, bool& path_matched) const {
  path_matched = false;
  auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    PathParams captured;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const auto& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        if (segments[i].empty()) match = false;
        captured[want.substr(1, want.size() - 2)] = segments[i];
      } else if (want != segments[i]) {
        match = false;
      }
    }
    if (!match) continue;
    path_matched = true;
    if (route.method != method) continue;
    params = std::move(captured);
    return &route;
  }
  return nullptr;
}

size_t Router::body_limit(const std::string& method, const std::string& target) const {
  HttpRequest probe;
  probe.target = target;
  if (!probe.parse_target()) return kDefaultBodyLimit;
  PathParams params;
  bool path_matched = false;
  const Route* route = find(method, probe.path, params, path_matched);
  return route ? route->body_limit : kDefaultBodyLimit;
}

HttpResponse Router::handle(HttpRequest& request) const {
  std::string route_name = "unmatched";
  try {
    if (!request.parse_target())
      throw HttpError(
          400, "bad_target",
          "the request target '" + request.target + "' is not a valid path with an optional query");
    PathParams params;
    bool path_matched = false;
    const Route* route = find(request.method, request.path, params, path_matched);
    if (route == nullptr) {
      if (path_matched)
        throw HttpError(405, "method_not_allowed",
                        "method " + request.method + " is not allowed on " + request.path);
      throw HttpError(404, "no_such_endpoint", "there is no endpoint " + request.path);
    }
    route_name = route->pattern;
    if (request.body.size() > route->body_limit)
      throw HttpError(413, "body_too_large",
                      "the body has " + std::to_string(request.body.size()) +
                          " bytes; this endpoint takes at most " +
                          std::to_string(route->body_limit));
    HttpResponse response = route->handler(request, params);
    response.route = route_name;
    return response;
  } catch (const HttpError& e) {
    auto response = error_response(e.status(), e.code(), e.what(), e.extra());
    response.route = route_name;
    return response;
  } catch (const Error& e) {
    HttpResponse response;
    if (e.domain() == ErrorDomain::Doorstep) {
      auto [status, code] = http_status_for(e.code());
      response = error_response(status, code, e.what());
      if (status == 503) response.headers["retry-after"] = "1";
    } else if (e.domain() == ErrorDomain::SQLite && e.transient()) {
      response = error_response(503, "busy", e.what());
      response.headers["retry-after"] = "1";
    } else {
      response = error_response(500, "internal", e.what());
    }
    response.route = route_name;
    return response;
  } catch (const nlohmann::json::exception& e) {
    auto response = error_response(400, "malformed_json", std::string("bad JSON: ") + e.what());
    response.route = route_name;
    return response;
  } catch (const std::exception& e) {
    auto response = error_response(500, "internal", std::string("internal error: ") + e.what());
    response.route = route_name;
    return response;
  }
}

}  // namespace doorstep::server
