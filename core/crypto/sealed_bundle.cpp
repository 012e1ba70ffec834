// Sealed bundle framing: header, signature, STREAM-style AES-256-GCM chunks.
#include "core/crypto/sealed_bundle.h"

#include <openssl/rand.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "core/common/bounded_decode.h"
#include "core/crypto/keys.h"

namespace doorstep::crypto {
namespace {

constexpr unsigned char kMagic[8] = {'D', 'S', 'B', 'N', 'D', 'L', 0x00, 0x01};
constexpr std::string_view kHeaderContext = "doorstep bundle header v1";
constexpr std::string_view kKeyInfo = "doorstep bundle v1 aes-256-gcm";
constexpr size_t kTagSize = 16;
constexpr size_t kIdSize = 16;
constexpr uint32_t kFinalBit = 0x80000000u;
constexpr size_t kMaxHeader = 1 << 20;
// The header is one flat map of five members.
constexpr DecodeLimits kHeaderLimits{.max_depth = 4,
                                     .max_bytes = kMaxHeader,
                                     .max_string = kMaxHeader,
                                     .max_items = 64,
                                     .max_values = 256};

void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void put_u64(Bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<unsigned char>((v >> shift) & 0xff));
}
uint32_t get_u32(const std::string& in, size_t offset) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[offset + i]);
  return v;
}

Bytes chunk_nonce(uint64_t index) {
  Bytes nonce(4, 0);
  put_u64(nonce, index);
  return nonce;
}

Bytes chunk_aad(const Bytes& th, uint64_t index, bool final) {
  Bytes aad = th;
  put_u64(aad, index);
  aad.push_back(final ? 1 : 0);
  return aad;
}

Bytes header_signed_bytes(std::string_view header) {
  Bytes data(kHeaderContext.size() + header.size());
  std::memcpy(data.data(), kHeaderContext.data(), kHeaderContext.size());
  if (!header.empty())
    std::memcpy(data.data() + kHeaderContext.size(), header.data(), header.size());
  return data;
}

Bytes random_bytes(size_t size) {
  Bytes out(size);
  if (RAND_bytes(out.data(), static_cast<int>(size)) != 1) throw_openssl("no random bytes");
  return out;
}

Bytes derive_key(const Bytes& shared, const Bytes& th) {
  return hkdf_sha256(shared, th, kKeyInfo, 32);
}

}  // namespace

bool looks_like_bundle(std::string_view bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

SealedBundleWriter::SealedBundleWriter(const Certificate& sender,
                                       const SignFunction& sign_as_sender,
                                       const Certificate& recipient, PkeyPtr ephemeral,
                                       std::optional<Bytes> bundle_id) {
  if (!ephemeral) ephemeral = generate_x25519();
  id_ = bundle_id ? *bundle_id : random_bytes(kIdSize);
  PkeyPtr recipient_key = x25519_public_from_raw(recipient.encryption_key());
  nlohmann::json header = {{"v", 1},
                           {"sender", nlohmann::json::binary(sender.der())},
                           {"recipient", nlohmann::json::binary(sha256_bytes(recipient.der()))},
                           {"epk", nlohmann::json::binary(raw_public_key(ephemeral.get()))},
                           {"id", nlohmann::json::binary(id_)}};
  std::vector<uint8_t> cbor = nlohmann::json::to_cbor(header);
  std::string header_bytes(cbor.begin(), cbor.end());
  Bytes signed_bytes = header_signed_bytes(header_bytes);
  Bytes signature = sign_as_sender(signed_bytes.data(), signed_bytes.size());
  if (signature.size() != kEd25519SignatureSize)
    throw Error(ErrorCode::Internal, "the sender's signature is not 64 bytes");
  out_.append(reinterpret_cast<const char*>(kMagic), sizeof kMagic);
  put_u32(out_, static_cast<uint32_t>(header_bytes.size()));
  out_ += header_bytes;
  out_.append(signature.begin(), signature.end());
  transcript_hash_ = sha256_bytes(out_);
  key_ = derive_key(x25519_agree(ephemeral.get(), recipient_key.get()), transcript_hash_);
}

void SealedBundleWriter::add_chunk(const Bytes& plaintext, bool final) {
  if (finished_) throw Error(ErrorCode::Internal, "a chunk after the final chunk of a bundle");
  if (plaintext.size() + kTagSize > kMaxChunkSize)
    throw Error(ErrorCode::InvalidArgument, "a bundle chunk of " +
                                                std::to_string(plaintext.size()) +
                                                " bytes exceeds the 16 MiB limit");
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes nonce = chunk_nonce(index_);
  Bytes aad = chunk_aad(transcript_hash_, index_, final);
  Bytes ciphertext(plaintext.size() + kTagSize);
  int length = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, aad.data(), static_cast<int>(aad.size())) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), ciphertext.data(), &length, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ciphertext.data() + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                          ciphertext.data() + plaintext.size()) != 1)
    throw_openssl("AES-256-GCM encryption failed");
  put_u32(out_, static_cast<uint32_t>(ciphertext.size()) | (final ? kFinalBit : 0));
  out_.append(ciphertext.begin(), ciphertext.end());
  ++index_;
  finished_ = final;
}

SealedBundleReader::SealedBundleReader(std::string file, const Certificate& recipient,
                                       const EVP_PKEY* recipient_x25519_private)
    : file_(std::move(file)) {
  if (!looks_like_bundle(file_))
    throw Error(ErrorCode::Corrupt, "not a Doorstep bundle (bad magic at byte 0)");
  if (file_.size() < sizeof kMagic + 4)
    throw Error(ErrorCode::Corrupt, "bundle truncated inside its header (byte 8)");
  uint32_t header_len = get_u32(file_, sizeof kMagic);
  size_t header_start = sizeof kMagic + 4;
  if (header_len > kMaxHeader || file_.size() < header_start + header_len + kEd25519SignatureSize)
    throw Error(ErrorCode::Corrupt, "bundle truncated or malformed inside its header (byte " +
                                        std::to_string(header_start) + ")");
  std::string_view header_bytes(file_.data() + header_start, header_len);
  nlohmann::json header;
  try {
    header = parse_cbor_bounded(reinterpret_cast<const uint8_t*>(header_bytes.data()),
                                header_bytes.size(), kHeaderLimits, "bundle header");
  } catch (const DecodeError& e) {
    throw DecodeError(ErrorCode::Corrupt, "bundle header", header_start + e.offset(), e.problem());
  }
  auto binary = [&](const char* field, size_t size) -> Bytes {
    if (!header.is_object() || !header.contains(field) || !header[field].is_binary() ||
        (size != 0 && header[field].get_binary().size() != size))
      throw Error(ErrorCode::Corrupt,
                  std::string("bundle header field '") + field + "' is missing or malformed");
    const auto& b = header[field].get_binary();
    return Bytes(b.begin(), b.end());
  };
  if (!header.is_object() || !header.contains("v") || header["v"] != 1)
    throw Error(ErrorCode::UnsupportedVersion, "bundle header version is not 1");
  Bytes recipient_hash = binary("recipient", 32);
  if (recipient_hash != sha256_bytes(recipient.der()))
    throw Error(ErrorCode::Unauthorized,
                "this bundle is addressed to another recipient (certificate " +
                    hex_of(recipient_hash).substr(0, 16) + "..., not ours " +
                    recipient.fingerprint().substr(0, 16) + "...); it cannot be read here");
  sender_ = Certificate::from_der(binary("sender", 0));
  Bytes epk = binary("epk", 32);
  id_ = binary("id", kIdSize);
  size_t signature_at = header_start + header_len;
  PkeyPtr sender_key = sender_->signing_key();
  Bytes signed_bytes = header_signed_bytes(header_bytes);
  if (!ed25519_verify(sender_key.get(), signed_bytes.data(), signed_bytes.size(),
                      reinterpret_cast<const unsigned char*>(file_.data() + signature_at),
                      kEd25519SignatureSize))
    throw Error(ErrorCode::BadSignature, "the bundle header's signature (byte " +
                                             std::to_string(signature_at) +
                                             ") does not verify against its sender certificate");
  offset_ = signature_at + kEd25519SignatureSize;
  transcript_hash_ = sha256_bytes(reinterpret_cast<const unsigned char*>(file_.data()), offset_);
  PkeyPtr peer = x25519_public_from_raw(epk);
  key_ = derive_key(x25519_agree(recipient_x25519_private, peer.get()), transcript_hash_);
}

std::optional<Bytes> SealedBundleReader::next_chunk() {
  if (end_ != BundleEnd::More) return std::nullopt;
  if (offset_ == file_.size()) {
    end_ = BundleEnd::Truncated;
    problem_ = "the bundle ends at byte " + std::to_string(offset_) + " after " +
               std::to_string(index_) + " chunk(s), before its final chunk";
    return std::nullopt;
  }
  if (file_.size() - offset_ < 4) {
    end_ = BundleEnd::Truncated;
    problem_ = "the bundle is cut inside the length of chunk " + std::to_string(index_) +
               " at byte " + std::to_string(offset_);
    return std::nullopt;
  }
  uint32_t word = get_u32(file_, offset_);
  bool final = (word & kFinalBit) != 0;
  size_t length = word & ~kFinalBit;
  if (length < kTagSize || length > kMaxChunkSize) {
    end_ = BundleEnd::Corrupt;
    problem_ = "chunk " + std::to_string(index_) + " at byte " + std::to_string(offset_) +
               " has an impossible length " + std::to_string(length);
    return std::nullopt;
  }
  if (file_.size() - offset_ - 4 < length) {
    end_ = BundleEnd::Truncated;
    problem_ = "the bundle is cut inside chunk " + std::to_string(index_) + " (starts at byte " +
               std::to_string(offset_) + ", needs " + std::to_string(length + 4) + " bytes, " +
               std::to_string(file_.size() - offset_) + " left)";
    return std::nullopt;
  }
  const auto* ciphertext = reinterpret_cast<const unsigned char*>(file_.data() + offset_ + 4);
  size_t plain_size = length - kTagSize;
  Bytes plaintext(plain_size);
  Bytes nonce = chunk_nonce(index_);
  Bytes aad = chunk_aad(transcript_hash_, index_, final);
  Bytes tag(ciphertext + plain_size, ciphertext + length);
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int out_len = 0;
  bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce.data()) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &out_len, aad.data(), static_cast<int>(aad.size())) ==
          1 &&
      EVP_DecryptUpdate(ctx.get(), plaintext.data(), &out_len, ciphertext,
                        static_cast<int>(plain_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + out_len, &out_len) == 1;
  if (!ok) {
    clear_openssl_errors();
    end_ = BundleEnd::Corrupt;
    problem_ = "chunk " + std::to_string(index_) + " at byte " + std::to_string(offset_) +
               " fails authentication (altered, reordered or not from this sender)";
    return std::nullopt;
  }
  offset_ += 4 + length;
  ++index_;
  if (final) {
    if (offset_ != file_.size()) {
      end_ = BundleEnd::Corrupt;
      problem_ = std::to_string(file_.size() - offset_) +
                 " unexpected byte(s) after the final chunk at byte " + std::to_string(offset_);
    } else {
      end_ = BundleEnd::Complete;
    }
  }
  return plaintext;
}

}  // namespace doorstep::crypto
