// The C ABI of the local store (doorstep_store.h). A visit is where the store meets the form
// engine: the form, the answers and the county params are evaluated here (risk level and
// the rules that fired), and the store keeps the result with the visit; the store itself
// knows nothing of forms beyond their id and version.
#include <map>
#include <set>

#include "client-lib/src/abi_support.h"
#include "core/common/bounded_decode.h"
#include "core/crypto/hash.h"
#include "core/forms/form_evaluation.h"
#include "core/store/store.h"

struct ds_store {
  doorstep::store::Store store;
};

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

// Per-field merge rules a form declares with "merge": "review" | "lww" on its questions.
void collect_merge_rules(const json& items,
                         std::map<std::string, doorstep::sync::FieldRule>& rules) {
  if (!items.is_array()) return;
  for (const auto& item : items) {
    if (!item.is_object()) continue;
    if (item.contains("merge") && item["merge"].is_string() && item.contains("name") &&
        item["name"].is_string())
      rules[item["name"].get<std::string>()] =
          doorstep::sync::field_rule_from_string(item["merge"].get<std::string>());
    if (item.contains("children")) collect_merge_rules(item["children"], rules);
  }
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
    return owned(store->store.household(household_id).dump());
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
    json form = parse_object_arg(form_json, "form_json");
    json answers = parse_object_arg(answers_json, "answers_json");
    // Sizes first: answers the county would refuse are not worth evaluating.
    doorstep::sync::check_visit_answers(answers, store->store.change_limits());
    std::string language = "zh";
    if (form.contains("settings") && form["settings"].is_object() &&
        form["settings"].contains("default_language") &&
        form["settings"]["default_language"].is_string())
      language = form["settings"]["default_language"].get<std::string>();
    // A member's "member_id" tells the store which member the answers are about; it is no
    // question of the form, so the evaluation does not see it.
    json evaluated = answers;
    if (auto members = evaluated.find("members"); members != evaluated.end() && members->is_array())
      for (auto& member : *members)
        if (member.is_object()) member.erase("member_id");
    json snapshot = doorstep::forms::evaluate_form(form_json, evaluated.dump(),
                                                   params_json ? params_json : "", language);
    if (!snapshot.value("can_finalise", false)) {
      std::string problems;
      for (const auto& e : snapshot["errors"]) {
        if (problems.size() > 400) break;
        problems += "\n  " + e.value("name", std::string("form")) + ": " +
                    e.value("message", std::string());
      }
      throw Error(ErrorCode::InvalidArgument,
                  "the answers cannot be finalised with this form:" + problems);
    }
    std::map<std::string, doorstep::sync::FieldRule> rules;
    if (form.contains("survey")) collect_merge_rules(form["survey"], rules);
    if (!rules.empty()) store->store.set_merge_rules(rules);

    doorstep::store::VisitInput visit;
    visit.household_id = household_id;
    visit.form_id = snapshot.value("form_id", std::string());
    visit.form_version = snapshot.value("version", std::string());
    visit.answers = answers;
    visit.risk = snapshot["risk"];
    // The visit keeps the codes; labels are for the screen, in whatever language it shows.
    visit.risk.erase("level_label");
    visit.risk.erase("monitoring_type_label");
    if (answers.contains("location")) visit.gps = answers["location"];
    std::string id = store->store.record_visit(visit);
    return owned(json{{"visit_id", id}, {"risk", visit.risk}}.dump());
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

bool ds_store_set_merge_rules(ds_store* store, const char* rules_json,
                              ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(store, "store");
    json rules = parse_object_arg(rules_json, "rules_json");
    std::map<std::string, doorstep::sync::FieldRule> parsed;
    for (const auto& [field, rule] : rules.items()) {
      if (!rule.is_string())
        throw Error(ErrorCode::InvalidArgument,
                    "rules_json: the rule of \"" + field + "\" must be a string");
      parsed[field] = doorstep::sync::field_rule_from_string(rule.get<std::string>());
    }
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
