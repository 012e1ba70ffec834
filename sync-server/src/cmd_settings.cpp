// doorstep-server settings set / settings show: the county settings, a county-level record
// in the op log that the county writes and signs and every device in the county receives
// with its next sync (docs/schema.md, "County settings").
#include <algorithm>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/monitoring/lifecycle.h"
#include "core/monitoring/schedule.h"
#include "core/rules/household_classifier.h"
#include "core/sync/change_limits.h"
#include "core/sync/county_authority.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

// Thresholds are set per year (poverty_line_2026); the rest are single values.
const std::vector<std::string> kYearly = {"poverty_line", "monitoring_threshold"};
// The visit cadence (core/monitoring/schedule.h): whole days, 0 (no schedule from that
// interval) to 366.
const std::vector<std::string>& kCadence = monitoring::ScheduleSettings::keys();
// The monitoring loop's deadlines and periods (core/monitoring/lifecycle.h), each with the
// largest value the lifecycle takes.
const std::vector<std::pair<std::string, int>> kLifecycle = {
    {"deadline_verify_days", 366}, {"publicity_days", 366},     {"deadline_township_days", 366},
    {"deadline_county_days", 366}, {"observation_months", 120}, {"follow_up_days", 366}};

const std::pair<std::string, int>* lifecycle_key(const std::string& name) {
  for (const auto& entry : kLifecycle)
    if (entry.first == name) return &entry;
  return nullptr;
}
// Yuan amounts of the department data import (docs/monitoring.md, "Department data").
const std::vector<std::string> kYuan = {"department_medical_cost_yuan"};

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

int current_year() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

// A number from the command line: digits with at most one '.', no sign, no exponent.
double parse_number(const std::string& key, const std::string& text) {
  bool dot = false, digit = false;
  for (char c : text) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      throw cli::UsageError("settings set", key + "=" + text + ": the value must be a number");
    }
  }
  if (!digit || text.size() > 15)
    throw cli::UsageError("settings set", key + "=" + text + ": the value must be a number");
  return std::stod(text);
}

json number_value(double number) {
  if (number == static_cast<double>(static_cast<int64_t>(number)))
    return static_cast<int64_t>(number);
  return number;
}

int run_settings_set(const std::vector<std::string>& argv) {
  cli::Args args("settings set", argv, {{"data", true}, {"year", true}});
  if (args.positionals().empty())
    throw cli::UsageError("settings set", "give at least one KEY=VALUE");
  int year = current_year();
  if (auto text = args.value("year")) {
    if (text->size() != 4 || text->find_first_not_of("0123456789") != std::string::npos)
      throw cli::UsageError("settings set", "--year '" + *text + "' is not a year (e.g. 2026)");
    year = std::stoi(*text);
  }
  json fields = json::object();
  json limits = sync::ChangeLimits{}.to_json();
  for (const auto& assignment : args.positionals()) {
    size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      throw cli::UsageError("settings set", "'" + assignment + "' is not KEY=VALUE");
    std::string key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
    double number = parse_number(key, text);
    if (contains(kYearly, key)) {
      if (number <= 0 || number > 1000000)
        throw cli::UsageError("settings set",
                              key + "=" + text + ": yuan per person per year, 1 to 1000000");
      fields[key + "_" + std::to_string(year)] = number_value(number);
    } else if (contains(kCadence, key)) {
      if (number > monitoring::ScheduleSettings::kMaxDays || number != static_cast<int64_t>(number))
        throw cli::UsageError("settings set",
                              key + "=" + text + ": whole days, 0 (no schedule) to " +
                                  std::to_string(monitoring::ScheduleSettings::kMaxDays));
      fields[key] = static_cast<int64_t>(number);
    } else if (const auto* lifecycle = lifecycle_key(key)) {
      bool months = key == "observation_months";
      if (number > lifecycle->second || number != static_cast<int64_t>(number))
        throw cli::UsageError("settings set", key + "=" + text + ": whole " +
                                                  (months ? "months" : "days") + ", 0 to " +
                                                  std::to_string(lifecycle->second));
      fields[key] = static_cast<int64_t>(number);
    } else if (contains(kYuan, key)) {
      if (number < 1 || number > 100000000)
        throw cli::UsageError("settings set", key + "=" + text + ": yuan, 1 to 100000000");
      fields[key] = number_value(number);
    } else if (limits.contains(key)) {
      fields[key] = number_value(number);
    } else {
      std::string known;
      for (const auto& k : kYearly) known += k + ", ";
      for (const auto& k : kCadence) known += k + ", ";
      for (const auto& [k, max] : kLifecycle) known += k + ", ";
      for (const auto& k : kYuan) known += k + ", ";
      for (const auto& [k, v] : limits.items()) known += k + ", ";
      throw cli::UsageError("settings set", "unknown setting '" + key + "' (known: " +
                                                known.substr(0, known.size() - 2) + ")");
    }
  }
  rules::use_form_classifier();
  auto county = sync::CountyAuthority::open(data_dir(args));
  // The limits as a whole must still make sense (ChangeLimits names the one that does not).
  json merged = county.store().change_limits().to_json();
  for (const auto& [key, value] : fields.items())
    if (merged.contains(key)) merged[key] = value;
  try {
    sync::ChangeLimits::from_settings(merged);
  } catch (const Error& e) {
    throw cli::UsageError("settings set", e.what());
  }
  size_t changed = county.store().set_county_settings(fields);
  if (args.json()) {
    std::cout << json{{"changed", changed}, {"settings", county.store().county_settings()}}.dump()
              << "\n";
  } else {
    std::cout << "set " << changed << " setting" << (changed == 1 ? "" : "s")
              << "; devices receive them at their next sync\n";
  }
  return 0;
}

// The settings as a reader wants them: thresholds by year, the cadence, the limits in force.
json effective_settings(sync::CountyAuthority& county) {
  json record = county.store().county_settings();
  json out = json::object();
  for (const auto& name : kYearly) {
    json years = json::object();
    for (const auto& [key, value] : record.items())
      if (key.size() == name.size() + 5 && key.compare(0, name.size() + 1, name + "_") == 0)
        years[key.substr(name.size() + 1)] = value;
    out[name] = years;
  }
  // The cadence in force: the record's, else the defaults.
  const json cadence = monitoring::ScheduleSettings::from_json(record).to_json();
  for (const auto& [key, value] : cadence.items()) out[key] = value;
  // The lifecycle's settings in force: the record's, else the defaults.
  const json lifecycle = monitoring::LifecycleSettings::from_json(record).to_json();
  for (const auto& [key, value] : lifecycle.items()) out[key] = value;
  for (const auto& name : kYuan) out[name] = record.contains(name) ? record[name] : json();
  const nlohmann::json limits_in_force = county.store().change_limits().to_json();
  for (const auto& [key, value] : limits_in_force.items()) out[key] = value;
  return out;
}

int run_settings_show(const std::vector<std::string>& argv) {
  cli::Args args("settings show", argv, {{"data", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  json settings = effective_settings(county);
  if (args.json()) {
    std::cout << settings.dump() << "\n";
    return 0;
  }
  for (const auto& [key, value] : settings.items()) {
    if (value.is_object()) {
      std::cout << key << ":";
      if (value.empty()) std::cout << " (the form's default)";
      for (const auto& [year, number] : value.items())
        std::cout << " " << year << "=" << number.dump();
      std::cout << "\n";
    } else {
      std::cout << key << ": " << (value.is_null() ? "(not set)" : value.dump()) << "\n";
    }
  }
  return 0;
}

const cli::CommandRegistration settings_set_command{
    {"settings set", "set county settings; every device receives them at its next sync",
     "usage: doorstep-server settings set --data DIR [--year YYYY] KEY=VALUE... [--json]\n\n"
     "Keys: poverty_line and monitoring_threshold (yuan per person per year, for --year, by\n"
     "default this year, and the years after it until a later year is set);\n"
     "phone_checkin_interval_days, home_visit_interval_days and their _red and _case\n"
     "variants (the visit cadence, whole days, 0 = none from that interval; the shortest\n"
     "that applies to a household is its; defaults 15/30, red 10/15, case 7/15);\n"
     "deadline_verify_days, deadline_township_days, deadline_county_days (working days),\n"
     "publicity_days, follow_up_days (calendar days), observation_months (the monitoring\n"
     "loop's deadlines and periods, whole numbers; docs/monitoring.md);\n"
     "department_medical_cost_yuan (out-of-pocket medical costs in 12 months at which a\n"
     "medical-insurance row raises a warning, default 10000);\n"
     "max_visit_bytes, max_text_answer_bytes, max_members_per_household, max_change_bytes\n"
     "(the size limits every device and the county keep).\n\n"
     "The settings are a county-level record in the op log, signed by the county: a changed\n"
     "threshold re-classifies every household here at once, and on each device when it\n"
     "syncs. A serving server takes new size limits at its next start.\n",
     run_settings_set}};
const cli::CommandRegistration settings_show_command{
    {"settings show", "show the county settings in force",
     "usage: doorstep-server settings show --data DIR [--json]\n\n"
     "--json prints {\"poverty_line\": {\"2026\": 6000}, \"monitoring_threshold\": {...},\n"
     "\"phone_checkin_interval_days\": 15, \"home_visit_interval_days\": 30, ... (the\n"
     "cadence in force, with the _red and _case intervals),\n"
     "\"deadline_verify_days\": 3, \"publicity_days\": 5, ... (the lifecycle's, in force),\n"
     "\"max_visit_bytes\": n, ...}; a threshold with no year set is the form's default.\n",
     run_settings_show}};

}  // namespace
}  // namespace doorstep::server
