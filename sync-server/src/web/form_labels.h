// FormLabels: the words of a form definition (docs/forms.md) for showing a household's
// answers to people: each question's label, each choice's label, each rule's message, in the
// page's language, and the order of the questions. Built from the county's default form
// (Store::forms(), the last one); a field the form does not know is shown by its name.
//
// Thread-safety: immutable after construction. Failure: a form that does not parse gives
// empty labels (names are shown), never an error.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "web/i18n.h"

namespace doorstep::server::web {

class FormLabels {
 public:
  FormLabels() = default;
  explicit FormLabels(const std::string& form_text);

  std::string question(Lang lang, const std::string& field) const;
  // A value as people read it: a choice's label (each of a select_multiple's words), a
  // number or text as it is.
  std::string value(Lang lang, const std::string& field, const nlohmann::json& value) const;
  std::string rule(Lang lang, const std::string& rule_id) const;
  // The household-level questions and the members' questions, in form order (no groups,
  // notes or calculations).
  const std::vector<std::string>& household_fields() const { return household_fields_; }
  const std::vector<std::string>& member_fields() const { return member_fields_; }
  // Position of a field in the form (for sorting), large for unknown ones.
  size_t order(const std::string& field) const;

 private:
  void walk(const nlohmann::json& items, bool in_members);
  std::map<std::string, nlohmann::json> labels_;    // field -> {"zh", "en"}
  std::map<std::string, std::string> choice_list_;  // field -> list name
  std::map<std::string, nlohmann::json> choices_;   // list -> [{"name", "label"}]
  std::map<std::string, nlohmann::json> rules_;     // rule id -> message
  std::map<std::string, size_t> order_;
  std::vector<std::string> household_fields_, member_fields_;
};

}  // namespace doorstep::server::web
