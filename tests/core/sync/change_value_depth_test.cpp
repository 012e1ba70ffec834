// A change's op values are decoded with limits: a value nested deeper than 64 levels is
// refused by decode() naming the op and the byte offset inside the value, before anything
// recurses into it.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/sync/change.h"

using namespace doorstep;
using namespace doorstep::sync;

namespace {

constexpr const char* kHousehold = "0123456789abcdef";

Change household_note(const std::string& value) {
  Change change;
  change.origin = "3f2a9c0d11e4b5a6";
  change.seq = 1;
  change.author = "Li Wei";
  change.household = kHousehold;
  change.grid = "640323.101.200.07";
  Op op;
  op.record_type = "household";
  op.record_id = kHousehold;
  op.field = "notes";
  op.value = value;
  change.ops.push_back(op);
  return change;
}

std::string nested_arrays(size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

}  // namespace

TEST_CASE("a signed change whose op value nests 200,000 levels is refused on decode") {
  auto key = crypto::DeviceKey::generate();
  std::string wire = encode(sign_change(household_note(nested_arrays(200'000)), key));
  CHECK_THROWS_WITH_AS(decode(wire),
                       "change: op 0 (field 'notes'): value is nested deeper than 64 levels (at "
                       "byte 64)",
                       Error);
  CHECK_THROWS_WITH_AS(decode_change(household_note(nested_arrays(65)).canonical_bytes()),
                       doctest::Contains("nested deeper than 64 levels"), Error);
  // 64 levels are a value like any other.
  CHECK(decode(encode(sign_change(household_note(nested_arrays(64)), key))).change.ops[0].value ==
        nested_arrays(64));
}

TEST_CASE("a change's JSON form is built with the same limits") {
  auto key = crypto::DeviceKey::generate();
  SignedChange deep = sign_change(household_note(nested_arrays(1000)), key);
  CHECK_THROWS_WITH_AS(to_json(deep), doctest::Contains("op value is nested deeper"), Error);
}

// Found by the change fuzz target: a change whose author is not UTF-8 decoded, and then
// every JSON form of it (history, logs) threw.
TEST_CASE("a change whose author or form version is not well-formed UTF-8 is refused on decode") {
  auto key = crypto::DeviceKey::generate();
  Change author = household_note("1");
  author.author = "w\x98rke";
  CHECK_THROWS_WITH_AS(decode(encode(sign_change(author, key))),
                       "change: author name is not well-formed UTF-8", Error);
  Change form = household_note("1");
  form.ops[0].form_version = "household-monitoring@\xff";
  CHECK_THROWS_WITH_AS(decode(encode(sign_change(form, key))),
                       "change: op 0 (field 'notes'): form version is not well-formed UTF-8",
                       Error);
}
