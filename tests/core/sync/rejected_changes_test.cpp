// The rejected changes a replica keeps for a person, and the sync status built on them: what
// keep, taken and dismiss do to the list, the list an older version kept as a sync item, and
// the pending count against the county's Acked checkpoint.
#include <doctest/doctest.h>

#include "core/sync/outbox.h"
#include "core/sync/rejected_changes.h"
#include "core/sync/sync_status.h"
#include "tests/core/sync/sync_fixtures.h"

using namespace doorstep;
using namespace doorstep::sync;
using namespace doorstep::sync::testing;
using crypto::DeviceRole;

namespace {

constexpr const char* kGrid = "640323.101.200.07";

}  // namespace

TEST_CASE("a kept rejection stays outstanding until dismissed or taken") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  RejectedChanges kept(worker.store->database());
  kept.keep(worker.id(), 1, "6a54032bcdf2e1fa", "too many members", RejectedAt::Server);
  kept.keep(worker.id(), 2, "", "too large", RejectedAt::Unsent);
  REQUIRE(kept.outstanding().size() == 2);
  std::string first_at = kept.outstanding()[0].at;

  // Refused again: the new reason, the first time, the household not forgotten.
  kept.keep(worker.id(), 1, "", "still too many members", RejectedAt::Server);
  auto again = kept.find(worker.id(), 1);
  REQUIRE(again);
  CHECK(again->reason == "still too many members");
  CHECK(again->at == first_at);
  CHECK(again->household == "6a54032bcdf2e1fa");

  // Dismissed: off the outstanding list, kept with the reason; refusing it again does not
  // bring it back.
  auto dismissed = kept.dismiss(worker.id() + ".1", "registered again on paper");
  CHECK(dismissed.dismissal == "registered again on paper");
  CHECK(!dismissed.dismissed_at.empty());
  kept.keep(worker.id(), 1, "", "refused once more", RejectedAt::Server);
  REQUIRE(kept.outstanding().size() == 1);
  CHECK(kept.outstanding()[0].seq == 2);
  CHECK(kept.all().size() == 2);
  CHECK(kept.find(worker.id(), 1)->reason == "still too many members");

  // Taken after all: it leaves the list; a dismissed one is not touched by taken().
  kept.taken(worker.id(), 2);
  kept.taken(worker.id(), 1);
  CHECK(kept.outstanding().empty());
  REQUIRE(kept.all().size() == 1);
  CHECK(kept.all()[0].dismissal == "registered again on paper");
}

TEST_CASE("dismissing refuses a malformed id, an unknown change and an empty reason") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  RejectedChanges kept(worker.store->database());
  kept.keep(worker.id(), 3, "", "refused", RejectedAt::Bundle);
  auto refused = [&](const std::string& id, const std::string& reason, ErrorCode code,
                     const std::string& says) {
    CAPTURE(id);
    try {
      kept.dismiss(id, reason);
      FAIL("dismissed");
    } catch (const Error& e) {
      CHECK(e.is(code));
      CHECK(std::string(e.what()).find(says) != std::string::npos);
    }
  };
  refused("3", "x", ErrorCode::InvalidArgument, "'3' is not a change id");
  refused(worker.id() + ".", "x", ErrorCode::InvalidArgument, "is not a change id");
  refused("XYZ.3", "x", ErrorCode::InvalidArgument, "'XYZ.3' is not a change id");
  refused(worker.id() + ".99999999999999999999999", "x", ErrorCode::InvalidArgument,
          "is not a change id");
  refused(worker.id() + ".4", "x", ErrorCode::NotFound,
          "change " + worker.id() + ".4 is not among the rejected changes");
  refused(worker.id() + ".3", "", ErrorCode::InvalidArgument, "needs a reason");
  refused(worker.id() + ".3", " \t", ErrorCode::InvalidArgument, "needs a reason");
  refused(worker.id() + ".3", std::string(2001, 'x'), ErrorCode::InvalidArgument,
          "has 2001 bytes; at most 2000");
  CHECK(kept.outstanding().size() == 1);
}

TEST_CASE("the stuck list an older version kept as a sync item is carried over once") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  worker.replica->state().set_item(
      "stuck_changes",
      nlohmann::json{{worker.id() + ".5",
                      {{"origin", worker.id()}, {"seq", 5}, {"reason", "big"}, {"at", "unsent"}}}}
          .dump());
  RejectedChanges kept(worker.store->database());
  auto list = kept.outstanding();
  REQUIRE(list.size() == 1);
  CHECK(list[0].seq == 5);
  CHECK(list[0].reason == "big");
  CHECK(list[0].source == RejectedAt::Unsent);
  CHECK(!worker.replica->state().item("stuck_changes"));
}

TEST_CASE("the status counts what the county has not acknowledged and lists what it refused") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device center = county.enroll("county", DeviceRole::County, "640323");
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  for (int i = 0; i < 3; ++i)
    worker.store->add_household(kGrid, {{"head_name", std::to_string(i)}});
  SyncPeer peer{center.id(), "640323"};

  auto status = sync_status(*worker.store, peer);
  CHECK(status["pending"] == 3);
  CHECK(status["last_sync"]["at"].is_null());
  CHECK(status["ok"] == true);

  // The county acknowledged the first two changes.
  auto page = next_page_for(*worker.replica, center.id(), "640323", 0, 2);
  worker.replica->state().set_checkpoint(center.id(), "640323", CheckpointKind::Acked,
                                         page.through);
  RejectedChanges(worker.store->database())
      .keep(worker.id(), 2, "", "refused by the county", RejectedAt::Server);
  record_sync(*worker.store, "https://127.0.0.1:8443");
  status = sync_status(*worker.store, peer);
  CHECK(status["pending"] == 1);
  CHECK(status["last_sync"]["server"] == "https://127.0.0.1:8443");
  CHECK(status["ok"] == false);
  REQUIRE(status["rejected"].size() == 1);
  CHECK(status["rejected"][0]["change"] == worker.id() + ".2");
  CHECK(status["rejected"][0]["household"].is_null());
  // Without a known county every change held is pending.
  CHECK(sync_status(*worker.store, std::nullopt)["pending"] == 3);
}
