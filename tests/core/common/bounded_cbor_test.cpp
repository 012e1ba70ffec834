// parse_cbor_bounded: what nlohmann's to_cbor writes comes back unchanged; lengths are
// checked against the bytes that remain and depth before descending; whatever the wire does
// not use (indefinite lengths, tags, duplicate keys, text that is not UTF-8) is refused with
// the byte offset.
#include <doctest/doctest.h>

#include <cmath>

#include "core/common/bounded_decode.h"

using namespace doorstep;
using nlohmann::json;

namespace {

json decode(const std::string& bytes, const DecodeLimits& limits = {}) {
  return parse_cbor_bounded(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), limits,
                            "frame");
}

std::string error_of(const std::string& bytes, const DecodeLimits& limits = {}) {
  try {
    decode(bytes, limits);
  } catch (const DecodeError& e) {
    CHECK(e.is(ErrorCode::Corrupt));
    return e.what();
  }
  return "";
}

std::string cbor_of(const json& value) {
  auto bytes = json::to_cbor(value);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

TEST_CASE("every value to_cbor writes decodes to the same value") {
  json value = {
      {"t", "push"},
      {"batch", "b-1"},
      {"changes", json::array({json::binary({1, 2, 3}), json::binary(std::vector<uint8_t>{})})},
      {"n", -5},
      {"big", 18446744073709551615ull},
      {"min", INT64_MIN},
      {"half", 0.5},
      {"pi", 3.14159},
      {"flags", {true, false, nullptr}},
      {"text", "户主 Wang"},
      {"empty", json::object()}};
  CHECK(decode(cbor_of(value)) == value);
  CHECK(decode(cbor_of(value)) == json::from_cbor(json::to_cbor(value)));
  // Half-precision floats, which to_cbor does not write but CBOR allows.
  CHECK(decode(std::string("\xf9\x3c\x00", 3)) == 1.0);
  CHECK(decode(std::string("\xf9\xc4\x00", 3)) == -4.0);
  CHECK(std::isinf(decode(std::string("\xf9\x7c\x00", 3)).get<double>()));
}

TEST_CASE("CBOR nested a million levels is refused at the first level past the limit") {
  std::string deep(1'000'000, '\x81');
  deep += '\0';
  CHECK(error_of(deep) == "frame is nested deeper than 64 levels (at byte 64)");
  CHECK(error_of(std::string(64, '\x81') + '\0') == "");
  std::string maps;
  for (int i = 0; i < 100; ++i) maps += "\xa1\x61k";
  CHECK(error_of(maps + '\0') == "frame is nested deeper than 64 levels (at byte 192)");
}

TEST_CASE("a CBOR length that claims more than the bytes left is refused before reserving") {
  // An array of 2^32 items, a byte string of 2^63 bytes, a map of 2^62 pairs.
  CHECK(error_of(std::string("\x9b\x00\x00\x00\x01\x00\x00\x00\x00\x00", 10)) ==
        "frame is not CBOR: an array claims 4294967296 item(s) but only 1 byte(s) remain (at "
        "byte 0)");
  CHECK(error_of(std::string("\x5b\x80\x00\x00\x00\x00\x00\x00\x00", 9))
            .find("a byte string claims 9223372036854775808 byte(s)") != std::string::npos);
  CHECK(error_of(std::string("\xbb\x40\x00\x00\x00\x00\x00\x00\x00", 9)).find("a map claims") !=
        std::string::npos);
  CHECK(error_of(std::string("\x82\x01\x19\x01", 4)) ==
        "frame is not CBOR: it ends inside the item that starts here (at byte 2)");
  CHECK(error_of(std::string("\x19\x01", 2)).find("it ends inside") != std::string::npos);
}

TEST_CASE("CBOR the wire does not use is refused with the byte offset") {
  CHECK(error_of("\x9f\x01\xff").find("indefinite-length") != std::string::npos);
  CHECK(error_of("\xc1\x01").find("tags are not used on the wire (at byte 0)") !=
        std::string::npos);
  CHECK(error_of("\xa2\x61k\x01\x61k\x02") == "frame has a map with a duplicate key (at byte 4)");
  CHECK(error_of("\xa1\x01\x02") == "frame has a map key that is not a text string (at byte 1)");
  CHECK(error_of("\x82\x01\x62\xc3\x28") ==
        "frame has a text string that is not well-formed UTF-8 (at byte 3)");
  CHECK(error_of(std::string("\x01\x02", 2)) ==
        "frame is not CBOR: 1 unexpected byte(s) after the value (at byte 1)");
  CHECK(error_of("\xff").find("a break byte") != std::string::npos);
  CHECK(error_of("\xf7").find("simple value 23") != std::string::npos);
  CHECK(error_of("\x1c").find("reserved additional information 28") != std::string::npos);
  CHECK(error_of(std::string("\x3b\x80\x00\x00\x00\x00\x00\x00\x00", 9))
            .find("negative integer below the 64-bit range") != std::string::npos);
  CHECK(error_of("").find("empty") != std::string::npos);
}

TEST_CASE("CBOR strings, containers and the whole frame have size limits") {
  DecodeLimits tight{
      .max_depth = 8, .max_bytes = 32, .max_string = 3, .max_items = 2, .max_values = 5};
  CHECK(error_of(std::string(33, '\0'), tight).find("33 bytes long, more than the 32") !=
        std::string::npos);
  CHECK(error_of("\x63"
                 "abc",
                 tight) == "");
  CHECK(error_of("\x64"
                 "abcd",
                 tight)
            .find("a text string of 4 bytes (at most 3)") != std::string::npos);
  CHECK(error_of("\x44"
                 "abcd",
                 tight)
            .find("a byte string of 4 bytes") != std::string::npos);
  CHECK(error_of("\x83\x01\x02\x03", tight).find("a container of 3 members (at most 2)") !=
        std::string::npos);
  CHECK(error_of("\x82\x82\x01\x02\x82\x03\x04", tight).find("more than 5 values") !=
        std::string::npos);
}
