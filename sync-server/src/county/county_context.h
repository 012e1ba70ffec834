// CountyContext: what the HTTPS endpoints share — the county authority (county store, CA,
// devices), the server's own database (tokens, batch acks), the device authenticator and
// the metrics. Opened once by `serve`.
//
// Thread-safety: the county store and the server database are single-threaded objects, so
// every endpoint works on them under `lock()`: requests from many connections are
// serialized at the store, which SQLite would do for writers anyway. Authentication (a
// signature check) runs outside the lock except for the trust store snapshot.
// Failure: the constructor throws doorstep::Error(NotFound) if DIR holds no county.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "auth/device_authenticator.h"
#include "core/sync/county_authority.h"
#include "county/county_risk.h"
#include "enroll/server_database.h"
#include "http/message.h"
#include "http/metrics.h"

namespace doorstep::server {

class CountyContext {
 public:
  CountyContext(const std::filesystem::path& data_dir, std::string server_fingerprint,
                Metrics& metrics);

  std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }
  // Under lock():
  sync::CountyAuthority& authority() { return authority_; }
  ServerDatabase& server_database() { return server_db_; }
  CountyRisk& risk() { return risk_; }

  // The device that signed `request`; HttpError 401/403 otherwise. Takes the lock briefly.
  AuthenticatedDevice authenticate(const HttpRequest& request);

  Metrics& metrics() { return metrics_; }
  const std::string& server_fingerprint() const { return server_fingerprint_; }
  static int64_t now();

 private:
  std::mutex mutex_;
  sync::CountyAuthority authority_;
  ServerDatabase server_db_;
  CountyRisk risk_;
  DeviceAuthenticator authenticator_;
  Metrics& metrics_;
  std::string server_fingerprint_;
  // The trust store of the last request and the revocation list it was built from: most
  // requests reuse it; a new list (a revocation) rebuilds it.
  std::shared_ptr<const crypto::TrustStore> trust_;
  std::vector<uint8_t> trust_crl_;
};

}  // namespace doorstep::server
