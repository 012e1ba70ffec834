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
            {{"household", true}, {"form", true}, {"answers", true}, {"params", true}});
  args.expect_at_most(0);
  std::string household = args.required("household");
  std::string form = read_text_file(args.required("form"));
  std::string answers = read_text_file(args.required("answers"));
  std::string params = args.has("params") ? read_text_file(*args.value("params")) : std::string();
  StoreHandle store = open_store(args);
  ds_error error{};
  std::string text =
      take_string(ds_store_visit(store.get(), household.c_str(), form.c_str(), answers.c_str(),
                                 params.empty() ? nullptr : params.c_str(), &error),
                  error);
  if (args.json()) {
    std::cout << text << "\n";
    return 0;
  }
  json result = json::parse(text);
  std::cout << "visit " << result["visit_id"].get<std::string>() << "\n";
  std::cout << "risk: " << value_text(result["risk"]["level"]) << "\n";
  for (const auto& rule : result["risk"]["rules"])
    std::cout << "  " << value_text(rule.value("id", json(""))) << ": "
              << value_text(rule.value("message", json(""))) << "\n";
  return 0;
}

const CommandRegistration visit_command{
    {"visit", "store a visit of a household and print its risk level",
     "usage: PROGRAM visit --db PATH --household ID --form FILE --answers FILE [--params FILE] "
     "[--json]\n\n"
     "Evaluates the answers with the form (and the county params), stores the visit with its\n"
     "risk result, and updates the household's and members' fields that changed. Members in\n"
     "the answers are matched by member_id, else by id_number.\n",
     run_visit}};

}  // namespace
}  // namespace doorstep::cli
