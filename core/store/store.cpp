// Store: opening and creating the database, the device identity and key, the trust store,
// merge rules, and the one path by which local changes are written.
#include "core/store/store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/common/error.h"
#include "core/crypto/hash.h"
#include "core/store/grid_path.h"
#include "core/store/op_log.h"
#include "core/store/schema.h"
#include "core/store/store_impl.h"

namespace doorstep::store {
namespace {

constexpr const char* kSelectDevice =
    "SELECT device_id, name, role, scope, public_key FROM device WHERE id = 1";
constexpr const char* kInsertDevice =
    "INSERT INTO device (id, device_id, name, role, scope, public_key, private_key_pem, "
    "next_seq, hlc_wall, hlc_counter) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, 1, 0, 0)";
constexpr const char* kSelectPrivateKey = "SELECT private_key_pem FROM device WHERE id = 1";
constexpr const char* kSelectSeqAndClock =
    "SELECT next_seq, hlc_wall, hlc_counter FROM device WHERE id = 1";
constexpr const char* kUpdateSeqAndClock =
    "UPDATE device SET next_seq = ?1, hlc_wall = ?2, hlc_counter = ?3 WHERE id = 1";
constexpr const char* kObserveClock =
    "UPDATE device SET hlc_wall = ?1, hlc_counter = ?2 WHERE id = 1 AND "
    "(hlc_wall < ?1 OR (hlc_wall = ?1 AND hlc_counter < ?2))";
constexpr const char* kUpsertTrusted =
    "INSERT INTO trusted_devices (device_id, public_key, name) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (device_id) DO UPDATE SET public_key = excluded.public_key, name = excluded.name";
constexpr const char* kSelectTrusted =
    "SELECT public_key FROM trusted_devices WHERE device_id = ?1";
constexpr const char* kCountMembers =
    "SELECT count(*) FROM records WHERE household = ?1 AND type = 'member'";
constexpr const char* kDeleteRules = "DELETE FROM merge_rules";
constexpr const char* kInsertRule = "INSERT INTO merge_rules (field, rule) VALUES (?1, ?2)";
constexpr const char* kSelectRule = "SELECT rule FROM merge_rules WHERE field = ?1";
constexpr const char* kSelectAllRules = "SELECT field, rule FROM merge_rules";
constexpr const char* kSelectRecord =
    "SELECT r.id, r.type, r.household, coalesce(h.grid, r.grid), r.op_key FROM records r "
    "LEFT JOIN records h ON h.id = r.household AND h.type = 'household' WHERE r.id = ?1";
constexpr const char* kSetRoleAndScope = "UPDATE device SET role = ?1, scope = ?2 WHERE id = 1";
constexpr const char* kHouseholdOutsideScope =
    "SELECT id, grid FROM records WHERE type = 'household' AND NOT "
    "(grid = ?1 OR (grid > ?1 || '.' AND grid < ?1 || '/')) ORDER BY id LIMIT 1";
constexpr const char* kSelectValue =
    "SELECT value, conflict FROM field_values WHERE record_id = ?1 AND field = ?2";

const char* const kRoles[] = {"grid-worker", "village-leader", "township", "county"};

std::filesystem::path secret_path(const std::filesystem::path& db_path) {
  return db_path.string() + ".secret";
}

std::string create_secret_file(const std::filesystem::path& file) {
  std::string secret = crypto::to_hex(crypto::random_bytes(32));
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw Error(ErrorDomain::Posix, errno,
                "cannot create the key secret file '" + file.string() + "'");
  bool ok = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok)
    throw Error(ErrorDomain::Posix, errno,
                "cannot write the key secret file '" + file.string() + "'");
  return secret;
}

std::string read_secret_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw Error(ErrorCode::Unauthorized, "the device key secret '" + file.string() +
                                             "' is missing; no change can be signed");
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

void configure(sqlite::Database& db, bool durable) {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF");
  db.exec("PRAGMA cache_size = -32768");
  // Each received change is applied inside a savepoint, so that a bad one rolls back alone;
  // SQLite keeps the pages a savepoint may have to restore in a statement journal, a temporary
  // file once past 64 KiB. In memory, that costs a copy instead of writing every touched page
  // to /var/tmp (on a pull of 2,000 households: 195 MB of writes, more than the WAL's 51 MB).
  db.exec("PRAGMA temp_store = MEMORY");
}

Identity load_identity(sqlite::Database& db) {
  auto& select = db.cached(kSelectDevice);
  if (!select.step())
    throw Error(ErrorCode::Corrupt, "database '" + db.path() + "' has no device identity");
  Identity id;
  id.device_id = select.text(0);
  id.name = select.text(1);
  id.role = select.text(2);
  id.scope = select.text(3);
  std::string key = select.blob(4);
  select.reset();
  if (key.size() != id.public_key.size())
    throw Error(ErrorCode::Corrupt,
                "database '" + db.path() + "': the device public key is damaged");
  std::copy(key.begin(), key.end(), id.public_key.begin());
  return id;
}

}  // namespace

uint64_t next_record_id_value(int64_t unix_seconds, uint64_t random, uint64_t& last) {
  uint64_t seconds =
      unix_seconds > kRecordIdEpoch ? static_cast<uint64_t>(unix_seconds - kRecordIdEpoch) : 0;
  uint64_t value = ((seconds & 0xffffffffu) << 32) | (random & 0xffffffffu);
  // Within a process ids only grow: the same second (or a clock set back) continues from
  // the last id instead of drawing a smaller one.
  if (value <= last) value = last + 1;
  last = value;
  return value;
}

std::string new_record_id(const std::string& household_id) {
  static std::mutex mutex;
  static uint64_t last = 0;
  auto random_bytes = crypto::random_bytes(4);
  uint64_t random = 0;
  for (uint8_t b : random_bytes) random = (random << 8) | b;
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  uint64_t value;
  {
    std::lock_guard<std::mutex> lock(mutex);
    value = next_record_id_value(now, random, last);
  }
  uint8_t bytes[8];
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  std::string id = crypto::to_hex(bytes, sizeof bytes);
  return household_id.empty() ? id : household_id + "-" + id;
}

nlohmann::json parse_value(const std::string& canonical) {
  return nlohmann::json::parse(canonical);
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

// A folder where the database file belongs is named as one (SQLite would say only that it
// cannot open it, and create() that it "already exists").
static void require_not_directory(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorCode::InvalidArgument,
                "the database '" + path.string() + "' is a directory, not a database file");
}

Store Store::create(const std::filesystem::path& path, const InitOptions& options) {
  if (options.name.empty() || options.name.size() > 256)
    throw Error(ErrorCode::InvalidArgument, "--name must be 1 to 256 bytes");
  bool known_role = false;
  for (const char* role : kRoles) known_role = known_role || options.role == role;
  if (!known_role)
    throw Error(ErrorCode::InvalidArgument,
                "--role '" + options.role +
                    "' is not one of grid-worker, village-leader, township, county");
  if (!options.scope.empty()) validate_grid_scope(options.scope);
  require_not_directory(path);
  if (std::filesystem::exists(path))
    throw Error(ErrorCode::Conflict,
                "'" + path.string() + "' already exists; a device is initialised once");

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->db = std::make_unique<sqlite::Database>(path.string(), true);
  configure(*impl->db, options.durable);
  migrate(*impl->db);

  crypto::DeviceKey key = crypto::DeviceKey::generate();
  std::string secret =
      options.key_secret.empty() ? create_secret_file(secret_path(path)) : options.key_secret;
  std::string pem = key.to_encrypted_pem(secret);
  {
    sqlite::Transaction transaction(*impl->db);
    const auto& pub = key.public_key();
    impl->db->cached(kInsertDevice)
        .bind(1, key.device_id())
        .bind(2, options.name)
        .bind(3, options.role)
        .bind(4, options.scope)
        .bind_blob(5, pub.data(), pub.size())
        .bind(6, pem)
        .run();
    // A device trusts itself; peers' keys arrive with enrollment.
    impl->db->cached(kUpsertTrusted)
        .bind(1, key.device_id())
        .bind_blob(2, pub.data(), pub.size())
        .bind(3, options.name)
        .run();
    transaction.commit();
  }
  impl->identity = load_identity(*impl->db);
  impl->key_secret = secret;
  impl->key.emplace(std::move(key));
  Store store(std::move(impl));
  store.refresh_classifier();
  return store;
}

Store Store::open(const std::filesystem::path& path, const OpenOptions& options) {
  require_not_directory(path);
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->db = std::make_unique<sqlite::Database>(path.string(), false);
  try {
    migrate(*impl->db);
  } catch (const Error& e) {
    // An encrypted file read without its key (or with another) is noise to SQLite.
    if (e.domain() == ErrorDomain::SQLite && (e.code() & 0xff) == SQLITE_NOTADB)
      throw Error(ErrorCode::Unauthorized,
                  "database '" + path.string() +
                      "' cannot be read: it is encrypted and its key is missing or wrong "
                      "(--key-file, DOORSTEP_KEY_FILE), or it is not a Doorstep database");
    throw;
  }
  configure(*impl->db, options.durable);
  impl->identity = load_identity(*impl->db);
  impl->key_secret = options.key_secret;
  Store store(std::move(impl));
  store.refresh_classifier();
  return store;
}

const Identity& Store::identity() const {
  return impl_->identity;
}

void Store::set_acting_person(const std::string& name) {
  if (name.size() > 256 || name.find_first_of("\r\n") != std::string::npos)
    throw Error(ErrorCode::InvalidArgument,
                "an acting person's name must be one line of at most 256 bytes");
  impl_->acting_person = name;
}

const std::string& Store::acting_person() const {
  return impl_->acting_person;
}

const std::filesystem::path& Store::path() const {
  return impl_->path;
}

sqlite::Database& Store::database() const {
  return *impl_->db;
}

void Store::trust_device(const std::string& name, const crypto::PublicKey& key) {
  impl_->db->cached(kUpsertTrusted)
      .bind(1, crypto::device_id_of(key))
      .bind_blob(2, key.data(), key.size())
      .bind(3, name)
      .run();
}

std::optional<crypto::PublicKey> Store::trusted_key(const std::string& device_id) const {
  auto& select = impl_->db->cached(kSelectTrusted).bind(1, device_id);
  if (!select.step()) return std::nullopt;
  std::string bytes = select.blob(0);
  select.reset();
  crypto::PublicKey key{};
  if (bytes.size() != key.size())
    throw Error(ErrorCode::Corrupt, "trusted key of device " + device_id + " is damaged");
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

const sync::ChangeLimits& Store::change_limits() const {
  if (!impl_->limits) {
    // Those of the enrollment, overridden by the county settings record where it sets them.
    nlohmann::json merged = sync::enrolled_limits(*impl_->db).to_json();
    const nlohmann::json record = impl_->county_settings();
    for (const auto& [key, value] : record.items())
      if (merged.contains(key)) merged[key] = value;
    try {
      impl_->limits = sync::ChangeLimits::from_settings(merged);
    } catch (const Error&) {
      impl_->limits = sync::enrolled_limits(*impl_->db);
    }
  }
  return *impl_->limits;
}

void Store::set_change_limits(const sync::ChangeLimits& limits) {
  impl_->limits = limits;
}

void Store::adopt_identity(const std::string& role, const std::string& scope) {
  bool known_role = false;
  for (const char* name : kRoles) known_role = known_role || role == name;
  if (!known_role) throw Error(ErrorCode::InvalidArgument, "role '" + role + "' is not known");
  if (!scope.empty()) validate_grid_scope(scope);
  if (!scope.empty()) {
    auto& outside = impl_->db->cached(kHouseholdOutsideScope).bind(1, scope);
    if (outside.step()) {
      std::string id = outside.text(0), grid = outside.text(1);
      outside.reset();
      throw Error(ErrorCode::OutOfScope,
                  "the county enrolled this device as " + role + " for scope " + scope +
                      ", but it holds household " + id + " at grid " + grid +
                      " outside that scope; nothing was changed (enroll with a token whose "
                      "scope covers the households this device holds)");
    }
    outside.reset();
  }
  impl_->db->cached(kSetRoleAndScope).bind(1, role).bind(2, scope).run();
  impl_->identity.role = role;
  impl_->identity.scope = scope;
}

void Store::set_merge_rules(const std::map<std::string, sync::MergeRule>& rules) {
  for (const auto& [field, rule] : rules)
    if (!sync::is_valid_field_name(field))
      throw Error(ErrorCode::InvalidArgument,
                  "merge rules: field name '" + field + "' is not valid");
  // Every open of a county sets its forms' rules: unchanged rules write nothing.
  std::map<std::string, sync::MergeRule> current;
  auto& select = impl_->db->cached(kSelectAllRules);
  while (select.step()) current[select.text(0)] = sync::from_stored(select.text(1));
  select.reset();
  if (current == rules) return;
  sqlite::Transaction transaction(*impl_->db);
  impl_->db->cached(kDeleteRules).run();
  for (const auto& [field, rule] : rules)
    impl_->db->cached(kInsertRule).bind(1, field).bind(2, sync::to_stored(rule)).run();
  transaction.commit();
}

sync::MergeRule Store::field_merge_rule(const std::string& field) const {
  auto& select = impl_->db->cached(kSelectRule).bind(1, field);
  sync::MergeRule rule = select.step() ? sync::from_stored(select.text(0)) : sync::MergeRule();
  select.reset();
  return rule;
}

sync::FieldRule Store::merge_rule(const std::string& field) const {
  return field_merge_rule(field).rule;
}

void Store::observe_time(const sync::Hlc& time) {
  impl_->db->cached(kObserveClock)
      .bind(1, time.wall_ms)
      .bind(2, static_cast<int64_t>(time.counter))
      .run();
}

const crypto::DeviceKey& Store::Impl::device_key() {
  if (key) return *key;
  if (key_secret.empty()) key_secret = read_secret_file(secret_path(path));
  auto& select = db->cached(kSelectPrivateKey);
  if (!select.step()) throw Error(ErrorCode::Corrupt, "the device key is missing");
  std::string pem = select.text(0);
  select.reset();
  crypto::DeviceKey loaded = crypto::DeviceKey::from_encrypted_pem(pem, key_secret);
  if (loaded.public_key() != identity.public_key)
    throw Error(ErrorCode::Corrupt, "the device key does not match the device identity");
  key.emplace(std::move(loaded));
  return *key;
}

bool Store::Impl::commit_local(const std::function<void(LocalChange&)>& build) {
  const crypto::DeviceKey& signer = device_key();
  sqlite::Transaction transaction(*db);
  auto& select = db->cached(kSelectSeqAndClock);
  if (!select.step()) throw Error(ErrorCode::Corrupt, "the device row is missing");
  uint64_t seq = static_cast<uint64_t>(select.int64(0));
  sync::Hlc last{select.int64(1), static_cast<uint32_t>(select.int64(2))};
  select.reset();

  LocalChange local;
  build(local);
  if (local.ops.empty()) return false;

  sync::Hlc now = sync::tick(last, sync::physical_now_ms());
  sync::Change change;
  change.origin = identity.device_id;
  change.seq = seq;
  change.author = author();
  change.household = local.household;
  change.grid = local.grid;
  change.ops = std::move(local.ops);
  for (auto& op : change.ops) op.time = now;
  sync::validate(change);
  // The county's limits, as its ingest will check them; and, for a change that adds
  // members, the household's count after it (the ingest sees one change at a time).
  if (!limits) limits = sync::enrolled_limits(*db);
  if (auto exceeded = sync::exceeded_limit(change, change.canonical_bytes().size(), *limits))
    throw Error(ErrorCode::InvalidArgument, *exceeded);
  uint64_t added = 0;
  for (const auto& op : change.ops)
    if (op.kind == sync::OpKind::Create && op.record_type == "member") ++added;
  if (added > 0) {
    auto& count = db->cached(kCountMembers).bind(1, change.household);
    count.step();
    uint64_t members = static_cast<uint64_t>(count.int64(0)) + added;
    count.reset();
    if (members > limits->max_members_per_household)
      throw Error(ErrorCode::InvalidArgument,
                  "household " + change.household + " would have " + std::to_string(members) +
                      " members; the county allows at most " +
                      std::to_string(limits->max_members_per_household) +
                      " (max_members_per_household) per household");
  }
  sync::SignedChange signed_change = sync::sign_change(std::move(change), signer);
  std::string canonical = signed_change.change.canonical_bytes();
  append_change(*db, signed_change, canonical, crypto::sha256(canonical));
  // The household's risk follows its state in the same transaction; a change of the county
  // settings (a county-level change) re-classifies every household.
  if (signed_change.change.household.empty())
    reclassify({}, true);
  else
    reclassify({signed_change.change.household}, false);
  db->cached(kUpdateSeqAndClock)
      .bind(1, static_cast<int64_t>(seq + 1))
      .bind(2, now.wall_ms)
      .bind(3, static_cast<int64_t>(now.counter))
      .run();
  transaction.commit();
  return true;
}

std::optional<RecordRow> Store::Impl::find_record(const std::string& id) const {
  auto& select = db->cached(kSelectRecord).bind(1, id);
  if (!select.step()) return std::nullopt;
  RecordRow row{select.text(0), select.text(1), select.text(2), select.text(3), select.text(4)};
  select.reset();
  return row;
}

RecordRow Store::Impl::require_record(const std::string& id, const char* what) const {
  auto row = find_record(id);
  if (!row) throw Error(ErrorCode::NotFound, std::string("unknown ") + what + " '" + id + "'");
  return *row;
}

std::optional<std::string> Store::Impl::current_value(const std::string& record_id,
                                                      const std::string& field,
                                                      bool* in_conflict) const {
  auto& select = db->cached(kSelectValue).bind(1, record_id).bind(2, field);
  if (!select.step()) return std::nullopt;
  std::string value = select.text(0);
  if (in_conflict) *in_conflict = select.int64(1) != 0;
  select.reset();
  return value;
}

}  // namespace doorstep::store
