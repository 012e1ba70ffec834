// Builders for the sync tests: a county CA that enrolls real stores (SQLite files in a
// scratch folder) as devices with roles and scopes, the way `device issue` does.
#pragma once

#include <memory>
#include <string>

#include "core/crypto/certificate.h"
#include "core/crypto/hash.h"
#include "core/crypto/keys.h"
#include "core/crypto/revocation_list.h"
#include "core/store/store.h"
#include "core/sync/replica.h"
#include "tests/support/test_support.h"

namespace doorstep::sync::testing {

inline constexpr int64_t kNow = 1780000000;

struct Device {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Replica> replica;
  crypto::Certificate cert() const { return replica->certificate(); }
  const std::string& id() const { return store->identity().device_id; }
};

class TestCounty {
 public:
  explicit TestCounty(const std::filesystem::path& dir)
      : dir_(dir),
        ca_(crypto::CertificateAuthority::create("640323", "Yanchi", crypto::generate_ed25519(),
                                                 kNow)) {}

  const crypto::CertificateAuthority& ca() const { return ca_; }

  // `cert_scope` (default: `scope`) lets a test certify less than the store believes: the
  // store is then widened back to `scope` after enrollment, as a tampered app could.
  Device enroll(const std::string& name, crypto::DeviceRole role, const std::string& scope,
                std::string cert_scope = "") {
    if (cert_scope.empty()) cert_scope = scope;
    Device d;
    store::InitOptions init;
    init.name = name;
    init.role = std::string(crypto::role_name(role));
    init.scope = scope;
    init.durable = false;
    d.store = std::make_unique<store::Store>(
        store::Store::create(dir_ / (name + "-" + std::to_string(serial_) + ".db"), init));
    d.replica = std::make_unique<Replica>(*d.store);
    auto request = crypto::parse_certificate_request(d.replica->certificate_request());
    auto cert =
        ca_.issue(request, {d.store->identity().device_id, role, cert_scope}, serial_++, kNow);
    d.replica->install_enrollment({{"format", "doorstep-enrollment"},
                                   {"device_certificate", cert.pem()},
                                   {"county_ca", ca_.certificate().pem()}});
    if (cert_scope != scope) d.store->adopt_identity(init.role, scope);
    return d;
  }

  // A revocation list revoking `certs`, numbered one higher than the last.
  crypto::RevocationList revoke(const std::vector<crypto::Certificate>& certs) {
    for (const auto& c : certs) revoked_.push_back({c.serial(), kNow});
    return crypto::make_revocation_list(ca_, revoked_, ++crl_number_, kNow);
  }

 private:
  std::filesystem::path dir_;
  crypto::CertificateAuthority ca_;
  uint64_t serial_ = 2;
  uint64_t crl_number_ = 0;
  std::vector<crypto::RevokedCertificate> revoked_;
};

}  // namespace doorstep::sync::testing
