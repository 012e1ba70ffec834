// Metrics: the server's counters and histograms, rendered in the Prometheus text format
// (version 0.0.4) for GET /metrics.
//
// Requests are counted by route pattern (never by raw path, so the label set stays bounded)
// and status; sync latency is a histogram of whole push/pull request times in seconds.
//
// Thread-safety: every member function is safe to call from any thread (one mutex; the
// critical sections are a few map operations).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace doorstep::server {

class Metrics {
 public:
  // Upper bounds (seconds) of the sync latency histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0};

  void count_request(const std::string& route, int status, double seconds);
  void count_changes_ingested(uint64_t n);
  void count_changes_rejected(uint64_t n);
  void count_changes_pulled(uint64_t n);
  void observe_sync(double seconds);
  void connection_opened();
  void connection_closed();
  void count_tls_failure();
  // Request body memory reserved (positive) or given back (negative), in bytes.
  void body_memory_changed(int64_t delta);
  void count_refused_connection();
  // Dashboard logins by outcome (ok | wrong | locked_out | address_limited), and the accounts
  // locked out by repeated failures.
  void count_staff_login(const std::string& outcome);
  void count_staff_lockout();

  uint64_t requests(const std::string& route, int status) const;
  uint64_t changes_ingested() const;

  std::string render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> request_seconds_;
  Histogram sync_seconds_;
  uint64_t changes_ingested_ = 0;
  uint64_t changes_rejected_ = 0;
  uint64_t changes_pulled_ = 0;
  int64_t open_connections_ = 0;
  uint64_t connections_total_ = 0;
  uint64_t tls_failures_ = 0;
  int64_t body_bytes_ = 0;
  uint64_t refused_connections_ = 0;
  std::map<std::string, uint64_t> staff_logins_;
  uint64_t staff_lockouts_ = 0;
};

}  // namespace doorstep::server
