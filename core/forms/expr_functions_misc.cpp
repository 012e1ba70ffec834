// The remaining functions: uuid, once, position, digest, base64-decode, and Doorstep's
// domain functions id-valid and id-birthdate (see chinese_id.h for the policy).
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cmath>

#include "core/forms/chinese_id.h"
#include "core/forms/dates.h"
#include "core/forms/expr_functions.h"

namespace doorstep::forms {
namespace {

void random_bytes(const CallArgs& a, unsigned char* out, int count) {
  if (RAND_bytes(out, count) != 1) a.fail("the system random generator failed");
}

// uuid(): a random RFC 4122 version 4 UUID; uuid(n): n random letters and digits.
Value fn_uuid(const CallArgs& a) {
  if (a.size() == 1) {
    double n = std::trunc(a.number(0));
    if (std::isnan(n) || n < 0 || n > 4096) a.fail("the length must be 0 to 4096");
    static const char kAlphabet[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string out(static_cast<size_t>(n), '0');
    std::vector<unsigned char> bytes(out.size() + 1);
    random_bytes(a, bytes.data(), static_cast<int>(bytes.size()));
    for (size_t i = 0; i < out.size(); ++i) out[i] = kAlphabet[bytes[i] % 62];
    return Value::string(std::move(out));
  }
  unsigned char b[16];
  random_bytes(a, b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0F];
  }
  return Value::string(std::move(out));
}

// once(expr): the current value if the question already has one, else expr — so a value
// computed once (an id, a start time) is not recomputed later.
Value fn_once(const CallArgs& a) {
  Value current = a.context().current();
  if (!current.to_string().empty()) return current;
  return a.value(0);
}

// position() and position(..): the 1-based index of the current repeat instance.
Value fn_position(const CallArgs& a) {
  if (a.size() == 1 && a.node(0).kind != Node::Kind::Parent &&
      a.node(0).kind != Node::Kind::Current)
    a.fail("only position() and position(..) are supported");
  return Value::number(a.context().position());
}

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

// digest(text, algorithm[, encoding]): MD5, SHA-1, SHA-256, SHA-384 or SHA-512 of the
// UTF-8 text, in 'base64' (default) or 'hex'.
Value fn_digest(const CallArgs& a) {
  std::string text = a.string(0);
  std::string name = a.string(1);
  std::string encoding = a.size() == 3 ? a.string(2) : "base64";
  const EVP_MD* md = nullptr;
  if (name == "MD5")
    md = EVP_md5();
  else if (name == "SHA-1")
    md = EVP_sha1();
  else if (name == "SHA-256")
    md = EVP_sha256();
  else if (name == "SHA-384")
    md = EVP_sha384();
  else if (name == "SHA-512")
    md = EVP_sha512();
  else
    a.fail("unknown algorithm '" + name + "' (MD5, SHA-1, SHA-256, SHA-384, SHA-512)");
  if (encoding != "base64" && encoding != "hex")
    a.fail("unknown encoding '" + encoding + "' (base64 or hex)");
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), hash, &size, md, nullptr) != 1)
    a.fail("the digest could not be computed");
  if (encoding == "base64") return Value::string(base64(hash, size));
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[hash[i] >> 4];
    out += kHex[hash[i] & 0x0F];
  }
  return Value::string(std::move(out));
}

// base64-decode(text): the UTF-8 text encoded in base64; "" if it is not base64.
Value fn_base64_decode(const CallArgs& a) {
  std::string text = a.string(0);
  if (text.size() % 4 != 0) return Value::string("");
  std::string out(text.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Value::string("");
  size_t size = static_cast<size_t>(n);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return Value::string(std::move(out));
}

Value fn_id_valid(const CallArgs& a) {
  return Value::boolean(check_resident_id(a.string(0)).valid);
}

// The birth date of a valid ID number as a date; "" when the number is not valid.
Value fn_id_birthdate(const CallArgs& a) {
  ResidentIdCheck check = check_resident_id(a.string(0));
  if (!check.valid) return Value::string("");
  return Value::date(static_cast<double>(
      dates::days_from_civil(check.birth_year, static_cast<unsigned>(check.birth_month),
                             static_cast<unsigned>(check.birth_day))));
}

const FunctionDef kMisc[] = {
    {"uuid", 0, 1, fn_uuid, true},
    {"once", 1, 1, fn_once, false, true},
    {"position", 0, 1, fn_position},
    {"digest", 2, 3, fn_digest},
    {"base64-decode", 1, 1, fn_base64_decode},
    {"id-valid", 1, 1, fn_id_valid},
    {"id-birthdate", 1, 1, fn_id_birthdate},
};

}  // namespace

std::span<const FunctionDef> misc_functions() {
  return kMisc;
}

}  // namespace doorstep::forms
