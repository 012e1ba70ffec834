// doorstep status, doorstep rejected list / dismiss: what waits to be synced and what the
// county (or this device, from a bundle) refused, through the C ABI (doorstep_sync.h,
// "Status").
#include <iostream>
#include <nlohmann/json.hpp>

#include "abi.h"
#include "command.h"
#include "doorstep.h"
#include "status_output.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

int run_status(const std::vector<std::string>& argv) {
  Args args("status", argv, {});
  args.expect_at_most(0);
  StoreHandle store = open_store(args);
  ds_error error{};
  auto status = nlohmann::json::parse(take_string(ds_sync_status(store.get(), &error), error));
  if (args.json()) {
    std::cout << status.dump() << "\n";
    return 0;
  }
  uint64_t pending = status["pending"].get<uint64_t>();
  if (pending == 0)
    std::cout << "nothing waits to be sent to the county\n";
  else
    std::cout << pending << (pending == 1 ? " change waits" : " changes wait")
              << " to be sent to the county\n";
  const auto& last = status["last_sync"];
  if (last["at"].is_null())
    std::cout << "never synced with the county server\n";
  else
    std::cout << "last synced " << last["at"].get<std::string>() << " with "
              << last["server"].get<std::string>() << "\n";
  print_outstanding(std::cout, status["rejected"]);
  uint64_t conflicts = status["conflicts"].get<uint64_t>();
  if (conflicts == 0)
    std::cout << "no open conflicts\n";
  else
    std::cout << conflicts << (conflicts == 1 ? " open conflict" : " open conflicts")
              << " (see doorstep conflicts)\n";
  return 0;
}

int run_rejected_list(const std::vector<std::string>& argv) {
  Args args("rejected list", argv, {{"all"}});
  args.expect_at_most(0);
  StoreHandle store = open_store(args);
  ds_error error{};
  auto list = nlohmann::json::parse(
      take_string(ds_sync_rejected_list(store.get(), args.has("all"), &error), error));
  if (args.json()) {
    std::cout << list.dump() << "\n";
    return 0;
  }
  nlohmann::json outstanding = nlohmann::json::array();
  for (const auto& r : list)
    if (!r.contains("dismissed_at")) outstanding.push_back(r);
  print_outstanding(std::cout, outstanding);
  for (const auto& r : list)
    if (r.contains("dismissed_at"))
      std::cout << "dismissed " << r["change"].get<std::string>() << " at "
                << r["dismissed_at"].get<std::string>() << ": " << r["dismissal"].get<std::string>()
                << "\n";
  return 0;
}

int run_rejected_dismiss(const std::vector<std::string>& argv) {
  Args args("rejected dismiss", argv, {{"reason", true}});
  args.expect_at_most(1);
  std::string id = args.positional(0, "ID (ORIGIN.SEQ, as doorstep status lists it)");
  std::string reason = args.required("reason");
  StoreHandle store = open_store(args);
  ds_error error{};
  auto dismissed = nlohmann::json::parse(take_string(
      ds_sync_dismiss_rejected(store.get(), id.c_str(), reason.c_str(), &error), error));
  if (args.json())
    std::cout << dismissed.dump() << "\n";
  else
    std::cout << "dismissed " << dismissed["change"].get<std::string>() << ": "
              << dismissed["dismissal"].get<std::string>() << "\n";
  return 0;
}

const CommandRegistration status_command{
    {"status", "what waits to be synced, the last sync, rejected changes, open conflicts",
     "usage: doorstep status --db PATH [--json]\n\n"
     "Shows how many changes wait to be sent to the county (this device's own and, for a\n"
     "village leader's relay, those it holds that the county has not acknowledged), when the\n"
     "last online sync completed and with which server, every change that was not taken\n"
     "(by the county, or from a bundle here) and that nobody has dismissed, and how many\n"
     "conflicts are open. --json prints {\"pending\": n, \"last_sync\": {\"at\": ISO8601|null,\n"
     "\"server\": URL|null}, \"rejected\": [{\"change\": \"ORIGIN.SEQ\", \"household\": ID|null,\n"
     "\"reason\", \"at\": ISO8601, \"origin\", \"seq\", \"source\"}], \"conflicts\": n, \"ok\": "
     "bool}.\n"
     "A rejected change stays listed until `doorstep rejected dismiss` or until the county\n"
     "takes it when a later sync offers it again.\n",
     run_status}};
const CommandRegistration rejected_list_command{
    {"rejected list", "list the rejected changes nobody has dismissed",
     "usage: doorstep rejected list --db PATH [--all] [--json]\n\n"
     "The \"rejected\" list of `doorstep status`; --all adds the dismissed ones, with\n"
     "\"dismissed_at\" and \"dismissal\" (the reason given).\n",
     run_rejected_list}};
const CommandRegistration rejected_dismiss_command{
    {"rejected dismiss", "dismiss one rejected change, saying why",
     "usage: doorstep rejected dismiss ID --db PATH --reason TEXT [--json]\n\n"
     "Takes the change ID (ORIGIN.SEQ, as `doorstep status` lists it) off the rejected list:\n"
     "it is no longer offered to the county, and `doorstep sync` no longer exits 3 for it.\n"
     "The dismissal is kept on this device with its reason and time (`rejected list --all`).\n"
     "Fails, changing nothing, for an ID that is not listed or an empty reason.\n",
     run_rejected_dismiss}};

}  // namespace
}  // namespace doorstep::cli
