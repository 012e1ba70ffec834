// Bundle sizes and rates: what a grid worker's USB stick carries for one field edit, one
// monthly visit and a 10-visit day, and how fast a county exports and imports bundles —
// each against a baseline from the same run (the same changes as plain JSON; the same
// changes applied without bundle decryption and certificate checks).
//
// Run: cmake -S . -B build -DDOORSTEP_BENCH=ON && cmake --build build --target bundle_bench
//      && build/bench/bundle_bench
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/crypto/certificate.h"
#include "core/crypto/keys.h"
#include "core/store/store.h"
#include "core/sync/bundle.h"
#include "core/sync/exchange.h"
#include "core/sync/replica.h"

using namespace doorstep;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr const char* kGrid = "640323.101.200.07";

struct Node {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<sync::Replica> replica;
};

Node enroll(const crypto::CertificateAuthority& ca, const fs::path& dir, const std::string& name,
            crypto::DeviceRole role, const std::string& scope, uint64_t serial) {
  store::InitOptions init;
  init.name = name;
  init.role = std::string(crypto::role_name(role));
  init.scope = scope;
  Node n;
  n.store = std::make_unique<store::Store>(store::Store::create(dir / (name + ".db"), init));
  n.replica = std::make_unique<sync::Replica>(*n.store);
  auto request = crypto::parse_certificate_request(n.replica->certificate_request());
  auto cert = ca.issue(request, {n.store->identity().device_id, role, scope}, serial, 1780000000);
  n.replica->install_enrollment({{"format", "doorstep-enrollment"},
                                 {"device_certificate", cert.pem()},
                                 {"county_ca", ca.certificate().pem()}});
  return n;
}

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return nlohmann::json::parse(buffer.str());
}

// Plain JSON size of the changes a bundle for `to` would carry now (the baseline).
size_t plain_json_bytes(Node& from, Node& to, uint64_t after) {
  auto page =
      sync::changes_since(*from.store, sync::Cursor{after}, 1000000, to.replica->claims().scope);
  size_t bytes = 0;
  for (const auto& c : page.changes) bytes += sync::to_json(c).dump().size();
  return bytes;
}

// Exports what `from` has for `to`, imports it, and the bundle back (so acknowledgements
// flow); returns the size of the first bundle.
size_t round_trip(Node& from, Node& to, const char* label) {
  uint64_t after = from.replica->state().checkpoint(
      to.store->identity().device_id, to.replica->claims().scope, sync::CheckpointKind::Acked);
  size_t baseline = plain_json_bytes(from, to, after);
  auto bundle = sync::export_bundle(*from.replica, to.replica->certificate());
  auto report = sync::import_bundle(*to.replica, bundle.bytes);
  auto back = sync::export_bundle(*to.replica, from.replica->certificate());
  sync::import_bundle(*from.replica, back.bytes);
  std::printf(
      "%-34s %6zu bytes, %3zu changes (plain JSON of the changes: %6zu bytes; "
      "imported %llu)\n",
      label, bundle.bytes.size(), bundle.changes, baseline,
      static_cast<unsigned long long>(report.imported));
  return bundle.bytes.size();
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main() {
  fs::path dir =
      fs::temp_directory_path() / ("doorstep-bundle-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto ca = crypto::CertificateAuthority::create("640323", "Yanchi", crypto::generate_ed25519(),
                                                 1780000000);
  Node worker = enroll(ca, dir, "worker", crypto::DeviceRole::GridWorker, kGrid, 2);
  Node county = enroll(ca, dir, "county", crypto::DeviceRole::County, "640323", 3);
  fs::path forms = fs::path(DOORSTEP_SOURCE_DIR) / "forms";
  nlohmann::json answers = read_json(forms / "examples" / "red-household.json");

  std::printf("== bundle sizes (grid worker -> county)\n");
  std::vector<std::string> households;
  for (int i = 0; i < 11; ++i)
    households.push_back(
        worker.store->add_household(kGrid, {{"head_name", "H" + std::to_string(i)}}));
  round_trip(worker, county, "setup: 11 new households");
  worker.store->set_fields(households[0], {{"phone", "13800000000"}});
  round_trip(worker, county, "one household's one-field edit");
  auto visit = [&](const std::string& household) {
    store::VisitInput input;
    input.household_id = household;
    input.form_id = "household-monitoring";
    input.form_version = "1";
    input.answers = answers;
    input.risk = {{"level", "red"}, {"rules", nlohmann::json::array({"red.medical"})}};
    worker.store->record_visit(input);
  };
  visit(households[0]);
  round_trip(worker, county, "one monthly visit (first, 4 members)");
  visit(households[0]);
  round_trip(worker, county, "one monthly revisit (no change)");
  for (int i = 1; i <= 10; ++i) visit(households[static_cast<size_t>(i)]);
  round_trip(worker, county, "a 10-visit day");

  std::printf("== export / import rates (1000 households + 1000 visits)\n");
  for (int i = 0; i < 1000; ++i) {
    std::string id = worker.store->add_household(kGrid, {{"head_name", "R" + std::to_string(i)}});
    visit(id);
  }
  auto start = Clock::now();
  auto bundle = sync::export_bundle(*worker.replica, county.replica->certificate());
  double export_s = seconds_since(start);
  start = Clock::now();
  auto report = sync::import_bundle(*county.replica, bundle.bytes);
  double import_s = seconds_since(start);
  std::printf("export: %zu changes, %zu bytes in %.3f s = %.0f changes/s\n", bundle.changes,
              bundle.bytes.size(), export_s, static_cast<double>(bundle.changes) / export_s);
  std::printf("import: %llu changes in %.3f s = %.0f changes/s (%zu certificate verification(s))\n",
              static_cast<unsigned long long>(report.imported), import_s,
              static_cast<double>(report.imported) / import_s, report.certificates_verified);

  // Baseline: the same changes applied straight through the exchange API (signatures still
  // verified, no bundle, no certificates) into a fresh store.
  store::InitOptions init;
  init.name = "baseline";
  init.role = "county";
  init.scope = "640323";
  store::Store baseline = store::Store::create(dir / "baseline.db", init);
  baseline.trust_device("worker", worker.store->identity().public_key);
  auto page = sync::changes_since(*worker.store, sync::Cursor{}, 1000000, "");
  start = Clock::now();
  for (size_t i = 0; i < page.changes.size(); i += 64) {
    std::vector<sync::SignedChange> batch(
        page.changes.begin() + static_cast<std::ptrdiff_t>(i),
        page.changes.begin() + static_cast<std::ptrdiff_t>(std::min(i + 64, page.changes.size())));
    sync::apply_changes(baseline, batch);
  }
  double baseline_s = seconds_since(start);
  std::printf(
      "baseline apply_changes (64 per batch): %zu changes in %.3f s = %.0f changes/s; "
      "bundle import / baseline = %.2f\n",
      page.changes.size(), baseline_s, static_cast<double>(page.changes.size()) / baseline_s,
      import_s / baseline_s);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
