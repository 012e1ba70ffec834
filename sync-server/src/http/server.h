// HttpsServer: the county server's HTTPS transport. Boost.Asio + Beast, modelled on Beast's
// advanced server examples: one listener, one session object per connection running on its
// own strand, async all the way, a timeout on the TLS handshake and on every read and write,
// a header size limit and a per-route body limit (asked of the Router before the body is
// read), HTTP/1.1 keep-alive.
//
// Limits, so that no client can make the server grow: a body beyond
// Router::kUnauthenticatedBodyLimit is read only after its route's admission check (the
// device, time and nonce of its Authorization) passed; at most `max_connections`
// connections are served at once (a few more are answered 503 with Retry-After, the rest
// closed at once); the bodies being read or handled hold at most `max_body_memory` bytes
// together (a request that would pass it is answered 503 with Retry-After before its body is
// read). After a refused request the server reads and discards what the client still sends
// for at most `read_timeout` in all, then closes.
//
// Requests are handled off the I/O threads, on a small worker pool, because handlers block on
// SQLite (an ingest answers only after its transaction is durable); the session's strand
// resumes with the response. Every response is counted in Metrics and logged as one JSON line.
//
// TLS: 1.2 or newer only; TLS 1.2 with ECDHE and AEAD suites only (AES-GCM, ChaCha20-Poly1305)
// in the server's order. The server asks for a client certificate but accepts the handshake
// without one (enrollment and health have none); the DER of whatever the client presented is
// handed to the handler, which authenticates the device (see docs/api.md). That way a bad
// credential is refused with a JSON 401/403 instead of a bare handshake failure.
//
// Shutdown: on SIGTERM/SIGINT (or stop()) the listener closes, idle connections are closed,
// and requests already being handled finish and are answered with "Connection: close";
// run() returns when the last one is written (or after the grace period, when the remaining
// connections are cut: a cut connection has no response, and an ingest that was not answered
// was either committed whole or not at all).
//
// This header is Beast-free on purpose: Beast compiles slowly, so server.cpp and
// request_parser.cpp (the same parsing without a socket) are the only translation units
// that include it.
//
// Thread-safety: construct and run() from one thread; stop() and port() from any thread.
// Failure: the constructor throws doorstep::Error (Io) if the address cannot be bound or the
// certificate/key are unusable (OpenSSL).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace doorstep::server {

class Router;
class Metrics;
class AccessLog;

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8443;         // 0 picks a free port; port() tells which
  std::string certificate_pem;  // the server's certificate chain, PEM
  std::string private_key_pem;  // its private key, PEM
  int io_threads = 2;
  int worker_threads = 2;
  std::chrono::milliseconds handshake_timeout{15000};
  std::chrono::milliseconds read_timeout{30000};  // also the keep-alive idle limit
  std::chrono::milliseconds write_timeout{60000};
  std::chrono::milliseconds shutdown_grace{30000};
  uint32_t header_limit = 16 * 1024;
  size_t max_connections = 1024;
  size_t max_body_memory = size_t{256} * 1024 * 1024;
  bool handle_signals = true;  // stop on SIGTERM and SIGINT
};

class HttpsServer {
 public:
  HttpsServer(ServerConfig config, const Router& router, Metrics& metrics, AccessLog& log);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // The bound port (useful after asking for port 0).
  uint16_t port() const;
  // Serves until stopped; returns once in-flight requests are answered.
  void run();
  // Begins the graceful shutdown; safe from any thread and from a signal-free context.
  void stop();

  struct Impl;  // the Beast side, defined in server.cpp

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace doorstep::server
