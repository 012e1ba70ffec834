#include "core/store/encrypted_vfs.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/common/error.h"

namespace doorstep::store::encryption {
namespace {

constexpr const char* kVfsName = "doorstep-encrypted";
using Key = std::array<unsigned char, 32>;

// The three keys of one database: the file, its rollback journal, its WAL. Different keys
// mean the same offset of two files never shares a key stream.
struct FileKeys {
  Key main, journal, wal;
};

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, std::shared_ptr<const FileKeys>>& registry() {
  static std::map<std::string, std::shared_ptr<const FileKeys>> keys;
  return keys;
}

// The name SQLite gives the file in xOpen (its full path name) for `path`.
std::string normal(const std::string& path) {
  std::error_code ec;
  auto full = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return full.empty() ? path : full.string();
}

Key derive(const std::string& material, const char* purpose) {
  Key key{};
  unsigned int length = 0;
  std::string label = std::string("doorstep database key v1: ") + purpose;
  HMAC(EVP_sha256(), material.data(), static_cast<int>(material.size()),
       reinterpret_cast<const unsigned char*>(label.data()), label.size(), key.data(), &length);
  return key;
}

std::shared_ptr<const FileKeys> keys_for_main(const std::string& main_path) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto it = registry().find(main_path);
  return it == registry().end() ? nullptr : it->second;
}

// XORs `data` (at byte `offset` of a file) with the AES-256-CTR key stream of `key`: the
// counter block is the offset's 16-byte block number, so any range decrypts by itself.
bool crypt(const Key& key, sqlite3_int64 offset, unsigned char* data, int amount) {
  if (amount <= 0) return true;
  std::array<unsigned char, 16> iv{};
  uint64_t block = static_cast<uint64_t>(offset) / 16;
  for (int i = 15; i >= 8; --i, block >>= 8) iv[static_cast<size_t>(i)] = block & 0xff;
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ctr(), nullptr, key.data(), iv.data()) != 1)
    return false;
  int out = 0;
  int skip = static_cast<int>(static_cast<uint64_t>(offset) % 16);
  if (skip > 0) {
    unsigned char pad[16] = {};
    if (EVP_EncryptUpdate(ctx.get(), pad, &out, pad, skip) != 1) return false;
  }
  return EVP_EncryptUpdate(ctx.get(), data, &out, data, amount) == 1;
}

struct CryptFile {
  sqlite3_file base;
  const Key* key;  // null: passed through (a temporary file)
  std::shared_ptr<const FileKeys> keys;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

sqlite3_vfs* real_vfs() {
  static sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
  return vfs;
}

CryptFile* of(sqlite3_file* f) {
  return reinterpret_cast<CryptFile*>(f);
}

int x_close(sqlite3_file* f) {
  CryptFile* file = of(f);
  int rc = file->real()->pMethods ? file->real()->pMethods->xClose(file->real()) : SQLITE_OK;
  file->keys.~shared_ptr();
  return rc;
}

int x_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  CryptFile* file = of(f);
  int rc = file->real()->pMethods->xRead(file->real(), buffer, amount, offset);
  if (file->key == nullptr || (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)) return rc;
  int decrypt = amount;
  if (rc == SQLITE_IOERR_SHORT_READ) {
    // Only the bytes the file holds: SQLite wants the rest as zeros.
    sqlite3_int64 size = 0;
    if (file->real()->pMethods->xFileSize(file->real(), &size) != SQLITE_OK)
      return SQLITE_IOERR_READ;
    decrypt = static_cast<int>(
        std::max<sqlite3_int64>(0, std::min<sqlite3_int64>(amount, size - offset)));
  }
  if (!crypt(*file->key, offset, static_cast<unsigned char*>(buffer), decrypt))
    return SQLITE_IOERR_READ;
  return rc;
}

int x_write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  CryptFile* file = of(f);
  if (file->key == nullptr)
    return file->real()->pMethods->xWrite(file->real(), buffer, amount, offset);
  std::vector<unsigned char> sealed(static_cast<const unsigned char*>(buffer),
                                    static_cast<const unsigned char*>(buffer) + amount);
  if (!crypt(*file->key, offset, sealed.data(), amount)) return SQLITE_IOERR_WRITE;
  return file->real()->pMethods->xWrite(file->real(), sealed.data(), amount, offset);
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return of(f)->real()->pMethods->xTruncate(of(f)->real(), size);
}
int x_sync(sqlite3_file* f, int flags) {
  return of(f)->real()->pMethods->xSync(of(f)->real(), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return of(f)->real()->pMethods->xFileSize(of(f)->real(), size);
}
int x_lock(sqlite3_file* f, int level) {
  return of(f)->real()->pMethods->xLock(of(f)->real(), level);
}
int x_unlock(sqlite3_file* f, int level) {
  return of(f)->real()->pMethods->xUnlock(of(f)->real(), level);
}
int x_check_reserved(sqlite3_file* f, int* out) {
  return of(f)->real()->pMethods->xCheckReservedLock(of(f)->real(), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return of(f)->real()->pMethods->xFileControl(of(f)->real(), op, arg);
}
int x_sector_size(sqlite3_file* f) {
  return of(f)->real()->pMethods->xSectorSize(of(f)->real());
}
int x_device_characteristics(sqlite3_file* f) {
  return of(f)->real()->pMethods->xDeviceCharacteristics(of(f)->real());
}
int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return of(f)->real()->pMethods->xShmMap(of(f)->real(), page, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return of(f)->real()->pMethods->xShmLock(of(f)->real(), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
  of(f)->real()->pMethods->xShmBarrier(of(f)->real());
}
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
  return of(f)->real()->pMethods->xShmUnmap(of(f)->real(), delete_flag);
}

// Version 2: no xFetch, so SQLite never reads the file through a memory map (which would
// bypass the decryption).
const sqlite3_io_methods kMethods = {2,
                                     x_close,
                                     x_read,
                                     x_write,
                                     x_truncate,
                                     x_sync,
                                     x_file_size,
                                     x_lock,
                                     x_unlock,
                                     x_check_reserved,
                                     x_file_control,
                                     x_sector_size,
                                     x_device_characteristics,
                                     x_shm_map,
                                     x_shm_lock,
                                     x_shm_barrier,
                                     x_shm_unmap,
                                     nullptr,
                                     nullptr};

// The main database's path of a journal or WAL name.
std::string main_of(const std::string& name, int flags) {
  auto strip = [&](const char* suffix) {
    size_t n = std::strlen(suffix);
    return name.size() > n && name.compare(name.size() - n, n, suffix) == 0
               ? name.substr(0, name.size() - n)
               : name;
  };
  if (flags & SQLITE_OPEN_WAL) return strip("-wal");
  if (flags & SQLITE_OPEN_MAIN_JOURNAL) return strip("-journal");
  return name;
}

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  CryptFile* file = of(f);
  new (&file->keys) std::shared_ptr<const FileKeys>();
  file->key = nullptr;
  file->base.pMethods = nullptr;
  sqlite3_vfs* real = static_cast<sqlite3_vfs*>(vfs->pAppData);
  int rc = real->xOpen(real, name, file->real(), flags, out_flags);
  if (rc != SQLITE_OK) {
    file->keys.~shared_ptr();
    return rc;
  }
  if (name != nullptr &&
      (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL))) {
    file->keys = keys_for_main(main_of(name, flags));
    if (file->keys)
      file->key = (flags & SQLITE_OPEN_WAL)            ? &file->keys->wal
                  : (flags & SQLITE_OPEN_MAIN_JOURNAL) ? &file->keys->journal
                                                       : &file->keys->main;
  }
  file->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// Everything but xOpen is SQLite's own.
int x_delete(sqlite3_vfs* v, const char* n, int s) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xDelete(r, n, s);
}
int x_access(sqlite3_vfs* v, const char* n, int f, int* o) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xAccess(r, n, f, o);
}
int x_full_pathname(sqlite3_vfs* v, const char* n, int size, char* out) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xFullPathname(r, n, size, out);
}
void* x_dl_open(sqlite3_vfs* v, const char* n) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xDlOpen(r, n);
}
void x_dl_error(sqlite3_vfs* v, int n, char* out) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  r->xDlError(r, n, out);
}
void (*x_dl_sym(sqlite3_vfs* v, void* h, const char* s))(void) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xDlSym(r, h, s);
}
void x_dl_close(sqlite3_vfs* v, void* h) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  r->xDlClose(r, h);
}
int x_randomness(sqlite3_vfs* v, int n, char* out) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xRandomness(r, n, out);
}
int x_sleep(sqlite3_vfs* v, int us) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xSleep(r, us);
}
int x_current_time(sqlite3_vfs* v, double* out) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xCurrentTime(r, out);
}
int x_last_error(sqlite3_vfs* v, int n, char* out) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xGetLastError ? r->xGetLastError(r, n, out) : 0;
}
int x_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
  auto* r = static_cast<sqlite3_vfs*>(v->pAppData);
  return r->xCurrentTimeInt64(r, out);
}

void register_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_initialize();
    static sqlite3_vfs vfs{};
    sqlite3_vfs* real = real_vfs();
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(CryptFile)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = kVfsName;
    vfs.pAppData = real;
    vfs.xOpen = x_open;
    vfs.xDelete = x_delete;
    vfs.xAccess = x_access;
    vfs.xFullPathname = x_full_pathname;
    vfs.xDlOpen = x_dl_open;
    vfs.xDlError = x_dl_error;
    vfs.xDlSym = x_dl_sym;
    vfs.xDlClose = x_dl_close;
    vfs.xRandomness = x_randomness;
    vfs.xSleep = x_sleep;
    vfs.xCurrentTime = x_current_time;
    vfs.xGetLastError = x_last_error;
    vfs.xCurrentTimeInt64 = x_current_time_int64;
    int rc = sqlite3_vfs_register(&vfs, 0);
    if (rc != SQLITE_OK)
      throw Error(ErrorDomain::SQLite, rc, "cannot register the encrypting SQLite VFS");
  });
}

void require_key(const std::string& material) {
  if (material.size() < 16)
    throw Error(ErrorCode::InvalidArgument,
                "a database key must be at least 16 bytes (a key file of random bytes, e.g. "
                "`head -c 32 /dev/urandom`), not " +
                    std::to_string(material.size()));
}

// RAII for the two connections of encrypt_database.
struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close(db); }
};

void check(int rc, sqlite3* db, const std::string& what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE) return;
  throw Error(ErrorDomain::SQLite, rc,
              what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

}  // namespace

void use_key(const std::string& path, const std::string& key_material) {
  require_key(key_material);
  register_vfs();
  auto keys = std::make_shared<FileKeys>(FileKeys{derive(key_material, "database"),
                                                  derive(key_material, "journal"),
                                                  derive(key_material, "wal")});
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry()[normal(path)] = std::move(keys);
}

bool has_key(const std::string& path) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  return registry().count(normal(path)) > 0;
}

const char* vfs_for(const std::string& path) {
  return has_key(path) ? kVfsName : nullptr;
}

void encrypt_database(const std::string& path, const std::string& key_material) {
  require_key(key_material);
  if (!std::filesystem::exists(path))
    throw Error(ErrorCode::NotFound, "database '" + path + "' does not exist");
  std::string target = path + ".encrypting";
  std::filesystem::remove(target);
  {
    Connection plain;
    check(sqlite3_open_v2(path.c_str(), &plain.db, SQLITE_OPEN_READWRITE, nullptr), plain.db,
          "cannot open '" + path + "'");
    // A database that is encrypted already, or not a database, has no readable schema.
    int rc = sqlite3_exec(plain.db,
                          "PRAGMA wal_checkpoint(TRUNCATE); SELECT count(*) FROM sqlite_master",
                          nullptr, nullptr, nullptr);
    if ((rc & 0xff) == SQLITE_NOTADB)
      throw Error(ErrorCode::Conflict, "'" + path +
                                           "' is not a plain database: it is encrypted already, "
                                           "or not a Doorstep database");
    check(rc, plain.db, "cannot read '" + path + "'");
    use_key(target, key_material);
    Connection sealed;
    check(sqlite3_open_v2(target.c_str(), &sealed.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                          kVfsName),
          sealed.db, "cannot create '" + target + "'");
    sqlite3_backup* backup = sqlite3_backup_init(sealed.db, "main", plain.db, "main");
    if (backup == nullptr) check(SQLITE_ERROR, sealed.db, "cannot copy '" + path + "'");
    rc = sqlite3_backup_step(backup, -1);
    int finished = sqlite3_backup_finish(backup);
    check(rc == SQLITE_DONE ? finished : rc, sealed.db, "cannot copy '" + path + "'");
    check(sqlite3_exec(sealed.db, "PRAGMA journal_mode = WAL; PRAGMA wal_checkpoint(TRUNCATE)",
                       nullptr, nullptr, nullptr),
          sealed.db, "cannot finish '" + target + "'");
  }
  int fd = ::open(target.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::filesystem::remove(target + "-wal");
  std::filesystem::remove(target + "-shm");
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  use_key(path, key_material);
  std::filesystem::rename(target, path);
}

}  // namespace doorstep::store::encryption
