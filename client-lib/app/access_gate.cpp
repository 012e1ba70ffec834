#include "access_gate.h"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace doorstep::app {

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  size_t filled = 0;
  while (filled < bytes) {
    ssize_t n = getrandom(raw.data() + filled, bytes - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("the system gave no random bytes (getrandom failed)");
    }
    filled += static_cast<size_t>(n);
  }
  static const char* digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes * 2);
  for (unsigned char b : raw) {
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  return hex;
}

bool equal_in_constant_time(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
  return diff == 0;
}

AccessGate::AccessGate() : secret_(random_hex(32)) {}

std::optional<AccessGate::Grant> AccessGate::exchange(const std::string& secret) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (spent_ || !equal_in_constant_time(secret, secret_)) return std::nullopt;
  spent_ = true;
  grant_ = Grant{random_hex(32), random_hex(32)};
  return grant_;
}

std::optional<std::string> AccessGate::csrf_of(const std::string& session) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!grant_ || session.empty() || !equal_in_constant_time(session, grant_->session))
    return std::nullopt;
  return grant_->csrf;
}

bool AccessGate::admits(const std::string& session, const std::string& csrf) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return grant_ && !session.empty() && !csrf.empty() &&
         equal_in_constant_time(session, grant_->session) &&
         equal_in_constant_time(csrf, grant_->csrf);
}

}  // namespace doorstep::app
