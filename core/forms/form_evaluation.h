// Forms as JSON texts: the snapshot of a session, the answers of a household, the outline of
// a form for a shell to render, and the one-call evaluation the store and the server use:
// form definition + answers + county parameters + language -> snapshot.
//
// Answers JSON: {"name": value, ..., "members": [{"name": value, ...}, ...]}; values are
// strings or numbers (null or "" = unanswered); select_multiple is a space-separated string.
// The snapshot JSON is documented in docs/forms.md ("The snapshot").
//
// Thread-safety: pure functions over their arguments.
// Failure: evaluate_form() throws doorstep::Error(InvalidForm) for a bad definition (all its
// issues, one per line) and InvalidArgument for answers or params that are not JSON of the
// right shape; answers that do not fit their question are reported in the snapshot's
// "errors" (kind "answer") and otherwise ignored.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/forms/form_loader.h"
#include "core/forms/form_session.h"

namespace doorstep::forms {

nlohmann::json snapshot_to_json(const FormSession& session, const FormSnapshot& snapshot);
// The snapshot's "risk": {"level", "rules": [{"id", "level", "message"}], "monitoring_type"}.
nlohmann::json risk_to_json(const forms::RiskResult& risk);
nlohmann::json answers_to_json(const FormSession::Answers& answers);

// Applies an answers object to a session (in one batch). Returns the answer errors as JSON
// objects {"name", "instance"?, "kind": "answer", "message"}.
nlohmann::json apply_answers(FormSession& session, const nlohmann::json& answers);

// Parameter values from {"name": value}; throws InvalidArgument naming a non-scalar value.
std::map<std::string, std::string> params_from_json(const nlohmann::json& params);

// The whole evaluation. `params_json` and `answers_json` may be empty (no answers, defaults).
nlohmann::json evaluate_form(std::string_view form_json, std::string_view answers_json,
                             std::string_view params_json, const std::string& language);
// The same with the form already loaded and the parameters already read (params_from_json),
// for a caller that evaluates many answers with one form version; `answers` may be null.
nlohmann::json evaluate_form(const std::shared_ptr<const FormDefinition>& form,
                             const nlohmann::json& answers,
                             const std::map<std::string, std::string>& params,
                             const std::string& language);

// The items of a form for a shell to render, in the language: [{"name", "type", "label",
// "hint", "required", "read_only", "appearance", "choices": [{"name","label"}], "children":
// [...]}], plus settings and params.
nlohmann::json outline_to_json(const FormDefinition& form, const std::string& language);

nlohmann::json issues_to_json(const std::vector<FormIssue>& issues);

}  // namespace doorstep::forms
