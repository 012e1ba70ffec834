// Ed25519 / X25519 keys, agreement and HKDF through OpenSSL 3's EVP interfaces.
#include "core/crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>

#include <algorithm>

namespace doorstep::crypto {
namespace {

PkeyPtr generate(int type, const char* what) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    throw_openssl(std::string("cannot generate an ") + what + " key");
  return PkeyPtr(raw);
}

void require_size(const Bytes& raw, const char* what) {
  if (raw.size() != kRawKeySize)
    throw Error(ErrorCode::InvalidArgument,
                std::string(what) + " must be 32 bytes, got " + std::to_string(raw.size()));
}

}  // namespace

PkeyPtr generate_ed25519() {
  return generate(EVP_PKEY_ED25519, "Ed25519");
}
PkeyPtr generate_x25519() {
  return generate(EVP_PKEY_X25519, "X25519");
}

PkeyPtr ed25519_from_seed(const Bytes& seed) {
  require_size(seed, "an Ed25519 seed");
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!key) throw_openssl("cannot load an Ed25519 private key");
  return key;
}

PkeyPtr ed25519_public_from_raw(const Bytes& raw) {
  require_size(raw, "an Ed25519 public key");
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
  if (!key) throw_openssl("cannot load an Ed25519 public key");
  return key;
}

PkeyPtr x25519_from_private_raw(const Bytes& raw) {
  require_size(raw, "an X25519 private key");
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size()));
  if (!key) throw_openssl("cannot load an X25519 private key");
  return key;
}

PkeyPtr x25519_public_from_raw(const Bytes& raw) {
  require_size(raw, "an X25519 public key");
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size()));
  if (!key) throw_openssl("cannot load an X25519 public key");
  return key;
}

Bytes raw_public_key(const EVP_PKEY* key) {
  size_t size = 0;
  if (EVP_PKEY_get_raw_public_key(key, nullptr, &size) != 1) throw_openssl("not a raw key");
  Bytes out(size);
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &size) != 1) throw_openssl("not a raw key");
  return out;
}

Bytes raw_private_key(const EVP_PKEY* key) {
  size_t size = 0;
  if (EVP_PKEY_get_raw_private_key(key, nullptr, &size) != 1)
    throw_openssl("not a raw private key");
  Bytes out(size);
  if (EVP_PKEY_get_raw_private_key(key, out.data(), &size) != 1)
    throw_openssl("not a raw private key");
  return out;
}

SignFunction signer_for(const EVP_PKEY* key) {
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
    throw Error(ErrorCode::InvalidArgument, "a signer needs an Ed25519 private key");
  return [key](const unsigned char* data, size_t size) { return ed25519_sign(key, data, size); };
}

PkeyPtr derive_x25519(const SignFunction& sign) {
  static constexpr std::string_view kMessage = "doorstep x25519 key v1";
  Bytes secret = sign(reinterpret_cast<const unsigned char*>(kMessage.data()), kMessage.size());
  Bytes scalar = hkdf_sha256(secret, {}, "doorstep x25519 v1", kRawKeySize);
  std::fill(secret.begin(), secret.end(), 0);
  PkeyPtr key = x25519_from_private_raw(scalar);
  std::fill(scalar.begin(), scalar.end(), 0);
  return key;
}

Bytes ed25519_sign(const EVP_PKEY* key, const unsigned char* data, size_t size) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes signature(kEd25519SignatureSize);
  size_t length = signature.size();
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, const_cast<EVP_PKEY*>(key)) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &length, data, size) != 1)
    throw_openssl("Ed25519 signing failed");
  signature.resize(length);
  return signature;
}

bool ed25519_verify(const EVP_PKEY* key, const unsigned char* data, size_t size,
                    const unsigned char* signature, size_t signature_size) {
  if (signature_size != kEd25519SignatureSize) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, const_cast<EVP_PKEY*>(key)) != 1)
    throw_openssl("cannot start an Ed25519 verification");
  bool ok = EVP_DigestVerify(ctx.get(), signature, signature_size, data, size) == 1;
  if (!ok) clear_openssl_errors();
  return ok;
}

Bytes x25519_agree(const EVP_PKEY* private_key, const EVP_PKEY* peer_public) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(const_cast<EVP_PKEY*>(private_key), nullptr));
  size_t size = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), const_cast<EVP_PKEY*>(peer_public)) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &size) != 1)
    throw_openssl("X25519 key agreement failed");
  Bytes secret(size);
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &size) != 1)
    throw_openssl("X25519 key agreement failed");
  secret.resize(size);
  if (std::all_of(secret.begin(), secret.end(), [](unsigned char b) { return b == 0; }))
    throw Error(ErrorCode::BadSignature, "X25519 key agreement gave the zero secret");
  return secret;
}

Bytes hkdf_sha256(const Bytes& ikm, const Bytes& salt, std::string_view info, size_t length) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  Bytes out(length);
  static const unsigned char kEmpty = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), salt.empty() ? &kEmpty : salt.data(),
                                  static_cast<int>(salt.size())) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), ikm.data(), static_cast<int>(ikm.size())) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(info.data()),
                                  static_cast<int>(info.size())) != 1 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &length) != 1)
    throw_openssl("HKDF-SHA256 failed");
  return out;
}

std::string private_key_to_pem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw_openssl("cannot write a private key");
  return memory_contents(bio.get());
}

PkeyPtr private_key_from_pem(std::string_view pem) {
  BioPtr bio = memory_reader(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw_openssl("cannot read a PEM private key");
  return key;
}

std::string public_key_to_pem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) throw_openssl("cannot write a public key");
  return memory_contents(bio.get());
}

}  // namespace doorstep::crypto
