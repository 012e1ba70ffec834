// Scope comes from the record, never from the claim: every replica checks the grid a change
// states for its household against the grids stored with the household (where it was
// created, where moves took it), refuses a second create of a household, and keeps its state
// a function of the set of changes it holds whatever their order of arrival.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/common/error.h"
#include "tests/core/replicas.h"

using doorstep::ErrorCode;
using doorstep::store::Store;
using doorstep::sync::ApplyStatus;
using doorstep::sync::Change;
using doorstep::sync::Cursor;
using doorstep::sync::Op;
using doorstep::sync::OpKind;
using doorstep::sync::SignedChange;
using doorstep::test::check_problems;
using doorstep::test::make_replica;
using doorstep::test::TempDir;
using doorstep::test::trust_each_other;
using nlohmann::json;
namespace dsync = doorstep::sync;

namespace {

constexpr const char* kGridA = "640323.101.200.01";
constexpr const char* kGridB = "640323.101.200.02";
constexpr const char* kVillage = "640323.101.200";

std::vector<SignedChange> all_changes(const Store& store) {
  return dsync::changes_since(store, Cursor{}, 1000).changes;
}

// A change signed with `author`'s own key (read back from its database), stating whatever
// household and grid the test wants: what a tampered build of the app could send.
SignedChange forge(Store& author, uint64_t seq, const std::string& household,
                   const std::string& grid, std::vector<Op> ops) {
  doorstep::sqlite::Statement select(author.database(), "SELECT private_key_pem FROM device");
  REQUIRE(select.step());
  auto key = doorstep::crypto::DeviceKey::from_encrypted_pem(select.text(0),
                                                             "secret of " + author.identity().name);
  Change change;
  change.origin = author.identity().device_id;
  change.seq = seq;
  change.author = author.identity().name;
  change.household = household;
  change.grid = grid;
  for (auto& op : ops) op.time = dsync::Hlc{dsync::physical_now_ms(), 0};
  change.ops = std::move(ops);
  dsync::validate(change);
  return dsync::sign_change(std::move(change), key);
}

Op set_op(const std::string& household, const std::string& field, const json& value) {
  Op op;
  op.kind = OpKind::Set;
  op.record_type = "household";
  op.record_id = household;
  op.field = field;
  op.value = dsync::canonical_json(value);
  return op;
}

Op create_household_op(const std::string& household, const std::string& grid) {
  Op op;
  op.kind = OpKind::Create;
  op.record_type = "household";
  op.record_id = household;
  op.value = dsync::canonical_json({{"grid", grid}});
  return op;
}

// Grid worker A (scope kGridA) with a household, grid worker B (kGridB), a village leader
// and a county replica that trust each other.
struct Village {
  TempDir dir;
  Store a = make_replica(dir, "a", kGridA);
  Store b = make_replica(dir, "b", kGridB);
  Store leader = make_replica(dir, "leader", kVillage);
  Store county = make_replica(dir, "county");
  std::string household;
  Village() {
    trust_each_other({&a, &b, &leader, &county});
    household = a.add_household(kGridA, {{"head_name", "马兰"}, {"income", 4000}});
    a.add_member(household, {{"name", "马小兰"}, {"id_number", "640323200001011234"}});
    doorstep::test::send_all(a, county);
  }
};

}  // namespace

TEST_CASE("a change stating a grid its household never lived at is rejected out_of_scope") {
  Village v;
  std::string digest = v.county.digest();
  auto forged = forge(v.b, 100, v.household, kGridB, {set_op(v.household, "head_name", "冒名")});
  auto report = dsync::apply_changes(v.county, {forged});
  REQUIRE(report.results[0].status == ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::OutOfScope);
  CHECK(report.results[0].reason.find(v.household) != std::string::npos);
  CHECK(report.results[0].reason.find(kGridA) != std::string::npos);
  CHECK(report.results[0].reason.find(kGridB) != std::string::npos);
  CHECK(v.county.household(v.household)["fields"]["head_name"] == "马兰");
  CHECK(v.county.digest() == digest);
  CHECK(check_problems(v.county) == "");
}

TEST_CASE("a second create of a household id is refused and never moves the household") {
  Village v;
  std::string digest = v.county.digest();
  // B's forged create of A's household at B's grid, with a head name of its own.
  auto takeover =
      forge(v.b, 100, v.household, kGridB,
            {create_household_op(v.household, kGridB), set_op(v.household, "head_name", "冒名")});
  // A's device sorts after B's in op keys or not; refused either way.
  auto moved = dsync::apply_changes(v.county, {takeover});
  REQUIRE(moved.results[0].status == ApplyStatus::Rejected);
  CHECK(moved.results[0].code == ErrorCode::OutOfScope);
  // A create at the household's own grid (by a device of that grid) is refused as well.
  auto again = forge(v.a, 100, v.household, kGridA, {create_household_op(v.household, kGridA)});
  auto recreated = dsync::apply_changes(v.county, {again});
  REQUIRE(recreated.results[0].status == ApplyStatus::Rejected);
  CHECK(recreated.results[0].code == ErrorCode::Conflict);

  CHECK(v.county.household(v.household)["grid"] == kGridA);
  CHECK(v.county.households(kGridB, "").empty());
  CHECK(v.county.digest() == digest);
  // What B's scope gets from the county holds nothing of A's household.
  CHECK(dsync::changes_since(v.county, Cursor{}, 100, kGridB).changes.empty());
  CHECK(check_problems(v.county) == "");
}

TEST_CASE("edits that arrive before their household's create take effect once it arrives") {
  Village v;
  v.a.set_fields(v.household, {{"income", 5200}});
  auto forged = forge(v.b, 100, v.household, kGridB, {set_op(v.household, "income", 1)});
  std::vector<SignedChange> legit = all_changes(v.a);
  REQUIRE(legit.size() == 3);

  // One replica gets the edits first (the forged one among them), then the create; another
  // gets the create first, and rejects the forged edit outright.
  TempDir dir;
  Store early = make_replica(dir, "early"), late = make_replica(dir, "late");
  trust_each_other({&early, &late, &v.a, &v.b});
  auto held = dsync::apply_changes(early, {legit[2], legit[1], forged});
  for (const auto& r : held.results) CHECK(r.status == ApplyStatus::Applied);
  CHECK(early.households("", "").empty());
  CHECK(early.conflicts().empty());
  CHECK(check_problems(early) == "");
  dsync::apply_changes(early, {legit[0]});

  auto ordered = dsync::apply_changes(late, {legit[0], legit[1], legit[2], forged});
  CHECK(ordered.results[3].status == ApplyStatus::Rejected);

  for (Store* s : {&early, &late}) {
    json shown = s->household(v.household);
    CHECK(shown["grid"] == kGridA);
    CHECK(shown["fields"]["income"] == 5200);
    CHECK(shown["members"].size() == 1);
    CHECK(check_problems(*s) == "");
  }
  CHECK(early.digest() == late.digest());
  CHECK(early.digest() == v.a.digest());
}

TEST_CASE("a village leader moves a household, and the move stays in its history and syncs") {
  Village v;
  doorstep::test::send_all(v.a, v.leader);
  v.leader.move_household(v.household, kGridB, "the family moved across the river");
  json shown = v.leader.household(v.household);
  CHECK(shown["grid"] == kGridB);
  CHECK_FALSE(shown["fields"].contains("grid"));
  CHECK(v.leader.households(kGridB, "").size() == 1);
  CHECK(v.leader.households(kGridA, "").empty());
  json history = v.leader.history(v.household, "grid");
  REQUIRE(history.size() == 1);
  CHECK(history[0]["kind"] == "move");
  CHECK(history[0]["value"]["reason"] == "the family moved across the river");
  CHECK(check_problems(v.leader) == "");

  doorstep::test::send_all(v.leader, v.county);
  CHECK(v.county.household(v.household)["grid"] == kGridB);
  // From now on the household's changes state its new grid; B may edit it, as the county
  // does for a change stating the new grid.
  doorstep::test::send_all(v.leader, v.b);
  CHECK(v.b.household(v.household)["grid"] == kGridB);
  v.b.set_fields(v.household, {{"income", 6100}});
  auto report = doorstep::test::send_all(v.b, v.county);
  CHECK(report.count(ApplyStatus::Rejected) == 0);
  CHECK(v.county.household(v.household)["fields"]["income"] == 6100);
  CHECK(check_problems(v.county) == "");
}

TEST_CASE("a move needs a scope covering both grids, and a real move") {
  Village v;
  CHECK_THROWS_WITH_AS(v.a.move_household(v.household, kGridB, "moved"),
                       doctest::Contains("outside this device's scope"), doorstep::Error);
  doorstep::test::send_all(v.a, v.leader);
  CHECK_THROWS_WITH_AS(v.leader.move_household(v.household, kGridA, "moved"),
                       doctest::Contains("already"), doorstep::Error);
  CHECK_THROWS_WITH_AS(v.leader.move_household(v.household, kGridB, ""),
                       doctest::Contains("--reason"), doorstep::Error);
  CHECK_THROWS_WITH_AS(v.leader.move_household(v.household, "640323.101.201.01", "moved"),
                       doctest::Contains("outside this device's scope"), doorstep::Error);
  CHECK(v.leader.household(v.household)["grid"] == kGridA);
  // A set op on the grid field is not a move: refused as malformed.
  CHECK_THROWS_AS(forge(v.a, 100, v.household, kGridA, {set_op(v.household, "grid", kGridB)}),
                  doorstep::Error);
}

TEST_CASE("a move racing an edit converges in either order of arrival") {
  Village v;
  doorstep::test::send_all(v.a, v.leader);
  doorstep::test::send_all(v.a, v.b);
  size_t held = all_changes(v.a).size();
  v.a.set_fields(v.household, {{"income", 4500}});              // A has not seen the move
  v.leader.move_household(v.household, kGridB, "new address");  // the leader, A's edit
  auto edit = all_changes(v.a).back();
  auto move = all_changes(v.leader).back();
  REQUIRE(all_changes(v.a).size() == held + 1);

  TempDir dir;
  Store first_edit = make_replica(dir, "first-edit"), first_move = make_replica(dir, "first-move");
  trust_each_other({&first_edit, &first_move, &v.a, &v.leader});
  auto base = all_changes(v.a);
  base.pop_back();
  for (Store* s : {&first_edit, &first_move}) dsync::apply_changes(*s, base);
  auto r1 = dsync::apply_changes(first_edit, {edit, move});
  auto r2 = dsync::apply_changes(first_move, {move, edit});
  CHECK(r1.count(ApplyStatus::Rejected) == 0);
  CHECK(r2.count(ApplyStatus::Rejected) == 0);
  for (Store* s : {&first_edit, &first_move}) {
    json shown = s->household(v.household);
    CHECK(shown["grid"] == kGridB);
    CHECK(shown["fields"]["income"] == 4500);
    CHECK(check_problems(*s) == "");
  }
  CHECK(first_edit.digest() == first_move.digest());
}

TEST_CASE("edits stating a household's new grid wait for the move and then take effect") {
  Village v;
  doorstep::test::send_all(v.a, v.leader);
  v.leader.move_household(v.household, kGridB, "new address");
  doorstep::test::send_all(v.leader, v.b);
  v.b.set_fields(v.household, {{"income", 7000}});
  auto move = all_changes(v.leader).back();
  auto edit = all_changes(v.b).back();
  // The county gets B's edit (stating kGridB) before the move that took the household there.
  auto early = dsync::apply_changes(v.county, {edit});
  CHECK(early.results[0].status == ApplyStatus::Rejected);  // a grid it never lived at, yet
  CHECK(early.results[0].code == ErrorCode::OutOfScope);
  dsync::apply_changes(v.county, {move});
  CHECK(dsync::apply_changes(v.county, {edit}).results[0].status == ApplyStatus::Applied);
  CHECK(v.county.household(v.household)["fields"]["income"] == 7000);

  // A replica that holds the edit before the household's create at all (a relay's order)
  // folds it once the create and the move are there, whatever their order.
  TempDir dir;
  Store relayed = make_replica(dir, "relayed");
  trust_each_other({&relayed, &v.a, &v.b, &v.leader});
  auto from_a = all_changes(v.a);
  dsync::apply_changes(relayed, {edit});
  dsync::apply_changes(relayed, {move});
  dsync::apply_changes(relayed, from_a);
  CHECK(relayed.household(v.household)["fields"]["income"] == 7000);
  CHECK(relayed.household(v.household)["grid"] == kGridB);
  CHECK(check_problems(relayed) == "");
  CHECK(relayed.digest() == v.county.digest());
}
