// Fuzz target: bundle files. Input: a whole bundle file addressed to the fixed recipient
// (tests/fuzz/fixed_county.h, the parts of tests/data/golden.bundle). The reader parses the
// header (bounded CBOR), checks the sender's signature and that the sender chains to the
// fixed county, then reads and decodes each chunk as import_bundle does. Damage must end the
// chunk sequence with a status, never deliver bytes that fail authentication.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/crypto/sealed_bundle.h"
#include "core/sync/messages.h"
#include "tests/fuzz/fixed_county.h"

using namespace doorstep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::FixedCounty county;
  static const crypto::TrustStore trust(county.ca.certificate());
  try {
    crypto::SealedBundleReader reader(std::string(reinterpret_cast<const char*>(data), size),
                                      county.recipient, county.recipient_x25519.get());
    trust.verify(reader.sender());
    while (auto chunk = reader.next_chunk()) {
      try {
        sync::decode_message(*chunk);
      } catch (const Error&) {
      }
    }
    if (reader.end() == crypto::BundleEnd::More) __builtin_trap();
  } catch (const Error&) {
  }
  return 0;
}
