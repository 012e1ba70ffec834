// Store: local edits. Each public method builds one change inside commit_local()'s write
// transaction, so what it reads (current values, heads) and what it writes are consistent.
#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/model/visit.h"
#include "core/store/grid_path.h"
#include "core/store/op_log.h"
#include "core/store/store_impl.h"

namespace doorstep::store {
namespace {

constexpr const char* kMemberByIdNumber =
    "SELECT r.id FROM records r JOIN field_values f ON f.record_id = r.id "
    "WHERE r.household = ?1 AND r.type = 'member' AND f.field = 'id_number' AND f.value = ?2 "
    "ORDER BY r.op_key LIMIT 1";

constexpr const char* kMembersKey = "members";
constexpr const char* kMemberIdKey = "member_id";
constexpr const char* kIdNumberField = "id_number";

// Checks an object of field -> value given by a caller; `where` names it in errors.
void validate_fields(const nlohmann::json& fields, const std::string& where) {
  if (fields.is_null()) return;
  if (!fields.is_object())
    throw Error(ErrorCode::InvalidArgument, where + " must be a JSON object of field -> value");
  for (const auto& [name, value] : fields.items()) {
    if (!sync::is_valid_field_name(name))
      throw Error(ErrorCode::InvalidArgument,
                  where + ": field name '" + name +
                      "' is not valid (letters, digits and '_', not starting with a digit, "
                      "at most 64)");
    (void)value;
  }
}

void check_scope(const Identity& identity, const std::string& grid) {
  if (!grid_within(grid, identity.scope))
    throw Error(ErrorCode::OutOfScope,
                "grid path '" + grid + "' is outside this device's scope '" + identity.scope + "'");
}

sync::Op create_op(const std::string& type, const std::string& id, const nlohmann::json& value,
                   const std::string& form_version = "") {
  sync::Op op;
  op.kind = sync::OpKind::Create;
  op.record_type = type;
  op.record_id = id;
  op.value = sync::canonical_json(value);
  op.form_version = form_version;
  return op;
}

}  // namespace

// Appends ops for the fields of `fields` whose value differs from the current one. With
// `keep_conflicts`, a value equal to a conflicted field's provisional winner writes nothing
// (a visit that merely shows the current value must not close a conflict silently).
static void diff_fields(Store::Impl& impl, LocalChange& local, const std::string& type,
                        const std::string& record_id, const nlohmann::json& fields,
                        const std::string& form_version, bool keep_conflicts,
                        const std::set<std::string>& skip = {}) {
  if (fields.is_null()) return;
  for (const auto& [name, value] : fields.items()) {
    if (skip.count(name)) continue;
    bool in_conflict = false;
    std::optional<std::string> current = impl.current_value(record_id, name, &in_conflict);
    if (value.is_null() && !current) continue;
    std::string canonical = sync::canonical_json(value);
    if (current && *current == canonical && (keep_conflicts || !in_conflict)) continue;
    sync::Op op;
    op.kind = value.is_null() ? sync::OpKind::Delete : sync::OpKind::Set;
    op.record_type = type;
    op.record_id = record_id;
    op.field = name;
    op.value = canonical;
    op.pred = head_ids(*impl.db, record_id, name);
    op.form_version = form_version;
    local.ops.push_back(std::move(op));
  }
}

std::string Store::add_household(const std::string& grid, const nlohmann::json& fields) {
  validate_grid_path(grid);
  check_scope(impl_->identity, grid);
  validate_fields(fields, "household fields");
  nlohmann::json household_fields = fields;
  nlohmann::json members = nlohmann::json::array();
  if (fields.is_object()) {
    if (auto it = fields.find(kMembersKey); it != fields.end()) {
      if (!it->is_array())
        throw Error(ErrorCode::InvalidArgument,
                    "household fields: members must be an array of member objects");
      members = *it;
      household_fields.erase(kMembersKey);
      for (size_t i = 0; i < members.size(); ++i) {
        std::string where = "household fields: members[" + std::to_string(i) + "]";
        if (!members[i].is_object())
          throw Error(ErrorCode::InvalidArgument, where + " must be an object");
        validate_fields(members[i], where);
      }
    }
  }
  std::string id = new_record_id();
  impl_->commit_local([&](LocalChange& local) {
    local.household = id;
    local.grid = grid;
    local.ops.push_back(create_op("household", id, {{"grid", grid}}));
    diff_fields(*impl_, local, "household", id, household_fields, "", false);
    for (const auto& member : members) {
      std::string member_id = new_record_id(id);
      local.ops.push_back(create_op("member", member_id, {{"household", id}}));
      diff_fields(*impl_, local, "member", member_id, member, "", false);
    }
  });
  return id;
}

std::string Store::add_member(const std::string& household_id, const nlohmann::json& fields) {
  validate_fields(fields, "member fields");
  std::string id = new_record_id(household_id);
  impl_->commit_local([&](LocalChange& local) {
    RecordRow household = impl_->require_record(household_id, "household");
    if (household.type != "household")
      throw Error(ErrorCode::NotFound, "unknown household '" + household_id + "'");
    check_scope(impl_->identity, household.grid);
    local.household = household.id;
    local.grid = household.grid;
    local.ops.push_back(create_op("member", id, {{"household", household.id}}));
    diff_fields(*impl_, local, "member", id, fields, "", false);
  });
  return id;
}

size_t Store::set_fields(const std::string& record_id, const nlohmann::json& fields) {
  validate_fields(fields, "fields");
  size_t written = 0;
  impl_->commit_local([&](LocalChange& local) {
    RecordRow record = impl_->require_record(record_id, "household or member");
    if (record.type != "household" && record.type != "member")
      throw Error(ErrorCode::InvalidArgument,
                  "record '" + record_id + "' is a " + record.type +
                      "; only households and members have editable fields");
    check_scope(impl_->identity, record.grid);
    local.household = record.household;
    local.grid = record.grid;
    diff_fields(*impl_, local, record.type, record.id, fields, "", false);
    written = local.ops.size();
  });
  return written;
}

std::string Store::record_visit(const VisitInput& visit) {
  if (visit.form_id.empty()) throw Error(ErrorCode::InvalidArgument, "visit: the form id is empty");
  if (!visit.answers.is_object())
    throw Error(ErrorCode::InvalidArgument, "visit: the answers must be a JSON object");
  std::string form_version = visit.form_id + "@" + visit.form_version;
  nlohmann::json household_fields = nlohmann::json::object();
  for (const auto& [name, value] : visit.answers.items())
    if (name != kMembersKey) household_fields[name] = value;
  validate_fields(household_fields, "answers");
  nlohmann::json members = nlohmann::json::array();
  if (auto it = visit.answers.find(kMembersKey); it != visit.answers.end() && !it->is_null()) {
    if (!it->is_array())
      throw Error(ErrorCode::InvalidArgument, "answers.members must be an array of member objects");
    members = *it;
    for (size_t i = 0; i < members.size(); ++i) {
      std::string where = "answers.members[" + std::to_string(i) + "]";
      validate_fields(members[i], where);
      if (!members[i].is_object())
        throw Error(ErrorCode::InvalidArgument, where + " must be an object");
      if (members[i].contains(kMemberIdKey) && !members[i][kMemberIdKey].is_string())
        throw Error(ErrorCode::InvalidArgument, where + ".member_id must be a string");
    }
  }
  std::string visit_id = new_record_id(visit.household_id);
  impl_->commit_local([&](LocalChange& local) {
    RecordRow household = impl_->require_record(visit.household_id, "household");
    if (household.type != "household")
      throw Error(ErrorCode::NotFound, "unknown household '" + visit.household_id + "'");
    check_scope(impl_->identity, household.grid);
    local.household = household.id;
    local.grid = household.grid;
    model::Visit content;
    content.household = household.id;
    content.form = visit.form_id;
    content.form_version = visit.form_version;
    content.answers = visit.answers;
    content.risk = visit.risk;
    content.started = visit.started;
    content.ended = visit.ended;
    content.gps = visit.gps;
    local.ops.push_back(create_op("visit", visit_id, content.to_json(), form_version));
    // The visit is what the draft was for: both or neither (drafts.cpp).
    delete_draft(*impl_->db, visit.form_id, household.id);
    diff_fields(*impl_, local, "household", household.id, household_fields, form_version, true);

    std::set<std::string> matched;
    for (size_t i = 0; i < members.size(); ++i) {
      const nlohmann::json& answers = members[i];
      std::string where = "answers.members[" + std::to_string(i) + "]";
      std::string member_id;
      if (auto it = answers.find(kMemberIdKey); it != answers.end()) {
        member_id = it->get<std::string>();
        auto row = impl_->find_record(member_id);
        if (!row || row->type != "member" || row->household != household.id)
          throw Error(ErrorCode::NotFound, where + ".member_id '" + member_id +
                                               "' is not a member of household " + household.id);
      } else if (auto number = answers.find(kIdNumberField);
                 number != answers.end() && !number->is_null()) {
        auto& select = impl_->db->cached(kMemberByIdNumber)
                           .bind(1, household.id)
                           .bind(2, sync::canonical_json(*number));
        if (select.step()) member_id = select.text(0);
        select.reset();
      }
      if (member_id.empty()) {
        member_id = new_record_id(household.id);
        local.ops.push_back(
            create_op("member", member_id, {{"household", household.id}}, form_version));
      } else if (!matched.insert(member_id).second) {
        throw Error(ErrorCode::InvalidArgument,
                    where + " matches member " + member_id + " which an earlier entry matched");
      }
      diff_fields(*impl_, local, "member", member_id, answers, form_version, true, {kMemberIdKey});
    }
    monitor_visit(*impl_, local, household, visit_id, visit);
  });
  return visit_id;
}

void Store::move_household(const std::string& household_id, const std::string& grid,
                           const std::string& reason) {
  validate_grid_path(grid);
  if (reason.empty() || reason.size() > 1000)
    throw Error(ErrorCode::InvalidArgument, "--reason must be 1 to 1000 bytes of text");
  nlohmann::json value = {{"grid", grid}, {"reason", reason}};
  try {
    sync::canonical_json(value);
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::InvalidArgument, "--reason is not valid UTF-8 text");
  }
  impl_->commit_local([&](LocalChange& local) {
    RecordRow household = impl_->require_record(household_id, "household");
    if (household.type != "household")
      throw Error(ErrorCode::NotFound, "unknown household '" + household_id + "'");
    check_scope(impl_->identity, household.grid);
    check_scope(impl_->identity, grid);
    if (household.grid == grid)
      throw Error(ErrorCode::InvalidArgument,
                  "household " + household_id + " is at grid " + grid + " already");
    local.household = household.id;
    local.grid = household.grid;
    sync::Op op;
    op.kind = sync::OpKind::Move;
    op.record_type = "household";
    op.record_id = household.id;
    op.field = sync::kGridField;
    op.value = sync::canonical_json(value);
    op.pred = head_ids(*impl_->db, household.id, sync::kGridField);
    local.ops.push_back(std::move(op));
  });
}

void Store::resolve(const std::string& record_id, const std::string& field,
                    const nlohmann::json& value) {
  if (!sync::is_valid_field_name(field))
    throw Error(ErrorCode::InvalidArgument, "field name '" + field + "' is not valid");
  impl_->commit_local([&](LocalChange& local) {
    RecordRow record = impl_->require_record(record_id, "record");
    check_scope(impl_->identity, record.grid);
    std::vector<sync::HeadValue> heads = field_heads(*impl_->db, record_id, field);
    if (!sync::has_conflict(heads))
      throw Error(ErrorCode::NotFound,
                  "field '" + field + "' of record " + record_id + " has no conflict to resolve");
    sync::MergeRule rule = field_merge_rule(field);
    crypto::DeviceRole role = crypto::parse_role(impl_->identity.role);
    if (!sync::may_resolve(role, rule))
      throw Error(ErrorCode::OutOfScope, "the conflict on field '" + field + "' of record " +
                                             record_id + " may be resolved by a " +
                                             std::string(crypto::role_name(rule.resolver)) +
                                             " or above; this device is a " + impl_->identity.role);
    local.household = record.household;
    local.grid = record.grid;
    sync::Op op;
    op.kind = sync::OpKind::Resolve;
    op.record_type = record.type;
    op.record_id = record_id;
    op.field = field;
    op.value = sync::canonical_json(value);
    op.pred = head_ids(*impl_->db, record_id, field);
    local.ops.push_back(std::move(op));
  });
}

std::string Store::propose(const std::string& record_id, const std::string& field,
                           const nlohmann::json& value, const std::string& note) {
  if (!sync::is_valid_field_name(field))
    throw Error(ErrorCode::InvalidArgument, "field name '" + field + "' is not valid");
  if (note.size() > 1000) throw Error(ErrorCode::InvalidArgument, "--note is over 1000 bytes");
  nlohmann::json fields = {{"record", record_id}, {"field", field}, {"value", value}};
  if (!note.empty()) fields["note"] = note;
  try {
    sync::canonical_json(fields);
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::InvalidArgument, "the value or --note is not valid UTF-8 text");
  }
  std::string id;
  impl_->commit_local([&](LocalChange& local) {
    RecordRow record = impl_->require_record(record_id, "record");
    check_scope(impl_->identity, record.grid);
    if (!sync::has_conflict(field_heads(*impl_->db, record_id, field)))
      throw Error(ErrorCode::NotFound, "field '" + field + "' of record " + record_id +
                                           " has no conflict to propose a value for");
    local.household = record.household;
    local.grid = record.grid;
    id = new_record_id(record.household);
    local.ops.push_back(create_op("proposal", id, {{"household", record.household}}));
    diff_fields(*impl_, local, "proposal", id, fields, "", false);
  });
  return id;
}

}  // namespace doorstep::store
