// CountyContext: opening the county and authenticating devices against its trust store.
#include "county/county_context.h"

#include <ctime>

namespace doorstep::server {

CountyContext::CountyContext(const std::filesystem::path& data_dir, std::string server_fingerprint,
                             Metrics& metrics)
    : authority_(sync::CountyAuthority::open(data_dir)),
      server_db_(data_dir),
      risk_(server_db_, data_dir),
      authenticator_(server_fingerprint),
      metrics_(metrics),
      server_fingerprint_(std::move(server_fingerprint)) {}

AuthenticatedDevice CountyContext::authenticate(const HttpRequest& request) {
  // A fresh snapshot per request: a device revoked a moment ago (by `device revoke` in
  // another process) is refused from its next request on.
  std::shared_ptr<const crypto::TrustStore> trust;
  {
    auto guard = lock();
    auto crl = authority_.replica().revocation_list();
    if (!trust_ || crl != trust_crl_) {
      trust_ = std::make_shared<const crypto::TrustStore>(authority_.replica().trust_store());
      trust_crl_ = std::move(crl);
    }
    trust = trust_;
  }
  return authenticator_.authenticate(request, *trust, now(), [this](const std::string& id) {
    auto guard = lock();
    return authority_.device_certificate(id);
  });
}

int64_t CountyContext::now() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace doorstep::server
