// The steps of `doorstep form fill`: questions, sections, the roster, the review page and the
// live risk (form_fill_answers.cpp: where the answers come from and go).
#include "form_fill_survey.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace doorstep::cli {
namespace {

using nlohmann::json;

constexpr const char* kEnd = "end";  // the position of the review page

bool is_back(const std::string& answer) {
  return answer == "<" || answer == "back" || answer == "返回";
}

bool is_finalise(const std::string& answer) {
  return answer == "ok" || answer == "OK" || answer == "f" || answer == "提交";
}

// The level, the rules fired and the monitoring type: what makes the risk "change".
std::string risk_signature(const json& risk) {
  std::string out = risk["level"].get<std::string>();
  for (const auto& rule : risk["rules"]) out += " " + rule["id"].get<std::string>();
  if (risk["monitoring_type"].is_string()) out += " " + risk["monitoring_type"].get<std::string>();
  return out;
}

}  // namespace

std::string Survey::Step::key() const {
  std::string name = (*item)["name"].get<std::string>();
  switch (kind) {
    case Kind::Section: return "s:" + name + ":" + std::to_string(instance);
    case Kind::AddInstance: return "a:" + name;
    default: return "q:" + name + ":" + std::to_string(instance);
  }
}

Survey::Survey(ds_form_session* session, const json& outline, std::string lang, DraftTarget draft,
               std::istream& in, std::ostream& out)
    : session_(session),
      outline_(outline),
      lang_(std::move(lang)),
      draft_(std::move(draft)),
      in_(in),
      out_(out) {}

json Survey::state(const std::string& name, int instance) const {
  ds_error error{};
  return json::parse(
      take_string(ds_form_session_question(session_, name.c_str(), instance, &error), error));
}

json Survey::snapshot() const {
  ds_error error{};
  return json::parse(take_string(ds_form_session_snapshot(session_, &error), error));
}

int Survey::instances(const std::string& repeat) const {
  std::string value = state(repeat, -1)["value"].get<std::string>();
  return value.empty() ? 0 : std::stoi(value);
}

std::string Survey::label(const json& item) {
  return item["label"].is_string() ? item["label"].get<std::string>()
                                   : item["name"].get<std::string>();
}

void Survey::collect(const json& items, int instance, std::vector<Step>& out) const {
  for (const auto& item : items) {
    std::string type = item["type"].get<std::string>();
    std::string name = item["name"].get<std::string>();
    if (type == "calculate") continue;
    if (!state(name, instance)["visible"].get<bool>()) continue;
    if (type == "group") {
      size_t at = out.size();
      out.push_back({Kind::Section, &item, instance, 0});
      collect(item["children"], instance, out);
      out[at].end = out.size();
    } else if (type == "repeat") {
      int count = instances(name);
      for (int i = 0; i < count; ++i) {
        size_t at = out.size();
        out.push_back({Kind::Section, &item, i, 0});
        collect(item["children"], i, out);
        out[at].end = out.size();
      }
      out.push_back({Kind::AddInstance, &item, -1, 0});
    } else if (type == "note" || item.value("read_only", false)) {
      out.push_back({Kind::Shown, &item, instance, 0});
    } else {
      out.push_back({Kind::Question, &item, instance, 0});
    }
  }
}

std::vector<Survey::Step> Survey::steps() const {
  std::vector<Step> out;
  collect(outline_["survey"], -1, out);
  return out;
}

size_t Survey::find(const std::vector<Step>& list, const std::string& key, size_t fallback) {
  if (key.empty()) return 0;
  if (key == kEnd) return list.size();
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].key() == key) return i;
  return std::min(fallback, list.size());
}

std::string Survey::read_line() {
  std::string line;
  if (!std::getline(in_, line)) throw EndOfInput{};
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  while (!line.empty() && line.front() == ' ') line.erase(0, 1);
  return line;
}

bool Survey::yes(const std::string& question) {
  for (;;) {
    out_ << question << " (y/n) " << std::flush;
    std::string answer = read_line();
    if (answer == "y" || answer == "Y" || answer == "yes" || answer == "是") return true;
    if (answer == "n" || answer == "N" || answer == "no" || answer == "否") return false;
  }
}

std::string Survey::shown_value(const json& item, const std::string& value) const {
  if (!item.contains("choices") || value.empty()) return value;
  std::istringstream tokens(value);
  std::string token, out;
  while (tokens >> token) {
    std::string shown = token;
    for (const auto& c : item["choices"])
      if (c["name"] == token && c["label"].is_string()) shown = c["label"].get<std::string>();
    out += (out.empty() ? "" : text("、", ", ")) + shown;
  }
  return out;
}

// Select answers may be given by number (1, 2, ...), by label or by code; several, separated
// by spaces, for select_multiple.
std::string Survey::translate_choices(const json& item, const std::string& answer) const {
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

// An image answer names a file on the device: it must exist and look like an image.
std::optional<std::string> Survey::check_file(const json& item, const std::string& answer) const {
  if (item["type"] != "image") return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(answer, ec))
    return text("找不到图片文件“", "no image file '") + answer + text("”", "'");
  std::string ext = std::filesystem::path(answer).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* known : {".jpg", ".jpeg", ".png", ".heic", ".webp"})
    if (ext == known) return std::nullopt;
  return text("“", "'") + answer +
         text("”不是图片文件（jpg、jpeg、png、heic、webp）",
              "' is not an image file (jpg, jpeg, png, heic, webp)");
}

void Survey::print_expectation(const json& item) const {
  std::string type = item["type"].get<std::string>();
  if (type == "geopoint")
    out_ << "  "
         << text("（坐标：纬度 经度 [海拔 [精度]]，空格分隔，如 37.7841 107.4052 1350 5）",
                 "(a location: latitude longitude [altitude [accuracy]], separated by spaces, "
                 "e.g. 37.7841 107.4052 1350 5)")
         << "\n";
  else if (type == "image")
    out_ << "  "
         << text("（照片：设备上图片文件的路径，文件须已存在）",
                 "(a photo: the path of an image file on this device; it must exist)")
         << "\n";
  else if (type == "date")
    out_ << "  " << text("（日期：年-月-日，如 2026-06-01）", "(a date: YYYY-MM-DD)") << "\n";
}

Survey::Outcome Survey::ask(const Step& step) {
  const json& item = *step.item;
  std::string name = item["name"].get<std::string>();
  for (;;) {
    json now = state(name, step.instance);
    std::string current = now["value"].get<std::string>();
    out_ << "\n" << label(item) << (now["required"].get<bool>() ? " *" : "") << "\n";
    if (item.contains("hint") && item["hint"].is_string())
      out_ << "  (" << item["hint"].get<std::string>() << ")\n";
    print_expectation(item);
    if (item.contains("choices")) {
      int n = 0;
      for (const auto& c : item["choices"])
        out_ << "  " << ++n << ". "
             << (c["label"].is_string() ? c["label"].get<std::string>()
                                        : c["name"].get<std::string>())
             << "\n";
      if (item["type"] == "select_multiple")
        out_ << "  " << text("可多选，用空格分隔", "several allowed, separated by spaces") << "\n";
    }
    out_ << (current.empty() ? "> " : "[" + shown_value(item, current) + "] > ") << std::flush;
    std::string answer = read_line();
    if (is_back(answer)) return Outcome::Back;
    if (answer.empty()) {
      // Enter keeps the current value (a default, the computed age, the stored answer).
      if (now["required"].get<bool>() && current.empty()) {
        out_ << "! " << text("此项必填", "This question is required.") << "\n";
        continue;
      }
      return Outcome::Next;
    }
    if (answer == "-") answer.clear();  // clears an answer
    if (!answer.empty())
      if (auto problem = check_file(item, answer)) {
        out_ << "! " << *problem << "\n";
        continue;
      }
    ds_error error{};
    std::string value = translate_choices(item, answer);
    if (!ds_form_session_set_answer(session_, name.c_str(), step.instance, value.c_str(), &error)) {
      out_ << "! " << error_message(error) << "\n";
      continue;
    }
    json after = state(name, step.instance);
    if (after.contains("error")) {
      if (!after["value"].get<std::string>().empty())
        out_ << "! " << after["error"].get<std::string>() << "\n";
      continue;
    }
    return Outcome::Next;
  }
}

Survey::Outcome Survey::section(const std::vector<Step>& list, size_t at) {
  const Step& step = list[at];
  const json& item = *step.item;
  bool repeat = item["type"] == "repeat";
  std::string name = item["name"].get<std::string>();
  if (repeat)
    out_ << "\n-- " << label(item) << " #" << step.instance + 1 << " --\n";
  else
    out_ << "\n== " << label(item) << " ==\n";
  bool stored = from_household_ && (!repeat || step.instance < prefilled_instances_[name]);
  if (!stored) return Outcome::Pass;
  // The section as the household has it now, to be confirmed with one key.
  for (size_t i = at + 1; i < step.end; ++i) {
    if (list[i].kind != Kind::Question) continue;
    const json& q = *list[i].item;
    std::string value =
        state(q["name"].get<std::string>(), list[i].instance)["value"].get<std::string>();
    out_ << "  " << label(q) << ": "
         << (value.empty() ? text("（未填）", "(none)") : shown_value(q, value)) << "\n";
  }
  for (;;) {
    out_ << text("回车＝本节无变化，e＝修改，<＝返回 > ",
                 "Enter = no change, e = edit, < = back > ")
         << std::flush;
    std::string answer = read_line();
    if (answer.empty()) return Outcome::SkipSection;
    if (answer == "e" || answer == "E" || answer == "修改") return Outcome::Next;
    if (is_back(answer)) return Outcome::Back;
  }
}

Survey::Outcome Survey::add_instance(const Step& step) {
  std::string name = (*step.item)["name"].get<std::string>();
  int count = instances(name);
  for (;;) {
    out_ << (count == 0 ? text("添加一名成员？", "Add a member?")
                        : text("再添加一名成员？", "Add another member?"))
         << " (y/n, <) " << std::flush;
    std::string answer = read_line();
    if (is_back(answer)) return Outcome::Back;
    if (answer == "n" || answer == "N" || answer == "no" || answer == "否") return Outcome::Next;
    if (answer == "y" || answer == "Y" || answer == "yes" || answer == "是") break;
  }
  ds_error error{};
  int32_t instance = ds_form_session_add_repeat(session_, name.c_str(), &error);
  if (instance < 0) fail(error);
  if (name == "members") member_ids_.resize(static_cast<size_t>(instance) + 1);
  position_ = "s:" + name + ":" + std::to_string(instance);
  return Outcome::Jump;
}

void Survey::go_back(const std::vector<Step>& list) {
  while (!history_.empty()) {
    std::string key = history_.back();
    history_.pop_back();
    for (const auto& s : list)
      if (s.key() == key) {
        position_ = key;
        return;
      }
  }
  out_ << text("（已是第一题）", "(this is the first question)") << "\n";
  if (position_ == kEnd && !list.empty()) position_ = list.back().key();
}

void Survey::print_risk(const json& risk, const char* heading_zh, const char* heading_en) const {
  out_ << text(heading_zh, heading_en)
       << (risk["level_label"].is_string() ? risk["level_label"].get<std::string>()
                                           : risk["level"].get<std::string>())
       << "\n";
  for (const auto& rule : risk["rules"])
    out_ << "  - " << rule["message"].get<std::string>() << "\n";
  if (risk["monitoring_type_label"].is_string())
    out_ << text("建议监测类型：", "Suggested monitoring type: ")
         << risk["monitoring_type_label"].get<std::string>() << "\n";
}

void Survey::after_answer() {
  json snap = snapshot();
  std::vector<std::string> warnings;
  for (const auto& w : snap["warnings"]) {
    std::string key = w["name"].get<std::string>() + "#" + std::to_string(w.value("instance", -1)) +
                      ":" + w["message"].get<std::string>();
    warnings.push_back(key);
    if (std::find(shown_warnings_.begin(), shown_warnings_.end(), key) == shown_warnings_.end())
      out_ << text("注意：", "Warning: ") << w["message"].get<std::string>() << "\n";
  }
  shown_warnings_ = std::move(warnings);
  std::string signature = risk_signature(snap["risk"]);
  if (signature != last_risk_) {
    print_risk(snap["risk"], "风险等级变为：", "Risk level now: ");
    last_risk_ = signature;
  }
  save_draft();
}

bool Survey::review() {
  for (;;) {
    json snap = snapshot();
    std::vector<Step> list = steps();
    std::vector<size_t> numbered;
    out_ << "\n" << text("== 核对答案 ==", "== Review ==") << "\n";
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].kind != Kind::Question) continue;
      numbered.push_back(i);
      const json& item = *list[i].item;
      json q = state(item["name"].get<std::string>(), list[i].instance);
      std::string value = q["value"].get<std::string>();
      out_ << "  " << numbered.size() << ". ";
      if (list[i].instance >= 0) {
        for (const auto& parent : outline_["survey"])
          if (parent["type"] == "repeat" && parent.contains("children"))
            for (const auto& child : parent["children"])
              if (child["name"] == item["name"])
                out_ << label(parent) << " #" << list[i].instance + 1 << " · ";
      }
      out_ << label(item) << ": "
           << (value.empty() ? text("（未填）", "(none)") : shown_value(item, value)) << "\n";
      if (q.contains("error")) out_ << "     ! " << q["error"].get<std::string>() << "\n";
      if (q.contains("warning"))
        out_ << "     " << text("注意：", "Warning: ") << q["warning"].get<std::string>() << "\n";
    }
    print_risk(snap["risk"], "风险等级：", "Risk level: ");
    bool ready = snap["can_finalise"].get<bool>();
    if (!ready)
      out_ << text("尚不能提交：请先改正标“!”的答案。",
                   "Not ready to finalise: correct the answers marked '!'.")
           << "\n";
    out_ << (ready ? text("输入编号修改该题，ok＝提交，<＝返回 > ",
                          "Type a number to change that answer, ok = finalise, < = back > ")
                   : text("输入编号修改该题，<＝返回 > ",
                          "Type a number to change that answer, < = back > "))
         << std::flush;
    std::string answer = read_line();
    if (is_back(answer)) return false;
    if (is_finalise(answer)) {
      if (ready) return true;
      continue;
    }
    if (answer.empty() || answer.find_first_not_of("0123456789") != std::string::npos ||
        answer.size() > 6)
      continue;
    size_t n = std::stoul(answer);
    if (n < 1 || n > numbered.size()) {
      out_ << "! " << text("没有这个编号", "No such number") << "\n";
      continue;
    }
    if (ask(list[numbered[n - 1]]) != Outcome::Back) after_answer();
  }
}

bool Survey::run() {
  json risk = snapshot()["risk"];
  last_risk_ = risk_signature(risk);
  if (risk["level"] != "green") print_risk(risk, "当前风险等级：", "Current risk level: ");
  for (;;) {
    std::vector<Step> list = steps();
    size_t at = find(list, position_, position_hint_);
    position_hint_ = at;
    if (at >= list.size()) {
      position_ = kEnd;
      if (review()) return true;
      go_back(list);
      save_draft();
      continue;
    }
    const Step& step = list[at];
    std::string key = step.key();
    Outcome outcome = Outcome::Pass;
    switch (step.kind) {
      case Kind::Shown: {
        std::string name = (*step.item)["name"].get<std::string>();
        std::string value = state(name, step.instance)["value"].get<std::string>();
        out_ << label(*step.item);
        if ((*step.item)["type"] != "note") out_ << ": " << shown_value(*step.item, value);
        out_ << "\n";
        break;
      }
      case Kind::Section: outcome = section(list, at); break;
      case Kind::AddInstance: outcome = add_instance(step); break;
      case Kind::Question: outcome = ask(step); break;
    }
    switch (outcome) {
      case Outcome::Back: go_back(list); break;
      case Outcome::SkipSection:
        history_.push_back(key);
        position_ = step.end < list.size() ? list[step.end].key() : kEnd;
        break;
      case Outcome::Jump: history_.push_back(key); break;
      case Outcome::Next:
      case Outcome::Pass: {
        if (outcome == Outcome::Next) history_.push_back(key);
        // The answer may have shown or hidden what follows: step on in the new list.
        std::vector<Step> again = steps();
        size_t here = find(again, key, at);
        position_ = here + 1 < again.size() ? again[here + 1].key() : kEnd;
        break;
      }
    }
    if (outcome == Outcome::Pass) continue;
    if (step.kind == Kind::Question && outcome == Outcome::Next)
      after_answer();
    else
      save_draft();
  }
}

}  // namespace doorstep::cli
