// `doorstep-server calendar set` / `calendar show`: the county's working-day calendar — public
// holidays and make-up working days (调休) — on which the monitoring loop counts its
// deadlines. A county-level record the county signs; every device receives it with its next
// sync and counts the same days (docs/monitoring.md, "Deadlines").
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/monitoring/calendar.h"
#include "core/sync/county_authority.h"
#include "county_cli.h"

namespace doorstep::server {
namespace {

using nlohmann::json;

std::string trimmed(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// The dates an option gives: "D1,D2,...", or "@FILE" (or the path of an existing file) with
// one date per line or comma-separated; blank entries and lines starting with '#' are
// skipped. Every entry must be YYYY-MM-DD; the first that is not is named with its place.
json dates_of(const std::string& option, const std::string& value) {
  std::string text = value, where = option;
  std::filesystem::path file;
  if (!value.empty() && value[0] == '@')
    file = value.substr(1);
  else if (value.find(',') == std::string::npos && !value.empty() &&
           std::filesystem::is_regular_file(value))
    file = value;
  if (!file.empty()) {
    text = read_input_file(file, option + " file");
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    where = option + " " + file.string();
  }
  json dates = json::array();
  size_t line = 1;
  std::string entry;
  auto take = [&]() {
    std::string date = trimmed(entry);
    entry.clear();
    if (date.empty()) return;
    if (!monitoring::Date::parse(date))
      throw cli::UsageError("calendar set",
                            where + (file.empty() ? "" : " line " + std::to_string(line)) + ": '" +
                                date + "' is not a date (YYYY-MM-DD)");
    dates.push_back(date);
  };
  bool comment = false;
  for (char c : text) {
    if (c == '\n') {
      if (!comment) take();
      entry.clear();
      comment = false;
      ++line;
      continue;
    }
    if (comment) continue;
    if (c == '#' && trimmed(entry).empty() && !file.empty()) {
      comment = true;
      continue;
    }
    if (c == ',') {
      take();
      continue;
    }
    entry += c;
  }
  if (!comment) take();
  return dates;
}

void print_calendar(const json& calendar) {
  for (const char* key : {"holidays", "workdays"}) {
    const json dates = calendar[key];
    std::cout << (std::string(key) == "holidays" ? "holidays" : "make-up working days") << " ("
              << dates.size() << "):";
    for (const auto& date : dates) std::cout << " " << date.get<std::string>();
    std::cout << "\n";
  }
}

int run_calendar_set(const std::vector<std::string>& argv) {
  cli::Args args("calendar set", argv, {{"data", true}, {"holidays", true}, {"workdays", true}});
  args.expect_at_most(0);
  if (!args.has("holidays") && !args.has("workdays"))
    throw cli::UsageError("calendar set", "give --holidays, --workdays or both");
  json holidays, workdays;
  if (auto value = args.value("holidays")) holidays = dates_of("--holidays", *value);
  if (auto value = args.value("workdays")) workdays = dates_of("--workdays", *value);
  auto county = sync::CountyAuthority::open(data_dir(args));
  // An option not given keeps the calendar's current list.
  json calendar = county.store().calendar();
  if (!holidays.is_null()) calendar["holidays"] = holidays;
  if (!workdays.is_null()) calendar["workdays"] = workdays;
  const json wanted = calendar["workdays"];
  for (const auto& date : wanted)
    if (monitoring::Date::parse(date.get<std::string>())->weekday() < 5)
      std::cerr << "note: make-up working day " << date.get<std::string>()
                << " is a weekday, a working day anyway\n";
  bool changed = county.store().set_calendar(calendar);
  json stored = county.store().calendar();
  if (args.json()) {
    std::cout << json{{"changed", changed}, {"calendar", stored}}.dump() << "\n";
    return 0;
  }
  print_calendar(stored);
  std::cout << (changed ? "calendar set; devices receive it at their next sync\n"
                        : "calendar unchanged\n");
  return 0;
}

int run_calendar_show(const std::vector<std::string>& argv) {
  cli::Args args("calendar show", argv, {{"data", true}});
  args.expect_at_most(0);
  auto county = sync::CountyAuthority::open(data_dir(args));
  json calendar = county.store().calendar();
  if (args.json())
    std::cout << calendar.dump() << "\n";
  else
    print_calendar(calendar);
  return 0;
}

const cli::CommandRegistration kCalendarSet({
    "calendar set",
    "set the county's public holidays and make-up working days (调休)",
    "usage: doorstep-server calendar set --data DIR [--holidays DATES] [--workdays DATES]\n"
    "                                    [--json]\n"
    "\n"
    "DATES: YYYY-MM-DD dates, comma-separated (\"2026-10-01,2026-10-02\"), or @FILE (or the\n"
    "path of a file) holding them one per line or comma-separated; lines starting with '#'\n"
    "are comments. --holidays are days off that would be working days; --workdays the\n"
    "weekend days worked instead. An option not given keeps its current list; \"\" empties\n"
    "it. Deadlines of the monitoring loop count working days: Monday to Friday, minus the\n"
    "holidays, plus the make-up working days. The calendar is a county-level record,\n"
    "signed by the county; every device receives it at its next sync. A date that is not\n"
    "one, or that is both a holiday and a working day, is refused, naming it.\n"
    "--json prints {\"changed\", \"calendar\": {\"holidays\", \"workdays\"}}.\n",
    run_calendar_set,
});

const cli::CommandRegistration kCalendarShow({
    "calendar show",
    "show the county's working-day calendar",
    "usage: doorstep-server calendar show --data DIR [--json]\n"
    "\n"
    "--json prints {\"holidays\": [dates], \"workdays\": [dates]}.\n",
    run_calendar_show,
});

}  // namespace
}  // namespace doorstep::server
