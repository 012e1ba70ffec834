// CountyApi: the production request handler of `doorstep-server serve` for one county data
// folder, without sockets: the county (CountyContext), the metrics and the Router with every
// route, the staff dashboard's pages among them. `serve` hands router() to the HTTPS transport;
// tests and fuzz targets call router().handle() in-process (with parse_http_request() from
// http/request_parser.h to turn raw request bytes into an HttpRequest).
//
// Ownership: owns all three; router() is valid while the CountyApi lives. Thread-safety: as
// Router (handle() from many threads). Failure: the constructor throws doorstep::Error
// (NotFound) if `data_dir` holds no county.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "county/county_context.h"
#include "http/metrics.h"
#include "http/router.h"
#include "web/dashboard.h"

namespace doorstep::server {

class CountyApi {
 public:
  // `server_fingerprint`: hex SHA-256 of the TLS certificate the server presents (signed
  // requests are bound to it). `dashboard`: the staff web dashboard's settings (web/dashboard.h).
  CountyApi(const std::filesystem::path& data_dir, std::string server_fingerprint,
            web::DashboardOptions dashboard = {});
  CountyApi(const CountyApi&) = delete;
  CountyApi& operator=(const CountyApi&) = delete;

  const Router& router() const { return router_; }
  Metrics& metrics() { return metrics_; }
  CountyContext& county() { return county_; }

 private:
  Metrics metrics_;
  CountyContext county_;
  Router router_;
  std::unique_ptr<web::Dashboard> dashboard_;
};

}  // namespace doorstep::server
