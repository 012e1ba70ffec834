#include "tests/client-lib/app_helpers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <cctype>
#include <chrono>
#include <regex>
#include <stdexcept>
#include <thread>

#include "tests/support/test_support.h"

namespace doorstep::test {

AppProcess::AppProcess(std::filesystem::path db, std::vector<std::string> extra,
                       std::vector<std::string> env) {
  static int counter = 0;
  auto stem = db.parent_path() / ("app-" + std::to_string(++counter));
  out_path_ = stem.string() + ".out";
  err_path_ = stem.string() + ".err";
  std::vector<std::string> args = {cli_path().string(), "app",      "--db",
                                   db.string(),         "--listen", "127.0.0.1:0"};
  for (auto& a : extra) args.push_back(a);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    for (auto& e : env) putenv(e.data());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::regex first_line(R"(^(http://127\.0\.0\.1:(\d+)/#/open\?secret=([0-9a-f]{64}))\n)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    std::string text = output();
    if (std::regex_search(text, match, first_line)) {
      url_ = match[1];
      port_ = std::stoi(match[2]);
      secret_ = match[3];
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("doorstep app exited before printing its URL: " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop(SIGKILL);
  throw std::runtime_error("doorstep app printed no URL: " + output() + log());
}

AppProcess::~AppProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

int AppProcess::stop(int signal) {
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

std::string AppProcess::output() const {
  return std::filesystem::exists(out_path_) ? read_file(out_path_) : "";
}

std::string AppProcess::log() const {
  return std::filesystem::exists(err_path_) ? read_file(err_path_) : "";
}

std::string HttpReply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json HttpReply::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

std::string raw_http(int port, const std::string& bytes, int timeout_ms) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server closed early: read what it answered
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string reply;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buffer[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return reply;
}

HttpReply parse_reply(const std::string& raw) {
  HttpReply reply;
  size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return reply;
  reply.status = std::atoi(raw.c_str() + 9);
  size_t at = raw.find("\r\n") + 2;
  while (at < end) {
    size_t line_end = raw.find("\r\n", at);
    std::string line = raw.substr(at, line_end - at);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      auto [it, inserted] = reply.headers.emplace(name, value);
      if (!inserted) it->second += ", " + value;
    }
    at = line_end + 2;
  }
  reply.body = raw.substr(end + 4);
  return reply;
}

HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       const std::string& body) {
  std::string request = method + " " + target + " HTTP/1.1\r\n";
  bool host = false;
  for (const auto& [name, value] : headers) {
    host = host || name == "Host";
    request += name + ": " + value + "\r\n";
  }
  if (!host) request += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  request += "Connection: close\r\n";
  if (!body.empty() || method == "POST")
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  return parse_reply(raw_http(port, request));
}

AppClient::AppClient(const AppProcess& app) : port_(app.port()) {
  auto reply = http_request(port_, "POST", "/app/session", {{"Content-Type", "application/json"}},
                            nlohmann::json{{"secret", app.secret()}}.dump());
  if (reply.status != 200) throw std::runtime_error("the secret was not exchanged: " + reply.body);
  std::string set_cookie = reply.header("set-cookie");
  cookie_ = set_cookie.substr(0, set_cookie.find(';'));
  csrf_ = reply.json()["csrf"].get<std::string>();
}

std::vector<std::pair<std::string, std::string>> AppClient::session_headers() const {
  return {{"Cookie", cookie_}, {"X-Doorstep-CSRF", csrf_}, {"Content-Type", "application/json"}};
}

HttpReply AppClient::call(const std::string& name, const nlohmann::json& args) {
  return http_request(port_, "POST", "/bridge/" + name, session_headers(), args.dump());
}

nlohmann::json AppClient::ok(const std::string& name, const nlohmann::json& args) {
  HttpReply reply = call(name, args);
  INFO("bridge call " << name << " " << args.dump().substr(0, 300) << " answered " << reply.status
                      << ": " << reply.body.substr(0, 2000));
  REQUIRE(reply.status == 200);
  return reply.json();
}

}  // namespace doorstep::test
