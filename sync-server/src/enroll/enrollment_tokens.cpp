// EnrollmentTokens: making, storing (hashed) and redeeming one-time enrollment tokens.
#include "enroll/enrollment_tokens.h"

#include "core/common/error.h"
#include "core/crypto/certificate.h"
#include "core/crypto/hash.h"
#include "core/store/grid_path.h"

namespace doorstep::server {
namespace {

constexpr const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
constexpr size_t kTokenChars = 24;

constexpr const char* kInsertToken =
    "INSERT INTO enrollment_token (hash, role, scope, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr const char* kFindToken =
    "SELECT role, scope, expires_at, used_at FROM enrollment_token WHERE hash = ?1";
constexpr const char* kSpendToken =
    "UPDATE enrollment_token SET used_at = ?2, device_id = ?3 WHERE hash = ?1 AND used_at IS NULL";

std::string token_hash(const std::string& normalized) {
  return crypto::to_hex(crypto::sha256(normalized));
}

}  // namespace

std::string EnrollmentTokens::normalize(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '-' || c == ' ') continue;
    char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (std::string_view(kAlphabet).find(upper) == std::string_view::npos) return "";
    out.push_back(upper);
  }
  return out.size() == kTokenChars ? out : "";
}

std::string EnrollmentTokens::create(const std::string& role, const std::string& scope,
                                     int64_t lifetime_seconds, int64_t now) {
  crypto::parse_role(role);  // throws InvalidArgument naming a bad role
  store::validate_grid_scope(scope);
  if (lifetime_seconds <= 0)
    throw Error(ErrorCode::InvalidArgument, "the token lifetime must be positive");
  auto random = crypto::random_bytes(kTokenChars);
  std::string token;
  for (size_t i = 0; i < kTokenChars; ++i) token.push_back(kAlphabet[random[i] & 31]);
  database_.db()
      .cached(kInsertToken)
      .bind(1, token_hash(token))
      .bind(2, role)
      .bind(3, scope)
      .bind(4, now)
      .bind(5, now + lifetime_seconds)
      .run();
  std::string shown;
  for (size_t i = 0; i < token.size(); ++i) {
    if (i > 0 && i % 4 == 0) shown.push_back('-');
    shown.push_back(token[i]);
  }
  return shown;
}

TokenGrant EnrollmentTokens::redeem(const std::string& token, const std::string& device_id,
                                    int64_t now) {
  std::string normalized = normalize(token);
  if (normalized.empty())
    throw Error(ErrorCode::Unauthorized,
                "the enrollment token is not a token (24 letters and digits, dashes allowed)");
  std::string hash = token_hash(normalized);
  auto& find = database_.db().cached(kFindToken).bind(1, hash);
  if (!find.step()) throw Error(ErrorCode::Unauthorized, "the enrollment token is not known");
  TokenGrant grant{find.text(0), find.text(1), find.int64(2)};
  bool used = !find.is_null(3);
  find.reset();
  if (used) throw Error(ErrorCode::Unauthorized, "the enrollment token has already been used");
  if (now >= grant.expires_at)
    throw Error(ErrorCode::Unauthorized, "the enrollment token has expired");
  database_.db().cached(kSpendToken).bind(1, hash).bind(2, now).bind(3, device_id).run();
  if (database_.db().changes() != 1)
    throw Error(ErrorCode::Unauthorized, "the enrollment token has already been used");
  return grant;
}

int64_t parse_duration(const std::string& text) {
  if (text.empty()) throw Error(ErrorCode::InvalidArgument, "empty duration");
  size_t digits = text.find_first_not_of("0123456789");
  std::string number = text.substr(0, digits);
  std::string unit = digits == std::string::npos ? "s" : text.substr(digits);
  int64_t scale = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (number.empty() || number.size() > 9 || scale == 0)
    throw Error(ErrorCode::InvalidArgument,
                "'" + text + "' is not a duration (e.g. 72h, 30m, 7d, 3600s)");
  int64_t value = std::stoll(number) * scale;
  if (value <= 0) throw Error(ErrorCode::InvalidArgument, "the duration '" + text + "' is zero");
  return value;
}

}  // namespace doorstep::server
