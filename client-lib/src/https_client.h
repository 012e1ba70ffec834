// HttpsConnection: the small HTTPS/1.1 client libdoorstep uses to talk to the county server,
// on OpenSSL alone (no Boost: the library must stay light enough for phones).
//
// Trust: either a pinned SHA-256 fingerprint of the server's certificate (what county staff
// read out at enrollment; the handshake is then checked against it, whoever issued the
// certificate) or a CA file (the usual chain and host name checks). TLS 1.2 or newer.
// One connection is kept alive across requests and reopened transparently if the server
// closed it between requests.
//
// Ownership: owns its socket and OpenSSL objects. Thread-safety: one thread at a time.
// Failure: throws doorstep::Error in the Network domain (transient: connection refused,
// reset, timed out) or Unauthorized (the server is not the one pinned / not trusted);
// InvalidArgument for a bad URL. An HTTP error status is not an exception: it is returned.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace doorstep::net {

struct ServerAddress {
  std::string host;
  uint16_t port = 443;
  // Parses "https://HOST[:PORT][/]"; Error(InvalidArgument) otherwise.
  static ServerAddress parse(const std::string& url);
  std::string url() const;
};

struct ServerTrust {
  std::string fingerprint;  // lower-case hex SHA-256 of the server certificate, or ""
  std::string ca_file;      // a PEM file of trusted CAs, or ""
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class HttpsConnection {
 public:
  HttpsConnection(ServerAddress address, ServerTrust trust, int timeout_seconds = 30);
  ~HttpsConnection();
  HttpsConnection(const HttpsConnection&) = delete;
  HttpsConnection& operator=(const HttpsConnection&) = delete;

  HttpReply request(const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers = {},
                    const std::string& body = "");

  // The SHA-256 (hex) of the certificate the server presented; connects if needed.
  std::string server_fingerprint();

 private:
  struct Tls;
  void connect();
  void close();
  HttpReply exchange(const std::string& request_text);

  ServerAddress address_;
  ServerTrust trust_;
  int timeout_seconds_;
  std::unique_ptr<Tls> tls_;
};

// "a1:B2 ..." -> "a1b2..."; "" if the result is not 64 hex digits.
std::string normalize_fingerprint(const std::string& text);

}  // namespace doorstep::net
