// Small builders for the crypto tests: a county CA and devices enrolled with it.
#pragma once

#include <string>

#include "core/crypto/certificate.h"
#include "core/crypto/keys.h"

namespace doorstep::crypto::testing {

inline constexpr int64_t kNow = 1780000000;

struct TestDevice {
  PkeyPtr key;
  Certificate cert;
};

inline CertificateAuthority make_ca(const std::string& code = "640323") {
  return CertificateAuthority::create(code, "Yanchi", generate_ed25519(), kNow);
}

inline TestDevice enroll(const CertificateAuthority& ca, const std::string& id, DeviceRole role,
                         const std::string& scope, uint64_t serial) {
  PkeyPtr key = generate_ed25519();
  auto request = parse_certificate_request(make_certificate_request(key.get(), id + " phone"));
  Certificate cert = ca.issue(request, {id, role, scope}, serial, kNow);
  return {std::move(key), std::move(cert)};
}

}  // namespace doorstep::crypto::testing
