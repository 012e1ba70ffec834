// Record ids: 16 hex digits, time-ordered (seconds since 2020 above 32 random bits), only ever
// growing within a process, whatever the clock does (docs/schema.md, "Record ids").
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <regex>
#include <set>

#include "core/store/store_impl.h"
#include "tests/core/replicas.h"

using doorstep::store::kRecordIdEpoch;
using doorstep::store::new_record_id;
using doorstep::store::next_record_id_value;

namespace {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("a household id is 16 hex digits whose high half is the seconds since 2020") {
  int64_t before = now_seconds();
  std::string id = new_record_id();
  int64_t after = now_seconds();
  REQUIRE(std::regex_match(id, std::regex("[0-9a-f]{16}")));
  int64_t seconds = static_cast<int64_t>(std::stoull(id.substr(0, 8), nullptr, 16));
  // The high half is the second it was made in, or later when it continued a later id.
  CHECK(seconds >= before - kRecordIdEpoch);
  CHECK(seconds <= after - kRecordIdEpoch + 1);
  std::string member = new_record_id(id);
  CHECK(std::regex_match(member, std::regex(id + "-[0-9a-f]{16}")));
}

TEST_CASE("ids made one after another only grow, and a store's households sort by creation") {
  std::string last = new_record_id();
  for (int i = 0; i < 100000; ++i) {
    std::string next = new_record_id();
    REQUIRE(next > last);  // fixed width: the text order is the numeric order
    last = next;
  }
  doorstep::test::TempDir dir;
  auto store = doorstep::test::make_replica(dir, "li");
  std::vector<std::string> made;
  for (int i = 0; i < 20; ++i) made.push_back(store.add_household("640323.101.200.01", {}));
  CHECK(std::is_sorted(made.begin(), made.end()));
}

TEST_CASE("the same second, or a clock set back, continues from the last id") {
  const int64_t t = kRecordIdEpoch + 86400 * 365;
  uint64_t last = 0;
  uint64_t a = next_record_id_value(t, 0x90000000u, last);
  CHECK((a >> 32) == 86400 * 365);
  CHECK((a & 0xffffffffu) == 0x90000000u);
  // The same second with a smaller draw: the next value, not the draw.
  CHECK(next_record_id_value(t, 0x10000000u, last) == a + 1);
  // The clock an hour back: still after the last one.
  CHECK(next_record_id_value(t - 3600, 0xffffffffu, last) == a + 2);
  // A later second: its own time again, with its draw.
  uint64_t later = next_record_id_value(t + 1, 0x00000005u, last);
  CHECK((later >> 32) == 86400 * 365 + 1);
  CHECK((later & 0xffffffffu) == 5);
  // A clock before the epoch counts as the epoch.
  uint64_t fresh = 0;
  CHECK(next_record_id_value(0, 7, fresh) == 7);
}

TEST_CASE("property: values from any clock and draws are strictly increasing (seed 20261202)") {
  const uint32_t seed = 20261202;
  CAPTURE(seed);
  std::mt19937_64 random(seed);
  uint64_t last = 0;
  int64_t clock = kRecordIdEpoch + 1000;
  std::set<uint64_t> seen;
  for (int i = 0; i < 200000; ++i) {
    clock += static_cast<int64_t>(random() % 5) - 1;  // forwards, stalling, now and then back
    uint64_t previous = last;
    uint64_t value = next_record_id_value(clock, random(), last);
    REQUIRE(value > previous);
    REQUIRE(seen.insert(value).second);
  }
}
