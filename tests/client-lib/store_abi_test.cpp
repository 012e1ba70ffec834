// The store's C ABI at its edges: NULL arguments, malformed JSON, unknown options, and
// ownership of what it returns.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "doorstep.h"
#include "tests/support/test_support.h"

using doorstep::test::TempDir;

namespace {

std::string message_of(const ds_error& error) {
  char* text = ds_error_message(&error);
  std::string message = text;
  ds_free(text);
  return message;
}

struct StoreFree {
  void operator()(ds_store* s) const noexcept { ds_store_free(s); }
};
using Store = std::unique_ptr<ds_store, StoreFree>;

}  // namespace

TEST_CASE("ds_store functions refuse NULL arguments with an error naming them") {
  ds_error error{};
  CHECK(ds_store_open(nullptr, nullptr, &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(error).find("'path'") != std::string::npos);
  error = {};
  CHECK(ds_store_household_show(nullptr, "x", &error) == nullptr);
  CHECK(message_of(error).find("'store'") != std::string::npos);
  ds_store_free(nullptr);
}

TEST_CASE("ds_store_init refuses malformed options and unknown option names") {
  TempDir dir;
  std::string path = (dir / "d.db").string();
  ds_error error{};
  CHECK(ds_store_init(path.c_str(), "{\"name\": ", &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(error).find("options_json is not valid JSON") != std::string::npos);
  error = {};
  CHECK(ds_store_init(path.c_str(), R"({"name": "a", "colour": "red"})", &error) == nullptr);
  CHECK(message_of(error).find("unknown option \"colour\"") != std::string::npos);
  error = {};
  CHECK(ds_store_init(path.c_str(), R"({"name": "a", "role": "mayor"})", &error) == nullptr);
  CHECK(message_of(error).find("'mayor'") != std::string::npos);
}

TEST_CASE("a store made through the C ABI with a caller's key secret signs and reads back") {
  TempDir dir;
  std::string path = (dir / "d.db").string();
  ds_error error{};
  Store store(
      ds_store_init(path.c_str(), R"({"name": "a", "key_secret": "from the keystore"})", &error));
  REQUIRE(store);
  CHECK_FALSE(std::filesystem::exists(path + ".secret"));  // the caller keeps the secret
  char* id =
      ds_store_household_add(store.get(), "640323.101.200.07", R"({"head_name": "A"})", &error);
  REQUIRE(id != nullptr);
  char* member = ds_store_member_add(store.get(), id, R"({"name": "B"})", &error);
  REQUIRE(member != nullptr);
  CHECK(ds_store_household_set(store.get(), member, R"({"name": "C"})", &error) == 1);
  CHECK(ds_store_household_set(store.get(), id, "[1]", &error) == -1);
  CHECK(message_of(error).find("must be a JSON object") != std::string::npos);
  ds_free(member);
  ds_free(id);
  store.reset();

  Store wrong(ds_store_open(path.c_str(), R"({"key_secret": "guess"})", &error));
  REQUIRE(wrong);  // reading needs no key
  error = {};
  CHECK(ds_store_household_add(wrong.get(), "640323.101.200.07", nullptr, &error) == nullptr);
  CHECK(error.code == DS_ERR_UNAUTHORIZED);
}

TEST_CASE("ds_store_household_move moves within the device's scope and refuses outside it") {
  TempDir dir;
  std::string path = (dir / "d.db").string();
  ds_error error{};
  Store store(
      ds_store_init(path.c_str(), R"({"name": "leader", "scope": "640323.101.200"})", &error));
  REQUIRE(store);
  char* id = ds_store_household_add(store.get(), "640323.101.200.07", "{}", &error);
  REQUIRE(id != nullptr);
  CHECK(ds_store_household_move(store.get(), id, "640323.101.200.08", "new house", &error));
  CHECK_FALSE(ds_store_household_move(store.get(), id, "640323.102.200.01", "far", &error));
  CHECK(error.code == DS_ERR_OUT_OF_SCOPE);
  error = {};
  CHECK_FALSE(ds_store_household_move(store.get(), id, "640323.101.200.07", nullptr, &error));
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
  CHECK(message_of(error).find("'reason'") != std::string::npos);
  char* shown = ds_store_household_show(store.get(), id, &error);
  REQUIRE(shown != nullptr);
  CHECK(std::string(shown).find("\"grid\":\"640323.101.200.08\"") != std::string::npos);
  ds_free(shown);
  ds_free(id);
}

TEST_CASE("the status functions refuse NULL arguments and answer a fresh store with nothing") {
  TempDir dir;
  std::string path = (dir / "fresh.db").string();
  ds_error error{};
  Store store(ds_store_init(path.c_str(), R"({"name": "a"})", &error));
  REQUIRE(store);
  CHECK(ds_sync_status(nullptr, &error) == nullptr);
  CHECK(message_of(error).find("'store'") != std::string::npos);
  error = {};
  CHECK(ds_sync_dismiss_rejected(store.get(), nullptr, "why", &error) == nullptr);
  CHECK(message_of(error).find("'change_id'") != std::string::npos);
  error = {};
  CHECK(ds_sync_dismiss_rejected(store.get(), "0123456789abcdef.1", nullptr, &error) == nullptr);
  CHECK(message_of(error).find("'reason'") != std::string::npos);
  error = {};
  CHECK(ds_sync_dismiss_rejected(store.get(), "0123456789abcdef.1", "why", &error) == nullptr);
  CHECK(error.code == DS_ERR_NOT_FOUND);
  CHECK(message_of(error).find("0123456789abcdef.1") != std::string::npos);

  char* status = ds_sync_status(store.get(), &error);
  REQUIRE(status != nullptr);
  CHECK(std::string(status) ==
        R"({"conflicts":0,"last_sync":{"at":null,"server":null},"ok":true,"pending":0,)"
        R"("rejected":[]})");
  ds_free(status);
  char* list = ds_sync_rejected_list(store.get(), true, &error);
  REQUIRE(list != nullptr);
  CHECK(std::string(list) == "[]");
  ds_free(list);
}
