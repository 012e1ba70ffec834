// The county's overdue list, from one scan of the county store's households.
#include "county/overdue_list.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/store/grid_path.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

constexpr const char* kHeadName = "head_name";

// The first `parts` dot-separated parts of a grid path ("" if it has fewer).
std::string leading_parts(const std::string& path, size_t parts) {
  size_t end = 0;
  for (size_t i = 0; i < parts; ++i) {
    end = path.find('.', i == 0 ? 0 : end + 1);
    if (end == std::string::npos) return i + 1 == parts ? path : std::string();
  }
  return path.substr(0, end);
}

size_t parts_of(const std::string& path) {
  return static_cast<size_t>(std::count(path.begin(), path.end(), '.')) + 1;
}

// township (2 parts), village (3) or grid (4); "" for the county itself.
const char* level_of(const std::string& path) {
  switch (parts_of(path)) {
    case 2: return "township";
    case 3: return "village";
    case 4: return "grid";
    default: return "";
  }
}

std::string name_of(const std::map<std::string, std::string>& names, const std::string& path) {
  auto it = names.find(path);
  return it == names.end() ? std::string() : it->second;
}

std::string text_of(const json& value) {
  if (value.is_null()) return "";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

OverdueKind kind_of_schedule(const std::string& kind) {
  return kind == "revisit" ? OverdueKind::Visit : OverdueKind::Checkin;
}

}  // namespace

const char* to_string(OverdueKind kind) {
  switch (kind) {
    case OverdueKind::Visit: return "visit";
    case OverdueKind::Checkin: return "checkin";
    case OverdueKind::Task: return "task";
  }
  return "visit";
}

std::optional<OverdueKind> overdue_kind_from_string(const std::string& text) {
  for (OverdueKind kind : {OverdueKind::Visit, OverdueKind::Checkin, OverdueKind::Task})
    if (text == to_string(kind)) return kind;
  return std::nullopt;
}

CountyDirectory CountyDirectory::of(const sync::CountyAuthority& county) {
  CountyDirectory out;
  const json grids = county.grids();
  for (const auto& division : grids)
    out.division_names[division["path"].get<std::string>()] = division["name"].get<std::string>();
  const json devices = county.devices();
  for (const auto& device : devices) out.devices.push_back(device);
  return out;
}

std::vector<ResponsibleDevice> CountyDirectory::responsible_for(const std::string& grid) const {
  std::vector<ResponsibleDevice> out;
  for (const auto& device : devices) {
    if (!device["revoked"].is_null() || device["role"] != "grid-worker") continue;
    if (!store::grid_within(grid, device["scope"].get<std::string>())) continue;
    std::string id = device["id"].get<std::string>();
    bool listed = std::any_of(out.begin(), out.end(),
                              [&](const ResponsibleDevice& d) { return d.device == id; });
    if (!listed) out.push_back({id, device["name"].get<std::string>()});
  }
  return out;
}

std::vector<AreaCount> list_overdue(const store::Store& store, const CountyDirectory& county,
                                    const OverdueOptions& options,
                                    const std::function<void(const OverdueEntry&)>& each) {
  if (!options.scope.empty()) store::validate_grid_scope(options.scope);
  auto wanted = [&](OverdueKind kind) { return !options.kind || *options.kind == kind; };

  // The stored tasks past their due date, by household (few beside the households).
  std::map<std::string, std::vector<json>> tasks_of;
  if (wanted(OverdueKind::Task)) {
    store::MonitoringFilter filter;
    filter.scope = options.scope;
    filter.overdue = true;
    const json listed = store.tasks(filter);
    const json tasks = listed["tasks"];
    for (const auto& task : tasks) tasks_of[task["household"].get<std::string>()].push_back(task);
    for (auto& [household, list] : tasks_of)
      std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
        return a["due"].get<std::string>() < b["due"].get<std::string>();
      });
  }

  std::map<std::string, AreaCount> areas;
  auto area = [&](const std::string& path) -> AreaCount& {
    AreaCount& count = areas[path];
    if (count.code.empty()) {
      count.level = level_of(path);
      count.code = path;
      count.name = name_of(county.division_names, path);
    }
    return count;
  };
  for (const auto& [path, name] : county.division_names)
    if (*level_of(path) && store::grid_within(path, options.scope)) area(path);

  std::map<std::string, std::vector<ResponsibleDevice>> responsible;
  auto emit = [&](OverdueEntry& entry) {
    for (size_t parts = 2; parts <= 4; ++parts) {
      std::string prefix = leading_parts(entry.grid, parts);
      if (prefix.empty()) continue;
      AreaCount& count = area(prefix);
      (entry.kind == OverdueKind::Visit     ? count.visit
       : entry.kind == OverdueKind::Checkin ? count.checkin
                                            : count.task) += 1;
    }
    auto known = responsible.find(entry.grid);
    if (known == responsible.end())
      known = responsible.emplace(entry.grid, county.responsible_for(entry.grid)).first;
    entry.responsible = known->second;
    each(entry);
  };
  auto entry_of = [&](const store::HouseholdOverview& household) {
    OverdueEntry entry;
    entry.household = household.id;
    entry.head = household.fields.contains(kHeadName) ? text_of(household.fields[kHeadName]) : "";
    entry.grid = household.grid;
    entry.grid_name = name_of(county.division_names, household.grid);
    entry.village = leading_parts(household.grid, 3);
    entry.village_name = name_of(county.division_names, entry.village);
    entry.township = leading_parts(household.grid, 2);
    entry.township_name = name_of(county.division_names, entry.township);
    return entry;
  };
  auto stored_tasks = [&](const store::HouseholdOverview& household) {
    auto it = tasks_of.find(household.id);
    if (it == tasks_of.end()) return;
    for (const auto& task : it->second) {
      OverdueEntry entry = entry_of(household);
      entry.kind = OverdueKind::Task;
      entry.id = task["id"].get<std::string>();
      entry.due = task["due"].get<std::string>();
      entry.days_overdue = task.value("days_overdue", int64_t{0});
      entry.task = task;
      emit(entry);
    }
  };

  store::HouseholdScan scan;
  scan.grid_prefix = options.scope;
  scan.fields = {kHeadName};
  if (!wanted(OverdueKind::Visit) && !wanted(OverdueKind::Checkin)) {
    store.scan_households(scan, stored_tasks);
  } else {
    store.scan_schedule(scan, [&](const store::HouseholdOverview& household,
                                  const std::vector<store::ScheduledContact>& contacts) {
      for (const auto& contact : contacts) {
        OverdueKind kind = kind_of_schedule(contact.kind);
        if (!contact.overdue || !wanted(kind)) continue;
        OverdueEntry entry = entry_of(household);
        entry.kind = kind;
        entry.id = contact.id;
        entry.due = contact.due;
        entry.days_overdue = contact.days_overdue;
        emit(entry);
      }
      stored_tasks(household);
    });
  }

  std::vector<AreaCount> out;
  out.reserve(areas.size());
  for (auto& [path, count] : areas) out.push_back(std::move(count));
  return out;
}

std::vector<AreaCount> overdue_by_area(const store::Store& store, const CountyDirectory& county,
                                       const OverdueOptions& options) {
  return list_overdue(store, county, options, [](const OverdueEntry&) {});
}

json to_json(const OverdueEntry& entry) {
  json responsible = json::array();
  for (const auto& device : entry.responsible)
    responsible.push_back({{"device", device.device}, {"name", device.name}});
  json out = {{"kind", to_string(entry.kind)},
              {"id", entry.id},
              {"household", entry.household},
              {"head", entry.head},
              {"grid", entry.grid},
              {"grid_name", entry.grid_name},
              {"village", entry.village},
              {"village_name", entry.village_name},
              {"township", entry.township},
              {"township_name", entry.township_name},
              {"due", entry.due},
              {"days_overdue", entry.days_overdue},
              {"responsible", responsible}};
  if (!entry.task.is_null()) out["task"] = entry.task;
  return out;
}

json to_json(const AreaCount& count) {
  return {{"level", count.level}, {"code", count.code},       {"name", count.name},
          {"visit", count.visit}, {"checkin", count.checkin}, {"task", count.task}};
}

}  // namespace doorstep::server
