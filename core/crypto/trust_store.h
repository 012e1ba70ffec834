// TrustStore: what a replica trusts — the county CA certificate and the set of revoked
// device certificates — and the check of a device certificate against them.
//
// A device certificate is trusted when it chains to the county CA (signature, CA flags,
// key usage, via OpenSSL's X509_verify_cert), carries Doorstep claims, and neither its
// serial nor its device id is revoked. Validity dates are NOT checked: phones keep wrong
// clocks for weeks, and a change signed while a certificate was good must still verify at
// the county years later. Revocation is the county's control; it travels to devices as a
// county-level change (see docs/protocol.md).
//
// Failure: verify() throws Error(Unauthorized) with the reason ("revoked", "not issued by
// the county CA", ...). Thread-safety: const methods may run concurrently; revoke() needs
// exclusive access.
#pragma once

#include <set>
#include <string>

#include "core/crypto/certificate.h"
#include "core/crypto/revocation_list.h"

namespace doorstep::crypto {

class TrustStore {
 public:
  explicit TrustStore(Certificate county_ca);

  const Certificate& county_ca() const { return ca_; }

  void revoke_serial(const std::string& serial_hex) { revoked_serials_.insert(serial_hex); }
  // Applies a revocation list already verified against this CA (parse_revocation_list);
  // returns false (and changes nothing) if it is not newer than the one applied before.
  bool apply(const RevocationList& list);
  uint64_t revocation_list_number() const { return crl_number_; }
  void revoke_device(const std::string& device_id) { revoked_devices_.insert(device_id); }
  bool is_revoked(const Certificate& cert) const;
  bool is_device_revoked(const std::string& device_id) const {
    return revoked_devices_.count(device_id) != 0;
  }

  // The claims of `cert` if it is a good device certificate of this county; else throws.
  DeviceClaims verify(const Certificate& cert) const;

 private:
  Certificate ca_;
  X509StorePtr store_;
  std::set<std::string> revoked_serials_;
  std::set<std::string> revoked_devices_;
  uint64_t crl_number_ = 0;
};

}  // namespace doorstep::crypto
