// The C ABI of enrollment and bundle files (doorstep_sync.h) over core/sync.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "client-lib/src/abi_support.h"
#include "client-lib/src/https_sync_session.h"
#include "core/common/bounded_decode.h"
#include "core/crypto/certificate.h"
#include "core/store/store.h"
#include "core/sync/bundle.h"
#include "core/sync/replica.h"
#include "core/sync/sync_status.h"

namespace doorstep::abi {
namespace {

std::string secret_of(const char* key_secret) {
  return key_secret ? key_secret : "";
}

store::Store open_store(const char* db_path, const char* key_secret) {
  require_arg(db_path, "db_path");
  store::OpenOptions options;
  options.key_secret = secret_of(key_secret);
  return store::Store::open(db_path, options);
}

std::string read_whole(const char* path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, std::string("cannot read ") + what + " '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_whole(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ErrorDomain::Posix, errno, "cannot create '" + temp + "'");
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) throw Error(ErrorDomain::Posix, saved, "cannot write '" + temp + "'");
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    throw Error(ErrorDomain::Posix, errno, "cannot rename '" + temp + "' to '" + path + "'");
}

}  // namespace
}  // namespace doorstep::abi

using namespace doorstep;
using namespace doorstep::abi;

extern "C" {

char* ds_sync_certificate_request(const char* db_path, const char* key_secret,
                                  ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    store::Store store = open_store(db_path, key_secret);
    sync::Replica replica(store, secret_of(key_secret));
    return copy_string(replica.certificate_request());
  });
}

char* ds_sync_enroll(const char* db_path, const char* key_secret, const char* enrollment_json,
                     ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(enrollment_json, "enrollment_json");
    nlohmann::json enrollment = parse_json_bounded(enrollment_json, kSmallJsonLimits,
                                                   "the enrollment file", ErrorCode::Corrupt);
    store::Store store = open_store(db_path, key_secret);
    sync::Replica replica(store, secret_of(key_secret));
    replica.install_enrollment(enrollment);
    auto claims = replica.claims();
    nlohmann::json out = {{"device", claims.device_id},
                          {"name", store.identity().name},
                          {"role", crypto::role_name(claims.role)},
                          {"scope", claims.scope},
                          {"county", enrollment.value("county", nlohmann::json::object())}};
    return copy_string(out.dump());
  });
}

char* ds_sync_identity(const char* db_path, const char* key_secret, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    store::Store store = open_store(db_path, key_secret);
    sync::Replica replica(store, secret_of(key_secret));
    return copy_string(replica.certificate().pem());
  });
}

char* ds_bundle_export(const char* db_path, const char* key_secret, const char* recipient_cert_pem,
                       const char* out_path, bool full, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(recipient_cert_pem, "recipient_cert_pem");
    require_arg(out_path, "out_path");
    auto recipient = crypto::Certificate::from_pem(recipient_cert_pem);
    store::Store store = open_store(db_path, key_secret);
    sync::Replica replica(store, secret_of(key_secret));
    sync::BundleExportOptions options;
    options.full = full;
    auto bundle = sync::export_bundle(replica, recipient, std::move(options));
    write_whole(out_path, bundle.bytes);
    return copy_string(sync::to_json(bundle).dump());
  });
}

char* ds_bundle_import(const char* db_path, const char* key_secret, const char* bundle_path,
                       ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(bundle_path, "bundle_path");
    std::string bytes = read_whole(bundle_path, "bundle");
    store::Store store = open_store(db_path, key_secret);
    sync::Replica replica(store, secret_of(key_secret));
    auto report = sync::import_bundle(replica, bytes);
    sync::keep_rejections(replica, report, bundle_path);
    auto out = sync::to_json(report);
    sync::SyncState state(store.database());
    auto status = sync::sync_status(store, net::saved_county_peer(state));
    out["ok"] = status["ok"];
    out["outstanding"] = status["rejected"];
    return copy_string(out.dump());
  });
}

}  // extern "C"
