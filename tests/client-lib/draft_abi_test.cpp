// ds_draft_save / ds_draft_load / ds_draft_list / ds_draft_discard at the C ABI: the shapes,
// the not-found case, bad input, and a stored visit deleting its draft.
#include <doctest/doctest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "doorstep.h"
#include "tests/support/test_support.h"

using doorstep::test::read_file;
using doorstep::test::source_dir;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

std::string message_of(const ds_error& error) {
  char* text = ds_error_message(&error);
  std::string message = text;
  ds_free(text);
  return message;
}

json take(char* text) {
  REQUIRE(text != nullptr);
  json out = json::parse(text);
  ds_free(text);
  return out;
}

struct StoreFree {
  void operator()(ds_store* s) const noexcept { ds_store_free(s); }
};
using Store = std::unique_ptr<ds_store, StoreFree>;

Store new_store(const TempDir& dir) {
  ds_error error{};
  Store store(ds_store_init((dir / "d.db").string().c_str(), R"({"name": "Li"})", &error));
  REQUIRE(store);
  return store;
}

std::string new_household(ds_store* store) {
  ds_error error{};
  char* id = ds_store_household_add(store, "640323.101.200.07", R"({"head_name": "A"})", &error);
  REQUIRE(id != nullptr);
  std::string out = id;
  ds_free(id);
  return out;
}

}  // namespace

TEST_CASE("a draft saved through the C ABI loads, lists and is discarded") {
  TempDir dir;
  Store store = new_store(dir);
  std::string h = new_household(store.get());
  json draft = {{"form_id", "household_monitoring"},
                {"form_version", "2026.1"},
                {"household", h},
                {"answers", {{"head_name", "B"}}},
                {"position", "q:head_id_number:-1"}};
  ds_error error{};
  REQUIRE(ds_draft_save(store.get(), draft.dump().c_str(), &error));
  json loaded = take(ds_draft_load(store.get(), "household_monitoring", h.c_str(), &error));
  CHECK(loaded["answers"] == draft["answers"]);
  CHECK(loaded["position"] == "q:head_id_number:-1");
  CHECK(loaded.contains("updated_ms"));
  json list = take(ds_draft_list(store.get(), &error));
  REQUIRE(list.size() == 1);
  CHECK(list[0]["form_id"] == "household_monitoring");
  CHECK(list[0]["household"] == h);
  CHECK(list[0]["answered"] == 1);
  CHECK(ds_draft_discard(store.get(), "household_monitoring", h.c_str(), &error) == 1);
  CHECK(ds_draft_discard(store.get(), "household_monitoring", h.c_str(), &error) == 0);
  CHECK(ds_draft_load(store.get(), "household_monitoring", h.c_str(), &error) == nullptr);
  CHECK(error.code == DS_ERR_NOT_FOUND);
  CHECK(message_of(error).find("no draft of form 'household_monitoring' for household " + h) !=
        std::string::npos);
}

TEST_CASE("ds_draft functions refuse NULL, malformed JSON and an unknown household") {
  TempDir dir;
  Store store = new_store(dir);
  ds_error error{};
  CHECK_FALSE(ds_draft_save(nullptr, "{}", &error));
  CHECK(message_of(error).find("'store'") != std::string::npos);
  error = {};
  CHECK_FALSE(ds_draft_save(store.get(), "{\"form_id\": ", &error));
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(error).find("draft_json is not valid JSON") != std::string::npos);
  error = {};
  CHECK_FALSE(ds_draft_save(
      store.get(), R"({"form_id": "f", "household": "0123456789abcdef", "answers": {}})", &error));
  CHECK(error.code == DS_ERR_NOT_FOUND);
  error = {};
  CHECK(ds_draft_discard(store.get(), nullptr, nullptr, &error) == -1);
  CHECK(message_of(error).find("'form_id'") != std::string::npos);
  CHECK(take(ds_draft_list(store.get(), &error)).empty());
}

TEST_CASE("ds_store_visit deletes the draft of its form and household") {
  TempDir dir;
  Store store = new_store(dir);
  std::string h = new_household(store.get());
  ds_error error{};
  json draft = {{"form_id", "household_monitoring"}, {"household", h}, {"answers", json::object()}};
  REQUIRE(ds_draft_save(store.get(), draft.dump().c_str(), &error));
  std::string form = read_file(source_dir() / "forms/household-monitoring.json");
  std::string answers = read_file(source_dir() / "forms/examples/green-household.json");
  json visit =
      take(ds_store_visit(store.get(), h.c_str(), form.c_str(), answers.c_str(), nullptr, &error));
  CHECK(visit["risk"]["level"] == "green");
  CHECK(ds_draft_load(store.get(), "household_monitoring", h.c_str(), &error) == nullptr);
  CHECK(error.code == DS_ERR_NOT_FOUND);
}
