// The county's overdue list: the home visits, phone check-ins and stored open tasks past their
// due date, each with its household, where it lives (township, village and grid, codes and
// names) and who answers for it (the grid worker devices enrolled for its grid), and the
// counts per township, village and grid — what `doorstep-server overdue` prints, and what a
// report reuses (overdue_by_area). docs/monitoring.md, "Visit schedule".
//
// Visits and check-ins come from the county store's visit schedule (Store::scan_schedule):
// the computation every grid worker's phone makes for `doorstep tasks`, on the same state, so
// the county names the same entries with the same ids and due dates as the phones do. Tasks
// are the stored open tasks past their due date (Store::tasks).
//
// Streaming: households are read one at a time by the store's scan; memory grows with the
// overdue stored tasks and the county's divisions and devices, not with its households.
//
// Ownership: plain values; borrows the store while listing. Thread-safety: as the Store (one
// thread at a time). Failure: Error(InvalidArgument) for a scope that is not a grid prefix;
// an exception thrown by the caller's callback ends the listing and propagates.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/store.h"
#include "core/sync/county_authority.h"

namespace doorstep::server {

enum class OverdueKind { Visit, Checkin, Task };
const char* to_string(OverdueKind kind);  // visit | checkin | task
std::optional<OverdueKind> overdue_kind_from_string(const std::string& text);

// A grid worker's device, as the county enrolled it.
struct ResponsibleDevice {
  std::string device;  // its device id
  std::string name;    // the name it was enrolled under
};

struct OverdueEntry {
  OverdueKind kind = OverdueKind::Visit;
  std::string id;  // the schedule entry's id (as on the phone), or the stored task's
  std::string household;
  std::string head;  // the household's head_name ("" if it has none)
  std::string grid, grid_name;
  std::string village, village_name;
  std::string township, township_name;
  std::string due;  // YYYY-MM-DD
  int64_t days_overdue = 0;
  std::vector<ResponsibleDevice> responsible;
  nlohmann::json task;  // a stored task as Store::tasks lists it; null for visits, check-ins
};

// Overdue entries counted for one township, village or grid.
struct AreaCount {
  std::string level;  // township | village | grid
  std::string code;   // its grid path prefix
  std::string name;   // "" if the county has none for it
  int64_t visit = 0;
  int64_t checkin = 0;
  int64_t task = 0;
};

// What the list needs to know of the county besides its store.
struct CountyDirectory {
  std::map<std::string, std::string> division_names;  // path -> name (CountyAuthority::grids())
  std::vector<nlohmann::json> devices;                // CountyAuthority::devices()

  static CountyDirectory of(const sync::CountyAuthority& county);
  // The grid worker devices answering for `grid`: not revoked, role grid-worker, a scope that
  // covers the grid; each device once.
  std::vector<ResponsibleDevice> responsible_for(const std::string& grid) const;
};

struct OverdueOptions {
  std::string scope;                // grid prefix ("" = the whole county)
  std::optional<OverdueKind> kind;  // one kind only
};

// Calls `each` for every overdue entry within options.scope on today's date
// (monitoring::today()), household by household in (grid, household) order — its visit, its
// check-in, then its tasks by due date. Returns the counts per township, village and grid,
// in path order: every division of the county within the scope (zeros included) and any
// other a household with an overdue entry lives at.
std::vector<AreaCount> list_overdue(const store::Store& store, const CountyDirectory& county,
                                    const OverdueOptions& options,
                                    const std::function<void(const OverdueEntry&)>& each);

// The counts alone, for a report.
std::vector<AreaCount> overdue_by_area(const store::Store& store, const CountyDirectory& county,
                                       const OverdueOptions& options);

// {"kind", "id", "household", "head", "grid", "grid_name", "village", "village_name",
//  "township", "township_name", "due", "days_overdue", "responsible": [{"device", "name"}],
//  "task"?} — "task" only for a stored task.
nlohmann::json to_json(const OverdueEntry& entry);
// {"level", "code", "name", "visit", "checkin", "task"}.
nlohmann::json to_json(const AreaCount& count);

}  // namespace doorstep::server
