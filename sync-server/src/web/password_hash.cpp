// Argon2id through libargon2.
#include "web/password_hash.h"

#include <argon2.h>

#include <vector>

#include "core/common/error.h"
#include "core/common/utf8_check.h"
#include "core/crypto/hash.h"

namespace doorstep::server::web {
namespace {

constexpr uint32_t kPasses = 2;
constexpr uint32_t kMemoryKib = 19 * 1024;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

}  // namespace

void check_password_policy(const std::string& password) {
  if (password.size() < 10)
    throw Error(ErrorCode::InvalidArgument, "a password needs at least 10 characters");
  if (password.size() > 1024)
    throw Error(ErrorCode::InvalidArgument, "a password may have at most 1024 bytes");
  if (!is_well_formed_utf8(password))
    throw Error(ErrorCode::InvalidArgument, "a password must be UTF-8 text");
  for (unsigned char c : password)
    if (c < 0x20 || c == 0x7f)
      throw Error(ErrorCode::InvalidArgument,
                  "a password may not hold control characters (a line break, a tab)");
}

std::string hash_password(const std::string& password) {
  check_password_policy(password);
  std::vector<uint8_t> salt = crypto::random_bytes(kSaltBytes);
  size_t length = argon2_encodedlen(kPasses, kMemoryKib, kLanes, kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(length, '\0');
  int rc = argon2id_hash_encoded(kPasses, kMemoryKib, kLanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashBytes, encoded.data(), length);
  if (rc != ARGON2_OK)
    throw Error(ErrorCode::Internal, std::string("Argon2id failed: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool verify_password(const std::string& encoded, const std::string& password) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool verify_login(const std::string& encoded, const std::string& password) {
  static const std::string decoy = hash_password(generate_password());
  if (encoded.empty()) {
    verify_password(decoy, password);
    return false;
  }
  return verify_password(encoded, password);
}

std::string generate_password() {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  std::vector<uint8_t> bytes = crypto::random_bytes(16);
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(kAlphabet[bytes[i] % 32]);  // 256 is a multiple of 32: no bias
  }
  return out;
}

}  // namespace doorstep::server::web
