// Store: the members' ID numbers, for the county's matching of department data by ID number
// (docs/monitoring.md, "Department data").
#include "core/store/store_impl.h"

namespace doorstep::store {
namespace {

// Off field_values_id_numbers (migration 9): the id_number rows only, the value read from
// the index. Departed members are not current members.
constexpr const char* kMemberIdNumbers =
    "SELECT v.record_id, r.household, v.value FROM field_values v "
    "JOIN records r ON r.id = v.record_id AND r.type = 'member' "
    "WHERE v.field = 'id_number' AND NOT EXISTS (SELECT 1 FROM field_values d "
    "WHERE d.record_id = v.record_id AND d.field = 'departure')";

}  // namespace

void Store::scan_member_ids(const std::function<void(const MemberIdNumber&)>& each) const {
  // Not a cached statement: a callback that throws must not leave it open (and with it the
  // read transaction).
  sqlite::Statement select(*impl_->db, kMemberIdNumbers);
  MemberIdNumber row;
  while (select.step()) {
    nlohmann::json value = parse_value(select.text(2));
    if (!value.is_string()) continue;
    row.member = select.text(0);
    row.household = select.text(1);
    row.id_number = value.get<std::string>();
    each(row);
  }
}

}  // namespace doorstep::store
