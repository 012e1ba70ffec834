// Drafts: a form session in progress, one per form and household, kept durably outside the
// op log; a stored visit takes its draft with it.
#include <doctest/doctest.h>

#include "core/common/error.h"
#include "tests/core/replicas.h"

using doorstep::Error;
using doorstep::ErrorCode;
using doorstep::store::Store;
using doorstep::store::VisitInput;
using doorstep::test::make_replica;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

json draft_of(const std::string& household, json answers) {
  json draft = {{"form_id", "household_monitoring"},
                {"form_version", "2026.1"},
                {"answers", std::move(answers)},
                {"position", "q:age:0"}};
  draft["household"] = household.empty() ? json() : json(household);
  return draft;
}

}  // namespace

TEST_CASE("a saved draft loads as saved and a second save replaces it") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string h = store.add_household("640323.101.200.07", {{"head_name", "A"}});
  store.save_draft(draft_of(h, {{"head_name", "B"}}));
  store.save_draft(draft_of(h, {{"head_name", "C"}, {"members", {{{"name", "D"}}}}}));
  auto loaded = store.draft("household_monitoring", h);
  REQUIRE(loaded);
  CHECK((*loaded)["answers"]["head_name"] == "C");
  CHECK((*loaded)["position"] == "q:age:0");
  CHECK((*loaded)["updated_ms"].get<int64_t>() > 0);
  CHECK_FALSE(store.draft("household_monitoring", ""));
  json list = store.drafts();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["household"] == h);
  CHECK(list[0]["answered"] == 2);
  CHECK(store.digest().size() == 64);
  CHECK(store.history(h, "").size() == 2);  // drafts are not changes
}

TEST_CASE("a draft survives closing and reopening the database") {
  TempDir dir;
  { make_replica(dir, "li").save_draft(draft_of("", {{"head_name", "B"}})); }
  Store reopened = Store::open(dir / "li.db", {"secret of li", false});
  auto loaded = reopened.draft("household_monitoring", "");
  REQUIRE(loaded);
  CHECK((*loaded)["household"].is_null());
  CHECK(reopened.discard_draft("household_monitoring", ""));
  CHECK_FALSE(reopened.discard_draft("household_monitoring", ""));
  CHECK(reopened.drafts().empty());
}

TEST_CASE("a draft of the wrong shape or of an unknown household is refused and nothing kept") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  CHECK_THROWS_WITH_AS(store.save_draft(json::array()), doctest::Contains("JSON object"), Error);
  CHECK_THROWS_WITH_AS(store.save_draft({{"answers", json::object()}}),
                       doctest::Contains("\"form_id\" must be a non-empty string"), Error);
  CHECK_THROWS_WITH_AS(store.save_draft({{"form_id", "f"}, {"answers", 3}}),
                       doctest::Contains("\"answers\" must be a JSON object"), Error);
  CHECK_THROWS_WITH_AS(
      store.save_draft({{"form_id", "f"}, {"answers", json::object()}, {"household", 7}}),
      doctest::Contains("\"household\" must be a household id or null"), Error);
  try {
    store.save_draft(draft_of("0123456789abcdef", json::object()));
    FAIL("saved a draft of an unknown household");
  } catch (const Error& e) {
    CHECK(e.is(ErrorCode::NotFound));
    CHECK(std::string(e.what()).find("0123456789abcdef") != std::string::npos);
  }
  CHECK_THROWS_WITH_AS(store.save_draft(draft_of("", {{"notes", std::string(70 * 1024, 'x')}})),
                       doctest::Contains("max_text_answer_bytes"), Error);
  CHECK(store.drafts().empty());
}

TEST_CASE("a stored visit deletes the draft of its form and household, and only that one") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string h = store.add_household("640323.101.200.07", {{"head_name", "A"}});
  std::string other = store.add_household("640323.101.200.07", {{"head_name", "X"}});
  store.save_draft(draft_of(h, {{"head_name", "B"}}));
  store.save_draft(draft_of(other, {{"head_name", "Y"}}));
  VisitInput visit;
  visit.household_id = h;
  visit.form_id = "household_monitoring";
  visit.form_version = "2026.1";
  visit.answers = {{"head_name", "B"}};
  visit.risk = {{"level", "green"}, {"rules", json::array()}};
  store.record_visit(visit);
  CHECK_FALSE(store.draft("household_monitoring", h));
  CHECK(store.draft("household_monitoring", other));
  CHECK(store.check().empty());
}
