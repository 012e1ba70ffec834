// Signed-request authentication of devices: what is accepted and what is refused, with a
// real county CA and real device certificates.
#include <doctest/doctest.h>

#include <ctime>
#include <optional>

#include "auth/device_authenticator.h"
#include "core/auth/request_signature.h"
#include "core/crypto/certificate.h"
#include "core/crypto/device_key.h"
#include "core/crypto/keys.h"
#include "http/router.h"

using namespace doorstep;
using namespace doorstep::server;

namespace {

constexpr const char* kFingerprint =
    "3c64583cc6d1a037176acc5ed6300f2573d1523ec9b1ac8ea358de3700661e01";

std::string device_id_of_key(const EVP_PKEY* key) {
  auto raw = crypto::raw_public_key(key);
  crypto::PublicKey public_key{};
  std::copy(raw.begin(), raw.end(), public_key.begin());
  return crypto::device_id_of(public_key);
}

struct County {
  int64_t now = std::time(nullptr);
  crypto::CertificateAuthority ca =
      crypto::CertificateAuthority::create("640323", "Yanchi", crypto::generate_ed25519(), now);
  crypto::TrustStore trust{ca.certificate()};
  uint64_t serial = 1;

  struct Device {
    crypto::PkeyPtr key;
    crypto::Certificate certificate;
  };
  Device enroll(const std::string& scope) {
    auto key = crypto::generate_ed25519();
    auto request =
        crypto::parse_certificate_request(crypto::make_certificate_request(key.get(), "Li Wei"));
    crypto::DeviceClaims claims{device_id_of_key(key.get()), crypto::DeviceRole::GridWorker, scope};
    auto cert = ca.issue(request, claims, serial++, now);
    return {std::move(key), cert};
  }
};

HttpRequest signed_request(const County::Device& device, const std::string& body, int64_t time,
                           const std::string& fingerprint = kFingerprint) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/sync/push";
  request.body = body;
  auto headers = auth::sign_request(crypto::signer_for(device.key.get()), device.certificate.der(),
                                    request.method, request.target, body, fingerprint, time);
  request.headers["x-doorstep-certificate"] = headers.certificate;
  request.headers["authorization"] = headers.authorization;
  return request;
}

int refusal_status(DeviceAuthenticator& authenticator, const HttpRequest& request,
                   const crypto::TrustStore& trust, int64_t now, std::string* code = nullptr) {
  try {
    authenticator.authenticate(request, trust, now);
  } catch (const HttpError& e) {
    if (code) *code = e.code();
    return e.status();
  }
  return 200;
}

}  // namespace

TEST_CASE("a request signed by an enrolled device authenticates as that device and scope") {
  County county;
  auto device = county.enroll("640323.101.200.07");
  DeviceAuthenticator authenticator(kFingerprint);
  auto who = authenticator.authenticate(signed_request(device, "{}", county.now), county.trust,
                                        county.now);
  CHECK(who.claims.scope == "640323.101.200.07");
  CHECK(who.claims.role == crypto::DeviceRole::GridWorker);
  CHECK(who.name == "Li Wei");
}

TEST_CASE("missing, malformed, altered, misdirected, stale and replayed requests are 401") {
  County county;
  auto device = county.enroll("640323.101.200.07");
  DeviceAuthenticator authenticator(kFingerprint);

  HttpRequest bare;
  bare.method = "POST";
  bare.target = "/v1/sync/push";
  CHECK(refusal_status(authenticator, bare, county.trust, county.now) == 401);

  auto garbled = signed_request(device, "{}", county.now);
  garbled.headers["authorization"] = "Bearer nonsense";
  CHECK(refusal_status(authenticator, garbled, county.trust, county.now) == 401);

  auto altered = signed_request(device, "{}", county.now);
  altered.body = "{\"more\": 1}";
  CHECK(refusal_status(authenticator, altered, county.trust, county.now) == 401);

  auto elsewhere = signed_request(device, "{}", county.now, std::string(64, 'a'));
  CHECK(refusal_status(authenticator, elsewhere, county.trust, county.now) == 401);

  auto stale = signed_request(device, "{}", county.now - auth::kMaxSkewSeconds - 10);
  CHECK(refusal_status(authenticator, stale, county.trust, county.now) == 401);

  auto once = signed_request(device, "{}", county.now);
  CHECK(refusal_status(authenticator, once, county.trust, county.now) == 200);
  CHECK(refusal_status(authenticator, once, county.trust, county.now) == 401);
}

TEST_CASE("a certificate from another county's CA is 401, a revoked one is 403 revoked") {
  County county, other;
  auto stranger = other.enroll("640323.101.200.07");
  DeviceAuthenticator authenticator(kFingerprint);
  CHECK(refusal_status(authenticator, signed_request(stranger, "", county.now), county.trust,
                       county.now) == 401);

  auto device = county.enroll("640323.101.200.07");
  county.trust.revoke_serial(device.certificate.serial());
  std::string code;
  CHECK(refusal_status(authenticator, signed_request(device, "", county.now), county.trust,
                       county.now, &code) == 403);
  CHECK(code == "revoked");
}

TEST_CASE("a request that names its device is checked against the certificate the county holds") {
  County county;
  auto device = county.enroll("640323.101.200.07");
  auto other = county.enroll("640323.101.200.08");
  std::string id = device.certificate.claims()->device_id;
  auto named = [&](const County::Device& signer, const std::string& name) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/v1/sync";
    request.body = "x";
    auto headers = auth::sign_request(crypto::signer_for(signer.key.get()),
                                      signer.certificate.der(), request.method, request.target,
                                      request.body, kFingerprint, county.now, name);
    CHECK(headers.authorization.find("device=" + name + ",") != std::string::npos);
    request.headers["authorization"] = headers.authorization;
    return request;
  };
  DeviceAuthenticator::CertificateLookup lookup =
      [&](const std::string& wanted) -> std::optional<crypto::Certificate> {
    if (wanted == id) return device.certificate;
    if (wanted == other.certificate.claims()->device_id) return other.certificate;
    return std::nullopt;
  };
  DeviceAuthenticator authenticator(kFingerprint);
  auto who = authenticator.authenticate(named(device, id), county.trust, county.now, lookup);
  CHECK(who.claims.device_id == id);
  CHECK(who.claims.scope == "640323.101.200.07");

  // Without a way to look it up, or for a device the county never enrolled: 401.
  CHECK(refusal_status(authenticator, named(device, id), county.trust, county.now) == 401);
  std::string code;
  try {
    authenticator.authenticate(named(device, "0123456789abcdef"), county.trust, county.now, lookup);
  } catch (const HttpError& e) {
    code = e.code();
    CHECK(std::string(e.what()).find("0123456789abcdef") != std::string::npos);
  }
  CHECK(code == "unauthorized");
  // Naming another device: its key does not verify this signature.
  try {
    authenticator.authenticate(named(device, other.certificate.claims()->device_id), county.trust,
                               county.now, lookup);
    CHECK(false);
  } catch (const HttpError& e) {
    CHECK(e.status() == 401);
  }
  // Revoked: 403 revoked, as with the certificate in the request.
  county.trust.revoke_serial(device.certificate.serial());
  code.clear();
  try {
    authenticator.authenticate(named(device, id), county.trust, county.now, lookup);
  } catch (const HttpError& e) {
    CHECK(e.status() == 403);
    code = e.code();
  }
  CHECK(code == "revoked");
  // The old form (certificate header, no device=) still authenticates.
  CHECK(refusal_status(authenticator, signed_request(other, "", county.now), county.trust,
                       county.now) == 200);
}

TEST_CASE("a device accepted before is refused 403 once its certificate or device is revoked") {
  County county;
  auto device = county.enroll("640323.101.200.07");
  auto other = county.enroll("640323.101.200.08");
  DeviceAuthenticator authenticator(kFingerprint);
  CHECK(refusal_status(authenticator, signed_request(device, "", county.now), county.trust,
                       county.now) == 200);
  CHECK(refusal_status(authenticator, signed_request(other, "", county.now), county.trust,
                       county.now) == 200);
  // Accepted certificates are remembered; revocation is still checked on every request.
  county.trust.revoke_serial(device.certificate.serial());
  county.trust.revoke_device(device_id_of_key(other.key.get()));
  std::string code;
  CHECK(refusal_status(authenticator, signed_request(device, "", county.now), county.trust,
                       county.now, &code) == 403);
  CHECK(code == "revoked");
  code.clear();
  CHECK(refusal_status(authenticator, signed_request(other, "", county.now), county.trust,
                       county.now, &code) == 403);
  CHECK(code == "revoked");
  // A certificate accepted under one CA is not taken as accepted under another.
  County elsewhere;
  CHECK(refusal_status(authenticator, signed_request(other, "", county.now), elsewhere.trust,
                       county.now) == 401);
}

TEST_CASE("every nonce of the time window is remembered, however many requests came since") {
  County county;
  auto device = county.enroll("640323.101.200.07");
  DeviceAuthenticator authenticator(kFingerprint);
  auto first = signed_request(device, "", county.now);
  CHECK(refusal_status(authenticator, first, county.trust, county.now) == 200);
  for (int i = 0; i < 5000; ++i)
    REQUIRE(refusal_status(authenticator, signed_request(device, "", county.now), county.trust,
                           county.now) == 200);
  CHECK(refusal_status(authenticator, first, county.trust, county.now + 60) == 401);
}

TEST_CASE("precheck passes a head that names a good device, time and nonce, without spending it") {
  County county;
  auto device = county.enroll("640323.101.200.07");
  DeviceAuthenticator authenticator(kFingerprint);
  auto precheck_status = [&](const HttpRequest& head, const crypto::TrustStore& trust) {
    try {
      authenticator.precheck(head, trust, county.now);
    } catch (const HttpError& e) {
      return e.status();
    }
    return 200;
  };
  auto request = signed_request(device, "a body the head cannot vouch for", county.now);
  HttpRequest head = request;
  head.body.clear();
  CHECK(precheck_status(head, county.trust) == 200);
  CHECK(precheck_status(head, county.trust) == 200);  // the nonce was not spent
  CHECK(refusal_status(authenticator, request, county.trust, county.now) == 200);
  CHECK(precheck_status(head, county.trust) == 401);  // now it was

  HttpRequest bare;
  bare.method = "POST";
  bare.target = "/v1/sync/push";
  CHECK(precheck_status(bare, county.trust) == 401);
  auto stale = signed_request(device, "", county.now - auth::kMaxSkewSeconds - 10);
  CHECK(precheck_status(stale, county.trust) == 401);
  County other;
  auto stranger = other.enroll("640323.101.200.07");
  CHECK(precheck_status(signed_request(stranger, "", county.now), county.trust) == 401);
  auto revoked = county.enroll("640323.101.200.07");
  county.trust.revoke_serial(revoked.certificate.serial());
  CHECK(precheck_status(signed_request(revoked, "", county.now), county.trust) == 403);
}
