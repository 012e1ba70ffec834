// parse_json_bounded: JSON as nlohmann reads it, with every limit checked before the value is
// built, and errors that name the byte offset without echoing the input.
#include <doctest/doctest.h>

#include "core/common/bounded_decode.h"
#include "core/common/utf8_check.h"

using namespace doorstep;
using nlohmann::json;

namespace {

std::string nested_arrays(size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

// The DecodeError parse_json_bounded throws for `text`, or "" if it parses.
std::string error_of(std::string_view text, const DecodeLimits& limits = kSmallJsonLimits) {
  try {
    parse_json_bounded(text, limits, "the value");
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("bounded JSON parses what nlohmann parses, to the same value") {
  for (const char* text :
       {"null", "true", "-12", "18446744073709551615", "1.5e3", "\"\\u6237\\u4e3b\"",
        "{\"b\": [1, {\"c\": null}], \"a\": \"户主\"}", "[]", "{}", " [ 1 , 2 ] \n"}) {
    CAPTURE(text);
    CHECK(parse_json_bounded(text, kSmallJsonLimits, "text") == json::parse(text));
  }
  // A repeated key keeps its last value, as nlohmann does.
  CHECK(parse_json_bounded(R"({"a": 1, "a": 2})", kSmallJsonLimits, "text") == json{{"a", 2}});
}

TEST_CASE("JSON nested 200,000 levels is refused at the first level past the limit") {
  std::string deep = nested_arrays(200'000);
  CHECK(error_of(deep) == "the value is nested deeper than 64 levels (at byte 64)");
  CHECK(error_of(nested_arrays(64)) == "");
  CHECK(error_of(nested_arrays(65)) == "the value is nested deeper than 64 levels (at byte 64)");
  std::string objects;
  for (int i = 0; i < 100; ++i) objects += "{\"k\": ";
  CHECK(error_of(objects).find("nested deeper than 64 levels (at byte 384)") != std::string::npos);
}

TEST_CASE("a refused DecodeError carries the caller's code, the offset and the bare problem") {
  try {
    parse_json_bounded(nested_arrays(100), kSmallJsonLimits, "op value", ErrorCode::Corrupt);
    FAIL("not refused");
  } catch (const DecodeError& e) {
    CHECK(e.is(ErrorCode::Corrupt));
    CHECK(e.offset() == 64);
    CHECK(e.problem() == "is nested deeper than 64 levels");
  }
}

TEST_CASE("a JSON syntax error names the offending token's offset and never echoes input bytes") {
  CHECK(error_of("[1, 2") ==
        "the value is not valid JSON: syntax error while parsing array - unexpected end of "
        "input; expected ']' (at byte 5)");
  CHECK(error_of("{\"a\": 1 \"b\": 2}").find("(at byte 8)") != std::string::npos);
  std::string invalid_utf8 = error_of("[\"\xff\xfe\"]");
  CHECK(invalid_utf8.find("is not valid JSON") != std::string::npos);
  CHECK(is_well_formed_utf8(invalid_utf8));
  CHECK(invalid_utf8.find("last read") == std::string::npos);
  CHECK(error_of("").find("is not valid JSON") != std::string::npos);
  CHECK(error_of("[1] x").find("(at byte 4)") != std::string::npos);
}

TEST_CASE("the whole text, each string and each container have size limits") {
  DecodeLimits tight{
      .max_depth = 8, .max_bytes = 64, .max_string = 4, .max_items = 3, .max_values = 6};
  CHECK(error_of(std::string(65, ' ') + "1", tight) ==
        "the value is 66 bytes long, more than the 64 allowed (at byte 64)");
  CHECK(error_of("[\"abcd\"]", tight) == "");
  CHECK(error_of("[\"abcde\"]", tight).find("has a string of 5 bytes (at most 4)") !=
        std::string::npos);
  CHECK(error_of("{\"abcde\": 1}", tight).find("has a key of 5 bytes") != std::string::npos);
  CHECK(error_of("[1, 2, 3]", tight) == "");
  CHECK(error_of("[1, 2, 3, 4]", tight).find("more than 3 members") != std::string::npos);
  CHECK(error_of("[[1, 2], [3, 4]]", tight).find("more than 6 values") != std::string::npos);
}
