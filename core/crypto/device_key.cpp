#include "core/crypto/device_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/common/error.h"
#include "core/crypto/hash.h"

namespace doorstep::crypto {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

[[noreturn]] void openssl_failure(const std::string& what) {
  unsigned long code = ERR_get_error();
  char text[256] = "unknown";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  throw Error(ErrorDomain::OpenSSL, static_cast<int>(ERR_GET_REASON(code)),
              "device key: " + what + ": " + text);
}

PublicKey raw_public_key(EVP_PKEY* pkey) {
  PublicKey key{};
  size_t size = key.size();
  if (EVP_PKEY_get_raw_public_key(pkey, key.data(), &size) != 1 || size != key.size())
    openssl_failure("cannot read the public key");
  return key;
}

}  // namespace

struct DeviceKey::Pkey {
  PkeyPtr pkey;
};

std::string device_id_of(const PublicKey& key) {
  Digest digest = sha256(key.data(), key.size());
  return to_hex(digest.data(), 8);
}

DeviceKey::DeviceKey(std::unique_ptr<Pkey> pkey) : pkey_(std::move(pkey)) {
  public_key_ = raw_public_key(pkey_->pkey.get());
}
DeviceKey::DeviceKey(DeviceKey&&) noexcept = default;
DeviceKey& DeviceKey::operator=(DeviceKey&&) noexcept = default;
DeviceKey::~DeviceKey() = default;

DeviceKey DeviceKey::generate() {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    openssl_failure("cannot generate an Ed25519 key");
  auto pkey = std::make_unique<Pkey>();
  pkey->pkey.reset(raw);
  return DeviceKey(std::move(pkey));
}

DeviceKey DeviceKey::from_encrypted_pem(const std::string& pem, const std::string& secret) {
  if (secret.empty()) throw Error(ErrorCode::Unauthorized, "device key: the key secret is empty");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) openssl_failure("cannot read the key text");
  // With a null callback OpenSSL takes the last argument as the NUL-terminated passphrase.
  EVP_PKEY* raw =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(secret.c_str()));
  if (raw == nullptr) {
    ERR_clear_error();
    throw Error(ErrorCode::Unauthorized,
                "device key: cannot decrypt the private key (wrong key secret or damaged key)");
  }
  auto pkey = std::make_unique<Pkey>();
  pkey->pkey.reset(raw);
  if (EVP_PKEY_get_id(raw) != EVP_PKEY_ED25519)
    throw Error(ErrorCode::Corrupt, "device key: the stored key is not an Ed25519 key");
  return DeviceKey(std::move(pkey));
}

std::string DeviceKey::to_encrypted_pem(const std::string& secret) const {
  if (secret.empty())
    throw Error(ErrorCode::InvalidArgument, "device key: the key secret is empty");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey_->pkey.get(), EVP_aes_256_cbc(),
                                            const_cast<char*>(secret.data()),
                                            static_cast<int>(secret.size()), nullptr, nullptr) != 1)
    openssl_failure("cannot encrypt the private key");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Signature DeviceKey::sign(const void* message, size_t size) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  Signature signature{};
  size_t length = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &length,
                     static_cast<const unsigned char*>(message), size) != 1 ||
      length != signature.size())
    openssl_failure("cannot sign");
  return signature;
}

bool DeviceKey::verify(const PublicKey& key, const void* message, size_t size,
                       const Signature& signature) noexcept {
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = pkey && ctx &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                             static_cast<const unsigned char*>(message), size) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace doorstep::crypto
