// HouseholdIndex: loading the households from the county store and querying them.
//
// The loads read the store's materialized tables (records, field_values, household_risk,
// visits) directly, as CountyRisk does, and the monitoring records through the Store's own
// listings: one pass over the county for a rebuild instead of one Store::household() per
// household.
#include "web/household_index.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/common/error.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/grid_path.h"
#include "web/json_text.h"

namespace doorstep::server::web {
namespace {

using nlohmann::json;

constexpr const char* kTopChange = "SELECT coalesce(max(id), 0) FROM changes";
constexpr const char* kHouseholdsChanged = "SELECT DISTINCT household FROM changes WHERE id > ?1";
constexpr const char* kHouseholdColumns =
    "SELECT r.id, r.grid, "
    " (SELECT value FROM field_values f WHERE f.record_id = r.id AND f.field = 'head_name'), "
    " (SELECT value FROM field_values f WHERE f.record_id = r.id AND f.field = 'head_id_number'), "
    " h.level, h.monitoring_type, "
    " (SELECT max(v.wall) FROM visits v WHERE v.household = r.id) "
    "FROM records r LEFT JOIN household_risk h ON h.household = r.id WHERE r.type = 'household'";
constexpr const char* kOneHousehold =
    "SELECT r.id, r.grid, "
    " (SELECT value FROM field_values f WHERE f.record_id = r.id AND f.field = 'head_name'), "
    " (SELECT value FROM field_values f WHERE f.record_id = r.id AND f.field = 'head_id_number'), "
    " h.level, h.monitoring_type, "
    " (SELECT max(v.wall) FROM visits v WHERE v.household = r.id) "
    "FROM records r LEFT JOIN household_risk h ON h.household = r.id "
    "WHERE r.id = ?1 AND r.type = 'household'";
// Current members (not departed) with their name and ID number.
constexpr const char* kMemberColumns =
    "SELECT m.household, "
    " (SELECT value FROM field_values f WHERE f.record_id = m.id AND f.field = 'name'), "
    " (SELECT value FROM field_values f WHERE f.record_id = m.id AND f.field = 'id_number') "
    "FROM records m WHERE m.type = 'member' AND NOT EXISTS (SELECT 1 FROM field_values d "
    " WHERE d.record_id = m.id AND d.field = 'departure')";
constexpr const char* kMembersOfHousehold =
    "SELECT m.household, "
    " (SELECT value FROM field_values f WHERE f.record_id = m.id AND f.field = 'name'), "
    " (SELECT value FROM field_values f WHERE f.record_id = m.id AND f.field = 'id_number') "
    "FROM records m WHERE m.household = ?1 AND m.type = 'member' AND NOT EXISTS (SELECT 1 "
    " FROM field_values d WHERE d.record_id = m.id AND d.field = 'departure')";
constexpr const char* kConflicts =
    "SELECT r.household, f.field FROM field_values f JOIN records r ON r.id = f.record_id "
    "WHERE f.conflict = 1";
constexpr const char* kConflictsOfHousehold =
    "SELECT r.household, f.field FROM records r JOIN field_values f ON f.record_id = r.id "
    "AND f.conflict = 1 WHERE r.household = ?1";

// A stored canonical JSON value as text ("" for null or not a string/number).
std::string text_value(const sqlite::Statement& row, int column) {
  if (row.is_null(column)) return "";
  json value = json::parse(row.text(column), nullptr, false);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return "";
}

std::string lower_x(std::string text) {
  for (auto& c : text)
    if (c == 'X') c = 'x';
  return text;
}

HouseholdEntry entry_of(const sqlite::Statement& row) {
  HouseholdEntry entry;
  entry.id = row.text(0);
  entry.grid = row.text(1);
  entry.head_name = text_value(row, 2);
  entry.head_id_number = lower_x(text_value(row, 3));
  entry.level = row.is_null(4) ? "" : row.text(4);
  entry.monitoring_type = row.is_null(5) ? "" : row.text(5);
  entry.last_visit_ms = row.is_null(6) ? 0 : row.int64(6);
  return entry;
}

bool case_closed(const std::string& state) {
  auto parsed = monitoring::case_state_from_string(state);
  return parsed && monitoring::is_closed(*parsed);
}

// Lays a case summary (Store::cases) over the entry: the open case wins, else the newest.
void take_case(HouseholdEntry& entry, const json& summary) {
  std::string state = json_text(summary, "state");
  bool open = !case_closed(state) && !summary.contains("joined_to");
  std::string opened = json_text(summary, "opened_at").substr(0, 10);
  if (!entry.case_id.empty()) {
    if (entry.case_open && !open) return;
    if (entry.case_open == open && opened < entry.case_opened) return;
  }
  entry.case_id = json_text(summary, "id");
  entry.case_state = state;
  entry.case_type = json_text(summary, "type");
  entry.case_due = json_text(summary, "due");
  entry.case_opened = opened;
  entry.case_open = open;
  entry.case_conflict = summary.value("conflict", false);
}

IndexedWarning warning_of(const json& warning) {
  return {json_text(warning, "id"), json_text(warning, "source"), json_text(warning, "level"),
          json_text(warning, "created_at").substr(0, 10)};
}

IndexedTask task_of(const json& task) {
  return {json_text(task, "id"), json_text(task, "kind"), json_text(task, "due")};
}

int level_rank(const std::string& level) {
  if (level == "red") return 0;
  if (level == "yellow") return 1;
  if (level == "green") return 2;
  return 3;
}

void check_one_of(const std::string& value, const std::set<std::string>& allowed,
                  const char* what) {
  if (value.empty() || allowed.count(value)) return;
  std::string list;
  for (const auto& word : allowed) list += (list.empty() ? "" : ", ") + word;
  throw Error(ErrorCode::InvalidArgument,
              std::string(what) + " '" + value + "' is not one of " + list);
}

bool contains(const std::string& text, const std::string& part) {
  return !part.empty() && text.find(part) != std::string::npos;
}

// The due dates of its next home visit ("revisit") and phone check-in.
void take_schedule(HouseholdEntry& entry, const std::vector<store::ScheduledContact>& contacts) {
  entry.visit_due.clear();
  entry.checkin_due.clear();
  for (const auto& contact : contacts)
    (contact.kind == "checkin" ? entry.checkin_due : entry.visit_due) = contact.due;
}

}  // namespace

bool grid_in(const std::string& grid, const std::string& scope) {
  return store::grid_within(grid, scope);
}

bool HouseholdEntry::overdue(const std::string& today) const {
  if (case_open && !case_conflict && !case_due.empty() && case_due < today) return true;
  for (const auto& task : open_tasks)
    if (!task.due.empty() && task.due < today) return true;
  return false;
}

void HouseholdIndex::insert(HouseholdEntry entry) {
  grid_of_[entry.id] = entry.grid;
  Key key{entry.grid, entry.id};
  entries_[key] = std::move(entry);
}

void HouseholdIndex::erase(const std::string& household) {
  auto it = grid_of_.find(household);
  if (it == grid_of_.end()) return;
  entries_.erase({it->second, household});
  grid_of_.erase(it);
}

void HouseholdIndex::rebuild() {
  cursor_ = -1;
  entries_.clear();
  grid_of_.clear();
  auto& db = store_.database();
  int64_t top = 0;
  {
    sqlite::Statement query(db, kTopChange);
    if (query.step()) top = query.int64(0);
  }
  std::unordered_map<std::string, HouseholdEntry> loaded;
  {
    sqlite::Statement query(db, kHouseholdColumns);
    while (query.step()) {
      HouseholdEntry entry = entry_of(query);
      loaded.emplace(entry.id, std::move(entry));
    }
  }
  {
    sqlite::Statement query(db, kMemberColumns);
    while (query.step()) {
      auto it = loaded.find(query.text(0));
      if (it == loaded.end()) continue;
      it->second.member_names.push_back(text_value(query, 1));
      it->second.member_id_numbers.push_back(lower_x(text_value(query, 2)));
    }
  }
  {
    sqlite::Statement query(db, kConflicts);
    while (query.step()) {
      auto it = loaded.find(query.text(0));
      if (it != loaded.end() && store_.merge_rule(query.text(1)) == sync::FieldRule::Review)
        ++it->second.conflicts;
    }
  }
  store::MonitoringFilter every;
  every.all = true;
  const json cases = store_.cases(every)["cases"];
  for (const auto& summary : cases)
    if (auto it = loaded.find(json_text(summary, "household")); it != loaded.end())
      take_case(it->second, summary);
  const json tasks = store_.tasks(store::MonitoringFilter{})["tasks"];
  for (const auto& task : tasks)
    if (auto it = loaded.find(json_text(task, "household")); it != loaded.end())
      it->second.open_tasks.push_back(task_of(task));
  const json warnings = store_.warnings(store::MonitoringFilter{})["warnings"];
  for (const auto& warning : warnings)
    if (auto it = loaded.find(json_text(warning, "household")); it != loaded.end())
      it->second.open_warnings.push_back(warning_of(warning));
  store_.scan_schedule(store::HouseholdScan{},
                       [&](const store::HouseholdOverview& household,
                           const std::vector<store::ScheduledContact>& contacts) {
                         if (auto it = loaded.find(household.id); it != loaded.end())
                           take_schedule(it->second, contacts);
                       });
  for (auto& [id, entry] : loaded) insert(std::move(entry));
  cursor_ = top;
}

void HouseholdIndex::reload(const std::string& household) {
  erase(household);
  auto& db = store_.database();
  std::optional<HouseholdEntry> entry;
  {
    sqlite::Statement query(db, kOneHousehold);
    query.bind(1, household);
    if (query.step()) entry = entry_of(query);
  }
  if (!entry) return;
  {
    sqlite::Statement query(db, kMembersOfHousehold);
    query.bind(1, household);
    while (query.step()) {
      entry->member_names.push_back(text_value(query, 1));
      entry->member_id_numbers.push_back(lower_x(text_value(query, 2)));
    }
  }
  {
    sqlite::Statement query(db, kConflictsOfHousehold);
    query.bind(1, household);
    while (query.step())
      if (store_.merge_rule(query.text(1)) == sync::FieldRule::Review) ++entry->conflicts;
  }
  store::MonitoringFilter mine;
  mine.household = household;
  mine.all = true;
  const json cases = store_.cases(mine)["cases"];
  for (const auto& summary : cases) take_case(*entry, summary);
  mine.all = false;
  const json tasks = store_.tasks(mine)["tasks"];
  for (const auto& task : tasks) entry->open_tasks.push_back(task_of(task));
  const json warnings = store_.warnings(mine)["warnings"];
  for (const auto& warning : warnings) entry->open_warnings.push_back(warning_of(warning));
  take_schedule(*entry, store_.schedule(household));
  insert(std::move(*entry));
}

void HouseholdIndex::refresh() {
  if (cursor_ < 0) return rebuild();
  auto& db = store_.database();
  int64_t top = 0;
  {
    sqlite::Statement query(db, kTopChange);
    if (query.step()) top = query.int64(0);
  }
  if (top == cursor_) return;
  std::vector<std::string> households;
  {
    sqlite::Statement query(db, kHouseholdsChanged);
    query.bind(1, cursor_);
    while (query.step()) households.push_back(query.text(0));
  }
  int64_t previous = cursor_;
  cursor_ = -1;  // a failure below leaves the index to be rebuilt
  for (const auto& household : households)
    if (household.empty()) return rebuild();
  for (const auto& household : households) reload(household);
  cursor_ = top > previous ? top : previous;
}

const HouseholdEntry* HouseholdIndex::find(const std::string& id) const {
  auto it = grid_of_.find(id);
  if (it == grid_of_.end()) return nullptr;
  auto entry = entries_.find({it->second, id});
  return entry == entries_.end() ? nullptr : &entry->second;
}

std::map<HouseholdIndex::Key, HouseholdEntry>::const_iterator HouseholdIndex::scope_begin(
    const std::string& scope) const {
  return entries_.lower_bound({scope, ""});
}

HouseholdPage HouseholdIndex::query(const HouseholdFilter& filter, const std::string& today) const {
  check_one_of(filter.level, {"red", "yellow", "green", "none"}, "level");
  check_one_of(filter.type, {"unstable", "marginal", "sudden", "none"}, "type");
  if (!filter.state.empty() && filter.state != "open" && filter.state != "none" &&
      !monitoring::case_state_from_string(filter.state))
    throw Error(ErrorCode::InvalidArgument,
                "state '" + filter.state +
                    "' is not a case state (identified, verified, publicised, township_reviewed, "
                    "approved, assisting, eliminated, dismissed), open or none");
  check_one_of(filter.sort, {"grid", "name", "level", "visit", "state"}, "sort");
  std::string search = lower_x(filter.search);
  std::vector<const HouseholdEntry*> rows;
  each_in(filter.scope, [&](const HouseholdEntry& entry) {
    if (!filter.level.empty() &&
        (filter.level == "none" ? !entry.level.empty() : entry.level != filter.level))
      return;
    if (!filter.type.empty() && (filter.type == "none" ? !entry.monitoring_type.empty()
                                                       : entry.monitoring_type != filter.type))
      return;
    if (filter.state == "open" && !entry.case_open) return;
    if (filter.state == "none" && !entry.case_id.empty()) return;
    if (!filter.state.empty() && filter.state != "open" && filter.state != "none" &&
        entry.case_state != filter.state)
      return;
    if (filter.overdue && !entry.overdue(today)) return;
    if (filter.visit_overdue && !entry.visit_overdue(today) && !entry.checkin_overdue(today))
      return;
    if (filter.conflicts && entry.conflicts == 0) return;
    if (!search.empty()) {
      bool hit = entry.id.rfind(search, 0) == 0 || contains(entry.head_name, search) ||
                 contains(entry.head_id_number, search);
      for (size_t i = 0; !hit && i < entry.member_names.size(); ++i)
        hit =
            contains(entry.member_names[i], search) || contains(entry.member_id_numbers[i], search);
      if (!hit) return;
    }
    rows.push_back(&entry);
  });
  auto by = [&](const HouseholdEntry* a, const HouseholdEntry* b) {
    if (filter.sort == "name" && a->head_name != b->head_name) return a->head_name < b->head_name;
    if (filter.sort == "level" && level_rank(a->level) != level_rank(b->level))
      return level_rank(a->level) < level_rank(b->level);
    if (filter.sort == "visit" && a->last_visit_ms != b->last_visit_ms)
      return a->last_visit_ms > b->last_visit_ms;
    if (filter.sort == "state" && a->case_state != b->case_state)
      return a->case_state < b->case_state;
    return std::tie(a->grid, a->id) < std::tie(b->grid, b->id);
  };
  if (filter.descending)
    std::stable_sort(rows.begin(), rows.end(),
                     [&](const HouseholdEntry* a, const HouseholdEntry* b) { return by(b, a); });
  else
    std::stable_sort(rows.begin(), rows.end(), by);
  HouseholdPage page;
  page.total = rows.size();
  size_t end =
      filter.limit == 0 ? rows.size() : std::min(rows.size(), filter.offset + filter.limit);
  for (size_t i = filter.offset; i < end; ++i) page.rows.push_back(rows[i]);
  return page;
}

}  // namespace doorstep::server::web
