// store_bench: local visit writes per second against raw SQLite inserts of the same rows,
// measured in the same run on the same disk.
//
// A visit: a household of 4 members, 60 household answers + 5 answers per member = 80
// fields. "store" = Store::record_visit (one signed change: the visit record and one field
// op per changed field, heads and current values maintained, one transaction). "raw" = the
// same number of rows (visit + one row per field) INSERTed with one prepared statement in
// one transaction per visit. Both with the same synchronous setting.
//
// Also: a county-side store ingesting all those changes through the exchange API (batches
// of 200, signatures verified), in ops per second.
//
// usage: store_bench [VISITS] (default 300); prints both figures and their ratio for
// synchronous=FULL (the store's durable default) and synchronous=OFF (CPU cost alone).
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/store/sqlite.h"
#include "core/store/store.h"
#include "core/sync/exchange.h"
#include "visit_workload.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kHouseholdFields = 60;
constexpr int kMembers = 4;
constexpr int kMemberFields = 5;

json answers_for(int visit) {
  return doorstep::bench::visit_answers(visit, kHouseholdFields, kMembers, kMemberFields);
}

std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "doorstep-store-bench";
  std::filesystem::create_directories(dir);
  for (const char* suffix : {"", "-wal", "-shm", ".secret"})
    std::filesystem::remove(dir / (name + suffix));
  return dir / name;
}

// County-side ingest of every change a device wrote, in batches of 200 (one transaction
// each, signatures verified): returns ops per second.
double ingest_ops_per_second(const doorstep::store::Store& device, bool durable, size_t& changes) {
  doorstep::store::InitOptions options;
  options.name = "county";
  options.role = "county";
  options.key_secret = "county secret";
  options.durable = durable;
  auto county = doorstep::store::Store::create(
      scratch(durable ? "county-full.db" : "county-off.db"), options);
  county.trust_device(device.identity().name, device.identity().public_key);
  auto all = doorstep::sync::changes_since(device, {}, 1u << 30).changes;
  changes = all.size();
  size_t ops = 0;
  for (const auto& c : all) ops += c.change.ops.size();
  auto start = Clock::now();
  for (size_t at = 0; at < all.size(); at += 200) {
    std::vector<doorstep::sync::SignedChange> batch(
        all.begin() + static_cast<long>(at),
        all.begin() + static_cast<long>(std::min(all.size(), at + 200)));
    doorstep::sync::apply_changes(county, batch);
  }
  return ops / std::chrono::duration<double>(Clock::now() - start).count();
}

double store_visits_per_second(int visits, bool durable, size_t& ops_written, double& ingest_rate,
                               size_t& changes) {
  doorstep::store::InitOptions options;
  options.name = "bench";
  options.key_secret = "bench secret";
  options.durable = durable;
  auto path = scratch(durable ? "store-full.db" : "store-off.db");
  auto store = doorstep::store::Store::create(path, options);
  std::vector<std::string> households;
  double seconds = doorstep::bench::record_visits(store, visits, kHouseholdFields, households);
  doorstep::sqlite::Statement bodies(store.database(), "SELECT body FROM changes");
  ops_written = 0;
  while (bodies.step()) ops_written += doorstep::sync::decode_change(bodies.blob(0)).ops.size();
  ingest_rate = ingest_ops_per_second(store, durable, changes);
  return visits / seconds;
}

double raw_visits_per_second(int visits, bool durable, size_t rows_per_visit) {
  auto path = scratch(durable ? "raw-full.db" : "raw-off.db");
  doorstep::sqlite::Database db(path.string(), true);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF");
  db.exec(
      "CREATE TABLE rows (key TEXT PRIMARY KEY, record TEXT, field TEXT, value TEXT) WITHOUT "
      "ROWID");
  static constexpr const char* kInsert =
      "INSERT INTO rows (key, record, field, value) VALUES (?1, ?2, ?3, ?4)";
  auto start = Clock::now();
  for (int i = 0; i < visits; ++i) {
    json answers = answers_for(i);
    doorstep::sqlite::Transaction transaction(db);
    auto& insert = db.cached(kInsert);
    std::string record = "h" + std::to_string(i);
    for (size_t r = 0; r < rows_per_visit; ++r) {
      std::string field = "q" + std::to_string(r % kHouseholdFields);
      insert.bind(1, record + "." + std::to_string(r)).bind(2, record).bind(3, field);
      insert.bind(4, answers.value(field, json()).dump());
      insert.step();
      insert.reset();
    }
    transaction.commit();
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return visits / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  int visits = argc > 1 ? std::atoi(argv[1]) : 300;
  if (visits <= 0) {
    std::fprintf(stderr, "usage: store_bench [VISITS]\n");
    return 2;
  }
  std::printf("visit = household of %d members, %d fields; %d visits per run\n", kMembers,
              kHouseholdFields + kMembers * kMemberFields, visits);
  for (bool durable : {true, false}) {
    size_t ops = 0, changes = 0;
    double ingest_rate = 0;
    double store_rate = store_visits_per_second(visits, durable, ops, ingest_rate, changes);
    // As many rows per visit as the store wrote ops (households were added before timing).
    size_t rows_per_visit = (ops - static_cast<size_t>(visits)) / static_cast<size_t>(visits);
    double raw_rate = raw_visits_per_second(visits, durable, rows_per_visit);
    std::printf(
        "synchronous=%-4s store: %8.1f visits/s   raw SQLite: %8.1f visits/s (%zu rows each)   "
        "store/raw = %.2f\n",
        durable ? "FULL" : "OFF", store_rate, raw_rate, rows_per_visit, store_rate / raw_rate);
    std::printf("synchronous=%-4s ingest of the same %zu changes in batches of 200: %.0f ops/s\n",
                durable ? "FULL" : "OFF", changes, ingest_rate);
  }
  return 0;
}
