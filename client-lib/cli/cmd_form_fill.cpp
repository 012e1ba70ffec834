// `doorstep form fill`: an interactive terminal survey (form_fill_survey.h), started fresh,
// from a household's current state, or from the draft a killed run left; a finalised survey
// of a household is stored as a visit, which deletes the draft in the same transaction.
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>

#include <nlohmann/json.hpp>

#include "command.h"
#include "form_files.h"
#include "form_fill_survey.h"
#include "store_handle.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

void print_result(const json& snapshot, const json& outline, const Survey& survey,
                  std::ostream& out) {
  out << "\n";
  survey.print_risk(snapshot["risk"], "风险等级：", "Risk level: ");
  // Calculations the form labels (the codes of unlabelled ones are not for the screen).
  std::function<void(const json&)> labelled = [&](const json& items) {
    for (const auto& item : items) {
      if (item.contains("children")) labelled(item["children"]);
      if (item["type"] != "calculate" || !item["label"].is_string()) continue;
      auto it = snapshot["calculated"].find(item["name"].get<std::string>());
      if (it == snapshot["calculated"].end() || !it->is_string() || it->get<std::string>().empty())
        continue;
      out << "  " << item["label"].get<std::string>() << " = " << it->get<std::string>() << "\n";
    }
  };
  labelled(outline["survey"]);
  if (snapshot["can_finalise"].get<bool>()) {
    out << survey.text("可以提交。", "Ready to finalise.") << "\n";
  } else {
    out << survey.text("尚不能提交：", "Not ready to finalise:") << "\n";
    for (const auto& e : snapshot["errors"]) {
      out << "  " << e.value("name", "");
      if (e.contains("instance")) out << " #" << e["instance"].get<int>() + 1;
      out << ": " << e["message"].get<std::string>() << "\n";
    }
  }
}

std::string utc_minutes(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

// The saved draft of (form, household), or null.
json load_draft(ds_store* store, const std::string& form_id, const std::string& household) {
  ds_error error{};
  char* text = ds_draft_load(store, form_id.c_str(), household.c_str(), &error);
  if (text == nullptr) {
    if (error.code == DS_ERR_NOT_FOUND) return json();
    fail(error);
  }
  return json::parse(take_string(text, error));
}

void discard_draft(ds_store* store, const std::string& form_id, const std::string& household) {
  ds_error error{};
  if (ds_draft_discard(store, form_id.c_str(), household.c_str(), &error) < 0) fail(error);
}

int run_fill(const std::vector<std::string>& argv) {
  Args args("form fill", argv,
            {{"lang", true},
             {"params", true},
             {"out", true},
             {"form", true},
             {"household", true},
             {"resume", false},
             {"discard-draft", false}});
  std::string file;
  if (auto form = args.value("form")) {
    file = *form;
    args.expect_at_most(0);
  } else {
    file = args.positional(0, "FILE (or --form FILE)");
    args.expect_at_most(1);
  }
  std::string lang = args.value_or("lang", "");
  if (!lang.empty() && lang != "zh" && lang != "en")
    throw UsageError("form fill", "--lang must be zh or en, not '" + lang + "'");
  if (args.has("resume") && args.has("discard-draft"))
    throw UsageError("form fill", "--resume and --discard-draft exclude each other");
  std::string household = args.value_or("household", "");
  bool drafts = args.has("db") || args.has("household");
  if ((args.has("resume") || args.has("discard-draft")) && !drafts)
    throw UsageError("form fill", "--resume and --discard-draft need the device database (--db)");

  std::string form_text = read_text_file(file);
  std::string params;
  if (auto p = args.value("params")) params = read_text_file(*p, "--params");
  ds_error error{};
  FormHandle form(ds_form_load(form_text.c_str(), file.c_str(), &error));
  if (!form) fail(error);
  json outline = json::parse(take_string(ds_form_outline(form.get(), lang.c_str(), &error), error));
  lang = outline["language"].get<std::string>();
  SessionHandle session(ds_form_session_new(form.get(), params.empty() ? nullptr : params.c_str(),
                                            lang.c_str(), &error));
  if (!session) fail(error);

  StoreHandle store;
  json shown;  // the household as stored
  if (drafts) {
    store = open_store(args);
    if (!household.empty())
      shown = json::parse(
          take_string(ds_store_household_show(store.get(), household.c_str(), &error), error));
  }
  std::string form_id = outline["form_id"].get<std::string>();
  DraftTarget target{store.get(), form_id, outline["version"].get<std::string>(), household};
  Survey survey(session.get(), outline, lang, target, std::cin, std::cout);
  if (outline["title"].is_string()) std::cout << outline["title"].get<std::string>() << "\n";

  bool finalised = false;
  try {
    json draft = store ? load_draft(store.get(), form_id, household) : json();
    bool resume = false;
    if (!draft.is_null()) {
      if (args.has("resume")) {
        resume = true;
      } else if (!args.has("discard-draft")) {
        std::cout << survey.text("有一份未完成的草稿（保存于 ",
                                 "There is an unfinished draft (saved ")
                  << utc_minutes(draft.value("updated_ms", int64_t{0})) << "）\n";
        std::string ask = survey.text("继续填写这份草稿？（否则丢弃）",
                                      "Continue it? (otherwise it is discarded)");
        for (;;) {
          std::cout << ask << " (y/n) " << std::flush;
          std::string answer;
          if (!std::getline(std::cin, answer)) throw EndOfInput{};
          if (answer == "y" || answer == "是") resume = true;
          if (answer == "y" || answer == "是" || answer == "n" || answer == "否") break;
        }
      }
      if (!resume) discard_draft(store.get(), form_id, household);
    } else if (args.has("resume")) {
      throw Failure("--resume: there is no draft of form '" + form_id + "'" +
                    (household.empty() ? std::string(" without --household")
                                       : " for household " + household));
    }
    if (resume)
      survey.resume(draft);
    else if (!shown.is_null())
      survey.prefill(shown);
    finalised = survey.run();
  } catch (const EndOfInput&) {
    std::cout << "\n"
              << survey.text("输入结束，保存已填写的内容。",
                             "Input ended; keeping the answers given.")
              << "\n";
    if (store)
      std::cout << survey.text("草稿已保存，用 --resume 继续。",
                               "The draft is saved; continue it with --resume.")
                << "\n";
  }
  json snapshot = survey.snapshot();
  print_result(snapshot, outline, survey, std::cout);
  json answers = survey.visit_answers();
  if (finalised && !household.empty()) {
    json visit = json::parse(take_string(
        ds_store_visit(store.get(), household.c_str(), form_text.c_str(), answers.dump().c_str(),
                       params.empty() ? nullptr : params.c_str(), &error),
        error));
    std::cout << survey.text("走访已保存：", "Visit stored: ")
              << visit["visit_id"].get<std::string>() << "\n";
  } else if (finalised && store) {
    discard_draft(store.get(), form_id, household);
  }
  std::string text = answers.dump(2);
  if (auto out = args.value("out")) {
    std::ofstream file_out(*out, std::ios::binary | std::ios::trunc);
    file_out << text << "\n";
    file_out.close();
    if (!file_out) throw Failure("cannot write '" + *out + "'");
    std::cout << survey.text("答案已写入 ", "Answers written to ") << *out << "\n";
  } else if (household.empty()) {
    std::cout << text << "\n";
  }
  return 0;
}

const CommandRegistration fill_registration({
    "form fill",
    "fill a form interactively in the terminal, with drafts that survive a crash",
    "usage: doorstep form fill FILE|--form FILE [--lang zh|en] [--params PARAMS.json]\n"
    "                          [--out ANSWERS.json] [--db PATH [--household ID]]\n"
    "                          [--resume | --discard-draft]\n\n"
    "Asks every visible question in order, in the chosen language (default: the form's).\n"
    "Select questions are answered by number, label or code (several separated by spaces for\n"
    "select_multiple); Enter keeps the value shown in brackets; '-' clears an answer; '<'\n"
    "(or 'back') goes back one question. A location is 'latitude longitude [altitude\n"
    "[accuracy]]'; a photo is the path of an existing image file. After each answer the risk\n"
    "level is shown when it changes, with its reasons, and any warning (e.g. an age that\n"
    "contradicts the ID number; it may be kept). After the last question a review page lists\n"
    "every answer: type its number to change it, 'ok' to finalise, '<' to go back.\n\n"
    "With --db the draft (answers and position) is saved in the device database after every\n"
    "answer; a later run for the same form and household offers to continue it (--resume\n"
    "continues without asking, --discard-draft starts afresh). With --household ID the survey\n"
    "starts from the household's current state: each section is shown and Enter confirms it\n"
    "unchanged ('e' edits it); finalising stores the visit (only changed fields are written)\n"
    "and deletes the draft. Without --household, finalising writes the answers JSON to --out\n"
    "(or standard output). When input ends first, the answers so far are printed or written\n"
    "as well, and the draft is kept.\n",
    run_fill,
});

}  // namespace
}  // namespace doorstep::cli
