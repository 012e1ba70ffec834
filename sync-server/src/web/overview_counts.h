// The overview's counts over the household index (household_index.h) within an area: by
// level and monitoring type per child division, cases by state, open warnings by source and
// age, what is overdue, and what changed in the last 30 days. Small functions of the index,
// so that the reports of the county record can take their place when they give the same.
//
// Thread-safety: reads the index (the caller's county lock). Failure: none.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "web/household_index.h"

namespace doorstep::server::web {

struct LevelCounts {
  int64_t total = 0, red = 0, yellow = 0, green = 0, none = 0;
  int64_t unstable = 0, marginal = 0, sudden = 0;
  void add(const HouseholdEntry& entry);
};

struct OverviewCounts {
  LevelCounts all;
  std::map<std::string, LevelCounts> by_division;  // child division path -> counts
  std::map<std::string, int64_t> cases_by_state;   // open and closed (the current case)
  int64_t open_cases = 0;
  // source -> {0-7 days, 8-30 days, over 30 days}
  std::map<std::string, std::vector<int64_t>> warnings_by_source;
  int64_t open_warnings = 0;
  int64_t overdue_tasks = 0;
  int64_t overdue_cases = 0;
  int64_t open_tasks = 0;
  int64_t conflicts = 0;
  int64_t visited_30_days = 0;
  int64_t warnings_30_days = 0;
  int64_t cases_opened_30_days = 0;
};

// `area` is a grid prefix; the child divisions are those one level below it (townships of the
// county, villages of a township, grids of a village; a grid's households are not divided).
OverviewCounts count_overview(const HouseholdIndex& index, const std::string& area,
                              const std::string& today, int64_t now_ms);

// The first `parts` dot-separated parts of a grid path.
std::string leading_parts(const std::string& path, int parts);
int parts_of(const std::string& path);

}  // namespace doorstep::server::web
