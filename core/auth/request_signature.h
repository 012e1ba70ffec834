// RequestSignature: how a device proves who it is on every HTTPS request after enrollment,
// shared by the device (which signs) and the county server (which verifies).
//
// Why signed requests and not TLS client certificates: a device's private key never leaves
// its store (crypto::SignFunction), and a TLS stack wants the key object itself. A request
// signature needs only the sign function, costs one Ed25519 signature per request, and lets
// the server answer a bad credential with a JSON 401/403 instead of a failed handshake.
//
// A signed request carries two headers:
//   X-Doorstep-Certificate: base64(DER of the device certificate issued by the county CA)
//   Authorization: Doorstep-Signature [device=ID,]time=UNIX_SECONDS,nonce=HEX32,signature=BASE64
// The certificate header may be left out when Authorization names the device: the county
// issued every device certificate and looks it up by the id (about 700 bytes less a request).
// The signature is Ed25519 over the UTF-8 text
//   "doorstep-request-v1\n" METHOD "\n" TARGET "\n" TIME "\n" NONCE "\n"
//   hex(SHA-256(body)) "\n" SERVER_FINGERPRINT
// where SERVER_FINGERPRINT is the lower-case hex SHA-256 of the server's TLS certificate as
// the device saw it: a signature made for one server is worthless at another (channel
// binding), and one made for one body, path or moment is worthless for another. The server
// accepts TIME within ±kMaxSkewSeconds of its clock (devices correct their clock by the
// server's "time", sent with a 401 for a time out of range, or from GET /v1/health) and each nonce
// once within that window.
//
// Thread-safety: pure functions. Failure: parse_authorization() and sign_request() throw
// doorstep::Error(Unauthorized / InvalidArgument) naming what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto/keys.h"

namespace doorstep::auth {

inline constexpr int64_t kMaxSkewSeconds = 300;
inline constexpr const char* kCertificateHeader = "x-doorstep-certificate";
inline constexpr const char* kAuthorizationScheme = "Doorstep-Signature";

struct RequestAuthorization {
  std::string device;  // the device id, when the request names it (device=...); may be ""
  int64_t time = 0;
  std::string nonce;      // 32 lower-case hex digits
  std::string signature;  // raw 64 bytes
};

// The text that is signed (see above).
std::string signing_text(std::string_view method, std::string_view target, int64_t time,
                         std::string_view nonce, std::string_view body,
                         std::string_view server_fingerprint);

// The two header values for a request, signed with `sign`.
struct SignedHeaders {
  std::string certificate;    // value of X-Doorstep-Certificate
  std::string authorization;  // value of Authorization
};
// With a `device_id`, Authorization names it (device=ID first), so the request may leave
// X-Doorstep-Certificate out: the server looks the certificate up by the id.
SignedHeaders sign_request(const crypto::SignFunction& sign, const crypto::Bytes& certificate_der,
                           std::string_view method, std::string_view target, std::string_view body,
                           std::string_view server_fingerprint, int64_t time,
                           std::string_view device_id = {});

// Parses an Authorization header value; Error(Unauthorized) naming what is malformed.
RequestAuthorization parse_authorization(std::string_view header);

std::string base64_encode(const void* data, size_t size);
// Error(InvalidArgument) for text that is not base64.
crypto::Bytes base64_decode(std::string_view text);

}  // namespace doorstep::auth
