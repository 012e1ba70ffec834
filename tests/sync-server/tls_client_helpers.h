// TlsClient: a TLS connection to a live server on loopback, driven byte by byte, for tests
// that curl cannot express: many connections held open at once, a request sent in pieces or
// dripped, the answer read before the body is sent, the moment the server closes.
// It does not verify the server's certificate (the tests know whom they talk to).
//
// Thread-safety: one TlsClient per thread. Failure: the constructor throws std::runtime_error
// if the connection or the handshake fails; the other functions report by return value.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <string>
#include <string_view>

namespace doorstep::test {

class TlsClient {
 public:
  // Connects to 127.0.0.1:`port` and completes the TLS handshake. `ciphers`: an OpenSSL
  // TLS 1.2 cipher list, which also limits the connection to TLS 1.2; "" for defaults.
  explicit TlsClient(int port, const std::string& ciphers = "");
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Sends all of `bytes`; false once the server has closed or reset the connection.
  bool send(std::string_view bytes);
  // Whether the server has sent something (or closed) within `wait`.
  bool readable(std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  // Reads what the server sends until it closes the connection or `wait` has passed in
  // all; `closed` tells which.
  std::string receive(std::chrono::milliseconds wait, bool* closed = nullptr);
  // Reads until one whole HTTP response (its head and Content-Length bytes of body) is in,
  // the server closes, or `wait` has passed; returns what came.
  std::string receive_response(std::chrono::milliseconds wait);
  // The cipher the handshake agreed on.
  std::string cipher() const;

 private:
  int fd_ = -1;
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
};

// The status code of the HTTP response at the start of `reply` (0 if none).
int http_status_of(const std::string& reply);
// The value of header `name` (case-insensitive) in the response `reply`, "" if absent.
std::string http_header_of(const std::string& reply, const std::string& name);
// The body after the blank line of `reply`.
std::string http_body_of(const std::string& reply);

}  // namespace doorstep::test
