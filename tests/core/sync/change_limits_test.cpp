// ChangeLimits: the county's size limits, read from its settings and kept by every change a
// store writes or applies.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "core/store/store.h"
#include "core/sync/change_limits.h"
#include "core/sync/exchange.h"
#include "tests/support/test_support.h"

using namespace doorstep;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

constexpr const char* kGrid = "640323.101.200.01";

store::Store new_store(const TempDir& dir, const std::string& name) {
  store::InitOptions options;
  options.name = name;
  options.durable = false;
  return store::Store::create(dir / (name + ".db"), options);
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    CHECK(e.is(ErrorCode::InvalidArgument));
    return e.what();
  }
  FAIL("no error");
  return "";
}

}  // namespace

TEST_CASE("county settings without limits give the defaults; each limit is read by its name") {
  auto defaults = sync::ChangeLimits::from_settings(json{{"county", "640323"}});
  CHECK(defaults.max_visit_bytes == 1024 * 1024);
  CHECK(defaults.max_text_answer_bytes == 64 * 1024);
  CHECK(defaults.max_members_per_household == 500);
  CHECK(defaults.max_change_bytes == 8 * 1024 * 1024);
  auto set = sync::ChangeLimits::from_settings(
      json{{"max_visit_bytes", 2048}, {"max_members_per_household", 12}});
  CHECK(set.max_visit_bytes == 2048);
  CHECK(set.max_members_per_household == 12);
  CHECK(set.max_text_answer_bytes == 64 * 1024);
  CHECK(sync::ChangeLimits::from_settings(set.to_json()).to_json() == set.to_json());
}

TEST_CASE("a bad limit in the county settings is refused naming the setting") {
  CHECK(message_of([] {
          sync::ChangeLimits::from_settings(json{{"max_visit_bytes", "1MB"}});
        }).find("max_visit_bytes must be a positive integer") != std::string::npos);
  CHECK(message_of([] {
          sync::ChangeLimits::from_settings(json{{"max_change_bytes", 0}});
        }).find("max_change_bytes") != std::string::npos);
  CHECK(message_of([] {
          sync::ChangeLimits::from_settings(json{{"max_change_bytes", 64 * 1024 * 1024}});
        }).find("one push request") != std::string::npos);
}

TEST_CASE("a local edit beyond the limits fails naming the field and writes nothing") {
  TempDir dir;
  auto store = new_store(dir, "li-wei");
  sync::ChangeLimits small;
  small.max_text_answer_bytes = 10;
  small.max_members_per_household = 2;
  store.set_change_limits(small);
  auto id = store.add_household(kGrid, {{"head_name", "Ma"}});

  auto long_text = message_of([&] { store.set_fields(id, {{"notes", "eleven char"}}); });
  CHECK(long_text.find("field 'notes' of household " + id) != std::string::npos);
  CHECK(long_text.find("10 (max_text_answer_bytes)") != std::string::npos);

  store.add_member(id, {{"name", "A"}});
  store.add_member(id, {{"name", "B"}});
  auto third = message_of([&] { store.add_member(id, {{"name", "C"}}); });
  CHECK(third.find("would have 3 members") != std::string::npos);
  CHECK(third.find("2 (max_members_per_household)") != std::string::npos);

  auto crowded = message_of([&] {
    store.add_household(
        kGrid, {{"members", json::array({json::object(), json::object(), json::object()})}});
  });
  CHECK(crowded.find("registers 3 members") != std::string::npos);
  CHECK(store.households("", "").size() == 1);
  CHECK(store.household(id)["members"].size() == 2);  // the two that fit
}

TEST_CASE("a change beyond the receiver's limits is rejected at ingest with the reason") {
  TempDir dir;
  auto author = new_store(dir, "author");
  sync::ChangeLimits roomy;
  roomy.max_members_per_household = 100000;
  author.set_change_limits(roomy);
  json members = json::array();
  for (int i = 0; i < 600; ++i) members.push_back({{"name", "m" + std::to_string(i)}});
  author.add_household(kGrid, {{"head_name", "Ma"}, {"members", members}});
  author.add_household(kGrid, {{"head_name", "Li"}});

  auto county = new_store(dir, "county");
  county.trust_device(author.identity().device_id, author.identity().public_key);
  auto page = sync::changes_since(author, sync::Cursor{}, 10);
  auto report = sync::apply_changes(county, page.changes);
  REQUIRE(report.results.size() == 2);
  CHECK(report.results[0].status == sync::ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::InvalidArgument);
  CHECK(report.results[0].reason.find("registers 600 members") != std::string::npos);
  CHECK(report.results[0].reason.find("500 (max_members_per_household)") != std::string::npos);
  CHECK(report.results[1].status == sync::ApplyStatus::Applied);
  CHECK(county.households("", "").size() == 1);
}

TEST_CASE("the text scan measures string literals in a visit without parsing it") {
  sync::Change change;
  change.origin = "a";
  change.seq = 1;
  change.household = "h";
  sync::Op visit;
  visit.kind = sync::OpKind::Create;
  visit.record_type = "visit";
  visit.record_id = "h-v";
  visit.value = sync::canonical_json(
      json{{"answers", {{"notes", std::string(20, 'x')}, {"quote", "a\\\"b"}}}});
  change.ops.push_back(visit);
  sync::ChangeLimits limits;
  limits.max_text_answer_bytes = 20;
  CHECK_FALSE(sync::exceeded_limit(change, 100, limits));
  limits.max_text_answer_bytes = 19;
  auto exceeded = sync::exceeded_limit(change, 100, limits);
  REQUIRE(exceeded);
  CHECK(exceeded->find("visit h-v holds a text of 20 bytes") != std::string::npos);
  // Deep nesting costs a scan, not a recursion.
  change.ops[0].value = std::string(200000, '[') + std::string(200000, ']');
  CHECK_FALSE(sync::exceeded_limit(change, 100, sync::ChangeLimits{}));
}
