// Load test of the county server: N simulated devices (default 1000), each with its own
// enrolled device store holding a few new households, sync at the same moment over TLS
// against one real doorstep-server process. Prints the error count and the p50/p90/p99/max
// of whole-sync latency (health + hello + push + pull, one TLS connection per device), and
// the server's own sync histogram count, as a JSON line.
//
//   sync_load_bench --server PATH/doorstep-server [--devices N] [--households K]
//                   [--threads T]
//
// The devices run in this process, one thread each, through the same HTTPS client and sync
// session libdoorstep uses (compiled in below: libdoorstep exports only ds_* functions, and
// a thousand processes would measure process start-up, not the server).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client-lib/src/https_client.cpp"
#include "client-lib/src/https_sync_session.cpp"
#include "load_support.h"

using namespace doorstep;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string server_binary;
  int devices = 1000, households = 3, threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    if (name == "--server") server_binary = argv[i + 1];
    if (name == "--devices") devices = std::atoi(argv[i + 1]);
    if (name == "--households") households = std::atoi(argv[i + 1]);
    if (name == "--threads") threads = std::atoi(argv[i + 1]);
  }
  if (server_binary.empty() || devices < 1) {
    std::cerr << "usage: sync_load_bench --server PATH [--devices N] [--households K] "
                 "[--threads T]\n";
    return 2;
  }
  fs::path dir = fs::temp_directory_path() / ("doorstep-load-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path data = dir / "county";

  // The county, and N enrolled devices, each in its own grid.
  auto setup_started = std::chrono::steady_clock::now();
  {
    sync::CountyInitOptions options;
    options.code = "640323";
    options.name = "Load test";
    options.demo = true;
    auto county = sync::CountyAuthority::init(data, options);
    for (int d = 0; d < devices; ++d) {
      // One grid worker per grid, as in a real county (Yanchi: 1,011 grids).
      char grid_text[32];
      std::snprintf(grid_text, sizeof grid_text, "640323.101.200.%04d", d + 1);
      std::string grid = grid_text;
      county.add_grid(grid, "Grid " + std::to_string(d + 1));
      std::string name = "device-" + std::to_string(d);
      auto store = bench::enroll_grid_worker(county, dir / (name + ".db"), name, grid);
      for (int h = 0; h < households; ++h)
        store.add_household(grid,
                            {{"head_name", "H" + std::to_string(d) + "-" + std::to_string(h)}});
    }
  }
  double setup_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_started).count();

  // The server, on a free port.
  std::unique_ptr<bench::ServerProcess> server;
  try {
    server = std::make_unique<bench::ServerProcess>(server_binary, data, dir, threads);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  for (int d = 0; d < devices; ++d) {
    auto store = store::Store::open(dir / ("device-" + std::to_string(d) + ".db"));
    bench::set_server(store, *server);
  }

  // Every device syncs at once.
  std::vector<double> latencies(static_cast<size_t>(devices), -1);
  std::atomic<int> errors{0}, ready{0};
  std::atomic<bool> go{false};
  std::vector<std::string> first_errors;
  std::mutex errors_mutex;
  std::vector<std::thread> workers;
  for (int d = 0; d < devices; ++d) {
    workers.emplace_back([&, d] {
      auto store = store::Store::open(dir / ("device-" + std::to_string(d) + ".db"));
      sync::Replica replica(store);
      ++ready;
      while (!go) std::this_thread::yield();
      auto started = std::chrono::steady_clock::now();
      try {
        net::SyncOptions options;
        options.timeout_seconds = 120;
        auto result = net::sync_online(replica, options);
        if (result["pushed"].get<int>() != households) throw std::runtime_error("short push");
        latencies[static_cast<size_t>(d)] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      } catch (const std::exception& e) {
        ++errors;
        std::lock_guard lock(errors_mutex);
        if (first_errors.size() < 5) first_errors.push_back(e.what());
      }
    });
  }
  while (ready < devices) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto started = std::chrono::steady_clock::now();
  go = true;
  for (auto& w : workers) w.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::vector<double> ok;
  for (double l : latencies)
    if (l >= 0) ok.push_back(l * 1000);
  int server_exit = server->stop();
  size_t county_households = sync::CountyAuthority::open(data).store().households("", "").size();

  nlohmann::json report = {{"devices", devices},
                           {"households_per_device", households},
                           {"server_threads", threads},
                           {"errors", errors.load()},
                           {"county_households", county_households},
                           {"expected_households", devices * households},
                           {"wall_seconds", wall},
                           {"syncs_per_second", static_cast<double>(ok.size()) / wall},
                           {"latency_ms", bench::latency_summary(ok)},
                           {"setup_seconds", setup_seconds},
                           {"server_exit", server_exit}};
  if (!first_errors.empty()) report["first_errors"] = first_errors;
  std::cout << report.dump() << "\n";
  fs::remove_all(dir);
  return errors.load() == 0 ? 0 : 1;
}
