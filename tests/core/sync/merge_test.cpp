// Field merge across replicas: multi-value registers, conflicts kept, resolve ops.
#include <doctest/doctest.h>

#include <set>

#include "core/common/error.h"
#include "tests/core/replicas.h"

using doorstep::store::Store;
using doorstep::sync::FieldRule;
using doorstep::test::check_problems;
using doorstep::test::make_replica;
using doorstep::test::send_all;
using doorstep::test::TempDir;
using doorstep::test::trust_each_other;
using nlohmann::json;

namespace {

struct TwoReplicas {
  TempDir dir;
  // Village leaders: the role that resolves conflicts unless a form names another.
  Store a = make_replica(dir, "a", "", "village-leader");
  Store b = make_replica(dir, "b", "", "village-leader");
  std::string household;

  TwoReplicas() {
    trust_each_other({&a, &b});
    household = a.add_household("640323.101.200.07", {{"head_name", "王芳"}, {"income", 4000}});
    send_all(a, b);
  }
  void exchange() {
    send_all(a, b);
    send_all(b, a);
  }
};

}  // namespace

TEST_CASE("concurrent edits of different fields merge silently") {
  TwoReplicas r;
  r.a.set_fields(r.household, {{"income", 5200}});
  r.b.set_fields(r.household, {{"head_name", "王小芳"}});
  r.exchange();
  for (Store* s : {&r.a, &r.b}) {
    json shown = s->household(r.household);
    CHECK(shown["fields"]["income"] == 5200);
    CHECK(shown["fields"]["head_name"] == "王小芳");
    CHECK(shown["conflicts"].empty());
    CHECK(check_problems(*s) == "");
  }
  CHECK(r.a.digest() == r.b.digest());
}

TEST_CASE(
    "concurrent edits of one field with different values become a conflict with both values") {
  TwoReplicas r;
  r.a.set_fields(r.household, {{"income", 5200}});
  r.b.set_fields(r.household, {{"income", 4800}});
  r.exchange();
  for (Store* s : {&r.a, &r.b}) {
    json conflicts = s->conflicts();
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0]["record"] == r.household);
    CHECK(conflicts[0]["field"] == "income");
    std::set<json> values;
    for (const auto& v : conflicts[0]["values"]) values.insert(v["value"]);
    CHECK(values == std::set<json>{5200, 4800});
    // The provisional winner (listed first) is what the field shows, the same everywhere.
    CHECK(s->household(r.household)["fields"]["income"] == conflicts[0]["values"][0]["value"]);
  }
  CHECK(r.a.household(r.household)["fields"] == r.b.household(r.household)["fields"]);
  CHECK(r.a.digest() == r.b.digest());
}

TEST_CASE("concurrent edits of one field to the same value are not a conflict") {
  TwoReplicas r;
  r.a.set_fields(r.household, {{"income", 5200}});
  r.b.set_fields(r.household, {{"income", 5200}});
  r.exchange();
  CHECK(r.a.conflicts().empty());
  CHECK(r.b.conflicts().empty());
  CHECK(r.a.digest() == r.b.digest());
}

TEST_CASE("a resolve op closes the conflict on every replica it reaches") {
  TempDir dir;
  Store a = make_replica(dir, "a"), c = make_replica(dir, "c");
  Store b = make_replica(dir, "b", "", "village-leader");  // who resolves
  trust_each_other({&a, &b, &c});
  std::string h = a.add_household("640323.101.200.07", {{"income", 4000}});
  send_all(a, b);
  a.set_fields(h, {{"income", 5200}});
  b.set_fields(h, {{"income", 4800}});
  send_all(a, b);
  REQUIRE(b.conflicts().size() == 1);
  b.resolve(h, "income", 5000);
  CHECK(b.conflicts().empty());
  send_all(b, c);  // c learns the conflict and its resolution together
  send_all(b, a);
  for (Store* s : {&a, &b, &c}) {
    CHECK(s->conflicts().empty());
    CHECK(s->household(h)["fields"]["income"] == 5000);
    CHECK(check_problems(*s) == "");
  }
  CHECK(a.digest() == b.digest());
  CHECK(b.digest() == c.digest());
  json history = b.history(h, "income");
  CHECK(history.back()["kind"] == "resolve");
  CHECK(history.back()["supersedes"].size() == 2);
}

TEST_CASE("an edit concurrent with a resolve reopens the conflict") {
  TwoReplicas r;
  r.a.set_fields(r.household, {{"income", 5200}});
  r.b.set_fields(r.household, {{"income", 4800}});
  r.exchange();
  r.a.resolve(r.household, "income", 5000);
  r.b.set_fields(r.household, {{"income", 4900}});
  r.exchange();
  REQUIRE(r.a.conflicts().size() == 1);
  CHECK(r.a.conflicts()[0]["values"].size() == 2);
  CHECK(r.a.digest() == r.b.digest());
}

TEST_CASE("resolving a field without a conflict is refused") {
  TwoReplicas r;
  CHECK_THROWS_WITH_AS(r.a.resolve(r.household, "income", 1), doctest::Contains("no conflict"),
                       doorstep::Error);
}

TEST_CASE("under the lww rule several heads show the latest value and list no conflict") {
  TwoReplicas r;
  r.a.set_merge_rules({{"income", FieldRule::Lww}});
  r.a.set_fields(r.household, {{"income", 5200}});
  r.b.set_fields(r.household, {{"income", 4800}});
  r.exchange();
  CHECK(r.a.conflicts().empty());
  CHECK(r.b.conflicts().size() == 1);  // b has no lww rule: review is the default
  CHECK(r.a.household(r.household)["fields"]["income"] ==
        r.b.household(r.household)["fields"]["income"]);
  // The rule only changes presentation: the state and its digest are the same.
  CHECK(r.a.digest() == r.b.digest());
}

TEST_CASE("a skewed clock never rejects an op and only picks the provisional winner") {
  TwoReplicas r;
  r.b.observe_time({4102444800000LL, 0});  // b's clock believes it is 2100
  r.b.set_fields(r.household, {{"income", 4800}});
  r.a.set_fields(r.household, {{"income", 5200}});
  auto report = send_all(r.b, r.a);
  CHECK(report.count(doorstep::sync::ApplyStatus::Rejected) == 0);
  CHECK(report.count(doorstep::sync::ApplyStatus::Applied) >= 1);
  send_all(r.a, r.b);
  for (Store* s : {&r.a, &r.b}) {
    CHECK(s->household(r.household)["fields"]["income"] == 4800);
    CHECK(s->conflicts().size() == 1);  // still a conflict: the clock did not decide it
  }
}

TEST_CASE("a conflict on a record whose create has not arrived is listed once it has") {
  TwoReplicas r;
  TempDir dir;
  Store relayed = make_replica(dir, "relayed", "", "village-leader");
  trust_each_other({&r.a, &r.b, &relayed});
  std::string member = r.a.add_member(r.household, {{"name", "王小明"}});
  r.exchange();
  r.a.set_fields(member, {{"age", 7}});
  r.b.set_fields(member, {{"age", 8}});
  // A relay hands over the household and both edits, not yet the change creating the member.
  auto changes = doorstep::sync::changes_since(r.a, doorstep::sync::Cursor{}, 100).changes;
  for (const auto& c : doorstep::sync::changes_since(r.b, doorstep::sync::Cursor{}, 100).changes)
    if (c.change.origin == r.b.identity().device_id) changes.push_back(c);
  std::vector<doorstep::sync::SignedChange> without_create, create;
  for (const auto& c : changes) {
    bool creates = false;
    for (const auto& op : c.change.ops)
      creates = creates || (op.kind == doorstep::sync::OpKind::Create && op.record_id == member);
    (creates ? create : without_create).push_back(c);
  }
  REQUIRE(create.size() == 1);
  doorstep::sync::apply_changes(relayed, without_create);
  CHECK(relayed.conflicts().empty());
  CHECK(check_problems(relayed) == "");

  doorstep::sync::apply_changes(relayed, create);
  json conflicts = relayed.conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0]["record"] == member);
  relayed.resolve(member, "age", 8);
  CHECK(relayed.conflicts().empty());
  CHECK(check_problems(relayed) == "");
}

TEST_CASE(
    "a grid worker's resolve is refused naming who may resolve, and a village leader's works") {
  TwoReplicas r;
  TempDir dir;
  Store worker = make_replica(dir, "worker");
  trust_each_other({&r.a, &r.b, &worker});
  r.a.set_fields(r.household, {{"income", 5200}});
  r.b.set_fields(r.household, {{"income", 4800}});
  r.exchange();
  send_all(r.a, worker);
  send_all(r.b, worker);
  REQUIRE(worker.conflicts().size() == 1);
  std::string before = worker.digest();
  CHECK_THROWS_WITH_AS(worker.resolve(r.household, "income", 5000),
                       doctest::Contains("may be resolved by a village-leader or above; this "
                                         "device is a grid-worker"),
                       doorstep::Error);
  CHECK(worker.digest() == before);  // nothing written
  r.a.resolve(r.household, "income", 5000);
  send_all(r.a, worker);
  CHECK(worker.conflicts().empty());
  CHECK(worker.household(r.household)["fields"]["income"] == 5000);
}

TEST_CASE("a form's resolver role decides who may resolve a field, above or below the default") {
  TwoReplicas r;
  TempDir dir;
  Store worker = make_replica(dir, "worker");
  trust_each_other({&r.a, &r.b, &worker});
  r.a.set_fields(r.household, {{"income", 5200}, {"head_name", "王芳芳"}});
  r.b.set_fields(r.household, {{"income", 4800}, {"head_name", "王方"}});
  r.exchange();
  send_all(r.a, worker);
  send_all(r.b, worker);
  std::map<std::string, doorstep::sync::MergeRule> rules = {
      {"income", {FieldRule::Review, doorstep::crypto::DeviceRole::Township}},
      {"head_name", {FieldRule::Review, doorstep::crypto::DeviceRole::GridWorker}}};
  r.a.set_merge_rules(rules);
  worker.set_merge_rules(rules);
  CHECK(r.a.field_merge_rule("income").resolver == doorstep::crypto::DeviceRole::Township);
  CHECK_THROWS_WITH_AS(r.a.resolve(r.household, "income", 5000),
                       doctest::Contains("may be resolved by a township or above; this device "
                                         "is a village-leader"),
                       doorstep::Error);
  worker.resolve(r.household, "head_name", "王芳");
  CHECK(worker.household(r.household)["fields"]["head_name"] == "王芳");
}

TEST_CASE("a proposal for a conflict syncs as a record and is listed beside its values") {
  TwoReplicas r;
  TempDir dir;
  Store worker = make_replica(dir, "worker");
  trust_each_other({&r.a, &r.b, &worker});
  send_all(r.a, worker);
  CHECK_THROWS_WITH_AS(worker.propose(r.household, "income", 5000, ""),
                       doctest::Contains("no conflict to propose a value for"), doorstep::Error);
  r.a.set_fields(r.household, {{"income", 5200}});
  r.b.set_fields(r.household, {{"income", 4800}});
  r.exchange();
  send_all(r.a, worker);
  worker.propose(r.household, "income", 5000, "pay slip");
  send_all(worker, r.b);
  json conflicts = r.b.conflicts();
  REQUIRE(conflicts.size() == 1);
  REQUIRE(conflicts[0]["proposals"].size() == 1);
  CHECK(conflicts[0]["proposals"][0]["value"] == 5000);
  CHECK(conflicts[0]["proposals"][0]["note"] == "pay slip");
  CHECK(conflicts[0]["proposals"][0]["author"] == "worker");
  CHECK(r.a.conflicts()[0]["proposals"].empty());  // not synced there yet
  CHECK(check_problems(r.b) == "");
  CHECK(check_problems(worker) == "");
}
