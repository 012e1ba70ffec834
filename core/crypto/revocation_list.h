// RevocationList: the county's list of revoked device certificates, as an X.509 v2 CRL signed
// by the county CA, numbered (crlNumber) so that a replica keeps the newest one it has seen.
//
// Why a CRL and not a database row: revocations must reach phones that never talk to the
// county, through village leaders' devices and USB sticks. A CRL is self-authenticating
// (signed by the CA), so any relay can carry it in every hello it sends and no relay can
// forge or roll it back (a lower number is ignored). Each replica applies the newest CRL to
// its TrustStore before verifying anything.
//
// Failure: parse_revocation_list() throws Error(Corrupt) for malformed DER and
// Error(BadSignature) for a CRL not signed by the given CA. Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/crypto/certificate.h"

namespace doorstep::crypto {

struct RevokedCertificate {
  std::string serial;  // lower-case hex, as Certificate::serial()
  int64_t revoked_at = 0;
};

struct RevocationList {
  uint64_t number = 0;
  std::vector<RevokedCertificate> revoked;
  Bytes der;  // the signed CRL
};

RevocationList make_revocation_list(const CertificateAuthority& ca,
                                    const std::vector<RevokedCertificate>& revoked, uint64_t number,
                                    int64_t now);
// Parses `der` and verifies its signature against `ca`.
RevocationList parse_revocation_list(const Bytes& der, const Certificate& ca);

}  // namespace doorstep::crypto
