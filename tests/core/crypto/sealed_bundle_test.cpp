// Sealed bundles: only the recipient reads them, every chunk is authenticated, and a
// damaged file gives back exactly its intact prefix.
#include "core/crypto/sealed_bundle.h"

#include <doctest/doctest.h>

#include "core/crypto/keys.h"
#include "tests/core/crypto/crypto_fixtures.h"

using namespace doorstep;
using namespace doorstep::crypto;
using namespace doorstep::crypto::testing;

namespace {

struct Pair {
  CertificateAuthority ca = make_ca();
  TestDevice sender = enroll(ca, "sender", DeviceRole::GridWorker, "640323.101.200.07", 2);
  TestDevice recipient = enroll(ca, "recipient", DeviceRole::County, "640323", 3);
};

Bytes chunk_text(int i) {
  std::string text =
      "chunk number " + std::to_string(i) + std::string(static_cast<size_t>(i) * 37, 'x');
  return Bytes(text.begin(), text.end());
}

std::string seal(const Pair& p, int chunks) {
  SealedBundleWriter writer(p.sender.cert, signer_for(p.sender.key.get()), p.recipient.cert);
  for (int i = 0; i < chunks; ++i) writer.add_chunk(chunk_text(i), i + 1 == chunks);
  return writer.bytes();
}

std::vector<Bytes> read_all(const Pair& p, const std::string& file, BundleEnd& end) {
  PkeyPtr x = derive_x25519(p.recipient.key.get());
  SealedBundleReader reader(file, p.recipient.cert, x.get());
  std::vector<Bytes> out;
  while (auto chunk = reader.next_chunk()) out.push_back(*chunk);
  end = reader.end();
  return out;
}

}  // namespace

TEST_CASE("the recipient reads every chunk of a sealed bundle in order") {
  Pair p;
  std::string file = seal(p, 5);
  BundleEnd end{};
  auto chunks = read_all(p, file, end);
  CHECK(end == BundleEnd::Complete);
  REQUIRE(chunks.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(chunks[static_cast<size_t>(i)] == chunk_text(i));
  PkeyPtr x = derive_x25519(p.recipient.key.get());
  SealedBundleReader reader(file, p.recipient.cert, x.get());
  CHECK(reader.sender().fingerprint() == p.sender.cert.fingerprint());
}

TEST_CASE("a bundle addressed to someone else cannot be read") {
  Pair p;
  auto other = enroll(p.ca, "other", DeviceRole::VillageLeader, "640323.101.200", 9);
  std::string file = seal(p, 2);
  PkeyPtr x = derive_x25519(other.key.get());
  CHECK_THROWS_WITH_AS(SealedBundleReader(file, other.cert, x.get()),
                       doctest::Contains("addressed to another recipient"), Error);
  // Even claiming to be the recipient without its key yields nothing readable.
  SealedBundleReader impostor(file, p.recipient.cert, x.get());
  CHECK_FALSE(impostor.next_chunk().has_value());
  CHECK(impostor.end() == BundleEnd::Corrupt);
}

TEST_CASE("every truncation of a bundle yields exactly the chunks that are whole") {
  Pair p;
  std::string file = seal(p, 4);
  PkeyPtr x = derive_x25519(p.recipient.key.get());
  // The header ends where the first chunk starts; find it by reading the full file.
  size_t header_end = 0;
  {
    for (size_t cut = 0; cut < file.size(); ++cut) {
      try {
        SealedBundleReader reader(file.substr(0, cut), p.recipient.cert, x.get());
        header_end = cut;
        break;
      } catch (const Error&) {
      }
    }
  }
  REQUIRE(header_end > 0);
  std::vector<size_t> chunk_ends;  // byte offsets where each chunk ends
  size_t offset = header_end;
  while (offset < file.size()) {
    uint32_t word =
        (uint32_t(uint8_t(file[offset])) << 24) | (uint32_t(uint8_t(file[offset + 1])) << 16) |
        (uint32_t(uint8_t(file[offset + 2])) << 8) | uint32_t(uint8_t(file[offset + 3]));
    offset += 4 + (word & 0x7fffffffu);
    chunk_ends.push_back(offset);
  }
  REQUIRE(chunk_ends.size() == 4);
  for (size_t cut = header_end; cut < file.size(); ++cut) {
    CAPTURE(cut);
    BundleEnd end{};
    auto chunks = read_all(p, file.substr(0, cut), end);
    size_t whole = 0;
    while (whole < chunk_ends.size() && chunk_ends[whole] <= cut) ++whole;
    CHECK(end == BundleEnd::Truncated);
    CHECK(chunks.size() == whole);
  }
}

TEST_CASE("a flipped bit anywhere in a bundle is detected and nothing after it is delivered") {
  Pair p;
  std::string file = seal(p, 3);
  BundleEnd clean{};
  auto original = read_all(p, file, clean);
  REQUIRE(clean == BundleEnd::Complete);
  for (size_t at = 0; at < file.size(); at += 7) {
    CAPTURE(at);
    std::string bad = file;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    BundleEnd end{};
    std::vector<Bytes> chunks;
    try {
      chunks = read_all(p, bad, end);
    } catch (const Error&) {
      continue;  // header damage: the whole bundle is refused
    }
    CHECK(end != BundleEnd::Complete);
    REQUIRE(chunks.size() < original.size());
    for (size_t i = 0; i < chunks.size(); ++i) CHECK(chunks[i] == original[i]);
  }
}

TEST_CASE("chunks of one bundle cannot be swapped or followed by extra bytes") {
  Pair p;
  std::string file = seal(p, 2);
  BundleEnd end{};
  auto appended = read_all(p, file + "junk", end);
  CHECK(end == BundleEnd::Corrupt);
  CHECK(appended.size() == 2);
}

TEST_CASE("a fixed ephemeral key and id make sealing deterministic") {
  Pair p;
  Bytes eph_raw(32, 7), id(16, 9);
  auto make = [&] {
    SealedBundleWriter writer(p.sender.cert, signer_for(p.sender.key.get()), p.recipient.cert,
                              x25519_from_private_raw(eph_raw), id);
    writer.add_chunk(chunk_text(1), true);
    return writer.bytes();
  };
  CHECK(make() == make());
  CHECK(seal(p, 1) != seal(p, 1));
}
