// Randomized convergence of a county, a village leader and two grid workers that sync only
// by bundle files along random routes, with bundles duplicated, reordered, truncated and
// lost (a lost bundle's changes are exported again later because they were never
// acknowledged). After a final round of reliable exchanges every replica must hold the same
// state within its scope, the county must hold every change anyone authored, and conflicts
// must be identical everywhere.
//
// Seeds are fixed; each TEST_CASE runs a block of them (several blocks so ctest -j spreads
// them). DOORSTEP_CONVERGENCE_SEEDS=N runs N seeds per block instead, for a longer run.
#include <doctest/doctest.h>

#include <cstdlib>
#include <random>
#include <set>

#include "core/sync/bundle.h"
#include "core/sync/exchange.h"
#include "tests/core/sync/sync_fixtures.h"

using namespace doorstep;
using namespace doorstep::sync;
using namespace doorstep::sync::testing;
using crypto::DeviceRole;

namespace {

constexpr const char* kVillage = "640323.101.200";
const char* const kGrids[] = {"640323.101.200.07", "640323.101.200.08"};
const char* const kFields[] = {"head_name", "phone", "income"};
const char* const kValues[] = {"a", "b", "c"};

enum Node { County = 0, Leader = 1, WorkerA = 2, WorkerB = 3 };
// Who can hand a bundle to whom: workers meet the leader (and sometimes the county in town);
// the leader meets the county.
const std::pair<int, int> kRoutes[] = {{WorkerA, Leader}, {Leader, WorkerA}, {WorkerB, Leader},
                                       {Leader, WorkerB}, {Leader, County},  {County, Leader},
                                       {WorkerA, County}, {County, WorkerB}};

struct InFlight {
  int to;
  std::string bytes;
};

struct Outcome {
  size_t conflicts = 0;
  size_t truncated = 0;
  size_t lost = 0;
};

Outcome run_seed(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  test::TempDir dir;
  TestCounty county(dir.path());
  std::vector<Device> nodes;
  nodes.push_back(county.enroll("county", DeviceRole::County, "640323"));
  nodes.push_back(county.enroll("leader", DeviceRole::VillageLeader, kVillage));
  nodes.push_back(county.enroll("worker-a", DeviceRole::GridWorker, kGrids[0]));
  nodes.push_back(county.enroll("worker-b", DeviceRole::GridWorker, kGrids[1]));
  std::vector<InFlight> in_flight;
  Outcome outcome;

  auto deliver = [&](const InFlight& bundle, size_t cut) {
    try {
      import_bundle(*nodes[static_cast<size_t>(bundle.to)].replica, bundle.bytes.substr(0, cut));
    } catch (const Error& e) {
      // Only a bundle cut inside its header may be refused as a whole.
      CHECK_MESSAGE(cut < bundle.bytes.size(), e.what());
    }
  };
  auto exchange = [&](int from, int to) {
    auto bundle = export_bundle(*nodes[static_cast<size_t>(from)].replica,
                                nodes[static_cast<size_t>(to)].cert());
    return InFlight{to, std::move(bundle.bytes)};
  };

  int steps = 20 + static_cast<int>(pick(20));
  for (int step = 0; step < steps; ++step) {
    size_t action = pick(10);
    if (action < 4) {
      size_t n = pick(nodes.size());
      store::Store& store = *nodes[n].store;
      auto households = store.households("", "");
      if ((n >= WorkerA && (households.empty() || pick(3) == 0))) {
        store.add_household(kGrids[n - WorkerA], {{"head_name", kValues[pick(3)]}});
      } else if (!households.empty()) {
        std::string id = households[pick(households.size())]["id"];
        store.set_fields(id, {{kFields[pick(3)], kValues[pick(3)]}});
      }
    } else if (action < 7) {
      auto [from, to] = kRoutes[pick(std::size(kRoutes))];
      in_flight.push_back(exchange(from, to));
    } else if (!in_flight.empty()) {
      size_t i = pick(in_flight.size());
      size_t fate = pick(20);
      if (fate < 3) {  // lost
        ++outcome.lost;
      } else if (fate < 6) {  // truncated copy
        ++outcome.truncated;
        deliver(in_flight[i], pick(in_flight[i].bytes.size()));
      } else {
        deliver(in_flight[i], in_flight[i].bytes.size());
        if (fate < 10) continue;  // duplicated: stays in flight for a second delivery
      }
      in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  // Reliable rounds: up the tree, then down, twice.
  for (int round = 0; round < 2; ++round)
    for (auto [from, to] : {std::pair{WorkerA, Leader},
                            {WorkerB, Leader},
                            {Leader, County},
                            {County, Leader},
                            {Leader, WorkerA},
                            {Leader, WorkerB}}) {
      auto bundle = exchange(from, to);
      auto report = import_bundle(*nodes[static_cast<size_t>(to)].replica, bundle.bytes);
      CHECK(report.complete);
      CHECK(report.rejected.empty());
    }

  // Convergence within scopes.
  for (int w : {WorkerA, WorkerB}) {
    std::string scope = kGrids[w - WorkerA];
    std::string digest = nodes[static_cast<size_t>(w)].store->digest(scope);
    CHECK(nodes[Leader].store->digest(scope) == digest);
    CHECK(nodes[County].store->digest(scope) == digest);
  }
  CHECK(nodes[Leader].store->digest(kVillage) == nodes[County].store->digest(kVillage));

  // No authored change is missing at the county.
  std::set<std::pair<std::string, uint64_t>> at_county;
  for (const auto& c : changes_since(*nodes[County].store, Cursor{}, 1000000).changes)
    at_county.insert({c.change.origin, c.change.seq});
  for (const auto& node : nodes)
    for (const auto& c : changes_since(*node.store, Cursor{}, 1000000).changes)
      if (c.change.origin == node.id())
        CHECK(at_county.count({c.change.origin, c.change.seq}) == 1);

  // Conflicts are identical everywhere they are visible.
  auto conflicts_in = [](const store::Store& store, const std::string& scope) {
    std::set<std::string> households;
    for (const auto& h : store.households(scope, "")) households.insert(h["id"]);
    std::vector<std::string> out;
    for (const auto& c : store.conflicts())
      if (households.count(c["household"])) out.push_back(c.dump());
    std::sort(out.begin(), out.end());
    return out;
  };
  for (int w : {WorkerA, WorkerB}) {
    std::string scope = kGrids[w - WorkerA];
    auto expected = conflicts_in(*nodes[static_cast<size_t>(w)].store, scope);
    CHECK(conflicts_in(*nodes[Leader].store, scope) == expected);
    CHECK(conflicts_in(*nodes[County].store, scope) == expected);
    outcome.conflicts += expected.size();
  }
  return outcome;
}

void run_block(uint32_t first_seed) {
  size_t seeds = 50;
  if (const char* env = std::getenv("DOORSTEP_CONVERGENCE_SEEDS")) seeds = std::stoul(env);
  Outcome total;
  for (uint32_t seed = first_seed; seed < first_seed + seeds; ++seed) {
    CAPTURE(seed);
    Outcome o = run_seed(seed);
    total.conflicts += o.conflicts;
    total.truncated += o.truncated;
    total.lost += o.lost;
  }
  // The block exercised what it claims to: conflicts, truncations and losses happened.
  CHECK(total.conflicts > 0);
  CHECK(total.truncated > 0);
  CHECK(total.lost > 0);
}

}  // namespace

TEST_CASE("relay convergence: seeds 1000-1049") {
  run_block(1000);
}
TEST_CASE("relay convergence: seeds 2000-2049") {
  run_block(2000);
}
TEST_CASE("relay convergence: seeds 3000-3049") {
  run_block(3000);
}
TEST_CASE("relay convergence: seeds 4000-4049") {
  run_block(4000);
}
TEST_CASE("relay convergence: seeds 5000-5049") {
  run_block(5000);
}
TEST_CASE("relay convergence: seeds 6000-6049") {
  run_block(6000);
}
