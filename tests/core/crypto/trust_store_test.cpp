// The trust decision for a device certificate: chain to the county CA and not revoked.
#include "core/crypto/trust_store.h"

#include <doctest/doctest.h>

#include "tests/core/crypto/crypto_fixtures.h"

using namespace doorstep;
using namespace doorstep::crypto;
using namespace doorstep::crypto::testing;

TEST_CASE("a certificate issued by the county CA verifies and yields its claims") {
  auto ca = make_ca();
  auto device = enroll(ca, "dev-1", DeviceRole::GridWorker, "640323.101.200.07", 2);
  TrustStore trust(ca.certificate());
  auto claims = trust.verify(device.cert);
  CHECK(claims.device_id == "dev-1");
  CHECK(claims.scope == "640323.101.200.07");
}

TEST_CASE("a certificate from another county's CA is not trusted") {
  auto ours = make_ca("640323");
  auto theirs = make_ca("640422");
  auto stranger = enroll(theirs, "dev-x", DeviceRole::County, "640323", 2);
  TrustStore trust(ours.certificate());
  CHECK_THROWS_WITH_AS(trust.verify(stranger.cert),
                       doctest::Contains("not issued by the county CA"), Error);
}

TEST_CASE("a revoked certificate is refused, by serial or by device id") {
  auto ca = make_ca();
  auto a = enroll(ca, "dev-a", DeviceRole::GridWorker, "640323.101.200.07", 2);
  auto b = enroll(ca, "dev-b", DeviceRole::GridWorker, "640323.101.200.08", 3);
  TrustStore trust(ca.certificate());
  trust.revoke_serial(a.cert.serial());
  trust.revoke_device("dev-b");
  CHECK_THROWS_WITH_AS(trust.verify(a.cert), doctest::Contains("is revoked"), Error);
  CHECK_THROWS_WITH_AS(trust.verify(b.cert), doctest::Contains("is revoked"), Error);
  auto c = enroll(ca, "dev-c", DeviceRole::GridWorker, "640323.101.200.09", 4);
  CHECK_NOTHROW(trust.verify(c.cert));
}

TEST_CASE("the CA certificate itself is not accepted as a device") {
  auto ca = make_ca();
  TrustStore trust(ca.certificate());
  CHECK_THROWS_AS(trust.verify(ca.certificate()), Error);
}

TEST_CASE("a revocation list signed by the county CA revokes; a forged or older one does not") {
  auto ca = make_ca();
  auto a = enroll(ca, "dev-a", DeviceRole::GridWorker, "640323.101.200.07", 2);
  auto b = enroll(ca, "dev-b", DeviceRole::GridWorker, "640323.101.200.08", 3);
  auto list = make_revocation_list(ca, {{a.cert.serial(), kNow}}, 1, kNow);
  auto parsed = parse_revocation_list(list.der, ca.certificate());
  CHECK(parsed.number == 1);
  REQUIRE(parsed.revoked.size() == 1);
  CHECK(parsed.revoked[0].serial == a.cert.serial());
  CHECK(parsed.revoked[0].revoked_at == kNow);

  TrustStore trust(ca.certificate());
  CHECK(trust.apply(parsed));
  CHECK_THROWS_WITH_AS(trust.verify(a.cert), doctest::Contains("revoked"), Error);
  CHECK_NOTHROW(trust.verify(b.cert));
  CHECK_FALSE(trust.apply(parsed));  // not newer

  auto other = make_ca();
  auto forged = make_revocation_list(other, {{b.cert.serial(), kNow}}, 9, kNow);
  CHECK_THROWS_WITH_AS(parse_revocation_list(forged.der, ca.certificate()),
                       doctest::Contains("not signed by the county CA"), Error);
  Bytes garbage(list.der.begin(), list.der.begin() + 10);
  CHECK_THROWS_AS(parse_revocation_list(garbage, ca.certificate()), Error);
}
