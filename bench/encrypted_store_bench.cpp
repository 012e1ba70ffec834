// encrypted_store_bench: what encryption at rest (core/store/encrypted_vfs.h, the VFS every
// keyed device database goes through) costs a grid worker's phone, against the same work on a
// plain database in the same run: visits written (one signed change each, durable commits), a
// cold read of every household's state, and the state digest.
//
//   encrypted_store_bench [--visits N] [--dir DIR]       (default 400, a temporary folder)
//
// Prints one JSON line: {"visits", "write_visits_per_s": {"plain", "encrypted", "ratio"},
// "read_households_per_s": {...}, "digest_s": {...}} — ratio = encrypted / plain for rates
// (higher is better) and plain / encrypted for seconds, so 1.0 means "costs nothing" either way.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/store/encrypted_vfs.h"
#include "core/store/store.h"
#include "visit_workload.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Figures {
  double write_per_s = 0, read_per_s = 0, digest_s = 0;
};

Figures run(const std::filesystem::path& path, int visits, bool encrypted) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal", ".secret"})
    std::filesystem::remove(path.string() + suffix);
  if (encrypted)
    doorstep::store::encryption::use_key(path.string(), std::string(32, '\x5a') + "bench key");
  Figures out;
  std::vector<std::string> households;
  {
    doorstep::store::InitOptions options;
    options.name = "bench";
    options.key_secret = "bench secret";
    auto store = doorstep::store::Store::create(path, options);
    out.write_per_s = visits / doorstep::bench::record_visits(store, visits, 40, households);
  }
  // Reopened: the reads start from a cold page cache of this connection.
  auto store = doorstep::store::Store::open(path, {"bench secret", true});
  auto start = Clock::now();
  size_t fields = 0;
  for (const auto& id : households) fields += store.household_state(id).size();
  out.read_per_s = households.size() / std::chrono::duration<double>(Clock::now() - start).count();
  start = Clock::now();
  std::string digest = store.digest("");
  out.digest_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (fields == 0 || digest.empty()) throw std::runtime_error("nothing was read back");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int visits = 400;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "doorstep-encrypted-store-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string option = argv[i];
    if (option == "--visits") {
      visits = std::atoi(argv[i + 1]);
    } else if (option == "--dir") {
      dir = argv[i + 1];
    } else {
      std::cerr << "usage: encrypted_store_bench [--visits N] [--dir DIR]\n";
      return 2;
    }
  }
  if (visits < 1) {
    std::cerr << "encrypted_store_bench: --visits wants a positive number\n";
    return 2;
  }
  try {
    std::filesystem::create_directories(dir);
    // Alternated and the better of two rounds each, so that neither side alone meets a busy
    // moment of the machine.
    Figures plain, encrypted;
    for (int round = 0; round < 2; ++round) {
      auto p = run(dir / "plain.db", visits, false);
      auto e = run(dir / ("encrypted-" + std::to_string(round) + ".db"), visits, true);
      plain.write_per_s = std::max(plain.write_per_s, p.write_per_s);
      plain.read_per_s = std::max(plain.read_per_s, p.read_per_s);
      plain.digest_s = round == 0 ? p.digest_s : std::min(plain.digest_s, p.digest_s);
      encrypted.write_per_s = std::max(encrypted.write_per_s, e.write_per_s);
      encrypted.read_per_s = std::max(encrypted.read_per_s, e.read_per_s);
      encrypted.digest_s = round == 0 ? e.digest_s : std::min(encrypted.digest_s, e.digest_s);
    }
    auto rate = [](double p, double e) {
      return json{{"plain", p}, {"encrypted", e}, {"ratio", e / p}};
    };
    std::cout << json{{"visits", visits},
                      {"write_visits_per_s", rate(plain.write_per_s, encrypted.write_per_s)},
                      {"read_households_per_s", rate(plain.read_per_s, encrypted.read_per_s)},
                      {"digest_s",
                       {{"plain", plain.digest_s},
                        {"encrypted", encrypted.digest_s},
                        {"ratio", plain.digest_s / encrypted.digest_s}}}}
                     .dump()
              << "\n";
  } catch (const std::exception& e) {
    std::cerr << "encrypted_store_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
