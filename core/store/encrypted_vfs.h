// Encryption at rest of a device database: an SQLite VFS that encrypts every byte SQLite
// writes to the database file, its rollback journal and its write-ahead log, and decrypts
// what it reads, with AES-256 in counter mode keyed per file kind by HMAC-SHA256 of the key
// material the host gives (the key file; on a phone, the platform keystore). A lost phone's
// database reads as noise: no SQLite header, no answer, no ID number (docs/security.md,
// "Encryption at rest").
//
// Why not SQLCipher: Debian 12's libsqlcipher-dev is SQLCipher 3.4.1, built on SQLite 3.15.2,
// which lacks the UPSERT the store's queries use (SQLite 3.24); a VFS over the system SQLite
// keeps one SQLite in every process.
//
// What it protects: the confidentiality of the files at rest against whoever holds them. It
// does not authenticate them (a changed byte decrypts to other garbage; SQLite then reports
// corruption, and synced data stays guarded by its signatures). The shared-memory index
// (-shm) holds no content and stays as it is; memory-mapped I/O is not offered.
//
// Keys are registered per database path for the life of the process; every later open of
// that path (by any handle) goes through the encryption. A database without a registered key
// opens with SQLite's default VFS, exactly as before.
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <string>

namespace doorstep::store::encryption {

// Registers `key_material` (at least 16 bytes; a key file's content) for the database at
// `path` (and its journal and WAL). Error(InvalidArgument) if it is too short.
void use_key(const std::string& path, const std::string& key_material);

// Whether a key is registered for `path`.
bool has_key(const std::string& path);

// The name of the VFS to open `path` with: the encrypting one if a key is registered for it,
// else nullptr (SQLite's default).
const char* vfs_for(const std::string& path);

// Writes an encrypted copy of the plain database at `path` under `key_material`, then puts it
// in place of the plain one (temporary file, fsync, rename) and registers the key for `path`.
// The plain database must be closed by everyone. Error(Conflict) if it is encrypted already
// (or not a database), Error(InvalidArgument) for a short key.
void encrypt_database(const std::string& path, const std::string& key_material);

}  // namespace doorstep::store::encryption
