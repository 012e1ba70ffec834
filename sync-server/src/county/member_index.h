// MemberIndex: every current member of the county by normalised ID number, built once per
// import from the county store (Store::scan_member_ids, off the ID-number index of store
// migration 9) so that each row of a department's file is one indexed look-up.
//
// Numbers are compared normalised (forms::normalize_resident_id): a member recorded with a
// 15-digit number, a lowercase x or spaces matches the department's 18-character number. A
// member whose recorded number is not a valid one cannot match and is counted. The index is
// a private temporary SQLite database (deleted when the index is destroyed), so memory stays
// that of its page cache whatever the county's size.
//
// Ownership: owns its temporary database; borrows nothing after construction. Thread-safety:
// one thread at a time. Failure: doorstep::Error (SQLite domain) if the temporary database
// cannot be written.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/store/store.h"

namespace doorstep::server {

struct IndexedMember {
  std::string member;
  std::string household;
};

class MemberIndex {
 public:
  explicit MemberIndex(const store::Store& store);
  ~MemberIndex();
  MemberIndex(const MemberIndex&) = delete;
  MemberIndex& operator=(const MemberIndex&) = delete;

  // The members holding `normalized` (an 18-character number), at most `limit` of them: none,
  // one, or more (an ambiguous number).
  std::vector<IndexedMember> find(const std::string& normalized, size_t limit = 8) const;

  size_t members() const { return members_; }    // members indexed
  size_t unusable() const { return unusable_; }  // members whose number is not valid

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t members_ = 0;
  size_t unusable_ = 0;
};

}  // namespace doorstep::server
