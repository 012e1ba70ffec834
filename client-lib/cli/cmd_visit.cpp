// `doorstep visit`: stores a finalised visit of a household and prints its risk result.
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "form_files.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

int run_visit(const std::vector<std::string>& argv) {
  Args args("visit", argv,
            {{"household", true},
             {"form", true},
             {"answers", true},
             {"params", true},
             {"prefill", false},
             {"lang", true},
             {"task", true},
             {"verdict", true}});
  args.expect_at_most(0);
  std::string household = args.required("household");
  std::string form_path = args.required("form");
  std::string answers_path = args.required("answers");
  StoreHandle store = open_store(args);
  // The county's limits decide before the answers are read: a file far beyond what a visit
  // may hold is refused unread (4x allows for the whitespace of a pretty-printed file).
  ds_error error{};
  json limits = json::parse(take_string(ds_store_change_limits(store.get(), &error), error));
  uint64_t max_visit = limits.value("max_visit_bytes", uint64_t{1} << 20);
  std::string form = read_text_file(form_path, "--form");
  std::string answers = read_text_file(answers_path, "--answers", 4 * max_visit,
                                       "far more than a visit may hold (max_visit_bytes " +
                                           std::to_string(max_visit) + ", a county setting)");
  std::string params;
  if (auto path = args.value("params")) params = read_text_file(*path, "--params");
  std::vector<std::pair<std::string, std::string>> names = {
      {"form_json", "--form " + form_path}, {"answers_json", "--answers " + answers_path}};
  if (auto path = args.value("params")) {
    names.push_back({"params_json", "--params " + *path});
    names.push_back({"params is not valid", "--params " + *path + " is not valid"});
  }
  // The params file is read as JSON here so that the options object can carry it; its
  // errors still name the file.
  json options = json::object();
  if (!params.empty()) {
    try {
      options["params"] = json::parse(params);
    } catch (const json::parse_error& e) {
      throw Failure("--params " + *args.value("params") + " is not valid JSON (at byte " +
                    std::to_string(e.byte) + ")");
    }
  }
  if (args.has("prefill")) options["prefill"] = true;
  if (auto lang = args.value("lang")) options["language"] = *lang;
  if (auto task = args.value("task")) options["task"] = *task;
  if (auto verdict = args.value("verdict")) {
    if (*verdict != "confirmed" && *verdict != "dismissed")
      throw UsageError("visit", "--verdict must be confirmed or dismissed, not '" + *verdict + "'");
    options["verdict"] = *verdict;
  }
  std::string text =
      take_string_naming(ds_store_visit_with(store.get(), household.c_str(), form.c_str(),
                                             answers.c_str(), options.dump().c_str(), &error),
                         error, names);
  if (args.json()) {
    std::cout << text << "\n";
    return 0;
  }
  json result = json::parse(text);
  std::cout << "visit " << result["visit_id"].get<std::string>() << "\n";
  std::cout << "risk: " << value_text(result["risk"]["level"]);
  if (result["risk"].contains("monitoring_type_label"))
    std::cout << " (" << value_text(result["risk"]["monitoring_type_label"]) << ")";
  std::cout << "\n";
  for (const auto& rule : result["risk"]["rules"])
    std::cout << "  " << value_text(rule.value("id", json(""))) << ": "
              << value_text(rule.value("message", json(""))) << "\n";
  if (const json& warning = result["warning"]; warning.is_object()) {
    std::cout << "warning " << value_text(warning["id"]) << " raised ("
              << value_text(warning["level"]) << "), case " << value_text(warning["case"]);
    if (warning.contains("task")) std::cout << ", verify task " << value_text(warning["task"]);
    std::cout << "\n";
  }
  return 0;
}

const CommandRegistration visit_command{
    {"visit", "store a visit of a household and print its risk level",
     "usage: PROGRAM visit --db PATH --household ID --form FILE --answers FILE [--params FILE] "
     "[--prefill] [--lang zh|en] [--task ID [--verdict confirmed|dismissed]] [--json]\n\n"
     "Evaluates the answers with the form (and the county params), stores the visit with its\n"
     "risk result, and updates the household's and members' fields that changed. Members in\n"
     "the answers are matched by member_id, else by id_number. Nothing the file leaves out is\n"
     "removed; the household's level comes from its whole merged state after the visit.\n"
     "--prefill takes every answer the file does not give from the household's current\n"
     "state, so a revisit file may hold only what changed ({\"visit_date\": \"2026-12-01\"}).\n"
     "--params overrides the county settings for an offline evaluation only.\n"
     "A visit that turns the household red or yellow raises a warning in the same change,\n"
     "which opens a monitoring case (or joins the open one) with a verify task for the\n"
     "household's grid (see `doorstep tasks`). --task names the open task this visit does\n"
     "(it is marked done); a verify task needs --verdict confirmed|dismissed.\n",
     run_visit}};

}  // namespace
}  // namespace doorstep::cli
