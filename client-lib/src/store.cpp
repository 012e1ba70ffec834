// The C ABI of the local store (doorstep_store.h). A visit is where the store meets the form
// engine: the form, the answers and the county params are evaluated here (risk level and
// the rules that fired), and the store keeps the result with the visit; the store itself
// knows nothing of forms beyond their id and version.
#include <cstdlib>
#include <map>
#include <set>

#include "client-lib/src/abi_support.h"
#include "client-lib/src/store_handle.h"
#include "core/common/bounded_decode.h"
#include "core/crypto/hash.h"
#include "core/forms/form_evaluation.h"
#include "core/forms/form_loader.h"
#include "core/monitoring/calendar.h"
#include "core/rules/household_classifier.h"
#include "core/store/store.h"

namespace {

using doorstep::Error;
using doorstep::ErrorCode;
using doorstep::kDocumentJsonLimits;
using doorstep::parse_json_bounded;
using doorstep::abi::copy_string;
using doorstep::abi::guarded;
using doorstep::abi::require_arg;
using nlohmann::json;

char* owned(const std::string& text) {
  char* out = copy_string(text);
  if (out == nullptr) throw std::bad_alloc();
  return out;
}

std::string text_or_empty(const char* text) {
  return text ? std::string(text) : std::string();
}

// Parses a JSON argument; NULL gives `fallback`. Errors name the argument and the offset.
json parse_arg(const char* text, const char* name, json fallback = json()) {
  if (text == nullptr) return fallback;
  return parse_json_bounded(text, kDocumentJsonLimits, name);
}

json parse_object_arg(const char* text, const char* name) {
  json value = parse_arg(text, name, json::object());
  if (!value.is_object())
    throw Error(ErrorCode::InvalidArgument, std::string(name) + " must be a JSON object");
  return value;
}

std::string option(const json& options, const char* key, const std::set<std::string>& known) {
  for (const auto& [name, value] : options.items())
    if (!known.count(name))
      throw Error(ErrorCode::InvalidArgument, "options: unknown option \"" + name + "\"");
  auto it = options.find(key);
  if (it == options.end() || it->is_null()) return {};
  if (!it->is_string())
    throw Error(ErrorCode::InvalidArgument,
                std::string("options: \"") + key + "\" must be a string");
  return it->get<std::string>();
}

// Whether an answer of `item` may be taken from the stored state for a revisit: a question a
// person answers, not a calculation, and not one whose default the form computes afresh
// (the visit date, an age from the ID number): those are computed again for this visit.
bool prefillable(const doorstep::forms::FormItem* item, int repeat) {
  return item && item->repeat == repeat && doorstep::forms::is_answerable(item->type) &&
         !item->calculation && !item->default_expression && !item->read_only;
}

// The members of a stored state matched to the answers' entries: by member_id, else by
// id_number. Returns, per stored member, the index of its entry or -1.
std::vector<long> match_members(const json& stored, const json& given) {
  std::vector<long> matched;
  std::set<size_t> used;
  for (const auto& member : stored) {
    long found = -1;
    const json& fields = member["fields"];
    for (size_t i = 0; i < given.size() && found < 0; ++i) {
      if (used.count(i) || !given[i].is_object()) continue;
      const json& entry = given[i];
      if (entry.contains("member_id") && entry["member_id"] == member["id"])
        found = long(i);
      else if (!entry.contains("member_id") && entry.contains("id_number") &&
               fields.contains("id_number") && entry["id_number"] == fields["id_number"])
        found = long(i);
    }
    if (found >= 0) used.insert(size_t(found));
    matched.push_back(found);
  }
  return matched;
}

// A revisit from the current state: every answer the file does not give is taken from the
// household's state (`state`, Store::household_state), members included — a member the file
// leaves out keeps its answers, so nothing disappears by omission.
json prefill_answers(const doorstep::forms::FormDefinition& form, const json& state,
                     const json& answers) {
  json out = answers;
  for (const auto& [name, value] : state["fields"].items())
    if (!out.contains(name) && prefillable(form.find(name), -1)) out[name] = value;
  const doorstep::forms::FormItem* repeat = form.find("members");
  if (!repeat || repeat->type != doorstep::forms::ItemType::Repeat) return out;
  json given =
      out.contains("members") && out["members"].is_array() ? out["members"] : json::array();
  std::vector<long> matched = match_members(state["members"], given);
  json members = json::array();
  std::set<size_t> used;
  for (size_t m = 0; m < matched.size(); ++m) {
    const json& stored = state["members"][m];
    json entry = json::object();
    for (const auto& [name, value] : stored["fields"].items())
      if (prefillable(form.find(name), repeat->index)) entry[name] = value;
    if (matched[m] >= 0) {
      used.insert(size_t(matched[m]));
      for (const auto& [name, value] : given[size_t(matched[m])].items()) entry[name] = value;
    }
    entry["member_id"] = stored["id"];
    members.push_back(std::move(entry));
  }
  for (size_t i = 0; i < given.size(); ++i)
    if (!used.count(i)) members.push_back(given[i]);
  out["members"] = std::move(members);
  return out;
}

// The answers as the form session takes them: without the store's member_id.
json session_answers(const json& answers) {
  json out = answers;
  if (out.contains("members") && out["members"].is_array())
    for (auto& member : out["members"])
      if (member.is_object()) member.erase("member_id");
  return out;
}

// A value the form computed, typed as its question: numbers for integer, decimal and numeric
// calculations, text otherwise.
json typed_value(const std::string& type, const std::string& value) {
  if (type == "integer" || type == "decimal" || type == "calculate") {
    char* end = nullptr;
    double number = std::strtod(value.c_str(), &end);
    if (end && *end == '\0' && !value.empty() && value.find_first_of("xXnN") == std::string::npos) {
      if (type == "integer" || (number == static_cast<double>(static_cast<int64_t>(number)) &&
                                value.find('.') == std::string::npos))
        return static_cast<int64_t>(number);
      return number;
    }
  }
  return value;
}

// Defaults and calculations the form computed are stored like answers: every visible item
// with a value the answers do not give (the visit date, an age from the ID number, the
// per-capita income).
void add_computed_values(json& answers, const json& snapshot) {
  for (const auto& q : snapshot["questions"]) {
    if (!q.value("visible", false)) continue;
    std::string type = q.value("type", std::string());
    if (type == "note" || type == "group" || type == "repeat") continue;
    std::string value = q.value("value", std::string());
    if (value.empty()) continue;
    std::string name = q.value("name", std::string());
    if (q.contains("instance")) {
      std::string repeat = q.value("repeat", std::string());
      size_t instance = q["instance"].get<size_t>();
      if (!answers.contains(repeat) || !answers[repeat].is_array() ||
          instance >= answers[repeat].size() || !answers[repeat][instance].is_object())
        continue;
      json& entry = answers[repeat][instance];
      if (!entry.contains(name) || entry[name].is_null()) entry[name] = typed_value(type, value);
    } else if (!answers.contains(name) || answers[name].is_null()) {
      answers[name] = typed_value(type, value);
    }
  }
}

std::string form_language(const json& form) {
  if (form.contains("settings") && form["settings"].is_object() &&
      form["settings"].contains("default_language") &&
      form["settings"]["default_language"].is_string())
    return form["settings"]["default_language"].get<std::string>();
  return "zh";
}

// The household's stored risk with its rules' messages in `language` ("" = the form's).
json rendered_risk(const doorstep::store::Store& store, const json& risk,
                   const std::string& language) {
  if (!risk.is_object()) return risk;
  auto classifier = doorstep::rules::classifier_of(store);
  return classifier ? classifier->render(risk, language) : risk;
}

// ds_store_visit and ds_store_visit_with: `params` null = the county settings decide.
struct VisitTask {
  std::string task;     // the task the visit does ("" = none)
  std::string verdict;  // a verify task's: confirmed | dismissed
};

json store_visit(ds_store* store, const char* household_id, const char* form_json,
                 const char* answers_json, const json& params, bool prefill, std::string language,
                 const VisitTask& task = {}) {
  json form = parse_object_arg(form_json, "form_json");
  json given = parse_object_arg(answers_json, "answers_json");
  // Sizes first: answers the county would refuse are not worth evaluating.
  doorstep::sync::check_visit_answers(given, store->store.change_limits());
  if (language.empty()) language = form_language(form);
  auto definition = doorstep::forms::load_form_or_throw(form_json, "form_json");
  json answers = given;
  if (prefill)
    answers = prefill_answers(*definition, store->store.household_state(household_id), given);
  // The parameters: those given for an offline evaluation, else the county settings.
  std::map<std::string, std::string> values;
  if (!params.is_null())
    values = doorstep::forms::params_from_json(params);
  else
    values = doorstep::rules::params_from_settings(*definition, store->store.county_settings(),
                                                   doorstep::monitoring::today().year());
  json snapshot =
      doorstep::forms::evaluate_form(definition, session_answers(answers), values, language);
  if (!snapshot.value("can_finalise", false)) {
    std::string problems;
    for (const auto& e : snapshot["errors"]) {
      if (problems.size() > 400) break;
      problems +=
          "\n  " + e.value("name", std::string("form")) + ": " + e.value("message", std::string());
    }
    throw Error(ErrorCode::InvalidArgument,
                "the answers cannot be finalised with this form:" + problems);
  }
  add_computed_values(answers, snapshot);
  doorstep::sync::check_visit_answers(answers, store->store.change_limits());
  auto rules = doorstep::sync::merge_rules_of_form(form);
  if (!rules.empty()) store->store.set_merge_rules(rules);
  // The form this visit used is one this replica classifies with from now on.
  std::string key =
      snapshot.value("form_id", std::string()) + "@" + snapshot.value("version", std::string());
  bool known = false;
  for (const auto& [k, text] : store->store.forms()) known = known || k == key;
  if (!known) {
    store->store.install_form(key, form.dump());
    store->store.refresh_classifier();
  }

  doorstep::store::VisitInput visit;
  visit.household_id = household_id;
  visit.form_id = snapshot.value("form_id", std::string());
  visit.form_version = snapshot.value("version", std::string());
  visit.answers = answers;
  visit.risk = snapshot["risk"];  // what the visitor was shown
  // The visit keeps the codes; labels are for the screen, in whatever language it shows.
  visit.risk.erase("level_label");
  visit.risk.erase("monitoring_type_label");
  if (answers.contains("location")) visit.gps = answers["location"];
  visit.task = task.task;
  visit.verdict = task.verdict;
  std::string id = store->store.record_visit(visit);
  // The warning this visit raised, if it raised one (with its case and verify task).
  json warning = nullptr;
  doorstep::store::MonitoringFilter mine;
  mine.household = household_id;
  json raised = store->store.warnings(mine)["warnings"];
  for (const auto& w : raised)
    if (w["trigger"] == "visit:" + id) {
      warning = {{"id", w["id"]}, {"level", w["level"]}, {"case", w["case"]}};
      doorstep::store::MonitoringFilter tasks;
      tasks.household = household_id;
      json open = store->store.tasks(tasks)["tasks"];
      for (const auto& t : open)
        if (t["case"] == w["case"] && t["kind"] == "verify") warning["task"] = t["id"];
    }
  // The household's level is that of its merged state after the visit.
  json risk = store->store.household_risk(household_id);
  if (!risk.is_object()) risk = snapshot["risk"];
  return json{{"visit_id", id},
              {"risk", rendered_risk(store->store, risk, language)},
              {"visit_risk", snapshot["risk"]},
              {"warning", warning}};
}

}  // namespace

extern "C" {

ds_store* ds_store_init(const char* path, const char* options_json, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<ds_store*>(nullptr), [&] {
    require_arg(path, "path");
    json options = parse_object_arg(options_json, "options_json");
    const std::set<std::string> known{"name", "role", "scope", "key_secret"};
    doorstep::store::InitOptions init;
    init.name = option(options, "name", known);
    std::string role = option(options, "role", known);
    if (!role.empty()) init.role = role;
    init.scope = option(options, "scope", known);
    init.key_secret = option(options, "key_secret", known);
    return new ds_store{doorstep::store::Store::create(path, init)};
  });
}

ds_store* ds_store_open(const char* path, const char* options_json, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<ds_store*>(nullptr), [&] {
    require_arg(path, "path");
    json options = parse_object_arg(options_json, "options_json");
    doorstep::store::OpenOptions open;
    open.key_secret = option(options, "key_secret", {"key_secret"});
    return new ds_store{doorstep::store::Store::open(path, open)};
  });
}

void ds_store_free(ds_store* store) noexcept {
  delete store;
}

char* ds_store_identity(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    const auto& id = store->store.identity();
    return owned(
        json{{"device_id", id.device_id},
             {"name", id.name},
             {"role", id.role},
             {"scope", id.scope},
             {"public_key", doorstep::crypto::to_hex(id.public_key.data(), id.public_key.size())}}
            .dump());
  });
}

char* ds_store_household_add(ds_store* store, const char* grid, const char* fields_json,
                             ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(grid, "grid");
    return owned(store->store.add_household(grid, parse_object_arg(fields_json, "fields_json")));
  });
}

char* ds_store_member_add(ds_store* store, const char* household_id, const char* fields_json,
                          ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(household_id, "household_id");
    return owned(
        store->store.add_member(household_id, parse_object_arg(fields_json, "fields_json")));
  });
}

bool ds_store_household_move(ds_store* store, const char* household_id, const char* grid,
                             const char* reason, ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(store, "store");
    require_arg(household_id, "household_id");
    require_arg(grid, "grid");
    require_arg(reason, "reason");
    store->store.move_household(household_id, grid, reason);
    return true;
  });
}

int64_t ds_store_household_set(ds_store* store, const char* record_id, const char* fields_json,
                               ds_error* out_error) noexcept {
  return guarded(out_error, int64_t{-1}, [&] {
    require_arg(store, "store");
    require_arg(record_id, "record_id");
    require_arg(fields_json, "fields_json");
    return static_cast<int64_t>(
        store->store.set_fields(record_id, parse_object_arg(fields_json, "fields_json")));
  });
}

char* ds_store_household_show(ds_store* store, const char* household_id,
                              ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(household_id, "household_id");
    json household = store->store.household(household_id);
    household["risk"] = rendered_risk(store->store, household["risk"], "");
    return owned(household.dump());
  });
}

char* ds_store_household_list(ds_store* store, const char* grid_prefix, const char* level,
                              ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    return owned(store->store.households(text_or_empty(grid_prefix), text_or_empty(level)).dump());
  });
}

char* ds_store_household_history(ds_store* store, const char* household_id, const char* field,
                                 ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(household_id, "household_id");
    return owned(store->store.history(household_id, text_or_empty(field)).dump());
  });
}

char* ds_store_visit(ds_store* store, const char* household_id, const char* form_json,
                     const char* answers_json, const char* params_json,
                     ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(household_id, "household_id");
    require_arg(form_json, "form_json");
    require_arg(answers_json, "answers_json");
    json params = parse_arg(params_json, "params_json");
    if (!params.is_null() && !params.is_object())
      throw Error(ErrorCode::InvalidArgument, "params is not valid: a JSON object {name: value}");
    return owned(
        store_visit(store, household_id, form_json, answers_json, params, false, "").dump());
  });
}

char* ds_store_visit_with(ds_store* store, const char* household_id, const char* form_json,
                          const char* answers_json, const char* options_json,
                          ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(household_id, "household_id");
    require_arg(form_json, "form_json");
    require_arg(answers_json, "answers_json");
    json options = parse_object_arg(options_json, "options_json");
    json params;
    bool prefill = false;
    std::string language;
    VisitTask task;
    for (const auto& [name, value] : options.items()) {
      if (name == "params") {
        if (!value.is_null() && !value.is_object())
          throw Error(ErrorCode::InvalidArgument,
                      "params is not valid: options.params must be a JSON object {name: value}");
        params = value;
      } else if (name == "prefill") {
        if (!value.is_boolean())
          throw Error(ErrorCode::InvalidArgument, "options: \"prefill\" must be true or false");
        prefill = value.get<bool>();
      } else if (name == "language") {
        if (!value.is_string())
          throw Error(ErrorCode::InvalidArgument, "options: \"language\" must be a string");
        language = value.get<std::string>();
      } else if (name == "task" || name == "verdict") {
        if (!value.is_string())
          throw Error(ErrorCode::InvalidArgument, "options: \"" + name + "\" must be a string");
        (name == "task" ? task.task : task.verdict) = value.get<std::string>();
      } else {
        throw Error(ErrorCode::InvalidArgument, "options: unknown option \"" + name + "\"");
      }
    }
    return owned(
        store_visit(store, household_id, form_json, answers_json, params, prefill, language, task)
            .dump());
  });
}

bool ds_store_member_leave(ds_store* store, const char* member_id, const char* reason,
                           const char* date, const char* note, ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(store, "store");
    require_arg(member_id, "member_id");
    require_arg(reason, "reason");
    require_arg(date, "date");
    store->store.member_leave(member_id, reason, date, text_or_empty(note));
    return true;
  });
}

char* ds_store_county_settings(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    return owned(store->store.county_settings().dump());
  });
}

char* ds_store_change_limits(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    return owned(store->store.change_limits().to_json().dump());
  });
}

char* ds_store_conflicts(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    return owned(store->store.conflicts().dump());
  });
}

bool ds_store_resolve(ds_store* store, const char* record_id, const char* field,
                      const char* value_json, ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(store, "store");
    require_arg(record_id, "record_id");
    require_arg(field, "field");
    require_arg(value_json, "value_json");
    store->store.resolve(record_id, field, parse_arg(value_json, "value_json"));
    return true;
  });
}

char* ds_store_propose(ds_store* store, const char* record_id, const char* field,
                       const char* value_json, const char* note, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(record_id, "record_id");
    require_arg(field, "field");
    require_arg(value_json, "value_json");
    return owned(store->store.propose(record_id, field, parse_arg(value_json, "value_json"),
                                      note ? note : ""));
  });
}

bool ds_store_set_merge_rules(ds_store* store, const char* rules_json,
                              ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(store, "store");
    json rules = parse_object_arg(rules_json, "rules_json");
    std::map<std::string, doorstep::sync::MergeRule> parsed;
    for (const auto& [field, rule] : rules.items())
      parsed[field] = doorstep::sync::merge_rule_from_json(rule, "rules_json." + field);
    store->store.set_merge_rules(parsed);
    return true;
  });
}

char* ds_store_digest(ds_store* store, const char* scope, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    return owned(store->store.digest(text_or_empty(scope)));
  });
}

bool ds_draft_save(ds_store* store, const char* draft_json, ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(store, "store");
    require_arg(draft_json, "draft_json");
    store->store.save_draft(parse_object_arg(draft_json, "draft_json"));
    return true;
  });
}

char* ds_draft_load(ds_store* store, const char* form_id, const char* household_id,
                    ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    require_arg(form_id, "form_id");
    std::string household = text_or_empty(household_id);
    auto draft = store->store.draft(form_id, household);
    if (!draft)
      throw Error(ErrorCode::NotFound, std::string("no draft of form '") + form_id + "'" +
                                           (household.empty() ? std::string(" without a household")
                                                              : " for household " + household));
    return owned(draft->dump());
  });
}

char* ds_draft_list(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    return owned(store->store.drafts().dump());
  });
}

int32_t ds_draft_discard(ds_store* store, const char* form_id, const char* household_id,
                         ds_error* out_error) noexcept {
  return guarded(out_error, int32_t{-1}, [&] {
    require_arg(store, "store");
    require_arg(form_id, "form_id");
    return store->store.discard_draft(form_id, text_or_empty(household_id)) ? int32_t{1}
                                                                            : int32_t{0};
  });
}

char* ds_store_check(ds_store* store, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(store, "store");
    auto problems = store->store.check();
    return owned(json{{"ok", problems.empty()}, {"problems", problems}}.dump());
  });
}

}  // extern "C"
