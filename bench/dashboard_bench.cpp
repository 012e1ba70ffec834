// dashboard_bench: the staff dashboard of a county of N households (50,000 by default; 5,000
// with --quick) — the server's own time to answer the overview (/) and a filtered household
// page, and how many bytes each page sends (before compression; the aim is under 200 ms and
// under 200 KB).
//
// The county is the synthetic county (county_gen.h) written straight into a county store:
// every household registered with its answers and members (so the county's classifier gives
// each a level and a monitoring type), and 1% of them visited (their visits raise warnings
// and open cases with verify tasks). A real `doorstep-server serve` process answers; a county
// officer logs in through POST /login and curl asks each page `--repeat` times. The times are
// the server's, from its access log ("ms": from the request read to the response ready), so
// TLS and curl are not counted. The first overview is reported apart: it builds the household
// index (web/household_index.h); the others read the index, brought up to date by the changes
// since (none here).
//
// usage: dashboard_bench [--households N] [--quick] [--repeat R]
// Prints one JSON line: {"households", "setup_seconds", "first_overview_ms", "overview_ms"
// (median), "overview_max_ms", "overview_bytes", "filtered_ms", "filtered_max_ms",
// "filtered_bytes", "search_ms", "search_bytes"}. With DOORSTEP_BENCH_KEEP
// set, the county folder stays in the temp dir.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/rules/household_classifier.h"
#include "core/sync/county_authority.h"
#include "county_gen.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs a program to its end; its stdout.
std::string run(std::vector<std::string> args) {
  std::string command;
  for (const auto& arg : args) {
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += quoted + "' ";
  }
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Served {
  pid_t pid = -1;
  int port = 0;
  std::filesystem::path log;
};

Served serve(const std::filesystem::path& data) {
  Served served;
  served.log = data / "serve.err";
  auto out = data / "serve.out";
  served.pid = fork();
  if (served.pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(served.log.c_str(), "w", stderr))
      _exit(126);
    execl(DOORSTEP_SERVER_PATH, DOORSTEP_SERVER_PATH, "serve", "--data", data.c_str(), "--listen",
          "127.0.0.1:0", "--monitor-every", "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::regex listening(R"(listening on https://127\.0\.0\.1:(\d+))");
  for (int i = 0; i < 600 && served.port == 0; ++i) {
    std::smatch match;
    std::string text = read_all(out);
    if (std::regex_search(text, match, listening)) served.port = std::stoi(match[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return served;
}

// The server's times (ms) and bytes of its answers to GET `path`, in log order.
void answers_of(const std::string& log, const std::string& path, std::vector<double>& ms,
                std::vector<double>& bytes) {
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    json entry = json::parse(line, nullptr, false);
    if (!entry.is_object() || entry.value("event", "") != "request") continue;
    if (entry.value("method", "") != "GET" || entry.value("path", "") != path) continue;
    ms.push_back(entry.value("ms", 0.0));
    bytes.push_back(entry.value("bytes_out", 0.0));
  }
}

}  // namespace

int main(int argc, char** argv) {
  int households = 50000, repeat = 20;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") {
      households = 5000;
    } else if (arg == "--households" && i + 1 < argc) {
      households = std::atoi(argv[++i]);
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: dashboard_bench [--households N >= 100] [--quick] [--repeat R]\n");
      return 2;
    }
  }
  if (households < 100 || repeat < 1) {
    std::fprintf(stderr, "usage: dashboard_bench [--households N >= 100] [--quick] [--repeat R]\n");
    return 2;
  }
  auto dir = std::filesystem::temp_directory_path() /
             ("doorstep-dashboard-bench-" + std::to_string(households));
  std::filesystem::remove_all(dir);
  auto setup_start = Clock::now();
  doorstep::rules::use_form_classifier();
  doorstep::sync::CountyInitOptions options;
  options.code = "640323";
  options.name = "Yanchi";
  options.demo = true;
  options.durable = false;
  options.forms_dir = std::filesystem::path(DOORSTEP_SOURCE_DIR) / "forms";
  doorstep::bench::CountyOptions shape;
  shape.households = households;
  shape.big_village_households = households / 10;
  doorstep::bench::CountyGenerator generator(shape);
  json form = json::parse(read_all(options.forms_dir.value() / "household-monitoring.json"));
  std::string some_name;
  std::fprintf(stderr, "dashboard_bench: generating %d households\n", households);
  {
    auto county = doorstep::sync::CountyAuthority::init(dir, options);
    for (const auto& grid : generator.grids()) county.add_grid(grid.path, "");
    auto& store = county.store();
    for (int i = 0; i < households; ++i) {
      json household = generator.household(i);
      json answers = household["answers"];
      std::string id = store.add_household(household["grid"], answers);
      if (i == households / 2) some_name = answers["head_name"];
      if (i % 100 == 0) {
        doorstep::store::VisitInput visit;
        visit.household_id = id;
        visit.form_id = form["settings"]["form_id"];
        visit.form_version = form["settings"]["version"];
        visit.answers = answers;
        store.record_visit(visit);
      }
    }
    store.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  auto password = dir / "password";
  {
    std::ofstream out(password);
    out << "benchmark password\n";
  }
  run({DOORSTEP_SERVER_PATH, "staff", "add", "--data", dir.string(), "--name", "bench", "--role",
       "county", "--scope", "640323", "--password-file", password.string()});
  double setup_seconds = std::chrono::duration<double>(Clock::now() - setup_start).count();
  std::fprintf(stderr, "dashboard_bench: county made in %.1f s; serving\n", setup_seconds);
  Served served = serve(dir);
  if (served.port == 0) {
    std::fprintf(stderr, "dashboard_bench: the server did not start: %s\n",
                 read_all(served.log).c_str());
    return 1;
  }
  std::string url = "https://127.0.0.1:" + std::to_string(served.port);
  std::string jar = (dir / "cookies").string();
  auto get = [&](const std::string& path) {
    run({"curl", "-sk", "-o", "/dev/null", "-b", jar, "-c", jar, url + path});
  };
  run({"curl", "-sk", "-o", "/dev/null", "-c", jar, "--data-urlencode", "name=bench",
       "--data-urlencode", "password=benchmark password", url + "/login"});
  const std::string filtered = "/households?level=red&area=640323.101&sort=name";
  const std::string search = "/households?q=" + some_name.substr(0, 3);
  for (int i = 0; i <= repeat; ++i) get("/");
  for (int i = 0; i < repeat; ++i) get(filtered);
  for (int i = 0; i < repeat; ++i) get(search);
  kill(served.pid, SIGTERM);
  waitpid(served.pid, nullptr, 0);
  std::string log = read_all(served.log);
  std::vector<double> overview_ms, overview_bytes, filtered_ms, filtered_bytes, search_ms,
      search_bytes;
  answers_of(log, "/", overview_ms, overview_bytes);
  answers_of(log, "/households", filtered_ms, filtered_bytes);
  if (overview_ms.size() != static_cast<size_t>(repeat) + 1 ||
      filtered_ms.size() != static_cast<size_t>(2 * repeat)) {
    std::fprintf(stderr, "dashboard_bench: the server logged %zu overviews and %zu lists\n",
                 overview_ms.size(), filtered_ms.size());
    return 1;
  }
  double first = overview_ms.front();
  overview_ms.erase(overview_ms.begin());
  search_ms.assign(filtered_ms.begin() + repeat, filtered_ms.end());
  search_bytes.assign(filtered_bytes.begin() + repeat, filtered_bytes.end());
  filtered_ms.resize(static_cast<size_t>(repeat));
  filtered_bytes.resize(static_cast<size_t>(repeat));
  json result = {{"households", households},
                 {"setup_seconds", setup_seconds},
                 {"first_overview_ms", first},
                 {"overview_ms", median(overview_ms)},
                 {"overview_max_ms", *std::max_element(overview_ms.begin(), overview_ms.end())},
                 {"overview_bytes", overview_bytes.back()},
                 {"filtered_ms", median(filtered_ms)},
                 {"filtered_max_ms", *std::max_element(filtered_ms.begin(), filtered_ms.end())},
                 {"filtered_bytes", filtered_bytes.back()},
                 {"search_ms", median(search_ms)},
                 {"search_bytes", search_bytes.back()}};
  std::printf("%s\n", result.dump().c_str());
  if (!std::getenv("DOORSTEP_BENCH_KEEP")) std::filesystem::remove_all(dir);
  return 0;
}
