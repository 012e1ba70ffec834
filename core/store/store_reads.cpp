// Store: reads from the materialized state, in the JSON shapes of the CLI (docs/schema.md).
#include <algorithm>

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
    "SELECT id, wall, author, level, content FROM visits WHERE household = ?1 "
    "ORDER BY wall, counter, op_key";
constexpr const char* kHeadsWithAuthors =
    "SELECT h.op_key, h.value, h.wall, h.counter, c.author, c.origin FROM heads h "
    "JOIN ops o ON o.key = h.op_key JOIN changes c ON c.id = o.change_id "
    "WHERE h.record_id = ?1 AND h.field = ?2";
constexpr const char* kHouseholdsInScope =
    "SELECT r.id, r.grid, "
    " (SELECT value FROM field_values f WHERE f.record_id = r.id AND f.field = 'head_name'), "
    " (SELECT level FROM visits v WHERE v.household = r.id "
    "  ORDER BY v.wall DESC, v.counter DESC, v.op_key DESC LIMIT 1) AS level "
    "FROM records r WHERE r.type = 'household' AND "
    "(?1 = '' OR r.grid = ?1 OR (r.grid > ?1 || '.' AND r.grid < ?1 || '/')) "
    "AND (?2 = '' OR level = ?2) ORDER BY r.grid, r.id";
constexpr const char* kOpsOfHousehold =
    "SELECT o.key, o.record_type, o.record_id, o.field, o.kind, o.value, o.pred, o.wall, "
    "o.counter, o.form_version, c.author, c.origin FROM ops o JOIN changes c ON c.id = o.change_id "
    "WHERE c.household = ?1 AND (?2 = '' OR o.field = ?2) ORDER BY o.wall, o.counter, o.key";
constexpr const char* kAllConflicts =
    "SELECT f.record_id, f.field, r.type, r.household FROM field_values f "
    "LEFT JOIN records r ON r.id = f.record_id WHERE f.conflict = 1 ORDER BY f.record_id, f.field";

// The values of a conflicted field: the provisional winner first, then by op key.
nlohmann::json conflict_values(sqlite::Database& db, const std::string& record_id,
                               const std::string& field) {
  struct Head {
    sync::HeadValue head;
    std::string author;
    std::string device;
  };
  std::vector<Head> heads;
  auto& select = db.cached(kHeadsWithAuthors).bind(1, record_id).bind(2, field);
  while (select.step()) {
    Head h;
    h.head.op_key = select.text(0);
    h.head.value = select.text(1);
    h.head.time = sync::Hlc{select.int64(2), static_cast<uint32_t>(select.int64(3))};
    h.author = select.text(4);
    h.device = select.text(5);
    heads.push_back(std::move(h));
  }
  select.reset();
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

// fields {name: value} of a record, and its conflicts (listed per the field's rule).
void record_fields(const Store& store, sqlite::Database& db, const std::string& record_id,
                   nlohmann::json& fields, nlohmann::json& conflicts) {
  std::vector<std::string> conflicted;
  auto& select = db.cached(kFieldsOfRecord).bind(1, record_id);
  while (select.step()) {
    std::string field = select.text(0);
    fields[field] = parse_value(select.text(1));
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
  record_fields(*this, db, id, fields, conflicts);

  std::vector<std::string> member_ids;
  auto& members_query = db.cached(kMembersOfHousehold).bind(1, id);
  while (members_query.step()) member_ids.push_back(members_query.text(0));
  members_query.reset();
  nlohmann::json members = nlohmann::json::array();
  for (const auto& member_id : member_ids) {
    nlohmann::json member_fields = nlohmann::json::object();
    record_fields(*this, db, member_id, member_fields, conflicts);
    members.push_back({{"id", member_id}, {"fields", member_fields}});
  }

  nlohmann::json visits = nlohmann::json::array();
  nlohmann::json risk = {{"level", nullptr}, {"rules", nlohmann::json::array()}};
  auto& visits_query = db.cached(kVisitsOfHousehold).bind(1, id);
  while (visits_query.step()) {
    std::string level = visits_query.text(3);
    visits.push_back({{"id", visits_query.text(0)},
                      {"time", sync::to_iso8601(visits_query.int64(1))},
                      {"author", visits_query.text(2)},
                      {"level", level.empty() ? nlohmann::json() : nlohmann::json(level)}});
    nlohmann::json content = parse_value(visits_query.text(4));
    if (content.contains("risk") && content["risk"].is_object()) {
      risk = content["risk"];
      if (!risk.contains("level")) risk["level"] = nullptr;
      if (!risk.contains("rules")) risk["rules"] = nlohmann::json::array();
    }
  }
  visits_query.reset();
  return {{"id", id},     {"grid", row->grid},      {"fields", fields}, {"members", members},
          {"risk", risk}, {"conflicts", conflicts}, {"visits", visits}};
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
  nlohmann::json ops = nlohmann::json::array();
  auto& select = impl_->db->cached(kOpsOfHousehold).bind(1, id).bind(2, field);
  while (select.step()) {
    nlohmann::json entry = {{"op", select.text(0)},
                            {"type", select.text(1)},
                            {"record", select.text(2)},
                            {"field", select.text(3)},
                            {"kind", sync::to_string(static_cast<sync::OpKind>(select.int64(4)))},
                            {"value", parse_value(select.text(5))},
                            {"supersedes", split_keys(select.text(6))},
                            {"time", sync::to_iso8601(select.int64(7))},
                            {"hlc", {select.int64(7), select.int64(8)}},
                            {"form", select.text(9)},
                            {"author", select.text(10)},
                            {"device", select.text(11)}};
    ops.push_back(std::move(entry));
  }
  select.reset();
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
