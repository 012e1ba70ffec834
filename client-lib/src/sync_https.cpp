// The C ABI of online enrollment and sync with the county server (doorstep_sync.h, section
// "Online: the county server over HTTPS").
#include "client-lib/src/abi_support.h"
#include "client-lib/src/https_sync_session.h"
#include "core/store/store.h"

using namespace doorstep;
using namespace doorstep::abi;

namespace {

store::Store open_device_store(const char* db_path, const char* key_secret) {
  require_arg(db_path, "db_path");
  store::OpenOptions options;
  options.key_secret = key_secret ? key_secret : "";
  return store::Store::open(db_path, options);
}

}  // namespace

extern "C" {

char* ds_sync_enroll_online(const char* db_path, const char* key_secret, const char* server_url,
                            const char* token, const char* fingerprint, const char* ca_file,
                            ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(server_url, "server_url");
    require_arg(token, "token");
    net::ServerTrust trust;
    if (fingerprint != nullptr && *fingerprint != '\0') {
      trust.fingerprint = net::normalize_fingerprint(fingerprint);
      if (trust.fingerprint.empty())
        throw Error(ErrorCode::InvalidArgument, std::string("the fingerprint '") + fingerprint +
                                                    "' is not 64 hex digits (colons allowed)");
    }
    if (ca_file != nullptr && *ca_file != '\0') trust.ca_file = ca_file;
    if (trust.fingerprint.empty() == trust.ca_file.empty())
      throw Error(ErrorCode::InvalidArgument, "give either a fingerprint or a CA file");
    auto address = net::ServerAddress::parse(server_url);
    store::Store store = open_device_store(db_path, key_secret);
    sync::Replica replica(store, key_secret ? key_secret : "");
    return copy_string(net::enroll_online(replica, address, trust, token).dump());
  });
}

char* ds_sync_online(const char* db_path, const char* key_secret, const char* options_json,
                     ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    net::SyncOptions options;
    if (options_json != nullptr && *options_json != '\0') {
      auto parsed = nlohmann::json::parse(options_json, nullptr, false);
      if (!parsed.is_object())
        throw Error(ErrorCode::InvalidArgument, "options_json is not a JSON object");
      if (parsed.contains("page_size")) {
        if (!parsed["page_size"].is_number_integer() || parsed["page_size"].get<int64_t>() < 1 ||
            parsed["page_size"].get<int64_t>() > 1000)
          throw Error(ErrorCode::InvalidArgument, "options_json: page_size must be 1..1000");
        options.page_size = parsed["page_size"].get<size_t>();
      }
    }
    store::Store store = open_device_store(db_path, key_secret);
    sync::Replica replica(store, key_secret ? key_secret : "");
    return copy_string(net::sync_online(replica, options).dump());
  });
}

}  // extern "C"
