// store_exchange_bench: the store and the exchange API in one process, on the synthetic
// county — the work the county server must do for P1 and a device for P3, without TLS, HTTP
// or the sync protocol's framing. It tells how much of a network figure the store itself costs.
//
//   store_exchange_bench --households FILE.jsonl --revisits FILE.jsonl --dir TMPDIR
//                        [--village PREFIX]
//
// Prints one JSON object on stdout:
//   load_households_per_s    a device records every household (add_household + the first visit
//                            with all answers and members), synchronous=NORMAL: not durable,
//                            so this is the store's CPU cost, not a durable write rate;
//   ingest_households_per_s  a fresh county store (synchronous=FULL) applies the device's
//                            changes in batches of 500 (signatures verified), as the server's
//                            ingest of a first push would;
//   village_pull_s           a fresh device store (synchronous=FULL) applies the county's
//                            changes within PREFIX, pages of 500;
//   edit_change_bytes, visit_change_bytes, day_change_bytes
//                            sync::encode() sizes of the changes of a one-field edit, one
//                            monthly revisit, and ten of them — the payload before the sync
//                            protocol's framing and compression;
//   verify_per_s_one_core    Ed25519 verifications of one change per second on one core: the
//                            floor every received change costs;
//   changes, households, village_households.
// Exit 2 on a bad option, 1 on any failure (with its message).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/store.h"
#include "core/sync/change.h"
#include "core/sync/exchange.h"

namespace {

using doorstep::store::Store;
namespace sync = doorstep::sync;

constexpr size_t kPage = 500;

std::vector<nlohmann::json> read_lines(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<nlohmann::json> lines;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    try {
      lines.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  return lines;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Store fresh(const std::filesystem::path& path, const std::string& name, bool durable) {
  for (const char* suffix : {"", "-wal", "-shm", ".secret"})
    std::filesystem::remove(path.string() + suffix);
  doorstep::store::InitOptions options;
  options.name = name;
  options.role = "county";
  options.durable = durable;
  return Store::create(path, options);
}

// Copies every change of `from` within `scope` into `to`, pages of kPage; returns the count.
size_t copy_changes(const Store& from, Store& to, const std::string& scope) {
  sync::Cursor cursor;
  size_t copied = 0;
  for (;;) {
    auto page = sync::changes_since(from, cursor, kPage, scope);
    if (!page.changes.empty()) {
      auto report = sync::apply_changes(to, page.changes);
      if (report.count(sync::ApplyStatus::Rejected) != 0) {
        for (const auto& r : report.results)
          if (r.status == sync::ApplyStatus::Rejected)
            throw std::runtime_error("change " + r.origin + "/" + std::to_string(r.seq) +
                                     " rejected: " + r.reason);
      }
      copied += page.changes.size();
    }
    cursor = page.next;
    if (page.complete) break;
  }
  return copied;
}

// The encoded size of every change `store` wrote after `cursor`; moves the cursor past them.
size_t new_change_bytes(const Store& store, sync::Cursor& cursor) {
  size_t bytes = 0;
  for (;;) {
    auto page = sync::changes_since(store, cursor, kPage);
    for (const auto& change : page.changes) bytes += sync::encode(change).size();
    cursor = page.next;
    if (page.complete) return bytes;
  }
}

// Ed25519 verifications per second on one core, of one stored change: the cost every
// received change pays once, whatever the store does after it (the ceiling of ingest per
// core when everything else were free).
double verifications_per_second(const Store& store, const doorstep::crypto::PublicKey& key) {
  auto page = sync::changes_since(store, sync::Cursor{}, 1);
  if (page.changes.empty()) throw std::runtime_error("no change to verify");
  const sync::SignedChange& change = page.changes.front();
  constexpr int kRounds = 2000;
  int valid = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) valid += sync::signature_valid(change, key) ? 1 : 0;
  double seconds = seconds_since(start);
  if (valid != kRounds) throw std::runtime_error("a stored change failed to verify");
  return kRounds / seconds;
}

doorstep::store::VisitInput visit_of(const std::string& household_id,
                                     const nlohmann::json& answers) {
  doorstep::store::VisitInput visit;
  visit.household_id = household_id;
  visit.form_id = "household-monitoring";
  visit.form_version = "1";
  visit.answers = answers;
  return visit;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  for (const auto& [name, value] : options) {
    if (name != "--households" && name != "--revisits" && name != "--dir" && name != "--village") {
      std::cerr << "store_exchange_bench: unknown option '" << name << "'\n";
      return 2;
    }
  }
  if (argc % 2 == 0 || !options.count("--households") || !options.count("--revisits") ||
      !options.count("--dir")) {
    std::cerr << "usage: store_exchange_bench --households FILE.jsonl --revisits FILE.jsonl"
                 " --dir TMPDIR [--village PREFIX]\n";
    return 2;
  }
  try {
    const auto households = read_lines(options["--households"]);
    const auto revisits = read_lines(options["--revisits"]);
    const std::filesystem::path dir = options["--dir"];
    const std::string village = options.count("--village") ? options["--village"] : "";
    std::filesystem::create_directories(dir);
    const double n = static_cast<double>(households.size());
    nlohmann::json result = {{"households", households.size()}};

    Store device = fresh(dir / "device.db", "bench device", false);
    std::map<std::string, std::string> id_of;  // generator id -> store id
    auto start = std::chrono::steady_clock::now();
    for (const auto& h : households) {
      const std::string id = device.add_household(h.at("grid"), nlohmann::json::object());
      device.record_visit(visit_of(id, h.at("answers")));
      id_of[h.at("id")] = id;
    }
    result["load_households_per_s"] = n / seconds_since(start);

    Store county = fresh(dir / "county.db", "bench county", true);
    county.trust_device(device.identity().device_id, device.identity().public_key);
    start = std::chrono::steady_clock::now();
    result["changes"] = copy_changes(device, county, "");
    result["ingest_households_per_s"] = n / seconds_since(start);
    result["verify_per_s_one_core"] =
        verifications_per_second(device, device.identity().public_key);

    if (!village.empty()) {
      Store pulled = fresh(dir / "village.db", "bench village device", true);
      pulled.trust_device(device.identity().device_id, device.identity().public_key);
      start = std::chrono::steady_clock::now();
      const size_t copied = copy_changes(county, pulled, village);
      result["village_pull_s"] = seconds_since(start);
      result["village_changes"] = copied;
      result["village_households"] = pulled.households(village, "").size();
    }

    // Change sizes on the device, after everything above was written.
    sync::Cursor cursor;
    new_change_bytes(device, cursor);
    const auto& first = households.at(0);
    const std::string edited = id_of.at(first.at("id"));
    const std::string grade = first["answers"]["housing_grade"] == "A" ? "B" : "A";
    device.set_fields(edited, {{"housing_grade", grade}});
    result["edit_change_bytes"] = new_change_bytes(device, cursor);
    auto revisit = [&](size_t index) {
      const auto& r = revisits.at(index);
      nlohmann::json answers = households.at(index).at("answers");
      for (const auto& [field, value] : r.at("set").items()) answers[field] = value;
      for (const auto& change : r.at("members"))
        for (auto& m : answers["members"])
          if (m["id_number"] == change["id_number"])
            for (const auto& [field, value] : change.at("set").items()) m[field] = value;
      device.record_visit(visit_of(id_of.at(r.at("household")), answers));
    };
    revisit(1);
    result["visit_change_bytes"] = new_change_bytes(device, cursor);
    for (size_t i = 2; i < 12 && i < revisits.size(); ++i) revisit(i);
    result["day_change_bytes"] = new_change_bytes(device, cursor);
    std::cout << result.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "store_exchange_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
