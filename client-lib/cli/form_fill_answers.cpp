// Where the answers of `doorstep form fill` come from and go: a household's current state,
// a saved draft, the draft saved after every answer, and the answers of the visit to store.
#include "form_fill_survey.h"

namespace doorstep::cli {
namespace {

using nlohmann::json;

// A stored JSON value as the session's text of it (12000 -> "12000").
std::string node_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number_unsigned()) return std::to_string(value.get<unsigned long long>());
  return value.dump();
}

// The question names of `items` outside repeats (into `top`) and those of the repeat named
// `repeat` (into `in_repeat`).
void question_names(const json& items, bool inside, const std::string& repeat,
                    std::vector<std::string>& top, std::vector<std::string>& in_repeat) {
  for (const auto& item : items) {
    std::string type = item["type"].get<std::string>();
    std::string name = item["name"].get<std::string>();
    if (type == "group") {
      question_names(item["children"], inside, repeat, top, in_repeat);
    } else if (type == "repeat") {
      if (name == repeat) question_names(item["children"], true, repeat, top, in_repeat);
    } else if (type != "note" && type != "calculate" && !item.value("read_only", false)) {
      (inside ? in_repeat : top).push_back(name);
    }
  }
}

// Keeps the stored JSON of every answer still equal to it, so that an unchanged number is
// not rewritten as a string.
void keep_stored_form(json& answers, const json& original) {
  for (auto& [name, value] : answers.items()) {
    if (!value.is_string() || !original.contains(name)) continue;
    if (node_text(original[name]) == value.get<std::string>()) value = original[name];
  }
}

}  // namespace

void Survey::prefill(const json& household) {
  from_household_ = true;
  std::vector<std::string> top, in_members;
  question_names(outline_["survey"], false, "members", top, in_members);
  json answers = json::object();
  const json& fields = household["fields"];
  for (const auto& name : top)
    if (fields.contains(name) && !fields[name].is_null()) answers[name] = fields[name];
  json members = json::array();
  for (const auto& member : household["members"]) {
    json one = json::object();
    for (const auto& name : in_members)
      if (member["fields"].contains(name) && !member["fields"][name].is_null())
        one[name] = member["fields"][name];
    members.push_back(one);
    member_ids_.push_back(member["id"].get<std::string>());
  }
  if (!members.empty()) answers["members"] = members;
  original_ = answers;
  prefilled_instances_["members"] = static_cast<int>(members.size());
  ds_error error{};
  json problems = json::parse(
      take_string(ds_form_session_apply_answers(session_, answers.dump().c_str(), &error), error));
  for (const auto& p : problems)
    out_ << "! " << p.value("name", std::string()) << ": " << p["message"].get<std::string>()
         << "\n";
}

void Survey::resume(const json& draft) {
  from_household_ = draft.value("from_household", false);
  original_ = draft.value("original", json::object());
  member_ids_ = draft.value("member_ids", std::vector<std::string>{});
  prefilled_instances_ = draft.value("prefilled_instances", std::map<std::string, int>{});
  position_ = draft.value("position", std::string());
  history_ = draft.value("history", std::vector<std::string>{});
  ds_error error{};
  json problems = json::parse(take_string(
      ds_form_session_apply_answers(session_, draft["answers"].dump().c_str(), &error), error));
  for (const auto& p : problems)
    out_ << "! " << p.value("name", std::string()) << ": " << p["message"].get<std::string>()
         << "\n";
  out_ << text("继续填写草稿。", "Resuming the draft.") << "\n";
}

json Survey::visit_answers() const {
  ds_error error{};
  json answers = json::parse(take_string(ds_form_session_answers(session_, &error), error));
  keep_stored_form(answers, original_);
  if (answers.contains("members") && answers["members"].is_array()) {
    json& members = answers["members"];
    for (size_t i = 0; i < members.size(); ++i) {
      if (i < member_ids_.size() && !member_ids_[i].empty())
        members[i]["member_id"] = member_ids_[i];
      if (original_.contains("members") && i < original_["members"].size())
        keep_stored_form(members[i], original_["members"][i]);
    }
  }
  return answers;
}

void Survey::save_draft() {
  if (draft_.store == nullptr) return;
  ds_error error{};
  json answers = json::parse(take_string(ds_form_session_answers(session_, &error), error));
  json draft = {{"form_id", draft_.form_id},
                {"form_version", draft_.form_version},
                {"household", draft_.household.empty() ? json() : json(draft_.household)},
                {"answers", answers},
                {"position", position_},
                {"history", history_},
                {"from_household", from_household_},
                {"original", original_},
                {"member_ids", member_ids_},
                {"prefilled_instances", prefilled_instances_}};
  if (!ds_draft_save(draft_.store, draft.dump().c_str(), &error))
    out_ << "! " << text("草稿未能保存：", "The draft was not saved: ") << error_message(error)
         << "\n";
}

}  // namespace doorstep::cli
