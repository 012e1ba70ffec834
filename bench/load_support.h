// What the load benchmarks against a real doorstep-server share (sync_load_bench,
// visit_load_bench): the server process on a free loopback port, devices enrolled by the
// county authority in-process, and the percentiles of a latency sample.
//
// Ownership: ServerProcess owns its child process and stops it (SIGTERM, then waits) in
// stop() or its destructor. Thread-safety: none; set up from one thread.
// Failure: ServerProcess and the device functions throw std::runtime_error / doorstep::Error
// with the server's stderr or the store's message.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "client-lib/src/https_sync_session.h"
#include "core/store/store.h"
#include "core/sync/county_authority.h"
#include "core/sync/replica.h"

namespace doorstep::bench {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The value at quantile p (0..1) of `values`, nearest rank; 0 for no values.
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

inline nlohmann::json latency_summary(const std::vector<double>& ms) {
  return {{"p50", percentile(ms, 0.5)},
          {"p90", percentile(ms, 0.9)},
          {"p99", percentile(ms, 0.99)},
          {"max", percentile(ms, 1.0)}};
}

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat; 0 if unreadable.
inline double process_cpu_seconds(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto end_of_name = stat.rfind(')');
  if (end_of_name == std::string::npos) return 0;
  std::istringstream fields(stat.substr(end_of_name + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// `doorstep-server serve --data DATA --listen 127.0.0.1:0 [--threads T]`, its stdout and
// stderr in DIR/server.out and DIR/server.err.
class ServerProcess {
 public:
  ServerProcess(const std::string& binary, const std::filesystem::path& data,
                const std::filesystem::path& dir, int threads) {
    out_ = dir / "server.out";
    err_ = dir / "server.err";
    pid_ = fork();
    if (pid_ == 0) {
      std::freopen(out_.c_str(), "w", stdout);
      std::freopen(err_.c_str(), "w", stderr);
      std::string t = std::to_string(threads);
      if (threads > 0)
        execl(binary.c_str(), binary.c_str(), "serve", "--data", data.c_str(), "--listen",
              "127.0.0.1:0", "--threads", t.c_str(), static_cast<char*>(nullptr));
      else
        execl(binary.c_str(), binary.c_str(), "serve", "--data", data.c_str(), "--listen",
              "127.0.0.1:0", static_cast<char*>(nullptr));
      _exit(127);
    }
    std::regex listening(R"(https://127\.0\.0\.1:(\d+)\nTLS certificate SHA-256: ([0-9a-f]{64}))");
    std::smatch match;
    std::string printed;
    for (int i = 0; i < 500 && !std::regex_search(printed = read_file(out_), match, listening); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (match.empty()) {
      stop(SIGKILL);
      throw std::runtime_error("the server did not start: " + read_file(err_));
    }
    url_ = "https://127.0.0.1:" + match[1].str();
    fingerprint_ = match[2];
  }
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& url() const { return url_; }
  const std::string& fingerprint() const { return fingerprint_; }
  pid_t pid() const { return pid_; }
  std::string error_output() const { return read_file(err_); }

  // Stops the server; returns its exit code (-1 if killed by a signal or already stopped).
  int stop(int signal = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = 0;
  std::filesystem::path out_, err_;
  std::string url_, fingerprint_;
};

// A new device store at `path`, enrolled by `county` as a grid worker of `grid` (the device
// side is not durable: it is not what these benchmarks measure).
inline store::Store enroll_grid_worker(sync::CountyAuthority& county,
                                       const std::filesystem::path& path, const std::string& name,
                                       const std::string& grid) {
  store::InitOptions init;
  init.name = name;
  init.scope = grid;
  init.durable = false;
  auto store = store::Store::create(path, init);
  sync::Replica replica(store);
  auto enrollment = county.issue_device(replica.certificate_request(),
                                        crypto::DeviceRole::GridWorker, grid, init.name);
  replica.install_enrollment(enrollment);
  return store;
}

// Points the device at `server` (what `doorstep enroll` saves after an online enrollment).
inline void set_server(store::Store& store, const ServerProcess& server) {
  sync::Replica replica(store);
  replica.state().set_item(
      net::kServerItem,
      nlohmann::json{{"url", server.url()}, {"fingerprint", server.fingerprint()}}.dump());
}

}  // namespace doorstep::bench
