// The JSON position index: values and keys found by JSON pointer, lines and columns 1-based,
// columns counted in characters.
#include <doctest/doctest.h>

#include "core/forms/json_positions.h"

using doorstep::forms::JsonPositions;

TEST_CASE("values and keys are located by their JSON pointer") {
  JsonPositions p("{\n  \"a\": [1, {\"b~c\": \"x\"}],\n  \"d/e\": true\n}");
  CHECK(p.value_position("/a/0").line == 2);
  CHECK(p.value_position("/a/0").column == 9);
  CHECK(p.value_position("/a/1/b~0c").column == 20);
  CHECK(p.key_position("/a/1/b~0c").column == 13);
  CHECK(p.key_position("/d~1e").line == 3);
  CHECK(p.key_position("/d~1e").column == 3);
}

TEST_CASE("an unknown pointer falls back to its nearest known ancestor") {
  JsonPositions p("{\"a\": {\"b\": 1}}");
  CHECK(p.value_offset("/a/zzz/0") == p.value_offset("/a"));
  CHECK(p.value_offset("/nothing") == 0);
}

TEST_CASE("columns count characters, so Chinese text before a value does not shift it") {
  JsonPositions p("{\"标签\": \"户主\", \"n\": 1}");
  CHECK(p.value_position("/n").column == 19);
}

TEST_CASE("an offset inside a string maps to its column when no escape precedes it") {
  JsonPositions p("{\"e\": \"${a} + ${b}\", \"q\": \"\\\"${c}\"}");
  CHECK(p.at_offset(p.string_char_offset("/e", 7)).column == 15);
  // An escape before the index: the string's opening quote is the best we can say.
  CHECK(p.string_char_offset("/q", 1) == p.value_offset("/q"));
}

TEST_CASE("malformed or hostile text never breaks the index") {
  for (const char* text : {"", "{", "[[[[", "{\"a\":", "\"unterminated", "}}}", "{\"a\" 1}"}) {
    JsonPositions p(text);
    CHECK(p.value_position("/a").line == 1);
  }
  std::string deep(100000, '[');
  JsonPositions p(deep);
  CHECK(p.at_offset(deep.size()).column == 100001);
}
