#include "tests/sync-server/tls_client_helpers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace doorstep::test {

TlsClient::TlsClient(int port, const std::string& ciphers) {
  // A write to a connection the server closed must be a failed send, not a dead test.
  ::signal(SIGPIPE, SIG_IGN);
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  context_ = SSL_CTX_new(TLS_client_method());
  if (!ciphers.empty()) {
    SSL_CTX_set_max_proto_version(context_, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(context_, ciphers.c_str());
  }
  ssl_ = SSL_new(context_);
  SSL_set_fd(ssl_, fd_);
  if (SSL_connect(ssl_) != 1) {
    SSL_free(ssl_);
    SSL_CTX_free(context_);
    ::close(fd_);
    throw std::runtime_error("the TLS handshake failed");
  }
}

TlsClient::~TlsClient() {
  SSL_free(ssl_);
  SSL_CTX_free(context_);
  ::close(fd_);
}

bool TlsClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    int n =
        SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), 1 << 20)));
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool TlsClient::readable(std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (SSL_pending(ssl_) > 0) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count()))) <= 0) return false;
    // Bytes on the socket may be a TLS record without data (a session ticket): peek without
    // blocking to tell.
    int flags = ::fcntl(fd_, F_GETFL);
    ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
    char byte;
    int n = SSL_peek(ssl_, &byte, 1);
    int error = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_, n);
    ::fcntl(fd_, F_SETFL, flags);
    if (error != SSL_ERROR_WANT_READ) return true;  // data, or the connection ended
    if (std::chrono::steady_clock::now() >= deadline) return false;
  }
}

std::string TlsClient::receive(std::chrono::milliseconds wait, bool* closed) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + wait;
  if (closed) *closed = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !readable(left)) return out;
    char buffer[16384];
    int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n <= 0) {
      int error = SSL_get_error(ssl_, n);
      if (error == SSL_ERROR_WANT_READ) continue;  // a TLS record without data (a ticket)
      if (closed) *closed = true;
      return out;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
}

std::string TlsClient::receive_response(std::chrono::milliseconds wait) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto end = out.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string length = http_header_of(out, "content-length");
      if (out.size() >= end + 4 + static_cast<size_t>(std::atol(length.c_str()))) return out;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !readable(left)) return out;
    char buffer[16384];
    int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n <= 0) {
      if (SSL_get_error(ssl_, n) == SSL_ERROR_WANT_READ) continue;
      return out;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
}

std::string TlsClient::cipher() const {
  return SSL_get_cipher_name(ssl_);
}

int http_status_of(const std::string& reply) {
  if (reply.rfind("HTTP/1.1 ", 0) != 0 || reply.size() < 12) return 0;
  return std::atoi(reply.c_str() + 9);
}

std::string http_header_of(const std::string& reply, const std::string& name) {
  auto lower = [](std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::string head = lower(reply.substr(0, reply.find("\r\n\r\n")));
  auto at = head.find("\r\n" + lower(name) + ":");
  if (at == std::string::npos) return "";
  size_t start = at + 2 + name.size() + 1;
  size_t end = head.find("\r\n", start);
  std::string value =
      reply.substr(start, end == std::string::npos ? std::string::npos : end - start);
  value.erase(0, value.find_first_not_of(' '));
  return value;
}

std::string http_body_of(const std::string& reply) {
  auto end = reply.find("\r\n\r\n");
  return end == std::string::npos ? "" : reply.substr(end + 4);
}

}  // namespace doorstep::test
