// DeviceKey: a device's Ed25519 identity, the key that signs every change the device makes.
//
// A key pair is generated once, at `doorstep init`, and kept only in encrypted form: the
// private key is written as PKCS#8 PEM encrypted with AES-256-CBC under a key derived from a
// device secret by PBKDF2-HMAC-SHA256 (OpenSSL's PBES2). The secret comes from the platform
// (Android Keystore, iOS Keychain) or, for the command-line shell, from a 0600 file beside
// the database (see docs/schema.md, "Device key"). The public half is the device's name in
// the op log: a device id is the first 8 bytes of SHA-256(public key), in hex.
//
// Ownership: a DeviceKey owns its OpenSSL EVP_PKEY; it is movable, not copyable.
// Thread-safety: const methods may be called from several threads at once.
// Failure: throws doorstep::Error — Unauthorized for a wrong secret, Corrupt for a damaged
// key text, OpenSSL-domain errors if OpenSSL fails. verify() never throws on bad input: it
// returns false.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace doorstep::crypto {

using PublicKey = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;

// The device id of a public key: 16 lower-case hex digits.
std::string device_id_of(const PublicKey& key);

class DeviceKey {
 public:
  // A new random key pair.
  static DeviceKey generate();
  // Decrypts a key written by to_encrypted_pem() with the same secret.
  static DeviceKey from_encrypted_pem(const std::string& pem, const std::string& secret);

  DeviceKey(DeviceKey&&) noexcept;
  DeviceKey& operator=(DeviceKey&&) noexcept;
  ~DeviceKey();

  // The private key as encrypted PKCS#8 PEM; `secret` must not be empty.
  std::string to_encrypted_pem(const std::string& secret) const;

  const PublicKey& public_key() const { return public_key_; }
  std::string device_id() const { return device_id_of(public_key_); }

  // An Ed25519 signature of `message`.
  Signature sign(const void* message, size_t size) const;

  // True when `signature` is a valid Ed25519 signature of `message` by `key`.
  static bool verify(const PublicKey& key, const void* message, size_t size,
                     const Signature& signature) noexcept;

 private:
  struct Pkey;
  explicit DeviceKey(std::unique_ptr<Pkey> pkey);
  std::unique_ptr<Pkey> pkey_;
  PublicKey public_key_{};
};

}  // namespace doorstep::crypto
