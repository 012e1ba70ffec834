// ds_store_forms: the forms a device classifies with, which the app renders its visits from.
#include <doctest/doctest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "doorstep.h"
#include "tests/support/test_support.h"

using doorstep::test::TempDir;
using nlohmann::json;

namespace {

struct StoreFree {
  void operator()(ds_store* s) const noexcept { ds_store_free(s); }
};
using Store = std::unique_ptr<ds_store, StoreFree>;

json take(char* text) {
  REQUIRE(text != nullptr);
  json value = json::parse(text);
  ds_free(text);
  return value;
}

}  // namespace

TEST_CASE(
    "ds_store_forms lists no form before any arrived, then the form a visit used as default") {
  TempDir dir;
  std::string path = (dir / "phone.db").string();
  ds_error error{};
  Store store(
      ds_store_init(path.c_str(), R"({"name": "Li Wei", "scope": "640323.101.200.01"})", &error));
  REQUIRE(store);
  CHECK(take(ds_store_forms(store.get(), &error)) == json::array());

  std::string form = doorstep::test::read_file(doorstep::test::source_dir() / "forms" /
                                               "household-monitoring.json");
  std::string answers = doorstep::test::read_file(doorstep::test::source_dir() / "forms" /
                                                  "examples" / "green-household.json");
  std::string household = [&] {
    char* id = ds_store_household_add(store.get(), "640323.101.200.01", nullptr, &error);
    REQUIRE(id != nullptr);
    std::string text = id;
    ds_free(id);
    return text;
  }();
  take(ds_store_visit(store.get(), household.c_str(), form.c_str(), answers.c_str(), nullptr,
                      &error));

  json forms = take(ds_store_forms(store.get(), &error));
  REQUIRE(forms.size() == 1);
  CHECK(forms[0]["key"] == "household_monitoring@2026.1");
  CHECK(forms[0]["form_id"] == "household_monitoring");
  CHECK(forms[0]["version"] == "2026.1");
  CHECK(forms[0]["default"] == true);
  // The text loads as the form it was.
  ds_form* loaded =
      ds_form_load(forms[0]["form_json"].get<std::string>().c_str(), "stored", &error);
  REQUIRE(loaded != nullptr);
  json outline = take(ds_form_outline(loaded, "en", &error));
  CHECK(outline["form_id"] == "household_monitoring");
  ds_form_free(loaded);

  CHECK(ds_store_forms(nullptr, &error) == nullptr);
  CHECK(error.code == DS_ERR_INVALID_ARGUMENT);
}
