// CBOR + zstd frames.
#include "core/sync/wire.h"

#include <zstd.h>

#include "core/common/error.h"

namespace doorstep::sync {
namespace {

constexpr uint8_t kCbor = 0x00;
constexpr uint8_t kZstdCbor = 0x01;

}  // namespace

std::vector<uint8_t> encode_frame(const nlohmann::json& message, int zstd_level) {
  std::vector<uint8_t> cbor = nlohmann::json::to_cbor(message);
  std::vector<uint8_t> frame;
  if (cbor.size() > 64) {
    size_t bound = ZSTD_compressBound(cbor.size());
    frame.resize(1 + bound);
    size_t size = ZSTD_compress(frame.data() + 1, bound, cbor.data(), cbor.size(), zstd_level);
    if (ZSTD_isError(size))
      throw Error(ErrorCode::Internal,
                  std::string("zstd compression failed: ") + ZSTD_getErrorName(size));
    if (size < cbor.size()) {
      frame[0] = kZstdCbor;
      frame.resize(1 + size);
      return frame;
    }
  }
  frame.clear();
  frame.reserve(1 + cbor.size());
  frame.push_back(kCbor);
  frame.insert(frame.end(), cbor.begin(), cbor.end());
  return frame;
}

nlohmann::json decode_frame(const uint8_t* data, size_t size) {
  if (size == 0) throw Error(ErrorCode::Corrupt, "empty message frame (byte 0)");
  std::vector<uint8_t> decompressed;
  const uint8_t* cbor = data + 1;
  size_t cbor_size = size - 1;
  if (data[0] == kZstdCbor) {
    unsigned long long content = ZSTD_getFrameContentSize(data + 1, size - 1);
    if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN)
      throw Error(ErrorCode::Corrupt, "message frame: bad zstd header at byte 1");
    if (content > kMaxFrameContent)
      throw Error(ErrorCode::Corrupt, "message frame: content of " + std::to_string(content) +
                                          " bytes exceeds the limit (byte 1)");
    decompressed.resize(static_cast<size_t>(content));
    size_t got = ZSTD_decompress(decompressed.data(), decompressed.size(), data + 1, size - 1);
    if (ZSTD_isError(got) || got != content)
      throw Error(ErrorCode::Corrupt, std::string("message frame: zstd data is damaged (") +
                                          (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short") +
                                          ")");
    cbor = decompressed.data();
    cbor_size = decompressed.size();
  } else if (data[0] != kCbor) {
    throw Error(ErrorCode::Corrupt,
                "message frame: unknown format byte " + std::to_string(data[0]) + " at byte 0");
  }
  if (data[0] == kCbor) {
    try {
      return parse_cbor_bounded(cbor, cbor_size, kFrameLimits, "message frame");
    } catch (const DecodeError& e) {
      throw DecodeError(ErrorCode::Corrupt, "message frame", e.offset() + 1, e.problem());
    }
  }
  return parse_cbor_bounded(cbor, cbor_size, kFrameLimits, "message frame (decompressed)");
}

}  // namespace doorstep::sync
