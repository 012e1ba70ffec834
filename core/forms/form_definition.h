// FormDefinition: a loaded, validated form — the survey items (questions, calculations,
// groups, repeats), its choice lists, settings, county parameters and risk rules.
//
// The JSON format (docs/forms.md) uses XLSForm's column names as keys. The loader
// (form_loader.h) turns a JSON text into a FormDefinition or a list of FormIssues naming
// FILE:LINE:COL; a FormDefinition that exists is valid: every name is unique, every
// ${reference} resolves, every expression parses, calculations have no cycle.
//
// Items are kept flattened in document order (pre-order), with parent/children indices; a
// group written begin_group/end_group and one written with nested `children` look the same.
//
// Thread-safety: immutable once loaded; share it (std::shared_ptr<const FormDefinition>)
// between any number of sessions and threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/forms/expression.h"
#include "core/forms/risk_rules.h"

namespace doorstep::forms {

using forms::LocalizedText;

enum class ItemType {
  Text,
  Integer,
  Decimal,
  SelectOne,
  SelectMultiple,
  Date,
  Geopoint,
  Image,
  Note,
  Calculate,
  Group,
  Repeat,
};

// "select_one", "begin_group", ... (the XLSForm spelling; groups as "group").
const char* type_name(ItemType type);
// True for types a person answers (not notes, calculations, groups, repeats).
bool is_answerable(ItemType type);

struct FormItem {
  ItemType type = ItemType::Text;
  std::string name;
  std::string list_name;  // select_one / select_multiple: the choice list
  LocalizedText label;
  LocalizedText hint;
  LocalizedText constraint_message;
  LocalizedText required_message;
  LocalizedText warning_message;
  bool required = false;                  // `required: true` / "yes"
  std::optional<Expression> required_if;  // `required` given as an expression
  std::optional<Expression> relevant;
  std::optional<Expression> constraint;
  // True when the answer looks wrong but may stand (docs/forms.md, "Warnings"): reported,
  // never blocking.
  std::optional<Expression> warning;
  std::optional<Expression> calculation;
  std::optional<Expression> choice_filter;
  std::optional<Expression> repeat_count;
  std::optional<Expression> default_expression;  // a dynamic default (see docs/forms.md)
  std::string default_value;                     // a literal default
  bool read_only = false;
  std::string appearance;
  // The "merge" key (docs/forms.md, "Merge rules"): "review" | "lww", and the role that
  // may resolve a conflict on it; both empty when the question declares none.
  std::string merge_rule;
  std::string merge_resolver;

  int index = 0;    // position in FormDefinition::items
  int parent = -1;  // enclosing group or repeat, -1 at the top level
  int repeat = -1;  // innermost enclosing repeat, -1 when not in a repeat
  std::vector<int> children;
  std::string pointer;  // JSON pointer of the item in its source, for messages
};

struct Choice {
  std::string name;
  LocalizedText label;
};

struct FormParam {
  std::string name;
  std::string default_value;  // as a node value (string)
  LocalizedText label;
};

struct FormSettings {
  std::string form_id;
  std::string version;
  std::string default_language = "zh";
  LocalizedText title;
};

struct FormDefinition {
  FormSettings settings;
  std::vector<FormItem> items;  // pre-order
  std::vector<int> roots;       // top-level items
  std::map<std::string, std::vector<Choice>> choices;
  std::vector<FormParam> params;
  std::vector<forms::RiskRule> rules;
  std::vector<std::string> rule_pointers;  // JSON pointer of each rule, for messages

  // Items whose values may be read by others, sorted so that every item comes after what its
  // calculation, relevance and default read (and after its parent): the session evaluates in
  // this order. rank[i] is item i's place in it.
  std::vector<int> evaluation_order;
  std::vector<int> rank;

  std::unordered_map<std::string, int> by_name;

  const FormItem* find(const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : &items[static_cast<size_t>(it->second)];
  }
  const FormParam* find_param(const std::string& name) const {
    for (const auto& p : params)
      if (p.name == name) return &p;
    return nullptr;
  }
  const std::vector<Choice>* choice_list(const std::string& list) const {
    auto it = choices.find(list);
    return it == choices.end() ? nullptr : &it->second;
  }
};

}  // namespace doorstep::forms
