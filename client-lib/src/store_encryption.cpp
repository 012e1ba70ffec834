// The C ABI of encryption at rest (doorstep_store.h, "Encryption at rest"): the key a host
// gives for a database, and the migration of a plain database.
#include "client-lib/src/abi_support.h"
#include "core/store/encrypted_vfs.h"

using namespace doorstep;
using namespace doorstep::abi;

namespace {

std::string key_of(const void* key, size_t key_len) {
  require_arg(key, "key");
  return std::string(static_cast<const char*>(key), key_len);
}

}  // namespace

extern "C" {

bool ds_store_use_key(const char* db_path, const void* key, size_t key_len,
                      ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(db_path, "db_path");
    store::encryption::use_key(db_path, key_of(key, key_len));
    return true;
  });
}

bool ds_store_encrypt(const char* db_path, const void* key, size_t key_len,
                      ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(db_path, "db_path");
    store::encryption::encrypt_database(db_path, key_of(key, key_len));
    return true;
  });
}

}  // extern "C"
