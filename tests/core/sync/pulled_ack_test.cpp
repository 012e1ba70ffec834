// A pulled page moves the Acked checkpoint past itself only when nothing else was written
// after that checkpoint: what a device pulled is not pushed back, and what it wrote itself
// always is.
#include <doctest/doctest.h>

#include <thread>

#include "core/sync/change_verifier.h"
#include "core/sync/outbox.h"
#include "tests/core/sync/sync_fixtures.h"

using namespace doorstep;
using namespace doorstep::sync;
using namespace doorstep::sync::testing;
using crypto::DeviceRole;

namespace {

constexpr const char* kGrid = "640323.101.200.07";

// Everything of `from` the peer `to` may hold, as one pulled page ingested by `to`.
AckMessage pull_into(Replica& to, Replica& from, const std::string& county_scope) {
  auto page = next_page_for(from, to.identity().device_id, to.claims().scope, 0, 1000);
  ChangeVerifier verifier(to);
  verifier.learn(page.certificates);
  return verifier.ingest_pulled("pull", page.changes, from.identity().device_id, county_scope);
}

// What `device` would push to `peer` from its Acked checkpoint.
size_t unacked(Replica& device, const std::string& peer, const std::string& scope) {
  uint64_t acked = device.state().checkpoint(peer, scope, CheckpointKind::Acked);
  return next_page_for(device, peer, scope, acked, 1000).changes.size();
}

}  // namespace

TEST_CASE("a pulled page is acknowledged to its sender unless something local came after") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device center = county.enroll("county", DeviceRole::County, "640323");
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  Device partner = county.enroll("partner", DeviceRole::GridWorker, kGrid);
  const std::string& county_id = center.id();

  // The partner's households reach the county (as a push would).
  for (int i = 0; i < 3; ++i)
    partner.store->add_household(kGrid, {{"head_name", "p" + std::to_string(i)}});
  {
    auto page = next_page_for(*partner.replica, county_id, "640323", 0, 1000);
    ChangeVerifier verifier(*center.replica);
    verifier.learn(page.certificates);
    REQUIRE(verifier.ingest("b1", page.changes).stored == 3);
  }

  SUBCASE("nothing local: the pulled changes are not pushed back") {
    CHECK(pull_into(*worker.replica, *center.replica, "640323").stored == 3);
    CHECK(unacked(*worker.replica, county_id, "640323") == 0);
    // A later local change is still pushed.
    worker.store->add_household(kGrid, {{"head_name", "mine"}});
    CHECK(unacked(*worker.replica, county_id, "640323") == 1);
  }

  SUBCASE("a local change after the checkpoint keeps it: that change is never skipped") {
    std::string mine = worker.store->add_household(kGrid, {{"head_name", "mine"}});
    CHECK(pull_into(*worker.replica, *center.replica, "640323").stored == 3);
    auto acked = worker.replica->state().checkpoint(county_id, "640323", CheckpointKind::Acked);
    auto page = next_page_for(*worker.replica, county_id, "640323", acked, 1000);
    bool has_mine = false;
    for (const auto& blob : page.changes)
      has_mine |= decode(std::string(blob.begin(), blob.end())).change.origin == worker.id();
    CHECK(has_mine);
    CHECK(page.changes.size() == 4);  // its own change and, harmlessly, the pulled three
  }

  SUBCASE("another connection writing while pages are pulled: every local change stays") {
    // A second Store on the same file stands for another process (its own SQLite
    // connection); it writes while the device ingests pages from the county one by one.
    auto writer_store = store::Store::open(dir / "worker-3.db");
    std::thread writer([&] {
      for (int i = 0; i < 20; ++i)
        writer_store.add_household(kGrid, {{"head_name", "w" + std::to_string(i)}});
    });
    for (int round = 0; round < 20; ++round) {
      partner.store->add_household(kGrid, {{"head_name", "r" + std::to_string(round)}});
      auto page = next_page_for(*partner.replica, county_id, "640323", 0, 1000);
      ChangeVerifier to_county(*center.replica);
      to_county.learn(page.certificates);
      to_county.ingest("r" + std::to_string(round), page.changes);
      pull_into(*worker.replica, *center.replica, "640323");
    }
    writer.join();
    auto acked = worker.replica->state().checkpoint(county_id, "640323", CheckpointKind::Acked);
    auto page = next_page_for(*worker.replica, county_id, "640323", acked, 1000);
    size_t own = 0;
    for (const auto& blob : page.changes)
      own += decode(std::string(blob.begin(), blob.end())).change.origin == worker.id() ? 1 : 0;
    CHECK(own == 20);
  }
}

TEST_CASE(
    "what ingest's ack hook writes commits with the batch, and a failing hook stores nothing") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device center = county.enroll("county", DeviceRole::County, "640323");
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  for (int i = 0; i < 3; ++i)
    worker.store->add_household(kGrid, {{"head_name", "w" + std::to_string(i)}});
  auto page = next_page_for(*worker.replica, center.id(), "640323", 0, 1000);
  auto& db = center.store->database();
  db.exec("CREATE TABLE answered (batch TEXT, stored INTEGER)");
  auto households = [&] { return center.store->households("", "").size(); };

  {
    ChangeVerifier verifier(*center.replica);
    verifier.learn(page.certificates);
    CHECK_THROWS_AS(verifier.ingest("b1", page.changes,
                                    [&](const AckMessage& ack) {
                                      CHECK(ack.stored == 3);
                                      db.cached("INSERT INTO answered VALUES ('b1', 3)").run();
                                      throw Error(ErrorCode::Internal, "the disk is full");
                                    }),
                    Error);
  }
  CHECK(households() == 0);  // neither the changes nor the record of the answer
  sqlite::Statement count(db, "SELECT count(*) FROM answered");
  REQUIRE(count.step());
  CHECK(count.int64(0) == 0);
  count.reset();

  ChangeVerifier verifier(*center.replica);
  verifier.learn(page.certificates);
  auto ack = verifier.ingest("b1", page.changes, [&](const AckMessage& answer) {
    db.cached("INSERT INTO answered VALUES ('b1', 3)").run();
    CHECK(answer.stored == 3);
  });
  CHECK(ack.stored == 3);
  CHECK(households() == 3);
  REQUIRE(count.step());
  CHECK(count.int64(0) == 1);
}
