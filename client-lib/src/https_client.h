// HttpsConnection: the small HTTPS/1.1 client libdoorstep uses to talk to the county server,
// on OpenSSL alone (no Boost: the library must stay light enough for phones).
//
// Trust: either a pinned SHA-256 fingerprint of the server's certificate (what county staff
// read out at enrollment; the handshake is then checked against it, whoever issued the
// certificate) or a CA file (the usual chain and host name checks). TLS 1.2 or newer.
// One connection is kept alive across requests and reopened transparently if the server
// closed it between requests (offering the newest session, so a reconnection is resumed). A
// TLS session saved from an earlier connection may be offered (resumption across processes);
// bytes on the socket are counted.
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

  // TLS session resumption: a session saved from an earlier connection (DER, as session()
  // gave it) is offered on the next handshake; the server's certificate is still checked
  // against the pin (a resumed session carries the certificate it was made with). Call
  // before the first request; a session the server does not take costs a full handshake.
  void offer_session(std::string der) { offered_session_ = std::move(der); }
  // The newest resumable session of this connection (DER), "" if none; only ever one whose
  // server passed the trust check.
  const std::string& session() const { return session_; }
  // Ends the TLS connection (close_notify) now; a later request connects again.
  void disconnect() { close(); }
  // Whether the last handshake resumed a session (no certificate exchanged).
  bool session_reused() const { return reused_; }
  // Whether a TLS connection is open now (the next request goes on it, no handshake).
  bool is_open() const { return tls_ != nullptr; }
  // TLS handshakes this object has completed (1 + reconnections).
  uint64_t handshakes() const { return handshakes_; }
  // Bytes written to / read from the sockets of this object (TLS records and handshakes).
  uint64_t bytes_sent() const { return counts_.sent; }
  uint64_t bytes_received() const { return counts_.received; }

  // Of those, the bytes of TLS handshakes (ClientHello to Finished; a TLS 1.3 session
  // ticket comes later and is not counted here).
  uint64_t handshake_sent() const { return handshake_.sent; }
  uint64_t handshake_received() const { return handshake_.received; }

  struct Counts {
    uint64_t sent = 0, received = 0;
  };

 private:
  struct Tls;
  void connect();
  void close();
  HttpReply exchange(const std::string& request_text);

  ServerAddress address_;
  ServerTrust trust_;
  int timeout_seconds_;
  std::string offered_session_;
  std::string session_;
  bool reused_ = false;
  uint64_t handshakes_ = 0;
  Counts counts_;
  Counts handshake_;
  std::unique_ptr<Tls> tls_;  // last: its shutdown still counts bytes and keeps tickets
};

// "a1:B2 ..." -> "a1b2..."; "" if the result is not 64 hex digits.
std::string normalize_fingerprint(const std::string& text);

}  // namespace doorstep::net
