// Bundle files between real stores: what arrives, what is refused and why, and how
// acknowledgements make the next export shrink.
#include "core/sync/bundle.h"

#include <doctest/doctest.h>

#include "core/sync/exchange.h"
#include "tests/core/sync/sync_fixtures.h"

using namespace doorstep;
using namespace doorstep::sync;
using namespace doorstep::sync::testing;
using crypto::DeviceRole;

namespace {

constexpr const char* kGrid = "640323.101.200.07";
constexpr const char* kOtherGrid = "640323.101.200.08";
constexpr const char* kVillage = "640323.101.200";

struct Topology {
  test::TempDir dir;
  TestCounty county{dir.path()};
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  Device leader = county.enroll("leader", DeviceRole::VillageLeader, kVillage);
  Device center = county.enroll("county", DeviceRole::County, "640323");
};

BundleImport send(Device& from, Device& to, bool full = false) {
  BundleExportOptions options;
  options.full = full;
  auto bundle = export_bundle(*from.replica, to.cert(), std::move(options));
  return import_bundle(*to.replica, bundle.bytes);
}

}  // namespace

TEST_CASE("a grid worker's household reaches the county through the village leader intact") {
  Topology t;
  std::string id = t.worker.store->add_household(kGrid, {{"head_name", "Wang Fang"}});
  auto first = send(t.worker, t.leader);
  CHECK(first.complete);
  CHECK(first.sender == t.worker.id());
  CHECK(first.imported == 1);
  CHECK(first.rejected.empty());
  auto second = send(t.leader, t.center);
  CHECK(second.complete);
  CHECK(second.imported == 1);
  CHECK(second.rejected.empty());
  CHECK(t.center.store->household(id)["fields"]["head_name"] == "Wang Fang");
  CHECK(t.center.store->digest(kGrid) == t.worker.store->digest(kGrid));
  // The change at the county is still the worker's, signed by the worker.
  auto page = changes_since(*t.center.store, Cursor{}, 10, kGrid);
  REQUIRE(page.changes.size() == 1);
  CHECK(page.changes[0].change.origin == t.worker.id());
}

TEST_CASE("importing a bundle twice is a no-op and acknowledgements shrink the next export") {
  Topology t;
  t.worker.store->add_household(kGrid, {{"head_name", "A"}});
  t.worker.store->add_household(kGrid, {{"head_name", "B"}});
  auto bundle = export_bundle(*t.worker.replica, t.leader.cert());
  CHECK(bundle.changes == 2);
  auto once = import_bundle(*t.leader.replica, bundle.bytes);
  CHECK(once.imported == 2);
  auto twice = import_bundle(*t.leader.replica, bundle.bytes);
  CHECK(twice.imported == 0);
  CHECK(twice.duplicates == 2);
  std::string digest = t.leader.store->digest();
  // Without an acknowledgement the worker would send both again.
  CHECK(export_bundle(*t.worker.replica, t.leader.cert()).changes == 2);
  // The leader's bundle back carries its checkpoint; after it the worker sends nothing old.
  auto back = send(t.leader, t.worker);
  CHECK(back.complete);
  CHECK(export_bundle(*t.worker.replica, t.leader.cert()).changes == 0);
  t.worker.store->add_household(kGrid, {{"head_name", "C"}});
  CHECK(export_bundle(*t.worker.replica, t.leader.cert()).changes == 1);
  BundleExportOptions full;
  full.full = true;
  CHECK(export_bundle(*t.worker.replica, t.leader.cert(), std::move(full)).changes == 3);
  CHECK(t.leader.store->digest() == digest);
}

TEST_CASE("a bundle for someone else cannot be read") {
  Topology t;
  t.worker.store->add_household(kGrid, {{"head_name", "A"}});
  auto bundle = export_bundle(*t.worker.replica, t.leader.cert());
  CHECK_THROWS_WITH_AS(import_bundle(*t.center.replica, bundle.bytes),
                       doctest::Contains("addressed to another recipient"), Error);
}

TEST_CASE("a truncated bundle imports its intact prefix and says where it broke") {
  Topology t;
  for (int i = 0; i < 12; ++i)
    t.worker.store->add_household(kGrid, {{"head_name", "H" + std::to_string(i)}});
  BundleExportOptions options;
  options.page_size = 5;
  auto bundle = export_bundle(*t.worker.replica, t.leader.cert(), std::move(options));
  REQUIRE(bundle.changes == 12);
  uint64_t last = 0;
  for (size_t cut = bundle.bytes.size() / 3; cut < bundle.bytes.size(); cut += 97) {
    CAPTURE(cut);
    auto report = import_bundle(*t.leader.replica, bundle.bytes.substr(0, cut));
    CHECK_FALSE(report.complete);
    CHECK_FALSE(report.problem.empty());
    CHECK(report.rejected.empty());
    CHECK(report.imported + report.duplicates >= last);
    last = report.imported + report.duplicates;
  }
  auto whole = import_bundle(*t.leader.replica, bundle.bytes);
  CHECK(whole.complete);
  CHECK(whole.imported + whole.duplicates == 12);
  CHECK(t.leader.store->digest(kGrid) == t.worker.store->digest(kGrid));
}

TEST_CASE("a change outside its author's certified scope is rejected with a reason") {
  Topology t;
  // The store lets this device write anywhere in the village, but the county certified
  // grid 08 only.
  Device wide = t.county.enroll("wide", DeviceRole::GridWorker, kVillage, kOtherGrid);
  wide.store->add_household(kOtherGrid, {{"head_name", "Inside"}});
  wide.store->add_household(kGrid, {{"head_name", "Outside"}});
  auto report = send(wide, t.leader);
  CHECK(report.complete);
  CHECK(report.imported == 1);
  REQUIRE(report.rejected.size() == 1);
  CHECK(report.rejected[0].origin == wide.id());
  CHECK(report.rejected[0].reason.find("outside the scope 640323.101.200.08") != std::string::npos);
  auto json = to_json(report);
  CHECK(json["rejected"][0]["op"] == wide.id() + "." + std::to_string(report.rejected[0].seq));
}

TEST_CASE("exports carry only what lies in the recipient's scope") {
  Topology t;
  Device neighbour = t.county.enroll("neighbour", DeviceRole::GridWorker, kOtherGrid);
  neighbour.store->add_household(kOtherGrid, {{"head_name", "Z"}});
  CHECK(send(neighbour, t.leader).imported == 1);
  // The leader exports for the worker's scope only: nothing of grid 08 goes to grid 07.
  CHECK(export_bundle(*t.leader.replica, t.worker.cert()).changes == 0);
  CHECK(export_bundle(*t.leader.replica, t.center.cert()).changes == 1);
}

TEST_CASE("a revoked device's bundle is refused, and its changes relayed by others are rejected") {
  Topology t;
  Device stranger = t.county.enroll("other-worker", DeviceRole::GridWorker, kOtherGrid);
  stranger.store->add_household(kOtherGrid, {{"head_name", "Z"}});
  CHECK(send(stranger, t.leader).imported == 1);
  auto crl = t.county.revoke({stranger.cert()});
  CHECK(t.center.replica->offer_revocation_list(crl.der));
  CHECK_THROWS_WITH_AS(send(stranger, t.center), doctest::Contains("is revoked"), Error);
  auto relayed = send(t.leader, t.center);
  CHECK(relayed.imported == 0);
  REQUIRE(relayed.rejected.size() == 1);
  CHECK(relayed.rejected[0].origin == stranger.id());
  CHECK(relayed.rejected[0].reason.find("revoked") != std::string::npos);
  // The revocation list travels down with the county's next bundle.
  send(t.center, t.leader);
  CHECK_FALSE(t.leader.replica->revocation_list().empty());
  CHECK_THROWS_WITH_AS(send(stranger, t.leader), doctest::Contains("is revoked"), Error);
}
