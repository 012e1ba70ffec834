// Counting the overview.
#include "web/overview_counts.h"

#include <algorithm>

#include "core/monitoring/calendar.h"

namespace doorstep::server::web {

void LevelCounts::add(const HouseholdEntry& entry) {
  ++total;
  if (entry.level == "red")
    ++red;
  else if (entry.level == "yellow")
    ++yellow;
  else if (entry.level == "green")
    ++green;
  else
    ++none;
  if (entry.monitoring_type == "unstable")
    ++unstable;
  else if (entry.monitoring_type == "marginal")
    ++marginal;
  else if (entry.monitoring_type == "sudden")
    ++sudden;
}

int parts_of(const std::string& path) {
  return path.empty() ? 0 : 1 + static_cast<int>(std::count(path.begin(), path.end(), '.'));
}

std::string leading_parts(const std::string& path, int parts) {
  size_t end = 0;
  for (int i = 0; i < parts; ++i) {
    end = path.find('.', i == 0 ? 0 : end + 1);
    if (end == std::string::npos) return path;
  }
  return path.substr(0, end);
}

OverviewCounts count_overview(const HouseholdIndex& index, const std::string& area,
                              const std::string& today, int64_t now_ms) {
  OverviewCounts counts;
  int child_parts = parts_of(area) + 1;
  bool divided = parts_of(area) < 4;
  auto day = monitoring::Date::parse(today);
  std::string month_ago =
      day ? monitoring::Date{day->days - 30}.to_string() : std::string("0000-00-00");
  int64_t month_ago_ms = now_ms - int64_t{30} * 86400 * 1000;
  index.each_in(area, [&](const HouseholdEntry& entry) {
    counts.all.add(entry);
    if (divided) counts.by_division[leading_parts(entry.grid, child_parts)].add(entry);
    if (!entry.case_id.empty()) ++counts.cases_by_state[entry.case_state];
    if (entry.case_open) {
      ++counts.open_cases;
      if (!entry.case_conflict && !entry.case_due.empty() && entry.case_due < today)
        ++counts.overdue_cases;
      if (entry.case_opened >= month_ago) ++counts.cases_opened_30_days;
    }
    for (const auto& warning : entry.open_warnings) {
      auto& ages = counts.warnings_by_source[warning.source];
      ages.resize(3, 0);
      auto created = monitoring::Date::parse(warning.created);
      int64_t age = created && day ? day->days - created->days : 0;
      ++ages[age <= 7 ? 0 : age <= 30 ? 1 : 2];
      ++counts.open_warnings;
      if (warning.created >= month_ago) ++counts.warnings_30_days;
    }
    for (const auto& task : entry.open_tasks) {
      ++counts.open_tasks;
      if (!task.due.empty() && task.due < today) ++counts.overdue_tasks;
    }
    counts.conflicts += entry.conflicts;
    if (entry.last_visit_ms >= month_ago_ms) ++counts.visited_30_days;
  });
  return counts;
}

}  // namespace doorstep::server::web
