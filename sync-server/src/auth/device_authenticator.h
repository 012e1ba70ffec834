// DeviceAuthenticator: checks the signed-request credential of a device (see
// core/auth/request_signature.h) against the county's trust store and answers who it is.
//
//   no or malformed credential, unknown CA, bad signature,  -> HttpError 401 "unauthorized"
//   stale time, replayed nonce                                 (the message says which)
//   a certificate the county revoked                         -> HttpError 403 "revoked"
//
// Ownership: owns the nonce cache and the cache of certificates already verified. Thread-safety:
// authenticate() is safe from many threads (the cache has its own mutex; the TrustStore is only
// read).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/auth/request_signature.h"
#include "core/crypto/certificate.h"
#include "core/crypto/trust_store.h"
#include "http/message.h"

namespace doorstep::server {

struct AuthenticatedDevice {
  crypto::DeviceClaims claims;
  std::string name;  // the certificate's common name
  crypto::Certificate certificate;
};

class DeviceAuthenticator {
 public:
  // `server_fingerprint`: hex SHA-256 of the TLS certificate this server presents.
  explicit DeviceAuthenticator(std::string server_fingerprint)
      : server_fingerprint_(std::move(server_fingerprint)) {}

  // A device's certificate by its id (for requests that name the device instead of carrying
  // the certificate); nullopt if the county issued none.
  using CertificateLookup =
      std::function<std::optional<crypto::Certificate>(const std::string& device_id)>;

  AuthenticatedDevice authenticate(const HttpRequest& request, const crypto::TrustStore& trust,
                                   int64_t now, const CertificateLookup& lookup = {});

  // Before a large body is read: checks everything the request's head can prove (a
  // well-formed credential naming an enrolled device whose certificate chains to the CA and
  // is not revoked, a time within the window, a nonce not used yet) and throws as
  // authenticate() would. The signature, which covers the body, is left to authenticate(),
  // and the nonce is not spent, so the same request then authenticates normally.
  void precheck(const HttpRequest& head, const crypto::TrustStore& trust, int64_t now,
                const CertificateLookup& lookup = {});

 private:
  // False if `nonce` was seen within the window; remembers it otherwise (unless `peek`).
  bool first_use(const std::string& nonce, int64_t time, int64_t now, bool peek = false);

  // The credential of `request` and the certificate it names, checked against the CA and
  // the revocation list (not the signature).
  struct Identified {
    auth::RequestAuthorization parsed;
    crypto::Certificate certificate;
    crypto::DeviceClaims claims;
  };
  Identified identify(const HttpRequest& request, const crypto::TrustStore& trust,
                      const CertificateLookup& lookup);

  struct Accepted {
    crypto::Certificate certificate;
    crypto::DeviceClaims claims;
  };
  // A certificate that chained to the CA before, or nullopt; and remembering one.
  std::optional<Accepted> accepted(const std::string& key);
  void remember(const std::string& key, const Accepted& accepted);

  std::string server_fingerprint_;
  std::mutex mutex_;
  std::unordered_map<std::string, int64_t> nonces_;  // nonce -> when it may be forgotten
  std::multimap<int64_t, std::string> expiries_;     // the same, by when
  // Certificates that passed the chain check, by CA fingerprint + certificate header: a
  // device's next requests skip the decoding and X509 verification (revocation is still
  // checked on every request).
  std::map<std::string, Accepted> accepted_;
};

}  // namespace doorstep::server
