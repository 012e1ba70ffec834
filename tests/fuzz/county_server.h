// The county server's request handling in process, for the fuzz targets that speak HTTP: a
// county initialised in a fresh folder under the system temp dir (removed at exit) and the
// production router with every route `doorstep-server serve` adds, without sockets or TLS.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "api/enroll_routes.h"
#include "api/record_routes.h"
#include "api/service_routes.h"
#include "api/sync_routes.h"
#include "core/sync/county_authority.h"
#include "county/county_context.h"
#include "http/metrics.h"
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
    county_ =
        std::make_unique<server::CountyContext>(dir_ / "county", std::string(64, 'a'), metrics_);
    server::add_service_routes(router_, metrics_);
    server::add_enroll_routes(router_, *county_);
    server::add_sync_routes(router_, *county_);
    server::add_record_routes(router_, *county_);
  }
  ~CountyServer() {
    county_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const server::Router& router() const { return router_; }

  // Handles `request` as the server would and checks what every answer promises: a status
  // from 100 to 599, and a body that parses when it is declared JSON.
  server::HttpResponse handle(server::HttpRequest& request) const {
    server::HttpResponse response = router_.handle(request);
    if (response.status < 100 || response.status > 599) __builtin_trap();
    if (response.content_type.rfind("application/json", 0) == 0 &&
        nlohmann::json::parse(response.body, nullptr, false).is_discarded())
      __builtin_trap();
    return response;
  }

 private:
  std::filesystem::path dir_;
  server::Metrics metrics_;
  std::unique_ptr<server::CountyContext> county_;
  server::Router router_;
};

}  // namespace doorstep::fuzz
