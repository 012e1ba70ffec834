// Device keys: Ed25519 signatures, and the private key kept only in encrypted form.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/crypto/device_key.h"
#include "core/crypto/hash.h"

using doorstep::crypto::DeviceKey;

TEST_CASE("a signature verifies with its key and fails for other messages or keys") {
  DeviceKey key = DeviceKey::generate();
  DeviceKey other = DeviceKey::generate();
  std::string message = "household 1: income 4000";
  auto signature = key.sign(message.data(), message.size());
  CHECK(DeviceKey::verify(key.public_key(), message.data(), message.size(), signature));
  std::string altered = "household 1: income 4001";
  CHECK_FALSE(DeviceKey::verify(key.public_key(), altered.data(), altered.size(), signature));
  CHECK_FALSE(DeviceKey::verify(other.public_key(), message.data(), message.size(), signature));
  signature[63] ^= 1;
  CHECK_FALSE(DeviceKey::verify(key.public_key(), message.data(), message.size(), signature));
}

TEST_CASE("the private key is stored encrypted and needs the right secret") {
  DeviceKey key = DeviceKey::generate();
  std::string pem = key.to_encrypted_pem("correct horse");
  CHECK(pem.find("ENCRYPTED PRIVATE KEY") != std::string::npos);
  DeviceKey loaded = DeviceKey::from_encrypted_pem(pem, "correct horse");
  CHECK(loaded.public_key() == key.public_key());
  CHECK(loaded.device_id() == key.device_id());
  CHECK_THROWS_AS(DeviceKey::from_encrypted_pem(pem, "wrong"), doorstep::Error);
  CHECK_THROWS_AS(DeviceKey::from_encrypted_pem("garbage", "correct horse"), doorstep::Error);
}

TEST_CASE("a device id is 16 hex digits derived from the public key") {
  DeviceKey key = DeviceKey::generate();
  std::string id = key.device_id();
  CHECK(id.size() == 16);
  auto digest = doorstep::crypto::sha256(key.public_key().data(), key.public_key().size());
  CHECK(id == doorstep::crypto::to_hex(digest.data(), 8));
}

TEST_CASE("sha256 matches the FIPS 180-2 test vector and hex round-trips") {
  CHECK(doorstep::crypto::to_hex(doorstep::crypto::sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto bytes = doorstep::crypto::from_hex("00ff10Ab");
  CHECK(doorstep::crypto::to_hex(bytes) == "00ff10ab");
  CHECK_THROWS_WITH_AS(doorstep::crypto::from_hex("0g"), doctest::Contains("offset 1"),
                       doorstep::Error);
}
