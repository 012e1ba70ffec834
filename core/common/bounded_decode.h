// Bounded decoding: the one way Doorstep turns outside bytes (JSON texts, CBOR frames) into
// nlohmann::json values. Every decoder that takes input from a file, a peer, a request or a
// C ABI argument goes through parse_json_bounded() or parse_cbor_bounded(), never through
// nlohmann's own parse()/from_cbor().
//
// Why: nlohmann builds any depth it is given and its CBOR reader, dump(), copies and
// comparisons recurse once per level, so one value nested 100,000 levels deep overflows the
// stack of whoever touches it. Here the limits are checked before anything is built or
// recursed into: a container is refused when it would open one level past max_depth, a CBOR
// length is compared with the bytes that remain before anything is reserved, and the whole
// input, each string and each container have a size limit. A refused input costs at most
// one pass over its bytes.
//
// Limits are explicit at every call site (DecodeLimits, with named presets for the common
// shapes). Errors name what was decoded (the caller's `what`: "op value", "context_json",
// "message frame"), the problem and the byte offset where it was found, and contain only
// printable ASCII of their own making, so they can be echoed into a JSON error body.
//
// Thread-safety: pure functions. Failure: throw DecodeError (a doorstep::Error with the code
// the caller chose); nothing else escapes except std::bad_alloc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/common/error.h"

namespace doorstep {

struct DecodeLimits {
  size_t max_depth = 64;         // containers inside containers (the outermost is level 1)
  size_t max_bytes = 1u << 20;   // the whole input
  size_t max_string = 1u << 20;  // one string, key or byte string, in bytes
  size_t max_items = 1u << 20;   // members of one array or object
  size_t max_values = 1u << 22;  // values in the whole input, containers included
};

// Small JSON arguments: contexts, options, settings, enrollment requests (1 MiB).
inline constexpr DecodeLimits kSmallJsonLimits{};
// Documents: answers, a household's fields, county files (16 MiB).
inline constexpr DecodeLimits kDocumentJsonLimits{.max_depth = 64,
                                                  .max_bytes = 16u << 20,
                                                  .max_string = 16u << 20,
                                                  .max_items = 1u << 20,
                                                  .max_values = 1u << 22};
// Form definitions (16 MiB). Groups nest two JSON levels per group level ("children" arrays
// of items), so forms get room for the loader's own limit of 64 group levels and no more.
inline constexpr DecodeLimits kFormJsonLimits{.max_depth = 160,
                                              .max_bytes = 16u << 20,
                                              .max_string = 16u << 20,
                                              .max_items = 1u << 20,
                                              .max_values = 1u << 22};

// A refused input: the offset is a byte offset into what the caller passed.
class DecodeError : public Error {
 public:
  DecodeError(ErrorCode code, std::string_view what, size_t offset, std::string problem);
  size_t offset() const noexcept { return offset_; }
  // The problem alone, without `what` and the offset ("nested deeper than 64 levels").
  const std::string& problem() const noexcept { return problem_; }

 private:
  size_t offset_;
  std::string problem_;
};

// Parses one JSON text (RFC 8259, UTF-8; nothing but white space after the value). A
// duplicate object key keeps its last value, as nlohmann does. Throws DecodeError(code)
// "WHAT is not valid JSON: ... (at byte N)" or "WHAT is nested deeper than 64 levels
// (at byte N)".
nlohmann::json parse_json_bounded(std::string_view text, const DecodeLimits& limits,
                                  std::string_view what,
                                  ErrorCode code = ErrorCode::InvalidArgument);

// Decodes one CBOR item (RFC 8949) that fills `size` bytes exactly, as nlohmann's
// to_cbor() writes them: definite lengths only, text-string map keys, no tags, no
// duplicate keys, well-formed UTF-8 in text strings. Byte strings become json::binary,
// unsigned integers number_unsigned, negative ones number_integer, floats (half, single,
// double) number_float. Throws DecodeError(code) "WHAT is not CBOR: ... (at byte N)" or
// naming the limit that was exceeded.
nlohmann::json parse_cbor_bounded(const uint8_t* data, size_t size, const DecodeLimits& limits,
                                  std::string_view what, ErrorCode code = ErrorCode::Corrupt);

}  // namespace doorstep
