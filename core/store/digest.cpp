// Store::digest: SHA-256 over a canonical encoding of the state within a grid scope — every
// record (id, type, household, grid, creating op), every field's current value and, for a
// field with several heads of different values, every head. Two replicas holding the same
// ops have the same digest, whatever order the ops arrived in (docs/schema.md, "Digest").
#include "core/crypto/hash.h"
#include "core/store/grid_path.h"
#include "core/store/store_impl.h"

namespace doorstep::store {
namespace {

constexpr const char* kRecordsInScope =
    "SELECT r.id, r.type, r.household, r.grid, r.op_key FROM records r WHERE ?1 = '' OR "
    "r.household IN (SELECT id FROM records WHERE type = 'household' AND "
    "(grid = ?1 OR (grid > ?1 || '.' AND grid < ?1 || '/'))) ORDER BY r.id";
constexpr const char* kFieldsInScope =
    "SELECT f.record_id, f.field, f.value, f.conflict FROM field_values f WHERE ?1 = '' OR "
    "f.record_id IN (SELECT id FROM records WHERE household IN (SELECT id FROM records WHERE "
    "type = 'household' AND (grid = ?1 OR (grid > ?1 || '.' AND grid < ?1 || '/')))) "
    "ORDER BY f.record_id, f.field";
constexpr const char* kHeadsOfField =
    "SELECT op_key, value FROM heads WHERE record_id = ?1 AND field = ?2 ORDER BY op_key";

void put(crypto::Sha256& hash, std::string_view text) {
  uint8_t size[4] = {static_cast<uint8_t>(text.size() >> 24),
                     static_cast<uint8_t>(text.size() >> 16),
                     static_cast<uint8_t>(text.size() >> 8), static_cast<uint8_t>(text.size())};
  hash.update(size, sizeof size);
  hash.update(text);
}

}  // namespace

std::string Store::digest(const std::string& scope_prefix) const {
  if (!scope_prefix.empty()) validate_grid_scope(scope_prefix);
  sqlite::Database& db = *impl_->db;
  // One read transaction, so the three queries see the same state.
  db.exec("BEGIN");
  struct End {
    sqlite::Database& db;
    ~End() { sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr); }
  } end{db};

  crypto::Sha256 hash;
  put(hash, "doorstep state v1");
  put(hash, scope_prefix);
  auto& records = db.cached(kRecordsInScope).bind(1, scope_prefix);
  while (records.step()) {
    put(hash, "R");
    for (int column = 0; column < 5; ++column) put(hash, records.text(column));
  }
  records.reset();

  std::vector<std::pair<std::string, std::string>> conflicted;
  auto& fields = db.cached(kFieldsInScope).bind(1, scope_prefix);
  while (fields.step()) {
    put(hash, "F");
    put(hash, fields.text(0));
    put(hash, fields.text(1));
    put(hash, fields.text(2));
    if (fields.int64(3) != 0) {
      put(hash, "C");
      conflicted.emplace_back(fields.text(0), fields.text(1));
    }
  }
  fields.reset();
  // Every value of an open conflict, in op-key order, after all fields.
  for (const auto& [record, field] : conflicted) {
    auto& heads = db.cached(kHeadsOfField).bind(1, record).bind(2, field);
    put(hash, "H");
    put(hash, record);
    put(hash, field);
    while (heads.step()) {
      put(hash, heads.text(0));
      put(hash, heads.text(1));
    }
    heads.reset();
  }
  return crypto::to_hex(hash.finish());
}

}  // namespace doorstep::store
