// A thin RAII layer over SQLite: a Database owns one connection and a cache of prepared
// statements; a Statement is a prepared statement with bound parameters; a Transaction and
// a Savepoint roll back unless committed.
//
// Ownership: Database owns the sqlite3 handle and every cached Statement; a Statement
// obtained from Database::cached() is borrowed and valid until the Database is destroyed
// (it is reset and its bindings cleared each time it is handed out, so use one at a time).
// Thread-safety: a Database and its statements are used by one thread at a time.
// Failure: every call throws doorstep::Error in the SQLite domain (extended result code,
// transient for BUSY/LOCKED) with SQLite's message and the SQL that failed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace doorstep::sqlite {

class Database;

class Statement {
 public:
  Statement(Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view text);
  // Binds without copying: `text` must stay alive and unchanged until the statement is
  // stepped to the end or reset (the hot paths bind, then run in the same expression).
  Statement& bind_static(int index, std::string_view text);
  Statement& bind_blob(int index, const void* data, size_t size);
  Statement& bind_null(int index);

  // Advances to the next row: true while a row is available, false when done.
  bool step();
  // Runs a statement that returns no rows (or ignores them).
  void run();
  void reset();

  int64_t int64(int column) const;
  std::string text(int column) const;
  std::string blob(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  Database& db_;
  const char* sql_;
};

class Database {
 public:
  // Opens (or creates, if `create`) the file. Throws Error(NotFound) if it does not exist
  // and `create` is false.
  Database(const std::string& path, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more statements without parameters (schema text, pragmas).
  void exec(const char* sql);
  // A prepared statement for `sql`, kept for reuse. `sql` must be a string constant: its
  // address is the cache key.
  Statement& cached(const char* sql);
  int64_t last_insert_rowid() const;
  int changes() const;

  // Throws the error of the last call on this connection.
  [[noreturn]] void fail(int rc, std::string_view context) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<const char*, std::unique_ptr<Statement>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back on destruction unless commit() was called.
// IMMEDIATE takes the write lock at once, so two processes never deadlock upgrading a read.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// SAVEPOINT within a transaction; released by release(), rolled back on destruction.
class Savepoint {
 public:
  explicit Savepoint(Database& db);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace doorstep::sqlite
