#include "core/crypto/hash.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/common/error.h"

namespace doorstep::crypto {

struct Sha256::Context {
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx{EVP_MD_CTX_new()};
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  if (!context_->ctx || EVP_DigestInit_ex(context_->ctx.get(), EVP_sha256(), nullptr) != 1)
    throw Error(ErrorDomain::OpenSSL, 0, "SHA-256: cannot initialise a digest context");
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t size) {
  if (size != 0 && EVP_DigestUpdate(context_->ctx.get(), data, size) != 1)
    throw Error(ErrorDomain::OpenSSL, 0, "SHA-256: update failed");
}

Digest Sha256::finish() {
  Digest digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->ctx.get(), digest.data(), &length) != 1 ||
      length != digest.size())
    throw Error(ErrorDomain::OpenSSL, 0, "SHA-256: finish failed");
  return digest;
}

Digest sha256(const void* data, size_t size) {
  Sha256 hasher;
  hasher.update(data, size);
  return hasher.finish();
}

std::string to_hex(const uint8_t* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[data[i] >> 4];
    hex[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return hex;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::vector<uint8_t> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    throw Error(ErrorCode::InvalidArgument,
                "hex text has an odd length (" + std::to_string(hex.size()) + ")");
  std::vector<uint8_t> bytes(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); ++i) {
    int v = hex_value(hex[i]);
    if (v < 0)
      throw Error(ErrorCode::InvalidArgument,
                  "hex text has a bad digit at offset " + std::to_string(i));
    bytes[i / 2] = static_cast<uint8_t>(i % 2 == 0 ? v << 4 : bytes[i / 2] | v);
  }
  return bytes;
}

std::vector<uint8_t> random_bytes(size_t size) {
  std::vector<uint8_t> bytes(size);
  if (size != 0 && RAND_bytes(bytes.data(), static_cast<int>(size)) != 1)
    throw Error(ErrorDomain::OpenSSL, 0, "no random bytes available");
  return bytes;
}

}  // namespace doorstep::crypto
