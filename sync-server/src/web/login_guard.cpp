// LoginGuard: lockout per account, limit per address.
#include "web/login_guard.h"

#include <algorithm>

namespace doorstep::server::web {

std::optional<LoginRefusal> LoginGuard::refusal(const std::string& name, const std::string& address,
                                                int64_t now) const {
  int64_t since = now - policy_.window_seconds;
  if (accounts_.failures_from(address, since) >= policy_.address_failures)
    return LoginRefusal{LoginRefusal::Why::AddressLimited, policy_.window_seconds};
  if (accounts_.failures_of(name, since) >= policy_.account_failures) {
    // Locked until the oldest failure that counts leaves the window.
    int64_t oldest = accounts_.nth_failure_of(name, policy_.account_failures);
    return LoginRefusal{LoginRefusal::Why::AccountLocked,
                        std::max<int64_t>(1, oldest + policy_.window_seconds - now)};
  }
  return std::nullopt;
}

bool LoginGuard::record_failure(const std::string& name, const std::string& address, int64_t now) {
  accounts_.record_failure(name, address, now);
  return recent_failures(name, now) == policy_.account_failures;
}

void LoginGuard::record_success(const std::string& name, int64_t now) {
  accounts_.clear_failures(name);
  accounts_.record_login(name, now);
}

int64_t LoginGuard::recent_failures(const std::string& name, int64_t now) const {
  return accounts_.failures_of(name, now - policy_.window_seconds);
}

std::string address_of_peer(const std::string& peer) {
  if (!peer.empty() && peer.front() == '[') {
    auto close = peer.find(']');
    return close == std::string::npos ? peer : peer.substr(1, close - 1);
  }
  auto colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

}  // namespace doorstep::server::web
