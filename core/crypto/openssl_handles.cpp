// The shared OpenSSL plumbing: error draining, memory BIOs, SHA-256, hex.
#include "core/crypto/openssl_handles.h"

#include <openssl/err.h>
#include <openssl/sha.h>

namespace doorstep::crypto {

void throw_openssl(const std::string& what) {
  std::string message = what;
  unsigned long code = 0;
  unsigned long first = 0;
  char buffer[256];
  while ((code = ERR_get_error()) != 0) {
    if (first == 0) first = code;
    ERR_error_string_n(code, buffer, sizeof buffer);
    message += ": ";
    message += buffer;
  }
  throw Error(ErrorDomain::OpenSSL, static_cast<int>(ERR_GET_REASON(first)), message);
}

void clear_openssl_errors() noexcept {
  ERR_clear_error();
}

BioPtr memory_reader(std::string_view data) {
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw_openssl("cannot create a memory BIO");
  return bio;
}

std::string memory_contents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(size));
}

Bytes sha256_bytes(const unsigned char* data, size_t size) {
  Bytes digest(SHA256_DIGEST_LENGTH);
  if (EVP_Digest(data, size, digest.data(), nullptr, EVP_sha256(), nullptr) != 1)
    throw_openssl("SHA-256 failed");
  return digest;
}

std::string hex_of(const unsigned char* data, size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0xf]);
  }
  return out;
}

}  // namespace doorstep::crypto
