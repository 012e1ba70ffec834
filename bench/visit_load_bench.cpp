// P6, sustained visit submissions over HTTPS: grid workers' devices record monthly visits and
// sync each one to one real doorstep-server process, all at once, as fast as they can.
//
//   visit_load_bench --server PATH/doorstep-server --county DIR --form FILE
//                    [--devices N] [--visits V] [--threads T] [--keep DIR]
//
// Setup, not timed: a county (the forms of the source tree, so the server re-evaluates each
// visit's risk as in production) with the N largest grids of gen_county's DIR/county.json;
// N devices (default 20), each a grid worker enrolled for one of those grids and holding its
// grid's households from DIR/households.jsonl, synced once so the server holds them too.
// Timed: V visits in all (default 2,000), taken in turn by the devices' threads; each is one
// monthly visit of the device's next household — its generator answers with its month-1
// revisit (DIR/revisits.jsonl) applied, evaluated with the real form (FILE), stored as
// `doorstep visit` stores it — then one `doorstep sync` of it (TLS connection, health, hello,
// push, pull). The form is loaded once per run, not per visit (the CLI reads its file each
// time; a shell keeps it loaded).
//
// Prints one JSON line: {"visits", "devices", "errors", "visits_per_s" (visits the server
// holds afterwards / wall seconds), "latency_ms" (the sync of one visit: p50/p90/p99/max),
// "record_ms" (the local visit), "server_visits", "server_cpu_ms_per_visit",
// "devices_cpu_ms_per_visit", ...}. An error is a visit that could not
// be finalised, a failed or short sync, or a visit the server does not hold at the end.
// Exit 0 with no errors, 1 otherwise, 2 on bad options.
//
// The devices run in this process, one thread each, through the same HTTPS client and sync
// session libdoorstep uses (compiled in below, as in sync_load_bench).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client-lib/src/https_client.cpp"
#include "client-lib/src/https_sync_session.cpp"
#include "core/forms/form_evaluation.h"
#include "load_support.h"

using namespace doorstep;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<json> read_lines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<json> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      out.push_back(json::parse(line));
    } catch (const json::exception& e) {
      throw std::runtime_error(path.string() + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  return out;
}

// The answers of a monthly visit: the household's answers with its revisit applied (members
// matched by ID number), as bench/ours/https_sync.sh builds them for `doorstep visit`.
json visit_answers(const json& household, const json* revisit) {
  json answers = household.at("answers");
  if (!revisit) return answers;
  for (const auto& [name, value] : revisit->at("set").items()) answers[name] = value;
  for (const auto& change : revisit->at("members"))
    for (auto& member : answers["members"])
      if (member.value("id_number", "") == change.value("id_number", ""))
        for (const auto& [name, value] : change.at("set").items()) member[name] = value;
  return answers;
}

struct Device {
  std::string grid;
  std::vector<std::pair<std::string, json>> visits;  // store household id, answers
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  const std::set<std::string> known{"--server", "--county",  "--form", "--devices",
                                    "--visits", "--threads", "--keep"};
  for (const auto& [name, value] : options)
    if (!known.count(name)) {
      std::cerr << "visit_load_bench: unknown option '" << name << "'\n";
      return 2;
    }
  int devices = options.count("--devices") ? std::atoi(options["--devices"].c_str()) : 20;
  int visits = options.count("--visits") ? std::atoi(options["--visits"].c_str()) : 2000;
  int threads = options.count("--threads") ? std::atoi(options["--threads"].c_str()) : 0;
  if (argc % 2 == 0 || !options.count("--server") || !options.count("--county") ||
      !options.count("--form") || devices < 1 || visits < 1) {
    std::cerr << "usage: visit_load_bench --server PATH --county DIR --form FILE [--devices N] "
                 "[--visits V] [--threads T] [--keep DIR]\n";
    return 2;
  }
  const fs::path county_dir = options["--county"];
  const bool keep = options.count("--keep") > 0;
  fs::path dir =
      keep ? fs::path(options["--keep"])
           : fs::temp_directory_path() / ("doorstep-visits-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path data = dir / "county";

  std::shared_ptr<const forms::FormDefinition> form;
  std::vector<Device> fleet;
  std::unique_ptr<bench::ServerProcess> server;
  auto setup_started = std::chrono::steady_clock::now();
  try {
    form = forms::load_form_or_throw(bench::read_file(options["--form"]), options["--form"]);

    // The N largest grids, each one grid worker's.
    json county_summary = json::parse(bench::read_file(county_dir / "county.json"));
    std::vector<json> grids(county_summary.at("grid_list").begin(),
                            county_summary.at("grid_list").end());
    std::stable_sort(grids.begin(), grids.end(), [](const json& a, const json& b) {
      return a.at("households").get<int>() > b.at("households").get<int>();
    });
    if (static_cast<int>(grids.size()) < devices)
      throw std::runtime_error("the county has " + std::to_string(grids.size()) +
                               " grids, fewer than --devices");
    std::map<std::string, int> device_of_grid;
    for (int d = 0; d < devices; ++d) {
      fleet.push_back(Device{grids[static_cast<size_t>(d)].at("path").get<std::string>(), {}});
      device_of_grid[fleet.back().grid] = d;
    }
    std::map<std::string, json> revisit_of;
    for (auto& r : read_lines(county_dir / "revisits.jsonl"))
      if (r.value("month", 0) == 1) revisit_of[r.at("household").get<std::string>()] = r;

    sync::CountyInitOptions init;
    init.code = "640323";
    init.name = "Visit load";
    init.forms_dir = fs::path(options["--form"]).parent_path();
    auto county = sync::CountyAuthority::init(data, init);
    std::vector<store::Store> stores;
    for (int d = 0; d < devices; ++d) {
      const std::string& grid = fleet[static_cast<size_t>(d)].grid;
      county.add_grid(grid, grid);
      std::string name = "grid-worker-" + std::to_string(d);
      stores.push_back(bench::enroll_grid_worker(county, dir / (name + ".db"), name, grid));
    }
    for (const auto& household : read_lines(county_dir / "households.jsonl")) {
      auto at = device_of_grid.find(household.at("grid").get<std::string>());
      if (at == device_of_grid.end()) continue;
      auto& store = stores[static_cast<size_t>(at->second)];
      json fields = household.at("answers");
      json members = fields.at("members");
      fields.erase("members");
      std::string id = store.add_household(at->first, fields);
      for (const auto& member : members) store.add_member(id, member);
      auto revisit = revisit_of.find(household.at("id").get<std::string>());
      fleet[static_cast<size_t>(at->second)].visits.emplace_back(
          id, visit_answers(household, revisit == revisit_of.end() ? nullptr : &revisit->second));
    }
    for (auto& device : fleet)
      if (device.visits.empty()) throw std::runtime_error("grid " + device.grid + " is empty");
    stores.clear();

    server = std::make_unique<bench::ServerProcess>(options["--server"], data, dir, threads);
    // Each device's first sync: the server gets the households.
    for (int d = 0; d < devices; ++d) {
      auto store = store::Store::open(dir / ("grid-worker-" + std::to_string(d) + ".db"),
                                      store::OpenOptions{"", false});
      bench::set_server(store, *server);
      sync::Replica replica(store);
      net::sync_online(replica, net::SyncOptions{});
    }
  } catch (const std::exception& e) {
    std::cerr << "visit_load_bench: setup: " << e.what() << "\n";
    if (server) std::cerr << server->error_output();
    return 1;
  }
  double setup_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_started).count();

  // Every device records and syncs visits, as fast as it can, until V are done.
  std::vector<std::vector<double>> sync_ms(static_cast<size_t>(devices)),
      record_ms(static_cast<size_t>(devices));
  std::atomic<int> next{0}, errors{0}, ready{0}, pushed{0};
  std::atomic<bool> go{false};
  std::vector<std::string> first_errors;
  std::mutex errors_mutex;
  auto fail = [&](const std::string& what) {
    ++errors;
    std::lock_guard lock(errors_mutex);
    if (first_errors.size() < 5) first_errors.push_back(what);
  };
  std::vector<std::thread> workers;
  for (int d = 0; d < devices; ++d) {
    workers.emplace_back([&, d] {
      const Device& device = fleet[static_cast<size_t>(d)];
      std::unique_ptr<store::Store> store;
      std::unique_ptr<sync::Replica> replica;
      try {
        store = std::make_unique<store::Store>(store::Store::open(
            dir / ("grid-worker-" + std::to_string(d) + ".db"), store::OpenOptions{"", false}));
        replica = std::make_unique<sync::Replica>(*store);
      } catch (const std::exception& e) {
        fail(std::string("open: ") + e.what());
      }
      ++ready;
      while (!go) std::this_thread::yield();
      if (!replica) return;
      for (size_t turn = 0;; ++turn) {
        int index = next++;
        if (index >= visits) break;
        const auto& [household, answers] = device.visits[turn % device.visits.size()];
        auto started = std::chrono::steady_clock::now();
        try {
          json snapshot = forms::evaluate_form(form, answers, {}, form->settings.default_language);
          if (!snapshot.value("can_finalise", false))
            throw std::runtime_error(
                "household " + household +
                ": the answers cannot be finalised: " + snapshot["errors"].dump().substr(0, 300));
          store::VisitInput visit;
          visit.household_id = household;
          visit.form_id = snapshot.value("form_id", std::string());
          visit.form_version = snapshot.value("version", std::string());
          visit.answers = answers;
          visit.risk = snapshot["risk"];
          if (answers.contains("location")) visit.gps = answers["location"];
          store->record_visit(visit);
          auto recorded = std::chrono::steady_clock::now();
          net::SyncOptions sync_options;
          sync_options.timeout_seconds = 120;
          json result = net::sync_online(*replica, sync_options);
          auto synced = std::chrono::steady_clock::now();
          if (result["pushed"].get<int>() < 1 || !result["rejected"].empty())
            throw std::runtime_error("sync: " + result.dump());
          pushed += result["pushed"].get<int>();
          record_ms[static_cast<size_t>(d)].push_back(
              std::chrono::duration<double, std::milli>(recorded - started).count());
          sync_ms[static_cast<size_t>(d)].push_back(
              std::chrono::duration<double, std::milli>(synced - recorded).count());
        } catch (const std::exception& e) {
          fail(e.what());
        }
      }
    });
  }
  while (ready < devices) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  double server_cpu = bench::process_cpu_seconds(server->pid());
  double own_cpu = bench::process_cpu_seconds(::getpid());
  auto started = std::chrono::steady_clock::now();
  go = true;
  for (auto& w : workers) w.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  server_cpu = bench::process_cpu_seconds(server->pid()) - server_cpu;
  own_cpu = bench::process_cpu_seconds(::getpid()) - own_cpu;

  int server_exit = server->stop();
  int64_t server_visits = 0;
  {
    auto county = sync::CountyAuthority::open(data);
    auto& count = county.store().database().cached("SELECT count(*) FROM visits");
    count.step();
    server_visits = count.int64(0);
    count.reset();
  }
  if (server_visits != visits)
    fail("the server holds " + std::to_string(server_visits) + " visits, expected " +
         std::to_string(visits));
  std::vector<double> sync_all, record_all;
  for (int d = 0; d < devices; ++d) {
    sync_all.insert(sync_all.end(), sync_ms[static_cast<size_t>(d)].begin(),
                    sync_ms[static_cast<size_t>(d)].end());
    record_all.insert(record_all.end(), record_ms[static_cast<size_t>(d)].begin(),
                      record_ms[static_cast<size_t>(d)].end());
  }
  json report = {
      {"visits", visits},
      {"devices", devices},
      {"errors", errors.load()},
      {"visits_per_s", static_cast<double>(std::min<int64_t>(server_visits, visits)) / wall},
      {"wall_seconds", wall},
      {"latency_ms", bench::latency_summary(sync_all)},
      {"record_ms", bench::latency_summary(record_all)},
      {"pushed_changes", pushed.load()},
      {"server_visits", server_visits},
      // CPU per visit while timed: the server's, and the devices' (this process).
      {"server_cpu_ms_per_visit", server_cpu * 1000 / visits},
      {"devices_cpu_ms_per_visit", own_cpu * 1000 / visits},
      {"server_threads", threads > 0 ? json(threads) : json("default")},
      {"setup_seconds", setup_seconds},
      {"server_exit", server_exit}};
  if (!first_errors.empty()) report["first_errors"] = first_errors;
  std::cout << report.dump() << "\n";
  if (!keep) fs::remove_all(dir);
  return errors.load() == 0 ? 0 : 1;
}
