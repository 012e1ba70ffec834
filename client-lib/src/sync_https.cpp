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

// options_json's {"page_size": n} for a sync.
net::SyncOptions sync_options(const char* options_json) {
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
  return options;
}

// ds_sync_connect's options_json: {"timeout_seconds": 1..600}, 30 when unsaid.
int timeout_option(const char* options_json) {
  int timeout = 30;
  if (options_json == nullptr || *options_json == '\0') return timeout;
  auto parsed = nlohmann::json::parse(options_json, nullptr, false);
  if (!parsed.is_object())
    throw Error(ErrorCode::InvalidArgument, "options_json is not a JSON object");
  for (const auto& [name, value] : parsed.items()) {
    if (name != "timeout_seconds")
      throw Error(ErrorCode::InvalidArgument,
                  "options_json: unknown option \"" + name + "\" (known: timeout_seconds)");
    if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 600)
      throw Error(ErrorCode::InvalidArgument, "options_json: timeout_seconds must be 1..600");
    timeout = value.get<int>();
  }
  return timeout;
}

}  // namespace

struct ds_sync_connection {
  std::string db_path;
  std::string key_secret;
  net::KeptConnection kept;
  ds_sync_connection(std::string path, std::string secret, int timeout_seconds)
      : db_path(std::move(path)), key_secret(std::move(secret)), kept(timeout_seconds) {}
};

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
    auto options = sync_options(options_json);
    store::Store store = open_device_store(db_path, key_secret);
    sync::Replica replica(store, key_secret ? key_secret : "");
    return copy_string(net::sync_online(replica, options).dump());
  });
}

ds_sync_connection* ds_sync_connect(const char* db_path, const char* key_secret,
                                    const char* options_json, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<ds_sync_connection*>(nullptr), [&] {
    int timeout = timeout_option(options_json);
    {
      // Enrolled at a server? Checked now, so that a host learns it before the first sync;
      // the server itself is read again at every sync.
      store::Store store = open_device_store(db_path, key_secret);
      sync::Replica replica(store, key_secret ? key_secret : "");
      if (!replica.state().item(net::kServerItem))
        throw Error(ErrorCode::Unauthorized,
                    "this device has no county server; enroll with ds_sync_enroll_online first");
    }
    return new ds_sync_connection(db_path, key_secret ? key_secret : "", timeout);
  });
}

char* ds_sync_connection_sync(ds_sync_connection* connection, const char* options_json,
                              ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    if (connection == nullptr)
      throw Error(ErrorCode::InvalidArgument, "connection is NULL (ds_sync_connect gives one)");
    auto options = sync_options(options_json);
    store::Store store =
        open_device_store(connection->db_path.c_str(), connection->key_secret.c_str());
    sync::Replica replica(store, connection->key_secret);
    return copy_string(net::sync_online(replica, options, &connection->kept).dump());
  });
}

void ds_sync_connection_close(ds_sync_connection* connection) noexcept {
  delete connection;  // ~HttpsConnection sends close_notify
}

}  // extern "C"
