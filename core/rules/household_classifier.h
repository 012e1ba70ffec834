// HouseholdClassifier: a household's risk level from its merged current state — the form's
// risk rules evaluated over the household's current fields, every current member and the
// county's settings — by the same code on the phone, the leader's laptop and the county.
//
// The result is language-independent JSON, so replicas holding the same state and settings
// store the same bytes:
//   {"level": "red"|"yellow"|"green", "monitoring_type": "unstable"|"marginal"|
//    "sudden_hardship"|null, "rules": [{"id", "level", "values": {name: value}}],
//    "form_version": "FORM@VERSION"}
// where "values" holds, for each rule that fired, the values its `when` expression read
// (parameters included), so a reader sees why. render() adds the rules' messages in a
// language for a shell to show.
//
// Which form: the one of the household's newest visit if this classifier holds it, else the
// default form (the last one added). A household without a visit has no level (nullopt).
// Parameters: the form's defaults, overridden by the county settings: a setting named like a
// parameter (`poverty_line`) applies to every year, one named PARAM_YEAR (`poverty_line_2026`) to
// that year and those after it until a later year's setting; the year is the one of the evaluation
// date.
//
// Thread-safety: forms are immutable once added; classify() and render() only read. Adding
// forms is not safe alongside them.
// Failure: add_form() throws Error(InvalidForm) with the definition's issues; classify()
// never throws for a household's values (rules that fail to evaluate are listed in "errors").
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/forms/form_definition.h"

namespace doorstep::rules {

class HouseholdClassifier {
 public:
  // Adds a form definition (JSON text) and makes it the default; returns its key
  // "FORM@VERSION". `source` names the text in errors.
  std::string add_form(std::string_view text, const std::string& source);
  bool empty() const { return forms_.empty(); }
  const std::string& default_form() const { return default_; }
  // The form stored under `key`, or null.
  std::shared_ptr<const forms::FormDefinition> form(const std::string& key) const;

  // `state`: {"fields": {name: value}, "members": [{"id", "fields": {...}}],
  // "form_version": "FORM@VERSION" | ""} (Store::household_state); `settings`: the county
  // settings record's fields. nullopt when no form is known. `today_seconds` pins today()
  // (seconds since the epoch); < 0 is the real clock.
  std::optional<nlohmann::json> classify(const nlohmann::json& state,
                                         const nlohmann::json& settings,
                                         double today_seconds = -1) const;

  // `risk` (as classify() returns it) with a "message" per rule and a
  // "monitoring_type_label" (monitoring_type.h), in `language` (else the form's default
  // language).
  nlohmann::json render(const nlohmann::json& risk, const std::string& language) const;

 private:
  std::map<std::string, std::shared_ptr<const forms::FormDefinition>> forms_;
  std::string default_;
};

// The parameters of `form` for `year` from the county settings (see above), as node strings.
std::map<std::string, std::string> params_from_settings(const forms::FormDefinition& form,
                                                        const nlohmann::json& settings, int year);

}  // namespace doorstep::rules

namespace doorstep::store {
class Store;
}

namespace doorstep::rules {

// Makes every Store this process creates or opens classify its households with its forms()
// (store::Store::set_classifier_factory). Called once by the shells and the server; calling
// it again is harmless.
void use_form_classifier();

// DOORSTEP_TODAY (YYYY-MM-DD) as seconds since the epoch (noon of that day), or -1 when it is
// not set: the "today" the classifier of use_form_classifier() evaluates with, so that age
// and year-dependent thresholds follow a pinned date in tests, demos and training.
double pinned_today_seconds();

// A classifier holding the forms of `store` (for rendering messages), or null if none load.
std::shared_ptr<const HouseholdClassifier> classifier_of(const store::Store& store);

}  // namespace doorstep::rules
