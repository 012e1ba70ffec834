// The schema's numbered migrations, in one place. Append; never edit a released one.
// docs/schema.md explains every table.
#include "core/store/schema.h"

namespace doorstep::store {

namespace {

// 1: the device, the trust store, the op log and the state materialized from it.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE device (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  device_id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  scope TEXT NOT NULL,
  public_key BLOB NOT NULL,
  private_key_pem TEXT NOT NULL,
  next_seq INTEGER NOT NULL,
  hlc_wall INTEGER NOT NULL,
  hlc_counter INTEGER NOT NULL
);

CREATE TABLE trusted_devices (
  device_id TEXT PRIMARY KEY,
  public_key BLOB NOT NULL,
  name TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE changes (
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  signature BLOB NOT NULL,
  author TEXT NOT NULL,
  household TEXT NOT NULL,
  grid TEXT NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (origin, seq)
);

CREATE TABLE ops (
  key TEXT PRIMARY KEY,
  change_id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  pred TEXT NOT NULL,
  wall INTEGER NOT NULL,
  counter INTEGER NOT NULL,
  form_version TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ops_by_record ON ops (record_id, field);

CREATE TABLE superseded (
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  op_key TEXT NOT NULL,
  PRIMARY KEY (record_id, field, op_key)
) WITHOUT ROWID;

CREATE TABLE heads (
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  op_key TEXT NOT NULL,
  value TEXT NOT NULL,
  wall INTEGER NOT NULL,
  counter INTEGER NOT NULL,
  PRIMARY KEY (record_id, field, op_key)
) WITHOUT ROWID;

CREATE TABLE field_values (
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  op_key TEXT NOT NULL,
  conflict INTEGER NOT NULL,
  PRIMARY KEY (record_id, field)
) WITHOUT ROWID;
CREATE INDEX field_values_conflicts ON field_values (conflict) WHERE conflict = 1;

CREATE TABLE records (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  household TEXT NOT NULL,
  grid TEXT NOT NULL,
  op_key TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX records_by_household ON records (household);
CREATE INDEX records_by_grid ON records (type, grid);

CREATE TABLE visits (
  id TEXT PRIMARY KEY,
  household TEXT NOT NULL,
  op_key TEXT NOT NULL,
  wall INTEGER NOT NULL,
  counter INTEGER NOT NULL,
  author TEXT NOT NULL,
  form_id TEXT NOT NULL,
  form_version TEXT NOT NULL,
  level TEXT NOT NULL,
  content TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX visits_by_household ON visits (household, wall, counter, op_key);
)sql";

// 2: per-field merge rules declared by forms (field -> "review" | "lww").
constexpr const char* kMigration2 = R"sql(
CREATE TABLE merge_rules (
  field TEXT PRIMARY KEY,
  rule TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// 3: history of a household and scoped pulls read changes by household and by grid.
constexpr const char* kMigration3 = R"sql(
CREATE INDEX changes_by_household ON changes (household);
CREATE INDEX changes_by_grid ON changes (grid, id);
)sql";

// 4: a household's members are found by (household, type). With only records_by_household
// and records_by_grid (type, grid), SQLite planned "household = ? AND type = 'member'" on
// records_by_grid and walked every member of the county, so the first visit of a household
// slowed down as the county grew.
constexpr const char* kMigration4 = R"sql(
CREATE INDEX records_by_household_type ON records (household, type);
DROP INDEX records_by_household;
)sql";

// 5: the ops table is gone. Every op is in its change's signed body (changes.body), which the
// reads that need ops (a household's history, who wrote a conflicting value, check) decode;
// the table kept a second and third copy of every value (its row and its index by record)
// and cost two B-tree inserts per op on every ingest.
constexpr const char* kMigration5 = R"sql(
DROP INDEX ops_by_record;
DROP TABLE ops;
)sql";

// 6: the grids each household has lived at: where it was created and every grid a move op
// took it to. A change states its household's grid; it is held only if that grid is one of
// these (never trusted on its word), so a device of one grid cannot edit, or take over by a
// second create, a household of another (docs/merge.md, "Scope comes from the record").
constexpr const char* kMigration6 = R"sql(
CREATE TABLE household_grids (
  household TEXT NOT NULL,
  grid TEXT NOT NULL,
  PRIMARY KEY (household, grid)
) WITHOUT ROWID;
INSERT INTO household_grids (household, grid) SELECT id, grid FROM records WHERE type = 'household';
)sql";

// 7: the record is the truth. household_risk holds each household's risk level as the form's
// rules evaluate its merged current state with the county settings (Store::reclassify), kept
// up to date in the transaction of every change that touches the household (or, for a change
// of the county settings, every household). forms holds the form definitions this replica
// classifies with (from enrollment, or a visit's form), in the order they were installed: the
// last one is the default for a household without visits.
constexpr const char* kMigration7 = R"sql(
CREATE TABLE household_risk (
  household TEXT PRIMARY KEY,
  level TEXT NOT NULL,
  monitoring_type TEXT NOT NULL,
  risk TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX household_risk_by_level ON household_risk (level);
CREATE TABLE forms (
  key TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  installed INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// 8: drafts of form sessions, one per form and household ('' for a draft of no stored
// household yet), saved after every answer so that a killed app loses nothing typed. The
// content is the shell's JSON (answers, position); a visit stored deletes its draft.
constexpr const char* kMigration8 = R"sql(
CREATE TABLE drafts (
  form_id TEXT NOT NULL,
  household TEXT NOT NULL,
  form_version TEXT NOT NULL,
  content TEXT NOT NULL,
  updated INTEGER NOT NULL,
  PRIMARY KEY (form_id, household)
) WITHOUT ROWID;
)sql";

// 9: members by ID number. The county matches department lists (civil affairs, medical
// insurance, education, ...) against every member's id_number; without an index that is a
// scan of every field of every record. Partial, so that only id_number writes pay for it,
// and covering (the value is in the index), so the scan never visits the table.
constexpr const char* kMigration9 = R"sql(
CREATE INDEX field_values_id_numbers ON field_values (value, record_id) WHERE field = 'id_number';
)sql";

// 10: the sync tables join the numbered migrations: the device's sync items (its certificate,
// the county CA, the CRL, the enrollment, the county server), the certificates of other
// devices seen in verified changes, the checkpoints per peer and scope, and the rejected
// changes kept until a person deals with them. core/sync created them on first use before
// (IF NOT EXISTS here, since a database written then holds them already, identical).
constexpr const char* kMigration10 = R"sql(
CREATE TABLE IF NOT EXISTS sync_items (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_certificates (
  device_id TEXT PRIMARY KEY,
  der BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_checkpoints (
  peer TEXT NOT NULL,
  scope TEXT NOT NULL,
  kind TEXT NOT NULL,
  cursor INTEGER NOT NULL,
  PRIMARY KEY (peer, scope, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_rejections (
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  household TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  at TEXT NOT NULL,
  dismissed_at TEXT,
  dismissal TEXT,
  PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all{
      {1, kMigration1}, {2, kMigration2}, {3, kMigration3}, {4, kMigration4}, {5, kMigration5},
      {6, kMigration6}, {7, kMigration7}, {8, kMigration8}, {9, kMigration9}, {10, kMigration10}};
  return all;
}

}  // namespace doorstep::store
