// CountyContext: what the HTTPS endpoints share — the county authority (county store, CA,
// devices), the server's own database (tokens, batch acks), the device authenticator and
// the metrics. Opened once by `serve`.
//
// Thread-safety: the county store and the server database are single-threaded objects, so
// every endpoint works on them under `lock()`: requests from many connections are
// serialized at the store, which SQLite would do for writers anyway. Authentication (a
// signature check) runs outside the lock except for the trust store snapshot.
// Pushes and durability: a push is stored (verified, all-or-nothing), its ack recorded and
// the county's risk levels of its visits computed in one transaction of the county store's
// own file (tables server_pushed_batch and county_risk, county_tables.h), so neither the ack
// nor a level survives a crash without the changes, nor the changes without them. Those commits do
// not wait for the disk under the lock; the push waits for it after, outside the lock, and one
// fdatasync of the write-ahead log makes every push committed so far durable: pushes that
// arrive together share it (group commit). No push is answered before it is on disk.
// Failure: the constructor throws doorstep::Error(NotFound) if DIR holds no county.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/device_authenticator.h"
#include "core/sync/county_authority.h"
#include "core/sync/messages.h"
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
  // The admission check of the routes that take large bodies: throws as authenticate() would
  // for a head whose device, time or nonce do not check out (DeviceAuthenticator::precheck).
  // Takes the lock briefly.
  void precheck(const HttpRequest& head);

  // The county's hello (its identity, certificate and revocation list), kept between
  // requests while the revocation list stays the same. Takes the lock.
  sync::HelloMessage hello();

  // Stores a push of `device` and answers its ack, on disk when it returns; a batch id this
  // device already pushed is answered with its first ack and applies nothing. Takes the lock.
  sync::AckMessage push(const AuthenticatedDevice& device, const sync::PushMessage& message);

  Metrics& metrics() { return metrics_; }
  const std::string& server_fingerprint() const { return server_fingerprint_; }
  static int64_t now();

 private:
  // The trust store for the county's current revocation list (rebuilt when it changes).
  // Under lock().
  std::shared_ptr<const crypto::TrustStore> current_trust();
  std::optional<sync::AckMessage> previous_ack(const std::string& device_id,
                                               const std::string& batch);
  // Waits until every commit up to `ticket` is on disk, syncing the log itself if no other
  // push is doing it.
  void wait_durable(uint64_t ticket);

  std::mutex mutex_;
  std::atomic<uint64_t> committed_{0};  // pushes committed (under mutex_), in order
  std::mutex durable_mutex_;
  std::condition_variable durable_changed_;
  uint64_t durable_ = 0;  // pushes known to be on disk
  bool syncing_ = false;
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
  std::string own_scope_;
  std::optional<sync::HelloMessage> hello_;  // for the revocation list hello_crl_
  std::vector<uint8_t> hello_crl_;           // the county replica's scope, from its certificate
};

}  // namespace doorstep::server
