// Key primitives of the sync layer: Ed25519 signing keys, the X25519 encryption key a device
// derives from its signing key, key agreement, HKDF-SHA256 and PEM/DER conversions.
//
// Why a derived X25519 key: a bundle is encrypted to its recipient, and Ed25519 keys cannot
// do key agreement. Rather than convert the Edwards point (OpenSSL has no API for it), each
// device derives a separate X25519 private key from its signing key: Ed25519 signatures are
// deterministic (RFC 8032), so the signature S of the fixed message "doorstep x25519 key v1"
// is a secret only the key holder can compute, and the X25519 private key is
// HKDF-SHA256(ikm = S, salt = "", info = "doorstep x25519 v1", 32 bytes). The device stores
// nothing new, the private signing key never leaves its owner (only a sign function is
// needed), and the X25519 public key is certified by the county next to the signing key
// (certificate extension, see certificate.h). The message is never signed for any other
// purpose: change signatures and bundle headers use their own prefixes.
//
// Every function throws doorstep::Error (domain OpenSSL or InvalidArgument) on failure,
// except ed25519_verify(), which answers false for a bad signature.
// Thread-safety: all functions are safe to call concurrently on different keys.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/crypto/openssl_handles.h"

namespace doorstep::crypto {

inline constexpr size_t kRawKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

PkeyPtr generate_ed25519();
PkeyPtr generate_x25519();
// Keys from their raw 32-byte encodings (RFC 8032 seed / RFC 7748 scalar and u-coordinate).
PkeyPtr ed25519_from_seed(const Bytes& seed);
PkeyPtr ed25519_public_from_raw(const Bytes& raw);
PkeyPtr x25519_from_private_raw(const Bytes& raw);
PkeyPtr x25519_public_from_raw(const Bytes& raw);

Bytes raw_public_key(const EVP_PKEY* key);
Bytes raw_private_key(const EVP_PKEY* key);

// Something that signs with a device's Ed25519 key (the key itself may stay hidden).
using SignFunction = std::function<Bytes(const unsigned char* data, size_t size)>;
// A SignFunction over an OpenSSL key; `key` must outlive the function.
SignFunction signer_for(const EVP_PKEY* key);

// The device's X25519 key, derived from its Ed25519 signing key as described above.
PkeyPtr derive_x25519(const SignFunction& sign);
inline PkeyPtr derive_x25519(const EVP_PKEY* ed25519_private) {
  return derive_x25519(signer_for(ed25519_private));
}

Bytes ed25519_sign(const EVP_PKEY* key, const unsigned char* data, size_t size);
inline Bytes ed25519_sign(const EVP_PKEY* key, const Bytes& data) {
  return ed25519_sign(key, data.data(), data.size());
}
bool ed25519_verify(const EVP_PKEY* key, const unsigned char* data, size_t size,
                    const unsigned char* signature, size_t signature_size);

// X25519(private, peer public): the 32-byte shared secret. Throws if the result is all
// zeroes (a low-order peer key).
Bytes x25519_agree(const EVP_PKEY* private_key, const EVP_PKEY* peer_public);

Bytes hkdf_sha256(const Bytes& ikm, const Bytes& salt, std::string_view info, size_t length);

// PEM "PRIVATE KEY" (PKCS#8) in and out; "PUBLIC KEY" (SPKI) in and out.
std::string private_key_to_pem(const EVP_PKEY* key);
PkeyPtr private_key_from_pem(std::string_view pem);
std::string public_key_to_pem(const EVP_PKEY* key);

}  // namespace doorstep::crypto
