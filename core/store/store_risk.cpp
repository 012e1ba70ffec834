// Store: the record is the truth — each household's risk from its merged current state, the
// county settings record, the forms a replica classifies with, and members' departures.
#include <algorithm>

#include <sqlite3.h>
#include "core/common/error.h"

#include "core/store/grid_path.h"
#include "core/store/op_log.h"
#include "core/store/store_impl.h"

namespace doorstep::store {
namespace {

using nlohmann::json;

constexpr const char* kFieldsOfRecord =
    "SELECT field, value FROM field_values WHERE record_id = ?1 ORDER BY field";
constexpr const char* kMembersOfHousehold =
    "SELECT id FROM records WHERE household = ?1 AND type = 'member' ORDER BY op_key";
constexpr const char* kNewestVisitForm =
    "SELECT form_id, form_version FROM visits WHERE household = ?1 "
    "ORDER BY wall DESC, counter DESC, op_key DESC LIMIT 1";
constexpr const char* kAllHouseholds = "SELECT id FROM records WHERE type = 'household'";
constexpr const char* kUnclassifiedHouseholds =
    "SELECT id FROM records r WHERE type = 'household' AND NOT EXISTS "
    "(SELECT 1 FROM household_risk h WHERE h.household = r.id)";
constexpr const char* kUpsertRisk =
    "INSERT INTO household_risk (household, level, monitoring_type, risk) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (household) DO UPDATE SET level = excluded.level, "
    "monitoring_type = excluded.monitoring_type, risk = excluded.risk";
constexpr const char* kDeleteRisk = "DELETE FROM household_risk WHERE household = ?1";
constexpr const char* kRiskOf = "SELECT risk FROM household_risk WHERE household = ?1";
constexpr const char* kFormExists = "SELECT 1 FROM forms WHERE key = ?1";
constexpr const char* kInsertForm =
    "INSERT INTO forms (key, text, installed) VALUES (?1, ?2, "
    "(SELECT coalesce(max(installed), 0) + 1 FROM forms)) "
    "ON CONFLICT (key) DO UPDATE SET installed = excluded.installed";
constexpr const char* kAllForms = "SELECT key, text FROM forms ORDER BY installed";

constexpr const char* kDepartureField = "departure";

// YYYY-MM-DD with a month 01-12 and a day 01-31.
bool is_iso_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return false;
  int month = std::stoi(text.substr(5, 2)), day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

json fields_of(sqlite::Database& db, const std::string& record_id, bool skip_grid) {
  json fields = json::object();
  auto& select = db.cached(kFieldsOfRecord).bind(1, record_id);
  while (select.step()) {
    std::string field = select.text(0);
    if (skip_grid && field == sync::kGridField) continue;
    fields[field] = parse_value(select.text(1));
  }
  select.reset();
  return fields;
}

std::vector<std::string> ids_of(sqlite::Database& db, const char* sql) {
  std::vector<std::string> ids;
  auto& select = db.cached(sql);
  while (select.step()) ids.push_back(select.text(0));
  select.reset();
  return ids;
}

}  // namespace

json Store::Impl::household_state(const std::string& id) const {
  json members = json::array();
  std::vector<std::string> member_ids;
  auto& query = db->cached(kMembersOfHousehold).bind(1, id);
  while (query.step()) member_ids.push_back(query.text(0));
  query.reset();
  for (const auto& member_id : member_ids) {
    json fields = fields_of(*db, member_id, false);
    if (fields.contains(kDepartureField)) continue;
    members.push_back({{"id", member_id}, {"fields", std::move(fields)}});
  }
  std::string form_version;
  auto& visit = db->cached(kNewestVisitForm).bind(1, id);
  if (visit.step()) form_version = visit.text(0) + "@" + visit.text(1);
  visit.reset();
  return {{"fields", fields_of(*db, id, true)},
          {"members", std::move(members)},
          {"form_version", form_version}};
}

json Store::Impl::county_settings() const {
  return fields_of(*db, kSettingsRecord, false);
}

void Store::Impl::reclassify(const std::set<std::string>& households, bool all) {
  if (!classifier) return;
  json settings = county_settings();
  std::vector<std::string> ids =
      all ? ids_of(*db, kAllHouseholds)
          : std::vector<std::string>(households.begin(), households.end());
  for (const auto& id : ids) {
    auto row = find_record(id);
    if (!row || row->type != "household") continue;  // held, not yet created here
    std::optional<json> risk = classifier(household_state(id), settings);
    if (!risk) {
      db->cached(kDeleteRisk).bind(1, id).run();
      continue;
    }
    std::string level = risk->value("level", std::string());
    std::string type = (*risk).contains("monitoring_type") && (*risk)["monitoring_type"].is_string()
                           ? (*risk)["monitoring_type"].get<std::string>()
                           : std::string();
    db->cached(kUpsertRisk)
        .bind(1, id)
        .bind(2, level)
        .bind(3, type)
        .bind(4, sync::canonical_json(*risk))
        .run();
  }
}

void Store::set_classifier(Classifier classifier) {
  impl_->classifier = std::move(classifier);
  if (!impl_->classifier) return;
  std::vector<std::string> missing = ids_of(*impl_->db, kUnclassifiedHouseholds);
  if (missing.empty()) return;
  sqlite::Transaction transaction(*impl_->db);
  impl_->reclassify(std::set<std::string>(missing.begin(), missing.end()), false);
  transaction.commit();
}

namespace {
Store::ClassifierFactory& factory_slot() {
  static Store::ClassifierFactory factory;
  return factory;
}
}  // namespace

void Store::set_classifier_factory(ClassifierFactory factory) {
  factory_slot() = std::move(factory);
}

void Store::refresh_classifier() {
  if (factory_slot()) factory_slot()(*this);
}

bool Store::has_classifier() const {
  return static_cast<bool>(impl_->classifier);
}

void Store::reclassify(const std::set<std::string>& households, bool all) {
  if (!impl_->classifier) return;
  if (sqlite3_get_autocommit(impl_->db->handle()) == 0) return impl_->reclassify(households, all);
  sqlite::Transaction transaction(*impl_->db);
  impl_->reclassify(households, all);
  transaction.commit();
}

json Store::household_state(const std::string& id) const {
  auto row = impl_->find_record(id);
  if (!row || row->type != "household")
    throw Error(ErrorCode::NotFound, "unknown household '" + id + "'");
  return impl_->household_state(id);
}

json Store::household_risk(const std::string& id) const {
  auto& select = impl_->db->cached(kRiskOf).bind(1, id);
  json risk;
  if (select.step()) risk = parse_value(select.text(0));
  select.reset();
  return risk;
}

json Store::county_settings() const {
  return impl_->county_settings();
}

size_t Store::set_county_settings(const json& fields) {
  if (impl_->identity.role != "county")
    throw Error(ErrorCode::Unauthorized,
                "only the county writes the county settings (this "
                "device's role is " +
                    impl_->identity.role + ")");
  if (!fields.is_object() || fields.empty())
    throw Error(ErrorCode::InvalidArgument, "settings: give at least one KEY=VALUE");
  size_t written = 0;
  impl_->commit_local([&](LocalChange& local) {
    if (!impl_->find_record(kSettingsRecord)) {
      sync::Op create;
      create.kind = sync::OpKind::Create;
      create.record_type = "settings";
      create.record_id = kSettingsRecord;
      create.value = sync::canonical_json(json{{"scope", "county"}});
      local.ops.push_back(std::move(create));
    }
    for (const auto& [name, value] : fields.items()) {
      if (!sync::is_valid_field_name(name))
        throw Error(ErrorCode::InvalidArgument, "settings: '" + name + "' is not a valid name");
      std::string canonical = sync::canonical_json(value);
      if (auto current = impl_->current_value(kSettingsRecord, name);
          current && *current == canonical)
        continue;
      sync::Op op;
      op.kind = sync::OpKind::Set;
      op.record_type = "settings";
      op.record_id = kSettingsRecord;
      op.field = name;
      op.value = canonical;
      op.pred = head_ids(*impl_->db, kSettingsRecord, name);
      local.ops.push_back(std::move(op));
      ++written;
    }
    if (written == 0) local.ops.clear();
  });
  return written;
}

void Store::install_form(const std::string& key, const std::string& text, bool make_default) {
  auto& exists = impl_->db->cached(kFormExists).bind(1, key);
  bool held = exists.step();
  exists.reset();
  if (held && !make_default) return;
  impl_->db->cached(kInsertForm).bind(1, key).bind(2, text).run();
}

std::vector<std::pair<std::string, std::string>> Store::forms() const {
  std::vector<std::pair<std::string, std::string>> out;
  auto& select = impl_->db->cached(kAllForms);
  while (select.step()) out.emplace_back(select.text(0), select.text(1));
  select.reset();
  return out;
}

void Store::member_leave(const std::string& member_id, const std::string& reason,
                         const std::string& date, const std::string& note) {
  static const std::vector<std::string> kReasons = {"moved_out", "deceased", "married_out",
                                                    "other"};
  if (std::find(kReasons.begin(), kReasons.end(), reason) == kReasons.end())
    throw Error(ErrorCode::InvalidArgument,
                "--reason '" + reason + "' is not one of moved_out, deceased, married_out, other");
  if (!is_iso_date(date))
    throw Error(ErrorCode::InvalidArgument, "--date '" + date + "' is not a date (YYYY-MM-DD)");
  if (note.size() > 1000) throw Error(ErrorCode::InvalidArgument, "--note is over 1000 bytes");
  json value = {{"reason", reason}, {"date", date}};
  if (!note.empty()) value["note"] = note;
  std::string canonical;
  try {
    canonical = sync::canonical_json(value);
  } catch (const json::exception&) {
    throw Error(ErrorCode::InvalidArgument, "--note is not valid UTF-8 text");
  }
  impl_->commit_local([&](LocalChange& local) {
    RecordRow member = impl_->require_record(member_id, "member");
    if (member.type != "member")
      throw Error(ErrorCode::NotFound, "unknown member '" + member_id + "'");
    RecordRow household = impl_->require_record(member.household, "household");
    if (!grid_within(household.grid, impl_->identity.scope))
      throw Error(ErrorCode::OutOfScope, "member " + member_id +
                                             " is outside this device's scope '" +
                                             impl_->identity.scope + "'");
    if (impl_->current_value(member_id, kDepartureField))
      throw Error(ErrorCode::Conflict, "member " + member_id + " has left the household already");
    local.household = household.id;
    local.grid = household.grid;
    sync::Op op;
    op.kind = sync::OpKind::Set;
    op.record_type = "member";
    op.record_id = member_id;
    op.field = kDepartureField;
    op.value = canonical;
    op.pred = head_ids(*impl_->db, member_id, kDepartureField);
    local.ops.push_back(std::move(op));
  });
}

}  // namespace doorstep::store
