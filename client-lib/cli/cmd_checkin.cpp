// doorstep checkin: a phone check-in (电话回访) of a household, recorded on the device through
// the C ABI (ds_monitoring_checkin). It works offline; sync carries it to the county, and it
// moves the household's next check-in on the visit schedule (docs/monitoring.md).
#include <iostream>
#include <nlohmann/json.hpp>

#include "abi.h"
#include "command.h"
#include "doorstep.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

int run_checkin(const std::vector<std::string>& argv) {
  Args args("checkin", argv, {{"household", true}, {"note", true}, {"date", true}});
  args.expect_at_most(0);
  std::string household = args.required("household");
  json checkin = json::object();
  if (auto note = args.value("note")) {
    require_utf8_value(json(*note), "checkin", "--note");
    checkin["note"] = *note;
  }
  if (auto date = args.value("date")) checkin["date"] = *date;
  StoreHandle store = open_store(args);
  ds_error error{};
  json out = json::parse(take_string(
      ds_monitoring_checkin(store.get(), household.c_str(), checkin.dump().c_str(), &error),
      error));
  if (args.json())
    std::cout << out.dump() << "\n";
  else
    std::cout << "check-in " << value_text(out["checkin"]) << " of household "
              << value_text(out["household"]) << " on " << value_text(out["date"]) << "\n";
  return 0;
}

const CommandRegistration checkin_command{
    {"checkin", "record a phone check-in (电话回访) of a household",
     "usage: doorstep checkin --db PATH --household ID [--note TEXT] [--date YYYY-MM-DD] "
     "[--json]\n\n"
     "A short record of the call (date, by, note), not a visit: it moves the household's next\n"
     "check-in on the visit schedule (doorstep tasks), and sync carries it to the county.\n"
     "--date is the day of the call (default today; not a day after today). --json prints\n"
     "{\"checkin\", \"household\", \"date\", \"by\", \"note\"}.\n"
     "\"Today\" is DOORSTEP_TODAY (YYYY-MM-DD) when it is set, else the clock's date (China\n"
     "Standard Time).\n",
     run_checkin}};

}  // namespace
}  // namespace doorstep::cli
