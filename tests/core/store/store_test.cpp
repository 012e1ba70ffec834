// The local store as a device uses it: households, members, corrections, reads.
#include <doctest/doctest.h>

#include <set>

#include "core/common/error.h"
#include "tests/core/replicas.h"

using doorstep::Error;
using doorstep::ErrorCode;
using doorstep::store::Store;
using doorstep::test::check_problems;
using doorstep::test::make_replica;
using doorstep::test::TempDir;
using nlohmann::json;

TEST_CASE("a new household is readable with its grid and fields, and the store checks clean") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string id = store.add_household("640323.101.200.07", {{"head_name", "王芳"}, {"size", 4}});
  json shown = store.household(id);
  CHECK(shown["id"] == id);
  CHECK(shown["grid"] == "640323.101.200.07");
  CHECK(shown["fields"]["head_name"] == "王芳");
  CHECK(shown["fields"]["size"] == 4);
  CHECK(shown["members"].empty());
  CHECK(shown["conflicts"].empty());
  CHECK(check_problems(store) == "");
}

TEST_CASE("a household registered with its members is one change, all or nothing") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string id = store.add_household(
      "640323.101.200.07", {{"head_name", "王芳"},
                            {"members", json::array({{{"name", "王芳"}, {"age", 41}},
                                                     {{"name", "李明"}, {"age", 12}}})}});
  json shown = store.household(id);
  CHECK(shown["fields"]["head_name"] == "王芳");
  CHECK_FALSE(shown["fields"].contains("members"));
  REQUIRE(shown["members"].size() == 2);
  std::set<std::string> names;
  for (const auto& m : shown["members"]) names.insert(m["fields"]["name"].get<std::string>());
  CHECK(names == std::set<std::string>{"王芳", "李明"});
  // One signed change holds the household, both members and their fields.
  doorstep::sqlite::Statement count(store.database(), "SELECT count(*) FROM changes");
  REQUIRE(count.step());
  CHECK(count.int64(0) == 1);
  json history = store.history(id, "");
  std::set<std::string> changes;
  for (const auto& op : history) {
    std::string key = op["op"];
    changes.insert(key.substr(0, key.rfind('.')));
  }
  CHECK(changes.size() == 1);
  CHECK(history.size() == 1 + 1 + 2 * (1 + 2));
  CHECK(check_problems(store) == "");

  // A bad member refuses the whole registration: nothing is written.
  CHECK_THROWS_WITH_AS(
      store.add_household("640323.101.200.07",
                          {{"head_name", "张三"}, {"members", json::array({{{"name", "a"}}, 5})}}),
      doctest::Contains("members[1] must be an object"), Error);
  CHECK_THROWS_WITH_AS(store.add_household("640323.101.200.07", {{"members", "two"}}),
                       doctest::Contains("members must be an array"), Error);
  count.reset();
  doorstep::sqlite::Statement again(store.database(), "SELECT count(*) FROM changes");
  REQUIRE(again.step());
  CHECK(again.int64(0) == 1);
}

TEST_CASE("a correction writes ops only for fields whose value changed") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string id = store.add_household("640323.101.200.07", {{"head_name", "王芳"}, {"size", 4}});
  CHECK(store.set_fields(id, {{"head_name", "王芳"}, {"size", 5}}) == 1);
  CHECK(store.set_fields(id, {{"size", 5}}) == 0);
  CHECK(store.household(id)["fields"]["size"] == 5);
  json history = store.history(id, "size");
  REQUIRE(history.size() == 2);
  CHECK(history[1]["supersedes"] == json::array({history[0]["op"]}));
  CHECK(history[1]["author"] == "li");
  CHECK(check_problems(store) == "");
}

TEST_CASE("households are listed by grid prefix, whole parts only") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  store.add_household("640323.101.200.07", {{"head_name", "A"}});
  store.add_household("640323.101.201.01", {{"head_name", "B"}});
  store.add_household("640323.102.200.07", {{"head_name", "C"}});
  CHECK(store.households("", "").size() == 3);
  CHECK(store.households("640323.101", "").size() == 2);
  CHECK(store.households("640323.101.200", "").size() == 1);
  CHECK(store.households("640323.102.200.07", "")[0]["head_name"] == "C");
  CHECK_THROWS_AS(store.households("640323.1", ""), Error);
}

TEST_CASE("a bad grid path is refused naming the part and offset, and nothing is written") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  for (std::string bad : {"640323", "640323.101.200", "64032.101.200.07", "640323.101.200.7",
                          "640323.1o1.200.07", "640323.101.200.07.1", ""}) {
    CAPTURE(bad);
    try {
      store.add_household(bad, json::object());
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.is(ErrorCode::InvalidArgument));
      CHECK(std::string(e.what()).find("grid") != std::string::npos);
    }
  }
  CHECK(store.households("", "").empty());
  CHECK(doorstep::sync::max_seq_by_origin(store).empty());
}

TEST_CASE("unknown households and bad field names are refused with nothing half-applied") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string id = store.add_household("640323.101.200.07", {{"head_name", "A"}});
  std::string digest = store.digest();
  CHECK_THROWS_WITH_AS(store.set_fields("0123456789abcdef", {{"a", 1}}),
                       doctest::Contains("unknown household or member '0123456789abcdef'"), Error);
  CHECK_THROWS_WITH_AS(store.set_fields(id, {{"ok", 1}, {"bad name", 2}}),
                       doctest::Contains("'bad name'"), Error);
  CHECK_THROWS_WITH_AS(store.household("nope"), doctest::Contains("unknown household 'nope'"),
                       Error);
  doorstep::store::VisitInput visit;
  visit.household_id = "ffffffffffffffff";
  visit.form_id = "monitoring";
  CHECK_THROWS_WITH_AS(store.record_visit(visit), doctest::Contains("unknown household"), Error);
  CHECK(store.digest() == digest);
  CHECK(store.household(id)["fields"].size() == 1);
}

TEST_CASE("a device with a scope cannot add a household outside it") {
  TempDir dir;
  Store store = make_replica(dir, "li", "640323.101.200");
  CHECK_NOTHROW(store.add_household("640323.101.200.07", json::object()));
  try {
    store.add_household("640323.101.201.07", json::object());
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.is(ErrorCode::OutOfScope));
  }
}

TEST_CASE("the store reopens with its identity and data, and signs with the stored key") {
  TempDir dir;
  std::string id, device;
  {
    Store store = make_replica(dir, "li");
    id = store.add_household("640323.101.200.07", {{"head_name", "A"}});
    device = store.identity().device_id;
  }
  Store reopened = Store::open(dir / "li.db", {"secret of li", false});
  CHECK(reopened.identity().device_id == device);
  CHECK(reopened.identity().name == "li");
  reopened.set_fields(id, {{"head_name", "B"}});
  CHECK(reopened.household(id)["fields"]["head_name"] == "B");
  CHECK(check_problems(reopened) == "");
}

TEST_CASE("a wrong key secret cannot sign, and nothing is written") {
  TempDir dir;
  std::string id;
  {
    Store store = make_replica(dir, "li");
    id = store.add_household("640323.101.200.07", {{"head_name", "A"}});
  }
  Store reopened = Store::open(dir / "li.db", {"not the secret", false});
  try {
    reopened.set_fields(id, {{"head_name", "B"}});
    FAIL("signed with a wrong secret");
  } catch (const Error& e) {
    CHECK(e.is(ErrorCode::Unauthorized));
  }
  CHECK(reopened.household(id)["fields"]["head_name"] == "A");
}
