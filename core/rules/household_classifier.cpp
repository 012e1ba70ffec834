// HouseholdClassifier: the form's risk rules over a household's merged state.
#include "core/rules/household_classifier.h"

#include <cstdlib>
#include <ctime>

#include "core/common/error.h"
#include "core/forms/dates.h"
#include "core/forms/form_evaluation.h"
#include "core/forms/form_loader.h"
#include "core/forms/form_session.h"
#include "core/model/monitoring_type.h"
#include "core/store/store.h"

namespace doorstep::rules {
namespace {

using nlohmann::json;

// The answers a form session takes from a record's fields: only the form's answerable
// questions at `repeat` (-1 = top level), so fields the form does not ask (a member's
// departure, fields of another form) are left out rather than reported as errors.
json answers_of(const forms::FormDefinition& form, const json& fields, int repeat) {
  json out = json::object();
  if (!fields.is_object()) return out;
  for (const auto& [name, value] : fields.items()) {
    const forms::FormItem* item = form.find(name);
    if (!item || item->repeat != repeat || !forms::is_answerable(item->type)) continue;
    if (item->calculation) continue;
    if (!value.is_string() && !value.is_number()) continue;
    out[name] = value;
  }
  return out;
}

int year_of(double seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

// The value a rule read, as the session holds it: one value at the top level, the list of
// the instances' values for a question of a repeat.
json value_read(const forms::FormSession& session, const forms::FormDefinition& form,
                const std::map<std::string, std::string>& params, const std::string& name) {
  if (auto p = params.find(name); p != params.end()) return p->second;
  for (const auto& param : form.params)
    if (param.name == name) return param.default_value;
  const forms::FormItem* item = form.find(name);
  if (!item) return nullptr;
  if (item->repeat < 0) {
    std::string value = session.question(name, -1).value;
    return value.empty() ? json() : json(value);
  }
  json list = json::array();
  const std::string& repeat = form.items[static_cast<size_t>(item->repeat)].name;
  for (int i = 0; i < session.repeat_instances(repeat); ++i) {
    std::string value = session.question(name, i).value;
    list.push_back(value.empty() ? json() : json(value));
  }
  return list;
}

}  // namespace

std::string HouseholdClassifier::add_form(std::string_view text, const std::string& source) {
  auto form = forms::load_form_or_throw(text, source);
  std::string key = form->settings.form_id + "@" + form->settings.version;
  forms_[key] = std::move(form);
  default_ = key;
  return key;
}

std::shared_ptr<const forms::FormDefinition> HouseholdClassifier::form(
    const std::string& key) const {
  auto it = forms_.find(key);
  return it == forms_.end() ? nullptr : it->second;
}

std::map<std::string, std::string> params_from_settings(const forms::FormDefinition& form,
                                                        const json& settings, int year) {
  std::map<std::string, std::string> params;
  if (!settings.is_object()) return params;
  for (const auto& param : form.params) {
    json chosen;
    if (auto it = settings.find(param.name); it != settings.end()) chosen = *it;
    int best = -1;
    std::string prefix = param.name + "_";
    for (const auto& [name, value] : settings.items()) {
      if (name.size() != prefix.size() + 4 || name.compare(0, prefix.size(), prefix) != 0) continue;
      std::string digits = name.substr(prefix.size());
      if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
      int y = std::stoi(digits);
      if (y <= year && y > best) {
        best = y;
        chosen = value;
      }
    }
    if (chosen.is_number() || chosen.is_string())
      params[param.name] = forms::params_from_json(json{{param.name, chosen}}).at(param.name);
  }
  return params;
}

std::optional<json> HouseholdClassifier::classify(const json& state, const json& settings,
                                                  double today_seconds) const {
  // A household nobody has visited yet has no level: green would say it was checked.
  if (!state.contains("form_version") || !state["form_version"].is_string() ||
      state["form_version"].get<std::string>().empty())
    return std::nullopt;
  std::shared_ptr<const forms::FormDefinition> form =
      this->form(state["form_version"].get<std::string>());
  if (!form) form = this->form(default_);
  if (!form) return std::nullopt;
  double now = today_seconds >= 0 ? today_seconds : static_cast<double>(std::time(nullptr));
  std::map<std::string, std::string> params = params_from_settings(*form, settings, year_of(now));
  forms::FormSession session(form, params, form->settings.default_language);
  if (today_seconds >= 0) session.set_clock(today_seconds);
  json answers = answers_of(*form, state.value("fields", json::object()), -1);
  // Every repeat of members: the current members, in the store's order.
  for (const auto& item : form->items) {
    if (item.type != forms::ItemType::Repeat || item.repeat >= 0) continue;
    json instances = json::array();
    if (state.contains("members") && state["members"].is_array() && item.name == "members")
      for (const auto& member : state["members"])
        instances.push_back(answers_of(*form, member.value("fields", json::object()), item.index));
    if (!instances.empty()) answers[item.name] = std::move(instances);
  }
  forms::apply_answers(session, answers);  // values that do not fit are left unanswered
  forms::RiskResult result = session.risk();
  json rules = json::array();
  for (const auto& fired : result.fired) {
    json values = json::object();
    for (const auto& rule : form->rules) {
      if (rule.id != fired.id) continue;
      for (const auto& name : rule.when.references())
        values[name] = value_read(session, *form, params, name);
    }
    rules.push_back({{"id", fired.id}, {"level", to_string(fired.level)}, {"values", values}});
  }
  json out = {
      {"level", to_string(result.level)},
      {"monitoring_type", result.monitoring_type.empty() ? json() : json(result.monitoring_type)},
      {"rules", rules},
      {"form_version", form->settings.form_id + "@" + form->settings.version}};
  if (!result.errors.empty()) out["errors"] = result.errors;
  // What the monitoring loop's elimination check reads: the per-capita income against the
  // monitoring threshold, when the form has both (docs/monitoring.md).
  if (form->find("income_per_capita")) {
    auto number = [](const json& value) -> std::optional<double> {
      if (value.is_number()) return value.get<double>();
      if (!value.is_string() || value.get<std::string>().empty()) return std::nullopt;
      const std::string& text = value.get_ref<const std::string&>();
      char* end = nullptr;
      double parsed = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size()) return std::nullopt;
      return parsed;
    };
    auto per_capita = number(value_read(session, *form, params, "income_per_capita"));
    auto threshold = number(value_read(session, *form, params, "monitoring_threshold"));
    if (per_capita && threshold)
      out["income"] = {{"per_capita", *per_capita}, {"monitoring_threshold", *threshold}};
  }
  return out;
}

json HouseholdClassifier::render(const json& risk, const std::string& language) const {
  json out = risk;
  if (!out.is_object()) return out;
  std::shared_ptr<const forms::FormDefinition> form;
  if (out.contains("form_version") && out["form_version"].is_string())
    form = this->form(out["form_version"].get<std::string>());
  if (!form) form = this->form(default_);
  std::string lang = language.empty() && form ? form->settings.default_language : language;
  if (out.contains("rules") && out["rules"].is_array() && form) {
    for (auto& rule : out["rules"]) {
      if (!rule.is_object() || !rule.contains("id") || !rule["id"].is_string()) continue;
      for (const auto& defined : form->rules)
        if (defined.id == rule["id"].get<std::string>())
          rule["message"] =
              forms::pick_language(defined.message, lang, form->settings.default_language);
    }
  }
  if (out.contains("monitoring_type") && out["monitoring_type"].is_string())
    out["monitoring_type_label"] =
        model::monitoring_type_label(out["monitoring_type"].get<std::string>(), lang);
  return out;
}

}  // namespace doorstep::rules

namespace doorstep::rules {

std::shared_ptr<const HouseholdClassifier> classifier_of(const store::Store& store) {
  auto classifier = std::make_shared<HouseholdClassifier>();
  for (const auto& [key, text] : store.forms()) {
    try {
      classifier->add_form(text, key);
    } catch (const Error&) {
      // A form that does not load classifies nothing; the others still do.
    }
  }
  if (classifier->empty()) return nullptr;
  return classifier;
}

double pinned_today_seconds() {
  const char* pinned = std::getenv("DOORSTEP_TODAY");
  if (!pinned || !*pinned) return -1;
  auto date = forms::dates::parse(pinned, 0);
  if (!date || date->has_time) return -1;
  return date->days * 86400.0 + 12 * 3600.0;  // noon: the same day in every zone
}

void use_form_classifier() {
  store::Store::set_classifier_factory([](store::Store& store) {
    std::shared_ptr<const HouseholdClassifier> classifier = classifier_of(store);
    if (!classifier) {
      store.set_classifier({});
      return;
    }
    store.set_classifier([classifier](const nlohmann::json& state, const nlohmann::json& settings) {
      return classifier->classify(state, settings, pinned_today_seconds());
    });
  });
}

}  // namespace doorstep::rules
