// The county server's request handling in process, for the fuzz targets that speak HTTP: a
// county initialised in a fresh folder under the system temp dir (removed at exit) and the
// production router with every route `doorstep-server serve` adds, without sockets or TLS.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "api/county_api.h"
#include "core/sync/county_authority.h"
#include "http/router.h"

namespace doorstep::fuzz {

class CountyServer {
 public:
  CountyServer() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "doorstep-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir_ = pattern;
    sync::CountyInitOptions options;
    options.code = "640323";
    options.name = "Yanchi";
    options.demo = true;
    options.durable = false;
    sync::CountyAuthority::init(dir_ / "county", options);
    api_ = std::make_unique<server::CountyApi>(dir_ / "county", std::string(64, 'a'));
  }
  ~CountyServer() {
    api_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const server::Router& router() const { return api_->router(); }

  // Handles `request` as the server would, and checks the answer.
  server::HttpResponse handle(server::HttpRequest& request) const {
    server::HttpResponse response = api_->router().handle(request);
    if (request.method != "HEAD") return check(std::move(response));
    // A HEAD answer carries the GET answer's status and headers, and no body.
    if (response.status < 100 || response.status > 599 || !response.body.empty()) __builtin_trap();
    return response;
  }

  // Checks what every answer promises: a status from 100 to 599, and a body that parses when
  // it is declared JSON.
  static server::HttpResponse check(server::HttpResponse response) {
    if (response.status < 100 || response.status > 599) __builtin_trap();
    if (response.content_type.rfind("application/json", 0) == 0 &&
        nlohmann::json::parse(response.body, nullptr, false).is_discarded())
      __builtin_trap();
    return response;
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<server::CountyApi> api_;
};

}  // namespace doorstep::fuzz
