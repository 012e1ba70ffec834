// A sync session pumped through wire frames between two real stores.
#include "core/sync/sync_session.h"

#include <doctest/doctest.h>

#include "tests/core/sync/sync_fixtures.h"

using namespace doorstep;
using namespace doorstep::sync;
using namespace doorstep::sync::testing;
using crypto::DeviceRole;

namespace {

constexpr const char* kGrid = "640323.101.200.07";

Message over_the_wire(const Message& m) {
  return decode_message(encode_message(m));
}

SyncSummary pump(Replica& client_side, Replica& responder_side, size_t page_size = 4) {
  SyncClient client(client_side, page_size);
  SyncResponder responder(responder_side, page_size);
  std::optional<Message> request = client.start();
  while (request)
    request = client.on_reply(over_the_wire(responder.handle(over_the_wire(*request))));
  return client.summary();
}

}  // namespace

TEST_CASE("a sync session pulls the peer's in-scope changes and pushes its own, in pages") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device center = county.enroll("county", DeviceRole::County, "640323");
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  Device other = county.enroll("other", DeviceRole::GridWorker, "640323.101.200.08");
  for (int i = 0; i < 9; ++i)
    worker.store->add_household(kGrid, {{"head_name", std::to_string(i)}});
  std::string from_county = center.store->add_household(kGrid, {{"head_name", "county"}});
  other.store->add_household("640323.101.200.08", {{"head_name", "elsewhere"}});
  pump(*other.replica, *center.replica);

  auto first = pump(*worker.replica, *center.replica);
  CHECK(first.pulled == 1);  // the county's household of grid 07, not grid 08's
  CHECK(first.pushed == 9);
  CHECK(first.rejected.empty());
  CHECK(worker.store->digest(kGrid) == center.store->digest(kGrid));
  CHECK(worker.store->household(from_county)["fields"]["head_name"] == "county");

  // The checkpoints make the next session carry nothing old.
  auto second = pump(*worker.replica, *center.replica);
  CHECK(second.pulled == 0);
  CHECK(second.pushed == 0);
  CHECK(second.pushed_duplicates == 0);
}

TEST_CASE("a change pulled in a session is not pushed back to the peer it came from") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device center = county.enroll("county", DeviceRole::County, "640323");
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  Device partner = county.enroll("partner", DeviceRole::GridWorker, kGrid);
  partner.store->add_household(kGrid, {{"head_name", "partner"}});
  REQUIRE(pump(*partner.replica, *center.replica).pushed == 1);

  // The county relays the partner's household to the worker; the worker's push that follows
  // in the same session must not carry it back.
  auto first = pump(*worker.replica, *center.replica);
  CHECK(first.pulled == 1);
  CHECK(first.pushed == 0);
  CHECK(first.pushed_duplicates == 0);

  // What the worker writes afterwards is still pushed, once.
  worker.store->add_household(kGrid, {{"head_name", "mine"}});
  auto second = pump(*worker.replica, *center.replica);
  CHECK(second.pushed == 1);
  CHECK(second.pushed_duplicates == 0);
  CHECK(worker.store->digest(kGrid) == center.store->digest(kGrid));
}

TEST_CASE("a responder refuses a pull outside the device's scope and a revoked device") {
  test::TempDir dir;
  TestCounty county(dir.path());
  Device center = county.enroll("county", DeviceRole::County, "640323");
  Device worker = county.enroll("worker", DeviceRole::GridWorker, kGrid);
  SyncResponder responder(*center.replica);
  CHECK(std::holds_alternative<HelloMessage>(responder.handle(worker.replica->hello())));
  auto refused = responder.handle(PullMessage{"640323.101", "0", 10});
  REQUIRE(std::holds_alternative<ErrorMessage>(refused));
  CHECK(std::get<ErrorMessage>(refused).message.find("outside the device's scope") !=
        std::string::npos);

  auto before_hello = SyncResponder(*center.replica).handle(PullMessage{kGrid, "0", 10});
  CHECK(std::holds_alternative<ErrorMessage>(before_hello));

  auto crl = county.revoke({worker.cert()});
  center.replica->offer_revocation_list(crl.der);
  auto revoked = SyncResponder(*center.replica).handle(worker.replica->hello());
  REQUIRE(std::holds_alternative<ErrorMessage>(revoked));
  CHECK(std::get<ErrorMessage>(revoked).message.find("revoked") != std::string::npos);
  CHECK_THROWS_WITH_AS(pump(*worker.replica, *center.replica), doctest::Contains("revoked"), Error);
}
