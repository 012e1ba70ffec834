// `doorstep form fill`: an interactive terminal survey. It renders only what the form session
// says (visibility, required-ness, constraint messages), so it is the model for a phone shell:
// every decision goes through the C ABI.
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "command.h"
#include "form_files.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

// Standard input ran out: the survey stops where it is and keeps what was answered.
struct EndOfInput {};

class Survey {
 public:
  Survey(ds_form_session* session, std::string lang, std::istream& in, std::ostream& out)
      : session_(session), lang_(std::move(lang)), in_(in), out_(out) {}

  void walk(const json& items, int instance) {
    for (const auto& item : items) {
      std::string type = item["type"].get<std::string>();
      std::string name = item["name"].get<std::string>();
      if (type == "calculate") continue;
      if (!state(name, instance)["visible"].get<bool>()) continue;
      if (type == "group") {
        out_ << "\n== " << label(item) << " ==\n";
        walk(item["children"], instance);
      } else if (type == "repeat") {
        roster(item);
      } else if (type == "note") {
        out_ << label(item) << "\n";
      } else {
        ask(item, instance);
      }
    }
  }

  std::string text(const char* zh, const char* en) const { return lang_ == "zh" ? zh : en; }

 private:
  json state(const std::string& name, int instance) {
    ds_error error{};
    return json::parse(
        take_string(ds_form_session_question(session_, name.c_str(), instance, &error), error));
  }

  static std::string label(const json& item) {
    return item["label"].is_string() ? item["label"].get<std::string>()
                                     : item["name"].get<std::string>();
  }

  std::string read_line() {
    std::string line;
    if (!std::getline(in_, line)) throw EndOfInput{};
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    return line;
  }

  bool yes(const std::string& question) {
    for (;;) {
      out_ << question << " (y/n) " << std::flush;
      std::string answer = read_line();
      if (answer == "y" || answer == "Y" || answer == "yes" || answer == "是") return true;
      if (answer == "n" || answer == "N" || answer == "no" || answer == "否") return false;
    }
  }

  void roster(const json& repeat) {
    std::string name = repeat["name"].get<std::string>();
    std::string title = label(repeat);
    out_ << "\n== " << title << " ==\n";
    for (int count = 0;; ++count) {
      bool more = yes(count == 0 ? text("添加一名成员？", "Add a member?")
                                 : text("再添加一名成员？", "Add another member?"));
      if (!more) return;
      ds_error error{};
      int32_t instance = ds_form_session_add_repeat(session_, name.c_str(), &error);
      if (instance < 0) fail(error);
      out_ << "-- " << title << " #" << instance + 1 << " --\n";
      walk(repeat["children"], instance);
    }
  }

  // Select answers may be given by code, by number (1, 2, ...) or by label; several, separated
  // by spaces, for select_multiple.
  std::string translate_choices(const json& item, const std::string& answer) {
    if (!item.contains("choices")) return answer;
    const json& choices = item["choices"];
    std::string out;
    std::istringstream tokens(answer);
    std::string token;
    while (tokens >> token) {
      std::string code = token;
      bool is_code = false;
      for (const auto& c : choices) is_code = is_code || c["name"] == token;
      for (const auto& c : choices)
        if (!is_code && c["label"] == token) {
          code = c["name"].get<std::string>();
          is_code = true;
        }
      if (!is_code && token.find_first_not_of("0123456789") == std::string::npos &&
          token.size() < 4) {
        size_t index = std::stoul(token);
        if (index >= 1 && index <= choices.size())
          code = choices[index - 1]["name"].get<std::string>();
      }
      out += (out.empty() ? "" : " ") + code;
    }
    return out;
  }

  void ask(const json& item, int instance) {
    std::string name = item["name"].get<std::string>();
    bool read_only = item.value("read_only", false);
    for (;;) {
      json now = state(name, instance);
      std::string current = now["value"].get<std::string>();
      if (read_only) {
        out_ << label(item) << ": " << current << "\n";
        return;
      }
      out_ << "\n" << label(item) << (now["required"].get<bool>() ? " *" : "") << "\n";
      if (item.contains("hint") && item["hint"].is_string())
        out_ << "  (" << item["hint"].get<std::string>() << ")\n";
      if (item.contains("choices")) {
        int n = 0;
        for (const auto& c : item["choices"])
          out_ << "  " << ++n << ". "
               << (c["label"].is_string() ? c["label"].get<std::string>() : "") << " ["
               << c["name"].get<std::string>() << "]\n";
        if (item["type"] == "select_multiple")
          out_ << "  " << text("可多选，用空格分隔", "several allowed, separated by spaces")
               << "\n";
      }
      out_ << (current.empty() ? "> " : "[" + current + "] > ") << std::flush;
      std::string answer = read_line();
      if (answer.empty()) {
        // Enter keeps the current value (a default, or the computed age).
        if (now["required"].get<bool>() && current.empty()) {
          out_ << "! " << text("此项必填", "This question is required.") << "\n";
          continue;
        }
        return;
      }
      if (answer == "-") answer.clear();  // clears an answer
      ds_error error{};
      std::string value = translate_choices(item, answer);
      if (!ds_form_session_set_answer(session_, name.c_str(), instance, value.c_str(), &error)) {
        out_ << "! " << error_message(error) << "\n";
        continue;
      }
      json after = state(name, instance);
      if (after.contains("error") && !after["value"].get<std::string>().empty()) {
        out_ << "! " << after["error"].get<std::string>() << "\n";
        continue;
      }
      if (after.contains("error") && after["value"].get<std::string>().empty()) continue;
      return;
    }
  }

  ds_form_session* session_;
  std::string lang_;
  std::istream& in_;
  std::ostream& out_;
};

void print_result(const json& snapshot, const Survey& survey, std::ostream& out) {
  const json& risk = snapshot["risk"];
  std::string level = risk["level"].get<std::string>();
  std::string shown = level;
  if (survey.text("zh", "en") == std::string("zh"))
    shown = level == "red" ? "红色" : level == "yellow" ? "黄色" : "绿色";
  out << "\n" << survey.text("风险等级：", "Risk level: ") << shown << " (" << level << ")\n";
  for (const auto& rule : risk["rules"])
    out << "  - " << rule["id"].get<std::string>() << ": " << rule["message"].get<std::string>()
        << "\n";
  if (!risk["monitoring_type"].is_null())
    out << survey.text("建议监测类型：", "Suggested monitoring type: ")
        << risk["monitoring_type"].get<std::string>() << "\n";
  for (const auto& [name, value] : snapshot["calculated"].items())
    if (name == "income_total" || name == "income_per_capita" || name == "expense_rigid_total")
      out << "  " << name << " = " << (value.is_string() ? value.get<std::string>() : value.dump())
          << "\n";
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

int run_fill(const std::vector<std::string>& argv) {
  Args args("form fill", argv, {{"lang", true}, {"params", true}, {"out", true}});
  std::string file = args.positional(0, "FILE");
  args.expect_at_most(1);
  std::string lang = args.value_or("lang", "zh");
  if (lang != "zh" && lang != "en")
    throw UsageError("form fill", "--lang must be zh or en, not '" + lang + "'");
  std::string form_text = read_text_file(file);
  std::string params;
  if (auto p = args.value("params")) params = read_text_file(*p, "--params");
  ds_error error{};
  FormHandle form(ds_form_load(form_text.c_str(), file.c_str(), &error));
  if (!form) fail(error);
  SessionHandle session(ds_form_session_new(form.get(), params.empty() ? nullptr : params.c_str(),
                                            lang.c_str(), &error));
  if (!session) fail(error);
  json outline = json::parse(take_string(ds_form_outline(form.get(), lang.c_str(), &error), error));

  Survey survey(session.get(), lang, std::cin, std::cout);
  if (outline["title"].is_string()) std::cout << outline["title"].get<std::string>() << "\n";
  try {
    survey.walk(outline["survey"], -1);
  } catch (const EndOfInput&) {
    std::cout << "\n"
              << survey.text("输入结束，保存已填写的内容。",
                             "Input ended; keeping the answers given.")
              << "\n";
  }
  json snapshot = json::parse(take_string(ds_form_session_snapshot(session.get(), &error), error));
  print_result(snapshot, survey, std::cout);
  std::string answers =
      json::parse(take_string(ds_form_session_answers(session.get(), &error), error)).dump(2);
  if (auto out = args.value("out")) {
    std::ofstream file_out(*out, std::ios::binary | std::ios::trunc);
    file_out << answers << "\n";
    file_out.close();
    if (!file_out) throw Failure("cannot write '" + *out + "'");
    std::cout << survey.text("答案已写入 ", "Answers written to ") << *out << "\n";
  } else {
    std::cout << answers << "\n";
  }
  return 0;
}

const CommandRegistration fill_registration({
    "form fill",
    "fill a form interactively in the terminal",
    "usage: doorstep form fill FILE [--lang zh|en] [--params PARAMS.json] [--out ANSWERS.json]\n\n"
    "Asks every visible question in order, in the chosen language (default zh). Answer select\n"
    "questions by number or code (several separated by spaces for select_multiple); Enter\n"
    "keeps the value shown in brackets; '-' clears an answer. Constraint messages are shown\n"
    "and the question asked again. At the end prints the risk level with the rules fired and\n"
    "writes the answers JSON to --out (or standard output).\n",
    run_fill,
});

}  // namespace
}  // namespace doorstep::cli
