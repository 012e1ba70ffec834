// `doorstep form check` and `doorstep form run`: validating a form definition and evaluating
// a household's answers with it, through the C ABI.
#include <iostream>

#include <nlohmann/json.hpp>

#include "command.h"
#include "form_files.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

int run_check(const std::vector<std::string>& argv) {
  Args args("form check", argv, {});
  std::string file = args.positional(0, "FILE");
  args.expect_at_most(1);
  std::string text = read_text_file(file);
  ds_error error{};
  json result = json::parse(take_string(ds_form_check(text.c_str(), file.c_str(), &error), error));
  bool valid = result["valid"].get<bool>();
  if (args.json()) {
    std::cout << result.dump(2) << "\n";
    return valid ? 0 : 1;
  }
  if (valid) {
    std::cout << file << ": ok\n";
    return 0;
  }
  for (const auto& e : result["errors"])
    std::cout << e["file"].get<std::string>() << ":" << e["line"].get<int>() << ":"
              << e["column"].get<int>() << ": " << e["message"].get<std::string>() << "\n";
  return 1;
}

std::string optional_file(const Args& args, const std::string& option) {
  auto path = args.value(option);
  return path ? read_text_file(*path, "--" + option) : std::string();
}

void print_summary(const json& snapshot) {
  const json& risk = snapshot["risk"];
  std::cout << "risk: " << risk["level"].get<std::string>();
  if (!risk["monitoring_type"].is_null())
    std::cout << " (suggested monitoring type: " << risk["monitoring_type"].get<std::string>()
              << ")";
  std::cout << "\n";
  for (const auto& rule : risk["rules"])
    std::cout << "  " << rule["id"].get<std::string>() << ": " << rule["message"].get<std::string>()
              << "\n";
  std::cout << "calculated:\n";
  for (const auto& [name, value] : snapshot["calculated"].items())
    std::cout << "  " << name << " = "
              << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
  std::cout << "can finalise: " << (snapshot["can_finalise"].get<bool>() ? "yes" : "no") << "\n";
  for (const auto& e : snapshot["errors"]) {
    std::cout << "  " << e.value("kind", "") << ": " << e.value("name", "");
    if (e.contains("instance")) std::cout << "[" << e["instance"].get<int>() << "]";
    std::cout << ": " << e["message"].get<std::string>() << "\n";
  }
}

int run_run(const std::vector<std::string>& argv) {
  Args args("form run", argv, {{"answers", true}, {"params", true}, {"lang", true}});
  std::string file = args.positional(0, "FILE");
  args.expect_at_most(1);
  std::string form = read_text_file(file, "FILE");
  std::string answers_path = args.required("answers");
  std::string answers = read_text_file(answers_path, "--answers");
  std::string params = optional_file(args, "params");
  std::vector<std::pair<std::string, std::string>> names = {
      {"form_json", "FILE " + file},
      {"answers_json", "--answers " + answers_path},
      {"answers is not valid", "--answers " + answers_path + " is not valid"}};
  if (auto path = args.value("params")) {
    names.push_back({"params_json", "--params " + *path});
    names.push_back({"params is not valid", "--params " + *path + " is not valid"});
  }
  std::string lang = args.value_or("lang", "");
  if (!lang.empty() && lang != "zh" && lang != "en")
    throw UsageError("form run", "--lang must be zh or en, not '" + lang + "'");
  // Load on its own first so that a bad form is reported with this file's name.
  ds_error error{};
  FormHandle handle(ds_form_load(form.c_str(), file.c_str(), &error));
  if (!handle) fail(error);
  std::string snapshot = take_string_naming(
      ds_form_evaluate(form.c_str(), answers.c_str(), params.empty() ? nullptr : params.c_str(),
                       lang.empty() ? nullptr : lang.c_str(), &error),
      error, names);
  if (args.json()) {
    std::cout << json::parse(snapshot).dump(2) << "\n";
  } else {
    print_summary(json::parse(snapshot));
  }
  return 0;
}

const CommandRegistration check_registration({
    "form check",
    "validate a form definition",
    "usage: doorstep form check FILE [--json]\n\n"
    "Checks a form definition. Exits 0 if it is valid; otherwise exits 1 and prints one line\n"
    "per problem, FILE:LINE:COL: message (or, with --json, {\"valid\", \"errors\": [...]}).\n",
    run_check,
});

const CommandRegistration run_registration({
    "form run",
    "evaluate a household's answers: visibility, errors, calculations, risk",
    "usage: doorstep form run FILE --answers ANSWERS.json [--params PARAMS.json]\n"
    "                         [--lang zh|en] [--json]\n\n"
    "ANSWERS.json is {name: value, members: [{...}, ...]} (select_multiple answers are\n"
    "space-separated). PARAMS.json overrides county settings, e.g. {\"poverty_line\": 4000}.\n"
    "Prints the risk level with the rules fired, the calculated values and the errors; with\n"
    "--json the whole snapshot.\n",
    run_run,
});

}  // namespace
}  // namespace doorstep::cli
