// DeviceAuthenticator: header parsing, certificate chain and revocation, signature, replay.
#include "auth/device_authenticator.h"

#include "core/auth/request_signature.h"
#include "core/common/error.h"
#include "http/router.h"

namespace doorstep::server {

namespace {

HttpError unauthorized(const std::string& message) {
  return HttpError(401, "unauthorized", message);
}

void check_time(int64_t time, int64_t now) {
  if (time < now - auth::kMaxSkewSeconds || time > now + auth::kMaxSkewSeconds)
    throw HttpError(401, "unauthorized",
                    "the request is signed for time " + std::to_string(time) + ", more than " +
                        std::to_string(auth::kMaxSkewSeconds) + " s from the server's " +
                        std::to_string(now) + "; correct the clock by this answer's \"time\"",
                    {{"time", now}});
}

const char* kReplayed = "the request was replayed (its nonce was already used)";

}  // namespace

DeviceAuthenticator::Identified DeviceAuthenticator::identify(const HttpRequest& request,
                                                              const crypto::TrustStore& trust,
                                                              const CertificateLookup& lookup) {
  std::string cert_header = request.header(auth::kCertificateHeader);
  std::string authorization = request.header("authorization");
  if (authorization.empty())
    throw unauthorized(
        "this endpoint needs a device credential (an Authorization: Doorstep-Signature header "
        "naming the device, or with an X-Doorstep-Certificate header; see docs/api.md)");
  auth::RequestAuthorization parsed;
  std::optional<crypto::Certificate> certificate;
  try {
    parsed = auth::parse_authorization(authorization);
    if (!cert_header.empty())
      certificate = crypto::Certificate::from_der(auth::base64_decode(cert_header));
  } catch (const Error& e) {
    throw unauthorized(e.what());
  }
  if (!certificate) {
    if (parsed.device.empty())
      throw unauthorized(
          "the request carries no X-Doorstep-Certificate and its Authorization names no device "
          "(device=ID)");
    if (lookup) certificate = lookup(parsed.device);
    if (!certificate)
      throw unauthorized("device " + parsed.device +
                         " is not enrolled in this county (no certificate issued to it)");
  } else if (!parsed.device.empty()) {
    auto claims = certificate->claims();
    if (!claims || claims->device_id != parsed.device)
      throw unauthorized("Authorization names device " + parsed.device +
                         ", but X-Doorstep-Certificate is another device's certificate");
  }
  // Keyed by the CA and the certificate itself: a device enrolled again gets a new entry.
  const std::string cache_key = trust.county_ca().fingerprint() + "|" + certificate->fingerprint();
  auto known = accepted(cache_key);
  crypto::DeviceClaims claims;
  if (known) {
    // Chained to this CA before: only revocation can have changed.
    certificate = known->certificate;
    claims = known->claims;
    if (trust.is_revoked(*certificate))
      throw HttpError(403, "revoked", "the county has revoked this device's certificate");
  } else {
    if (trust.is_revoked(*certificate))
      throw HttpError(403, "revoked", "the county has revoked this device's certificate");
    try {
      claims = trust.verify(*certificate);
    } catch (const Error& e) {
      if (trust.is_device_revoked(certificate->claims() ? certificate->claims()->device_id : ""))
        throw HttpError(403, "revoked", "the county has revoked this device");
      throw unauthorized(std::string("the device certificate is not accepted: ") + e.what());
    }
    remember(cache_key, Accepted{*certificate, claims});
  }
  return {std::move(parsed), std::move(*certificate), std::move(claims)};
}

void DeviceAuthenticator::precheck(const HttpRequest& head, const crypto::TrustStore& trust,
                                   int64_t now, const CertificateLookup& lookup) {
  auto identified = identify(head, trust, lookup);
  check_time(identified.parsed.time, now);
  if (!first_use(identified.parsed.nonce, identified.parsed.time, now, true))
    throw unauthorized(kReplayed);
}

AuthenticatedDevice DeviceAuthenticator::authenticate(const HttpRequest& request,
                                                      const crypto::TrustStore& trust, int64_t now,
                                                      const CertificateLookup& lookup) {
  auto [parsed, certificate, claims] = identify(request, trust, lookup);
  std::string text = auth::signing_text(request.method, request.target, parsed.time, parsed.nonce,
                                        request.body, server_fingerprint_);
  auto key = certificate.signing_key();
  if (!crypto::ed25519_verify(
          key.get(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
          reinterpret_cast<const unsigned char*>(parsed.signature.data()), parsed.signature.size()))
    throw unauthorized(
        "the request signature does not verify (wrong key, altered request, or "
        "signed for another server)");
  check_time(parsed.time, now);
  if (!first_use(parsed.nonce, parsed.time, now)) throw unauthorized(kReplayed);
  return {claims, certificate.common_name(), certificate};
}

std::optional<DeviceAuthenticator::Accepted> DeviceAuthenticator::accepted(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = accepted_.find(key);
  if (it == accepted_.end()) return std::nullopt;
  return it->second;
}

void DeviceAuthenticator::remember(const std::string& key, const Accepted& accepted) {
  std::lock_guard lock(mutex_);
  // A county has a few thousand devices; the bound only guards against a flood of them.
  if (accepted_.size() >= 100000) accepted_.clear();
  accepted_.emplace(key, accepted);
}

bool DeviceAuthenticator::first_use(const std::string& nonce, int64_t time, int64_t now,
                                    bool peek) {
  std::lock_guard lock(mutex_);
  // Forget nonces whose requests can no longer pass the time check anyway, oldest first:
  // each is forgotten once, so a busy server does not scan the whole window per request.
  while (!expiries_.empty() && expiries_.begin()->first < now) {
    nonces_.erase(expiries_.begin()->second);
    expiries_.erase(expiries_.begin());
  }
  int64_t forget_at = time + auth::kMaxSkewSeconds + 1;
  if (peek) return nonces_.count(nonce) == 0;
  if (!nonces_.emplace(nonce, forget_at).second) return false;
  expiries_.emplace(forget_at, nonce);
  return true;
}

}  // namespace doorstep::server
