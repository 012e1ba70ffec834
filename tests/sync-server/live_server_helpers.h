// A real doorstep-server process on a free loopback port, for integration tests, and curl as
// an outside HTTPS client that verifies the server's certificate.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace doorstep::test {

class LiveServer {
 public:
  // Starts `doorstep-server serve --data DATA --listen 127.0.0.1:PORT EXTRA...` and waits (up
  // to 20 s) until it prints its URL; throws if it exits or never does.
  explicit LiveServer(std::filesystem::path data, std::vector<std::string> extra_args = {},
                      int port = 0);
  ~LiveServer();  // SIGKILL if still running
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::string& fingerprint() const { return fingerprint_; }
  pid_t pid() const { return pid_; }
  std::filesystem::path certificate() const;

  // Sends `signal` and waits for the process; returns its exit code (128+signal if killed).
  int stop(int signal);
  bool running() const { return pid_ > 0; }
  std::string log() const;     // everything it wrote to stderr so far
  std::string output() const;  // everything it wrote to stdout so far

 private:
  std::filesystem::path data_;
  std::filesystem::path out_path_, err_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string fingerprint_;
};

struct HttpResult {
  int status = 0;  // 0 when curl could not get a response
  std::string body;
  std::string error;  // curl's stderr
  nlohmann::json json() const;
};

// curl -sS against `url` trusting `ca` (the server certificate); extra curl args may add
// -X, -d @file, --cert/--key, headers.
HttpResult curl(const std::string& url, const std::filesystem::path& ca,
                const std::vector<std::string>& extra = {});

// `doorstep-server init --demo` of county 640323 (Yanchi) in `data`; fails the test if it
// fails.
void init_demo_county(const std::filesystem::path& data);

// A one-time enrollment token for `role` at `scope`, from `doorstep-server token create`.
std::string create_token(const std::filesystem::path& data, const std::string& role,
                         const std::string& scope);

}  // namespace doorstep::test
