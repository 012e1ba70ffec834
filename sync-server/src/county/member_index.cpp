// MemberIndex: a temporary SQLite table of (normalised ID number, member, household).
#include "county/member_index.h"

#include "core/forms/chinese_id.h"
#include "core/store/sqlite.h"

namespace doorstep::server {
namespace {

// The table is indexed once it is filled: one sort instead of a B-tree insert per member.
constexpr const char* kSchema =
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384;"
    "CREATE TABLE members (id_number TEXT NOT NULL, member TEXT NOT NULL, "
    "household TEXT NOT NULL);";
constexpr const char* kIndex = "CREATE INDEX members_by_number ON members (id_number);";
constexpr const char* kInsert =
    "INSERT INTO members (id_number, member, household) VALUES (?1, ?2, ?3)";
constexpr const char* kFind =
    "SELECT member, household FROM members WHERE id_number = ?1 ORDER BY member LIMIT ?2";

}  // namespace

struct MemberIndex::Impl {
  // "": SQLite's private temporary database on disk, deleted when it is closed.
  sqlite::Database db{"", true};
};

MemberIndex::MemberIndex(const store::Store& store) : impl_(std::make_unique<Impl>()) {
  sqlite::Database& db = impl_->db;
  db.exec(kSchema);
  sqlite::Transaction transaction(db);
  store.scan_member_ids([&](const store::MemberIdNumber& row) {
    forms::ResidentIdCheck check = forms::normalize_resident_id(row.id_number);
    if (!check.valid) {
      ++unusable_;
      return;
    }
    db.cached(kInsert).bind(1, check.normalized).bind(2, row.member).bind(3, row.household).run();
    ++members_;
  });
  db.exec(kIndex);
  transaction.commit();
}

MemberIndex::~MemberIndex() = default;

std::vector<IndexedMember> MemberIndex::find(const std::string& normalized, size_t limit) const {
  std::vector<IndexedMember> out;
  auto& select = impl_->db.cached(kFind).bind(1, normalized).bind(2, static_cast<int64_t>(limit));
  while (select.step()) out.push_back({select.text(0), select.text(1)});
  select.reset();
  return out;
}

}  // namespace doorstep::server
