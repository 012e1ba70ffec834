// HttpsServer: the only translation unit that includes Boost.Beast (see server.h for why).
// Structure after Beast's advanced server: Listener accepts, each Session owns one TLS stream
// on its own strand and loops read header -> admit (Router::admit: limits, the route's
// admission check) and reserve the body's memory -> read body -> handle on the worker pool ->
// write -> read again.
#include "http/server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "http/access_log.h"
#include "http/beast_conversion.h"
#include "http/metrics.h"
#include "http/request_parser.h"
#include "http/router.h"

namespace doorstep::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

class Session;

struct HttpsServer::Impl : std::enable_shared_from_this<HttpsServer::Impl> {
  Impl(ServerConfig config, const Router& router, Metrics& metrics, AccessLog& log)
      : config(std::move(config)),
        router(router),
        metrics(metrics),
        log(log),
        tls(ssl::context::tls_server),
        acceptor(net::make_strand(ioc)),
        signals(ioc),
        grace_timer(ioc),
        accept_pause(acceptor.get_executor()),
        workers(static_cast<size_t>(std::max(1, this->config.worker_threads))) {}

  void configure_tls();
  void bind();
  void accept();
  void begin_shutdown();
  void session_started(Session* session, const std::shared_ptr<Session>& shared);
  void session_ended(Session* session, bool refusing);
  // Takes `bytes` of the body memory budget; false if that would pass max_body_memory.
  bool reserve_body(uint64_t bytes);
  void release_body(uint64_t bytes) {
    body_bytes -= bytes;
    metrics.body_memory_changed(-static_cast<int64_t>(bytes));
  }
  // How many connections beyond max_connections are still answered 503 (the rest are closed
  // without an answer).
  size_t refusal_allowance() const { return std::max<size_t>(16, config.max_connections / 16); }

  ServerConfig config;
  const Router& router;
  Metrics& metrics;
  AccessLog& log;
  net::io_context ioc;
  ssl::context tls;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer grace_timer;
  net::steady_timer accept_pause;  // after a failed accept (EMFILE), on the acceptor's strand
  net::thread_pool workers;
  std::atomic<bool> stopping{false};
  uint16_t bound_port = 0;
  std::mutex sessions_mutex;
  std::map<Session*, std::weak_ptr<Session>> sessions;
  std::atomic<size_t> serving{0};       // sessions within max_connections
  std::atomic<size_t> refusing{0};      // sessions beyond it, being answered 503
  std::atomic<uint64_t> body_bytes{0};  // body memory reserved by requests in flight
};

// A share of the body memory budget, given back when destroyed (when the request it was
// taken for has been handled, or its read failed).
class BodyReservation {
 public:
  BodyReservation(std::shared_ptr<HttpsServer::Impl> server, uint64_t bytes)
      : server_(std::move(server)), bytes_(bytes) {}
  ~BodyReservation() { server_->release_body(bytes_); }
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;

 private:
  std::shared_ptr<HttpsServer::Impl> server_;
  uint64_t bytes_;
};

namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

}  // namespace

// One TLS connection. All its handlers run on the stream's strand, so its members need no
// lock; the only cross-thread hand-off is the request going to the worker pool and the
// response coming back through net::post onto the strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // `refusing`: the server already serves max_connections; this one is answered 503.
  Session(tcp::socket&& socket, std::shared_ptr<HttpsServer::Impl> server, bool refusing)
      : stream_(std::move(socket), server->tls), server_(std::move(server)), refusing_(refusing) {
    beast::error_code ec;
    auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) peer_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    server_->metrics.connection_opened();
    ++(refusing_ ? server_->refusing : server_->serving);  // the destructor gives it back
  }
  ~Session() {
    server_->metrics.connection_closed();
    server_->session_ended(this, refusing_);
  }

  void start() {
    server_->session_started(this, shared_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->handshake(); });
  }

  // Called on shutdown: a connection waiting for its next request is closed now; one whose
  // request is being handled finishes it first (closing after the write).
  void stop_if_idle() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void handshake() {
    beast::get_lowest_layer(stream_).expires_after(server_->config.handshake_timeout);
    stream_.async_handshake(
        ssl::stream_base::server,
        [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      server_->metrics.count_tls_failure();
      return;  // a port scanner or a client that does not trust us: nothing to answer
    }
    if (X509* cert = SSL_get1_peer_certificate(stream_.native_handle())) {
      int size = i2d_X509(cert, nullptr);
      if (size > 0) {
        peer_certificate_.resize(static_cast<size_t>(size));
        auto* out = reinterpret_cast<unsigned char*>(peer_certificate_.data());
        i2d_X509(cert, &out);
      }
      X509_free(cert);
    }
    read_header();
  }

  void read_header() {
    if (server_->stopping) return close();
    parser_.emplace();
    parser_->header_limit(server_->config.header_limit);
    // The route's limit is applied once the headers say which route this is.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    head_.reset();
    beast::get_lowest_layer(stream_).expires_after(server_->config.read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::header_limit)
      return reply_and_close(transport_error(
          431, "headers_too_large",
          "the request headers exceed " + std::to_string(server_->config.header_limit) + " bytes"));
    if (ec == http::error::end_of_stream || ec == net::error::eof) {
      // The client ended the connection cleanly between requests (close_notify): its TLS
      // session stays in the cache for resumption (OpenSSL drops the session of a
      // connection freed without a shutdown), and no close_notify is sent back.
      SSL_set_shutdown(stream_.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
      return close();
    }
    if (ec == beast::error::timeout && buffer_.size() == 0) {
      // A kept connection idle for the read timeout, with no part of a request read: the
      // server ends it, and the device's next connection resumes its session as above.
      SSL_set_shutdown(stream_.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
      return close();
    }
    if (ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == ssl::error::stream_truncated || ec == net::error::connection_reset)
      return close();
    if (ec)
      return reply_and_close(transport_error(400, "malformed_http",
                                             "the request is not valid HTTP/1.1: " + ec.message()));
    started_ = Clock::now();
    head_ = std::make_shared<HttpRequest>(beast_conversion::head_of(parser_->get().base()));
    head_->peer_address = peer_;
    head_->peer_certificate = peer_certificate_;
    if (refusing_) {
      auto busy =
          transport_error(503, "busy",
                          "the server is serving as many connections as it may (" +
                              std::to_string(server_->config.max_connections) + "); retry later");
      busy.headers["retry-after"] = "1";
      return reply_and_close(std::move(busy));
    }
    auto admission = server_->router.admit(*head_, beast_conversion::content_length_of(*parser_));
    if (admission.refusal) return reply_and_close(std::move(*admission.refusal));
    // Reserve what the body may take before any of it is read: the declared length, or the
    // whole limit for a chunked body.
    uint64_t reserve =
        parser_->chunked() ? admission.body_limit : parser_->content_length().value_or(0);
    if (reserve > 0) {
      if (!server_->reserve_body(reserve)) {
        auto busy =
            transport_error(503, "busy",
                            "the server holds as much request body memory as it may (" +
                                std::to_string(server_->config.max_body_memory / (1024 * 1024)) +
                                " MiB); retry later");
        busy.headers["retry-after"] = "1";
        return reply_and_close(std::move(busy));
      }
      reservation_ = std::make_shared<BodyReservation>(server_, reserve);
    }
    size_t limit = admission.body_limit;
    parser_->body_limit(limit);
    beast::get_lowest_layer(stream_).expires_after(server_->config.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this(), limit](beast::error_code ec, size_t) {
                       self->on_body(ec, limit);
                     });
  }

  void on_body(beast::error_code ec, size_t limit) {
    if (ec == http::error::body_limit)
      return reply_and_close(transport_error(
          413, "body_too_large",
          "the body exceeds this endpoint's limit of " + std::to_string(limit) + " bytes"));
    if (ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == ssl::error::stream_truncated || ec == net::error::eof ||
        ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == net::error::connection_reset)
      return close();
    if (ec)
      return reply_and_close(transport_error(
          400, "malformed_http", "the request body is not valid HTTP/1.1: " + ec.message()));
    dispatch_request();
  }

  void dispatch_request() {
    busy_ = true;
    auto request = std::move(head_);
    request->body = std::move(parser_->get().body());
    keep_alive_ = parser_->get().keep_alive();
    parser_.reset();
    beast::get_lowest_layer(stream_).expires_never();
    // The guard keeps io_context::run() going while the worker has the request, so a
    // shutdown waits for it. The reservation goes with the request: its body is freed, and
    // the memory given back, when the worker is done with it.
    net::post(server_->workers, [self = shared_from_this(), request,
                                 reservation = std::move(reservation_),
                                 work = net::make_work_guard(server_->ioc)]() mutable {
      HttpResponse response = self->server_->router.handle(*request);
      double seconds = std::chrono::duration<double>(Clock::now() - self->started_).count();
      try {
        self->server_->metrics.count_request(response.route, response.status, seconds);
      } catch (const std::exception&) {
        // Counting needs memory only; without it the answer still goes out.
      }
      self->server_->log.request(*request, response, seconds);
      request.reset();
      reservation.reset();
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response)]() mutable { self->write(response); });
    });
  }

  void write(const HttpResponse& response) {
    send(std::make_shared<http::response<http::string_body>>(
        beast_conversion::to_beast(response, keep_alive_ && !server_->stopping)));
  }

  // Answers a request refused before (or while) its body was read, and closes.
  void reply_and_close(HttpResponse response) {
    busy_ = true;
    keep_alive_ = false;
    linger_ = true;
    reservation_.reset();
    HttpRequest request;
    if (head_) {
      request.method = head_->method;
      request.target = head_->target;
    }
    request.peer_address = peer_;
    if (request.method == "HEAD") {
      response.head_content_length = response.body.size();
      response.body.clear();
    }
    response.route = "transport";
    try {
      server_->metrics.count_request(response.route, response.status, 0);
    } catch (const std::exception&) {
      // as in dispatch_request
    }
    server_->log.request(request, response, 0);
    send(std::make_shared<http::response<http::string_body>>(
        beast_conversion::to_beast(response, false)));
  }

  void send(std::shared_ptr<http::response<http::string_body>> message) {
    beast::get_lowest_layer(stream_).expires_after(server_->config.write_timeout);
    bool keep_alive = message->keep_alive();
    http::async_write(
        stream_, *message,
        [self = shared_from_this(), message, keep_alive](beast::error_code ec, size_t) {
          self->busy_ = false;
          if (ec) return self->close();
          if (self->linger_) {
            self->linger_deadline_ = Clock::now() + self->server_->config.read_timeout;
            return self->linger();
          }
          if (!keep_alive) return self->shutdown_tls();
          self->read_header();
        });
  }

  // After answering a request we refused part-way (too large, malformed), the client may
  // still be sending; closing at once would make its TCP stack reset the connection and
  // drop our answer unread. So read and discard for a while, bounded in bytes and by one
  // deadline (the read timeout) that no amount of dripping extends, then close.
  void linger() {
    auto now = Clock::now();
    if (lingered_ > kLingerBytes || now >= linger_deadline_) return close();
    auto wait = std::min<Clock::duration>(std::chrono::seconds(2), linger_deadline_ - now);
    beast::get_lowest_layer(stream_).expires_after(wait);
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->lingered_ += n;
                              if (ec) return self->close();
                              self->linger();
                            });
  }

  void shutdown_tls() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->close(); });
  }

  void close() {
    reservation_.reset();
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(stream_).cancel();
  }

  ssl::stream<beast::tcp_stream> stream_;
  std::shared_ptr<HttpsServer::Impl> server_;
  bool refusing_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpRequest> head_;  // the request being read, once its header is
  std::shared_ptr<BodyReservation> reservation_;
  std::string peer_;
  std::string peer_certificate_;
  bool busy_ = false;
  bool keep_alive_ = false;
  bool linger_ = false;
  static constexpr size_t kLingerBytes = 64 * 1024 * 1024;
  size_t lingered_ = 0;
  Clock::time_point linger_deadline_;
  std::array<char, 16384> discard_;
  Clock::time_point started_ = Clock::now();
};

void HttpsServer::Impl::configure_tls() {
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  // TLS 1.2: forward-secret key exchange and AEAD ciphers only (no CBC: LUCKY13 and its
  // kin), in our order of preference, not the client's. TLS 1.3's suites are all AEAD and
  // stay OpenSSL's defaults.
  if (SSL_CTX_set_cipher_list(tls.native_handle(), kTls12Ciphers) != 1)
    throw Error(ErrorDomain::OpenSSL, 0, "cannot set the TLS 1.2 ciphers: " + openssl_reason());
  SSL_CTX_set_options(tls.native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Session resumption with client certificates needs a context id.
  static const unsigned char kContext[] = "doorstep-server";
  SSL_CTX_set_session_id_context(tls.native_handle(), kContext, sizeof kContext - 1);
  // Devices sync about daily from a new process each time: a session ticket (TLS 1.3,
  // stateless, keys per server process) lets the next handshake skip the certificate and
  // key exchange messages. One ticket per handshake is enough (the default sends two), and
  // it is good for the longest lifetime TLS 1.3 allows, 7 days.
  // Stateful tickets (SSL_OP_NO_TICKET under TLS 1.3): the ticket is a 32-byte session id
  // into this process's session cache instead of the whole encrypted session, which saves
  // about 200 bytes in the ticket and again in the next ClientHello. OpenSSL resumes each
  // such session once (a replayed ClientHello cannot resume); the cache holds 20480.
  SSL_CTX_set_num_tickets(tls.native_handle(), 1);
  SSL_CTX_set_options(tls.native_handle(), SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(tls.native_handle(), SSL_SESS_CACHE_SERVER);
  SSL_CTX_sess_set_cache_size(tls.native_handle(), 20480);
  SSL_CTX_set_timeout(tls.native_handle(), 7 * 24 * 3600);
  boost::system::error_code ec;
  tls.use_certificate_chain(net::buffer(config.certificate_pem), ec);
  if (ec)
    throw Error(
        ErrorDomain::OpenSSL, 0,
        "the server certificate is not usable: " + ec.message() + " (" + openssl_reason() + ")");
  tls.use_private_key(net::buffer(config.private_key_pem), ssl::context::pem, ec);
  if (ec)
    throw Error(
        ErrorDomain::OpenSSL, 0,
        "the server private key is not usable: " + ec.message() + " (" + openssl_reason() + ")");
  if (SSL_CTX_check_private_key(tls.native_handle()) != 1)
    throw Error(ErrorDomain::OpenSSL, 0, "the server private key does not match its certificate");
  // Ask for a client certificate, accept the handshake whatever comes: the handler decides
  // (and answers a bad credential with a JSON error the client can read).
  tls.set_verify_mode(ssl::verify_peer);
  tls.set_verify_callback([](bool, ssl::verify_context&) { return true; });
}

void HttpsServer::Impl::bind() {
  boost::system::error_code ec;
  auto address = net::ip::make_address(config.host, ec);
  if (ec) throw Error(ErrorCode::InvalidArgument, "'" + config.host + "' is not an IP address");
  tcp::endpoint endpoint(address, config.port);
  auto where = config.host + ":" + std::to_string(config.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot listen on " + where + ": " + ec.message());
  bound_port = acceptor.local_endpoint().port();
}

void HttpsServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                          if (ec == net::error::operation_aborted || self->stopping) return;
                          if (ec) {
                            // Out of file descriptors and the like: log, keep serving the
                            // others, and try again after a pause instead of spinning.
                            self->log.event("warning", "accept_failed", {{"error", ec.message()}});
                            self->accept_pause.expires_after(std::chrono::milliseconds(100));
                            self->accept_pause.async_wait([self](beast::error_code wait) {
                              if (!wait && !self->stopping) self->accept();
                            });
                            return;
                          }
                          bool serve = self->serving < self->config.max_connections;
                          if (!serve) self->metrics.count_refused_connection();
                          if (serve || self->refusing < self->refusal_allowance()) {
                            try {
                              std::make_shared<Session>(std::move(socket), self, !serve)->start();
                            } catch (const std::exception& e) {
                              // No memory or no TLS state for it: this connection is lost,
                              // the listener keeps accepting.
                              self->log.event("warning", "session_failed", {{"error", e.what()}});
                            }
                          } else {
                            boost::system::error_code ignored;
                            socket.close(ignored);
                          }
                          self->accept();
                        });
}

void HttpsServer::Impl::session_started(Session* session, const std::shared_ptr<Session>& shared) {
  std::lock_guard lock(sessions_mutex);
  sessions[session] = shared;
}

bool HttpsServer::Impl::reserve_body(uint64_t bytes) {
  uint64_t held = body_bytes.load();
  do {
    if (held + bytes > config.max_body_memory) return false;
  } while (!body_bytes.compare_exchange_weak(held, held + bytes));
  metrics.body_memory_changed(static_cast<int64_t>(bytes));
  return true;
}

void HttpsServer::Impl::session_ended(Session* session, bool refusing_session) {
  --(refusing_session ? refusing : serving);
  bool last = false;
  {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(session);
    last = sessions.empty();
  }
  if (last && stopping) net::post(ioc, [self = shared_from_this()] { self->grace_timer.cancel(); });
}

void HttpsServer::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  size_t open_connections = 0;
  {
    std::lock_guard lock(sessions_mutex);
    open_connections = sessions.size();
  }
  log.event("info", "stopping", {{"open_connections", open_connections}});
  net::post(acceptor.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor.close(ec);
  });
  net::post(ioc, [self = shared_from_this()] {
    boost::system::error_code ec;
    self->signals.cancel(ec);
    std::vector<std::shared_ptr<Session>> open;
    {
      std::lock_guard lock(self->sessions_mutex);
      for (auto& [raw, weak] : self->sessions)
        if (auto session = weak.lock()) open.push_back(session);
    }
    if (open.empty()) return;
    self->grace_timer.expires_after(self->config.shutdown_grace);
    self->grace_timer.async_wait([self](beast::error_code ec) {
      if (ec) return;  // cancelled: every connection closed in time
      self->log.event("warning", "shutdown_grace_expired");
      self->ioc.stop();
    });
    for (auto& session : open) session->stop_if_idle();
  });
}

HttpsServer::HttpsServer(ServerConfig config, const Router& router, Metrics& metrics,
                         AccessLog& log)
    : impl_(std::make_shared<Impl>(std::move(config), router, metrics, log)) {
  impl_->configure_tls();
  impl_->bind();
  // SIGTERM and SIGINT are caught from here on, before anyone is told the port: a signal
  // that arrives before run() waits in the signal set and stops the server as soon as it
  // runs, instead of killing the process.
  if (impl_->config.handle_signals) {
    // The handler holds the server weakly: a server destroyed without running leaks nothing.
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.async_wait(
        [weak = std::weak_ptr<Impl>(impl_)](beast::error_code ec, int signal) {
          auto impl = weak.lock();
          if (ec || !impl) return;
          impl->log.event("info", "signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
          impl->begin_shutdown();
        });
  }
}

HttpsServer::~HttpsServer() {
  impl_->workers.join();
}

uint16_t HttpsServer::port() const {
  return impl_->bound_port;
}

void HttpsServer::stop() {
  impl_->begin_shutdown();
}

void HttpsServer::run() {
  auto impl = impl_;
  impl->accept();
  // A handler that throws (it should not: each answers its own failures) costs its
  // connection, never the server: the exception is logged and the thread runs on.
  auto serve = [impl] {
    for (;;) {
      try {
        impl->ioc.run();
        return;
      } catch (const std::exception& e) {
        impl->log.event("error", "handler_failed", {{"error", e.what()}});
      } catch (...) {
        impl->log.event("error", "handler_failed", {{"error", "an exception of unknown type"}});
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < impl->config.io_threads; ++i) threads.emplace_back(serve);
  serve();
  for (auto& thread : threads) thread.join();
  impl->workers.join();
  impl->log.event("info", "stopped");
}

}  // namespace doorstep::server
