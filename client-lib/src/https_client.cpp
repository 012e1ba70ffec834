// HttpsConnection: sockets, the TLS handshake with pinning or CA trust, and HTTP/1.1 framing
// (Content-Length and chunked bodies).
#include "client-lib/src/https_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

#include "core/common/error.h"
#include "core/crypto/hash.h"

namespace doorstep::net {
namespace {

// DS_NET_* style codes of the Network domain.
constexpr int kNetConnect = 1;
constexpr int kNetTls = 2;
constexpr int kNetIo = 3;
constexpr int kNetProtocol = 4;

[[noreturn]] void network_error(int code, const std::string& message, bool transient = true) {
  throw Error(ErrorDomain::Network, code, message, transient);
}

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "connection closed";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string normalize_fingerprint(const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return hex.size() == 64 ? hex : "";
}

ServerAddress ServerAddress::parse(const std::string& url) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0)
    throw Error(ErrorCode::InvalidArgument,
                "the server URL '" + url + "' must start with https://");
  std::string rest = url.substr(scheme.size());
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.substr(slash) != "/")
      throw Error(ErrorCode::InvalidArgument, "the server URL '" + url + "' must not have a path");
    rest = rest.substr(0, slash);
  }
  ServerAddress address;
  std::string port;
  if (!rest.empty() && rest[0] == '[') {
    auto end = rest.find(']');
    if (end == std::string::npos)
      throw Error(ErrorCode::InvalidArgument, "the server URL '" + url + "' has a broken [IPv6]");
    address.host = rest.substr(1, end - 1);
    if (end + 1 < rest.size() && rest[end + 1] == ':') port = rest.substr(end + 2);
  } else {
    auto colon = rest.find(':');
    address.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (address.host.empty())
    throw Error(ErrorCode::InvalidArgument, "the server URL '" + url + "' has no host");
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) == 0 || std::stoul(port) > 65535)
      throw Error(ErrorCode::InvalidArgument, "the server URL '" + url + "' has a bad port");
    address.port = static_cast<uint16_t>(std::stoul(port));
  }
  return address;
}

std::string ServerAddress::url() const {
  bool v6 = host.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

namespace {

// The socket BIO of every connection: OpenSSL's own socket BIO writes with write(2), which
// raises SIGPIPE when the server has closed the connection (a crash, a 413 answered before
// the body was read) and kills the host process unless it ignores the signal. This one
// sends with MSG_NOSIGNAL, so a closed connection is an error value (EPIPE), never a signal,
// whatever the host's disposition. It keeps the errno of a failed call for the message.
struct SocketBio {
  int fd = -1;
  int last_errno = 0;
};

SocketBio* socket_of(BIO* bio) {
  return static_cast<SocketBio*>(BIO_get_data(bio));
}

int socket_bio_write(BIO* bio, const char* data, int size) {
  SocketBio* socket = socket_of(bio);
  BIO_clear_retry_flags(bio);
  ssize_t n;
  do {
    n = ::send(socket->fd, data, static_cast<size_t>(size), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) socket->last_errno = errno;
  return static_cast<int>(n);
}

int socket_bio_read(BIO* bio, char* data, int size) {
  SocketBio* socket = socket_of(bio);
  BIO_clear_retry_flags(bio);
  ssize_t n;
  do {
    n = ::recv(socket->fd, data, static_cast<size_t>(size), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) socket->last_errno = errno;
  return static_cast<int>(n);
}

int socket_bio_puts(BIO* bio, const char* text) {
  return socket_bio_write(bio, text, static_cast<int>(std::strlen(text)));
}

long socket_bio_ctrl(BIO* bio, int command, long, void* pointer) {
  switch (command) {
    case BIO_CTRL_FLUSH:
    case BIO_CTRL_DUP: return 1;
    case BIO_C_GET_FD:
      if (pointer != nullptr) *static_cast<int*>(pointer) = socket_of(bio)->fd;
      return socket_of(bio)->fd;
    default: return 0;
  }
}

const BIO_METHOD* socket_bio_method() {
  // One for the process (or until libdoorstep is unloaded, when it is freed).
  static const std::unique_ptr<BIO_METHOD, decltype(&BIO_meth_free)> method(
      [] {
        BIO_METHOD* m = BIO_meth_new(
            BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "doorstep socket");
        if (m != nullptr) {
          BIO_meth_set_write(m, socket_bio_write);
          BIO_meth_set_read(m, socket_bio_read);
          BIO_meth_set_puts(m, socket_bio_puts);
          BIO_meth_set_ctrl(m, socket_bio_ctrl);
        }
        return m;
      }(),
      &BIO_meth_free);
  return method.get();
}

// Counts the bytes that cross the socket BIO (what a proxy on the wire would count).
long count_bytes(BIO* bio, int oper, const char*, size_t, int, long, int ret, size_t* processed) {
  auto* counts = reinterpret_cast<HttpsConnection::Counts*>(BIO_get_callback_arg(bio));
  if (counts != nullptr && ret > 0 && processed != nullptr) {
    if (oper == (BIO_CB_READ | BIO_CB_RETURN)) counts->received += *processed;
    if (oper == (BIO_CB_WRITE | BIO_CB_RETURN)) counts->sent += *processed;
  }
  return ret;
}

}  // namespace

struct HttpsConnection::Tls {
  int fd = -1;
  SocketBio socket;  // the BIO's state; lives as long as the SSL that uses it
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  std::string fingerprint;
  std::string pending;  // bytes read past the previous response
  // Session tickets: kept in *saved once the server passed the trust check, held in
  // pending_session until then (TLS 1.2 hands the session over during the handshake).
  std::string* saved = nullptr;
  bool trusted = false;
  std::string pending_session;

  // Keeps the newest resumable session the server sent (TLS 1.3: after the handshake).
  static int keep_session(SSL* ssl, SSL_SESSION* session) {
    auto* self = static_cast<Tls*>(SSL_get_app_data(ssl));
    if (self == nullptr || !SSL_SESSION_is_resumable(session)) return 0;
    int size = i2d_SSL_SESSION(session, nullptr);
    if (size <= 0) return 0;
    std::string der(static_cast<size_t>(size), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_SSL_SESSION(session, &p);
    (self->trusted ? *self->saved : self->pending_session) = std::move(der);
    return 0;  // the session object is not kept
  }
  // Why the last read or write failed: OpenSSL's reason, else the socket's.
  std::string failure() {
    unsigned long code = ERR_peek_error();
    int error = socket.last_errno;
    socket.last_errno = 0;
    if (code != 0 || error == 0) return openssl_reason();
    ERR_clear_error();
    if (error == EPIPE || error == ECONNRESET) return "the server closed the connection";
    if (error == EAGAIN || error == EWOULDBLOCK) return "timed out";
    return std::strerror(error);
  }
  ~Tls() {
    if (ssl) {
      SSL_shutdown(ssl);
      SSL_free(ssl);
    }
    if (ctx) SSL_CTX_free(ctx);
    if (fd >= 0) ::close(fd);
  }
};

HttpsConnection::HttpsConnection(ServerAddress address, ServerTrust trust, int timeout_seconds)
    : address_(std::move(address)), trust_(std::move(trust)), timeout_seconds_(timeout_seconds) {
  if (trust_.fingerprint.empty() == trust_.ca_file.empty())
    throw Error(ErrorCode::InvalidArgument, "trust the server by a fingerprint or a CA file");
}

HttpsConnection::~HttpsConnection() = default;

void HttpsConnection::close() {
  tls_.reset();
}

void HttpsConnection::connect() {
  auto tls = std::make_unique<Tls>();
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address_.port);
  if (int rc = getaddrinfo(address_.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    network_error(kNetConnect, "cannot resolve " + address_.host + ": " + gai_strerror(rc));
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr && tls->fd < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval timeout{timeout_seconds_, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      tls->fd = fd;
    } else {
      last_error = std::strerror(errno);
      ::close(fd);
    }
  }
  freeaddrinfo(found);
  if (tls->fd < 0)
    network_error(kNetConnect, "cannot connect to " + address_.url() + ": " + last_error);

  tls->ctx = SSL_CTX_new(TLS_client_method());
  if (!tls->ctx) network_error(kNetTls, "cannot make a TLS context: " + openssl_reason(), false);
  SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION);
  // Fewer bytes in every ClientHello: no middlebox-compatibility session id and
  // ChangeCipherSpec, two key-exchange groups, the AEAD suites of TLS 1.2 only, and the
  // signature algorithms of ECDSA, Ed25519 and RSA certificates with SHA-256/384.
  SSL_CTX_clear_options(tls->ctx, SSL_OP_ENABLE_MIDDLEBOX_COMPAT);
  SSL_CTX_set1_groups_list(tls->ctx, "X25519:P-256");
  SSL_CTX_set_cipher_list(tls->ctx, "ECDHE+AESGCM:ECDHE+CHACHA20");
  SSL_CTX_set1_sigalgs_list(tls->ctx,
                            "ECDSA+SHA256:ECDSA+SHA384:ed25519:rsa_pss_rsae_sha256:"
                            "rsa_pss_rsae_sha384:RSA+SHA256:RSA+SHA384");
  SSL_CTX_set_session_cache_mode(tls->ctx,
                                 SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(tls->ctx, Tls::keep_session);
  if (!trust_.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(tls->ctx, trust_.ca_file.c_str(), nullptr) != 1)
      throw Error(ErrorCode::NotFound, "cannot load the CA file '" + trust_.ca_file + "'");
    SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    // Pinned: whoever signed it, the certificate must be exactly the one county staff named.
    SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_NONE, nullptr);
  }
  tls->ssl = SSL_new(tls->ctx);
  const BIO_METHOD* method = socket_bio_method();
  BIO* socket_bio = method != nullptr ? BIO_new(method) : nullptr;
  if (tls->ssl == nullptr || socket_bio == nullptr)
    network_error(kNetTls, "cannot make a TLS connection: " + openssl_reason(), false);
  tls->socket.fd = tls->fd;
  BIO_set_data(socket_bio, &tls->socket);
  BIO_set_init(socket_bio, 1);
  SSL_set_bio(tls->ssl, socket_bio, socket_bio);  // the SSL owns the BIO now
  BIO_set_callback_arg(socket_bio, reinterpret_cast<char*>(&counts_));
  BIO_set_callback_ex(socket_bio, count_bytes);
  tls->saved = &session_;
  SSL_set_app_data(tls->ssl, tls.get());
  if (!offered_session_.empty()) {
    const auto* p = reinterpret_cast<const unsigned char*>(offered_session_.data());
    if (SSL_SESSION* saved =
            d2i_SSL_SESSION(nullptr, &p, static_cast<long>(offered_session_.size()))) {
      SSL_set_session(tls->ssl, saved);
      SSL_SESSION_free(saved);
    }
    ERR_clear_error();
    offered_session_.clear();  // offered once: a reconnect gets the newest ticket instead
  } else if (!session_.empty()) {
    // A reconnection (the server closed an idle kept connection): the newest ticket of this
    // object, only ever one from a server that passed the trust check.
    const auto* p = reinterpret_cast<const unsigned char*>(session_.data());
    if (SSL_SESSION* newest = d2i_SSL_SESSION(nullptr, &p, static_cast<long>(session_.size()))) {
      SSL_set_session(tls->ssl, newest);
      SSL_SESSION_free(newest);
    }
    ERR_clear_error();
  }
  in_addr v4;
  in6_addr v6;
  bool is_ip = inet_pton(AF_INET, address_.host.c_str(), &v4) == 1 ||
               inet_pton(AF_INET6, address_.host.c_str(), &v6) == 1;
  if (!is_ip) SSL_set_tlsext_host_name(tls->ssl, address_.host.c_str());
  if (!trust_.ca_file.empty()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(tls->ssl);
    if (is_ip)
      X509_VERIFY_PARAM_set1_ip_asc(param, address_.host.c_str());
    else
      X509_VERIFY_PARAM_set1_host(param, address_.host.c_str(), 0);
  }
  Counts before = counts_;
  int connected = SSL_connect(tls->ssl);
  handshake_.sent += counts_.sent - before.sent;
  handshake_.received += counts_.received - before.received;
  if (connected != 1) {
    long verify = SSL_get_verify_result(tls->ssl);
    if (!trust_.ca_file.empty() && verify != X509_V_OK)
      throw Error(ErrorCode::Unauthorized,
                  "the server " + address_.url() +
                      " is not trusted by the CA file: " + X509_verify_cert_error_string(verify));
    network_error(kNetTls, "TLS handshake with " + address_.url() + " failed: " + openssl_reason());
  }
  X509* cert = SSL_get1_peer_certificate(tls->ssl);
  if (cert == nullptr) network_error(kNetTls, "the server presented no certificate", false);
  unsigned char digest[32];
  unsigned int size = 0;
  X509_digest(cert, EVP_sha256(), digest, &size);
  X509_free(cert);
  tls->fingerprint = crypto::to_hex(digest, size);
  if (!trust_.fingerprint.empty() && tls->fingerprint != trust_.fingerprint)
    throw Error(ErrorCode::Unauthorized,
                "the server at " + address_.url() + " presented certificate " + tls->fingerprint +
                    ", not the pinned " + trust_.fingerprint +
                    " (a different server, or the county changed its certificate)");
  reused_ = SSL_session_reused(tls->ssl) == 1;
  ++handshakes_;
  tls->trusted = true;
  if (!tls->pending_session.empty()) session_ = std::move(tls->pending_session);
  tls_ = std::move(tls);
}

std::string HttpsConnection::server_fingerprint() {
  if (!tls_) connect();
  return tls_->fingerprint;
}

HttpReply HttpsConnection::request(const std::string& method, const std::string& target,
                                   const std::map<std::string, std::string>& headers,
                                   const std::string& body) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: " + address_.host + "\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT")
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  text += "\r\n";
  text += body;
  bool fresh = !tls_;
  try {
    return exchange(text);
  } catch (const Error& e) {
    // A kept-alive connection the server closed meanwhile: one retry on a new connection.
    // Safe because every request Doorstep sends is idempotent (pushes by batch id).
    if (fresh || e.domain() != ErrorDomain::Network) throw;
    close();
    return exchange(text);
  }
}

HttpReply HttpsConnection::exchange(const std::string& request_text) {
  if (!tls_) connect();
  Tls& tls = *tls_;
  size_t written = 0;
  std::string send_failure;
  while (written < request_text.size()) {
    int n = SSL_write(tls.ssl, request_text.data() + written,
                      static_cast<int>(std::min<size_t>(request_text.size() - written, 1 << 20)));
    if (n <= 0) {
      send_failure = "sending to " + address_.url() + " failed after " + std::to_string(written) +
                     " of " + std::to_string(request_text.size()) + " bytes: " + tls.failure();
      break;
    }
    written += static_cast<size_t>(n);
  }
  // A server that refuses a request part-way (413) answers and closes before the body has
  // arrived: its answer, if it reached us, says more than the failed send.
  std::string& buffer = tls.pending;
  auto fill = [&]() {
    char chunk[16384];
    int n = SSL_read(tls.ssl, chunk, sizeof chunk);
    if (n <= 0) {
      std::string why = send_failure.empty()
                            ? "reading from " + address_.url() + " failed: " + tls.failure()
                            : send_failure;
      close();
      network_error(kNetIo, why);
    }
    buffer.append(chunk, static_cast<size_t>(n));
  };
  size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > 64 * 1024) network_error(kNetProtocol, "response headers too large", false);
    fill();
  }
  HttpReply reply;
  std::string head = buffer.substr(0, header_end);
  buffer.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12)
    network_error(kNetProtocol, "not an HTTP response: '" + status_line + "'", false);
  reply.status = std::atoi(status_line.c_str() + 9);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      reply.headers[lower(line.substr(0, colon))] = value;
    }
    pos = end + 2;
  }
  if (lower(reply.headers["transfer-encoding"]).find("chunked") != std::string::npos) {
    while (true) {
      size_t size_end;
      while ((size_end = buffer.find("\r\n")) == std::string::npos) fill();
      size_t size = std::stoul(buffer.substr(0, size_end), nullptr, 16);
      buffer.erase(0, size_end + 2);
      while (buffer.size() < size + 2) fill();
      reply.body.append(buffer, 0, size);
      buffer.erase(0, size + 2);
      if (size == 0) break;
    }
  } else if (reply.headers.count("content-length")) {
    size_t length = std::stoul(reply.headers["content-length"]);
    while (buffer.size() < length) fill();
    reply.body = buffer.substr(0, length);
    buffer.erase(0, length);
  } else {
    // Body until the server closes.
    while (true) {
      char chunk[16384];
      int n = SSL_read(tls.ssl, chunk, sizeof chunk);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    reply.body = std::move(buffer);
    buffer.clear();
    close();
    return reply;
  }
  if (!send_failure.empty() || lower(reply.headers["connection"]) == "close") close();
  return reply;
}

}  // namespace doorstep::net
