// Metrics: counting and the Prometheus text rendering.
#include "http/metrics.h"

#include <cstdio>
#include <sstream>

namespace doorstep::server {
namespace {

void observe(auto& histogram, double seconds) {
  for (size_t i = 0; i < Metrics::kLatencyBuckets.size(); ++i)
    if (seconds <= Metrics::kLatencyBuckets[i]) ++histogram.buckets[i];
  ++histogram.count;
  histogram.sum += seconds;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

// Label values are route patterns and status codes; escape anyway, as the format requires.
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void render_histogram(std::ostringstream& out, const std::string& name, const std::string& labels,
                      const auto& histogram) {
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < Metrics::kLatencyBuckets.size(); ++i)
    out << name << "_bucket{" << labels << sep << "le=\"" << number(Metrics::kLatencyBuckets[i])
        << "\"} " << histogram.buckets[i] << "\n";
  out << name << "_bucket{" << labels << sep << "le=\"+Inf\"} " << histogram.count << "\n";
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out << name << "_sum" << braces << " " << number(histogram.sum) << "\n";
  out << name << "_count" << braces << " " << histogram.count << "\n";
}

}  // namespace

void Metrics::count_request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  observe(request_seconds_[route], seconds);
}

void Metrics::count_changes_ingested(uint64_t n) {
  std::lock_guard lock(mutex_);
  changes_ingested_ += n;
}

void Metrics::count_changes_rejected(uint64_t n) {
  std::lock_guard lock(mutex_);
  changes_rejected_ += n;
}

void Metrics::count_changes_pulled(uint64_t n) {
  std::lock_guard lock(mutex_);
  changes_pulled_ += n;
}

void Metrics::observe_sync(double seconds) {
  std::lock_guard lock(mutex_);
  observe(sync_seconds_, seconds);
}

void Metrics::connection_opened() {
  std::lock_guard lock(mutex_);
  ++open_connections_;
  ++connections_total_;
}

void Metrics::connection_closed() {
  std::lock_guard lock(mutex_);
  --open_connections_;
}

void Metrics::body_memory_changed(int64_t delta) {
  std::lock_guard lock(mutex_);
  body_bytes_ += delta;
}

void Metrics::count_refused_connection() {
  std::lock_guard lock(mutex_);
  ++refused_connections_;
}

void Metrics::count_tls_failure() {
  std::lock_guard lock(mutex_);
  ++tls_failures_;
}

void Metrics::count_staff_login(const std::string& outcome) {
  std::lock_guard lock(mutex_);
  ++staff_logins_[outcome];
}

void Metrics::count_staff_lockout() {
  std::lock_guard lock(mutex_);
  ++staff_lockouts_;
}

uint64_t Metrics::requests(const std::string& route, int status) const {
  std::lock_guard lock(mutex_);
  auto it = requests_.find({route, status});
  return it == requests_.end() ? 0 : it->second;
}

uint64_t Metrics::changes_ingested() const {
  std::lock_guard lock(mutex_);
  return changes_ingested_;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP doorstep_http_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE doorstep_http_requests_total counter\n";
  for (const auto& [key, count] : requests_)
    out << "doorstep_http_requests_total{route=\"" << label(key.first) << "\",status=\""
        << key.second << "\"} " << count << "\n";
  out << "# HELP doorstep_http_request_duration_seconds Time from request read to response.\n"
         "# TYPE doorstep_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : request_seconds_)
    render_histogram(out, "doorstep_http_request_duration_seconds",
                     "route=\"" + label(route) + "\"", histogram);
  out << "# HELP doorstep_sync_duration_seconds Time to answer a sync push or pull.\n"
         "# TYPE doorstep_sync_duration_seconds histogram\n";
  render_histogram(out, "doorstep_sync_duration_seconds", "", sync_seconds_);
  out << "# HELP doorstep_changes_ingested_total Changes (signed groups of ops) stored by "
         "sync pushes.\n"
         "# TYPE doorstep_changes_ingested_total counter\n"
      << "doorstep_changes_ingested_total " << changes_ingested_ << "\n"
      << "# HELP doorstep_changes_rejected_total Pushed changes refused, with a reason.\n"
         "# TYPE doorstep_changes_rejected_total counter\n"
      << "doorstep_changes_rejected_total " << changes_rejected_ << "\n"
      << "# HELP doorstep_changes_pulled_total Changes sent to devices by pulls.\n"
         "# TYPE doorstep_changes_pulled_total counter\n"
      << "doorstep_changes_pulled_total " << changes_pulled_ << "\n"
      << "# HELP doorstep_connections_open TLS connections open now.\n"
         "# TYPE doorstep_connections_open gauge\n"
      << "doorstep_connections_open " << open_connections_ << "\n"
      << "# HELP doorstep_connections_total TCP connections accepted.\n"
         "# TYPE doorstep_connections_total counter\n"
      << "doorstep_connections_total " << connections_total_ << "\n"
      << "# HELP doorstep_tls_handshake_failures_total TLS handshakes that failed.\n"
         "# TYPE doorstep_tls_handshake_failures_total counter\n"
      << "doorstep_tls_handshake_failures_total " << tls_failures_ << "\n"
      << "# HELP doorstep_request_body_bytes Request body memory reserved by requests in "
         "flight.\n"
         "# TYPE doorstep_request_body_bytes gauge\n"
      << "doorstep_request_body_bytes " << body_bytes_ << "\n"
      << "# HELP doorstep_connections_refused_total Connections answered 503 or closed "
         "because the server served its maximum.\n"
         "# TYPE doorstep_connections_refused_total counter\n"
      << "doorstep_connections_refused_total " << refused_connections_ << "\n";
  out << "# HELP doorstep_staff_logins_total Dashboard logins, by outcome.\n"
         "# TYPE doorstep_staff_logins_total counter\n";
  for (const auto& [outcome, count] : staff_logins_)
    out << "doorstep_staff_logins_total{outcome=\"" << label(outcome) << "\"} " << count << "\n";
  out << "# HELP doorstep_staff_lockouts_total Staff accounts locked out by repeated failed "
         "logins.\n"
         "# TYPE doorstep_staff_lockouts_total counter\n"
      << "doorstep_staff_lockouts_total " << staff_lockouts_ << "\n";
  return out.str();
}

}  // namespace doorstep::server
