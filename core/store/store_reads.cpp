// Store: reads from the materialized state, in the JSON shapes of the CLI (docs/schema.md).
#include <algorithm>
#include <tuple>

#include "core/common/error.h"
#include "core/store/grid_path.h"
#include "core/store/op_log.h"
#include "core/store/store_impl.h"

namespace doorstep::store {
namespace {

constexpr const char* kFieldsOfRecord =
    "SELECT field, value, conflict FROM field_values WHERE record_id = ?1 ORDER BY field";
constexpr const char* kMembersOfHousehold =
    "SELECT id FROM records WHERE household = ?1 AND type = 'member' ORDER BY op_key";
constexpr const char* kVisitsOfHousehold =
    "SELECT id, wall, author, level FROM visits WHERE household = ?1 "
    "ORDER BY wall, counter, op_key";
constexpr const char* kAuthorOfChange = "SELECT author FROM changes WHERE origin = ?1 AND seq = ?2";
constexpr const char* kHouseholdsInScope =
    "SELECT r.id, r.grid, "
    " (SELECT value FROM field_values f WHERE f.record_id = r.id AND f.field = 'head_name'), "
    " (SELECT level FROM household_risk h WHERE h.household = r.id) AS level "
    "FROM records r WHERE r.type = 'household' AND "
    "(?1 = '' OR r.grid = ?1 OR (r.grid > ?1 || '.' AND r.grid < ?1 || '/')) "
    "AND (?2 = '' OR level = ?2) ORDER BY r.grid, r.id";
constexpr const char* kChangesOfHousehold =
    "SELECT body, author, origin FROM changes WHERE household = ?1";
// Only conflicts of records this replica holds: a relay may deliver edits of a record before
// the change that creates it, and a conflict on a record not held yet cannot be resolved here
// (a resolve names the record's household and grid). It is listed once the create arrives.
constexpr const char* kAllConflicts =
    "SELECT f.record_id, f.field, r.type, r.household FROM field_values f "
    "JOIN records r ON r.id = f.record_id WHERE f.conflict = 1 ORDER BY f.record_id, f.field";

// The values of a conflicted field: the provisional winner first, then by op key.
nlohmann::json conflict_values(sqlite::Database& db, const std::string& record_id,
                               const std::string& field) {
  struct Head {
    sync::HeadValue head;
    std::string author;
    std::string device;
  };
  std::vector<Head> heads;
  for (auto& head : field_heads(db, record_id, field)) {
    Head h;
    h.head = std::move(head);
    // The op key names its change (origin.seq.index); the change names its author.
    sync::OpId id = sync::OpId::parse(h.head.op_key);
    auto& author =
        db.cached(kAuthorOfChange).bind(1, id.origin).bind(2, static_cast<int64_t>(id.seq));
    if (author.step()) h.author = author.text(0);
    author.reset();
    h.device = id.origin;
    heads.push_back(std::move(h));
  }
  std::vector<sync::HeadValue> plain;
  for (const auto& h : heads) plain.push_back(h.head);
  size_t winner = plain.empty() ? 0 : sync::provisional_winner(plain);
  std::string winner_key = plain.empty() ? "" : plain[winner].op_key;
  std::sort(heads.begin(), heads.end(), [&](const Head& a, const Head& b) {
    bool aw = a.head.op_key == winner_key, bw = b.head.op_key == winner_key;
    if (aw != bw) return aw;
    return a.head.op_key < b.head.op_key;
  });
  nlohmann::json values = nlohmann::json::array();
  for (const auto& h : heads)
    values.push_back({{"value", parse_value(h.head.value)},
                      {"author", h.author},
                      {"device", h.device},
                      {"time", sync::to_iso8601(h.head.time.wall_ms)},
                      {"op", h.head.op_key}});
  return values;
}

// fields {name: value} of a record, and its conflicts (listed per the field's rule). A
// household's grid field (its moves) is shown as its "grid", not among its fields.
void record_fields(const Store& store, sqlite::Database& db, const std::string& record_id,
                   nlohmann::json& fields, nlohmann::json& conflicts, bool household = false) {
  std::vector<std::string> conflicted;
  auto& select = db.cached(kFieldsOfRecord).bind(1, record_id);
  while (select.step()) {
    std::string field = select.text(0);
    if (!household || field != sync::kGridField) fields[field] = parse_value(select.text(1));
    if (select.int64(2) != 0) conflicted.push_back(field);
  }
  select.reset();
  for (const auto& field : conflicted) {
    if (store.merge_rule(field) != sync::FieldRule::Review) continue;
    conflicts.push_back({{"record", record_id},
                         {"field", field},
                         {"values", conflict_values(db, record_id, field)}});
  }
}

}  // namespace

nlohmann::json Store::household(const std::string& id) const {
  auto row = impl_->find_record(id);
  if (!row || row->type != "household")
    throw Error(ErrorCode::NotFound, "unknown household '" + id + "'");
  sqlite::Database& db = *impl_->db;
  nlohmann::json fields = nlohmann::json::object();
  nlohmann::json conflicts = nlohmann::json::array();
  record_fields(*this, db, id, fields, conflicts, true);

  std::vector<std::string> member_ids;
  auto& members_query = db.cached(kMembersOfHousehold).bind(1, id);
  while (members_query.step()) member_ids.push_back(members_query.text(0));
  members_query.reset();
  nlohmann::json members = nlohmann::json::array();
  nlohmann::json former = nlohmann::json::array();
  for (const auto& member_id : member_ids) {
    nlohmann::json member_fields = nlohmann::json::object();
    record_fields(*this, db, member_id, member_fields, conflicts);
    // A member leaves only by a departure op; it stays readable among the former members.
    bool departed = member_fields.contains("departure");
    (departed ? former : members).push_back({{"id", member_id}, {"fields", member_fields}});
  }

  // The household's risk is that of its merged state (Store::reclassify); each visit keeps
  // the level the visitor was shown.
  nlohmann::json visits = nlohmann::json::array();
  auto& visits_query = db.cached(kVisitsOfHousehold).bind(1, id);
  while (visits_query.step()) {
    std::string level = visits_query.text(3);
    visits.push_back({{"id", visits_query.text(0)},
                      {"time", sync::to_iso8601(visits_query.int64(1))},
                      {"author", visits_query.text(2)},
                      {"level", level.empty() ? nlohmann::json() : nlohmann::json(level)}});
  }
  visits_query.reset();
  nlohmann::json risk = household_risk(id);
  if (!risk.is_object())
    risk = {{"level", nullptr}, {"monitoring_type", nullptr}, {"rules", nlohmann::json::array()}};
  nlohmann::json out = {{"id", id},           {"grid", row->grid}, {"fields", fields},
                        {"members", members}, {"risk", risk},      {"conflicts", conflicts},
                        {"visits", visits}};
  if (!former.empty()) out["former_members"] = std::move(former);
  return out;
}

nlohmann::json Store::households(const std::string& grid_prefix, const std::string& level) const {
  if (!grid_prefix.empty()) validate_grid_scope(grid_prefix);
  if (!level.empty() && level != "red" && level != "yellow" && level != "green")
    throw Error(ErrorCode::InvalidArgument,
                "--level '" + level + "' is not one of red, yellow, green");
  nlohmann::json list = nlohmann::json::array();
  auto& select = impl_->db->cached(kHouseholdsInScope).bind(1, grid_prefix).bind(2, level);
  while (select.step()) {
    nlohmann::json head_name = select.is_null(2) ? nlohmann::json() : parse_value(select.text(2));
    list.push_back(
        {{"id", select.text(0)},
         {"head_name", head_name},
         {"grid", select.text(1)},
         {"level", select.is_null(3) ? nlohmann::json() : nlohmann::json(select.text(3))}});
  }
  select.reset();
  return list;
}

nlohmann::json Store::history(const std::string& id, const std::string& field) const {
  auto row = impl_->find_record(id);
  if (!row || row->type != "household")
    throw Error(ErrorCode::NotFound, "unknown household '" + id + "'");
  if (!field.empty() && !sync::is_valid_field_name(field))
    throw Error(ErrorCode::InvalidArgument, "--field '" + field + "' is not a valid field name");
  // Every op is in its change's signed body: decode the household's changes.
  struct Entry {
    sync::Hlc time;
    std::string key;
    nlohmann::json json;
  };
  std::vector<Entry> entries;
  auto& select = impl_->db->cached(kChangesOfHousehold).bind(1, id);
  while (select.step()) {
    sync::Change change = sync::decode_change(select.blob(0));
    std::string author = select.text(1), device = select.text(2);
    for (size_t i = 0; i < change.ops.size(); ++i) {
      const sync::Op& op = change.ops[i];
      if (!field.empty() && op.field != field) continue;
      std::string key = change.op_id(i).key();
      nlohmann::json supersedes = nlohmann::json::array();
      for (const auto& pred : op.pred) supersedes.push_back(pred.key());
      entries.push_back({op.time,
                         key,
                         {{"op", key},
                          {"type", op.record_type},
                          {"record", op.record_id},
                          {"field", op.field},
                          {"kind", sync::to_string(op.kind)},
                          {"value", parse_value(op.value)},
                          {"supersedes", std::move(supersedes)},
                          {"time", sync::to_iso8601(op.time.wall_ms)},
                          {"hlc", {op.time.wall_ms, op.time.counter}},
                          {"form", op.form_version},
                          {"author", author},
                          {"device", device}}});
    }
  }
  select.reset();
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.time.wall_ms, a.time.counter, a.key) <
           std::tie(b.time.wall_ms, b.time.counter, b.key);
  });
  nlohmann::json ops = nlohmann::json::array();
  for (auto& entry : entries) ops.push_back(std::move(entry.json));
  return ops;
}

nlohmann::json Store::conflicts() const {
  struct Row {
    std::string record, field, type, household;
  };
  std::vector<Row> rows;
  auto& select = impl_->db->cached(kAllConflicts);
  while (select.step())
    rows.push_back({select.text(0), select.text(1), select.text(2), select.text(3)});
  select.reset();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& row : rows) {
    if (merge_rule(row.field) != sync::FieldRule::Review) continue;
    list.push_back({{"record", row.record},
                    {"type", row.type},
                    {"household", row.household},
                    {"field", row.field},
                    {"values", conflict_values(*impl_->db, row.record, row.field)}});
  }
  return list;
}

}  // namespace doorstep::store
