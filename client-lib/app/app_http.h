// LoopbackServer: the app host's HTTP/1.1 server on a loopback address (plain HTTP: the bytes
// never leave the machine). Each connection reads one request at a time with a deadline on
// every read and write, a bound on the header bytes and fields, and a body limit chosen per
// request from its header; the request then goes to the handler on a small worker pool, so a
// long bridge call (a sync) never stalls the other connections. A malformed or oversized
// request is answered 400/413/431 and its connection closed; it never stops the server.
//
// The only translation unit that includes Boost.Beast is app_http.cpp.
//
// Ownership: owns its sockets and threads; the handler and body-limit functions are copied
// and called from worker threads (they must be thread-safe). stop() may be called from any
// thread; the rest from the thread that made the server.
// Failure: the constructor throws std::runtime_error naming the address if it cannot bind.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http_message.h"

namespace doorstep::app {

struct LoopbackLimits {
  size_t header_bytes = 16 * 1024;  // request line and headers together
  size_t header_fields = 64;
  size_t max_connections = 64;  // beyond: accepted and closed at once
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{60};
  int worker_threads = 4;
};

class LoopbackServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  // The largest body the request whose head (no body yet) is given may carry.
  using BodyLimit = std::function<uint64_t(const HttpRequest& head)>;

  // Binds `address` (an IPv4 literal) and `port` (0: a free port the system picks).
  LoopbackServer(const std::string& address, uint16_t port, LoopbackLimits limits,
                 BodyLimit body_limit, Handler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // The port bound (the one chosen when 0 was asked).
  uint16_t port() const;
  // Serves until stop() is called or the process gets SIGINT or SIGTERM.
  void run();
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace doorstep::app
