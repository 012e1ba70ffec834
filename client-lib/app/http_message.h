// The app host's HTTP messages as plain values, so that the host's request handler
// (app_host.h) is a function from request to response that tests call without a socket, and
// only app_http.cpp sees Boost.Beast.
//
// Thread-safety: plain values.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace doorstep::app {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/bridge/household_list?x=1"
  // Header names in lower case; a repeated field keeps its values joined by ", ".
  std::map<std::string, std::string> headers;
  std::string body;

  // The value of header `name` (lower case), or "" when absent.
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
};

}  // namespace doorstep::app
