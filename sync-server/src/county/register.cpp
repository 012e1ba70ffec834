// The register: the county's cases, each with its household, steps and measures.
#include "county/register.h"

#include <algorithm>
#include <cstdint>

#include "core/common/error.h"
#include "core/monitoring/calendar.h"
#include "core/monitoring/lifecycle.h"
#include "core/store/grid_path.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string text_of(const json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void check_date(const std::string& value, const std::string& option) {
  if (!value.empty() && !monitoring::Date::parse(value))
    throw Error(ErrorCode::InvalidArgument, option + " '" + value + "' is not a date (YYYY-MM-DD)");
}

// Whether the summary of a case (Store::cases) passes the filter's state, type and dates.
bool selected(const json& summary, const RegisterFilter& filter) {
  if (summary.contains("joined_to")) return false;
  if (!filter.state.empty() && text_of(summary, "state") != filter.state) return false;
  if (!filter.type.empty() && text_of(summary, "type") != filter.type) return false;
  if (filter.from.empty() && filter.to.empty()) return true;
  std::string date = text_of(summary, filter.dates == "entered" ? "entered" : "opened");
  if (date.empty()) return false;
  if (!filter.from.empty() && date < filter.from) return false;
  if (!filter.to.empty() && date > filter.to) return false;
  return true;
}

json entry_of(const store::Store& store, const DivisionNames& names, const json& detail) {
  std::string household = text_of(detail, "household");
  std::string grid = text_of(detail, "grid");
  json fields = store.household_state(household)["fields"];
  json dates = json::object();
  for (const auto& step : register_steps()) dates[step] = nullptr;
  if (!text_of(detail, "opened").empty()) dates["identified"] = text_of(detail, "opened");
  std::string dismissal_reason;
  const json history = detail.value("history", json::array());
  for (const auto& step : history) {
    std::string to = text_of(step, "to"), on = text_of(step, "on");
    if (to.empty() || on.empty() || !dates.contains(to)) continue;
    dates[to] = on;
    if (to == "dismissed") dismissal_reason = text_of(step, "reason");
  }
  json measures = json::array(), departments = json::array();
  const json recorded = detail.value("measures", json::array());
  for (const auto& measure : recorded) {
    std::string department = text_of(measure, "department");
    measures.push_back({{"department", department},
                        {"kind", text_of(measure, "kind")},
                        {"start", text_of(measure, "start")},
                        {"end", text_of(measure, "end")},
                        {"ongoing", measure.value("ongoing", false)}});
    if (!department.empty() &&
        std::find(departments.begin(), departments.end(), department) == departments.end())
      departments.push_back(department);
  }
  json entry = {{"case", detail["id"]},
                {"household", household},
                {"head_name", text_of(fields, "head_name")},
                {"head_id_number", text_of(fields, "head_id_number")}};
  entry.update(names.divisions_of(grid));
  entry.update(
      json{{"type", detail.value("type", json())},
           {"risk_factors", detail.value("risk_factors", json::array())},
           {"state", detail["state"]},
           {"conflict", detail.value("conflict", false)},
           {"opened", text_of(detail, "opened")},
           {"entered", text_of(detail, "entered")},
           {"due", detail.value("due", json())},
           {"overdue", detail.value("overdue", false)},
           {"dates", dates},
           {"dismissal_reason", dismissal_reason.empty() ? json() : json(dismissal_reason)},
           {"measures", measures},
           {"departments", departments}});
  return entry;
}

}  // namespace

const std::vector<std::string>& register_steps() {
  static const std::vector<std::string> kSteps = {"identified",        "verified", "publicised",
                                                  "township_reviewed", "approved", "assisting",
                                                  "eliminated",        "dismissed"};
  return kSteps;
}

void check_register_filter(const RegisterFilter& filter, const std::string& option_prefix) {
  if (!filter.scope.empty()) {
    try {
      store::validate_grid_scope(filter.scope);
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidArgument, option_prefix + "scope: " + e.what());
    }
  }
  if (!filter.state.empty() && !monitoring::case_state_from_string(filter.state))
    throw Error(ErrorCode::InvalidArgument,
                option_prefix + "state '" + filter.state +
                    "' is not a case state (identified, verified, publicised, "
                    "township_reviewed, approved, assisting, eliminated, dismissed)");
  if (!filter.type.empty() && !monitoring::is_monitoring_type(filter.type))
    throw Error(ErrorCode::InvalidArgument, option_prefix + "type '" + filter.type +
                                                "' is not a monitoring type (unstable, "
                                                "marginal, sudden)");
  check_date(filter.from, option_prefix + "from");
  check_date(filter.to, option_prefix + "to");
  if (!filter.from.empty() && !filter.to.empty() && filter.to < filter.from)
    throw Error(ErrorCode::InvalidArgument, option_prefix + "to " + filter.to + " is before " +
                                                option_prefix + "from " + filter.from);
  if (filter.dates != "opened" && filter.dates != "entered")
    throw Error(ErrorCode::InvalidArgument,
                option_prefix + "dates '" + filter.dates + "' is not one of opened, entered");
}

void scan_register(const store::Store& store, const DivisionNames& names,
                   const RegisterFilter& filter,
                   const std::function<void(const nlohmann::json& entry)>& each) {
  scan_register_page(store, names, filter, 0, SIZE_MAX, each);
}

size_t scan_register_page(const store::Store& store, const DivisionNames& names,
                          const RegisterFilter& filter, size_t offset, size_t limit,
                          const std::function<void(const nlohmann::json& entry)>& each) {
  check_register_filter(filter, "");
  store::MonitoringFilter cases;
  cases.scope = filter.scope;
  cases.all = true;
  size_t selected_count = 0;
  store.scan_cases(cases, [&](const json& summary) {
    if (!selected(summary, filter)) return;
    size_t position = selected_count++;
    if (position < offset || position - offset >= limit) return;
    each(entry_of(store, names, store.case_detail(summary["id"].get<std::string>())));
  });
  return selected_count;
}

}  // namespace doorstep::server
