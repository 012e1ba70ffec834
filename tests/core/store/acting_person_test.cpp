// A person acting through a replica (the county's staff in the county's own store): the
// changes carry the person as author, signed by the device; the device's user returns after.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "tests/core/replicas.h"

using doorstep::Error;
using doorstep::store::Store;
using doorstep::test::check_problems;
using doorstep::test::make_replica;
using doorstep::test::TempDir;
using nlohmann::json;

TEST_CASE("changes written while a person acts carry the person as author, then the device's") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string id = store.add_household("640323.101.200.07", {{"head_name", "王芳"}});
  store.set_acting_person("张伟 (county)");
  CHECK(store.acting_person() == "张伟 (county)");
  store.set_fields(id, {{"head_name", "王芳芳"}});
  store.set_acting_person("");
  store.set_fields(id, {{"notes", "checked"}});
  json history = store.history(id, "");
  std::string device = store.identity().device_id;
  bool saw_person = false, saw_device_user = false;
  for (const auto& op : history) {
    CHECK(op["device"] == device);  // signed by the device whoever acted
    if (op["field"] == "head_name" && op["value"] == "王芳芳") {
      CHECK(op["author"] == "张伟 (county)");
      saw_person = true;
    }
    if (op["field"] == "notes") {
      CHECK(op["author"] == store.identity().name);
      saw_device_user = true;
    }
  }
  CHECK(saw_person);
  CHECK(saw_device_user);
  CHECK(check_problems(store) == "");
}

TEST_CASE("an acting person's name of several lines or over 256 bytes is refused") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  CHECK_THROWS_AS(store.set_acting_person("a\nb"), Error);
  CHECK_THROWS_AS(store.set_acting_person(std::string(257, 'x')), Error);
  CHECK(store.acting_person().empty());
}
