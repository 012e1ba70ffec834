// The service endpoints every county server answers without a device credential:
//   GET /v1/health  -> {"status": "ok", "version", "uptime_seconds", "time"}; "time" is the
//                      server's clock in unix seconds, by which devices correct the time
//                      they sign requests with
//   GET /metrics    -> the Prometheus text of Metrics
//
// Thread-safety: the handlers only read Metrics (itself thread-safe) and constants.
#pragma once

#include "http/metrics.h"
#include "http/router.h"

namespace doorstep::server {

void add_service_routes(Router& router, const Metrics& metrics);

}  // namespace doorstep::server
