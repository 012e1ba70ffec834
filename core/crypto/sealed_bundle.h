// Sealed bundles: a byte stream encrypted to one recipient's certificate and signed by its
// sender, cut into independently authenticated chunks so that a truncated file still yields
// its intact prefix.
//
// Layout (all integers big-endian; docs/protocol.md is the normative description):
//   magic      8 bytes  "DSBNDL" 0x00 0x01
//   header_len u32, header  CBOR map {"v":1, "sender": DER certificate,
//                                     "recipient": SHA-256 of the recipient's certificate DER,
//                                     "epk": ephemeral X25519 public key (32),
//                                     "id": bundle id (16 random bytes)}
//   signature  64 bytes  Ed25519 by the sender over "doorstep bundle header v1" || header
//   chunks     u32 word (bit 31 = final chunk, bits 0-30 = ciphertext length incl. the
//              16-byte tag), then the ciphertext.
// Keys: th = SHA-256(magic || header_len || header || signature);
//       key = HKDF-SHA256(ikm = X25519(epk_private, recipient X25519 key), salt = th,
//                         info = "doorstep bundle v1 aes-256-gcm", 32 bytes).
// Chunk i (from 0) is AES-256-GCM with nonce = 0x00000000 || u64(i) and
// AAD = th || u64(i) || u8(final). A chunk cannot be moved, dropped, or marked final
// without failing its tag; the sender's signature binds the ephemeral key, so nobody but the
// sender (and the recipient, who only fools itself) can produce chunks.
//
// Failure: the reader throws Error(Unauthorized) for a bundle addressed to someone else,
// Error(BadSignature) for a header whose signature fails, Error(Corrupt) naming the byte
// offset for a malformed header; chunk-level damage is reported through next_chunk()'s
// status, never by delivering bad bytes.
// Thread-safety: writer and reader objects are single-threaded.
#pragma once

#include <optional>
#include <string>

#include "core/crypto/certificate.h"

namespace doorstep::crypto {

inline constexpr size_t kMaxChunkSize = 16 * 1024 * 1024;

class SealedBundleWriter {
 public:
  // `ephemeral` and `bundle_id` may be given to produce a byte-identical file (golden tests);
  // normally they are fresh random values.
  SealedBundleWriter(const Certificate& sender, const SignFunction& sign_as_sender,
                     const Certificate& recipient, PkeyPtr ephemeral = nullptr,
                     std::optional<Bytes> bundle_id = std::nullopt);
  // Appends one chunk; `final` marks the last one (no chunk may follow).
  void add_chunk(const Bytes& plaintext, bool final);
  // The bytes written so far. After the final chunk this is the whole file.
  const std::string& bytes() const { return out_; }
  const Bytes& bundle_id() const { return id_; }

 private:
  std::string out_;
  Bytes key_;
  Bytes transcript_hash_;
  Bytes id_;
  uint64_t index_ = 0;
  bool finished_ = false;
};

// How reading the chunk sequence ended.
enum class BundleEnd {
  More,       // next_chunk() returned a chunk; call again
  Complete,   // the final chunk was read and nothing follows
  Truncated,  // the file ends before the final chunk
  Corrupt,    // a chunk fails authentication or its framing is wrong
};

class SealedBundleReader {
 public:
  // Parses the header of `file` and checks that it is addressed to `recipient` and signed by
  // the certificate it names. The caller still decides whether it trusts that certificate.
  SealedBundleReader(std::string file, const Certificate& recipient,
                     const EVP_PKEY* recipient_x25519_private);

  const Certificate& sender() const { return *sender_; }
  const Bytes& bundle_id() const { return id_; }

  // The next verified chunk, or nullopt with end() saying why the sequence ended.
  std::optional<Bytes> next_chunk();
  BundleEnd end() const { return end_; }
  // For Truncated and Corrupt: what went wrong and at which byte offset.
  const std::string& problem() const { return problem_; }
  uint64_t chunks_read() const { return index_; }

 private:
  std::string file_;
  size_t offset_ = 0;
  std::optional<Certificate> sender_;
  Bytes key_;
  Bytes transcript_hash_;
  Bytes id_;
  uint64_t index_ = 0;
  BundleEnd end_ = BundleEnd::More;
  std::string problem_;
};

// True if `bytes` starts with the bundle magic.
bool looks_like_bundle(std::string_view bytes);

}  // namespace doorstep::crypto
