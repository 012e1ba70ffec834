// HouseholdIndex: what the dashboard's overview and household list need of every household
// — grid, head of household, members' names and ID numbers (for search), risk level and
// monitoring type, newest visit, current case, open warnings and tasks, open conflicts —
// held in memory, so that a page of a 150,000-household county filters, counts and sorts
// without reading the county store household by household.
//
// How it stays true: every edit of the county record, from whatever process (a device's
// push, a staff action, `doorstep-server import` or `monitor` run beside the server), is a
// change appended to the store's `changes` table, whose id only grows. refresh() (called
// before each use, under the county lock) reads the highest id; if it moved, it re-reads just
// the households the new changes name (one indexed query per household), and rebuilds
// everything for a county-level change (settings and calendar re-classify households and
// move deadlines and visit intervals). The highest id is read before the households, so a change
// committed during a refresh is read again by the next one, never missed. What depends on the day
// (overdue) is computed at query time from the stored due dates and the schedule's.
//
// Ownership: borrows the county's Store. Thread-safety: one thread at a time (the county
// lock). Failure: SQLite errors as Error; a refresh that fails leaves the index to be rebuilt
// whole at the next call.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/store/store.h"

namespace doorstep::server::web {

struct IndexedWarning {
  std::string id;
  std::string source;  // rules | department | application | escalation
  std::string level;
  std::string created;  // YYYY-MM-DD
};

struct IndexedTask {
  std::string id;
  std::string kind;
  std::string due;  // YYYY-MM-DD
};

struct HouseholdEntry {
  std::string id;
  std::string grid;
  std::string head_name;
  std::string head_id_number;
  std::vector<std::string> member_names;
  std::vector<std::string> member_id_numbers;  // lower-case x
  std::string level;            // red | yellow | green | "" (not classified: no visit yet)
  std::string monitoring_type;  // unstable | marginal | sudden | ""
  int64_t last_visit_ms = 0;    // 0 = never visited
  std::string case_id;          // the open case, else the newest; "" = none
  std::string case_state;
  std::string case_type;
  std::string case_due;     // YYYY-MM-DD or ""
  std::string case_opened;  // YYYY-MM-DD
  bool case_open = false;
  bool case_conflict = false;
  std::vector<IndexedWarning> open_warnings;
  std::vector<IndexedTask> open_tasks;
  int conflicts = 0;  // open conflicts of its records (fields reviewed by a person)
  // When its next home visit and phone check-in are due (Store::schedule: the last contact
  // plus the interval the county settings give it), YYYY-MM-DD, or "" when no interval
  // applies. A function of the stored record and the settings alone, so kept like the rest.
  std::string visit_due;
  std::string checkin_due;

  // Whether a step or a task of it is past its deadline on `today` (YYYY-MM-DD).
  bool overdue(const std::string& today) const;
  // Whether its home visit / phone check-in is past due on `today` (due the day before or
  // earlier), as county/overdue_list.h counts them.
  bool visit_overdue(const std::string& today) const {
    return !visit_due.empty() && visit_due < today;
  }
  bool checkin_overdue(const std::string& today) const {
    return !checkin_due.empty() && checkin_due < today;
  }
};

struct HouseholdFilter {
  std::string scope;  // grid prefix (the staff member's, or narrower)
  std::string level;  // red | yellow | green | none | ""
  std::string type;   // unstable | marginal | sudden | none | ""
  std::string state;  // a case state | open | none | ""
  bool overdue = false;
  // Only households with a home visit or a phone check-in past due (the visit schedule,
  // county/overdue_list.h).
  bool visit_overdue = false;
  bool conflicts = false;     // only households with an open conflict
  std::string search;         // a name (part of), an ID number (part of) or a household id
  std::string sort = "grid";  // grid | name | level | visit | state
  bool descending = false;
  size_t offset = 0;
  size_t limit = 50;  // 0 = all
};

struct HouseholdPage {
  size_t total = 0;
  std::vector<const HouseholdEntry*> rows;
};

class HouseholdIndex {
 public:
  explicit HouseholdIndex(store::Store& store) : store_(store) {}

  // Brings the index up to date with the county store (see above).
  void refresh();
  // Rebuilds it whole.
  void rebuild();

  // The households within filter.scope that pass the filter, sorted, one page of them.
  // `today` is YYYY-MM-DD. Error(InvalidArgument) names a filter value that does not exist.
  HouseholdPage query(const HouseholdFilter& filter, const std::string& today) const;
  // Calls `each` for every household within `scope` (grid order).
  template <class Each>
  void each_in(const std::string& scope, Each&& each) const;

  const HouseholdEntry* find(const std::string& id) const;
  size_t size() const { return entries_.size(); }
  int64_t cursor() const { return cursor_; }

 private:
  using Key = std::pair<std::string, std::string>;  // (grid, id)
  void reload(const std::string& household);
  void erase(const std::string& household);
  void insert(HouseholdEntry entry);
  std::map<Key, HouseholdEntry>::const_iterator scope_begin(const std::string& scope) const;

  store::Store& store_;
  std::map<Key, HouseholdEntry> entries_;
  std::unordered_map<std::string, std::string> grid_of_;  // id -> grid
  int64_t cursor_ = -1;  // the highest change id read; -1 = never built
};

// Whether `grid` lies within the grid prefix `scope` ("" = everything).
bool grid_in(const std::string& grid, const std::string& scope);

template <class Each>
void HouseholdIndex::each_in(const std::string& scope, Each&& each) const {
  for (auto it = scope_begin(scope); it != entries_.end() && grid_in(it->first.first, scope); ++it)
    each(it->second);
}

}  // namespace doorstep::server::web
