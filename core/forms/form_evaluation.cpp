// JSON views of forms and sessions.
#include "core/forms/form_evaluation.h"

#include <cmath>

#include "core/common/bounded_decode.h"
#include "core/common/error.h"
#include "core/model/monitoring_type.h"

namespace doorstep::forms {
namespace {

using nlohmann::json;

// A JSON scalar as a node value; nullopt for arrays and objects.
std::optional<std::string> node_text(const json& value) {
  if (value.is_null()) return std::string();
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false");
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number_unsigned()) return std::to_string(value.get<unsigned long long>());
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 1e15)
      return std::to_string(static_cast<long long>(d));
    return value.dump();
  }
  return std::nullopt;
}

json answer_error(const std::string& name, int instance, const std::string& message) {
  json e = {{"name", name}, {"kind", "answer"}, {"message", message}};
  if (instance >= 0) e["instance"] = instance;
  return e;
}

void apply_value(FormSession& session, const std::string& name, int instance, const json& value,
                 json& errors) {
  auto text = node_text(value);
  if (!text) {
    errors.push_back(
        answer_error(name, instance, "the answer to '" + name + "' must be a string or a number"));
    return;
  }
  try {
    session.set_answer(name, instance, *text);
  } catch (const Error& e) {
    errors.push_back(answer_error(name, instance, e.what()));
  }
}

json localized(const LocalizedText& text, const std::string& language,
               const std::string& fallback) {
  std::string t = forms::pick_language(text, language, fallback);
  return t.empty() ? json() : json(t);
}

json outline_item(const FormDefinition& form, const FormItem& item, const std::string& language) {
  const std::string& fallback = form.settings.default_language;
  json out = {{"name", item.name},
              {"type", type_name(item.type)},
              {"label", localized(item.label, language, fallback)}};
  if (!item.hint.empty()) out["hint"] = localized(item.hint, language, fallback);
  if (item.required) out["required"] = true;
  if (item.read_only || item.calculation) out["read_only"] = true;
  // A revisit computes these afresh (the visit date, an age from the ID number) instead of
  // taking the stored answer, as ds_store_visit_with's prefill does.
  if (item.default_expression) out["computed_default"] = true;
  if (!item.appearance.empty()) out["appearance"] = item.appearance;
  if (item.repeat_count) out["repeat_count"] = item.repeat_count->text();
  if (const auto* list = form.choice_list(item.list_name)) {
    json choices = json::array();
    for (const auto& c : *list)
      choices.push_back({{"name", c.name}, {"label", localized(c.label, language, fallback)}});
    out["choices"] = choices;
  }
  if (item.type == ItemType::Group || item.type == ItemType::Repeat) {
    json children = json::array();
    for (int child : item.children)
      children.push_back(outline_item(form, form.items[static_cast<size_t>(child)], language));
    out["children"] = children;
  }
  return out;
}

}  // namespace

json risk_to_json(const forms::RiskResult& risk) {
  json fired = json::array();
  for (const auto& rule : risk.fired)
    fired.push_back(
        {{"id", rule.id}, {"level", forms::to_string(rule.level)}, {"message", rule.message}});
  return {{"level", forms::to_string(risk.level)},
          {"rules", fired},
          {"monitoring_type", risk.monitoring_type.empty() ? json() : json(risk.monitoring_type)}};
}

json snapshot_to_json(const FormSession& session, const FormSnapshot& snapshot) {
  const FormDefinition& form = session.form();
  const std::string& language = session.language();
  json questions = json::array();
  json calculated = json::object();
  json errors = json::array();
  json warnings = json::array();
  for (const auto& q : snapshot.questions) {
    const FormItem& item = *q.item;
    json entry = {{"name", item.name},
                  {"type", type_name(item.type)},
                  {"visible", q.visible},
                  {"required", q.required},
                  {"value", q.value}};
    if (item.repeat >= 0) {
      entry["repeat"] = form.items[static_cast<size_t>(item.repeat)].name;
      entry["instance"] = q.instance;
    }
    json label = localized(item.label, language, form.settings.default_language);
    if (!label.is_null()) entry["label"] = label;
    if (!q.error.empty()) {
      entry["error"] = q.error;
      json e = {{"name", item.name},
                {"kind", q.missing ? "required" : "constraint"},
                {"message", q.error}};
      if (q.instance >= 0) e["instance"] = q.instance;
      errors.push_back(e);
    }
    if (!q.warning.empty()) {
      entry["warning"] = q.warning;
      json w = {{"name", item.name}, {"message", q.warning}};
      if (q.instance >= 0) w["instance"] = q.instance;
      warnings.push_back(std::move(w));
    }
    if (!q.evaluation_error.empty()) {
      json e = {{"name", item.name}, {"kind", "expression"}, {"message", q.evaluation_error}};
      if (q.instance >= 0) e["instance"] = q.instance;
      errors.push_back(e);
    }
    questions.push_back(std::move(entry));
    if (item.type != ItemType::Calculate) continue;
    if (item.repeat < 0) {
      calculated[item.name] = q.value;
    } else {
      if (!calculated.contains(item.name)) calculated[item.name] = json::array();
      calculated[item.name].push_back(q.value);
    }
  }
  // A repeat with no instance still names its calculations, as empty lists.
  for (const auto& item : form.items)
    if (item.type == ItemType::Calculate && item.repeat >= 0 && !calculated.contains(item.name))
      calculated[item.name] = json::array();
  for (const auto& message : snapshot.risk.errors)
    errors.push_back({{"kind", "rule"}, {"message", message}});
  json risk = risk_to_json(snapshot.risk);
  // Labels for a person, in the session's language; the codes stay the contract.
  risk["level_label"] = model::risk_level_label(risk["level"].get<std::string>(), language);
  risk["monitoring_type_label"] =
      snapshot.risk.monitoring_type.empty()
          ? json()
          : json(model::monitoring_type_label(snapshot.risk.monitoring_type, language));
  return json{{"form_id", form.settings.form_id},
              {"version", form.settings.version},
              {"language", language},
              {"can_finalise", snapshot.can_finalise},
              {"risk", risk},
              {"calculated", calculated},
              {"errors", errors},
              {"warnings", warnings},
              {"questions", questions}};
}

json answers_to_json(const FormSession::Answers& answers) {
  json out = json::object();
  for (const auto& [name, value] : answers.values) out[name] = value;
  for (const auto& [name, instances] : answers.repeats) {
    json list = json::array();
    for (const auto& values : instances) list.push_back(json(values));
    out[name] = list;
  }
  return out;
}

json apply_answers(FormSession& session, const json& answers) {
  if (!answers.is_object())
    throw Error(ErrorCode::InvalidArgument, "answers must be a JSON object {name: value, ...}");
  json errors = json::array();
  FormSession::Batch batch(session);
  const FormDefinition& form = session.form();
  for (const auto& [name, value] : answers.items()) {
    const FormItem* item = form.find(name);
    if (item && item->type == ItemType::Repeat) {
      if (!value.is_array()) {
        errors.push_back(answer_error(name, -1,
                                      "'" + name +
                                          "' is a repeat: its answers must "
                                          "be an array of objects"));
        continue;
      }
      for (const auto& instance_answers : value) {
        int index = session.add_repeat_instance(name);
        if (!instance_answers.is_object()) {
          errors.push_back(
              answer_error(name, index, "each instance of '" + name + "' must be an object"));
          continue;
        }
        for (const auto& [child, child_value] : instance_answers.items()) {
          const FormItem* c = form.find(child);
          if (!c || c->repeat != item->index) {
            errors.push_back(answer_error(child, index,
                                          "'" + child +
                                              "' is not a question of "
                                              "repeat '" +
                                              name + "'"));
            continue;
          }
          apply_value(session, child, index, child_value, errors);
        }
      }
      continue;
    }
    if (item && item->repeat >= 0) {
      errors.push_back(answer_error(name, -1,
                                    "'" + name + "' is inside repeat '" +
                                        form.items[static_cast<size_t>(item->repeat)].name +
                                        "': give it in that repeat's array"));
      continue;
    }
    apply_value(session, name, -1, value, errors);
  }
  return errors;
}

std::map<std::string, std::string> params_from_json(const json& params) {
  std::map<std::string, std::string> out;
  if (params.is_null()) return out;
  if (!params.is_object())
    throw Error(ErrorCode::InvalidArgument, "params must be a JSON object {name: value}");
  for (const auto& [name, value] : params.items()) {
    auto text = node_text(value);
    if (!text)
      throw Error(ErrorCode::InvalidArgument, "param '" + name + "' must be a string or a number");
    out[name] = *text;
  }
  return out;
}

namespace {
json parse_argument(std::string_view text, const char* what) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return json();
  return parse_json_bounded(text, kDocumentJsonLimits, what);
}
}  // namespace

json evaluate_form(std::string_view form_json, std::string_view answers_json,
                   std::string_view params_json, const std::string& language) {
  auto form = load_form_or_throw(form_json, "form");
  json params = parse_argument(params_json, "params");
  json answers = parse_argument(answers_json, "answers");
  return evaluate_form(form, answers, params_from_json(params), language);
}

json evaluate_form(const std::shared_ptr<const FormDefinition>& form, const json& answers,
                   const std::map<std::string, std::string>& params, const std::string& language) {
  FormSession session(form, params, language);
  json errors = answers.is_null() ? json::array() : apply_answers(session, answers);
  json snapshot = snapshot_to_json(session, session.snapshot());
  for (auto& e : errors) snapshot["errors"].push_back(std::move(e));
  if (!errors.empty()) snapshot["can_finalise"] = false;
  return snapshot;
}

json outline_to_json(const FormDefinition& form, const std::string& language) {
  std::string lang = language.empty() ? form.settings.default_language : language;
  json items = json::array();
  for (int root : form.roots)
    items.push_back(outline_item(form, form.items[static_cast<size_t>(root)], lang));
  json params = json::object();
  for (const auto& p : form.params) params[p.name] = p.default_value;
  return json{{"form_id", form.settings.form_id},
              {"version", form.settings.version},
              {"language", lang},
              {"title", localized(form.settings.title, lang, form.settings.default_language)},
              {"params", params},
              {"survey", items}};
}

json issues_to_json(const std::vector<FormIssue>& issues) {
  json out = json::array();
  for (const auto& i : issues)
    out.push_back({{"file", i.source},
                   {"line", i.line},
                   {"column", i.column},
                   {"pointer", i.pointer},
                   {"message", i.message}});
  return out;
}

}  // namespace doorstep::forms
