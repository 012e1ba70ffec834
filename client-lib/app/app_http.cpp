// LoopbackServer: the only translation unit of the app host that includes Boost.Beast. The
// shape follows Beast's advanced server: a listener accepts; each Session owns one TCP stream
// on its own strand and loops read header -> choose the body limit -> read body -> handle on
// the worker pool -> write -> read again.
#include "app_http.h"

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <limits>
#include <optional>
#include <stdexcept>

namespace doorstep::app {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct LoopbackServer::Impl {
  Impl(LoopbackLimits limits, BodyLimit body_limit, Handler handler)
      : limits(limits),
        body_limit(std::move(body_limit)),
        handler(std::move(handler)),
        acceptor(net::make_strand(ioc)),
        signals(ioc, SIGINT, SIGTERM),
        workers(static_cast<size_t>(std::max(1, limits.worker_threads))) {}

  void accept();

  // Declared before the io_context: the sessions its pending handlers own are destroyed with
  // it and count themselves out of `connections` then.
  LoopbackLimits limits;
  BodyLimit body_limit;
  Handler handler;
  std::atomic<size_t> connections{0};
  uint16_t bound_port = 0;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::thread_pool workers;
};

namespace {

// A JSON error answer of the transport itself (before any handler saw the request).
HttpResponse transport_error(int status, const std::string& code, const std::string& message) {
  std::string escaped;
  for (char c : message) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    escaped += c;
  }
  HttpResponse response;
  response.status = status;
  response.body = "{\"error\":{\"domain\":\"http\",\"code\":\"" + code + "\",\"message\":\"" +
                  escaped + "\",\"transient\":false}}";
  return response;
}

http::response<http::string_body> to_beast(const HttpResponse& from, bool keep_alive) {
  auto build = [keep_alive](const HttpResponse& r) {
    http::response<http::string_body> message{static_cast<http::status>(r.status), 11};
    message.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) message.insert(name, value);
    message.keep_alive(keep_alive);
    message.body() = r.body;
    message.prepare_payload();
    return message;
  };
  try {
    return build(from);
  } catch (const std::exception& e) {
    // A header value Beast refuses (it never should be one we made): a plain 500.
    return build(transport_error(500, "internal", e.what()));
  }
}

// One TCP connection. Its handlers run on the stream's strand, so its members need no lock;
// the request crosses to the worker pool and the response comes back by net::post.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, LoopbackServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {
    ++server_->connections;
    // Answers go out at once: with Nagle's algorithm a response written in pieces waits for
    // the browser's delayed ACK (40 ms), longer than a whole answer takes.
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
  }
  ~Session() { --server_->connections; }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->limits.header_bytes));
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(server_->limits.read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::header_limit)
      return reply_and_close(transport_error(
          431, "headers_too_large",
          "the request headers exceed " + std::to_string(server_->limits.header_bytes) + " bytes"));
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::connection_reset)
      return close();
    if (ec)
      return reply_and_close(transport_error(400, "malformed_http",
                                             "the request is not valid HTTP/1.1: " + ec.message()));
    head_.emplace();
    const auto& message = parser_->get();
    size_t fields = 0;
    for (const auto& field : message) {
      if (++fields > server_->limits.header_fields)
        return reply_and_close(transport_error(431, "too_many_headers",
                                               "the request has more than " +
                                                   std::to_string(server_->limits.header_fields) +
                                                   " header fields"));
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = head_->headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    head_->method = std::string(message.method_string());
    head_->target = std::string(message.target());
    uint64_t limit = 0;
    try {
      limit = server_->body_limit(*head_);
    } catch (const std::exception& e) {
      return reply_and_close(transport_error(500, "internal", e.what()));
    }
    if (auto length = parser_->content_length(); length && *length > limit)
      return reply_and_close(transport_error(413, "body_too_large",
                                             "the body of " + std::to_string(*length) +
                                                 " bytes exceeds this request's limit of " +
                                                 std::to_string(limit) + " bytes"));
    parser_->body_limit(limit);
    if (head_->header("expect") == "100-continue") {
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      stream_.expires_after(server_->limits.write_timeout);
      return http::async_write(
          stream_, *go_on, [self = shared_from_this(), go_on, limit](beast::error_code ec, size_t) {
            if (ec) return self->close();
            self->read_body(limit);
          });
    }
    read_body(limit);
  }

  void read_body(uint64_t limit) {
    stream_.expires_after(server_->limits.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this(), limit](beast::error_code ec, size_t) {
                       self->on_body(ec, limit);
                     });
  }

  void on_body(beast::error_code ec, uint64_t limit) {
    if (ec == http::error::body_limit)
      return reply_and_close(transport_error(
          413, "body_too_large",
          "the body exceeds this request's limit of " + std::to_string(limit) + " bytes"));
    if (ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::eof || ec == http::error::end_of_stream ||
        ec == http::error::partial_message || ec == net::error::connection_reset)
      return close();
    if (ec)
      return reply_and_close(transport_error(
          400, "malformed_http", "the request body is not valid HTTP/1.1: " + ec.message()));
    auto request = std::make_shared<HttpRequest>(std::move(*head_));
    request->body = std::move(parser_->get().body());
    keep_alive_ = parser_->get().keep_alive();
    parser_.reset();
    head_.reset();
    stream_.expires_never();
    net::post(server_->workers, [self = shared_from_this(), request,
                                 work = net::make_work_guard(server_->ioc)]() mutable {
      HttpResponse response;
      try {
        response = self->server_->handler(*request);
      } catch (const std::exception& e) {
        response = transport_error(500, "internal", e.what());
      }
      request.reset();
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response)]() mutable { self->write(response); });
    });
  }

  void write(const HttpResponse& response) {
    send(std::make_shared<http::response<http::string_body>>(to_beast(response, keep_alive_)));
  }

  // Answers a request refused before its body was read, then reads and drops what the
  // client still sends for a moment (closing at once would reset the connection and the
  // client might never read the answer), then closes.
  void reply_and_close(HttpResponse response) {
    keep_alive_ = false;
    linger_ = true;
    send(std::make_shared<http::response<http::string_body>>(to_beast(response, false)));
  }

  void send(std::shared_ptr<http::response<http::string_body>> message) {
    stream_.expires_after(server_->limits.write_timeout);
    bool keep_alive = message->keep_alive();
    http::async_write(
        stream_, *message,
        [self = shared_from_this(), message, keep_alive](beast::error_code ec, size_t) {
          if (ec) return self->close();
          if (self->linger_) {
            self->linger_deadline_ = Clock::now() + std::chrono::seconds(2);
            return self->linger();
          }
          if (!keep_alive) return self->close();
          self->read_header();
        });
  }

  void linger() {
    auto now = Clock::now();
    if (lingered_ > kLingerBytes || now >= linger_deadline_) return close();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(linger_deadline_ - now);
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->lingered_ += n;
                              if (ec) return self->close();
                              self->linger();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.cancel();
  }

  static constexpr size_t kLingerBytes = 4 * 1024 * 1024;
  beast::tcp_stream stream_;
  LoopbackServer::Impl* server_;  // outlives every session (they live in its io_context)
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<HttpRequest> head_;
  bool keep_alive_ = false;
  bool linger_ = false;
  size_t lingered_ = 0;
  Clock::time_point linger_deadline_;
  std::array<char, 16384> discard_{};
};

}  // namespace

void LoopbackServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [self = this](beast::error_code ec, tcp::socket socket) {
                          if (ec == net::error::operation_aborted) return;
                          if (!ec) {
                            if (self->connections.load() >= self->limits.max_connections) {
                              beast::error_code ignored;
                              socket.close(ignored);
                            } else {
                              std::make_shared<Session>(std::move(socket), self)->start();
                            }
                          }
                          self->accept();
                        });
}

LoopbackServer::LoopbackServer(const std::string& address, uint16_t port, LoopbackLimits limits,
                               BodyLimit body_limit, Handler handler)
    : impl_(std::make_unique<Impl>(limits, std::move(body_limit), std::move(handler))) {
  beast::error_code ec;
  auto ip = net::ip::make_address_v4(address, ec);
  if (ec) throw std::runtime_error("'" + address + "' is not an IPv4 address");
  tcp::endpoint endpoint(ip, port);
  std::string where = address + ":" + std::to_string(port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
}

LoopbackServer::~LoopbackServer() {
  stop();
  impl_->workers.join();
}

uint16_t LoopbackServer::port() const {
  return impl_->bound_port;
}

void LoopbackServer::run() {
  impl_->signals.async_wait([impl = impl_.get()](beast::error_code ec, int) {
    if (!ec) impl->ioc.stop();
  });
  impl_->accept();
  impl_->ioc.run();
}

void LoopbackServer::stop() {
  impl_->ioc.stop();
}

}  // namespace doorstep::app
