// doorstep expr: evaluates form expressions through the C ABI, one from the command line
// (ds_expr_eval_with) or many as JSON lines on standard input (--batch, ds_expr_eval_request).
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "abi.h"
#include "command.h"
#include "form_files.h"

namespace doorstep::cli {
namespace {

// One evaluation; the result JSON text, or the error message in *error, which names the
// context as `context_name` says the user gave it.
std::string evaluate(const std::string& expr, const std::string& context,
                     const std::string& options, std::string* error,
                     const std::string& context_name) {
  ds_error err{};
  char* result = ds_expr_eval_with(expr.c_str(), context.empty() ? nullptr : context.c_str(),
                                   options.empty() ? nullptr : options.c_str(), &err);
  if (result == nullptr) {
    *error = message_naming(err, {{"context_json", context_name}, {"expr is", "EXPR is"}});
    return std::string();
  }
  DsString owned(result);
  return std::string(owned.get());
}

std::string options_json(const Args& args) {
  nlohmann::json options = nlohmann::json::object();
  if (auto now = args.value("now")) options["now"] = *now;
  if (auto offset = args.value("utc-offset")) {
    try {
      size_t used = 0;
      int minutes = std::stoi(*offset, &used);
      if (used != offset->size()) throw std::invalid_argument("trailing text");
      options["utc_offset_minutes"] = minutes;
    } catch (const std::exception&) {
      throw UsageError("expr",
                       "--utc-offset takes a whole number of minutes, not '" + *offset + "'");
    }
  }
  return options.empty() ? std::string() : options.dump();
}

// The value as a person reads it: strings and dates bare, numbers as JSON writes them.
std::string plain(const nlohmann::ordered_json& result) {
  const auto& value = result["value"];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

int run_batch(const std::string& options) {
  std::string line;
  size_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    // The library decodes the line (with its limits on size and depth) and evaluates it.
    ds_error err{};
    char* result =
        ds_expr_eval_request(line.c_str(), options.empty() ? nullptr : options.c_str(), &err);
    nlohmann::ordered_json out;
    if (result == nullptr) {
      out = {{"error", "line " + std::to_string(line_number) + ": " + error_message(err)}};
    } else {
      DsString owned(result);
      out = nlohmann::ordered_json::parse(owned.get());
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return 0;
}

int run_expr(const std::vector<std::string>& argv) {
  Args args("expr", argv,
            {{"context", true}, {"batch", false}, {"now", true}, {"utc-offset", true}});
  std::string options = options_json(args);
  if (args.has("batch")) {
    args.expect_at_most(0);
    if (args.has("context")) throw UsageError("expr", "--batch reads each context from its line");
    return run_batch(options);
  }
  args.expect_at_most(1);
  std::string expr = args.positional(0, "EXPR");
  std::string error;
  std::string result = evaluate(expr, args.value_or("context", ""), options, &error, "--context");
  if (!error.empty()) throw Failure(error);
  nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(result);
  if (args.json())
    std::cout << parsed.dump() << "\n";
  else
    std::cout << plain(parsed) << "\n";
  return 0;
}

const CommandRegistration expr_command{
    {"expr", "evaluate a form expression",
     "usage: PROGRAM expr EXPR [--context JSON] [--now ISO] [--utc-offset MINUTES] [--json]\n"
     "       PROGRAM expr --batch [--now ISO] [--utc-offset MINUTES]\n\n"
     "Evaluates EXPR (XLSForm syntax: ${name}, div, mod, and, or, the ODK functions) and\n"
     "prints its value; with --json prints {\"value\": V, \"type\": "
     "\"number|string|boolean|date\"}.\n"
     "--context gives field values as a JSON object {\"name\": \"value\"}; the key \".\" is\n"
     "the current question's value. --now pins today()/now(); --utc-offset sets the zone.\n\n"
     "--batch reads JSON lines {\"expr\": ..., \"context\": {...} or null} from standard\n"
     "input and writes one JSON line each: {\"value\": V, \"type\": ...} or {\"error\": "
     "\"message\"}.\n"
     "NaN and infinities are written \"NaN\", \"Infinity\", \"-Infinity\"; dates "
     "\"YYYY-MM-DD\".\n\n"
     "Exit status: 0 on success (in --batch mode even when a line fails), 1 if EXPR fails,\n"
     "2 on a usage error.\n",
     run_expr}};

}  // namespace
}  // namespace doorstep::cli
