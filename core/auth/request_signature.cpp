// RequestSignature: the signed text, header formatting and parsing, base64.
#include "core/auth/request_signature.h"

#include <openssl/evp.h>

#include "core/common/error.h"
#include "core/crypto/hash.h"

namespace doorstep::auth {

std::string signing_text(std::string_view method, std::string_view target, int64_t time,
                         std::string_view nonce, std::string_view body,
                         std::string_view server_fingerprint) {
  std::string text = "doorstep-request-v1\n";
  text.append(method).append("\n");
  text.append(target).append("\n");
  text.append(std::to_string(time)).append("\n");
  text.append(nonce).append("\n");
  text.append(crypto::to_hex(crypto::sha256(body))).append("\n");
  text.append(server_fingerprint);
  return text;
}

SignedHeaders sign_request(const crypto::SignFunction& sign, const crypto::Bytes& certificate_der,
                           std::string_view method, std::string_view target, std::string_view body,
                           std::string_view server_fingerprint, int64_t time,
                           std::string_view device_id) {
  auto random = crypto::random_bytes(16);
  std::string nonce = crypto::to_hex(random.data(), random.size());
  std::string text = signing_text(method, target, time, nonce, body, server_fingerprint);
  auto signature = sign(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  SignedHeaders headers;
  headers.certificate = base64_encode(certificate_der.data(), certificate_der.size());
  std::string device = device_id.empty() ? "" : "device=" + std::string(device_id) + ",";
  headers.authorization = std::string(kAuthorizationScheme) + " " + device +
                          "time=" + std::to_string(time) + ",nonce=" + nonce +
                          ",signature=" + base64_encode(signature.data(), signature.size());
  return headers;
}

RequestAuthorization parse_authorization(std::string_view header) {
  std::string_view scheme = kAuthorizationScheme;
  if (header.substr(0, scheme.size()) != scheme || header.size() <= scheme.size() ||
      header[scheme.size()] != ' ')
    throw Error(ErrorCode::Unauthorized,
                "the Authorization header must use the Doorstep-Signature scheme");
  RequestAuthorization parsed;
  bool have_time = false;
  std::string_view rest = header.substr(scheme.size() + 1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      throw Error(ErrorCode::Unauthorized,
                  "Authorization: '" + std::string(item) + "' is not NAME=VALUE");
    std::string_view name = item.substr(0, eq), value = item.substr(eq + 1);
    if (name == "time") {
      if (value.empty() || value.size() > 12 ||
          value.find_first_not_of("0123456789") != std::string_view::npos)
        throw Error(ErrorCode::Unauthorized, "Authorization: time must be unix seconds");
      parsed.time = std::stoll(std::string(value));
      have_time = true;
    } else if (name == "device") {
      if (value.empty() || value.size() > 64 ||
          value.find_first_not_of("0123456789abcdefABCDEF-_") != std::string_view::npos)
        throw Error(ErrorCode::Unauthorized,
                    "Authorization: device must be a device id (1 to 64 hex digits)");
      parsed.device = value;
    } else if (name == "nonce") {
      if (value.size() != 32 ||
          value.find_first_not_of("0123456789abcdef") != std::string_view::npos)
        throw Error(ErrorCode::Unauthorized, "Authorization: nonce must be 32 hex digits");
      parsed.nonce = value;
    } else if (name == "signature") {
      crypto::Bytes raw;
      try {
        raw = base64_decode(value);
      } catch (const Error&) {
        throw Error(ErrorCode::Unauthorized, "Authorization: signature is not base64");
      }
      parsed.signature.assign(raw.begin(), raw.end());
    }
  }
  if (!have_time || parsed.nonce.empty() || parsed.signature.size() != 64)
    throw Error(ErrorCode::Unauthorized, "Authorization needs time, nonce and a 64-byte signature");
  return parsed;
}

std::string base64_encode(const void* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          static_cast<const unsigned char*>(data), static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

crypto::Bytes base64_decode(std::string_view text) {
  if (text.size() % 4 != 0 ||
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
          std::string_view::npos)
    throw Error(ErrorCode::InvalidArgument, "the text is not base64");
  crypto::Bytes out(3 * text.size() / 4 + 1);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) throw Error(ErrorCode::InvalidArgument, "the text is not base64");
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

}  // namespace doorstep::auth
