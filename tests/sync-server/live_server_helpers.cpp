#include "tests/sync-server/live_server_helpers.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <stdexcept>
#include <thread>

#include "tests/support/test_support.h"

namespace doorstep::test {

LiveServer::LiveServer(std::filesystem::path data, std::vector<std::string> extra_args, int port)
    : data_(std::move(data)) {
  static int counter = 0;
  auto stem = data_.parent_path() / ("server-" + std::to_string(++counter));
  out_path_ = stem.string() + ".out";
  err_path_ = stem.string() + ".err";
  std::vector<std::string> args = {
      server_path().string(), "serve",    "--data",
      data_.string(),         "--listen", "127.0.0.1:" + std::to_string(port)};
  for (auto& a : extra_args) args.push_back(a);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::regex listening(
      R"(listening on https://127\.0\.0\.1:(\d+)\nTLS certificate SHA-256: ([0-9a-f]{64}))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    std::string text = output();
    if (std::regex_search(text, match, listening)) {
      port_ = std::stoi(match[1]);
      fingerprint_ = match[2];
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("doorstep-server exited before listening: " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop(SIGKILL);
  throw std::runtime_error("doorstep-server did not start listening: " + log());
}

LiveServer::~LiveServer() {
  if (pid_ > 0) stop(SIGKILL);
}

std::filesystem::path LiveServer::certificate() const {
  return data_ / "tls" / "server.crt";
}

int LiveServer::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string LiveServer::log() const {
  return std::filesystem::exists(err_path_) ? read_file(err_path_) : "";
}

std::string LiveServer::output() const {
  return std::filesystem::exists(out_path_) ? read_file(out_path_) : "";
}

nlohmann::json HttpResult::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

HttpResult curl(const std::string& url, const std::filesystem::path& ca,
                const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"-sS", "--max-time",    "30", "--cacert", ca.string(),
                                   "-w",  "\n%{http_code}"};
  for (const auto& e : extra) args.push_back(e);
  args.push_back(url);
  auto result = run_process("/usr/bin/curl", args);
  HttpResult http;
  http.error = result.err;
  auto newline = result.out.rfind('\n');
  if (newline == std::string::npos) return http;
  http.status = std::atoi(result.out.c_str() + newline + 1);
  http.body = result.out.substr(0, newline);
  return http;
}

void init_demo_county(const std::filesystem::path& data) {
  auto init = run_process(server_path(), {"init", "--data", data.string(), "--county", "640323",
                                          "--name", "Yanchi", "--demo"});
  if (init.exit_code != 0) throw std::runtime_error("doorstep-server init failed: " + init.err);
}

std::string create_token(const std::filesystem::path& data, const std::string& role,
                         const std::string& scope) {
  auto made = run_process(server_path(), {"token", "create", "--data", data.string(), "--role",
                                          role, "--scope", scope, "--json"});
  if (made.exit_code != 0) throw std::runtime_error("token create failed: " + made.err);
  return nlohmann::json::parse(made.out)["token"].get<std::string>();
}

}  // namespace doorstep::test
