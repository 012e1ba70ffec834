// SHA-256 hashing and hex encoding: the digests that identify changes and replica states.
//
// Sha256 is an incremental hasher over an OpenSSL EVP_MD_CTX it owns; sha256() hashes one
// buffer. Both throw doorstep::Error (OpenSSL domain) only if OpenSSL itself fails, which
// means memory is exhausted.
//
// Thread-safety: a Sha256 object is used by one thread at a time; the free functions are
// safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace doorstep::crypto {

using Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Ends the hash; the object must not be updated afterwards.
  Digest finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

Digest sha256(const void* data, size_t size);
inline Digest sha256(std::string_view text) {
  return sha256(text.data(), text.size());
}

// Lower-case hex of `size` bytes.
std::string to_hex(const uint8_t* data, size_t size);
inline std::string to_hex(const Digest& digest) {
  return to_hex(digest.data(), digest.size());
}
inline std::string to_hex(const std::vector<uint8_t>& bytes) {
  return to_hex(bytes.data(), bytes.size());
}
// Parses hex (either case); throws Error(InvalidArgument) naming the offset of a bad digit.
std::vector<uint8_t> from_hex(std::string_view hex);

// `size` bytes from OpenSSL's CSPRNG.
std::vector<uint8_t> random_bytes(size_t size);

}  // namespace doorstep::crypto
