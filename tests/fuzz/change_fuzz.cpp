// Fuzz target: signed changes. Input: a change's wire bytes (canonical layout + signature),
// as they arrive in a push, a page or a bundle. decode() parses and validates them (names,
// kinds, canonical JSON values); the signature is checked against the fixed sender's key;
// a change that decodes must re-encode to the same bytes and have a JSON form.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/sync/change.h"
#include "tests/fuzz/fixed_county.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::FixedCounty county;
  static const crypto::PublicKey sender_key =
      fuzz::FixedCounty::public_key(county.sender_key.get());
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    sync::SignedChange change = sync::decode(bytes);
    if (sync::encode(change) != bytes) __builtin_trap();
    sync::signature_valid(change, sender_key);
    sync::to_json(change).dump();
  } catch (const Error&) {
  }
  if (size >= 64) {
    try {
      sync::decode_change(bytes.substr(0, size - 64));
    } catch (const Error&) {
    }
  }
  return 0;
}
