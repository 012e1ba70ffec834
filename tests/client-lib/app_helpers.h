// Helpers of the app host's tests: a real `doorstep app` process on a free loopback port, a
// plain HTTP client over a socket (so a test can send exactly the bytes it means, malformed
// ones too), and a client holding the session the one-time secret was exchanged for.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace doorstep::test {

class AppProcess {
 public:
  // Starts `doorstep app --db DB --listen 127.0.0.1:0 EXTRA...` (environment additions
  // NAME=VALUE in `env`) and waits (up to 20 s) for the URL on its first line; throws if it
  // exits first.
  explicit AppProcess(std::filesystem::path db, std::vector<std::string> extra = {},
                      std::vector<std::string> env = {});
  ~AppProcess();  // SIGKILL if still running
  AppProcess(const AppProcess&) = delete;
  AppProcess& operator=(const AppProcess&) = delete;

  int port() const { return port_; }
  const std::string& url() const { return url_; }        // the first line printed
  const std::string& secret() const { return secret_; }  // the secret in it
  // Sends `signal` and waits; returns the exit code (128+signal if killed by it).
  int stop(int signal);
  std::string output() const;
  std::string log() const;

 private:
  std::filesystem::path out_path_, err_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_, secret_;
};

struct HttpReply {
  int status = 0;                              // 0: no answer (the connection closed first)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const;
  nlohmann::json json() const;
};

// Writes `bytes` to 127.0.0.1:port and reads until the server closes the connection (or
// `timeout_ms` passes); returns what came back.
std::string raw_http(int port, const std::string& bytes, int timeout_ms = 10000);
HttpReply parse_reply(const std::string& raw);

// One HTTP/1.1 request with Connection: close. Host is 127.0.0.1:PORT unless `headers`
// names another.
HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {},
                       const std::string& body = "");

// A page of the app: it has exchanged the app's secret for the session cookie and token.
class AppClient {
 public:
  explicit AppClient(const AppProcess& app);
  // POST /bridge/NAME with `args`.
  HttpReply call(const std::string& name, const nlohmann::json& args = nlohmann::json::object());
  // The answer of a call that must succeed (a doctest failure names the call otherwise).
  nlohmann::json ok(const std::string& name, const nlohmann::json& args = nlohmann::json::object());
  std::vector<std::pair<std::string, std::string>> session_headers() const;
  int port() const { return port_; }
  const std::string& cookie() const { return cookie_; }
  const std::string& csrf() const { return csrf_; }

 private:
  int port_;
  std::string cookie_;  // NAME=VALUE
  std::string csrf_;
};

}  // namespace doorstep::test
