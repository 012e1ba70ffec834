// Router: matching, and turning exceptions into JSON errors.
#include "http/router.h"

#include <cctype>

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
                 size_t body_limit, BodyAdmission admission) {
  if (body_limit > kUnauthenticatedBodyLimit && !admission)
    throw std::logic_error("route " + method + " " + pattern +
                           " takes large bodies but has no admission check");
  routes_.push_back(
      {method, pattern, split_path(pattern), std::move(handler), body_limit, std::move(admission)});
}

const Router::Route* Router::find(const std::string& method, const std::string& path,
                                  PathParams& params, std::vector<std::string>& allowed) const {
  allowed.clear();
  auto segments = split_path(path);
  const Route* found = nullptr;
  const Route* get = nullptr;
  PathParams get_params;
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
    allowed.push_back(route.method);
    if (route.method == "GET") allowed.push_back("HEAD");
    if (found == nullptr && route.method == method) {
      found = &route;
      params = std::move(captured);
    } else if (get == nullptr && route.method == "GET" && method == "HEAD") {
      get = &route;
      get_params = std::move(captured);
    }
  }
  if (found == nullptr && get != nullptr) {
    found = get;
    params = std::move(get_params);
  }
  return found;
}

size_t Router::body_limit(const std::string& method, const std::string& target) const {
  HttpRequest probe;
  probe.target = target;
  if (!probe.parse_target()) return kDefaultBodyLimit;
  PathParams params;
  std::vector<std::string> allowed;
  const Route* route = find(method, probe.path, params, allowed);
  return route ? route->body_limit : kDefaultBodyLimit;
}

namespace {

std::string lower_trimmed(const std::string& text) {
  size_t first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t");
  std::string out = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string too_large(uint64_t size, size_t limit) {
  return "the body has " + std::to_string(size) + " bytes; this endpoint takes at most " +
         std::to_string(limit);
}

}  // namespace

Router::Admission Router::admit(const HttpRequest& head,
                                std::optional<uint64_t> content_length) const noexcept {
  Admission admission;
  admission.body_limit = kDefaultBodyLimit;
  try {
    try {
      // Only "chunked" is decoded; anything else would hand the handler undecoded bytes or
      // (chunked not last) a body read as empty.
      std::string encoding = head.header("transfer-encoding");
      if (!encoding.empty() && lower_trimmed(encoding) != "chunked")
        throw HttpError(400, "unsupported_transfer_encoding",
                        "Transfer-Encoding '" + encoding +
                            "' is not supported; send the body with Content-Length or with "
                            "Transfer-Encoding: chunked alone");
      HttpRequest probe;
      probe.target = head.target;
      if (!probe.parse_target()) {
        // handle() answers the target; read no more body than any unknown endpoint gets.
        if (content_length && *content_length > kDefaultBodyLimit)
          throw HttpError(413, "body_too_large", too_large(*content_length, kDefaultBodyLimit));
        return admission;
      }
      PathParams params;
      std::vector<std::string> allowed;
      const Route* route = find(head.method, probe.path, params, allowed);
      size_t limit = route ? route->body_limit : kDefaultBodyLimit;
      if (content_length && *content_length > limit)
        throw HttpError(413, "body_too_large", too_large(*content_length, limit));
      bool may_be_large = !content_length || *content_length > kUnauthenticatedBodyLimit;
      if (limit > kUnauthenticatedBodyLimit && may_be_large) route->admission(head);
      admission.body_limit = limit;
      return admission;
    } catch (...) {
      admission.refusal = response_for_current_exception();
    }
  } catch (...) {
    admission.refusal = last_resort_response();
  }
  return admission;
}

HttpResponse Router::dispatch(HttpRequest& request, std::string& route_name) const {
  if (!request.parse_target())
    throw HttpError(
        400, "bad_target",
        "the request target '" + request.target + "' is not a valid path with an optional query");
  PathParams params;
  std::vector<std::string> allowed;
  const Route* route = find(request.method, request.path, params, allowed);
  if (route == nullptr) {
    if (!allowed.empty()) {
      std::string methods;
      for (const auto& method : allowed) methods += (methods.empty() ? "" : ", ") + method;
      auto response = error_response(405, "method_not_allowed",
                                     "method " + request.method + " is not allowed on " +
                                         request.path + "; it takes " + methods);
      response.headers["allow"] = methods;
      return response;
    }
    throw HttpError(404, "no_such_endpoint", "there is no endpoint " + request.path);
  }
  route_name = route->pattern;
  if (request.body.size() > route->body_limit)
    throw HttpError(413, "body_too_large", too_large(request.body.size(), route->body_limit));
  return route->handler(request, params);
}

HttpResponse Router::handle(HttpRequest& request) const noexcept {
  try {
    std::string route_name = "unmatched";
    HttpResponse response;
    try {
      response = dispatch(request, route_name);
    } catch (...) {
      response = response_for_current_exception();
    }
    response.route = route_name;
    if (request.method == "HEAD") {
      response.head_content_length = response.body.size();
      response.body.clear();
    }
    return response;
  } catch (...) {
    auto response = last_resort_response();
    if (request.method == "HEAD") {
      response.head_content_length = response.body.size();
      response.body.clear();
    }
    return response;
  }
}

HttpResponse response_for_current_exception() {
  try {
    throw;
  } catch (const HttpError& e) {
    return error_response(e.status(), e.code(), e.what(), e.extra());
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
    return response;
  } catch (const nlohmann::json::exception& e) {
    return error_response(400, "malformed_json", std::string("bad JSON: ") + e.what());
  } catch (const std::exception& e) {
    return error_response(500, "internal", std::string("internal error: ") + e.what());
  } catch (...) {
    return error_response(500, "internal", "internal error: an exception of unknown type");
  }
}

HttpResponse last_resort_response() noexcept {
  HttpResponse response;
  response.status = 500;
  response.body =
      R"({"error":{"code":"internal","message":"the server could not build its answer"}})";
  return response;
}

}  // namespace doorstep::server
