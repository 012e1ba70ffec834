// The exchange API: changes since a cursor, and applying batches with per-change results.
#include <doctest/doctest.h>

#include <random>
#include <set>

#include "core/common/error.h"
#include "tests/core/replicas.h"

using doorstep::ErrorCode;
using doorstep::store::Store;
using doorstep::sync::ApplyStatus;
using doorstep::sync::Cursor;
using doorstep::sync::SignedChange;
using doorstep::test::check_problems;
using doorstep::test::make_replica;
using doorstep::test::TempDir;
using doorstep::test::trust_each_other;
using nlohmann::json;
namespace dsync = doorstep::sync;

namespace {

std::vector<SignedChange> all_changes(const Store& store) {
  return dsync::changes_since(store, Cursor{}, 1000).changes;
}

struct Pair {
  TempDir dir;
  Store a = make_replica(dir, "a");
  Store b = make_replica(dir, "b");
  std::string household;
  Pair() {
    trust_each_other({&a, &b});
    household = a.add_household("640323.101.200.07", {{"head_name", "A"}, {"income", 1}});
  }
};

// The origin device's private key, read back from its database for tests that forge.
doorstep::crypto::DeviceKey origin_key(Store& store, const std::string& secret) {
  doorstep::sqlite::Statement select(store.database(), "SELECT private_key_pem FROM device");
  REQUIRE(select.step());
  return doorstep::crypto::DeviceKey::from_encrypted_pem(select.text(0), secret);
}

}  // namespace

TEST_CASE("applying the same changes twice reports duplicates and changes nothing") {
  Pair p;
  auto changes = all_changes(p.a);
  auto first = dsync::apply_changes(p.b, changes);
  CHECK(first.count(ApplyStatus::Applied) == changes.size());
  std::string digest = p.b.digest();
  auto second = dsync::apply_changes(p.b, changes);
  CHECK(second.count(ApplyStatus::Duplicate) == changes.size());
  CHECK(p.b.digest() == digest);
  CHECK(p.b.digest() == p.a.digest());
}

TEST_CASE("changes since a cursor come in pages in arrival order") {
  Pair p;
  for (int i = 0; i < 4; ++i) p.a.set_fields(p.household, {{"income", i + 10}});
  auto page1 = dsync::changes_since(p.a, Cursor{}, 2);
  CHECK(page1.changes.size() == 2);
  CHECK_FALSE(page1.complete);
  auto page2 = dsync::changes_since(p.a, page1.next, 2);
  auto page3 = dsync::changes_since(p.a, page2.next, 2);
  CHECK(page3.changes.size() == 1);
  CHECK(page3.complete);
  CHECK(page1.changes[0].change.seq == 1);
  CHECK(page3.changes[0].change.seq == 5);
  CHECK(Cursor::parse(page2.next.to_string()).position == page2.next.position);
  CHECK_THROWS_AS(Cursor::parse("12x"), doorstep::Error);
}

TEST_CASE("changes since a cursor can be limited to a grid scope") {
  Pair p;
  p.a.add_household("640323.102.200.07", {{"head_name", "B"}});
  CHECK(dsync::changes_since(p.a, Cursor{}, 100, "640323.101").changes.size() == 1);
  CHECK(dsync::changes_since(p.a, Cursor{}, 100, "640323").changes.size() == 2);
  CHECK(dsync::changes_since(p.a, Cursor{}, 100, "640323.103").changes.empty());
}

TEST_CASE("a tampered change is rejected as a bad signature and nothing of it is stored") {
  Pair p;
  auto changes = all_changes(p.a);
  changes[0].change.ops.back().value = "2";  // income 1 -> 2, signature left as it was
  auto report = dsync::apply_changes(p.b, changes);
  REQUIRE(report.results.size() == 1);
  CHECK(report.results[0].status == ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::BadSignature);
  CHECK(report.results[0].reason.find("signature") != std::string::npos);
  CHECK(p.b.households("", "").empty());
  CHECK(dsync::max_seq_by_origin(p.b).empty());
}

TEST_CASE("a tampered signature is rejected") {
  Pair p;
  auto changes = all_changes(p.a);
  changes[0].signature[10] ^= 0x01;
  auto report = dsync::apply_changes(p.b, changes);
  CHECK(report.results[0].status == ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::BadSignature);
}

TEST_CASE("a change whose origin seq repeats with different content is rejected") {
  Pair p;
  dsync::apply_changes(p.b, all_changes(p.a));
  std::string digest = p.b.digest();
  // The origin's own key signs a different change under a seq it already used.
  auto other = all_changes(p.a)[0].change;
  other.ops.back().value = "777";
  auto resigned = dsync::sign_change(other, origin_key(p.a, "secret of a"));
  auto report = dsync::apply_changes(p.b, {resigned});
  REQUIRE(report.results.size() == 1);
  CHECK(report.results[0].status == ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::Conflict);
  CHECK(report.results[0].reason.find("already held with different content") != std::string::npos);
  CHECK(p.b.digest() == digest);
}

TEST_CASE("a change from a device the replica does not trust is rejected") {
  TempDir dir;
  Store a = make_replica(dir, "a"), stranger = make_replica(dir, "stranger");
  stranger.add_household("640323.101.200.07", json::object());
  auto report = dsync::apply_changes(a, all_changes(stranger));
  CHECK(report.results[0].status == ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::Unauthorized);
}

TEST_CASE("a rejected change does not stop the rest of its batch") {
  Pair p;
  p.a.set_fields(p.household, {{"income", 2}});
  auto changes = all_changes(p.a);
  REQUIRE(changes.size() == 2);
  changes[1].signature[0] ^= 0x80;
  auto report = dsync::apply_changes(p.b, changes);
  CHECK(report.results[0].status == ApplyStatus::Applied);
  CHECK(report.results[1].status == ApplyStatus::Rejected);
  CHECK(p.b.household(p.household)["fields"]["income"] == 1);
  CHECK(check_problems(p.b) == "");
}

// Signatures of a large batch are checked on several threads; each verdict must still land
// on its own change, in order.
TEST_CASE("in a batch large enough to verify in parallel, exactly the forged changes are refused") {
  Pair p;
  for (int i = 0; i < 150; ++i) p.a.set_fields(p.household, {{"income", 100 + i}});
  auto changes = all_changes(p.a);
  REQUIRE(changes.size() == 151);
  const std::set<size_t> forged = {0, 37, 38, 99, 150};
  for (size_t i : forged) changes[i].signature[5] ^= 0x20;
  // A change whose predecessor in the field was forged still verifies: it is applied, and
  // its pred names an op this replica never held.
  auto report = dsync::apply_changes(p.b, changes);
  REQUIRE(report.results.size() == changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    INFO("change " << i);
    CHECK(report.results[i].seq == changes[i].change.seq);
    if (forged.count(i)) {
      CHECK(report.results[i].status == ApplyStatus::Rejected);
      CHECK(report.results[i].code == ErrorCode::BadSignature);
    } else {
      CHECK(report.results[i].status == ApplyStatus::Applied);
    }
  }
  CHECK(check_problems(p.b) == "");
}

TEST_CASE("an admission hook can reject a verified change with a reason") {
  Pair p;
  dsync::VerifyPolicy policy;
  policy.admit = [](const SignedChange& c) -> std::optional<dsync::Rejection> {
    if (c.change.grid.rfind("640323.101.201", 0) != 0)
      return dsync::Rejection{ErrorCode::OutOfScope,
                              "grid " + c.change.grid + " is outside 640323.101.201"};
    return std::nullopt;
  };
  auto report = dsync::apply_changes(p.b, all_changes(p.a), policy);
  CHECK(report.results[0].status == ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::OutOfScope);
  CHECK(report.results[0].reason.find("outside 640323.101.201") != std::string::npos);
  CHECK(p.b.households("", "").empty());
}

TEST_CASE("a key source other than the trust table can be plugged in") {
  TempDir dir;
  Store a = make_replica(dir, "a"), b = make_replica(dir, "b");  // b does not trust a
  a.add_household("640323.101.200.07", json::object());
  dsync::VerifyPolicy policy;
  policy.key_for = [&](const std::string& id) -> std::optional<doorstep::crypto::PublicKey> {
    if (id == a.identity().device_id) return a.identity().public_key;
    return std::nullopt;
  };
  CHECK(dsync::apply_changes(b, all_changes(a), policy).count(ApplyStatus::Applied) == 1);
}

TEST_CASE("encoded changes round-trip, and damaged bytes are rejected naming the offset") {
  Pair p;
  auto change = all_changes(p.a)[0];
  std::string bytes = dsync::encode(change);
  auto decoded = dsync::decode(bytes);
  CHECK(dsync::encode(decoded) == bytes);
  CHECK(dsync::to_json(decoded) == dsync::to_json(change));
  CHECK(dsync::encode(dsync::signed_change_from_json(dsync::to_json(change))) == bytes);

  auto report = dsync::apply_encoded(p.b, {bytes.substr(0, bytes.size() - 10), bytes});
  CHECK(report.results[0].status == ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::Corrupt);
  CHECK(report.results[0].reason.find("byte offset") != std::string::npos);
  CHECK(report.results[1].status == ApplyStatus::Applied);

  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  CHECK_THROWS_WITH_AS(dsync::decode(bad_magic), doctest::Contains("byte offset 0"),
                       doorstep::Error);
  CHECK_THROWS_WITH_AS(dsync::decode(bytes.substr(0, 30)), doctest::Contains("truncated"),
                       doorstep::Error);
}

TEST_CASE("a change with a non-canonical value or a malformed field is refused on decode") {
  Pair p;
  auto change = all_changes(p.a)[0];
  auto spaced = change;
  spaced.change.ops.back().value = "{ \"a\": 1 }";
  CHECK_THROWS_WITH_AS(dsync::validate(spaced.change), doctest::Contains("not canonical"),
                       doorstep::Error);
  auto badfield = change;
  badfield.change.ops.back().field = "no spaces";
  CHECK_THROWS_WITH_AS(dsync::decode(dsync::encode(badfield)), doctest::Contains("field name"),
                       doorstep::Error);
}

// validate() decides most scalar values without parsing them; its verdict must be exactly
// "the value parses and re-serializes to itself" for every text, which this checks on
// hand-picked edge cases and on random byte strings built from JSON's awkward pieces.
TEST_CASE("validate accepts a field value exactly when it is canonical JSON") {
  Pair p;
  auto change = all_changes(p.a)[0];
  REQUIRE(change.change.ops.back().kind == dsync::OpKind::Set);
  auto reference = [](const std::string& text) {
    auto value = json::parse(text, nullptr, false);
    if (value.is_discarded()) return false;
    try {
      return dsync::canonical_json(value) == text;
    } catch (const json::exception&) {
      return false;
    }
  };
  auto accepted = [&](const std::string& text) {
    auto candidate = change;
    candidate.change.ops.back().value = text;
    try {
      dsync::validate(candidate.change);
      return true;
    } catch (const doorstep::Error&) {
      return false;
    }
  };
  std::vector<std::string> cases = {"0",
                                    "-0",
                                    "00",
                                    "01",
                                    "-1",
                                    "7",
                                    "123456789012345678",
                                    "1234567890123456789",
                                    "99999999999999999999",
                                    "1.0",
                                    "1e3",
                                    "true",
                                    "false",
                                    "null",
                                    "True",
                                    "\"\"",
                                    "\"a\"",
                                    "\"a\\\"b\"",
                                    "\"\\u0041\"",
                                    "\"\\n\"",
                                    "\"\x01\"",
                                    "\"\x7f\"",
                                    "\"\xe4\xb8\xad\"",
                                    "\"\xe4\xb8\"",
                                    "\"\xc0\xaf\"",
                                    "\"\xed\xa0\x80\"",
                                    "\"\xf4\x90\x80\x80\"",
                                    "\"\xf0\x9f\x98\x80\"",
                                    "\"a",
                                    "a\"",
                                    "\"",
                                    "",
                                    " 1",
                                    "1 ",
                                    "-",
                                    "--1",
                                    "+1"};
  const char* pieces[] = {"\"",   "\\",   "0",    "1",    "9",    "-",    "a",    " ",    "\x01",
                          "\x7f", "\xe4", "\xb8", "\xad", "\xc0", "\xed", "\xa0", "\xf4", "\x90",
                          "\x80", "\xf0", "\x9f", "n",    "u",    "e",    "."};
  const uint32_t seed = 20261130;
  std::mt19937 random(seed);
  for (int n = 0; n < 4000; ++n) {
    std::string text;
    size_t length = random() % 8;
    for (size_t k = 0; k < length; ++k) text += pieces[random() % std::size(pieces)];
    if (random() % 2) text = "\"" + text + "\"";
    cases.push_back(text);
  }
  for (const auto& text : cases) {
    INFO("seed " << seed << ", value bytes: "
                 << json(text).dump(-1, ' ', true, json::error_handler_t::replace));
    CHECK(accepted(text) == reference(text));
  }
}

TEST_CASE("a change stamped far in the future is applied but moves the local clock at most a day") {
  Pair p;
  p.b.observe_time({4102444800000LL, 0});  // b's clock believes it is 2100
  dsync::apply_changes(p.b, all_changes(p.a));
  p.b.set_fields(p.household, {{"income", 7}});
  auto report = dsync::apply_changes(p.a, all_changes(p.b));
  CHECK(report.count(ApplyStatus::Rejected) == 0);
  CHECK(p.a.household(p.household)["fields"]["income"] == 7);
  p.a.set_fields(p.household, {{"income", 8}});  // a saw b's edit: this supersedes it
  json history = p.a.history(p.household, "income");
  int64_t a_time = 0;
  for (const auto& op : history)
    if (op["device"] == p.a.identity().device_id) a_time = std::max<int64_t>(a_time, op["hlc"][0]);
  CHECK(a_time < doorstep::sync::physical_now_ms() + 2LL * 24 * 3600 * 1000);
  CHECK(p.a.household(p.household)["fields"]["income"] == 8);
  CHECK(p.a.conflicts().empty());
}

TEST_CASE("a change cannot edit a record of another household than its own") {
  Pair p;
  std::string other = p.a.add_household("640323.102.200.07", {{"head_name", "B"}});
  auto change = all_changes(p.a)[0].change;  // a change of the first household
  change.seq = 100;
  change.ops.back().record_id = other;  // ... reaching into a household of another grid
  auto forged = dsync::sign_change(change, origin_key(p.a, "secret of a"));
  auto report = dsync::apply_changes(p.b, {forged});
  CHECK(report.results[0].status == ApplyStatus::Rejected);
  CHECK(report.results[0].code == ErrorCode::Corrupt);
  CHECK(report.results[0].reason.find("is not a record of household") != std::string::npos);
}
