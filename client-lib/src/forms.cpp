// The C ABI of form definitions and form sessions (doorstep_forms.h).
#include <memory>

#include "client-lib/src/abi_support.h"
#include "client-lib/src/store_handle.h"
#include "core/common/bounded_decode.h"
#include "core/forms/form_evaluation.h"
#include "core/forms/form_loader.h"
#include "core/forms/form_session.h"
#include "core/monitoring/calendar.h"
#include "core/rules/household_classifier.h"

struct ds_form {
  std::shared_ptr<const doorstep::forms::FormDefinition> definition;
};

struct ds_form_session {
  std::unique_ptr<doorstep::forms::FormSession> session;
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

char* owned_json(const json& value) {
  char* out = copy_string(value.dump());
  if (out == nullptr) throw std::bad_alloc();
  return out;
}

std::string optional_text(const char* text) {
  return text ? std::string(text) : std::string();
}

json parse_object(const char* text, const char* what) {
  if (text == nullptr) return json();
  return parse_json_bounded(text, kDocumentJsonLimits, what);
}

}  // namespace

extern "C" {

char* ds_form_check(const char* form_json, const char* source_name, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(form_json, "form_json");
    std::string source = source_name ? source_name : "form";
    auto result = doorstep::forms::load_form(form_json, source);
    return owned_json(json{{"valid", result.issues.empty()},
                           {"errors", doorstep::forms::issues_to_json(result.issues)}});
  });
}

ds_form* ds_form_load(const char* form_json, const char* source_name,
                      ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<ds_form*>(nullptr), [&] {
    require_arg(form_json, "form_json");
    auto form = std::make_unique<ds_form>();
    form->definition =
        doorstep::forms::load_form_or_throw(form_json, source_name ? source_name : "form");
    return form.release();
  });
}

void ds_form_free(ds_form* form) noexcept {
  delete form;
}

char* ds_form_outline(const ds_form* form, const char* lang, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(form, "form");
    return owned_json(doorstep::forms::outline_to_json(*form->definition, optional_text(lang)));
  });
}

ds_form_session* ds_form_session_new(const ds_form* form, const char* params_json, const char* lang,
                                     ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<ds_form_session*>(nullptr), [&] {
    require_arg(form, "form");
    auto params = doorstep::forms::params_from_json(parse_object(params_json, "params_json"));
    auto session = std::make_unique<ds_form_session>();
    session->session = std::make_unique<doorstep::forms::FormSession>(form->definition, params,
                                                                      optional_text(lang));
    return session.release();
  });
}

void ds_form_session_free(ds_form_session* session) noexcept {
  delete session;
}

bool ds_form_session_set_answer(ds_form_session* session, const char* name, int32_t instance,
                                const char* value, ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(session, "session");
    require_arg(name, "name");
    session->session->set_answer(name, instance, optional_text(value));
    return true;
  });
}

int32_t ds_form_session_add_repeat(ds_form_session* session, const char* repeat_name,
                                   ds_error* out_error) noexcept {
  return guarded(out_error, int32_t{-1}, [&] {
    require_arg(session, "session");
    require_arg(repeat_name, "repeat_name");
    return static_cast<int32_t>(session->session->add_repeat_instance(repeat_name));
  });
}

bool ds_form_session_remove_repeat(ds_form_session* session, const char* repeat_name, int32_t index,
                                   ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(session, "session");
    require_arg(repeat_name, "repeat_name");
    session->session->remove_repeat_instance(repeat_name, index);
    return true;
  });
}

char* ds_form_session_apply_answers(ds_form_session* session, const char* answers_json,
                                    ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(session, "session");
    require_arg(answers_json, "answers_json");
    return owned_json(
        doorstep::forms::apply_answers(*session->session, parse_object(answers_json, "answers")));
  });
}

char* ds_form_session_question(const ds_form_session* session, const char* name, int32_t instance,
                               ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(session, "session");
    require_arg(name, "name");
    auto q = session->session->question(name, instance);
    json out = {{"name", q.item->name},
                {"visible", q.visible},
                {"required", q.required},
                {"value", q.value}};
    if (instance >= 0) out["instance"] = instance;
    if (!q.error.empty()) out["error"] = q.error;
    if (!q.warning.empty()) out["warning"] = q.warning;
    if (!q.evaluation_error.empty()) out["evaluation_error"] = q.evaluation_error;
    return owned_json(out);
  });
}

char* ds_form_session_snapshot(const ds_form_session* session, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(session, "session");
    return owned_json(
        doorstep::forms::snapshot_to_json(*session->session, session->session->snapshot()));
  });
}

char* ds_form_session_answers(const ds_form_session* session, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(session, "session");
    return owned_json(doorstep::forms::answers_to_json(session->session->answers()));
  });
}

bool ds_form_session_set_clock(ds_form_session* session, double seconds_since_epoch,
                               ds_error* out_error) noexcept {
  return guarded(out_error, false, [&] {
    require_arg(session, "session");
    session->session->set_clock(seconds_since_epoch);
    return true;
  });
}

char* ds_form_evaluate(const char* form_json, const char* answers_json, const char* params_json,
                       const char* lang, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&] {
    require_arg(form_json, "form_json");
    return owned_json(doorstep::forms::evaluate_form(
        form_json, optional_text(answers_json), optional_text(params_json), optional_text(lang)));
  });
}

char* ds_store_form_params(ds_store* store, const ds_form* form, ds_error* out_error) noexcept {
  return guarded(out_error, static_cast<char*>(nullptr), [&]() -> char* {
    require_arg(store, "store");
    require_arg(form, "form");
    int year = doorstep::monitoring::today().year();
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [name, value] : doorstep::rules::params_from_settings(
             *form->definition, store->store.county_settings(), year))
      params[name] = value;
    return copy_string(nlohmann::json{{"params", params}, {"year", year}}.dump());
  });
}

}  // extern "C"
