// GET /v1/health and GET /metrics.
#include "api/service_routes.h"

#include <chrono>
#include <ctime>

#include "core/common/error.h"

namespace doorstep::server {

void add_service_routes(Router& router, const Metrics& metrics) {
  auto started = std::chrono::steady_clock::now();
  router.add("GET", "/v1/health", [started](const HttpRequest&, const PathParams&) {
    double uptime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return HttpResponse::json(200, {{"status", "ok"},
                                    {"version", doorstep::version()},
                                    {"uptime_seconds", static_cast<long>(uptime)},
                                    {"time", static_cast<int64_t>(std::time(nullptr))}});
  });
  router.add("GET", "/metrics", [&metrics](const HttpRequest&, const PathParams&) {
    return HttpResponse::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace doorstep::server
