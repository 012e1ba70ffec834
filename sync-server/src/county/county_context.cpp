// CountyContext: opening the county and authenticating devices against its trust store.
#include "county/county_context.h"

#include "core/rules/household_classifier.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>

#include "core/common/error.h"
#include "core/sync/change_verifier.h"

namespace doorstep::server {
namespace {

// server_pushed_batch is in the county store's file (county_tables.h), so that an ack commits
// in the transaction of the changes it acknowledges (the acks an older server kept in
// server.db were copied into it by the county tables' migration 6).
constexpr const char* kFindBatch =
    "SELECT ack FROM server_pushed_batch WHERE device_id = ?1 AND batch = ?2";
constexpr const char* kRecordBatch =
    "INSERT OR IGNORE INTO server_pushed_batch (device_id, batch, received_at, ack) "
    "VALUES (?1, ?2, ?3, ?4)";

// While it lives, commits on `db` do not wait for the disk (WAL, synchronous=NORMAL: still
// atomic, and a crash keeps a prefix of them); the caller syncs the log before it answers.
class DeferredSync {
 public:
  explicit DeferredSync(sqlite::Database& db) : db_(db) { db_.exec("PRAGMA synchronous=NORMAL"); }
  ~DeferredSync() {
    try {
      db_.exec("PRAGMA synchronous=FULL");
    } catch (const Error&) {
      // Only fails on a broken connection, which the next statement reports.
    }
  }
  DeferredSync(const DeferredSync&) = delete;
  DeferredSync& operator=(const DeferredSync&) = delete;

 private:
  sqlite::Database& db_;
};

// fdatasync of DATABASE-wal: every commit written to it so far is on disk after this. No
// log yet: nothing was written in WAL mode, nothing to sync.
void sync_log(const std::string& database) {
  std::string log = database + "-wal";
  int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return;
    throw Error(ErrorCode::Internal, "cannot open " + log + ": " + std::strerror(errno));
  }
  int rc = ::fdatasync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0)
    throw Error(ErrorCode::Internal, "fdatasync " + log + " failed: " + std::strerror(saved));
}

}  // namespace

namespace {
// The county store classifies households with its forms (core/rules/household_classifier.h).
sync::CountyAuthority open_county(const std::filesystem::path& data_dir) {
  rules::use_form_classifier();
  return sync::CountyAuthority::open(data_dir);
}
}  // namespace

CountyContext::CountyContext(const std::filesystem::path& data_dir, std::string server_fingerprint,
                             Metrics& metrics)
    : authority_(open_county(data_dir)),
      server_db_(data_dir),
      risk_(authority_.store().database(), data_dir),
      authenticator_(server_fingerprint),
      metrics_(metrics),
      server_fingerprint_(std::move(server_fingerprint)) {
  own_scope_ = authority_.replica().claims().scope;
}

sync::HelloMessage CountyContext::hello() {
  auto guard = lock();
  auto crl = authority_.replica().revocation_list();
  if (!hello_ || crl != hello_crl_) {
    hello_ = authority_.replica().hello();
    hello_crl_ = std::move(crl);
  }
  return *hello_;
}

std::optional<sync::AckMessage> CountyContext::previous_ack(const std::string& device_id,
                                                            const std::string& batch) {
  auto& find = authority_.store().database().cached(kFindBatch).bind(1, device_id).bind(2, batch);
  std::optional<sync::AckMessage> ack;
  if (find.step())
    ack = std::get<sync::AckMessage>(sync::message_from_json(nlohmann::json::parse(find.text(0))));
  find.reset();
  return ack;
}

sync::AckMessage CountyContext::push(const AuthenticatedDevice& device,
                                     const sync::PushMessage& message) {
  sync::AckMessage ack;
  uint64_t ticket = 0;
  {
    auto guard = lock();
    if (auto previous = previous_ack(device.claims.device_id, message.batch)) {
      // Replay of a batch already answered: the same answer, nothing applied again (once
      // what it answers is on disk).
      ticket = ++committed_;
      guard.unlock();
      wait_durable(ticket);
      return *previous;
    }
    auto& county_db = authority_.store().database();
    DeferredSync county_sync(county_db);
    sync::ChangeVerifier verifier(authority_.replica(), current_trust(), own_scope_);
    verifier.learn_verified(device.certificate, device.claims);
    verifier.learn(message.certificates);
    // The ack is recorded in the transaction of the changes (as are the county's levels of
    // the households they touch, which the core keeps): after a crash, a replay finds all of
    // them or none.
    ack = verifier.ingest(message.batch, message.changes, [&](const sync::AckMessage& answer) {
      county_db.cached(kRecordBatch)
          .bind(1, device.claims.device_id)
          .bind(2, message.batch)
          .bind(3, now())
          .bind(4, sync::message_to_json(answer).dump())
          .run();
    });
    ticket = ++committed_;
  }
  wait_durable(ticket);
  metrics_.count_changes_ingested(ack.stored);
  metrics_.count_changes_rejected(ack.rejected.size());
  return ack;
}

void CountyContext::wait_durable(uint64_t ticket) {
  std::unique_lock guard(durable_mutex_);
  while (durable_ < ticket) {
    if (syncing_) {
      durable_changed_.wait(guard);
      continue;
    }
    syncing_ = true;
    uint64_t target = committed_.load();  // every commit up to it is written to the logs
    guard.unlock();
    std::exception_ptr failure;
    try {
      sync_log(authority_.store().database().path());
    } catch (...) {
      failure = std::current_exception();
    }
    guard.lock();
    syncing_ = false;
    if (!failure) durable_ = std::max(durable_, target);
    durable_changed_.notify_all();
    if (failure) std::rethrow_exception(failure);
  }
}

AuthenticatedDevice CountyContext::authenticate(const HttpRequest& request) {
  // A fresh snapshot per request: a device revoked a moment ago (by `device revoke` in
  // another process) is refused from its next request on.
  std::shared_ptr<const crypto::TrustStore> trust;
  {
    auto guard = lock();
    trust = current_trust();
  }
  return authenticator_.authenticate(request, *trust, now(), [this](const std::string& id) {
    auto guard = lock();
    return authority_.device_certificate(id);
  });
}

void CountyContext::precheck(const HttpRequest& head) {
  std::shared_ptr<const crypto::TrustStore> trust;
  {
    auto guard = lock();
    trust = current_trust();
  }
  authenticator_.precheck(head, *trust, now(), [this](const std::string& id) {
    auto guard = lock();
    return authority_.device_certificate(id);
  });
}

std::shared_ptr<const crypto::TrustStore> CountyContext::current_trust() {
  auto crl = authority_.replica().revocation_list();
  if (!trust_ || crl != trust_crl_) {
    trust_ = std::make_shared<const crypto::TrustStore>(authority_.replica().trust_store());
    trust_crl_ = std::move(crl);
  }
  return trust_;
}

int64_t CountyContext::now() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace doorstep::server
