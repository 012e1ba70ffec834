// The bundle format is frozen by tests/data/golden.bundle: a bundle built from fixed keys,
// times and content must be byte-identical to it, and it must open to the documented
// messages. A change to the framing, the message encoding, the change encoding or the
// cryptography fails here first (docs/protocol.md describes every byte).
//
// To regenerate after a deliberate, documented format change:
//   DOORSTEP_UPDATE_GOLDEN=1 build/tests/test_core_sync -tc='*golden*'
#include <doctest/doctest.h>

#include <cstdlib>

#include "core/crypto/keys.h"
#include "core/crypto/sealed_bundle.h"
#include "core/sync/change.h"
#include "core/sync/messages.h"
#include "tests/support/test_support.h"

using namespace doorstep;
using namespace doorstep::crypto;
using namespace doorstep::sync;

namespace {

constexpr int64_t kTime = 1780000000;

Bytes fixed(unsigned char byte) {
  return Bytes(32, byte);
}

struct GoldenParts {
  CertificateAuthority ca =
      CertificateAuthority::create("640323", "Yanchi", ed25519_from_seed(fixed(1)), kTime);
  PkeyPtr sender_key = ed25519_from_seed(fixed(2));
  PkeyPtr recipient_key = ed25519_from_seed(fixed(3));
  Certificate sender =
      issue(sender_key.get(), "worker", DeviceRole::GridWorker, "640323.101.200.07", 2);
  Certificate recipient = issue(recipient_key.get(), "county", DeviceRole::County, "640323", 3);

  Certificate issue(const EVP_PKEY* key, const std::string& name, DeviceRole role,
                    const std::string& scope, uint64_t serial) {
    auto request = parse_certificate_request(make_certificate_request(key, name));
    Bytes raw = raw_public_key(key);
    PublicKey pub{};
    std::copy(raw.begin(), raw.end(), pub.begin());
    return ca.issue(request, {device_id_of(pub), role, scope}, serial, kTime);
  }

  std::string sender_id() const { return sender.require_claims().device_id; }

  SignedChange change() const {
    Change c;
    c.origin = sender_id();
    c.seq = 1;
    c.author = "worker";
    c.household = "0123456789abcdef";
    c.grid = "640323.101.200.07";
    Op create;
    create.kind = OpKind::Create;
    create.record_type = "household";
    create.record_id = "0123456789abcdef";
    create.value = canonical_json({{"grid", "640323.101.200.07"}});
    create.time = {kTime * 1000, 0};
    Op name = create;
    name.kind = OpKind::Set;
    name.field = "head_name";
    name.value = canonical_json("王芳");
    name.time = {kTime * 1000, 1};
    c.ops = {create, name};
    SignedChange signed_change;
    signed_change.change = c;
    std::string message = signing_message(c.hash());
    Bytes signature = ed25519_sign(
        sender_key.get(), reinterpret_cast<const unsigned char*>(message.data()), message.size());
    std::copy(signature.begin(), signature.end(), signed_change.signature.begin());
    return signed_change;
  }

  std::string build() {
    SealedBundleWriter writer(sender, signer_for(sender_key.get()), recipient,
                              x25519_from_private_raw(fixed(4)), Bytes(16, 5));
    HelloMessage hello{kProtocolVersion,    sender_id(),    "worker", "grid-worker",
                       "640323.101.200.07", {sender.der()}, {}};
    std::string wire = encode(change());
    PushMessage push{"golden-0", {Blob(wire.begin(), wire.end())}, {sender.der()}, "1"};
    writer.add_chunk(encode_message(hello), false);
    writer.add_chunk(encode_message(CheckpointMessage{"640323.101.200.07", "0"}), false);
    writer.add_chunk(encode_message(push), false);
    writer.add_chunk(encode_message(EndMessage{3, "1"}), true);
    return writer.bytes();
  }
};

}  // namespace

TEST_CASE("the golden bundle is reproduced byte for byte from fixed keys and content") {
  GoldenParts parts;
  std::string built = parts.build();
  auto path = test::source_dir() / "tests" / "data" / "golden.bundle";
  if (std::getenv("DOORSTEP_UPDATE_GOLDEN") != nullptr) test::write_file(path, built);
  std::string golden = test::read_file(path);
  CHECK(golden.size() == built.size());
  CHECK(golden == built);
}

TEST_CASE("the golden bundle opens to hello, checkpoint, one signed change and end") {
  GoldenParts parts;
  std::string golden = test::read_file(test::source_dir() / "tests" / "data" / "golden.bundle");
  PkeyPtr x = derive_x25519(parts.recipient_key.get());
  SealedBundleReader reader(golden, parts.recipient, x.get());
  CHECK(reader.sender().fingerprint() == parts.sender.fingerprint());
  std::vector<Message> messages;
  while (auto chunk = reader.next_chunk()) messages.push_back(decode_message(*chunk));
  CHECK(reader.end() == BundleEnd::Complete);
  REQUIRE(messages.size() == 4);
  REQUIRE(std::holds_alternative<HelloMessage>(messages[0]));
  CHECK(std::get<HelloMessage>(messages[0]).device == parts.sender_id());
  REQUIRE(std::holds_alternative<CheckpointMessage>(messages[1]));
  REQUIRE(std::holds_alternative<PushMessage>(messages[2]));
  const auto& push = std::get<PushMessage>(messages[2]);
  REQUIRE(push.changes.size() == 1);
  SignedChange change = decode(std::string(push.changes[0].begin(), push.changes[0].end()));
  CHECK(change.change.ops[1].value == "\"王芳\"");
  Bytes raw = raw_public_key(parts.sender_key.get());
  PublicKey key{};
  std::copy(raw.begin(), raw.end(), key.begin());
  CHECK(signature_valid(change, key));
  REQUIRE(std::holds_alternative<EndMessage>(messages[3]));
  CHECK(std::get<EndMessage>(messages[3]).messages == 3);
}
