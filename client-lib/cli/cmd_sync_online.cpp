// doorstep enroll --server ... and doorstep sync: the device and the county server over
// HTTPS, through the C ABI (doorstep_sync.h, "Online").
#include <iostream>
#include <nlohmann/json.hpp>

#include "abi.h"
#include "command.h"
#include "doorstep.h"
#include "status_output.h"
#include "sync_online.h"

namespace doorstep::cli {

int run_enroll_online(const Args& args) {
  if (args.has("file") || args.has("request-out"))
    throw UsageError("enroll", "--server does not go with --file or --request-out");
  std::string server = args.required("server");
  std::string token = args.required("token");
  auto fingerprint = args.value("fingerprint");
  auto ca = args.value("ca");
  if (fingerprint.has_value() == ca.has_value())
    throw UsageError("enroll", "give exactly one of --fingerprint SHA256HEX and --ca FILE");
  std::string db = args.db();
  ds_error error{};
  std::string result =
      take_string(ds_sync_enroll_online(db.c_str(), nullptr, server.c_str(), token.c_str(),
                                        fingerprint ? fingerprint->c_str() : nullptr,
                                        ca ? ca->c_str() : nullptr, &error),
                  error);
  auto json = nlohmann::json::parse(result);
  if (args.json())
    std::cout << json.dump() << "\n";
  else
    std::cout << "enrolled at " << json["server"].get<std::string>() << " as "
              << json["role"].get<std::string>() << " for " << json["scope"].get<std::string>()
              << "\n";
  return 0;
}

namespace {

int run_sync(const std::vector<std::string>& argv) {
  Args args("sync", argv, {{"batch-size", true}});
  args.expect_at_most(0);
  std::string db = args.db();
  nlohmann::json options = nlohmann::json::object();
  if (auto size = args.value("batch-size")) {
    if (size->empty() || size->size() > 4 ||
        size->find_first_not_of("0123456789") != std::string::npos)
      throw UsageError("sync", "--batch-size wants 1..1000");
    options["page_size"] = std::stoi(*size);
  }
  ds_error error{};
  char* returned = ds_sync_online(db.c_str(), nullptr, options.dump().c_str(), &error);
  if (returned == nullptr) {
    std::string message = error_message(error);
    if (args.json()) {
      // Machine readers get the failure as JSON too; the exit code still says it failed.
      std::cout << nlohmann::json{{"error",
                                   {{"message", message},
                                    {"transient", ds_error_is_transient(&error)}}}}
                       .dump()
                << "\n";
    }
    throw Failure("sync failed: " + message);
  }
  auto json = nlohmann::json::parse(take_string(returned, error));
  if (args.json()) {
    std::cout << json.dump() << "\n";
  } else {
    std::cout << "pushed " << json["pushed"] << ", pulled " << json["pulled"] << ", open conflicts "
              << json["conflicts"] << "\n";
    for (const auto& r : json["rejected_now"])
      std::cout << "  refused now " << r["change"].get<std::string>() << " ("
                << r["source"].get<std::string>() << "): " << r["reason"].get<std::string>()
                << "\n";
    if (json["taken_again"].get<uint64_t>() > 0)
      std::cout << "taken now after an earlier rejection: " << json["taken_again"] << "\n";
    print_outstanding(std::cout, json["rejected"]);
  }
  if (!json["ok"].get<bool>()) {
    if (!args.json())
      std::cerr << "doorstep: sync done, but " << json["rejected"].size()
                << " rejected change(s) wait for you (doorstep status)\n";
    return kExitRejectionsOutstanding;
  }
  return 0;
}

const CommandRegistration sync_command{
    {"sync", "sync with the county server: push, then pull until nothing is left",
     "usage: doorstep sync --db PATH [--batch-size N] [--json]\n\n"
     "Pushes every change the county has not acknowledged, then pulls every new change in\n"
     "this device's scope, over HTTPS with the server given at `doorstep enroll --server`.\n"
     "An interrupted sync resumes where it stopped. --json prints the status after the sync\n"
     "(as `doorstep status --json`: \"pending\", \"last_sync\", \"rejected\", \"conflicts\",\n"
     "\"ok\") with {\"pushed\": n, \"pulled\": n, \"rejected_now\": [{\"change\", \"reason\",\n"
     "\"source\"}] (this sync's), \"offered_again\": n, \"taken_again\": n, \"server\", ...}.\n"
     "A change the county cannot take (rejected, or larger than its max_change_bytes) does not\n"
     "stop the sync: it stays in \"rejected\" until `doorstep rejected dismiss`, and every\n"
     "sync offers it to the county again (once taken, it leaves the list by itself).\n"
     "--batch-size sets the changes per push batch and pull page (default 256).\n"
     "Exits 0 when the sync completed and nothing is rejected; 3 when it completed but a\n"
     "rejected change is outstanding (\"ok\": false); 1 unless the sync completed.\n",
     run_sync}};

}  // namespace
}  // namespace doorstep::cli
