// Store::scan_member_ids: the members' ID numbers the county matches department data against,
// read off the index of store migration 9.
#include <doctest/doctest.h>

#include <map>

#include "tests/core/replicas.h"

using doorstep::store::MemberIdNumber;
using doorstep::store::Store;
using doorstep::test::make_replica;
using doorstep::test::TempDir;
using nlohmann::json;

namespace {

std::map<std::string, MemberIdNumber> scanned(const Store& store) {
  std::map<std::string, MemberIdNumber> out;
  store.scan_member_ids([&](const MemberIdNumber& row) { out[row.id_number] = row; });
  return out;
}

}  // namespace

TEST_CASE("the scan gives every current member's ID number as stored, with its household") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  std::string first = store.add_household(
      "640323.101.200.01",
      {{"head_name", "杨德明"},
       {"head_id_number", "640323196201051734"},
       {"members", json::array({{{"name", "杨德明"}, {"id_number", "640323196201051734"}},
                                {{"name", "杨小花"}, {"id_number", " 640323201411221862"}},
                                {{"name", "无证"}}})}});
  std::string second = store.add_household("640323.101.200.02", {{"head_name", "王芳"}});
  std::string wang =
      store.add_member(second, {{"name", "王芳"}, {"id_number", "64032319800101001x"}});
  store.add_member(second, {{"name", "数字"}, {"id_number", 640323}});  // not text: skipped

  auto rows = scanned(store);
  REQUIRE(rows.size() == 3);
  CHECK(rows["640323196201051734"].household == first);
  CHECK(rows[" 640323201411221862"].household == first);  // as stored: normalising is the caller's
  CHECK(rows["64032319800101001x"].member == wang);
  CHECK(rows["64032319800101001x"].household == second);
  // The head_id_number of a household is not a member's.
  size_t count = 0;
  store.scan_member_ids([&](const MemberIdNumber&) { ++count; });
  CHECK(count == 3);

  SUBCASE("a departed member is no longer matched") {
    store.member_leave(wang, "moved_out", "2026-11-01");
    CHECK(scanned(store).count("64032319800101001x") == 0);
  }
  SUBCASE("a corrected number replaces the old one") {
    store.set_fields(wang, {{"id_number", "640323198001010011"}});
    auto after = scanned(store);
    CHECK(after.count("64032319800101001x") == 0);
    CHECK(after["640323198001010011"].member == wang);
  }
}

TEST_CASE("the scan reads the ID-number index, not every field of every record") {
  TempDir dir;
  Store store = make_replica(dir, "li");
  doorstep::sqlite::Statement plan(
      store.database(),
      "EXPLAIN QUERY PLAN SELECT v.record_id, v.value FROM field_values v "
      "WHERE v.field = 'id_number'");
  std::string details;
  while (plan.step()) details += plan.text(3) + "\n";
  CHECK_MESSAGE(details.find("field_values_id_numbers") != std::string::npos, details);
}
