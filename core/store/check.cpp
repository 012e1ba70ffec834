// Store::check: proves the materialized state is the fold of the op log. Every change body
// must hash to its recorded hash and decode (its ops are the log; migration 5 dropped the
// separate ops table); the heads, superseded sets, current values, records, visits and the
// grids households lived at must equal what folding from scratch the ops of every change that
// takes effect gives (a change held for a household stating a grid it never lived at takes
// none); and SQLite's own PRAGMA integrity_check must pass.
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "core/common/error.h"
#include "core/crypto/hash.h"
#include "core/model/visit.h"
#include "core/store/op_log.h"
#include "core/store/store_impl.h"
#include "core/sync/merge.h"

namespace doorstep::store {
namespace {

constexpr const char* kIntegrityCheck = "PRAGMA integrity_check";
constexpr const char* kAllChanges = "SELECT id, origin, seq, hash, body FROM changes ORDER BY id";
constexpr const char* kAllHeads = "SELECT record_id, field, op_key, value FROM heads";
constexpr const char* kAllSuperseded = "SELECT record_id, field, op_key FROM superseded";
constexpr const char* kAllValues =
    "SELECT record_id, field, value, op_key, conflict FROM field_values";
constexpr const char* kAllRecords = "SELECT id, type, household, grid, op_key FROM records";
constexpr const char* kAllVisits = "SELECT id, household, op_key, level FROM visits";
constexpr const char* kAllHouseholdGrids = "SELECT household, grid FROM household_grids";

using Row = std::vector<std::string>;

std::string describe(const Row& row) {
  std::string text;
  for (const auto& part : row) text += (text.empty() ? "" : " | ") + part;
  return text;
}

// Reports rows only in `expected` ("missing") or only in `actual` ("unexpected").
void compare(const char* table, const std::set<Row>& expected, const std::set<Row>& actual,
             std::vector<std::string>& problems) {
  size_t reported = 0;
  for (const auto& row : expected)
    if (!actual.count(row) && reported++ < 20)
      problems.push_back(std::string(table) + ": missing " + describe(row));
  for (const auto& row : actual)
    if (!expected.count(row) && reported++ < 20)
      problems.push_back(std::string(table) + ": unexpected " + describe(row));
}

std::set<Row> read_rows(sqlite::Database& db, const char* sql, int columns) {
  std::set<Row> rows;
  sqlite::Statement select(db, sql);
  while (select.step()) {
    Row row;
    for (int c = 0; c < columns; ++c) row.push_back(select.text(c));
    rows.insert(std::move(row));
  }
  return rows;
}

}  // namespace

std::vector<std::string> Store::check() const {
  sqlite::Database& db = *impl_->db;
  std::vector<std::string> problems;
  {
    sqlite::Statement integrity(db, kIntegrityCheck);
    while (integrity.step())
      if (integrity.text(0) != "ok") problems.push_back("integrity_check: " + integrity.text(0));
  }
  db.exec("BEGIN");
  struct End {
    sqlite::Database& db;
    ~End() { sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr); }
  } end{db};

  // The op log as its signed bodies say, in log order.
  std::vector<sync::Change> log;
  {
    sqlite::Statement changes(db, kAllChanges);
    while (changes.step()) {
      std::string id = changes.text(0);
      std::string body = changes.blob(4);
      std::string hash = changes.blob(3);
      crypto::Digest actual = crypto::sha256(body);
      if (hash.size() != actual.size() ||
          std::memcmp(actual.data(), hash.data(), actual.size()) != 0)
        problems.push_back("change " + changes.text(1) + "." + changes.text(2) +
                           ": body does not match its hash");
      sync::Change change;
      try {
        change = sync::decode_change(body);
      } catch (const Error& e) {
        problems.push_back("change " + changes.text(1) + "." + changes.text(2) + ": " + e.what());
        continue;
      }
      if (change.origin != changes.text(1) || std::to_string(change.seq) != changes.text(2))
        problems.push_back("change row " + id + ": origin/seq differ from its body");
      log.push_back(std::move(change));
    }
  }
  // Which changes take effect: a household's changes once it is created (the first change in
  // the log creating it), those stating a grid it has lived at (its create's, then every
  // grid a move of an effective change names), grown to a fixpoint; county-level ones always.
  std::vector<bool> effective(log.size(), false);
  std::map<std::string, std::set<std::string>> grids;  // household -> grids lived at
  {
    std::map<std::string, std::vector<size_t>> by_household;
    for (size_t c = 0; c < log.size(); ++c) {
      if (log[c].household.empty())
        effective[c] = true;
      else
        by_household[log[c].household].push_back(c);
    }
    for (const auto& [household, indexes] : by_household) {
      std::set<std::string>& lived = grids[household];
      for (size_t c : indexes) {
        bool creates = false;
        for (const auto& op : log[c].ops)
          creates = creates || (op.kind == sync::OpKind::Create && op.record_id == household);
        if (creates) {
          lived.insert(log[c].grid);
          break;
        }
      }
      for (bool grew = !lived.empty(); grew;) {
        grew = false;
        for (size_t c : indexes) {
          if (effective[c] || !lived.count(log[c].grid)) continue;
          effective[c] = true;
          grew = true;
          for (const auto& op : log[c].ops)
            if (op.record_type == "household" && op.field == sync::kGridField)
              lived.insert(parse_value(op.value).at("grid").get<std::string>());
        }
      }
    }
  }

  // The state folded from the effective changes.
  std::set<Row> expected_superseded, expected_heads, expected_values;
  std::map<std::string, Row> expected_records;  // id -> row, smallest creating op key wins
  std::map<std::string, Row> expected_visits;
  std::vector<sync::FieldOp> field_ops;
  for (size_t c = 0; c < log.size(); ++c) {
    if (!effective[c]) continue;
    const sync::Change& change = log[c];
    for (size_t i = 0; i < change.ops.size(); ++i) {
      const sync::Op& op = change.ops[i];
      std::string key = change.op_id(i).key();
      std::string pred = join_keys(op.pred);
      if (op.kind == sync::OpKind::Create) {
        Row record{op.record_id, op.record_type, change.household, change.grid, key};
        auto it = expected_records.find(op.record_id);
        // A household's create is its first; another record's, the smallest op key.
        bool first = it == expected_records.end();
        if (first || (op.record_type != "household" && key < it->second[4]))
          expected_records[op.record_id] = record;
        if (op.record_type == "visit") {
          std::string level;
          try {
            level = model::Visit::from_json(parse_value(op.value)).level();
          } catch (const Error&) {
            // as the op log reads it: a visit with odd members has no level
          }
          auto v = expected_visits.find(op.record_id);
          if (v == expected_visits.end() || key < v->second[2])
            expected_visits[op.record_id] = {op.record_id, change.household, key, level};
        }
        continue;
      }
      for (const auto& p : op.pred) expected_superseded.insert({op.record_id, op.field, p.key()});
      field_ops.push_back({op.record_id, op.field, key, op.value, op.time, split_keys(pred)});
    }
  }
  std::set<Row> expected_grids;
  for (const auto& [household, lived] : grids)
    for (const auto& grid : lived) expected_grids.insert({household, grid});
  for (const auto& [id, state] : sync::fold(field_ops)) {
    for (const auto& head : state.heads)
      expected_heads.insert({id.first, id.second, head.op_key, head.value});
    const auto& winner = state.heads[state.winner];
    expected_values.insert(
        {id.first, id.second, winner.value, winner.op_key, state.conflict ? "1" : "0"});
    // A moved household is at the grid its grid field shows.
    auto household = expected_records.find(id.first);
    if (id.second == sync::kGridField && household != expected_records.end() &&
        household->second[1] == "household")
      household->second[3] = parse_value(winner.value).at("grid").get<std::string>();
  }
  std::set<Row> records, visits;
  for (auto& [id, row] : expected_records) records.insert(row);
  for (auto& [id, row] : expected_visits) visits.insert(row);

  compare("superseded", expected_superseded, read_rows(db, kAllSuperseded, 3), problems);
  compare("heads", expected_heads, read_rows(db, kAllHeads, 4), problems);
  compare("field_values", expected_values, read_rows(db, kAllValues, 5), problems);
  compare("records", records, read_rows(db, kAllRecords, 5), problems);
  compare("visits", visits, read_rows(db, kAllVisits, 4), problems);
  compare("household_grids", expected_grids, read_rows(db, kAllHouseholdGrids, 2), problems);
  // The stored risk of each household is what its merged state classifies as now (with the
  // classifier this process installed; without one there is nothing to compare).
  if (impl_->classifier) {
    nlohmann::json settings = impl_->county_settings();
    std::vector<std::string> households;
    {
      sqlite::Statement select(db, "SELECT id FROM records WHERE type = 'household' ORDER BY id");
      while (select.step()) households.push_back(select.text(0));
    }
    for (const auto& id : households) {
      std::optional<nlohmann::json> expected =
          impl_->classifier(impl_->household_state(id), settings);
      nlohmann::json stored = household_risk(id);
      std::string want = expected ? sync::canonical_json(*expected) : "null";
      std::string have = stored.is_null() ? "null" : sync::canonical_json(stored);
      if (want != have)
        problems.push_back("household_risk of " + id + ": stored " + have.substr(0, 200) +
                           ", its state classifies as " + want.substr(0, 200));
    }
  }
  return problems;
}

}  // namespace doorstep::store
