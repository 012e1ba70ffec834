// Fuzz target: wire frames. Input: one frame as an HTTP body or a bundle chunk carries it
// (format byte, CBOR or zstd CBOR). It is decoded as a protocol message and, as the server's
// POST /v1/sync reads it, as a sync frame whose "push" and "pull" members are messages. A
// message that decodes must survive encode -> decode unchanged.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/common/error.h"
#include "core/sync/messages.h"
#include "core/sync/wire.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> frame(data, data + size);
  try {
    sync::Message message = sync::decode_message(frame);
    nlohmann::json once = sync::message_to_json(message);
    nlohmann::json twice =
        sync::message_to_json(sync::decode_message(sync::encode_message(message)));
    if (once != twice) __builtin_trap();
  } catch (const Error&) {
  }
  try {
    nlohmann::json sync_frame = sync::decode_frame(frame);
    if (sync_frame.is_object()) {
      for (const char* member : {"push", "pull", "ack", "page"}) {
        auto it = sync_frame.find(member);
        if (it == sync_frame.end() || !it->is_object()) continue;
        try {
          sync::message_from_json(*it);
        } catch (const Error&) {
        }
      }
    }
  } catch (const Error&) {
  }
  return 0;
}
