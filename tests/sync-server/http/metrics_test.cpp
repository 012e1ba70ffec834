// Metrics rendered in the Prometheus text format.
#include <doctest/doctest.h>

#include "http/metrics.h"

using namespace doorstep::server;

TEST_CASE("request counts and the sync latency histogram render as Prometheus text") {
  Metrics metrics;
  metrics.count_request("/v1/sync/push", 200, 0.003);
  metrics.count_request("/v1/sync/push", 200, 0.2);
  metrics.count_request("/v1/sync/push", 401, 0.001);
  metrics.observe_sync(0.003);
  metrics.observe_sync(0.2);
  metrics.count_changes_ingested(42);
  metrics.count_changes_rejected(2);
  auto text = metrics.render();
  CHECK(metrics.requests("/v1/sync/push", 200) == 2);
  CHECK(text.find("doorstep_http_requests_total{route=\"/v1/sync/push\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("doorstep_http_requests_total{route=\"/v1/sync/push\",status=\"401\"} 1\n") !=
        std::string::npos);
  // Cumulative buckets: one observation <= 5 ms, both <= 250 ms.
  CHECK(text.find("doorstep_sync_duration_seconds_bucket{le=\"0.005\"} 1\n") != std::string::npos);
  CHECK(text.find("doorstep_sync_duration_seconds_bucket{le=\"0.25\"} 2\n") != std::string::npos);
  CHECK(text.find("doorstep_sync_duration_seconds_bucket{le=\"+Inf\"} 2\n") != std::string::npos);
  CHECK(text.find("doorstep_sync_duration_seconds_count 2\n") != std::string::npos);
  CHECK(text.find("doorstep_changes_ingested_total 42\n") != std::string::npos);
  CHECK(text.find("doorstep_changes_rejected_total 2\n") != std::string::npos);
}
