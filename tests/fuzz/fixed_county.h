// A county, a sender and a recipient built from fixed seeds and times, for the fuzz targets
// and their seed generator: the same parts as tests/core/sync/golden_bundle_test.cpp, so
// that tests/data/golden.bundle (a seed of the bundle target) opens with them, and every
// certificate and signature is the same on every run (a seed stays meaningful).
#pragma once

#include <algorithm>
#include <string>

#include "core/crypto/certificate.h"
#include "core/crypto/keys.h"
#include "core/crypto/trust_store.h"
#include "core/sync/change.h"

namespace doorstep::fuzz {

inline constexpr int64_t kFixedTime = 1780000000;
inline constexpr const char* kFixedGrid = "640323.101.200.07";

inline crypto::Bytes fixed_bytes(unsigned char byte) {
  return crypto::Bytes(32, byte);
}

struct FixedCounty {
  crypto::CertificateAuthority ca = crypto::CertificateAuthority::create(
      "640323", "Yanchi", crypto::ed25519_from_seed(fixed_bytes(1)), kFixedTime);
  crypto::PkeyPtr sender_key = crypto::ed25519_from_seed(fixed_bytes(2));
  crypto::PkeyPtr recipient_key = crypto::ed25519_from_seed(fixed_bytes(3));
  crypto::Certificate sender =
      issue(sender_key.get(), "worker", crypto::DeviceRole::GridWorker, kFixedGrid, 2);
  crypto::Certificate recipient =
      issue(recipient_key.get(), "county", crypto::DeviceRole::County, "640323", 3);
  crypto::PkeyPtr recipient_x25519 = crypto::derive_x25519(recipient_key.get());

  crypto::Certificate issue(const EVP_PKEY* key, const std::string& name, crypto::DeviceRole role,
                            const std::string& scope, uint64_t serial) {
    auto request = crypto::parse_certificate_request(crypto::make_certificate_request(key, name));
    return ca.issue(request, {crypto::device_id_of(public_key(key)), role, scope}, serial,
                    kFixedTime);
  }

  static crypto::PublicKey public_key(const EVP_PKEY* key) {
    crypto::Bytes raw = crypto::raw_public_key(key);
    crypto::PublicKey out{};
    std::copy(raw.begin(), raw.end(), out.begin());
    return out;
  }

  std::string sender_id() const { return sender.require_claims().device_id; }

  // `change` signed by the sender.
  sync::SignedChange sign(const sync::Change& change) const {
    sync::SignedChange out;
    out.change = change;
    std::string message = sync::signing_message(change.hash());
    crypto::Bytes signature = crypto::ed25519_sign(
        sender_key.get(), reinterpret_cast<const unsigned char*>(message.data()), message.size());
    std::copy(signature.begin(), signature.end(), out.signature.begin());
    return out;
  }
};

}  // namespace doorstep::fuzz
