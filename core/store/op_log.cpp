#include "core/store/op_log.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/common/error.h"
#include "core/model/visit.h"

namespace doorstep::store {
namespace {

constexpr const char* kFindChange = "SELECT hash FROM changes WHERE origin = ?1 AND seq = ?2";
constexpr const char* kInsertChange =
    "INSERT INTO changes (origin, seq, hash, signature, author, household, grid, body) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kInsertSuperseded =
    "INSERT OR IGNORE INTO superseded (record_id, field, op_key) VALUES (?1, ?2, ?3)";
constexpr const char* kDeleteHead =
    "DELETE FROM heads WHERE record_id = ?1 AND field = ?2 AND op_key = ?3";
// A record's heads, and the op keys superseded in its fields: read once per record a change
// touches (a first survey writes dozens of fields of a new record, which has none).
constexpr const char* kHeadsOfRecord =
    "SELECT field, op_key, value, wall, counter FROM heads WHERE record_id = ?1";
constexpr const char* kSupersededOfRecord =
    "SELECT field, op_key FROM superseded WHERE record_id = ?1";
constexpr const char* kInsertHead =
    "INSERT INTO heads (record_id, field, op_key, value, wall, counter) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kSelectHeads =
    "SELECT op_key, value, wall, counter FROM heads WHERE record_id = ?1 AND field = ?2 "
    "ORDER BY op_key";
constexpr const char* kUpsertValue =
    "INSERT INTO field_values (record_id, field, value, op_key, conflict) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (record_id, field) DO UPDATE SET "
    "value = excluded.value, op_key = excluded.op_key, conflict = excluded.conflict";
constexpr const char* kDeleteValue = "DELETE FROM field_values WHERE record_id = ?1 AND field = ?2";
// A household is created once: a second create of its id is refused before it gets here
// (append_change), so it can never move a household or rewrite its grid.
constexpr const char* kInsertHousehold =
    "INSERT INTO records (id, type, household, grid, op_key) VALUES (?1, 'household', ?1, ?2, ?3) "
    "ON CONFLICT (id) DO NOTHING";
constexpr const char* kHouseholdGrids = "SELECT grid FROM household_grids WHERE household = ?1";
constexpr const char* kInsertHouseholdGrid =
    "INSERT OR IGNORE INTO household_grids (household, grid) VALUES (?1, ?2)";
constexpr const char* kCurrentGrid =
    "SELECT value FROM field_values WHERE record_id = ?1 AND field = 'grid'";
constexpr const char* kSetHouseholdGrid =
    "UPDATE records SET grid = ?2 WHERE id = ?1 AND type = 'household'";
// The changes held for a household at a grid, in log order (changes_by_household).
constexpr const char* kHeldAtGrid =
    "SELECT id, body FROM changes WHERE household = ?1 AND grid = ?2 AND id != ?3 ORDER BY id";
// Two creates of one record of a household (a member, a visit) cannot come from honest
// devices (ids are random); if they do, the smaller op key wins everywhere so replicas still
// agree. Either way the record stays in its household, whose id its own id begins with.
constexpr const char* kUpsertRecord =
    "INSERT INTO records (id, type, household, grid, op_key) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (id) DO UPDATE SET type = excluded.type, household = excluded.household, "
    "grid = excluded.grid, op_key = excluded.op_key WHERE excluded.op_key < records.op_key";
constexpr const char* kUpsertVisit =
    "INSERT INTO visits (id, household, op_key, wall, counter, author, form_id, form_version, "
    "level, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (id) DO UPDATE SET household = excluded.household, op_key = excluded.op_key, "
    "wall = excluded.wall, counter = excluded.counter, author = excluded.author, "
    "form_id = excluded.form_id, form_version = excluded.form_version, level = excluded.level, "
    "content = excluded.content WHERE excluded.op_key < visits.op_key";

std::string string_member(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Adds `grid` to the grids `household` has lived at; true if it was not one yet.
bool add_household_grid(sqlite::Database& db, const std::string& household,
                        const std::string& grid) {
  db.cached(kInsertHouseholdGrid).bind_static(1, household).bind_static(2, grid).run();
  return db.changes() > 0;
}

void apply_create(sqlite::Database& db, const sync::Change& change, const sync::Op& op,
                  const std::string& key, std::vector<std::string>& new_grids) {
  if (op.record_type == "household") {
    db.cached(kInsertHousehold)
        .bind_static(1, op.record_id)
        .bind_static(2, change.grid)
        .bind_static(3, key)
        .run();
    if (add_household_grid(db, op.record_id, change.grid)) new_grids.push_back(change.grid);
    return;
  }
  db.cached(kUpsertRecord)
      .bind(1, op.record_id)
      .bind_static(2, op.record_type)
      .bind_static(3, change.household)
      .bind_static(4, change.grid)
      .bind_static(5, key)
      .run();
  if (op.record_type != "visit") return;
  model::Visit visit;
  try {
    visit = model::Visit::from_json(nlohmann::json::parse(op.value));
  } catch (const Error&) {
    // A visit an older version wrote with odd members still counts as a visit; its form and
    // level are read as far as they are strings.
    nlohmann::json content = nlohmann::json::parse(op.value);
    visit.form = string_member(content, "form");
    visit.form_version = string_member(content, "form_version");
  }
  db.cached(kUpsertVisit)
      .bind(1, op.record_id)
      .bind(2, change.household)
      .bind(3, key)
      .bind(4, op.time.wall_ms)
      .bind(5, static_cast<int64_t>(op.time.counter))
      .bind(6, change.author)
      .bind(7, visit.form)
      .bind(8, visit.form_version)
      .bind(9, visit.level())
      .bind_static(10, op.value)
      .run();
}

// Writes the field's current value from its heads (or removes it when none is left).
void write_value(sqlite::Database& db, const std::string& record_id, const std::string& field,
                 const std::vector<sync::HeadValue>& heads) {
  if (heads.empty()) {
    db.cached(kDeleteValue).bind(1, record_id).bind(2, field).run();
    return;
  }
  const sync::HeadValue& winner = heads[sync::provisional_winner(heads)];
  db.cached(kUpsertValue)
      .bind_static(1, record_id)
      .bind_static(2, field)
      .bind_static(3, winner.value)
      .bind_static(4, winner.op_key)
      .bind(5, int64_t{sync::has_conflict(heads) ? 1 : 0})
      .run();
}

// What the database holds of one record's fields, read when a change first touches the
// record. A change has one op per (record, field) and its preds are older than itself, so
// what one op writes never changes what another op of the same change reads.
struct RecordFields {
  std::map<std::string, std::vector<sync::HeadValue>> heads;  // field -> heads
  std::set<std::pair<std::string, std::string>> superseded;   // (field, op key)
};

RecordFields read_record_fields(sqlite::Database& db, const std::string& record_id) {
  RecordFields record;
  auto& heads = db.cached(kHeadsOfRecord).bind_static(1, record_id);
  while (heads.step())
    record.heads[heads.text(0)].push_back(
        {heads.text(1), heads.text(2),
         sync::Hlc{heads.int64(3), static_cast<uint32_t>(heads.int64(4))}});
  heads.reset();
  auto& superseded = db.cached(kSupersededOfRecord).bind_static(1, record_id);
  while (superseded.step()) record.superseded.emplace(superseded.text(0), superseded.text(1));
  superseded.reset();
  return record;
}

// Folds a field op into heads and field_values: the new heads (the held ones minus the
// preds, plus this op unless a later op already superseded it) are computed here, and the
// value is written only if the heads changed.
void apply_field_op(sqlite::Database& db, const sync::Op& op, const std::string& key,
                    const RecordFields& record) {
  std::vector<sync::HeadValue> heads;
  if (auto it = record.heads.find(op.field); it != record.heads.end()) heads = it->second;
  bool is_superseded = record.superseded.count({op.field, key}) != 0;
  bool changed = false;
  for (const sync::OpId& pred : op.pred) {
    std::string pred_key = pred.key();
    db.cached(kInsertSuperseded)
        .bind_static(1, op.record_id)
        .bind_static(2, op.field)
        .bind_static(3, pred_key)
        .run();
    auto held = std::find_if(heads.begin(), heads.end(),
                             [&](const sync::HeadValue& h) { return h.op_key == pred_key; });
    if (held == heads.end()) continue;
    db.cached(kDeleteHead)
        .bind_static(1, op.record_id)
        .bind_static(2, op.field)
        .bind_static(3, pred_key)
        .run();
    heads.erase(held);
    changed = true;
  }
  if (!is_superseded) {
    db.cached(kInsertHead)
        .bind_static(1, op.record_id)
        .bind_static(2, op.field)
        .bind_static(3, key)
        .bind_static(4, op.value)
        .bind(5, op.time.wall_ms)
        .bind(6, static_cast<int64_t>(op.time.counter))
        .run();
    heads.push_back({key, op.value, op.time});
    changed = true;
  }
  if (!changed) return;
  std::sort(heads.begin(), heads.end(),
            [](const sync::HeadValue& a, const sync::HeadValue& b) { return a.op_key < b.op_key; });
  write_value(db, op.record_id, op.field, heads);
}

}  // namespace

std::string join_keys(const std::vector<sync::OpId>& ids) {
  std::string text;
  for (const auto& id : ids) {
    if (!text.empty()) text.push_back(' ');
    text += id.key();
  }
  return text;
}

std::vector<std::string> split_keys(const std::string& text) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) keys.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return keys;
}

std::string held_change_hash(sqlite::Database& db, const std::string& origin, uint64_t seq) {
  auto& find = db.cached(kFindChange).bind(1, origin).bind(2, static_cast<int64_t>(seq));
  std::string hash = find.step() ? find.blob(0) : std::string();
  find.reset();
  return hash;
}

std::vector<sync::HeadValue> field_heads(sqlite::Database& db, const std::string& record_id,
                                         const std::string& field) {
  auto& select = db.cached(kSelectHeads).bind(1, record_id).bind(2, field);
  std::vector<sync::HeadValue> heads;
  while (select.step())
    heads.push_back({select.text(0), select.text(1),
                     sync::Hlc{select.int64(2), static_cast<uint32_t>(select.int64(3))}});
  select.reset();
  return heads;
}

std::vector<sync::OpId> head_ids(sqlite::Database& db, const std::string& record_id,
                                 const std::string& field) {
  std::vector<sync::OpId> ids;
  for (const auto& head : field_heads(db, record_id, field))
    ids.push_back(sync::OpId::parse(head.op_key));
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {

// The grid a move op (or the resolve of concurrent moves) names.
std::string move_target(const sync::Op& op) {
  return nlohmann::json::parse(op.value).at("grid").get<std::string>();
}

// The household's grid is its create's until a move: then the provisional winner of its grid
// field (concurrent moves are a conflict like any other field's).
void update_household_grid(sqlite::Database& db, const std::string& household) {
  auto& select = db.cached(kCurrentGrid).bind_static(1, household);
  std::optional<std::string> value;
  if (select.step()) value = select.text(0);
  select.reset();
  if (!value) return;
  std::string grid = nlohmann::json::parse(*value).at("grid").get<std::string>();
  db.cached(kSetHouseholdGrid).bind_static(1, household).bind_static(2, grid).run();
}

// Folds the ops of a held change into the materialized state. Grids the household gains
// (by its create or a move) are appended to `new_grids`.
void fold_change(sqlite::Database& db, const sync::Change& change,
                 std::vector<std::string>& new_grids) {
  std::map<std::string, RecordFields> records;
  bool moved = false;
  for (size_t i = 0; i < change.ops.size(); ++i) {
    const sync::Op& op = change.ops[i];
    std::string key = change.op_id(i).key();
    if (op.kind == sync::OpKind::Create) {
      apply_create(db, change, op, key, new_grids);
      continue;
    }
    auto record = records.find(op.record_id);
    if (record == records.end())
      record = records.emplace(op.record_id, read_record_fields(db, op.record_id)).first;
    apply_field_op(db, op, key, record->second);
    if (op.record_type == "household" && op.field == sync::kGridField) {
      std::string target = move_target(op);
      if (add_household_grid(db, op.record_id, target)) new_grids.push_back(target);
      moved = true;
    }
  }
  if (moved) update_household_grid(db, change.household);
}

// Folds the changes held for `household` that were waiting for one of `grids` (they stated a
// grid the household had not lived at when they arrived, or arrived before its create), and
// those waiting for grids these bring (a held move). `skip` is the change folded just now.
void fold_waiting(sqlite::Database& db, const std::string& household,
                  std::vector<std::string> grids, int64_t skip) {
  while (!grids.empty()) {
    std::string grid = std::move(grids.back());
    grids.pop_back();
    std::vector<std::string> bodies;
    auto& select = db.cached(kHeldAtGrid).bind_static(1, household).bind(2, grid).bind(3, skip);
    while (select.step()) bodies.push_back(select.blob(1));
    select.reset();
    for (const auto& body : bodies) fold_change(db, sync::decode_change(body), grids);
  }
}

std::vector<std::string> household_grids(sqlite::Database& db, const std::string& household) {
  std::vector<std::string> grids;
  auto& select = db.cached(kHouseholdGrids).bind_static(1, household);
  while (select.step()) grids.push_back(select.text(0));
  select.reset();
  return grids;
}

std::string change_name(const sync::Change& change) {
  return "change " + change.origin + "." + std::to_string(change.seq);
}

}  // namespace

AppendResult append_change(sqlite::Database& db, const sync::SignedChange& signed_change,
                           const std::string& canonical, const crypto::Digest& hash) {
  const sync::Change& change = signed_change.change;
  auto& find =
      db.cached(kFindChange).bind(1, change.origin).bind(2, static_cast<int64_t>(change.seq));
  if (find.step()) {
    std::string held = find.blob(0);
    find.reset();
    if (held.size() == hash.size() && std::memcmp(hash.data(), held.data(), hash.size()) == 0)
      return AppendResult::Duplicate;
    throw Error(ErrorCode::Conflict, "change " + change.origin + "." + std::to_string(change.seq) +
                                         ": this origin seq is already held with different "
                                         "content (a device reused a sequence number)");
  }
  find.reset();
  // Scope comes from the record, never from the claim: a change of a household this replica
  // holds must state a grid the household has lived at, and may not create it again.
  bool effective = true;
  if (!change.household.empty()) {
    bool creates = std::any_of(change.ops.begin(), change.ops.end(), [&](const sync::Op& op) {
      return op.kind == sync::OpKind::Create && op.record_id == change.household;
    });
    std::vector<std::string> grids = household_grids(db, change.household);
    if (!grids.empty()) {
      if (std::find(grids.begin(), grids.end(), change.grid) == grids.end()) {
        std::string held;  // every grid it lived at: after a move, the old grids too
        for (const auto& g : grids) held += (held.empty() ? "" : " or ") + g;
        throw Error(ErrorCode::OutOfScope, change_name(change) + ": household " + change.household +
                                               " lives at grid " + held + ", not at grid " +
                                               change.grid + " as the change states");
      }
      if (creates)
        throw Error(ErrorCode::Conflict, change_name(change) + ": household " + change.household +
                                             " already exists; a second create of its id is "
                                             "refused (it would never move a household)");
    }
    // Before the household's create arrives (a relay may deliver its edits first), a change
    // is held in the log and folded once the household is known at the grid it states.
    effective = creates || !grids.empty();
  }
  db.cached(kInsertChange)
      .bind_static(1, change.origin)
      .bind(2, static_cast<int64_t>(change.seq))
      .bind_blob(3, hash.data(), hash.size())
      .bind_blob(4, signed_change.signature.data(), signed_change.signature.size())
      .bind_static(5, change.author)
      .bind_static(6, change.household)
      .bind_static(7, change.grid)
      .bind_blob(8, canonical.data(), canonical.size())
      .run();
  if (!effective) return AppendResult::Applied;
  int64_t id = db.last_insert_rowid();
  std::vector<std::string> new_grids;
  fold_change(db, change, new_grids);
  if (!new_grids.empty()) fold_waiting(db, change.household, std::move(new_grids), id);
  return AppendResult::Applied;
}

}  // namespace doorstep::store
