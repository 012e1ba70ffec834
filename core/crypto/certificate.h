// Certificates of the county's trust model: the county CA, device certificates carrying a
// device's role and scope, and certificate requests (CSRs) that keep private keys on the
// device.
//
// What a device certificate says (all X.509 v3, signed by the county CA with Ed25519):
//  - subject CN: the device's human name ("Li Wei, grid 07"); O: "Doorstep county NNNNNN".
//  - subject public key: the device's Ed25519 signing key (changes are verified with it).
//  - subjectAltName URI: `doorstep:device=ID;role=ROLE;scope=GRIDPATH`, e.g.
//    `doorstep:device=3f2a...;role=grid-worker;scope=640323.101.200.07`. ROLE is one of
//    grid-worker, village-leader, township, county; GRIDPATH is the prefix of grid paths the
//    device may read and write. The URI is readable with `openssl x509 -text`.
//  - extension 2.25.329800735698586629295641978511506172918.1 (not critical): an OCTET STRING
//    holding the device's raw 32-byte X25519 public key, to which bundles are encrypted
//    (keys.h says how it relates to the signing key).
//  - basicConstraints CA:FALSE, keyUsage digitalSignature + keyAgreement.
// The CA certificate is self-signed, basicConstraints CA:TRUE, keyUsage keyCertSign+cRLSign.
//
// Failure: parse and issue functions throw doorstep::Error (Corrupt for malformed input,
// BadSignature for a CSR whose signature fails, OpenSSL for library failures).
// Thread-safety: a Certificate is immutable after construction; share it across threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/crypto/keys.h"
#include "core/crypto/openssl_handles.h"

namespace doorstep::crypto {

enum class DeviceRole { GridWorker, VillageLeader, Township, County };

// Why `name` cannot be a certificate's subject name (CN or O), or "" if it can: a name is 1
// to kMaxCertificateNameLength characters of valid UTF-8 without control characters (no
// NUL cutting it short, no line breaks forging a log line). Every name issued passes it.
inline constexpr size_t kMaxCertificateNameLength = 64;  // X.520's upper bound for a CN
std::string certificate_name_problem(std::string_view name);

std::string_view role_name(DeviceRole role);
// Parses "grid-worker" etc.; throws Error(InvalidArgument) naming the bad value otherwise.
DeviceRole parse_role(std::string_view name);

// What a device certificate grants.
struct DeviceClaims {
  std::string device_id;
  DeviceRole role = DeviceRole::GridWorker;
  std::string scope;  // a grid path prefix, e.g. "640323.101.200.07"
};

// The OID of the X25519 public key extension (a UUID arc, needs no registration).
inline constexpr const char* kX25519ExtensionOid = "2.25.329800735698586629295641978511506172918.1";

class Certificate {
 public:
  static Certificate from_pem(std::string_view pem);
  static Certificate from_der(const Bytes& der);
  explicit Certificate(X509Ptr x509);
  // Copies share the immutable X509 object (reference counted).
  Certificate(const Certificate& other);
  Certificate& operator=(const Certificate& other);
  Certificate(Certificate&&) noexcept = default;
  Certificate& operator=(Certificate&&) noexcept = default;

  std::string pem() const;
  const Bytes& der() const { return der_; }
  // Hex SHA-256 of the DER encoding: the certificate's identity in bundles and caches.
  const std::string& fingerprint() const { return fingerprint_; }
  // The serial number in lower-case hex without leading zeroes.
  std::string serial() const;
  std::string common_name() const;
  bool is_ca() const;
  // The doorstep: URI claims; nullopt for certificates without them (the CA).
  std::optional<DeviceClaims> claims() const;
  // claims(), or Error(Unauthorized) saying the certificate is not a device certificate.
  DeviceClaims require_claims() const;
  // The raw X25519 key of the extension above; Error(Unauthorized) if absent.
  Bytes encryption_key() const;
  // The Ed25519 public key of the subject (a new reference the caller owns).
  PkeyPtr signing_key() const;
  X509* get() const { return x509_.get(); }

 private:
  X509Ptr x509_;
  Bytes der_;
  std::string fingerprint_;
};

// A certificate request as the county reads it: the signature is verified on parsing, which
// proves the requester holds the Ed25519 private key.
struct CertificateRequest {
  std::string name;
  PkeyPtr signing_key;
  Bytes encryption_key;  // raw X25519 public key
};

// Writes a PEM CSR for the Ed25519 key whose raw public half is `public_key` and which
// `sign` signs with, CN = `name`, requesting the X25519 key derived from it
// (keys.h: derive_x25519). The private key is only ever used through `sign`.
std::string make_certificate_request(const Bytes& public_key, const SignFunction& sign,
                                     const std::string& name);
std::string make_certificate_request(const EVP_PKEY* signing_key, const std::string& name);
CertificateRequest parse_certificate_request(std::string_view pem);

// The county CA: its certificate and private key. Owns both.
class CertificateAuthority {
 public:
  // A new self-signed CA for county `county_code` ("640323") named `county_name`.
  static CertificateAuthority create(const std::string& county_code, const std::string& county_name,
                                     PkeyPtr key, int64_t now);
  CertificateAuthority(Certificate certificate, PkeyPtr key);

  const Certificate& certificate() const { return certificate_; }
  const EVP_PKEY* key() const { return key_.get(); }

  // Issues a device certificate for `request` with `claims`, serial number `serial`, valid
  // from `now` minus a day for 20 years (validity is not what protects the county:
  // revocation is; see trust_store.h).
  Certificate issue(const CertificateRequest& request, const DeviceClaims& claims, uint64_t serial,
                    int64_t now) const;

 private:
  Certificate certificate_;
  PkeyPtr key_;
};

// The SAN URI for `claims` and back. parse_claims_uri throws Error(Corrupt) naming the part.
std::string claims_uri(const DeviceClaims& claims);
DeviceClaims parse_claims_uri(std::string_view uri);

}  // namespace doorstep::crypto
