// Device certificates: what the county CA writes into them and what a reader gets back.
#include "core/crypto/certificate.h"

#include <doctest/doctest.h>

#include "core/crypto/keys.h"
#include "tests/core/crypto/crypto_fixtures.h"

using namespace doorstep;
using namespace doorstep::crypto;
using namespace doorstep::crypto::testing;

TEST_CASE("a device certificate carries the device id, role, scope and both public keys") {
  auto ca = make_ca();
  PkeyPtr key = generate_ed25519();
  std::string pem = make_certificate_request(key.get(), "Li Wei");
  auto request = parse_certificate_request(pem);
  CHECK(request.name == "Li Wei");
  CHECK(raw_public_key(request.signing_key.get()) == raw_public_key(key.get()));
  PkeyPtr x = derive_x25519(key.get());
  CHECK(request.encryption_key == raw_public_key(x.get()));

  Certificate cert =
      ca.issue(request, {"dev-1", DeviceRole::GridWorker, "640323.101.200.07"}, 42, kNow);
  auto claims = cert.require_claims();
  CHECK(claims.device_id == "dev-1");
  CHECK(claims.role == DeviceRole::GridWorker);
  CHECK(claims.scope == "640323.101.200.07");
  CHECK(cert.serial() == "2a");
  CHECK(cert.common_name() == "Li Wei");
  CHECK_FALSE(cert.is_ca());
  CHECK(cert.encryption_key() == raw_public_key(x.get()));
  CHECK(raw_public_key(cert.signing_key().get()) == raw_public_key(key.get()));

  // PEM and DER round trips keep the identity (fingerprint).
  Certificate again = Certificate::from_pem(cert.pem());
  CHECK(again.fingerprint() == cert.fingerprint());
  CHECK(Certificate::from_der(cert.der()).fingerprint() == cert.fingerprint());
}

TEST_CASE("the county CA certificate is a CA and has no device claims") {
  auto ca = make_ca();
  CHECK(ca.certificate().is_ca());
  CHECK_FALSE(ca.certificate().claims().has_value());
  CHECK_THROWS_AS(ca.certificate().require_claims(), Error);
  CHECK(ca.certificate().common_name() == "Yanchi county CA");
}

TEST_CASE("the derived X25519 key is stable and differs between devices") {
  PkeyPtr a = generate_ed25519();
  PkeyPtr b = generate_ed25519();
  CHECK(raw_public_key(derive_x25519(a.get()).get()) ==
        raw_public_key(derive_x25519(a.get()).get()));
  CHECK(raw_public_key(derive_x25519(a.get()).get()) !=
        raw_public_key(derive_x25519(b.get()).get()));
}

TEST_CASE("a certificate request with a broken signature or garbage is refused") {
  PkeyPtr key = generate_ed25519();
  std::string pem = make_certificate_request(key.get(), "Li Wei");
  CHECK_THROWS_AS(parse_certificate_request("not a pem"), Error);
  // Flip a byte inside the base64 body (far from the header line): either the DER breaks or
  // the signature does; both are refused.
  std::string tampered = pem;
  size_t at = tampered.size() / 2;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  CHECK_THROWS_AS(parse_certificate_request(tampered), Error);
}

TEST_CASE("claims URIs round-trip and malformed ones name what is missing") {
  DeviceClaims claims{"abc", DeviceRole::VillageLeader, "640323.101.200"};
  CHECK(claims_uri(claims) == "doorstep:device=abc;role=village-leader;scope=640323.101.200");
  auto back = parse_claims_uri(claims_uri(claims));
  CHECK(back.device_id == "abc");
  CHECK(back.role == DeviceRole::VillageLeader);
  CHECK(back.scope == "640323.101.200");
  CHECK_THROWS_WITH_AS(parse_claims_uri("doorstep:device=abc;role=grid-worker"),
                       doctest::Contains("lacks device, role or scope"), Error);
  CHECK_THROWS_WITH_AS(parse_claims_uri("doorstep:device=a;role=king;scope=6"),
                       doctest::Contains("unknown role 'king'"), Error);
  CHECK_THROWS_AS(parse_role("admin"), Error);
}
