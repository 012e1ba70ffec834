#include "core/store/sqlite.h"

#include "core/store/encrypted_vfs.h"

#include <filesystem>

#include "core/common/error.h"

namespace doorstep::sqlite {

Statement::Statement(Database& db, const char* sql) : db_(db), sql_(sql) {
  int rc = sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, std::string("preparing: ") + sql);
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

Statement& Statement::bind_static(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, size_t size) {
  int rc = sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_.fail(rc, sql_);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(size))
              : std::string();
}

std::string Statement::blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(static_cast<const char*>(data), static_cast<size_t>(size))
              : std::string();
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Database::Database(const std::string& path, bool create) : path_(path) {
  if (!create && !std::filesystem::exists(path))
    throw Error(ErrorCode::NotFound,
                "database '" + path + "' does not exist (run `doorstep init`)");
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  // A database with a registered key is read and written through the encrypting VFS.
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, store::encryption::vfs_for(path));
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorDomain::SQLite, rc, "cannot open database '" + path + "': " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Another process (a second CLI call, a sync) may hold the write lock briefly.
  sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
  cache_.clear();  // statements first: sqlite3_close refuses while any is alive
  sqlite3_close(db_);
}

void Database::exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    int code = sqlite3_extended_errcode(db_);
    int primary = code & 0xff;
    throw Error(ErrorDomain::SQLite, code,
                "SQLite: " + text + " (in: " + std::string(sql).substr(0, 120) + ")",
                primary == SQLITE_BUSY || primary == SQLITE_LOCKED);
  }
}

Statement& Database::cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<Statement>(*this, sql)).first;
  it->second->reset();
  return *it->second;
}

int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
  return sqlite3_changes(db_);
}

void Database::fail(int rc, std::string_view context) const {
  int code = db_ ? sqlite3_extended_errcode(db_) : rc;
  int primary = code & 0xff;
  std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  throw Error(ErrorDomain::SQLite, code,
              "SQLite: " + message + " (in: " + std::string(context.substr(0, 120)) + ")",
              primary == SQLITE_BUSY || primary == SQLITE_LOCKED);
}

Transaction::Transaction(Database& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

Savepoint::Savepoint(Database& db) : db_(db) {
  db_.exec("SAVEPOINT change");
}

Savepoint::~Savepoint() {
  if (!done_) {
    sqlite3_exec(db_.handle(), "ROLLBACK TO change", nullptr, nullptr, nullptr);
    sqlite3_exec(db_.handle(), "RELEASE change", nullptr, nullptr, nullptr);
  }
}

void Savepoint::release() {
  db_.exec("RELEASE change");
  done_ = true;
}

}  // namespace doorstep::sqlite
