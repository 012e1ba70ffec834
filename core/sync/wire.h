// Wire frames: how one protocol message becomes bytes, the same on HTTP and in a bundle.
//
// A frame is one format byte followed by the payload:
//   0x00  the payload is the message's CBOR encoding (RFC 8949, as nlohmann::json::to_cbor
//         writes it: definite lengths, map keys in sorted order);
//   0x01  the payload is one zstd frame (RFC 8878, with its content size) holding that CBOR.
// The encoder compresses only when that saves bytes. Why zstd: change payloads are
// repetitive JSON-ish text (field names, grid paths, device ids) and zstd gains 3-5x on them
// at level 3 in microseconds; Debian ships it (libzstd).
//
// Decoding is bounded (core/common/bounded_decode.h, kFrameLimits): a frame nested deeper
// than 64 levels, or whose lengths claim more bytes than it holds, is refused before anything
// is built from it.
//
// Failure: decode_frame() throws Error(Corrupt) naming the byte offset for an empty frame, an
// unknown format, a bad zstd frame, a frame that decompresses past kMaxFrameContent, bytes
// that are not CBOR as to_cbor() writes it, or a frame past kFrameLimits. Offsets count from
// the format byte for a plain frame and into the decompressed content for a zstd frame.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/bounded_decode.h"

namespace doorstep::sync {

inline constexpr size_t kMaxFrameContent = 64 * 1024 * 1024;
// Protocol messages nest three levels deep (a sync frame's push holds its changes).
inline constexpr DecodeLimits kFrameLimits{.max_depth = 64,
                                           .max_bytes = kMaxFrameContent,
                                           .max_string = kMaxFrameContent,
                                           .max_items = 1u << 20,
                                           .max_values = 1u << 22};

std::vector<uint8_t> encode_frame(const nlohmann::json& message, int zstd_level = 3);
nlohmann::json decode_frame(const uint8_t* data, size_t size);
inline nlohmann::json decode_frame(const std::vector<uint8_t>& frame) {
  return decode_frame(frame.data(), frame.size());
}

}  // namespace doorstep::sync
