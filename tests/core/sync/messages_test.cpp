// Protocol messages survive the wire unchanged, and malformed frames are refused with a
// reason that names what is wrong.
#include "core/sync/messages.h"

#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/sync/wire.h"

using namespace doorstep;
using namespace doorstep::sync;

namespace {

Blob blob(const std::string& text) {
  return Blob(text.begin(), text.end());
}

template <class T>
T round_trip(const T& message) {
  Message decoded = decode_message(encode_message(Message{message}));
  REQUIRE(std::holds_alternative<T>(decoded));
  return std::get<T>(decoded);
}

}  // namespace

TEST_CASE("every message type round-trips through a wire frame") {
  HelloMessage hello{
      1, "3f2a", "Li Wei", "grid-worker", "640323.101.200.07", {blob("cert")}, blob("crl")};
  auto h = round_trip(hello);
  CHECK(h.device == "3f2a");
  CHECK(h.scope == "640323.101.200.07");
  CHECK(h.certificates == hello.certificates);
  CHECK(h.revocation_list == blob("crl"));

  auto pull = round_trip(PullMessage{"640323.101", "42", 100});
  CHECK(pull.scope == "640323.101");
  CHECK(pull.cursor == "42");
  CHECK(pull.limit == 100);

  auto page = round_trip(PageMessage{{blob("c1"), blob("c2")}, {blob("x")}, "44", true});
  CHECK(page.changes.size() == 2);
  CHECK(page.next == "44");
  CHECK(page.more);

  auto push = round_trip(PushMessage{"b-1", {blob("c1")}, {}, "17"});
  CHECK(push.batch == "b-1");
  CHECK(push.through == "17");

  AckMessage ack{"b-1", 3, 1, {{"3f2a", 7, 8, "outside scope"}}};
  auto a = round_trip(ack);
  CHECK(a.stored == 3);
  CHECK(a.duplicates == 1);
  REQUIRE(a.rejected.size() == 1);
  CHECK(a.rejected[0].reason == "outside scope");
  CHECK(a.rejected[0].seq == 7);

  CHECK(round_trip(CheckpointMessage{"640323", "99"}).cursor == "99");
  CHECK(round_trip(EndMessage{5, "99"}).messages == 5);
  CHECK(round_trip(ErrorMessage{13, "revoked"}).message == "revoked");
}

TEST_CASE("large repetitive messages are compressed and small ones are not") {
  PushMessage push{"b", {}, {}, ""};
  for (int i = 0; i < 200; ++i)
    push.changes.push_back(
        blob("household 640323.101.200.07 field head_name value " + std::to_string(i)));
  auto frame = encode_message(push);
  CHECK(frame[0] == 0x01);
  size_t raw = nlohmann::json::to_cbor(message_to_json(push)).size();
  CHECK(frame.size() * 3 < raw);
  auto small = encode_message(EndMessage{1, "2"});
  CHECK(small[0] == 0x00);
}

TEST_CASE("a malformed frame is refused naming what is wrong") {
  CHECK_THROWS_WITH_AS(decode_frame(std::vector<uint8_t>{}), doctest::Contains("empty"), Error);
  CHECK_THROWS_WITH_AS(decode_frame(std::vector<uint8_t>{7, 1, 2}),
                       doctest::Contains("unknown format byte 7"), Error);
  CHECK_THROWS_WITH_AS(decode_frame(std::vector<uint8_t>{1, 1, 2, 3}), doctest::Contains("zstd"),
                       Error);
  CHECK_THROWS_WITH_AS(decode_frame(std::vector<uint8_t>{0, 0xff}), doctest::Contains("not CBOR"),
                       Error);
  auto frame = encode_frame({{"t", "pull"}, {"scope", 5}, {"cursor", ""}});
  CHECK_THROWS_WITH_AS(decode_message(frame), doctest::Contains("member 'scope' is not a text"),
                       Error);
  CHECK_THROWS_WITH_AS(decode_message(encode_frame({{"t", "gossip"}})),
                       doctest::Contains("unknown message type 'gossip'"), Error);
  CHECK_THROWS_WITH_AS(decode_message(encode_frame({{"t", "hello"}, {"v", 2}, {"device", "d"}})),
                       doctest::Contains("protocol version 2"), Error);
}
